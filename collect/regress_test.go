package collect

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/journeys-dev/journeys/internal/fakegithub"
	"github.com/journeys-dev/journeys/schema"
)

// widgetCommunity collects the widget repository alone.
var widgetCommunity = []Community{{Name: "w", Repos: []string{"acme/widget"}}}

func TestNewReviewOnALaterPageIsCollected(t *testing.T) {
	w := widget()
	pr := w.Issues[3] // #4, an open pull request with one review
	for i := range 122 {
		w.Reviews = append(w.Reviews, &fakegithub.Review{ID: int64(7100 + i), PullNumber: 4, User: bob,
			State: "COMMENTED", SubmittedAt: atp(52)})
	}
	h := newHarness(t, &fakegithub.Data{Repos: []*fakegithub.Repo{w}}, fakegithub.Options{})
	if _, err, _ := h.run(widgetCommunity, h.options()); err != nil {
		t.Fatal(err)
	}
	if n := countReviews(read[schema.Review](t, h.out, "reviews"), 4); n != 123 {
		t.Fatalf("first run: %d reviews of #4, want 123", n)
	}
	h.srv.Mutate(func(d *fakegithub.Data) {
		r := d.Repos[0]
		r.Reviews = append(r.Reviews, &fakegithub.Review{ID: 7999, PullNumber: 4, User: alice, State: "APPROVED", SubmittedAt: atp(300)})
		pr.UpdatedAt = at(300)
	})
	if _, err, _ := h.run(widgetCommunity, h.options()); err != nil {
		t.Fatal(err)
	}
	if n := countReviews(read[schema.Review](t, h.out, "reviews"), 4); n != 124 {
		t.Errorf("second run: %d reviews of #4, want 124 (the new one is on page 2)", n)
	}
}

func countReviews(rows []schema.Review, number int64) int {
	n := 0
	for _, r := range rows {
		if r.Number == number {
			n++
		}
	}
	return n
}

func TestRefusedDeepPages(t *testing.T) {
	const events = "GET /repos/{owner}/{repo}/issues/events"
	const stars = "GET /repos/{owner}/{repo}/stargazers"
	bigOnly := []Community{{Name: "b", Repos: []string{"acme/big"}}}
	tests := []struct {
		name               string
		limits             map[string]fakegithub.PageLimit
		wantEvents         int64
		wantStars          int64
		wantTruncatedLists []string
	}{
		{"cursor links after the refused page numbers are followed",
			map[string]fakegithub.PageLimit{events: {MaxPage: 2, Cursor: true}}, 250, 230, nil},
		{"a listing GitHub pages no further is kept truncated",
			map[string]fakegithub.PageLimit{events: {MaxPage: 2}}, 200, 230, []string{"issue_events"}},
		{"capped stargazers are kept truncated",
			map[string]fakegithub.PageLimit{stars: {MaxPage: 1}}, 250, 100, []string{"stargazers"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, fixture(), fakegithub.Options{PageLimits: tt.limits})
			m, err, _ := h.run(bigOnly, h.options())
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
			if m.Repos[0].Status != "ok" {
				t.Errorf("repository status %q", m.Repos[0].Status)
			}
			if m.Tables["issue_events"] != tt.wantEvents || m.Tables["stargazers"] != tt.wantStars {
				t.Errorf("%d issue events and %d stargazers, want %d and %d", m.Tables["issue_events"], m.Tables["stargazers"], tt.wantEvents, tt.wantStars)
			}
			if len(m.Incomplete) != len(tt.wantTruncatedLists) {
				t.Fatalf("incomplete = %q, want notes for %q", m.Incomplete, tt.wantTruncatedLists)
			}
			for i, name := range tt.wantTruncatedLists {
				if !strings.Contains(m.Incomplete[i], name+" of acme/big is truncated") {
					t.Errorf("incomplete note %q does not name %s of acme/big", m.Incomplete[i], name)
				}
			}
			// A second run finishes without error as well.
			if _, err, _ := h.run(bigOnly, h.options()); err != nil {
				t.Errorf("second run: %v", err)
			}
		})
	}
}

