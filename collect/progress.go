package collect

import (
	"fmt"
	"io"
	"os"
	"sort"
	"sync"
	"time"

	"github.com/journeys-dev/journeys/collect/ghapi"
	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"
	"golang.org/x/term"
)

// statusEvery is how often the plain status line is printed when the
// progress writer is not a terminal.
const statusEvery = 5 * time.Second

// progress shows how collection goes: a live display on a terminal, a
// plain status line every few seconds otherwise. A nil writer shows nothing.
type progress struct {
	w      io.Writer
	client *ghapi.Client
	total  int

	mu       sync.Mutex
	running  map[string]*repoCollector
	finished int
	failed   int

	live *mpb.Progress
	bar  *mpb.Bar
	quit chan struct{}
	wg   sync.WaitGroup
	once sync.Once
}

func newProgress(w io.Writer, repos []string, client *ghapi.Client) *progress {
	p := &progress{w: w, client: client, total: len(repos), running: map[string]*repoCollector{}, quit: make(chan struct{})}
	if w == nil {
		return p
	}
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		p.live = mpb.New(mpb.WithOutput(w), mpb.WithRefreshRate(200*time.Millisecond))
		p.bar = p.live.AddBar(int64(len(repos)),
			mpb.PrependDecorators(decor.Name("repositories "), decor.CountersNoUnit("%d/%d")),
			mpb.AppendDecorators(decor.Any(func(decor.Statistics) string { return p.summary() })),
		)
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
				fmt.Fprintln(p.w, p.line())
			}
		}
	}()
	return p
}

// summary is the requests and quota part of the display.
func (p *progress) summary() string {
	sent, _, notMod := p.client.Stats()
	s := fmt.Sprintf("%d requests (%d not modified)", sent, notMod)
	if r := p.client.Rate(); r.Known {
		s += fmt.Sprintf(", quota %d/%d left", r.Remaining, r.Limit)
	}
	return s
}

func (p *progress) line() string {
	p.mu.Lock()
	names := make([]string, 0, len(p.running))
	pages := int64(0)
	for n, rc := range p.running {
		names = append(names, n)
		pages += rc.pages.Load()
	}
	done, failed := p.finished, p.failed
	p.mu.Unlock()
	sort.Strings(names)
	s := fmt.Sprintf("collect: %d/%d repositories done", done, p.total)
	if failed > 0 {
		s += fmt.Sprintf(" (%d failed)", failed)
	}
	s += ", " + p.summary()
	if len(names) > 0 {
		s += fmt.Sprintf("; working on %d (%d pages so far), e.g. %s", len(names), pages, names[0])
	}
	return s
}

func (p *progress) start(repo string, rc *repoCollector) {
	p.mu.Lock()
	p.running[repo] = rc
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

func (p *progress) stop() {
	p.once.Do(func() {
		close(p.quit)
		p.wg.Wait()
		if p.live != nil {
			if !p.bar.Completed() {
				p.bar.Abort(false)
			}
			p.live.Wait()
		}
		if p.w != nil && p.live == nil {
			fmt.Fprintln(p.w, p.line())
		}
	})
}
