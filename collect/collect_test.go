package collect

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/journeys-dev/journeys/internal/fakegithub"
	"github.com/journeys-dev/journeys/internal/fakegithub/fakegithubtest"
	"github.com/journeys-dev/journeys/internal/table"
	"github.com/journeys-dev/journeys/schema"
)

const testToken = "ghp_s3cr3tT0kenValue0123456789abcdefXYZ"

// syncBuffer is a log sink safe for concurrent writers.
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

type harness struct {
	t    *testing.T
	srv  *fakegithub.Server
	url  string
	out  string
	logs *syncBuffer
}

func newHarness(t *testing.T, d *fakegithub.Data, opts fakegithub.Options) *harness {
	t.Helper()
	ts, srv := fakegithubtest.NewTestServer(t, d, opts)
	return &harness{t: t, srv: srv, url: ts.URL + opts.BasePath + "/", out: t.TempDir(), logs: &syncBuffer{}}
}

func (h *harness) options() Options {
	return Options{
		APIURL: h.url, Token: testToken, Out: h.out, Concurrency: 4, MaxWait: time.Minute,
		ToolVersion: "test", Logger: slog.New(slog.NewTextHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		retryBase: time.Millisecond,
	}
}

var community = []Community{{Name: "acme", Repos: []string{"acme/widget", "acme/big", "acme/empty"}}}

// run runs a collection and returns its manifest, error, and the quota
// requests the run cost the server.
//
//lint:ignore ST1008 the error is the second result, as in the call it wraps
func (h *harness) run(cs []Community, opts Options) (*schema.Manifest, error, int64) {
	h.t.Helper()
	before := h.srv.Stats()
	m, err := Run(context.Background(), cs, opts)
	after := h.srv.Stats()
	return m, err, after.Counted - before.Counted
}

func read[T any](t *testing.T, dir, name string) []T {
	t.Helper()
	rows, err := table.ReadFile[T](filepath.Join(dir, name+".parquet"))
	if err != nil {
		t.Fatalf("read %s: %v", name, err)
	}
	return rows
}

func TestRunWritesEveryTable(t *testing.T) {
	h := newHarness(t, fixture(), fakegithub.Options{})
	m, err, _ := h.run(community, h.options())
	if err != nil {
		t.Fatalf("Run: %v\nlogs:\n%s", err, h.logs)
	}
	want := map[string]int64{
		"repos": 3, "issues": 4 + 250 + 0, "pull_requests": 2 + 62, "comments": 4 + 250, "reviews": 3 + 62,
		"commits": 5 + 120, "stargazers": 3 + 230, "forks": 2, "issue_events": 8 + 250, "recognitions": 3,
	}
	for name, n := range want {
		if m.Tables[name] != n {
			t.Errorf("manifest: %s has %d rows, want %d", name, m.Tables[name], n)
		}
	}
	for _, tb := range schema.Of(schema.Collect) {
		if _, err := os.Stat(filepath.Join(h.out, tb.File())); err != nil {
			t.Errorf("table %s not written: %v", tb.Name, err)
		}
	}
	if got := len(read[schema.Issue](t, h.out, "issues")); int64(got) != want["issues"] {
		t.Errorf("issues.parquet has %d rows, want %d", got, want["issues"])
	}

	repos := read[schema.Repo](t, h.out, "repos")
	if repos[0].Repo != "acme/big" || *repos[0].DefaultBranch != "trunk" || *repos[0].Stars != 230 || repos[0].Status != "ok" {
		t.Errorf("first repo row = %+v", repos[0])
	}
	if w := repos[2]; w.Repo != "acme/widget" || !*w.HasContributorsFile || !w.CreatedAt.Equal(at(0)) || *w.Forks != 2 {
		t.Errorf("widget repo row = %+v", w)
	}

	var widgetIssues []schema.Issue
	for _, is := range read[schema.Issue](t, h.out, "issues") {
		if is.Repo == "acme/widget" {
			widgetIssues = append(widgetIssues, is)
		}
	}
	if len(widgetIssues) != 4 {
		t.Fatalf("widget issues: %d", len(widgetIssues))
	}
	if is := widgetIssues[0]; is.State != "closed" || is.ClosedAt == nil || !is.ClosedAt.Equal(at(12)) || *is.Author != "bob" ||
		!slices.Equal(is.Labels, []string{"bug"}) || !slices.Equal(is.Assignees, []string{"alice"}) || is.IsPullRequest {
		t.Errorf("issue 1 = %+v", is)
	}
	if is := widgetIssues[1]; !is.IsPullRequest || is.MergedAt == nil || !is.MergedAt.Equal(at(30)) {
		t.Errorf("issue 2 (merged PR) = %+v", is)
	}

	prs := read[schema.PullRequest](t, h.out, "pull_requests")
	var pr2 *schema.PullRequest
	for i := range prs {
		if prs[i].Repo == "acme/widget" && prs[i].Number == 2 {
			pr2 = &prs[i]
		}
	}
	if pr2 == nil || !pr2.Merged || pr2.MergedBy == nil || *pr2.MergedBy != "alice" || pr2.MergeCommitSHA == nil || *pr2.MergeCommitSHA != "c3" {
		t.Errorf("merged PR row = %+v", pr2)
	}

	commits := read[schema.Commit](t, h.out, "commits")
	var c2 *schema.Commit
	for i := range commits {
		if commits[i].SHA == "c2" {
			c2 = &commits[i]
		}
	}
	if c2 == nil {
		t.Fatal("commit c2 missing")
	}
	if c2.AuthorLogin != nil || c2.AuthorName != "Dee Unlinked" || c2.AuthorEmail != "dee@example.net" || c2.ParentCount != 1 {
		t.Errorf("unlinked commit = %+v", c2)
	}
	if !slices.Equal(c2.CoAuthorNames, []string{"Carol Smith", "Erin"}) || !slices.Equal(c2.CoAuthorEmails, []string{"carol@example.org", "erin@example.com"}) {
		t.Errorf("co-authors = %q %q", c2.CoAuthorNames, c2.CoAuthorEmails)
	}

	recs := read[schema.Recognition](t, h.out, "recognitions")
	wantFirst := map[string]time.Time{"alice": at(0), "bob": at(60), "carol": at(70)}
	for _, r := range recs {
		if r.FirstListedAt == nil || !r.FirstListedAt.Equal(wantFirst[r.Login]) {
			t.Errorf("recognition %s first listed %v, want %v", r.Login, r.FirstListedAt, wantFirst[r.Login])
		}
	}

	stars := read[schema.Stargazer](t, h.out, "stargazers")
	if s := stars[len(stars)-1]; s.Login != "acme" || s.UserType != "Organization" || !s.StarredAt.Equal(at(46)) {
		t.Errorf("last stargazer = %+v", s)
	}
	forks := read[schema.Fork](t, h.out, "forks")
	if f := forks[0]; f.ForkRepo != "carol/widget" || f.Owner != "carol" || !f.CreatedAt.Equal(at(19)) {
		t.Errorf("first fork = %+v", f)
	}
	revs := read[schema.Review](t, h.out, "reviews")
	if n := len(revs); n != 65 {
		t.Errorf("reviews: %d", n)
	}
	if st := read[schema.IssueEvent](t, h.out, "issue_events"); len(st) != 258 {
		t.Errorf("issue events: %d", len(st))
	}

	manifest, err := schema.ReadManifest(h.out)
	if err != nil {
		t.Fatal(err)
	}
	if len(manifest.Repos) != 3 || manifest.Repos[0].Repo != "acme/widget" || manifest.Repos[0].Status != "ok" || manifest.Requests == 0 {
		t.Errorf("manifest = %+v", manifest)
	}
}

func TestEventsOfEveryKind(t *testing.T) {
	h := newHarness(t, &fakegithub.Data{Repos: []*fakegithub.Repo{widget()}}, fakegithub.Options{})
	if _, err, _ := h.run([]Community{{Name: "w", Repos: []string{"acme/widget"}}}, h.options()); err != nil {
		t.Fatal(err)
	}
	events := read[schema.Event](t, h.out, "events")
	count := map[schema.Kind]int{}
	bySource := map[string]schema.Event{}
	for _, e := range events {
		count[e.Kind]++
		bySource[e.SourceID] = e
	}
	want := map[schema.Kind]int{
		schema.KindStar: 3, schema.KindFork: 2, schema.KindIssueOpened: 2, schema.KindPROpened: 2, schema.KindPRMerged: 1, schema.KindIssueClosed: 3,
		schema.KindIssueReopened: 1, schema.KindIssueComment: 3, schema.KindReview: 3, schema.KindReviewComment: 1, schema.KindCommit: 5,
		schema.KindCommitCoauthor: 2, schema.KindLabeled: 1, schema.KindAssigned: 1, schema.KindRecognized: 3,
	}
	for k, n := range want {
		if count[k] != n {
			t.Errorf("%d %s events, want %d", count[k], k, n)
		}
	}
	if len(count) != len(want) {
		t.Errorf("kinds = %v", count)
	}
	check := func(src string, f func(e schema.Event) bool) {
		t.Helper()
		e, ok := bySource[src]
		if !ok {
			t.Errorf("no event %s", src)
			return
		}
		if !f(e) {
			t.Errorf("event %s = %s", src, describe(e))
		}
	}
	check("merge:2", func(e schema.Event) bool {
		return e.Kind == schema.KindPRMerged && *e.Actor == "alice" && *e.TargetAuthor == "carol" && *e.TargetIsPullRequest && e.OccurredAt.Equal(at(30))
	})
	check("event:907", func(e schema.Event) bool {
		return e.Kind == schema.KindIssueClosed && *e.Actor == "alice" && *e.TargetIsPullRequest && *e.TargetNumber == 2
	})
	check("event:905", func(e schema.Event) bool {
		return e.Kind == schema.KindIssueClosed && *e.Actor == "bob" && !*e.TargetIsPullRequest
	})
	check("event:901", func(e schema.Event) bool {
		return e.Kind == schema.KindLabeled && *e.Detail == "bug" && *e.TargetAuthor == "bob"
	})
	check("event:902", func(e schema.Event) bool { return e.Kind == schema.KindAssigned && *e.Detail == "alice" })
	check("commit:c2", func(e schema.Event) bool {
		return e.Actor == nil && *e.AuthorName == "Dee Unlinked" && *e.AuthorEmail == "dee@example.net"
	})
	check("commit:c2:coauthor:2", func(e schema.Event) bool {
		return e.Kind == schema.KindCommitCoauthor && e.Actor == nil && *e.AuthorName == "Erin" && *e.AuthorEmail == "erin@example.com"
	})
	check("review:703", func(e schema.Event) bool {
		return *e.Detail == "CHANGES_REQUESTED" && *e.Actor == "carol" && *e.TargetAuthor == "bob"
	})
	check("comment:503", func(e schema.Event) bool {
		return e.Kind == schema.KindIssueComment && *e.TargetIsPullRequest && *e.TargetAuthor == "carol"
	})
	check("review_comment:601", func(e schema.Event) bool { return *e.TargetNumber == 2 && *e.Actor == "alice" })
	check("all-contributors:bob", func(e schema.Event) bool {
		return e.Kind == schema.KindRecognized && *e.Detail == "code,bug" && e.OccurredAt.Equal(at(60))
	})
	check("star:acme", func(e schema.Event) bool { return *e.ActorType == "Organization" })
	if !slices.IsSortedFunc(events, func(a, b schema.Event) int {
		return strings.Compare(a.Repo, b.Repo)*4 + a.OccurredAt.Compare(b.OccurredAt)*2 + 0
	}) {
		t.Error("events are not in (repo, occurred_at) order")
	}
}

func describe(e schema.Event) string {
	s := func(p *string) string {
		if p == nil {
			return "<nil>"
		}
		return *p
	}
	return string(e.Kind) + " actor=" + s(e.Actor) + " target_author=" + s(e.TargetAuthor) + " detail=" + s(e.Detail) + " at=" + e.OccurredAt.String()
}

func TestFailedRepoDoesNotStopTheOthers(t *testing.T) {
	h := newHarness(t, fixture(), fakegithub.Options{})
	cs := []Community{{Name: "acme", Repos: []string{"acme/widget", "acme/secret", "acme/nosuch"}}}
	m, err, _ := h.run(cs, h.options())
	if !errors.Is(err, ErrSomeReposFailed) {
		t.Fatalf("err = %v, want ErrSomeReposFailed", err)
	}
	if !strings.Contains(err.Error(), "acme/secret") || !strings.Contains(err.Error(), "404") {
		t.Errorf("error does not say which repository failed and why: %v", err)
	}
	if m == nil || m.Repos[1].Status != "failed" || m.Repos[0].Status != "ok" {
		t.Fatalf("manifest = %+v", m)
	}
	repos := read[schema.Repo](t, h.out, "repos")
	if len(repos) != 3 || repos[0].Repo != "acme/nosuch" || repos[0].Status != "failed" || repos[0].Error == nil {
		t.Errorf("repos = %+v", repos)
	}
	if n := len(read[schema.Issue](t, h.out, "issues")); n != 4 {
		t.Errorf("issues of the good repository: %d rows, want 4", n)
	}
}

func TestBadCredentialsWritesNothing(t *testing.T) {
	h := newHarness(t, fixture(), fakegithub.Options{Tokens: []string{"the-good-one"}})
	_, err, _ := h.run(community, h.options())
	if !errors.Is(err, ErrBadCredentials) {
		t.Fatalf("err = %v, want ErrBadCredentials", err)
	}
	if !strings.Contains(err.Error(), "GitHub rejected the token") {
		t.Errorf("message = %q", err)
	}
	if strings.Contains(err.Error(), testToken) {
		t.Error("the error shows the token")
	}
	for _, tb := range schema.Of(schema.Collect) {
		if _, err := os.Stat(filepath.Join(h.out, tb.File())); err == nil {
			t.Errorf("%s written after a 401", tb.Name)
		}
	}
	if _, err := os.Stat(filepath.Join(h.out, schema.ManifestFile)); err == nil {
		t.Error("manifest written after a 401")
	}
}

func TestTokenNeverWritten(t *testing.T) {
	h := newHarness(t, fixture(), fakegithub.Options{Faults: fakegithub.FaultPlan{
		Rules: []fakegithub.Fault{{Kind: fakegithub.ServerError, Status: 502, Every: 9}},
	}})
	cs := []Community{{Name: "acme", Repos: []string{"acme/widget", "acme/secret"}}}
	_, err, _ := h.run(cs, h.options())
	if !errors.Is(err, ErrSomeReposFailed) {
		t.Fatalf("err = %v", err)
	}
	if strings.Contains(err.Error(), testToken) || strings.Contains(h.logs.String(), testToken) {
		t.Error("token in the error or the logs")
	}
	if !strings.Contains(h.logs.String(), "retrying") {
		t.Error("the injected faults were not logged")
	}
	err = filepath.Walk(h.out, func(path string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if bytes.Contains(b, []byte(testToken)) {
			t.Errorf("token found in %s", path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestUnauthenticatedWarnsOnce(t *testing.T) {
	h := newHarness(t, &fakegithub.Data{Repos: []*fakegithub.Repo{widget()}}, fakegithub.Options{})
	opts := h.options()
	opts.Token = ""
	if _, err, _ := h.run([]Community{{Name: "w", Repos: []string{"acme/widget"}}}, opts); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(h.logs.String(), "60 requests an hour"); n != 1 {
		t.Errorf("warned %d times about the unauthenticated quota, want 1", n)
	}
}

func TestBadCommunitiesAreRejected(t *testing.T) {
	for _, cs := range [][]Community{
		{{Name: "", Repos: []string{"a/b"}}},
		{{Name: "x", Repos: []string{"just-a-name"}}},
		{{Name: "x", Repos: []string{"a/b/c"}}},
		{{Name: "x"}, {Name: "x"}},
	} {
		if _, err := Run(context.Background(), cs, Options{Out: t.TempDir(), APIURL: "http://127.0.0.1:1/"}); err == nil {
			t.Errorf("Run(%+v) accepted bad input", cs)
		}
	}
}

// TestMergesFromEventsWhenTheListingLacksMergedAt: a server whose issues
// listing has no pull_request.merged_at (GitHub before 2022, older
// Enterprise Server releases) gives the same tables, the merge dated by its
// "merged" issue event.
func TestMergesFromEventsWhenTheListingLacksMergedAt(t *testing.T) {
	gen := func() *fakegithub.Data {
		return fakegithub.Generate(fakegithub.GenerateOptions{Seed: 11, Repos: 2, Issues: 150, Commits: 40})
	}
	repos := []Community{{Name: "example", Repos: []string{"example-org/project-1", "example-org/project-2"}}}
	ref := newHarness(t, gen(), fakegithub.Options{})
	if _, err, _ := ref.run(repos, ref.options()); err != nil {
		t.Fatal(err)
	}
	old := newHarness(t, gen(), fakegithub.Options{NoIssueMergedAt: true})
	if _, err, _ := old.run(repos, old.options()); err != nil {
		t.Fatal(err)
	}
	merged := 0
	for _, pr := range read[schema.PullRequest](t, old.out, "pull_requests") {
		if pr.Merged {
			merged++
		}
	}
	if merged == 0 {
		t.Fatal("no merged pull request in the generated data")
	}
	sameTables(t, snapshot(t, ref.out), snapshot(t, old.out))
}
