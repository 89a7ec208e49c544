package collect

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"runtime/pprof"
	"strings"
	"syscall"
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
// cost, and the cold run's wall time and CPU time (the collection's and
// the fake API's: they share the machine) against requests x latency /
// concurrency.
//
// For the GraphQL route it also measures the critical path: the longest
// chain of requests each sent only once the one before it was answered
// (a cold run with BENCH_CHAIN_LATENCY_MS, default 2,000, per request and
// room for every request at once, so that neither the CPU nor the
// concurrency bound orders requests that do not depend on one another).
// That many latencies is a lower bound of the wall time whatever the
// concurrency. The same at BENCH_CONCURRENCY gives the rounds: the chain
// with the waits for a free slot, the wall time's lower bound at that
// concurrency. scripts/bench-collect.sh prints them side by side.
//
// BENCH_ROUTES picks the routes (rest,graphql); BENCH_TRACE=1 prints each
// request's start and end; BENCH_CPUPROFILE=FILE writes the cold runs'
// CPU profiles to FILE.rest and FILE.graphql.
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
		for _, api := range benchRoutes() {
			ts, srv := fakegithubtest.NewTestServer(b, d, fakegithub.Options{Quota: 1_000_000, Faults: fakegithub.FaultPlan{Latency: latency}})
			opts := Options{APIURL: ts.URL + "/", Token: testToken, Out: b.TempDir(), Concurrency: conc, MaxWait: time.Minute, API: api}
			var tr *tracer
			if os.Getenv("BENCH_TRACE") != "" {
				tr = &tracer{base: http.DefaultTransport, start: time.Now()}
				opts.HTTPClient = &http.Client{Transport: tr}
			}
			if f := os.Getenv("BENCH_CPUPROFILE"); f != "" {
				w, err := os.Create(f + "." + api)
				if err != nil {
					b.Fatal(err)
				}
				pprof.StartCPUProfile(w)
			}
			cpu0 := cpuTime()
			start := time.Now()
			if _, err := Run(context.Background(), cs, opts); err != nil {
				b.Fatal(err)
			}
			wall := time.Since(start)
			cpu := cpuTime() - cpu0
			pprof.StopCPUProfile()
			b.ReportMetric(cpu.Seconds(), api+"_cpu_s")
			if tr != nil {
				fmt.Fprintf(os.Stderr, "%s trace (the run ended at %d ms):\n%s", api, wall.Milliseconds(), tr)
				opts.HTTPClient = nil
			}
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
			if api == APIGraphQL && os.Getenv("BENCH_CHAIN_LATENCY_MS") != "0" {
				slow := time.Duration(benchEnv("BENCH_CHAIN_LATENCY_MS", 2000)) * time.Millisecond
				depth := chainDepth(b, d, cs, api, slow, 50)
				b.ReportMetric(float64(depth), api+"_chain")
				b.ReportMetric((time.Duration(depth) * latency).Seconds(), api+"_chain_s")
				rounds := chainDepth(b, d, cs, api, slow, conc)
				b.ReportMetric(float64(rounds), api+"_rounds")
				b.ReportMetric((time.Duration(rounds) * latency).Seconds(), api+"_rounds_s")
			}
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

// benchRoutes is the routes BenchmarkCollectRoutes collects through:
// BENCH_ROUTES (a comma-separated list), both by default.
func benchRoutes() []string {
	if v := os.Getenv("BENCH_ROUTES"); v != "" {
		return strings.Split(v, ",")
	}
	return []string{APIREST, APIGraphQL}
}

// cpuTime is the CPU time the process (the collection and the fake API
// it talks to) has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// chainDepth collects cs cold through api, each request answered after
// latency with conc requests at once on REST and as many on GraphQL, and
// returns the longest chain of requests each sent after the one before it
// was answered. With room for every request at once (50), that is the
// chain of requests that depend on one another; with the benchmark's
// concurrency, the rounds its bound adds count too.
func chainDepth(b *testing.B, d *fakegithub.Data, cs []Community, api string, latency time.Duration, conc int) int {
	b.Helper()
	ts, _ := fakegithubtest.NewTestServer(b, d, fakegithub.Options{Quota: 1_000_000, Faults: fakegithub.FaultPlan{Latency: latency}})
	tr := &tracer{base: http.DefaultTransport, start: time.Now()}
	opts := Options{APIURL: ts.URL + "/", Token: testToken, Out: b.TempDir(), Concurrency: conc, MaxWait: time.Minute, API: api,
		HTTPClient: &http.Client{Transport: tr}}
	if _, err := Run(context.Background(), cs, opts); err != nil {
		b.Fatal(err)
	}
	if os.Getenv("BENCH_TRACE") != "" {
		fmt.Fprintf(os.Stderr, "%s trace at %v a request, concurrency %d:\n%s", api, latency, conc, tr)
	}
	return tr.depth()
}
