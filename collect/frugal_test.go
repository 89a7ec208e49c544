package collect

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/journeys-dev/journeys/internal/fakegithub"
	"github.com/journeys-dev/journeys/schema"
)

// lowerBound is the fewest quota requests a first collection of r can
// make: ceil(n/100) pages per listing, and one reviews request per pull
// request.
func lowerBound(r *fakegithub.Repo) int64 {
	p := func(n int) int64 { return int64((n + 99) / 100) }
	prs := 0
	for _, is := range r.Issues {
		if is.PullRequest != nil {
			prs++
		}
	}
	return p(len(r.Issues)) + p(len(r.Comments)) + p(len(r.ReviewComments)) + p(len(r.Commits)) +
		p(len(r.Stargazers)) + p(len(r.Forks)) + p(len(r.Events)) + int64(prs)
}

// perRepoConstant is the requests a repository may cost beyond the lower
// bound: the repository itself, .all-contributorsrc and its history, a few
// of its older versions, and one request for each empty listing.
const perRepoConstant = 12

func TestFirstRunIsFrugal(t *testing.T) {
	d := fixture()
	var bound int64
	for _, r := range d.Repos[:3] {
		bound += lowerBound(r)
	}
	h := newHarness(t, d, fakegithub.Options{})
	_, err, spent := h.run(community, h.options())
	if err != nil {
		t.Fatal(err)
	}
	limit := bound*110/100 + perRepoConstant*3
	t.Logf("first run: %d requests, lower bound %d, limit %d", spent, bound, limit)
	if spent > limit {
		t.Errorf("first run spent %d requests, more than 1.10 x %d + %d", spent, bound, perRepoConstant*3)
	}
}

func TestSecondRunOverUnchangedDataCostsNoQuota(t *testing.T) {
	h := newHarness(t, fixture(), fakegithub.Options{})
	if _, err, _ := h.run(community, h.options()); err != nil {
		t.Fatal(err)
	}
	first := snapshot(t, h.out)
	m, err, spent := h.run(community, h.options())
	if err != nil {
		t.Fatal(err)
	}
	if spent != 0 {
		t.Errorf("second run over unchanged data spent %d quota requests, want 0 (routes: %v)", spent, h.srv.Stats().Routes)
	}
	if m.NotModified == 0 || m.NotModified != m.Requests {
		t.Errorf("manifest: %d requests, %d not modified", m.Requests, m.NotModified)
	}
	sameTables(t, first, snapshot(t, h.out))
}

func TestSecondRunMergesChanges(t *testing.T) {
	h := newHarness(t, fixture(), fakegithub.Options{})
	if _, err, _ := h.run(community, h.options()); err != nil {
		t.Fatal(err)
	}
	h.srv.Mutate(func(d *fakegithub.Data) {
		w := d.Repos[0]
		is := w.Issues[2]
		is.Title, is.State, is.UpdatedAt, is.ClosedAt = "Idea (done)", "closed", at(200), atp(200)
		w.Events = append(w.Events, &fakegithub.IssueEvent{ID: 999, IssueNumber: 3, Event: "closed", Actor: &alice, CreatedAt: at(200)})
		w.Comments = append(w.Comments, &fakegithub.Comment{ID: 504, IssueNumber: 3, User: bob, CreatedAt: at(199), UpdatedAt: at(199)})
		w.Comments[0].UpdatedAt = at(201) // an edit
		w.Stargazers = append(w.Stargazers, &fakegithub.Star{User: fakegithub.User{Login: "dave", ID: 6}, StarredAt: at(202)})
		w.Issues[3].UpdatedAt = at(203)
		w.Reviews = append(w.Reviews, &fakegithub.Review{ID: 704, PullNumber: 4, User: alice, State: "APPROVED", SubmittedAt: atp(203)})
		b := d.Repos[1]
		b.Stargazers = b.Stargazers[1:] // fan001 unstarred
	})
	m, err, spent := h.run(community, h.options())
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("second run: %d quota requests, %d in all", spent, m.Requests)
	if spent > 20 {
		t.Errorf("second run spent %d requests for a handful of changes", spent)
	}
	issues := read[schema.Issue](t, h.out, "issues")
	n := 0
	for _, is := range issues {
		if is.Repo == "acme/widget" && is.Number == 3 {
			n++
			if is.Title != "Idea (done)" || is.State != "closed" {
				t.Errorf("edited issue not updated: %+v", is)
			}
		}
	}
	if n != 1 {
		t.Errorf("issue 3 appears %d times", n)
	}
	if got := m.Tables["comments"]; got != 255 {
		t.Errorf("comments: %d, want 255", got)
	}
	if got := m.Tables["stargazers"]; got != 233 {
		t.Errorf("stargazers: %d, want 233 (one new, one gone)", got)
	}
	if got := m.Tables["reviews"]; got != 66 {
		t.Errorf("reviews: %d, want 66", got)
	}
	if got := m.Tables["issue_events"]; got != 259 {
		t.Errorf("issue events: %d, want 259", got)
	}
	// The result equals a first collection of the changed data.
	var changed *fakegithub.Data
	h.srv.Mutate(func(d *fakegithub.Data) { changed = d })
	fresh := newHarness(t, changed, fakegithub.Options{})
	if _, err, _ := fresh.run(community, fresh.options()); err != nil {
		t.Fatal(err)
	}
	sameTables(t, snapshot(t, fresh.out), snapshot(t, h.out))
}

