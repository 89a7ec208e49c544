package fakegithub_test

import (
	"context"
	"fmt"
	"io"
	"net/http"

	"github.com/journeys-dev/journeys/internal/fakegithub"
)

// A test server with generated data, mounted like GitHub Enterprise, where
// every 7th request fails once with a 502 and request 3 meets a secondary
// rate limit.
func Example() {
	data := fakegithub.Generate(fakegithub.GenerateOptions{Seed: 1, Issues: 40})
	srv := fakegithub.New(data, fakegithub.Options{
		BasePath: "/api/v3",
		Tokens:   []string{"test-token"},
		Faults: fakegithub.FaultPlan{Rules: []fakegithub.Fault{
			{Kind: fakegithub.ServerError, Status: 502, Every: 7},
			{Kind: fakegithub.SecondaryRateLimit, On: []int64{3}, RetryAfter: 1},
		}},
	})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	base, err := srv.Serve(ctx, "127.0.0.1:0") // or fakegithubtest.NewTestServer(t, data, opts) in tests
	if err != nil {
		panic(err)
	}
	for range 7 {
		req, _ := http.NewRequest(http.MethodGet, base+"repos/example-org/project-1/issues?state=all", nil)
		req.Header.Set("Authorization", "Bearer test-token")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			panic(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if ra := resp.Header.Get("Retry-After"); ra != "" {
			fmt.Println(resp.StatusCode, "Retry-After:", ra)
		} else {
			fmt.Println(resp.StatusCode)
		}
	}
	st := srv.Stats()
	fmt.Println(st.Requests, st.Counted, st.Faults, st.Routes["GET /repos/{owner}/{repo}/issues"])
	// Output:
	// 200
	// 200
	// 403 Retry-After: 1
	// 200
	// 200
	// 200
	// 502
	// 7 5 2 7
}
