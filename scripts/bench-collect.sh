#!/bin/sh
# bench-collect.sh: measures collection against the fake GitHub API and
# prints a table: requests against the lower bound (ceil(n/100) per listing
# plus one reviews request per pull request) for a first run, the quota a
# second run over unchanged data costs, and the first run's wall time under
# a per-request latency against requests x latency / concurrency.
#
#   scripts/bench-collect.sh [repos] [issues per repo] [latency ms] [concurrency]
#
# With "routes" first, one repository (default 1,400 issues and pull
# requests, half of each) is collected through the REST route and through
# the GraphQL route, side by side: requests (REST and GraphQL together),
# GraphQL points, the warm run's cost, the wall time and the CPU time (the
# collection's and the fake API's together) against the ideal
# requests x latency / concurrency, and, for GraphQL, the critical path:
# the longest chain of requests each sent after the one before it was
# answered, times the latency (measured in a run at 2 s a request), which
# bounds the wall time whatever the concurrency, and the rounds: that chain
# at the given concurrency, waits for a free slot included, which bounds
# the wall time at that concurrency.
#
#   scripts/bench-collect.sh routes [issues] [latency ms] [concurrency]
set -eu
cd "$(dirname "$0")/.."
if [ "${1:-}" = routes ]; then
	export BENCH_ISSUES="${2:-1400}" BENCH_LATENCY_MS="${3:-100}" BENCH_CONCURRENCY="${4:-16}"
	out=$(go test ./collect/ -run '^$' -bench '^BenchmarkCollectRoutes$' -benchtime 1x -timeout 30m)
	line=$(printf '%s\n' "$out" | grep '^BenchmarkCollectRoutes') || { printf '%s\n' "$out" >&2; exit 1; }
	printf '%s\n' "$line" | awk -v issues="$BENCH_ISSUES" -v lat="$BENCH_LATENCY_MS" -v conc="$BENCH_CONCURRENCY" '
	{
		for (i = 3; i < NF; i += 2) m[$(i + 1)] = $i
		printf "one repository of %d issues and pull requests, %d ms latency, concurrency %d; REST lower bound %d requests\n\n", issues, lat, conc, m["lower_bound"]
		printf "| route | cold: requests (REST + GraphQL) | x lower bound | REST quota | GraphQL points | warm: REST quota | warm: GraphQL points | wall | CPU | ideal: requests x latency / concurrency | wall / ideal | critical path | wall / max(ideal, rounds) |\n"
		printf "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n"
		split("rest graphql", routes, " ")
		for (k = 1; k <= 2; k++) {
			r = routes[k]
			if (!((r "_requests") in m)) continue
			ideal = m[r "_ideal_s"]
			cp = "-"; bound = ideal
			if ((r "_chain") in m) {
				cp = sprintf("%d requests, %.2f s; %d rounds at concurrency %d, %.2f s", m[r "_chain"], m[r "_chain_s"], m[r "_rounds"], conc, m[r "_rounds_s"])
				if (m[r "_rounds_s"] > bound) bound = m[r "_rounds_s"]
			}
			printf "| %s | %d (%d + %d) | %.3f | %d | %d | %d | %d | %.2f s | %.2f s | %.2f s | %.2f | %s | %.2f |\n", r, m[r "_requests"], m[r "_rest_requests"],
				m[r "_queries"], m[r "_requests"] / m["lower_bound"], m[r "_quota"], m[r "_points"], m[r "_warm_quota"], m[r "_warm_points"],
				m[r "_wall_s"], m[r "_cpu_s"], ideal, m[r "_wall_s"] / ideal, cp, m[r "_wall_s"] / bound
		}
	}'
	exit 0
fi
export BENCH_REPOS="${1:-12}" BENCH_ISSUES="${2:-200}" BENCH_LATENCY_MS="${3:-100}" BENCH_CONCURRENCY="${4:-16}"
out=$(go test ./collect/ -run '^$' -bench '^BenchmarkCollect$' -benchtime 1x)
line=$(printf '%s\n' "$out" | grep '^BenchmarkCollect') || { printf '%s\n' "$out" >&2; exit 1; }
printf '%s\n' "$line" | awk -v repos="$BENCH_REPOS" -v issues="$BENCH_ISSUES" -v lat="$BENCH_LATENCY_MS" -v conc="$BENCH_CONCURRENCY" '
{
	for (i = 3; i < NF; i += 2) m[$(i + 1)] = $i
	printf "collection of %d repositories x %d issues/PRs, %d ms latency, concurrency %d\n\n", repos, issues, lat, conc
	printf "| run | requests | quota | lower bound | ratio |\n| --- | ---: | ---: | ---: | ---: |\n"
	printf "| first | %d | %d | %d | %.3f |\n", m["first_requests"], m["first_quota"], m["lower_bound"], m["first_quota"] / m["lower_bound"]
	printf "| second (unchanged) | %d | %d | 0 | - |\n\n", m["second_requests"], m["second_quota"]
	printf "| wall time (first run) | ideal (requests x latency / concurrency) | wall / ideal |\n| ---: | ---: | ---: |\n"
	printf "| %.2f s | %.2f s | %.2f |\n", m["wall_s"], m["ideal_s"], m["wall/ideal"]
}'
