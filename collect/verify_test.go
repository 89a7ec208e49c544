package collect

import (
	"slices"
	"testing"
	"time"

	"github.com/journeys-dev/journeys/internal/fakegithub"
	"github.com/journeys-dev/journeys/schema"
)

// rowIDs returns the ids (by f) of the rows of acme/big in a table.
func rowIDs[T any](t *testing.T, dir, name string, f func(T) (string, int64)) []int64 {
	t.Helper()
	var ids []int64
	for _, r := range read[T](t, dir, name) {
		if repo, id := f(r); repo == "acme/big" {
			ids = append(ids, id)
		}
	}
	return ids
}

func TestVerificationWalkDropsDeletedItems(t *testing.T) {
	h := newHarness(t, fixture(), fakegithub.Options{})
	due := h.options()
	due.VerifyAfter = time.Nanosecond // every run is past the threshold
	issues := func() []int64 {
		return rowIDs(t, h.out, "issues", func(r schema.Issue) (string, int64) { return r.Repo, r.Number })
	}
	prs := func() []int64 {
		return rowIDs(t, h.out, "pull_requests", func(r schema.PullRequest) (string, int64) { return r.Repo, r.Number })
	}
	comments := func() []int64 {
		return rowIDs(t, h.out, "comments", func(r schema.Comment) (string, int64) { return r.Repo, r.ID })
	}
	reviews := func() []int64 {
		return rowIDs(t, h.out, "reviews", func(r schema.Review) (string, int64) { return r.Repo, r.ID })
	}

	if _, err, _ := h.run(community, h.options()); err != nil {
		t.Fatal(err)
	}
	// The first verification walk has no page ETags yet; it reads every
	// page once and changes nothing.
	first := snapshot(t, h.out)
	if _, err, _ := h.run(community, due); err != nil {
		t.Fatal(err)
	}
	sameTables(t, first, snapshot(t, h.out))

	// Deep in the listings (least recently updated): pull request #8 with
	// its review and comment, issue #10 with its comment, and comment
	// 40050 of issue #50.
	h.srv.Mutate(func(d *fakegithub.Data) {
		b := d.Repos[1]
		b.Issues = slices.DeleteFunc(b.Issues, func(is *fakegithub.Issue) bool { return is.Number == 8 || is.Number == 10 })
		b.Reviews = slices.DeleteFunc(b.Reviews, func(r *fakegithub.Review) bool { return r.PullNumber == 8 })
		b.Comments = slices.DeleteFunc(b.Comments, func(c *fakegithub.Comment) bool {
			return c.IssueNumber == 8 || c.IssueNumber == 10 || c.ID == 40050
		})
	})

	// Before the threshold: an incremental run cannot see them go (only
	// the repository, whose open_issues_count moved, costs quota).
	before := h.srv.Stats().Routes
	_, err, spent := h.run(community, h.options())
	if err != nil {
		t.Fatal(err)
	}
	if spent > 1 {
		t.Errorf("incremental run spent %d quota requests, want at most 1 (before %v, after %v)", spent, before, h.srv.Stats().Routes)
	}
	if !slices.Contains(issues(), 8) || !slices.Contains(issues(), 10) || !slices.Contains(comments(), 40050) {
		t.Fatalf("the deleted items are gone before the threshold")
	}

	// Past it: the verification walk drops them; only the changed pages
	// cost quota.
	m, err, spent := h.run(community, due)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("verification walk: %d quota requests, %d in all", spent, m.Requests)
	if spent > 2 {
		t.Errorf("verification walk spent %d quota requests, want 2 (the last page of issues and of comments)", spent)
	}
	for _, gone := range []struct {
		table string
		ids   []int64
		id    int64
	}{
		{"issues", issues(), 8}, {"issues", issues(), 10}, {"pull_requests", prs(), 8},
		{"reviews", reviews(), 30008}, {"comments", comments(), 40008}, {"comments", comments(), 40010},
		{"comments", comments(), 40050},
	} {
		if slices.Contains(gone.ids, gone.id) {
			t.Errorf("%s: %d is still there after the verification walk", gone.table, gone.id)
		}
	}
	if got := len(issues()); got != 248 {
		t.Errorf("issues of acme/big: %d, want 248", got)
	}
	if got := len(comments()); got != 247 {
		t.Errorf("comments of acme/big: %d, want 247", got)
	}
	if got := len(reviews()); got != 61 {
		t.Errorf("reviews of acme/big: %d, want 61", got)
	}

	// A verification walk over unchanged data costs only 304s.
	after := snapshot(t, h.out)
	if _, err, spent := h.run(community, due); err != nil || spent != 0 {
		t.Errorf("verification walk over unchanged data: %d quota requests, err %v; want 0", spent, err)
	}
	sameTables(t, after, snapshot(t, h.out))
}

func TestStoppedVerificationWalkResumes(t *testing.T) {
	h := newHarness(t, fixture(), fakegithub.Options{})
	if _, err, _ := h.run(community, h.options()); err != nil {
		t.Fatal(err)
	}
	h.srv.Mutate(func(d *fakegithub.Data) {
		b := d.Repos[1]
		b.Issues = slices.DeleteFunc(b.Issues, func(is *fakegithub.Issue) bool { return is.Number == 10 })
		b.Comments = slices.DeleteFunc(b.Comments, func(c *fakegithub.Comment) bool { return c.IssueNumber == 10 || c.ID == 40050 })
	})
	// Each run may spend three requests: the walks stop part-way and
	// resume there.
	capped := h.options()
	capped.VerifyAfter, capped.MaxRequests, capped.Concurrency = time.Nanosecond, 3, 1
	runs := 0
	for ; runs < 40; runs++ {
		_, err, spent := h.run(community, capped)
		t.Logf("run %d: %d spent, %v", runs, spent, err)
		if err == nil {
			break
		}
		if spent > 3 {
			t.Fatalf("capped run spent %d requests", spent)
		}
	}
	if runs < 3 || runs == 40 {
		t.Fatalf("%d capped runs before one finished", runs)
	}
	issues := rowIDs(t, h.out, "issues", func(r schema.Issue) (string, int64) { return r.Repo, r.Number })
	comments := rowIDs(t, h.out, "comments", func(r schema.Comment) (string, int64) { return r.Repo, r.ID })
	if len(issues) != 249 || slices.Contains(issues, 10) {
		t.Errorf("issues of acme/big after a resumed verification: %d, issue 10 kept: %v", len(issues), slices.Contains(issues, 10))
	}
	if len(comments) != 248 || slices.Contains(comments, 40010) || slices.Contains(comments, 40050) {
		t.Errorf("comments of acme/big after a resumed verification: %d", len(comments))
	}
}