func TestInterruptedRunResumesToTheSameTables(t *testing.T) {
	ref := newHarness(t, fixture(), fakegithub.Options{})
	if _, err, _ := ref.run(community, ref.options()); err != nil {
		t.Fatal(err)
	}
	want := snapshot(t, ref.out)

	h := newHarness(t, fixture(), fakegithub.Options{})
	var total int64
	for i := 0; ; i++ {
		opts := h.options()
		opts.MaxRequests = 7
		_, err, spent := h.run(community, opts)
		total += spent
		var qe *QuotaError
		if err == nil {
			break
		}
		if !errors.As(err, &qe) || qe.MaxRequests != 7 {
			t.Fatalf("run %d: err = %v, want a QuotaError for the cap", i, err)
		}
		if _, err := os.Stat(filepath.Join(h.out, "events.parquet")); err == nil {
			t.Fatalf("run %d: output written by an interrupted run", i)
		}
		if i > 100 {
			t.Fatal("no progress across runs")
		}
	}
	sameTables(t, want, snapshot(t, h.out))
	t.Logf("resumed collection spent %d requests in all", total)
}

// TestResumeAtAnotherAddress: a checkpoint holds no address of the API, so
// an interrupted collection resumes when the same API answers elsewhere
// (another port, as the offline demo's server gets on every start).
func TestResumeAtAnotherAddress(t *testing.T) {
	ref := newHarness(t, fixture(), fakegithub.Options{})
	if _, err, _ := ref.run(community, ref.options()); err != nil {
		t.Fatal(err)
	}
	first := newHarness(t, fixture(), fakegithub.Options{})
	opts := first.options()
	opts.MaxRequests = 25
	var qe *QuotaError
	if _, err, _ := first.run(community, opts); !errors.As(err, &qe) {
		t.Fatalf("interrupted run: err = %v, want a QuotaError for the cap", err)
	}
	moved := newHarness(t, fixture(), fakegithub.Options{})
	moved.out = first.out
	if _, err, _ := moved.run(community, moved.options()); err != nil {
		t.Fatalf("resumed run at %s: %v", moved.url, err)
	}
	sameTables(t, snapshot(t, ref.out), snapshot(t, moved.out))
}

func TestFaultsGiveTheSameTables(t *testing.T) {
	ref := newHarness(t, fixture(), fakegithub.Options{})
	if _, err, _ := ref.run(community, ref.options()); err != nil {
		t.Fatal(err)
	}
	want := snapshot(t, ref.out)
	h := newHarness(t, fixture(), fakegithub.Options{Faults: fakegithub.FaultPlan{Rules: []fakegithub.Fault{
		{Kind: fakegithub.ServerError, Status: 502, Every: 5},
		{Kind: fakegithub.DropConnection, Every: 11},
		{Kind: fakegithub.SecondaryRateLimit, On: []int64{3, 17}, RetryAfter: 1},
	}}})
	start := time.Now()
	if _, err, _ := h.run(community, h.options()); err != nil {
		t.Fatalf("Run: %v\n%s", err, h.logs)
	}
	if time.Since(start) < time.Second {
		t.Error("the secondary rate limit's Retry-After was not honoured")
	}
	sameTables(t, want, snapshot(t, h.out))
	if !bytes.Contains([]byte(h.logs.String()), []byte("secondary rate limit")) {
		t.Error("secondary rate limit not logged")
	}
}

func TestExhaustedQuotaSavesTheCheckpoint(t *testing.T) {
	h := newHarness(t, fixture(), fakegithub.Options{Quota: 20})
	opts := h.options()
	opts.MaxWait = 0
	_, err, _ := h.run(community, opts)
	var qe *QuotaError
	if !errors.As(err, &qe) || qe.Reset.IsZero() {
		t.Fatalf("err = %v, want a QuotaError with the reset time", err)
	}
	if _, err := os.Stat(filepath.Join(h.out, ".state")); err != nil {
		t.Errorf("no checkpoint saved: %v", err)
	}
}

func TestDryRunEstimatesAndWritesNothing(t *testing.T) {
	d := fixture()
	h := newHarness(t, d, fakegithub.Options{})
	var out bytes.Buffer
	opts := h.options()
	opts.DryRun, opts.Report = true, &out
	m, err := Run(context.Background(), community, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Log(out.String())
	for _, want := range []string{"\nacme/big\n", "Quota left: 4,", "  issues and PRs           250         3\n", "Total: about "} {
		if !bytes.Contains(out.Bytes(), []byte(want)) {
			t.Errorf("dry run output lacks %q", want)
		}
	}
	if m.Repos[1].Rows["stargazers"] != 230 {
		t.Errorf("manifest = %+v", m.Repos[1])
	}
	entries, _ := os.ReadDir(h.out)
	if len(entries) != 0 {
		t.Errorf("dry run wrote %d files", len(entries))
	}
}

// snapshot reads every table file (but repos.parquet, whose collected_at
// is the run's time) as bytes.
func snapshot(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, tb := range schema.Of(schema.Collect) {
		name := tb.Name
		if tb == schema.Repos {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, tb.File()))
		if err != nil {
			t.Fatal(err)
		}
		out[name] = b
	}
	return out
}

func sameTables(t *testing.T, want, got map[string][]byte) {
	t.Helper()
	for name, b := range want {
		if !bytes.Equal(b, got[name]) {
			t.Errorf("%s.parquet differs", name)
		}
	}
}
