package collect

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/journeys-dev/journeys/internal/fakegithub"
	"github.com/journeys-dev/journeys/internal/fakegithub/fakegithubtest"
)

// benchEnv reads an integer knob of BenchmarkCollect from the environment.
func benchEnv(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// BenchmarkCollect collects a generated organisation (BENCH_REPOS
// repositories of BENCH_ISSUES issues and pull requests) from the fake API
// answering each request after BENCH_LATENCY_MS, with BENCH_CONCURRENCY
// requests in flight, twice: a first run and a second over unchanged data.
// It reports the requests against the lower bound (ceil(n/100) per
// listing, one reviews request per pull request), the second run's quota
// cost, and the first run's wall time against the ideal
// requests x latency / concurrency. scripts/bench-collect.sh prints them
// as a table.
func BenchmarkCollect(b *testing.B) {
	repos, issues := benchEnv("BENCH_REPOS", 12), benchEnv("BENCH_ISSUES", 200)
	latency := time.Duration(benchEnv("BENCH_LATENCY_MS", 100)) * time.Millisecond
	conc := benchEnv("BENCH_CONCURRENCY", 16)
	d := fakegithub.Generate(fakegithub.GenerateOptions{Seed: 7, Repos: repos, Issues: issues, Commits: 2 * issues,
		Stars: issues, Forks: issues / 10})
	var bound int64
	var names []string
	for _, r := range d.Repos {
		bound += lowerBound(r)
		names = append(names, r.Owner+"/"+r.Name)
	}
	cs := []Community{{Name: "bench", Repos: names}}
	for b.Loop() {
		ts, srv := fakegithubtest.NewTestServer(b, d, fakegithub.Options{Quota: 1_000_000, Faults: fakegithub.FaultPlan{Latency: latency}})
		opts := Options{APIURL: ts.URL + "/", Token: testToken, Out: b.TempDir(), Concurrency: conc, MaxWait: time.Minute}
		start := time.Now()
		if _, err := Run(context.Background(), cs, opts); err != nil {
			b.Fatal(err)
		}
		wall := time.Since(start)
		first := srv.Stats()
		if _, err := Run(context.Background(), cs, opts); err != nil {
			b.Fatal(err)
		}
		second := srv.Stats()
		ideal := time.Duration(first.Requests) * latency / time.Duration(conc)
		b.ReportMetric(float64(bound), "lower_bound")
		b.ReportMetric(float64(first.Counted), "first_quota")
		b.ReportMetric(float64(first.Requests), "first_requests")
		b.ReportMetric(float64(second.Counted-first.Counted), "second_quota")
		b.ReportMetric(float64(second.Requests-first.Requests), "second_requests")
		b.ReportMetric(wall.Seconds(), "wall_s")
		b.ReportMetric(ideal.Seconds(), "ideal_s")
		b.ReportMetric(wall.Seconds()/ideal.Seconds(), "wall/ideal")
		if os.Getenv("BENCH_VERBOSE") != "" {
			fmt.Fprintf(os.Stderr, "routes: %v\n", first.Routes)
		}
	}
}
