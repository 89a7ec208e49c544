package collect

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/journeys-dev/journeys/internal/fakegithub"
)

// TestListingURLs pins the requests each listing is walked and counted
// with: the paths, queries and media types GitHub is asked.
func TestListingURLs(t *testing.T) {
	tests := []struct {
		name, walk, count, accept string
	}{
		{listIssues, "repos/o/r/issues?state=all&sort=updated&direction=desc&per_page=100", "repos/o/r/issues?state=all&per_page=1", ""},
		{listComments, "repos/o/r/issues/comments?sort=updated&direction=desc&per_page=100", "repos/o/r/issues/comments?per_page=1", ""},
		{listReviewComments, "repos/o/r/pulls/comments?sort=updated&direction=desc&per_page=100", "repos/o/r/pulls/comments?per_page=1", ""},
		{listCommits, "repos/o/r/commits?sha=rel%2F1&per_page=100", "repos/o/r/commits?sha=rel%2F1&per_page=1", ""},
		{listStars, "repos/o/r/stargazers?per_page=100", "repos/o/r/stargazers?per_page=1", starAccept},
		{listForks, "repos/o/r/forks?sort=newest&per_page=100", "repos/o/r/forks?per_page=1", ""},
		{listEvents, "repos/o/r/issues/events?per_page=100", "repos/o/r/issues/events?per_page=1", ""},
		{listACHistory, "repos/o/r/commits?sha=rel%2F1&path=.all-contributorsrc&per_page=100", "repos/o/r/commits?sha=rel%2F1&path=.all-contributorsrc&per_page=1", ""},
	}
	if len(tests) != len(listings) {
		t.Errorf("%d listings, %d tested", len(listings), len(tests))
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := listingOf(tt.name)
			if l == nil {
				t.Fatalf("no listing %q", tt.name)
			}
			if got := l.url("o/r", "rel/1", listingPerPage); got != tt.walk {
				t.Errorf("url = %q, want %q", got, tt.walk)
			}
			if got := l.countURL("o/r", "rel/1"); got != tt.count {
				t.Errorf("countURL = %q, want %q", got, tt.count)
			}
			if l.accept != tt.accept {
				t.Errorf("accept = %q, want %q", l.accept, tt.accept)
			}
		})
	}
}

// TestListingsAreWellFormed checks that every descriptor has what its
// order and options need.
func TestListingsAreWellFormed(t *testing.T) {
	seen := map[string]bool{}
	for _, l := range listings {
		t.Run(l.name, func(t *testing.T) {
			if l.name == "" || seen[l.name] {
				t.Fatalf("listing name %q empty or used twice", l.name)
			}
			seen[l.name] = true
			checkListing(t, l)
		})
	}
	if listingOf("graphql_commits") != nil || verifiable("graphql_commits") {
		t.Error("a name without a descriptor has one")
	}
}

func checkListing(t *testing.T, l *listing) {
	t.Helper()
	if l.decode == nil {
		t.Error("no page decoder")
	}
	if strings.Contains(l.path, "per_page") || strings.Contains(l.sort, "per_page") {
		t.Errorf("path %q or sort %q sets the page size", l.path, l.sort)
	}
	switch l.order {
	case byUpdated:
		if l.highWater == nil {
			t.Error("ordered by updated_at without a high-water mark")
		}
	case newestFirst:
		if l.known == nil {
			t.Error("ordered newest first without a known rule")
		}
	case oldestFirst:
		if l.verify || l.track {
			t.Error("a listing walked whole is neither verified nor tracked")
		}
	default:
		t.Errorf("order %d", l.order)
	}
	if (l.verify || l.track) && l.dropUnseen == nil {
		t.Error("verified or tracked without a rule to drop what a whole walk did not see")
	}
	if l.on304 == branchUnchanged && !l.track {
		t.Error("a 304 keeps a branch mark of a listing that keeps none")
	}
	if d, err := l.decode([]byte("[]")); err != nil || d == nil || d.items() != 0 {
		t.Errorf("decode of an empty page = %+v, %v", d, err)
	}
	if _, err := l.decode([]byte("{")); err == nil {
		t.Error("decode of a broken page gives no error")
	}
}

