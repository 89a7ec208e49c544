package fakegithub

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// manyIssues is a repository with n open issues numbered 1..n, created a
// day apart.
func manyIssues(n int) *Data {
	r := &Repo{Owner: "o", Name: "r", ID: 77, DefaultBranch: "main", CreatedAt: t0}
	for i := 1; i <= n; i++ {
		r.Issues = append(r.Issues, &Issue{Number: int64(i), ID: int64(1000 + i), Title: "t", User: User{Login: "u"},
			State: "open", CreatedAt: at(i), UpdatedAt: at(i)})
	}
	return &Data{Repos: []*Repo{r}}
}

func TestPaginationAndLinkHeaders(t *testing.T) {
	ts, _ := newTestServer(t, manyIssues(95), Options{})
	base := ts.URL + "/repositories/77/issues"
	tests := []struct {
		name      string
		query     string
		wantFirst int // number of the first issue on the page (newest first)
		wantLen   int
		wantLink  string
	}{
		{"default per_page is 30", "", 95, 30,
			`<` + base + `?page=2>; rel="next", <` + base + `?page=4>; rel="last"`},
		{"middle page has prev, next, last, first", "?per_page=30&page=2", 65, 30,
			`<` + base + `?per_page=30&page=1>; rel="prev", <` + base + `?per_page=30&page=3>; rel="next", <` + base + `?per_page=30&page=4>; rel="last", <` + base + `?per_page=30&page=1>; rel="first"`},
		{"last page has prev and first only", "?per_page=30&page=4", 5, 5,
			`<` + base + `?per_page=30&page=3>; rel="prev", <` + base + `?per_page=30&page=1>; rel="first"`},
		{"per_page above 100 is clamped", "?per_page=500", 95, 95, ""},
		{"per_page 0 means the default", "?per_page=0&state=open", 95, 30,
			`<` + base + `?per_page=0&state=open&page=2>; rel="next", <` + base + `?per_page=0&state=open&page=4>; rel="last"`},
		{"other parameters are kept in order", "?state=open&per_page=50&sort=created", 95, 50,
			`<` + base + `?state=open&per_page=50&sort=created&page=2>; rel="next", <` + base + `?state=open&per_page=50&sort=created&page=2>; rel="last"`},
		{"past the end is empty without next", "?per_page=50&page=9", 0, 0,
			`<` + base + `?per_page=50&page=8>; rel="prev", <` + base + `?per_page=50&page=1>; rel="first"`},
		{"page 0 is page 1", "?page=0&per_page=90", 95, 90,
			`<` + base + `?page=2&per_page=90>; rel="next", <` + base + `?page=2&per_page=90>; rel="last"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var items []map[string]any
			resp := getJSON(t, ts, "/repos/o/r/issues"+tt.query, 200, &items)
			if len(items) != tt.wantLen {
				t.Errorf("got %d items, want %d", len(items), tt.wantLen)
			}
			if tt.wantLen > 0 && numbers(items)[0] != tt.wantFirst {
				t.Errorf("first item #%d, want #%d", numbers(items)[0], tt.wantFirst)
			}
			if got := resp.Header.Get("Link"); got != tt.wantLink {
				t.Errorf("Link\n got %s\nwant %s", got, tt.wantLink)
			}
		})
	}
}

func TestFollowingLinksVisitsEveryItemOnce(t *testing.T) {
	ts, _ := newTestServer(t, manyIssues(95), Options{})
	seen := map[int]bool{}
	next := ts.URL + "/repos/o/r/issues?per_page=7"
	pages := 0
	for next != "" {
		var items []map[string]any
		resp := getJSON(t, ts, strings.TrimPrefix(next, ts.URL), 200, &items)
		for _, n := range numbers(items) {
			if seen[n] {
				t.Fatalf("issue %d served twice", n)
			}
			seen[n] = true
		}
		next = ""
		for _, part := range strings.Split(resp.Header.Get("Link"), ", ") {
			if strings.HasSuffix(part, `rel="next"`) {
				next = part[1:strings.Index(part, ">")]
			}
		}
		pages++
	}
	if len(seen) != 95 || pages != 14 {
		t.Errorf("saw %d issues on %d pages, want 95 on 14", len(seen), pages)
	}
}

func TestEmptyListingHasNoLink(t *testing.T) {
	ts, _ := newTestServer(t, manyIssues(0), Options{})
	resp, body := get(t, ts, "/repos/o/r/issues")
	if string(body) != "[]" || resp.Header.Get("Link") != "" {
		t.Errorf("got body %s and Link %q, want [] and no Link", body, resp.Header.Get("Link"))
	}
}

func TestIssuesFilteringAndSorting(t *testing.T) {
	ts, _ := newTestServer(t, fixture(), Options{})
	tests := []struct {
		query string
		want  []int
	}{
		{"", []int{4, 2}}, // state defaults to open, newest created first
		{"?state=closed", []int{3, 1}},
		{"?state=all", []int{4, 3, 2, 1}},
		{"?state=all&direction=asc", []int{1, 2, 3, 4}},
		{"?state=all&sort=updated", []int{4, 2, 3, 1}},
		{"?state=all&sort=comments", []int{1, 3, 4, 2}},
		{"?state=all&since=2024-03-05T12:00:00Z", []int{4, 3, 2}}, // updated at or after
		{"?state=all&since=2024-03-05T12:00:01Z", []int{4, 2}},
		{"?state=all&labels=bug", []int{1}},
		{"?state=all&creator=bob", []int{3, 2}},
		{"?state=bogus", []int{4, 2}},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			var items []map[string]any
			getJSON(t, ts, "/repos/acme/widgets/issues"+tt.query, 200, &items)
			if got := numbers(items); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestIssuesMarkPullRequests(t *testing.T) {
	ts, _ := newTestServer(t, fixture(), Options{})
	var items []map[string]any
	getJSON(t, ts, "/repos/acme/widgets/issues?state=all&direction=asc", 200, &items)
	if _, ok := items[0]["pull_request"]; ok {
		t.Error("issue #1 has a pull_request object")
	}
	pr, ok := items[2]["pull_request"].(map[string]any)
	if !ok {
		t.Fatalf("PR #3 has no pull_request object: %v", items[2])
	}
	if pr["merged_at"] != "2024-03-05T12:00:00Z" || !strings.HasSuffix(pr["html_url"].(string), "/acme/widgets/pull/3") {
		t.Errorf("pull_request = %v", pr)
	}
	if items[0]["closed_at"] != "2024-03-03T12:00:00Z" || items[1]["closed_at"] != nil {
		t.Errorf("closed_at = %v, %v; want a timestamp and null", items[0]["closed_at"], items[1]["closed_at"])
	}
	if items[0]["state_reason"] != "completed" || items[0]["author_association"] != "MEMBER" || items[1]["author_association"] != "NONE" {
		t.Errorf("state_reason/author_association = %v %v %v", items[0]["state_reason"], items[0]["author_association"], items[1]["author_association"])
	}
}

func TestCommentListingsOrder(t *testing.T) {
	ts, _ := newTestServer(t, fixture(), Options{})
	tests := []struct {
		path string
		want []string
	}{
		{"/repos/acme/widgets/issues/comments", []string{"501", "502", "503"}},
		{"/repos/acme/widgets/issues/comments?direction=desc", []string{"501", "502", "503"}}, // ignored without sort
		{"/repos/acme/widgets/issues/comments?sort=created&direction=desc", []string{"503", "502", "501"}},
		{"/repos/acme/widgets/issues/comments?sort=updated", []string{"501", "503", "502"}},
		{"/repos/acme/widgets/issues/comments?since=2024-03-04T12:00:01Z", []string{"502"}},
		{"/repos/acme/widgets/issues/comments?since=2024-03-04T12:00:00Z", []string{"502", "503"}},
		{"/repos/acme/widgets/pulls/comments", []string{"601"}},
		{"/repos/acme/widgets/pulls/3/reviews", []string{"701"}}, // the pending review is hidden
		{"/repos/acme/widgets/issues/events", []string{"304", "303", "302", "301"}},
		{"/repos/acme/widgets/forks", []string{"802", "801"}},
		{"/repos/acme/widgets/forks?sort=oldest", []string{"801", "802"}},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			var items []map[string]any
			getJSON(t, ts, tt.path, 200, &items)
			var got []string
			for _, it := range items {
				got = append(got, fmt.Sprintf("%.0f", it["id"].(float64)))
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got ids %v, want %v", got, tt.want)
			}
		})
	}
}

func TestReviewsOfAnIssueAre404(t *testing.T) {
	ts, _ := newTestServer(t, fixture(), Options{})
	getJSON(t, ts, "/repos/acme/widgets/pulls/2/reviews", 404, nil)
}

func TestCommits(t *testing.T) {
	ts, _ := newTestServer(t, fixture(), Options{})
	c1, c2 := strings.Repeat("c1", 20), strings.Repeat("c2", 20)
	tests := []struct {
		query string
		want  []string
	}{
		{"", []string{c2, c1}},
		{"?sha=main", []string{c2, c1}},
		{"?sha=" + c1, []string{c1}},
		{"?path=.all-contributorsrc", []string{c2}},
		{"?path=docs", []string{c2}},
		{"?since=2024-03-04T00:00:00Z", []string{c2}},
		{"?until=2024-03-04T00:00:00Z", []string{c1}},
		{"?author=bob", []string{c2}},
		{"?author=bob@laptop.local", []string{c1}},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			var items []map[string]any
			getJSON(t, ts, "/repos/acme/widgets/commits"+tt.query, 200, &items)
			if got := field(items, "sha"); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
	var items []map[string]any
	getJSON(t, ts, "/repos/acme/widgets/commits", 200, &items)
	if items[1]["author"] != nil || items[1]["committer"] != nil {
		t.Errorf("commit with an unlinked email: author %v, committer %v; want null", items[1]["author"], items[1]["committer"])
	}
	if items[0]["author"].(map[string]any)["login"] != "bob" {
		t.Errorf("linked commit author = %v", items[0]["author"])
	}
	getJSON(t, ts, "/repos/acme/widgets/commits?sha=deadbeef", 404, nil)
}

func TestCommitsOfAnEmptyRepositoryAre409(t *testing.T) {
	ts, _ := newTestServer(t, manyIssues(1), Options{})
	var e errorBody
	getJSON(t, ts, "/repos/o/r/commits", 409, &e)
	if e.Message != "Git Repository is empty." {
		t.Errorf("message %q", e.Message)
	}
}

func TestStargazersMediaTypes(t *testing.T) {
	ts, _ := newTestServer(t, fixture(), Options{})
	var plain []map[string]any
	getJSON(t, ts, "/repos/acme/widgets/stargazers", 200, &plain)
	if got := field(plain, "login"); !reflect.DeepEqual(got, []string{"alice", "bob"}) {
		t.Errorf("plain stargazers %v, want oldest star first", got)
	}
	var stars []map[string]any
	getJSON(t, ts, "/repos/acme/widgets/stargazers", 200, &stars, "Accept", "application/vnd.github.star+json")
	if len(stars) != 2 || stars[0]["starred_at"] != "2024-03-02T12:00:00Z" || stars[0]["user"].(map[string]any)["login"] != "alice" {
		t.Errorf("star+json stargazers = %v", stars)
	}
}

func TestContents(t *testing.T) {
	ts, _ := newTestServer(t, fixture(), Options{})
	big := strings.Repeat("0123456789", 20)
	ts2, srv := newTestServer(t, fixture(), Options{})
	srv.Mutate(func(d *Data) { d.Repos[0].Files["big.txt"] = []byte(big) })

	var f map[string]any
	getJSON(t, ts, "/repos/acme/widgets/contents/.all-contributorsrc", 200, &f)
	want := fixture().Repos[0].Files[".all-contributorsrc"]
	content, _ := base64.StdEncoding.DecodeString(strings.ReplaceAll(f["content"].(string), "\n", ""))
	if f["type"] != "file" || f["encoding"] != "base64" || string(content) != string(want) ||
		f["size"] != float64(len(want)) || f["sha"] != blobSHA(want) || f["name"] != ".all-contributorsrc" {
		t.Errorf("file payload = %v", f)
	}

	getJSON(t, ts2, "/repos/acme/widgets/contents/big.txt", 200, &f)
	lines := strings.Split(f["content"].(string), "\n")
	if len(lines[0]) != 60 || lines[len(lines)-1] != "" {
		t.Errorf("base64 not wrapped at 60 with a final newline: %q", f["content"])
	}

	getJSON(t, ts, "/repos/acme/widgets/contents/.all-contributorsrc?ref="+strings.Repeat("c2", 20), 200, &f)
	old, _ := base64.StdEncoding.DecodeString(strings.ReplaceAll(f["content"].(string), "\n", ""))
	if string(old) != `{"contributors":[{"login":"bob","contributions":["code"]}]}` {
		t.Errorf("content at ref = %s", old)
	}
	getJSON(t, ts, "/repos/acme/widgets/contents/nope.txt", 404, nil)
	getJSON(t, ts, "/repos/acme/widgets/contents/.all-contributorsrc?ref=0123456789abcdef", 404, nil)

	var dir []map[string]any
	getJSON(t, ts, "/repos/acme/widgets/contents/", 200, &dir)
	if got := field(dir, "name"); !reflect.DeepEqual(got, []string{".all-contributorsrc", "docs"}) {
		t.Errorf("root listing %v", got)
	}

	resp, raw := get(t, ts, "/repos/acme/widgets/contents/docs/guide.md", "Accept", "application/vnd.github.raw")
	if resp.StatusCode != 200 || string(raw) != "# Guide\n" {
		t.Errorf("raw content: %d %q", resp.StatusCode, raw)
	}
	getJSON(t, ts, "/repos/acme/widgets/contents/docs/guide.md", 200, &f)
	resp, raw = get(t, ts, strings.TrimPrefix(f["download_url"].(string), ts.URL))
	if resp.StatusCode != 200 || string(raw) != "# Guide\n" {
		t.Errorf("download_url %s: %d %q", f["download_url"], resp.StatusCode, raw)
	}
}

func TestOrgRepos(t *testing.T) {
	d := fixture()
	d.Repos = append(d.Repos, &Repo{Owner: "acme", Name: "alpha", ID: 5, CreatedAt: at(-200), Fork: true})
	d.Orgs["acme"] = append(d.Orgs["acme"], "acme/alpha")
	ts, _ := newTestServer(t, d, Options{})
	tests := []struct {
		query string
		want  []string
	}{
		{"", []string{"widgets", "alpha"}}, // created, newest first; private hidden
		{"?sort=full_name", []string{"alpha", "widgets"}},
		{"?type=sources", []string{"widgets"}},
		{"?type=forks", []string{"alpha"}},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			var items []map[string]any
			getJSON(t, ts, "/orgs/ACME/repos"+tt.query, 200, &items)
			if got := field(items, "name"); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
	resp := getJSON(t, ts, "/orgs/acme/repos?per_page=1", 200, nil)
	link := resp.Header.Get("Link")
	wantBase := fmt.Sprintf("%s/organizations/%d/repos?per_page=1&page=2", ts.URL, orgID("acme"))
	if !strings.Contains(link, wantBase) {
		t.Fatalf("Link %s does not point at %s", link, wantBase)
	}
	var items []map[string]any
	getJSON(t, ts, strings.TrimPrefix(wantBase, ts.URL), 200, &items)
	if got := field(items, "name"); !reflect.DeepEqual(got, []string{"alpha"}) {
		t.Errorf("page 2 through /organizations/{id}: %v", got)
	}
	getJSON(t, ts, "/orgs/nobody/repos", 404, nil)
}

func TestRepositoriesRoutesServeTheSameAsRepos(t *testing.T) {
	ts, _ := newTestServer(t, fixture(), Options{})
	for _, suffix := range []string{"", "/issues?state=all", "/issues/comments", "/pulls/comments", "/pulls/3/reviews",
		"/commits", "/stargazers", "/forks", "/issues/events", "/pulls?state=all", "/contents/docs/guide.md"} {
		_, a := get(t, ts, "/repos/acme/widgets"+suffix)
		_, b := get(t, ts, "/repositories/4242"+suffix)
		if string(a) != string(b) || len(a) < 10 {
			t.Errorf("%s: /repositories/4242 differs from /repos/acme/widgets", suffix)
		}
	}
	getJSON(t, ts, "/repositories/4243/issues", 404, nil) // private
	getJSON(t, ts, "/repositories/999/issues", 404, nil)
	getJSON(t, ts, "/repos/ACME/Widgets", 200, nil) // names are case-insensitive
}

func TestNotFound(t *testing.T) {
	ts, _ := newTestServer(t, fixture(), Options{})
	for _, path := range []string{"/repos/acme/secret", "/repos/acme/nope", "/repos/acme/secret/issues", "/nothing/here", "/repos/acme/widgets/unknown"} {
		var e errorBody
		getJSON(t, ts, path, 404, &e)
		if e.Message != "Not Found" || e.DocumentationURL == "" {
			t.Errorf("%s: body %+v", path, e)
		}
	}
	var e errorBody
	getJSON(t, ts, "/repos/acme/nope", 404, &e)
	if e.DocumentationURL != "https://docs.github.com/rest/repos/repos#get-a-repository" {
		t.Errorf("documentation_url %q", e.DocumentationURL)
	}
}

func TestBasePathMounting(t *testing.T) {
	ts, _ := newTestServer(t, fixture(), Options{BasePath: "/api/v3/"})
	var repo map[string]any
	getJSON(t, ts, "/api/v3/repos/acme/widgets", 200, &repo)
	if repo["url"] != ts.URL+"/api/v3/repos/acme/widgets" {
		t.Errorf("url %v does not carry the base path", repo["url"])
	}
	getJSON(t, ts, "/repos/acme/widgets", 404, nil)
	getJSON(t, ts, "/api/v3x/repos/acme/widgets", 404, nil)
	resp := getJSON(t, ts, "/api/v3/repos/acme/widgets/issues?state=all&per_page=1", 200, nil)
	if !strings.HasPrefix(resp.Header.Get("Link"), "<"+ts.URL+"/api/v3/repositories/4242/issues?") {
		t.Errorf("Link %s", resp.Header.Get("Link"))
	}
	getJSON(t, ts, "/api/v3/repositories/4242/issues?state=all&per_page=1&page=2", 200, nil)
}

func TestETagAndNotModified(t *testing.T) {
	ts, srv := newTestServer(t, fixture(), Options{Tokens: []string{"t1"}})
	auth := []string{"Authorization", "Bearer t1"}
	resp, body := get(t, ts, "/repos/acme/widgets/issues", auth...)
	etag := resp.Header.Get("ETag")
	if !strings.HasPrefix(etag, `W/"`) || len(body) == 0 {
		t.Fatalf("ETag %q", etag)
	}
	for _, inm := range []string{etag, strings.TrimPrefix(etag, "W/"), `"other", ` + etag} {
		resp, body = get(t, ts, "/repos/acme/widgets/issues", "Authorization", "Bearer t1", "If-None-Match", inm)
		if resp.StatusCode != http.StatusNotModified || len(body) != 0 {
			t.Errorf("If-None-Match %s: status %d, %d bytes; want 304 and none", inm, resp.StatusCode, len(body))
		}
		if resp.Header.Get("X-RateLimit-Remaining") != "4999" || resp.Header.Get("X-RateLimit-Used") != "1" {
			t.Errorf("304 counted against the quota: remaining %s", resp.Header.Get("X-RateLimit-Remaining"))
		}
	}
	st := srv.Stats()
	if st.Requests != 4 || st.Counted != 1 || st.NotModified != 3 {
		t.Errorf("stats %+v, want 4 requests, 1 counted, 3 not modified", st)
	}
	// A change in the data changes the ETag.
	srv.Mutate(func(d *Data) { d.Repos[0].Issues[1].Title = "renamed" })
	resp, _ = get(t, ts, "/repos/acme/widgets/issues", "Authorization", "Bearer t1", "If-None-Match", etag)
	if resp.StatusCode != 200 || resp.Header.Get("ETag") == etag {
		t.Errorf("after a change: status %d, ETag %s", resp.StatusCode, resp.Header.Get("ETag"))
	}
}

func TestRateLimitHeadersAndExhaustion(t *testing.T) {
	now := t0
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	ts, srv := newTestServer(t, fixture(), Options{Tokens: []string{"t1", "t2"}, Quota: 3, Now: clock})
	auth := []string{"Authorization", "token t1"}
	reset := strconv.FormatInt(t0.Add(time.Hour).Unix(), 10)
	for i := 1; i <= 3; i++ {
		resp, _ := get(t, ts, "/repos/acme/widgets", auth...)
		h := resp.Header
		if resp.StatusCode != 200 || h.Get("X-RateLimit-Limit") != "3" || h.Get("X-RateLimit-Remaining") != strconv.Itoa(3-i) ||
			h.Get("X-RateLimit-Used") != strconv.Itoa(i) || h.Get("X-RateLimit-Reset") != reset || h.Get("X-RateLimit-Resource") != "core" {
			t.Errorf("request %d: %d %v", i, resp.StatusCode, h)
		}
	}
	var e errorBody
	resp := getJSON(t, ts, "/repos/acme/widgets", 403, &e, auth...)
	if resp.Header.Get("X-RateLimit-Remaining") != "0" || !strings.HasPrefix(e.Message, "API rate limit exceeded for user ID 9000001.") ||
		!strings.HasPrefix(e.DocumentationURL, "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api") {
		t.Errorf("exhausted: %v %+v", resp.Header, e)
	}
	// /rate_limit still answers and costs nothing.
	var rl struct {
		Rate      rateLimit            `json:"rate"`
		Resources map[string]rateLimit `json:"resources"`
	}
	getJSON(t, ts, "/rate_limit", 200, &rl, auth...)
	if rl.Rate.Remaining != 0 || rl.Rate.Used != 3 || rl.Resources["core"] != rl.Rate {
		t.Errorf("rate_limit = %+v", rl)
	}
	// Another token has its own quota.
	getJSON(t, ts, "/repos/acme/widgets", 200, nil, "Authorization", "Bearer t2")
	// The quota comes back at the reset time.
	mu.Lock()
	now = t0.Add(time.Hour)
	mu.Unlock()
	resp = getJSON(t, ts, "/repos/acme/widgets", 200, nil, auth...)
	if resp.Header.Get("X-RateLimit-Remaining") != "2" {
		t.Errorf("after reset: remaining %s", resp.Header.Get("X-RateLimit-Remaining"))
	}
	if st := srv.Stats(); st.RateLimited != 1 {
		t.Errorf("stats.RateLimited = %d", st.RateLimited)
	}
}

func TestUnauthenticatedQuotaIs60PerIP(t *testing.T) {
	ts, _ := newTestServer(t, fixture(), Options{})
	resp := getJSON(t, ts, "/repos/acme/widgets", 200, nil)
	if resp.Header.Get("X-RateLimit-Limit") != "60" || resp.Header.Get("X-RateLimit-Remaining") != "59" {
		t.Errorf("headers %v", resp.Header)
	}
	for range 59 {
		getJSON(t, ts, "/repos/acme/widgets", 200, nil)
	}
	var e errorBody
	getJSON(t, ts, "/repos/acme/widgets", 403, &e)
	if !strings.HasPrefix(e.Message, "API rate limit exceeded for 127.0.0.1.") {
		t.Errorf("message %q", e.Message)
	}
}

func TestAuthentication(t *testing.T) {
	ts, srv := newTestServer(t, fixture(), Options{Tokens: []string{"good"}})
	tests := []struct {
		auth   string
		status int
	}{
		{"Bearer good", 200},
		{"token good", 200},
		{"Bearer bad", 401},
		{"Basic Z29vZA==", 401},
		{"", 200}, // unauthenticated
	}
	for _, tt := range tests {
		t.Run(tt.auth, func(t *testing.T) {
			var h []string
			if tt.auth != "" {
				h = []string{"Authorization", tt.auth}
			}
			var e errorBody
			resp, body := get(t, ts, "/repos/acme/widgets", h...)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tt.status)
			}
			if tt.status == 401 {
				_ = json.Unmarshal(body, &e)
				if e.Message != "Bad credentials" || e.DocumentationURL != "https://docs.github.com/rest" {
					t.Errorf("body %s", body)
				}
				if resp.Header.Get("X-RateLimit-Limit") != "60" {
					t.Errorf("401 carries limit %q, want the unauthenticated 60", resp.Header.Get("X-RateLimit-Limit"))
				}
			}
		})
	}
	var u map[string]any
	getJSON(t, ts, "/user", 200, &u, "Authorization", "Bearer good")
	if u["login"] != "user1" || u["id"] != float64(9000001) {
		t.Errorf("/user = %v", u)
	}
	getJSON(t, ts, "/user", 401, nil)
	if got := fmt.Sprintf("%+v", srv.Stats()); strings.Contains(got, "good") {
		t.Errorf("stats mention the token: %s", got)
	}
}

