package collect

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/journeys-dev/journeys/internal/fakegithub"
)

func TestCoAuthorTrailers(t *testing.T) {
	tests := []struct {
		msg           string
		names, emails []string
	}{
		{"plain", nil, nil},
		{"x\n\nCo-authored-by: Ann Lee <ann@example.org>", []string{"Ann Lee"}, []string{"ann@example.org"}},
		{"x\r\n\r\nco-authored-by:Bo<bo@example.org>\r\nCO-AUTHORED-BY :  Cy Dee   < cy@example.org >  ", []string{"Bo", "Cy Dee"}, []string{"bo@example.org", "cy@example.org"}},
		{"x\n\nSigned-off-by: Ann <ann@example.org>", nil, nil},
		{"mentions Co-authored-by: in a sentence <not@trailer>", nil, nil},
	}
	for _, tt := range tests {
		names, emails := coAuthors(tt.msg)
		if !slices.Equal(names, tt.names) || !slices.Equal(emails, tt.emails) {
			t.Errorf("coAuthors(%q) = %q %q, want %q %q", tt.msg, names, emails, tt.names, tt.emails)
		}
	}
}

func TestBotMessagesNameLogins(t *testing.T) {
	tests := []struct {
		msg  string
		want []string
	}{
		{"docs: create .all-contributorsrc [skip ci]", nil},
		{"docs: add @Alice as a contributor", []string{"alice"}},
		{"docs: add bob as a contributor for code, and doc (#12)", []string{"bob"}},
		{"Merge pull request #9 from org/all-contributors/add-carol\n\ndocs: add carol as a contributor", []string{"carol", "carol"}},
		{"Revert \"docs: add dan as a contributor\"", nil},
		{"Squashed\n\n* docs: add erin as a contributor\n* docs: add Fay as a contributor for doc", []string{"erin", "fay"}},
	}
	for _, tt := range tests {
		if got := acMentions(tt.msg); !slices.Equal(got, tt.want) {
			t.Errorf("acMentions(%q) = %q, want %q", tt.msg, got, tt.want)
		}
	}
}

// TestPrimaryRateLimitIsWaitedOut: with a quota smaller than the run, the
// collection waits for each reset (MaxWait allows it) and finishes.
func TestPrimaryRateLimitIsWaitedOut(t *testing.T) {
	h := newHarness(t, &fakegithub.Data{Repos: []*fakegithub.Repo{widget()}}, fakegithub.Options{Quota: 5, RateWindow: 2 * time.Second})
	opts := h.options()
	opts.MaxWait = 10 * time.Second
	if _, err, _ := h.run([]Community{{Name: "w", Repos: []string{"acme/widget"}}}, opts); err != nil {
		t.Fatalf("Run: %v", err)
	}
	if !strings.Contains(h.logs.String(), "primary rate limit reached") {
		t.Log(h.logs.String(), h.srv.Stats())
		t.Error("the wait was not logged")
	}
	// Requests reserved in one window may reach the server just after it
	// rolled over; at most the requests in flight can be refused.
	if h.srv.Stats().RateLimited > int64(opts.Concurrency) {
		t.Errorf("%d requests were refused for the quota; the client should wait before sending", h.srv.Stats().RateLimited)
	}
}

// TestFirstListedFollowsTheDefaultBranch: a person added on a side branch
// counts from the merge that landed it; a version that is not valid JSON
// lists no one; a bot message about a person listed before does not move
// their date; people added by hand are found by bisection.
func TestFirstListedFollowsTheDefaultBranch(t *testing.T) {
	commit := func(sha string, hours int, msg string, parents ...string) *apiCommit {
		c := &apiCommit{SHA: sha}
		c.Commit.Committer.Date, c.Commit.Message = at(hours), msg
		for _, p := range parents {
			c.Parents = append(c.Parents, struct {
				SHA string `json:"sha"`
			}{p})
		}
		return c
	}
	s := newRepoState()
	for _, c := range []*apiCommit{
		commit("f1", 1, "docs: create .all-contributorsrc"),
		commit("s1", 5, "docs: update .all-contributorsrc [skip ci]", "f1"),
		commit("f2", 10, "Merge pull request #3 from org/all-contributors/add-bob\n\ndocs: add bob as a contributor", "f1", "s1"),
		commit("f3", 20, "Thank carol", "f2"),
		commit("f4", 30, "docs: add dan as a contributor (#9)", "f3"),
		commit("f5", 40, "docs: add alice as a contributor for doc (#10)", "f4"),
	} {
		s.Commits[c.SHA] = c
	}
	s.AC = &acState{Exists: true, History: map[string]*acCommit{}, Read: map[string]*acReadVersion{}}
	for _, sha := range []string{"f1", "s1", "f3", "f4", "f5"} { // f2 changed nothing on its own
		s.AC.History[sha] = &acCommit{SHA: sha}
	}
	for _, l := range []string{"alice", "bob", "carol", "dan", "erin"} {
		s.AC.People = append(s.AC.People, acEntry{Login: l})
	}
	versions := map[string]*acReadVersion{
		"f1": {Logins: []string{"alice"}},
		"f2": {Logins: []string{"alice", "bob"}},
		"f3": {Logins: []string{"alice", "bob", "carol"}},
		"f4": {Unreadable: true},
	}
	tl := newACTimeline(s)
	reads := 0
	version := func(i int) (map[string]bool, acVersionState) {
		reads++
		return acVersionSet(versions[tl.points[i].SHA])
	}
	got, by, exact := tl.firstListed(acLoginsNow(s.AC), version, func(int) (map[string]bool, acVersionState) { return nil, acUnknown })
	dates := map[string]time.Time{}
	for l, i := range got {
		dates[l] = tl.points[i].Date
	}
	want := map[string]time.Time{"alice": at(1), "bob": at(10), "carol": at(20), "dan": at(40), "erin": at(40)}
	if !exact || len(dates) != len(want) {
		t.Fatalf("firstListed = %v (exact %v), want %v", dates, exact, want)
	}
	for l, w := range want {
		if !dates[l].Equal(w) {
			t.Errorf("%s: first listed at %v, want %v", l, dates[l], w)
		}
	}
	// f4 could not be read: dan (named by its message) and erin (found by
	// bisection) were listed by f5, perhaps already at f4.
	for _, l := range []string{"alice", "bob", "carol", "dan", "erin"} {
		if want := l == "dan" || l == "erin"; by[l] != want {
			t.Errorf("%s: listed by (a bound) = %v, want %v", l, by[l], want)
		}
	}
	t.Logf("%d versions read for %d points", reads, len(tl.points))
}
