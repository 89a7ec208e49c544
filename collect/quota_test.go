package collect

import (
	"errors"
	"strings"
	"testing"

	"github.com/journeys-dev/journeys/internal/fakegithub"
)

// TestQuotaIsSpentWholeBeforeStopping: with two requests in flight and no
// wait allowed, a collection spends every unit of a small quota before it
// stops with a QuotaError that says so, and the server refuses nothing.
func TestQuotaIsSpentWholeBeforeStopping(t *testing.T) {
	h := newHarness(t, fixture(), fakegithub.Options{Quota: 15})
	opts := h.options()
	opts.Concurrency, opts.MaxWait = 2, 0
	_, err, counted := h.run(community, opts)
	var qe *QuotaError
	if !errors.As(err, &qe) || qe.Limit != 15 || qe.Used != 15 || !strings.Contains(err.Error(), "(15 of 15 used)") {
		t.Fatalf("err = %v, want a QuotaError with the whole quota of 15 used", err)
	}
	if st := h.srv.Stats(); counted != 15 || st.RateLimited != 0 {
		t.Errorf("the server counted %d requests and refused %d, want 15 and none", counted, st.RateLimited)
	}
}
