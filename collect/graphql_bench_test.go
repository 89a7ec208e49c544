package collect

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/journeys-dev/journeys/internal/fakegithub"
	"github.com/journeys-dev/journeys/internal/fakegithub/fakegithubtest"
)

// BenchmarkCollectRoutes collects one generated repository of
// BENCH_ISSUES issues and pull requests (half of each; default 1,400, with
// 1,300 issue comments, a review per pull request, about 750 commits and
// 380 stars) through the REST route and through the GraphQL route, from
// the fake API answering each request after BENCH_LATENCY_MS with
// BENCH_CONCURRENCY requests in flight, twice each: a cold run and a warm
// run over unchanged data. It reports, per route, the requests (REST and
// GraphQL together), the REST quota, the GraphQL points, the warm run's
// cost and the cold run's wall time against requests x latency /
// concurrency. scripts/bench-collect.sh prints them side by side.
func BenchmarkCollectRoutes(b *testing.B) {
	issues := benchEnv("BENCH_ISSUES", 1400)
	latency := time.Duration(benchEnv("BENCH_LATENCY_MS", 100)) * time.Millisecond
	conc := benchEnv("BENCH_CONCURRENCY", 16)
	d := consistent(fakegithub.Generate(fakegithub.GenerateOptions{Seed: 11, Repos: 1, Issues: issues,
		Comments: issues * 13 / 14, Commits: issues * 33 / 140, Stars: issues * 38 / 140, Forks: issues / 20}))
	r := d.Repos[0]
	bound := lowerBound(r)
	cs := []Community{{Name: "bench", Repos: []string{r.Owner + "/" + r.Name}}}
	for b.Loop() {
		for _, api := range []string{APIREST, APIGraphQL} {
			ts, srv := fakegithubtest.NewTestServer(b, d, fakegithub.Options{Quota: 1_000_000, Faults: fakegithub.FaultPlan{Latency: latency}})
			opts := Options{APIURL: ts.URL + "/", Token: testToken, Out: b.TempDir(), Concurrency: conc, MaxWait: time.Minute, API: api}
			start := time.Now()
			if _, err := Run(context.Background(), cs, opts); err != nil {
				b.Fatal(err)
			}
			wall := time.Since(start)
			cold, coldQ := srv.Stats(), srv.GraphQLStats()
			if _, err := Run(context.Background(), cs, opts); err != nil {
				b.Fatal(err)
			}
			warm, warmQ := srv.Stats(), srv.GraphQLStats()
			restReq := cold.Requests - coldQ.Queries // the fake counts GraphQL POSTs among its requests
			all := cold.Requests
			ideal := time.Duration(all) * latency / time.Duration(conc)
			b.ReportMetric(float64(bound), "lower_bound")
			b.ReportMetric(float64(all), api+"_requests")
			b.ReportMetric(float64(restReq), api+"_rest_requests")
			b.ReportMetric(float64(cold.Counted), api+"_quota")
			b.ReportMetric(float64(coldQ.Queries), api+"_queries")
			b.ReportMetric(float64(coldQ.Points), api+"_points")
			b.ReportMetric(float64(warm.Counted-cold.Counted), api+"_warm_quota")
			b.ReportMetric(float64(warmQ.Points-coldQ.Points), api+"_warm_points")
			b.ReportMetric(float64(warm.Requests-cold.Requests), api+"_warm_requests")
			b.ReportMetric(wall.Seconds(), api+"_wall_s")
			b.ReportMetric(ideal.Seconds(), api+"_ideal_s")
			if os.Getenv("BENCH_VERBOSE") != "" {
				b.Logf("%s: routes %v; GraphQL %+v; PRs %d, comments %d, reviews %d, commits %d, stars %d", api, cold.Routes, coldQ,
					countPRs(r), len(r.Comments), len(r.Reviews), len(r.Commits), len(r.Stargazers))
			}
		}
	}
}

func countPRs(r *fakegithub.Repo) int {
	n := 0
	for _, is := range r.Issues {
		if is.PullRequest != nil {
			n++
		}
	}
	return n
}
