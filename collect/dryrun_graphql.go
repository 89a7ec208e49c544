package collect

import (
	"fmt"
	"io"

	"github.com/journeys-dev/journeys/collect/ghgraphql"
)

// A gqlEstimate is what a first collection through the GraphQL route
// costs: REST requests (the repository, the issues listing, the probes and
// .all-contributorsrc) and GraphQL points.
type gqlEstimate struct {
	requests, points int64
}

// estimateGraphQL derives the GraphQL route's cost from a dry run's counts:
// the issues listing and the stargazers on REST (100 a request); per query
// of one point, 148 issues' or 49 pull requests' timelines, review threads
// past the first of a pull request (about one a review comment), and 100
// commits or forks (and stargazers past what REST pages by number).
func estimateGraphQL(est *repoEstimate) gqlEstimate {
	c := est.counts
	prs := min(c["pull_requests"], c["issues"])
	issues := c["issues"] - prs
	per := func(n, size int64) int64 {
		if n <= 0 {
			return 0
		}
		return (n + size - 1) / size
	}
	points := per(issues, int64((ghgraphql.OnePoint-1)/ghgraphql.IssueConnections)) +
		per(prs, int64((ghgraphql.OnePoint-1)/ghgraphql.PullConnections)) +
		per(c["review_comments"], int64(ghgraphql.OnePoint-1)) +
		max(1, per(c["commits"], 100)) + max(1, per(c["forks"], 100))
	// The repository, the issues listing, the forks' probe and
	// .all-contributorsrc; the stargazers' pages.
	requests := 1 + pages(c["issues"]) + 1 + 2
	if stars := max(1, per(c["stargazers"], 100)); stars <= starPagesMax {
		requests += stars
	} else {
		points += stars
	}
	return gqlEstimate{requests: requests, points: points}
}

// printGraphQLEstimate prints the GraphQL route's line of a repository.
func printGraphQLEstimate(w io.Writer, g gqlEstimate) {
	fmt.Fprintf(w, "  through GraphQL (--api graphql): about %s REST requests and %s GraphQL points\n", thousands(g.requests), thousands(g.points))
}
