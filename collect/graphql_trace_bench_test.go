package collect

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"
)

// A tracer records when each request of a run was sent and answered, to
// show which requests wait on which (BENCH_TRACE=1) and to measure the
// longest chain of them.
type tracer struct {
	base  http.RoundTripper
	start time.Time
	mu    sync.Mutex
	spans []span
}

type span struct {
	from, to time.Duration
	what     string
}

var opNameRE = regexp.MustCompile(`^\s*query\s+(\w+)`)
var aliasRE = regexp.MustCompile(`\b[ip]\d+: (issue|pullRequest)\(`)

func (t *tracer) RoundTrip(r *http.Request) (*http.Response, error) {
	what := r.Method + " " + r.URL.Path
	if r.URL.RawQuery != "" {
		what += "?" + r.URL.RawQuery
	}
	if r.Body != nil && r.Method == http.MethodPost {
		b, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(b))
		var q string
		if i := bytes.Index(b, []byte(`"query":"`)); i >= 0 {
			q = string(b[i+9:])
		}
		if m := opNameRE.FindStringSubmatch(q); m != nil {
			what = "gql " + m[1]
			if n := len(aliasRE.FindAllString(strings.ReplaceAll(q, `\n`, "\n"), -1)); n > 0 {
				what += fmt.Sprintf(" (%d nodes)", n)
			}
			if i := bytes.Index(b, []byte(`"variables":`)); i >= 0 {
				v := string(b[i+12:])
				if len(v) > 90 {
					v = v[:90]
				}
				what += " " + v
			}
		}
	}
	from := time.Since(t.start)
	resp, err := t.base.RoundTrip(r)
	if err == nil {
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		resp.Body = io.NopCloser(bytes.NewReader(b))
	}
	to := time.Since(t.start)
	t.mu.Lock()
	t.spans = append(t.spans, span{from, to, what})
	t.mu.Unlock()
	return resp, err
}

// depth is the longest chain of requests each sent after the one before
// it was answered: depth(r) = 1 + the most of the requests answered before
// r was sent. It may count a request answered before another was sent as
// its cause when it was not; with latencies much longer than the CPU time
// between requests, it does not.
func (t *tracer) depth() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	sort.Slice(t.spans, func(i, j int) bool { return t.spans[i].from < t.spans[j].from })
	depth := make([]int, len(t.spans))
	longest := 0
	for i, r := range t.spans {
		depth[i] = 1
		for j, q := range t.spans[:i] {
			if q.to <= r.from {
				depth[i] = max(depth[i], depth[j]+1)
			}
		}
		longest = max(longest, depth[i])
	}
	return longest
}

// String lists the requests by start, with their start and end in
// milliseconds since the run began.
func (t *tracer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	sort.Slice(t.spans, func(i, j int) bool { return t.spans[i].from < t.spans[j].from })
	var b strings.Builder
	for _, s := range t.spans {
		fmt.Fprintf(&b, "%6.0f %6.0f  %s\n", float64(s.from.Microseconds())/1000, float64(s.to.Microseconds())/1000, s.what)
	}
	return b.String()
}
