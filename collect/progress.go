package collect

import (
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/journeys-dev/journeys/collect/ghapi"
	"github.com/journeys-dev/journeys/collect/ghgraphql"
	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"
	"golang.org/x/term"
)

// statusEvery is how often the plain status line is printed when the
// progress writer is not a terminal.
const statusEvery = 5 * time.Second

// A LogWriter is the writer a logger's handler writes to (stderr, say).
// While collection shows its live display on a terminal, it sends the lines
// through the display, which prints them above the bars instead of into
// them; otherwise it writes them straight through. It is safe for
// concurrent use.
type LogWriter struct {
	base io.Writer

	mu  sync.Mutex
	cur io.Writer // the live display while it runs, else nil
}

// NewLogWriter returns a LogWriter writing to w.
func NewLogWriter(w io.Writer) *LogWriter { return &LogWriter{base: w} }

// Write writes p to the live display if one runs, else to the underlying
// writer.
func (l *LogWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	cur := l.cur
	l.mu.Unlock()
	if cur != nil {
		n, err := cur.Write(p)
		if err == nil {
			return n, nil
		}
		// The display ended between the check and the write.
	}
	return l.base.Write(p)
}

// divert sends the lines to w until the returned function is called.
func (l *LogWriter) divert(w io.Writer) (restore func()) {
	if l == nil {
		return func() {}
	}
	l.mu.Lock()
	l.cur = w
	l.mu.Unlock()
	return func() {
		l.mu.Lock()
		l.cur = nil
		l.mu.Unlock()
	}
}

// tally counts what collection has fetched so far, across repositories.
type tally struct {
	pages atomic.Int64 // pages answered with content (not 304)
	items atomic.Int64 // items decoded from them
}

// progress shows how collection goes: a live display on a terminal, a
// plain status line every few seconds otherwise. A nil writer shows nothing.
type progress struct {
	w      io.Writer
	client *ghapi.Client
	gql    *ghgraphql.Client // nil on the REST route
	total  int
	counts tally

	mu       sync.Mutex
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

// newProgress starts the display of the collection of repos on w; log
// lines written to logs meanwhile print above the live display.
func newProgress(w io.Writer, logs *LogWriter, repos []string, client *ghapi.Client) *progress {
	p := &progress{w: w, client: client, total: len(repos), running: map[string]bool{}, quit: make(chan struct{}), restore: func() {}}
	if w == nil {
		return p
	}
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		p.startLive()
		p.restore = logs.divert(p.live)
		return p
	}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		t := time.NewTicker(statusEvery)
		defer t.Stop()
		for {
			select {
			case <-p.quit:
				return
			case <-t.C:
				fmt.Fprintln(p.w, "collect: "+p.line())
			}
		}
	}()
	return p
}

// startLive builds the terminal display: a bar of the repositories done,
// and below it a line of counters and the wait under way, if any.
func (p *progress) startLive() {
	p.live = mpb.New(mpb.WithOutput(p.w), mpb.WithWidth(40), mpb.WithRefreshRate(200*time.Millisecond))
	p.bar = p.live.AddBar(int64(p.total),
		mpb.PrependDecorators(decor.Name("repositories ", decor.WCSyncSpaceR), decor.CountersNoUnit("%d/%d", decor.WCSyncWidth)),
		mpb.AppendDecorators(decor.Any(func(decor.Statistics) string { return p.repoNote() })),
	)
	p.info = p.live.New(0, mpb.NopStyle(),
		mpb.PrependDecorators(decor.Any(func(decor.Statistics) string { return p.counters() })),
	)
}

// repoNote is what follows the repositories bar: failures and the
// repositories being collected.
func (p *progress) repoNote() string {
	p.mu.Lock()
	names := make([]string, 0, len(p.running))
	for n := range p.running {
		names = append(names, n)
	}
	failed := p.failed
	p.mu.Unlock()
	slices.Sort(names)
	var parts []string
	if failed > 0 {
		parts = append(parts, fmt.Sprintf("%d failed", failed))
	}
	if len(names) > 0 {
		s := "working on " + names[0]
		if len(names) > 1 {
			s += fmt.Sprintf(" and %d more", len(names)-1)
		}
		parts = append(parts, s)
	}
	if len(parts) == 0 {
		return ""
	}
	return " " + strings.Join(parts, "; ")
}

