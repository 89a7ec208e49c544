package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/journeys-dev/journeys/internal/fakegithub"
	"github.com/journeys-dev/journeys/internal/fakegithub/fakegithubtest"
)

// "journeys collect --dry-run" prints, per repository, each listing's size
// and request cost read from GitHub's rel="last" links, the total, and the
// quota left, and collects nothing.
func TestCollectDryRunPrintsTheEstimate(t *testing.T) {
	d := fakegithub.Generate(fakegithub.GenerateOptions{Seed: 7, Repos: 2, Issues: 230, Stars: 120, Commits: 150})
	ts, srv := fakegithubtest.NewTestServer(t, d, fakegithub.Options{})
	t.Setenv("GITHUB_TOKEN", "ghp_dryRunTestToken0123456789")
	cfg := writeFile(t, "journeys.yml", `communities:
  - name: Example
    repos:
      - example-org/project-1
      - example-org/project-2
`)
	out := filepath.Join(t.TempDir(), "out")
	code, stdout, stderr := journeys(t, "collect", "--config", cfg, "--out", out, "--api-url", ts.URL+"/", "--dry-run", "--quiet")
	if code != exitOK {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	t.Logf("stdout:\n%s", stdout)

	var total int64
	for _, r := range d.Repos {
		pulls := int64(0)
		for _, it := range r.Issues {
			if it.PullRequest != nil {
				pulls++
			}
		}
		want := []struct {
			label      string
			items, req int64
		}{
			{"repository", 1, 1},
			{"issues and PRs", int64(len(r.Issues)), pages(len(r.Issues))},
			{"comments", int64(len(r.Comments)), pages(len(r.Comments))},
			{"review comments", int64(len(r.ReviewComments)), pages(len(r.ReviewComments))},
			{"commits", int64(len(r.Commits)), pages(len(r.Commits))},
			{"forks", int64(len(r.Forks)), pages(len(r.Forks))},
			{"issue events", int64(len(r.Events)), pages(len(r.Events))},
			{"stargazers", int64(len(r.Stargazers)), pages(len(r.Stargazers))},
		}
		block := repoBlock(t, stdout, r.Owner+"/"+r.Name)
		cost := pulls + 2 // reviews, .all-contributorsrc and its history
		for _, w := range want {
			re := regexp.MustCompile(`(?m)^  ` + regexp.QuoteMeta(w.label) + ` +` + commas(w.items) + ` +` + commas(w.req) + `$`)
			if !re.MatchString(block) {
				t.Errorf("%s/%s: no line %q with %d items and %d requests in\n%s", r.Owner, r.Name, w.label, w.items, w.req, block)
			}
			cost += w.req
		}
		if !regexp.MustCompile(`(?m)^  reviews +- +` + commas(pulls) + `  one request per pull request`).MatchString(block) {
			t.Errorf("%s/%s: reviews line should cost %d requests:\n%s", r.Owner, r.Name, pulls, block)
		}
		if !regexp.MustCompile(`(?m)^  total +` + commas(cost) + `$`).MatchString(block) {
			t.Errorf("%s/%s: total should be %d:\n%s", r.Owner, r.Name, cost, block)
		}
		total += cost
	}
	st := srv.Stats()
	for _, want := range []string{
		fmt.Sprintf("Total: about %s requests for a first collection of 2 repositories.", commas(total)),
		fmt.Sprintf("Quota left: %s of 5,000, resets at ", commas(5000-st.Counted)),
		fmt.Sprintf("this estimate spent %d requests.", st.Requests),
		"That fits in the quota left.",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q", want)
		}
	}
	// One request per repository and listing, and the free /rate_limit.
	if st.Requests != 2*8+1 {
		t.Errorf("the estimate sent %d requests, want 17", st.Requests)
	}
	if entries, _ := os.ReadDir(out); len(entries) != 0 {
		t.Errorf("the dry run wrote %d files into the output folder", len(entries))
	}
	if strings.Contains(stdout+stderr, "ghp_dryRunTestToken") {
		t.Error("the token was printed")
	}
}

// repoBlock returns the lines of repo's table in the dry run's output.
func repoBlock(t *testing.T, out, repo string) string {
	t.Helper()
	start := strings.Index(out, "\n"+repo+"\n")
	if start < 0 {
		t.Fatalf("no table for %s in\n%s", repo, out)
	}
	block := out[start+len(repo)+2:]
	if end := strings.Index(block, "\n\n"); end >= 0 {
		block = block[:end]
	}
	return block
}

func pages(n int) int64 { return int64(max(1, (n+99)/100)) }

// commas writes n as the dry run does: 12,345.
func commas(n int64) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