func TestStatsCountRoutes(t *testing.T) {
	ts, srv := newTestServer(t, fixture(), Options{})
	get(t, ts, "/repos/acme/widgets/issues")
	get(t, ts, "/repositories/4242/issues?page=2")
	get(t, ts, "/repos/acme/widgets/pulls/3/reviews")
	get(t, ts, "/rate_limit")
	get(t, ts, "/nope")
	st := srv.Stats()
	want := map[string]int64{
		"GET /repos/{owner}/{repo}/issues":                      2,
		"GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews": 1,
		"GET /rate_limit": 1,
		"GET (unknown)":   1,
	}
	if !reflect.DeepEqual(st.Routes, want) {
		t.Errorf("routes %v, want %v", st.Routes, want)
	}
	if st.Requests != 5 || st.Counted != 4 || st.Status[200] != 4 || st.Status[404] != 1 {
		t.Errorf("stats %+v", st)
	}
}

func TestMutateIsSeenByTheNextRequest(t *testing.T) {
	ts, srv := newTestServer(t, fixture(), Options{})
	srv.Mutate(func(d *Data) {
		r := d.Repos[0]
		r.Comments = append(r.Comments, &Comment{ID: 504, IssueNumber: 2, User: User{Login: "carol"}, CreatedAt: at(9), UpdatedAt: at(9)})
		r.Issues[1].UpdatedAt = at(9)
		d.Repos = append(d.Repos, &Repo{Owner: "acme", Name: "new", ID: 5000})
	})
	var items []map[string]any
	getJSON(t, ts, "/repos/acme/widgets/issues/comments?since=2024-03-09T00:00:00Z", 200, &items)
	if len(items) != 1 || items[0]["id"] != float64(504) {
		t.Errorf("comments since: %v", field(items, "id"))
	}
	getJSON(t, ts, "/repos/acme/new", 200, nil)
}

func TestConcurrentRequests(t *testing.T) {
	ts, srv := newTestServer(t, Generate(GenerateOptions{Seed: 1, Issues: 200}), Options{})
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := 1; p <= 5; p++ {
				resp, err := ts.Client().Get(fmt.Sprintf("%s/repos/example-org/project-1/issues?state=all&page=%d", ts.URL, p))
				if err == nil {
					resp.Body.Close()
				}
			}
			if i == 0 {
				srv.Mutate(func(d *Data) { d.Repos[0].Issues[0].Title = "changed" })
			}
		}()
	}
	wg.Wait()
	if st := srv.Stats(); st.Requests != 40 {
		t.Errorf("requests %d, want 40", st.Requests)
	}
}