// counters is the pages, items, requests and quota part of the display,
// and the wait under way.
func (p *progress) counters() string {
	sent, _, notMod := p.client.Stats()
	s := fmt.Sprintf("pages %d · items %d · requests %d (%d not modified)",
		p.counts.pages.Load(), p.counts.items.Load(), sent, notMod)
	if r := p.client.Rate(); r.Known {
		s += fmt.Sprintf(" · quota %d/%d left", r.Remaining, r.Limit)
	}
	if p.gql != nil {
		s += " · " + gqlNote(p.gql)
	}
	if w := waitNote(p.client, time.Now()); w != "" {
		s += " · " + w
	}
	return s
}

// waitNote describes the pause that holds every request, or "".
func waitNote(c *ghapi.Client, now time.Time) string {
	w, ok := c.Waiting()
	if !ok {
		return ""
	}
	left := max(w.Until.Sub(now), 0)
	if w.Reason == "quota reset" {
		return fmt.Sprintf("quota resets at %s UTC, waiting %s", w.Until.UTC().Format("15:04"), roundWait(left))
	}
	return fmt.Sprintf("waiting %s for %s", roundWait(left), w.Reason)
}

// roundWait rounds a wait for display: seconds under two minutes, whole
// minutes beyond.
func roundWait(d time.Duration) string {
	if d < 2*time.Minute {
		return d.Round(time.Second).String()
	}
	s := strings.TrimSuffix(d.Round(time.Minute).String(), "0s") // "38m", "1h2m", "1h0m"
	return strings.TrimSuffix(s, "h0m") + map[bool]string{true: "h"}[strings.HasSuffix(s, "h0m")]
}

// line is the plain status line.
func (p *progress) line() string {
	p.mu.Lock()
	done, failed := p.finished, p.failed
	p.mu.Unlock()
	s := fmt.Sprintf("%d/%d repositories done", done, p.total)
	if failed > 0 {
		s += fmt.Sprintf(" (%d failed)", failed)
	}
	s += "; " + strings.ReplaceAll(p.counters(), " · ", ", ")
	if note := p.runningNote(); note != "" {
		s += "; " + note
	}
	return s
}

func (p *progress) runningNote() string {
	p.mu.Lock()
	n := len(p.running)
	p.mu.Unlock()
	if n == 0 {
		return ""
	}
	note := strings.TrimSpace(p.repoNote())
	if i := strings.Index(note, "working on "); i >= 0 {
		return note[i:]
	}
	return ""
}

func (p *progress) start(repo string) {
	p.mu.Lock()
	p.running[repo] = true
	p.mu.Unlock()
}

func (p *progress) done(repo, status string) {
	p.mu.Lock()
	delete(p.running, repo)
	p.finished++
	if status == "failed" {
		p.failed++
	}
	p.mu.Unlock()
	if p.bar != nil {
		p.bar.Increment()
	}
}

// stop ends the display: the live one is drawn a last time and log lines go
// straight to their writer again; the plain one prints a last line.
func (p *progress) stop(interrupted bool) {
	p.once.Do(func() {
		close(p.quit)
		p.wg.Wait()
		if p.live != nil {
			if interrupted {
				// Ctrl-C: take the display away, and the "^C" the terminal
				// echoed into it, so that the message that follows starts
				// on a clean line.
				p.bar.Abort(true)
				p.info.Abort(true)
				p.live.Wait()
				fmt.Fprint(p.w, "\r\x1b[K")
				p.restore()
				return
			}
			if !p.bar.Completed() {
				p.bar.Abort(false)
			}
			p.info.SetTotal(-1, true)
			p.live.Wait()
			p.restore()
			return
		}
		if p.w != nil {
			fmt.Fprintln(p.w, "collect: "+p.line())
		}
	})
}
