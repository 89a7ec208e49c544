// Package progress shows how a collection goes on a terminal: a live
// display of bars (github.com/vbauerster/mpb) when the output is a
// terminal, a plain status line every few seconds otherwise. It watches a
// collection through collect.Observer and holds all of the command's
// terminal handling, so that collect itself prints nothing.
package progress

import (
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/journeys-dev/journeys/collect"
	"github.com/journeys-dev/journeys/collect/ghapi"
	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"
	"golang.org/x/term"
)

// statusEvery is how often the plain status line is printed when the
// output is not a terminal.
const statusEvery = 5 * time.Second

// A Display shows one collection on w; it is a collect.Observer. Log lines
// written to its LogWriter while the live display runs print above the
// bars instead of into them.
type Display struct {
	w     io.Writer
	logs  *LogWriter
	every time.Duration // the plain line's period (statusEvery)
	now   func() time.Time

	mu       sync.Mutex
	status   func() collect.Status
	total    int
	running  map[string]bool
	finished int
	failed   int

	live    *mpb.Progress
	bar     *mpb.Bar
	info    *mpb.Bar
	restore func()
	quit    chan struct{}
	wg      sync.WaitGroup
	once    sync.Once
}

// New returns a Display writing to w; logs (nil: none) is the writer the
// logger's handler writes to.
func New(w io.Writer, logs *LogWriter) *Display {
	return &Display{w: w, logs: logs, every: statusEvery, now: time.Now, running: map[string]bool{},
		quit: make(chan struct{}), restore: func() {}, status: func() collect.Status { return collect.Status{} }}
}

// Begin starts the display of the collection of repos.
func (d *Display) Begin(repos []string, status func() collect.Status) {
	d.mu.Lock()
	d.total, d.status = len(repos), status
	d.mu.Unlock()
	if f, ok := d.w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		d.startLive()
		d.restore = d.logs.divert(d.live)
		return
	}
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		t := time.NewTicker(d.every)
		defer t.Stop()
		for {
			select {
			case <-d.quit:
				return
			case <-t.C:
				fmt.Fprintln(d.w, "collect: "+d.Line())
			}
		}
	}()
}

// startLive builds the terminal display: a bar of the repositories done,
// and below it a line of counters and the wait under way, if any.
func (d *Display) startLive() {
	d.live = mpb.New(mpb.WithOutput(d.w), mpb.WithWidth(40), mpb.WithRefreshRate(200*time.Millisecond))
	d.bar = d.live.AddBar(int64(d.total),
		mpb.PrependDecorators(decor.Name("repositories ", decor.WCSyncSpaceR), decor.CountersNoUnit("%d/%d", decor.WCSyncWidth)),
		mpb.AppendDecorators(decor.Any(func(decor.Statistics) string { return d.repoNote() })),
	)
	d.info = d.live.New(0, mpb.NopStyle(),
		mpb.PrependDecorators(decor.Any(func(decor.Statistics) string { return d.counters() })),
	)
}

// RepoStarted notes that repo's collection began.
func (d *Display) RepoStarted(repo string) {
	d.mu.Lock()
	d.running[repo] = true
	d.mu.Unlock()
}

// RepoFinished notes that repo's collection ended.
func (d *Display) RepoFinished(repo string, failed bool) {
	d.mu.Lock()
	delete(d.running, repo)
	d.finished++
	if failed {
		d.failed++
	}
	d.mu.Unlock()
	if d.bar != nil {
		d.bar.Increment()
	}
}

// End ends the display: the live one is drawn a last time (or, when
// interrupted, taken away) and log lines go straight to their writer
// again; the plain one prints a last line.
func (d *Display) End(interrupted bool) {
	d.once.Do(func() {
		close(d.quit)
		d.wg.Wait()
		if d.live == nil {
			fmt.Fprintln(d.w, "collect: "+d.Line())
			return
		}
		defer d.restore()
		if interrupted {
			// Ctrl-C: take the display away, and the "^C" the terminal
			// echoed into it, so that the message that follows starts on a
			// clean line.
			d.bar.Abort(true)
			d.info.Abort(true)
			d.live.Wait()
			fmt.Fprint(d.w, "\r\x1b[K")
			return
		}
		if !d.bar.Completed() {
			d.bar.Abort(false)
		}
		d.info.SetTotal(-1, true)
		d.live.Wait()
	})
}

// Line is the plain status line: repositories done and failed, the
// counters, and the repositories being collected.
func (d *Display) Line() string {
	d.mu.Lock()
	done, failed, total := d.finished, d.failed, d.total
	d.mu.Unlock()
	s := fmt.Sprintf("%d/%d repositories done", done, total)
	if failed > 0 {
		s += fmt.Sprintf(" (%d failed)", failed)
	}
	s += "; " + strings.ReplaceAll(d.counters(), " · ", ", ")
	if note := d.workingOn(); note != "" {
		s += "; " + note
	}
	return s
}

// repoNote is what follows the repositories bar: failures and the
// repositories being collected.
func (d *Display) repoNote() string {
	d.mu.Lock()
	failed := d.failed
	d.mu.Unlock()
	var parts []string
	if failed > 0 {
		parts = append(parts, fmt.Sprintf("%d failed", failed))
	}
	if s := d.workingOn(); s != "" {
		parts = append(parts, s)
	}
	if len(parts) == 0 {
		return ""
	}
	return " " + strings.Join(parts, "; ")
}

// workingOn names the first repository being collected and how many more
// are, or "".
func (d *Display) workingOn() string {
	d.mu.Lock()
	names := make([]string, 0, len(d.running))
	for n := range d.running {
		names = append(names, n)
	}
	d.mu.Unlock()
	if len(names) == 0 {
		return ""
	}
	slices.Sort(names)
	s := "working on " + names[0]
	if len(names) > 1 {
		s += fmt.Sprintf(" and %d more", len(names)-1)
	}
	return s
}

// counters is the pages, items, requests and quota part of the display,
// and the wait under way.
func (d *Display) counters() string {
	d.mu.Lock()
	st := d.status()
	d.mu.Unlock()
	return Counters(st, d.now())
}

// Counters describes st, as of now, on one line.
func Counters(st collect.Status, now time.Time) string {
	s := fmt.Sprintf("pages %d · items %d · requests %d (%d not modified)", st.Pages, st.Items, st.Requests, st.NotModified)
	if q := st.Quota; q != nil {
		s += fmt.Sprintf(" · quota %d/%d left", q.Remaining, q.Limit)
	}
	if g := st.GraphQL; g != nil {
		s += fmt.Sprintf(" · GraphQL %d queries, %d points", g.Queries, g.Points)
		if q := g.Quota; q != nil {
			s += fmt.Sprintf(" (%d/%d left)", q.Remaining, q.Limit)
		}
	}
	if w := st.Wait; w != nil {
		left := max(w.Until.Sub(now), 0)
		if w.Reason == "quota reset" {
			s += fmt.Sprintf(" · quota resets at %s UTC, waiting %s", w.Until.UTC().Format("15:04"), ghapi.RoundWait(left))
		} else {
			s += fmt.Sprintf(" · waiting %s for %s", ghapi.RoundWait(left), w.Reason)
		}
	}
	return s
}