func TestEndlessRateLimitFailsTheRepositoryOnly(t *testing.T) {
	h := newHarness(t, fixture(), fakegithub.Options{Faults: fakegithub.FaultPlan{Rules: []fakegithub.Fault{
		{Kind: fakegithub.StaleQuota, Route: "GET /repos/{owner}/{repo}/forks", Every: 1, ResetIn: -time.Minute},
	}}})
	opts := h.options()
	opts.rateLimitWait = time.Millisecond
	m, err, _ := h.run(widgetCommunity, opts)
	if !errors.Is(err, ErrSomeReposFailed) || !strings.Contains(err.Error(), "still rate limited after") {
		t.Fatalf("err = %v, want the repository failed with a clear rate-limit message", err)
	}
	if m.Repos[0].Status != "failed" {
		t.Errorf("status %q", m.Repos[0].Status)
	}
}

func TestItemUpdatedInTheSameSecondIsCollected(t *testing.T) {
	r := &fakegithub.Repo{Owner: "acme", Name: "ties", ID: 600, DefaultBranch: "main", CreatedAt: at(0), UpdatedAt: at(10)}
	for i := 1; i <= 150; i++ {
		r.Issues = append(r.Issues, &fakegithub.Issue{Number: int64(i), ID: int64(60000 + i), Title: "first", User: alice,
			State: "open", CreatedAt: at(1), UpdatedAt: at(10)})
	}
	h := newHarness(t, &fakegithub.Data{Repos: []*fakegithub.Repo{r}}, fakegithub.Options{})
	ties := []Community{{Name: "t", Repos: []string{"acme/ties"}}}
	if _, err, _ := h.run(ties, h.options()); err != nil {
		t.Fatal(err)
	}
	// Issue 1 changes within the second the latest known update has (it is
	// listed after a full page of issues with that updated_at), and a new
	// issue comes.
	h.srv.Mutate(func(d *fakegithub.Data) {
		rp := d.Repos[0]
		rp.Issues[0].Title = "edited in the same second"
		rp.Issues = append(rp.Issues, &fakegithub.Issue{Number: 151, ID: 60151, Title: "new", User: bob, State: "open",
			CreatedAt: at(11), UpdatedAt: at(11)})
	})
	if _, err, _ := h.run(ties, h.options()); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, is := range read[schema.Issue](t, h.out, "issues") {
		if is.Number == 1 {
			found = true
			if is.Title != "edited in the same second" {
				t.Errorf("issue 1 title %q: the change in the same second was skipped", is.Title)
			}
		}
	}
	if !found {
		t.Error("issue 1 missing")
	}
}

func TestRepositoryGivenInDifferentCaseIsCollectedOnce(t *testing.T) {
	h := newHarness(t, &fakegithub.Data{Repos: []*fakegithub.Repo{widget()}}, fakegithub.Options{})
	cs := []Community{
		{Name: "one", Repos: []string{"Acme/Widget", "acme/widget"}},
		{Name: "two", Repos: []string{"ACME/WIDGET"}},
	}
	m, err, _ := h.run(cs, h.options())
	if err != nil {
		t.Fatal(err)
	}
	if got := h.srv.Stats().Routes["GET /repos/{owner}/{repo}"]; got != 1 {
		t.Errorf("repository fetched %d times, want once", got)
	}
	states, _ := filepath.Glob(filepath.Join(h.out, ".state", "*.json"))
	if len(states) != 1 {
		t.Errorf("state files %q, want one", states)
	}
	if len(m.Repos) != 2 || m.Repos[0].Repo != "Acme/Widget" || m.Repos[1].Repo != "ACME/WIDGET" {
		t.Errorf("manifest repos = %+v, want one per community in its configured spelling", m.Repos)
	}
	if n := m.Tables["issues"]; n != 8 {
		t.Errorf("issues: %d rows, want 4 for each community", n)
	}
}
