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
