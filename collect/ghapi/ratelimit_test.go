package ghapi

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/journeys-dev/journeys/internal/fakegithub"
	"github.com/journeys-dev/journeys/internal/fakegithub/fakegithubtest"
)

func TestRateLimitRetriesAreBoundedAndSpaced(t *testing.T) {
	const wait = 20 * time.Millisecond
	tests := []struct {
		name    string
		fault   fakegithub.Fault
		retries int
		// minElapsed is the least the waits add up to.
		minElapsed time.Duration
		wantErr    bool
	}{
		{"primary limit whose reset is not in the future backs off, then gives up",
			fakegithub.Fault{Kind: fakegithub.StaleQuota, Every: 1, ResetIn: -time.Minute}, 3, wait + 2*wait + 4*wait, true},
		{"primary limit whose reset is now backs off too",
			fakegithub.Fault{Kind: fakegithub.StaleQuota, Every: 1}, 2, wait + 2*wait, true},
		{"Retry-After: 0 is taken as the minimum, then gives up",
			fakegithub.Fault{Kind: fakegithub.SecondaryRateLimit, Every: 1, RetryAfterRaw: "0"}, 3, 3 * wait, true},
		{"secondary limit without Retry-After backs off exponentially",
			fakegithub.Fault{Kind: fakegithub.SecondaryRateLimit, Status: 429, On: []int64{1, 2}, NoRetryAfter: true}, 5, wait + 2*wait, false},
		{"Retry-After on a 503 is honoured",
			fakegithub.Fault{Kind: fakegithub.ServerError, Status: 503, On: []int64{1}, RetryAfterRaw: "1"}, 5, time.Second, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts, srv := fakegithubtest.NewTestServer(t, fakegithub.Generate(fakegithub.GenerateOptions{Seed: 1}),
				fakegithub.Options{Faults: fakegithub.FaultPlan{Rules: []fakegithub.Fault{tt.fault}}})
			c, err := New(Config{BaseURL: ts.URL, Token: quotaTestToken, RetryBase: time.Millisecond,
				RateLimitRetries: tt.retries, RateLimitWait: wait, MinRetryAfter: wait, MaxWait: time.Minute})
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			_, err = c.Get(context.Background(), Request{Path: "repos/example-org/project-1"})
			elapsed := time.Since(start)
			if tt.wantErr {
				if err == nil || !strings.Contains(err.Error(), "still rate limited after") {
					t.Fatalf("err = %v, want a clear rate-limit failure", err)
				}
				if got := srv.Stats().Requests; got != int64(tt.retries+1) {
					t.Errorf("%d requests sent, want %d (one and %d retries)", got, tt.retries+1, tt.retries)
				}
			} else if err != nil {
				t.Fatalf("err = %v", err)
			}
			if elapsed < tt.minElapsed {
				t.Errorf("done in %v, want waits of at least %v", elapsed, tt.minElapsed)
			}
		})
	}
}

func TestAPIURLWithCredentialsIsRejected(t *testing.T) {
	const secret = "ghp_inTheURL0123456789"
	for _, raw := range []string{
		"https://x:" + secret + "@api.example.com/",
		"https://" + secret + "@api.example.com/api/v3",
		"https://" + secret + "@api.example.com:bad port/",
	} {
		c, err := New(Config{BaseURL: raw})
		if err == nil {
			t.Errorf("New accepted an API URL with credentials; Base() = %s", c.Base())
			continue
		}
		if strings.Contains(err.Error(), secret) {
			t.Errorf("the error shows the credentials: %v", err)
		}
	}
}
