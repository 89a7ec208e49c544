package ghapi

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/journeys-dev/journeys/internal/fakegithub"
	"github.com/journeys-dev/journeys/internal/fakegithub/fakegithubtest"
)

const quotaTestToken = "ghp_quotaTestToken0123456789"

// quotaServer serves one generated repository, example-org/project-1, with
// the given quota.
func quotaServer(t *testing.T, quota int) (*Client, *fakegithub.Server) {
	t.Helper()
	ts, srv := fakegithubtest.NewTestServer(t, fakegithub.Generate(fakegithub.GenerateOptions{Seed: 1}), fakegithub.Options{Quota: quota})
	c, err := New(Config{BaseURL: ts.URL, Token: quotaTestToken, Concurrency: 2, MaxWait: 0, RetryBase: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return c, srv
}

// getConcurrently sends n requests from n goroutines (the client's
// concurrency bounds those in flight) and returns the successes and the
// errors.
func getConcurrently(c *Client, n int, req func(i int) Request) (ok int64, errs []error) {
	var wg sync.WaitGroup
	var mu sync.Mutex
	var good atomic.Int64
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := c.Get(context.Background(), req(i)); err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
				return
			}
			good.Add(1)
		}()
	}
	wg.Wait()
	return good.Load(), errs
}

func TestConcurrentRequestsSpendTheWholeQuota(t *testing.T) {
	c, srv := quotaServer(t, 15)
	ok, errs := getConcurrently(c, 40, func(int) Request { return Request{Path: "repos/example-org/project-1"} })
	if ok != 15 {
		t.Errorf("%d requests answered, want the whole quota of 15 (errors: %v)", ok, errs)
	}
	for _, err := range errs {
		var qe *QuotaError
		if !errors.As(err, &qe) {
			t.Fatalf("err = %v, want a QuotaError", err)
		}
		if qe.Used != 15 || qe.Limit != 15 || !strings.Contains(err.Error(), "15 of 15 used") {
			t.Errorf("err = %v, want the quota spent: 15 of 15 used", err)
		}
	}
	if st := srv.Stats(); st.RateLimited != 0 || st.Counted != 15 {
		t.Errorf("server counted %d requests and refused %d; want 15 and none", st.Counted, st.RateLimited)
	}
	if r := c.Rate(); r.Remaining != 0 || r.Limit != 15 {
		t.Errorf("Rate() = %+v, want 0 of 15 left", r)
	}
}

func TestNotModifiedAnswersCostNoQuota(t *testing.T) {
	c, srv := quotaServer(t, 5)
	resp, err := c.Get(context.Background(), Request{Path: "repos/example-org/project-1"})
	if err != nil {
		t.Fatal(err)
	}
	etag := resp.ETag()
	ok, errs := getConcurrently(c, 30, func(int) Request { return Request{Path: "repos/example-org/project-1", IfNoneMatch: etag} })
	if ok != 30 || len(errs) > 0 {
		t.Fatalf("%d of 30 conditional requests answered: %v", ok, errs)
	}
	if st := srv.Stats(); st.NotModified != 30 || st.Counted != 1 {
		t.Errorf("server: %d not modified, %d counted; want 30 and 1", st.NotModified, st.Counted)
	}
	if r := c.Rate(); r.Remaining != 4 {
		t.Errorf("Rate() = %+v, want 4 left", r)
	}
	// The four left are all usable.
	ok, errs = getConcurrently(c, 10, func(int) Request { return Request{Path: "repos/example-org/project-1"} })
	if ok != 4 || len(errs) != 6 {
		t.Errorf("%d answered and %d refused after the 304s, want 4 and 6", ok, len(errs))
	}
}

func TestRequestCapCountsRequestsInFlight(t *testing.T) {
	ts, srv := fakegithubtest.NewTestServer(t, fakegithub.Generate(fakegithub.GenerateOptions{Seed: 1}),
		fakegithub.Options{Faults: fakegithub.FaultPlan{Latency: 5 * time.Millisecond}})
	c, err := New(Config{BaseURL: ts.URL, Token: quotaTestToken, Concurrency: 4, MaxRequests: 7})
	if err != nil {
		t.Fatal(err)
	}
	ok, errs := getConcurrently(c, 20, func(int) Request { return Request{Path: "repos/example-org/project-1"} })
	if ok != 7 || srv.Stats().Counted != 7 {
		t.Errorf("%d answered, server counted %d; want the cap of 7", ok, srv.Stats().Counted)
	}
	for _, err := range errs {
		var qe *QuotaError
		if !errors.As(err, &qe) || qe.MaxRequests != 7 {
			t.Errorf("err = %v, want the request cap", err)
		}
	}
}
