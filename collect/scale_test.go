package collect

import (
	"testing"

	"github.com/journeys-dev/journeys/internal/fakegithub"
	"github.com/journeys-dev/journeys/schema"
)

// TestScaleRowCounts collects a generated organisation of a few
// repositories with thousands of items each and finds every item, at close
// to the fewest requests.
func TestScaleRowCounts(t *testing.T) {
	if testing.Short() {
		t.Skip("collects thousands of items")
	}
	d := fakegithub.Generate(fakegithub.GenerateOptions{Seed: 3, Repos: 3, Issues: 2500, Commits: 3000, Stars: 1500,
		Forks: 300, Events: 3000})
	var names []string
	want := map[string]int64{}
	var bound int64
	for _, r := range d.Repos {
		names = append(names, r.Owner+"/"+r.Name)
		bound += lowerBound(r)
		want["repos"]++
		want["issues"] += int64(len(r.Issues))
		for _, is := range r.Issues {
			if is.PullRequest != nil {
				want["pull_requests"]++
			}
		}
		want["comments"] += int64(len(r.Comments) + len(r.ReviewComments))
		want["reviews"] += int64(len(r.Reviews))
		want["commits"] += int64(len(r.Commits))
		want["stargazers"] += int64(len(r.Stargazers))
		want["forks"] += int64(len(r.Forks))
		want["issue_events"] += int64(len(r.Events))
	}
	h := newHarness(t, d, fakegithub.Options{Quota: 100_000})
	opts := h.options()
	opts.Concurrency = 16
	m, err, spent := h.run([]Community{{Name: "gen", Repos: names}}, opts)
	if err != nil {
		t.Fatal(err)
	}
	for table, n := range want {
		if m.Tables[table] != n {
			t.Errorf("%s: %d rows, want %d", table, m.Tables[table], n)
		}
	}
	if got := int64(len(read[schema.Issue](t, h.out, "issues"))); got != want["issues"] {
		t.Errorf("issues.parquet holds %d rows, want %d", got, want["issues"])
	}
	t.Logf("%d quota requests, lower bound %d", spent, bound)
	if limit := bound*105/100 + perRepoConstant*int64(len(names)); spent > limit {
		t.Errorf("spent %d requests, more than %d", spent, limit)
	}
}
