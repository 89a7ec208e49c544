package collect

import (
	"testing"

	"github.com/journeys-dev/journeys/internal/fakegithub"
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
	if n := countReviews(read[Review](t, h.out, "reviews"), 4); n != 123 {
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
	if n := countReviews(read[Review](t, h.out, "reviews"), 4); n != 124 {
		t.Errorf("second run: %d reviews of #4, want 124 (the new one is on page 2)", n)
	}
}

func countReviews(rows []Review, number int64) int {
	n := 0
	for _, r := range rows {
		if r.Number == number {
			n++
		}
	}
	return n
}
