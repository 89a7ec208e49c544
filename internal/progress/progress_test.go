package progress

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/journeys-dev/journeys/collect"
)

// syncBuffer is a bytes.Buffer safe for the display's ticker goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var noon = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func TestCounters(t *testing.T) {
	tests := []struct {
		name string
		st   collect.Status
		want string
	}{
		{"before any answer", collect.Status{},
			"pages 0 · items 0 · requests 0 (0 not modified)"},
		{"with the quota", collect.Status{Pages: 3, Items: 250, Requests: 5, NotModified: 2, Quota: &collect.Quota{Remaining: 4990, Limit: 5000}},
			"pages 3 · items 250 · requests 5 (2 not modified) · quota 4990/5000 left"},
		{"on the GraphQL route", collect.Status{Requests: 1, GraphQL: &collect.GraphQLStatus{Queries: 4, Points: 7, Quota: &collect.Quota{Remaining: 993, Limit: 1000}}},
			"pages 0 · items 0 · requests 1 (0 not modified) · GraphQL 4 queries, 7 points (993/1000 left)"},
		{"waiting for a secondary limit", collect.Status{Wait: &collect.Wait{Reason: "secondary rate limit", Until: noon.Add(61 * time.Second)}},
			"pages 0 · items 0 · requests 0 (0 not modified) · waiting 1m1s for secondary rate limit"},
		{"waiting for the quota", collect.Status{Wait: &collect.Wait{Reason: "quota reset", Until: noon.Add(38 * time.Minute)}},
			"pages 0 · items 0 · requests 0 (0 not modified) · quota resets at 12:38 UTC, waiting 38m"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Counters(tt.st, noon); got != tt.want {
				t.Errorf("Counters:\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestPlainDisplayPrintsAStatusLine(t *testing.T) {
	var out syncBuffer
	d := New(&out, nil)
	d.every = time.Millisecond
	d.now = func() time.Time { return noon }
	d.Begin([]string{"acme/a", "acme/b", "acme/c"}, func() collect.Status { return collect.Status{Pages: 2, Items: 150, Requests: 4} })
	d.RepoStarted("acme/b")
	d.RepoStarted("acme/a")
	d.RepoStarted("acme/c")
	d.RepoFinished("acme/c", true)
	want := "collect: 1/3 repositories done (1 failed); pages 2, items 150, requests 4 (0 not modified); working on acme/a and 1 more"
	if got := d.Line(); "collect: "+got != want {
		t.Errorf("Line:\n got %q\nwant %q", "collect: "+got, want)
	}
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(out.String(), want) && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	d.RepoFinished("acme/a", false)
	d.RepoFinished("acme/b", false)
	d.End(false)
	ended := out.String()
	d.End(false)
	if out.String() != ended {
		t.Errorf("a second End printed %q", strings.TrimPrefix(out.String(), ended))
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if !strings.Contains(out.String(), want) {
		t.Errorf("no periodic status line %q in:\n%s", want, out.String())
	}
	last := "collect: 3/3 repositories done (1 failed); pages 2, items 150, requests 4 (0 not modified)"
	if got := lines[len(lines)-1]; got != last {
		t.Errorf("last line:\n got %q\nwant %q", got, last)
	}
}

func TestLogWriterGoesThroughTheDisplayWhileItRuns(t *testing.T) {
	var base, live bytes.Buffer
	l := NewLogWriter(&base)
	l.Write([]byte("before\n"))
	restore := l.divert(&live)
	l.Write([]byte("during\n"))
	restore()
	l.Write([]byte("after\n"))
	if got, want := base.String(), "before\nafter\n"; got != want {
		t.Errorf("straight through: %q, want %q", got, want)
	}
	if got, want := live.String(), "during\n"; got != want {
		t.Errorf("through the display: %q, want %q", got, want)
	}
}
