package fakegithub

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// statuses makes n requests to path and returns their statuses, 0 for a
// request whose connection was dropped.
func statuses(t *testing.T, base string, client *http.Client, path string, n int) []int {
	t.Helper()
	var out []int
	for range n {
		resp, err := client.Get(base + path)
		if err != nil {
			out = append(out, 0)
			continue
		}
		resp.Body.Close()
		out = append(out, resp.StatusCode)
	}
	return out
}

func TestFaultPlans(t *testing.T) {
	tests := []struct {
		name string
		plan FaultPlan
		want []int
	}{
		{"every 3rd request returns 502 once",
			FaultPlan{Rules: []Fault{{Kind: ServerError, Every: 3}}},
			[]int{200, 200, 502, 200, 200, 502, 200}},
		{"a burst of two 503s every 4 requests",
			FaultPlan{Rules: []Fault{{Kind: ServerError, Status: 503, Every: 4, Burst: 2}}},
			[]int{200, 200, 200, 503, 503, 200, 200, 503, 503}},
		{"chosen requests",
			FaultPlan{Rules: []Fault{{Kind: ServerError, Status: 500, On: []int64{1, 5}}}},
			[]int{500, 200, 200, 200, 500}},
		{"secondary rate limit on request 3",
			FaultPlan{Rules: []Fault{{Kind: SecondaryRateLimit, On: []int64{3}, RetryAfter: 1}}},
			[]int{200, 200, 403, 200}},
		{"secondary rate limit as 429",
			FaultPlan{Rules: []Fault{{Kind: SecondaryRateLimit, Status: 429, On: []int64{2}}}},
			[]int{200, 429, 200}},
		{"dropped connection",
			FaultPlan{Rules: []Fault{{Kind: DropConnection, On: []int64{2}}}},
			[]int{200, 0, 200}},
		{"first matching rule wins",
			FaultPlan{Rules: []Fault{{Kind: SecondaryRateLimit, On: []int64{2}}, {Kind: ServerError, Every: 2}}},
			[]int{200, 403, 200, 502}},
		{"route-scoped faults number that route's requests",
			FaultPlan{Rules: []Fault{{Kind: ServerError, Route: "GET /rate_limit", On: []int64{1}}}},
			[]int{200, 200, 200}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts, srv := newTestServer(t, fixture(), Options{Faults: tt.plan})
			// A fresh connection per request, so that a dropped one is
			// not retried by the transport.
			client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
			got := statuses(t, ts.URL, client, "/repos/acme/widgets", len(tt.want))
			if !equalInts(got, tt.want) {
				t.Errorf("statuses %v, want %v", got, tt.want)
			}
			faults := 0
			for _, s := range tt.want {
				if s != 200 {
					faults++
				}
			}
			if st := srv.Stats(); st.Faults != int64(faults) || st.Counted != int64(len(tt.want)-faults) {
				t.Errorf("stats: %d faults, %d counted; want %d and %d", st.Faults, st.Counted, faults, len(tt.want)-faults)
			}
		})
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestRouteScopedFault(t *testing.T) {
	plan := FaultPlan{Rules: []Fault{{Kind: ServerError, Route: "GET /repos/{owner}/{repo}/issues", On: []int64{2}}}}
	ts, _ := newTestServer(t, fixture(), Options{Faults: plan})
	var got []int
	for _, p := range []string{"/repos/acme/widgets/issues", "/repos/acme/widgets", "/repositories/4242/issues", "/repos/acme/widgets/issues"} {
		resp, _ := get(t, ts, p)
		got = append(got, resp.StatusCode)
	}
	if !equalInts(got, []int{200, 200, 502, 200}) {
		t.Errorf("statuses %v", got)
	}
}

func TestFaultBodies(t *testing.T) {
	plan := FaultPlan{Rules: []Fault{
		{Kind: SecondaryRateLimit, On: []int64{1}, RetryAfter: 7},
		{Kind: ServerError, Status: 502, On: []int64{2}},
		{Kind: ServerError, Status: 503, On: []int64{3}},
		{Kind: ServerError, Status: 502, On: []int64{4}, Body: "<html><body>Unicorn!</body></html>"},
	}}
	ts, _ := newTestServer(t, fixture(), Options{Faults: plan, Tokens: []string{"t"}})
	var e errorBody
	resp := getJSON(t, ts, "/repos/acme/widgets", 403, &e, "Authorization", "Bearer t")
	if resp.Header.Get("Retry-After") != "7" || !strings.HasPrefix(e.Message, "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.") ||
		e.DocumentationURL != "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits" {
		t.Errorf("secondary limit: %v %+v", resp.Header, e)
	}
	if resp.Header.Get("X-RateLimit-Remaining") == "0" || resp.Header.Get("X-RateLimit-Remaining") == "" {
		t.Errorf("a secondary limit must not look like an exhausted quota: remaining %q", resp.Header.Get("X-RateLimit-Remaining"))
	}
	getJSON(t, ts, "/repos/acme/widgets", 502, &e)
	if e.Message != "Server Error" {
		t.Errorf("502 body %+v", e)
	}
	getJSON(t, ts, "/repos/acme/widgets", 503, &e)
	if e.Message != "Service Unavailable" {
		t.Errorf("503 body %+v", e)
	}
	resp, body := get(t, ts, "/repos/acme/widgets")
	if resp.StatusCode != 502 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") || !strings.Contains(string(body), "Unicorn") {
		t.Errorf("HTML 502: %d %s %s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
}

func TestRandomFaultsAreDeterministic(t *testing.T) {
	run := func(seed int64) []int {
		ts, _ := newTestServer(t, fixture(), Options{Faults: FaultPlan{Seed: seed, Rules: []Fault{{Kind: ServerError, Rate: 0.3}}}})
		return statuses(t, ts.URL, ts.Client(), "/rate_limit", 60)
	}
	a, b, c := run(1), run(1), run(2)
	if !equalInts(a, b) {
		t.Errorf("same seed, different faults:\n%v\n%v", a, b)
	}
	if equalInts(a, c) {
		t.Error("different seeds, same faults")
	}
	n := 0
	for _, s := range a {
		if s == 502 {
			n++
		}
	}
	if n < 8 || n > 30 {
		t.Errorf("%d of 60 requests failed at rate 0.3", n)
	}
}

func TestFailRepos(t *testing.T) {
	plan := FaultPlan{FailRepos: map[string]int{"ACME/widgets": 0}}
	ts, srv := newTestServer(t, fixture(), Options{Faults: plan})
	var e errorBody
	getJSON(t, ts, "/repos/acme/widgets/issues", 404, &e)
	if e.Message != "Not Found" || e.DocumentationURL != "https://docs.github.com/rest/repos/repos#get-a-repository" {
		t.Errorf("body %+v", e)
	}
	getJSON(t, ts, "/repositories/4242", 404, nil)
	if st := srv.Stats(); st.Faults != 2 {
		t.Errorf("faults %d, want 2", st.Faults)
	}
	ts2, _ := newTestServer(t, fixture(), Options{Faults: FaultPlan{FailRepos: map[string]int{"acme/widgets": 451}}})
	getJSON(t, ts2, "/repos/acme/widgets", 451, &e)
	if e.Message != "Repository access blocked" {
		t.Errorf("451 body %+v", e)
	}
}

func TestLatency(t *testing.T) {
	ts, _ := newTestServer(t, fixture(), Options{Faults: FaultPlan{Latency: 30 * time.Millisecond}})
	start := time.Now()
	get(t, ts, "/repos/acme/widgets")
	if d := time.Since(start); d < 30*time.Millisecond {
		t.Errorf("answered in %v, want at least 30ms", d)
	}
}
