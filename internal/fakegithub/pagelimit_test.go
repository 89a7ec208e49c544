package fakegithub

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestPageLimits(t *testing.T) {
	const route = "GET /repos/{owner}/{repo}/issues"
	tests := []struct {
		name      string
		limit     PageLimit
		wantSeen  int
		wantPages int
		wantEnd   int // status of the request that ended the walk
	}{
		{"deep page numbers are refused and next leads there", PageLimit{MaxPage: 3}, 30, 3, 422},
		{"cursor links go on past the last numbered page", PageLimit{MaxPage: 3, Cursor: true}, 95, 10, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts, _ := newTestServer(t, manyIssues(95), Options{PageLimits: map[string]PageLimit{route: tt.limit}})
			getJSON(t, ts, "/repos/o/r/issues?per_page=10&page=4", 422, nil)
			seen := map[int]bool{}
			next, pages, end := "/repos/o/r/issues?per_page=10", 0, 0
			for next != "" {
				resp, body := get(t, ts, next)
				end = resp.StatusCode
				if end != 200 {
					if !strings.Contains(string(body), "Pagination with the page parameter is not supported for large datasets") {
						t.Errorf("422 body = %s", body)
					}
					break
				}
				pages++
				var items []map[string]any
				if err := json.Unmarshal(body, &items); err != nil {
					t.Fatal(err)
				}
				for _, n := range numbers(items) {
					if seen[n] {
						t.Fatalf("issue %d served twice", n)
					}
					seen[n] = true
				}
				if pages == 1 && !strings.Contains(resp.Header.Get("Link"), `page=10>; rel="last"`) {
					t.Errorf("first page's Link names no numbered last page: %s", resp.Header.Get("Link"))
				}
				next = strings.TrimPrefix(linkNext(resp.Header.Get("Link")), ts.URL)
			}
			if len(seen) != tt.wantSeen || pages != tt.wantPages || end != tt.wantEnd {
				t.Errorf("saw %d issues on %d pages, ended with %d; want %d on %d, %d", len(seen), pages, end, tt.wantSeen, tt.wantPages, tt.wantEnd)
			}
		})
	}
}

func TestPageLimitsSpareOtherRoutes(t *testing.T) {
	ts, _ := newTestServer(t, manyIssues(95), Options{PageLimits: map[string]PageLimit{"GET /repos/{owner}/{repo}/stargazers": {MaxPage: 1}}})
	getJSON(t, ts, "/repos/o/r/issues?per_page=10&page=9", 200, nil)
}

func linkNext(link string) string {
	for _, part := range strings.Split(link, ", ") {
		if strings.HasSuffix(part, `rel="next"`) {
			return part[1:strings.Index(part, ">")]
		}
	}
	return ""
}

func TestRateLimitFaultHeaders(t *testing.T) {
	now := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name       string
		fault      Fault
		wantStatus int
		wantRetry  string
		wantReset  string
	}{
		{"Retry-After sent as given", Fault{Kind: SecondaryRateLimit, On: []int64{1}, RetryAfterRaw: "0"}, 403, "0", ""},
		{"secondary limit without Retry-After", Fault{Kind: SecondaryRateLimit, Status: 429, On: []int64{1}, NoRetryAfter: true}, 429, "", ""},
		{"503 with Retry-After", Fault{Kind: ServerError, Status: 503, On: []int64{1}, RetryAfterRaw: "2"}, 503, "2", ""},
		{"quota reset not in the future", Fault{Kind: StaleQuota, On: []int64{1}, ResetIn: -time.Minute}, 403,
			"", strconv.FormatInt(now.Add(-time.Minute).Unix(), 10)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts, _ := newTestServer(t, manyIssues(1), Options{Now: func() time.Time { return now },
				Faults: FaultPlan{Rules: []Fault{tt.fault}}})
			resp, body := get(t, ts, "/repos/o/r/issues")
			if resp.StatusCode != tt.wantStatus || resp.Header.Get("Retry-After") != tt.wantRetry {
				t.Errorf("status %d, Retry-After %q; want %d, %q", resp.StatusCode, resp.Header.Get("Retry-After"), tt.wantStatus, tt.wantRetry)
			}
			if tt.wantReset != "" {
				if resp.Header.Get("X-RateLimit-Remaining") != "0" || resp.Header.Get("X-RateLimit-Reset") != tt.wantReset ||
					!strings.Contains(string(body), "API rate limit exceeded") {
					t.Errorf("headers %v, body %s", resp.Header, body)
				}
			}
		})
	}
}
