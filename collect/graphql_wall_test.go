package collect

import (
	"bytes"
	"io"
	"net/http"
	"regexp"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/journeys-dev/journeys/internal/fakegithub"
	"github.com/journeys-dev/journeys/schema"
)

// holdRepo is a transport that holds the answer for the repository
// (GET /repos/{owner}/{repo}) until it has seen the requests want names
// (or a while has passed), and notes which were sent before it.
type holdRepo struct {
	base http.RoundTripper
	repo string // the repository's path
	want []string
	mu   sync.Mutex
	sent map[string]bool // what was sent before the repository's answer
	seen chan struct{}   // closed once everything wanted was sent
	done bool            // the repository was answered
}

var gqlOperationRE = regexp.MustCompile(`"query":"query (\w+)`)

// label names a request: GraphQL queries by operation, REST by path.
func label(r *http.Request) string {
	if r.Method != http.MethodPost || r.Body == nil {
		return r.URL.Path
	}
	b, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(b))
	if m := gqlOperationRE.FindSubmatch(b); m != nil {
		return "graphql " + string(m[1])
	}
	return r.URL.Path
}

func (h *holdRepo) RoundTrip(r *http.Request) (*http.Response, error) {
	l := label(r)
	h.mu.Lock()
	if !h.done {
		h.sent[l] = true
		all := true
		for _, w := range h.want {
			all = all && h.sent[w]
		}
		if all {
			select {
			case <-h.seen:
			default:
				close(h.seen)
			}
		}
	}
	h.mu.Unlock()
	if l == h.repo {
		select {
		case <-h.seen:
		case <-time.After(5 * time.Second):
		}
		h.mu.Lock()
		h.done = true
		h.mu.Unlock()
	}
	return h.base.RoundTrip(r)
}

// A first run on the GraphQL route begins every walk that does not need
// the repository without waiting for it: the issues listing, the forks
// and the commits.
func TestGraphQLFirstRunDoesNotWaitForTheRepository(t *testing.T) {
	h := newHarness(t, genData(), fakegithub.Options{})
	o := h.gqlOptions()
	want := []string{"/repos/example-org/project-1/issues", "/repos/example-org/project-1/forks", "graphql Commits", "graphql Forks"}
	tr := &holdRepo{base: http.DefaultTransport, repo: "/repos/example-org/project-1", want: want,
		sent: map[string]bool{}, seen: make(chan struct{})}
	o.HTTPClient = &http.Client{Transport: tr}
	if _, err, _ := h.run(genCommunity, o); err != nil {
		t.Fatal(err)
	}
	for _, w := range want {
		if !tr.sent[w] {
			t.Errorf("%s waited for the repository", w)
		}
	}
}

// The GraphQL route lists the stargazers through REST's numbered pages,
// all at once, and through GraphQL's cursors when GitHub refuses a page;
// either way the table is REST's, and a rerun over unchanged data costs
// nothing.
func TestGraphQLStargazers(t *testing.T) {
	data := func() *fakegithub.Data {
		return consistent(fakegithub.Generate(fakegithub.GenerateOptions{Seed: 5, Repos: 1, Issues: 40, Stars: 250}))
	}
	const route = "GET /repos/{owner}/{repo}/stargazers"
	cases := []struct {
		name    string
		limits  map[string]fakegithub.PageLimit
		pages   int64 // REST stargazers requests of the first run
		queries int64 // GraphQL Stargazers queries of the first run
	}{
		{"numbered pages", nil, 3, 0},
		{"a page refused: by cursor", map[string]fakegithub.PageLimit{route: {MaxPage: 2}}, 3, 3},
	}
	rest := newHarness(t, data(), fakegithub.Options{})
	if _, err, _ := rest.run(genCommunity, rest.options()); err != nil {
		t.Fatal(err)
	}
	want := routeTables(t, rest.out)["stargazers"]
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, data(), fakegithub.Options{PageLimits: c.limits})
			if _, err, _ := h.run(genCommunity, h.gqlOptions()); err != nil {
				t.Fatal(err)
			}
			if got := routeTables(t, h.out)["stargazers"]; !slices.Equal(got, want) {
				t.Errorf("stargazers: %d rows, REST's %d, or different", len(got), len(want))
			}
			st, q := h.srv.Stats(), h.srv.GraphQLStats()
			if st.Routes[route] != c.pages || q.ByOperation["Stargazers"] != c.queries {
				t.Errorf("%d stargazers pages and %d Stargazers queries, want %d and %d", st.Routes[route], q.ByOperation["Stargazers"], c.pages, c.queries)
			}
			points := q.Points
			_, err, spent := h.run(genCommunity, h.gqlOptions())
			if err != nil {
				t.Fatal(err)
			}
			if p := h.srv.GraphQLStats().Points - points; spent != 0 || p != 0 {
				t.Errorf("a rerun over unchanged data cost %d requests and %d points", spent, p)
			}
		})
	}
}

// A comment or review deleted without a change to its issue's updated_at
// goes unseen until the issues listing's verification walk, which fetches
// every timeline again: then the GraphQL route drops it, as a REST
// collection of what is left does not have it.
func TestGraphQLVerificationDropsDeletedTimelineItems(t *testing.T) {
	h := newHarness(t, genData(), fakegithub.Options{})
	if _, err, _ := h.run(genCommunity, h.gqlOptions()); err != nil {
		t.Fatal(err)
	}
	var comment, review int64
	del := func(d *fakegithub.Data) {
		r := d.Repos[0]
		comment, review = r.Comments[len(r.Comments)/2].ID, r.Reviews[len(r.Reviews)/2].ID
		r.Comments = slices.DeleteFunc(r.Comments, func(c *fakegithub.Comment) bool { return c.ID == comment })
		r.Reviews = slices.DeleteFunc(r.Reviews, func(rv *fakegithub.Review) bool { return rv.ID == review })
	}
	h.srv.Mutate(del)
	ids := func() (comments, reviews []int64) {
		for _, c := range read[schema.Comment](t, h.out, "comments") {
			comments = append(comments, c.ID)
		}
		for _, r := range read[schema.Review](t, h.out, "reviews") {
			reviews = append(reviews, r.ID)
		}
		return comments, reviews
	}
	due := h.gqlOptions()
	due.VerifyAfter = time.Nanosecond // every run is past the threshold
	for _, c := range []struct {
		name string
		o    Options
		kept bool
	}{
		{"an incremental run does not see the deletions", h.gqlOptions(), true},
		{"a verification run drops them", due, false},
	} {
		if _, err, _ := h.run(genCommunity, c.o); err != nil {
			t.Fatal(err)
		}
		cs, rs := ids()
		if slices.Contains(cs, comment) != c.kept || slices.Contains(rs, review) != c.kept {
			t.Errorf("%s: comment %d kept %v, review %d kept %v; want %v", c.name, comment, slices.Contains(cs, comment),
				review, slices.Contains(rs, review), c.kept)
		}
	}
	d := genData()
	del(d)
	sameAsREST(t, h, d, "the verification run")
}