// TestStateOfTheFirstFormatResumes resumes a collection from a state
// folder written before the listings had descriptors (testdata/state-v1:
// acme/widget's state of a complete collection, and acme/big's journal of
// a collection stopped by --max-requests: a tracked walk of the commits
// done, walks of the stargazers, the issues and the comments cut short). The resumed run
// goes on where it stopped and gives the tables of a fresh collection.
func TestStateOfTheFirstFormatResumes(t *testing.T) {
	repos := []Community{{Name: "acme", Repos: []string{"acme/widget", "acme/big"}}}
	ref := newHarness(t, fixture(), fakegithub.Options{})
	_, err, fresh := ref.run(repos, ref.options())
	if err != nil {
		t.Fatal(err)
	}

	h := newHarness(t, fixture(), fakegithub.Options{})
	dir := filepath.Join(h.out, ".state")
	for _, name := range []string{"acme__widget.json", "acme__big.journal"} {
		unzipFile(t, filepath.Join("testdata", "state-v1", name+".gz"), filepath.Join(dir, name))
	}
	s, err := (&stateStore{dir: dir}).load("acme/big")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{listStars, listIssues, listComments} {
		if s.list(name).Resume == "" {
			t.Errorf("%s: the journal's walk in progress was not read back", name)
		}
	}
	if cs := s.list(listCommits); !cs.Complete || cs.Head == "" || len(s.Commits) == 0 || len(s.Seen[listCommits]) != 0 {
		t.Errorf("the journal's tracked commits walk was not read back: %+v, %d commits, %d seen", cs, len(s.Commits), len(s.Seen[listCommits]))
	}
	// The fixture's verification times are those of the day it was made:
	// no verification walk is due however old it grows.
	opts := h.options()
	opts.VerifyAfter = 100 * 365 * 24 * time.Hour
	_, err, resumed := h.run(repos, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("a fresh collection spent %d requests, the resumed one %d", fresh, resumed)
	if resumed >= fresh {
		t.Errorf("resumed run spent %d requests, a fresh one %d: it started over", resumed, fresh)
	}
	sameTables(t, snapshot(t, ref.out), snapshot(t, h.out))
}

func unzipFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("%s: %v", from, err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("%s: %v", from, err)
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, raw, 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestStopRules checks where an incremental walk stops, by the listing's
// order: below the high-water mark, or at a stored item.
func TestStopRules(t *testing.T) {
	mark := at(10)
	rc := &repoCollector{st: newRepoState()}
	rc.st.Forks[7] = &apiFork{ID: 7}
	rc.st.Commits["abc"] = &apiCommit{SHA: "abc"}
	tests := []struct {
		name        string
		listing     string
		incremental bool
		head        string
		d           *delta
		want        bool
	}{
		{"issue updated before the mark", listIssues, true, "", &delta{Issues: []*apiIssue{{UpdatedAt: at(11)}, {UpdatedAt: at(9)}}}, true},
		{"issue updated at the mark", listIssues, true, "", &delta{Issues: []*apiIssue{{UpdatedAt: at(10)}}}, false},
		{"whole walk", listIssues, false, "", &delta{Issues: []*apiIssue{{UpdatedAt: at(9)}}}, false},
		{"comment updated before the mark", listComments, true, "", &delta{Comments: []*apiComment{{UpdatedAt: at(1)}}}, true},
		{"stored fork", listForks, true, "", &delta{Forks: []*apiFork{{ID: 8}, {ID: 7}}}, true},
		{"new forks", listForks, true, "", &delta{Forks: []*apiFork{{ID: 8}}}, false},
		{"last head", listCommits, true, "def", &delta{Commits: []*apiCommit{{SHA: "def"}}}, true},
		{"stored commit, not the last head", listCommits, true, "def", &delta{Commits: []*apiCommit{{SHA: "abc"}}}, false},
		{"stored commit, no last head", listCommits, true, "", &delta{Commits: []*apiCommit{{SHA: "abc"}}}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rc.head = tt.head
			w := &walker{l: listingOf(tt.listing), incremental: tt.incremental, mark: mark}
			if got := rc.stops(w, tt.d); got != tt.want {
				t.Errorf("stops = %v, want %v", got, tt.want)
			}
		})
	}
}
