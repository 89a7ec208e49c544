package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/journeys-dev/journeys/analyze"
	"github.com/journeys-dev/journeys/internal/fakegithub"
	"github.com/journeys-dev/journeys/internal/fakegithub/fakegithubtest"
	"github.com/journeys-dev/journeys/schema"
)

// "journeys run" against a GitHub-compatible API given as a plain-http root
// in $GITHUB_API_URL writes every table, with the fake's data in it.
func TestRunWritesEveryTable(t *testing.T) {
	d := fakegithub.Generate(fakegithub.GenerateOptions{Seed: 3, Repos: 2, Issues: 120, Commits: 80, Stars: 30, Forks: 5, AllContributors: true})
	ts, _ := fakegithubtest.NewTestServer(t, d, fakegithub.Options{})
	t.Setenv("GITHUB_API_URL", ts.URL+"/")
	t.Setenv("GITHUB_TOKEN", "")
	t.Setenv("GH_TOKEN", "ghp_runTestToken0123456789abcdef")
	cfg, out := exampleCommunity(t, "example-org/project-1", "example-org/project-2")

	code, stdout, stderr := journeys(t, "run", "--config", cfg, "--out", out, "--as-of", "2024-01-31", "--quiet")
	if code != exitOK {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	if !strings.Contains(stdout, "Example:") {
		t.Errorf("stdout lacks the report's headline:\n%s", stdout)
	}

	var issues, comments, reviews, commits, stars, forks, events int
	for _, r := range d.Repos {
		issues += len(r.Issues)
		comments += len(r.Comments) + len(r.ReviewComments)
		reviews += len(r.Reviews)
		commits += len(r.Commits)
		stars += len(r.Stargazers)
		forks += len(r.Forks)
		events += len(r.Events)
	}
	counts := map[string]int{
		"repos":        len(readTable[schema.Repo](t, out, "repos")),
		"issues":       len(readTable[schema.Issue](t, out, "issues")),
		"comments":     len(readTable[schema.Comment](t, out, "comments")),
		"reviews":      len(readTable[schema.Review](t, out, "reviews")),
		"commits":      len(readTable[schema.Commit](t, out, "commits")),
		"stargazers":   len(readTable[schema.Stargazer](t, out, "stargazers")),
		"forks":        len(readTable[schema.Fork](t, out, "forks")),
		"issue_events": len(readTable[schema.IssueEvent](t, out, "issue_events")),
	}
	want := map[string]int{"repos": 2, "issues": issues, "comments": comments, "reviews": reviews,
		"commits": commits, "stargazers": stars, "forks": forks, "issue_events": events}
	for table, n := range want {
		if counts[table] != n {
			t.Errorf("%s.parquet: %d rows, want %d", table, counts[table], n)
		}
	}
	if len(readTable[schema.Recognition](t, out, "recognitions")) == 0 {
		t.Error("recognitions.parquet is empty, but both repositories have an .all-contributorsrc")
	}
	contributors := readTable[schema.Contributor](t, out, "contributors")
	if len(contributors) == 0 {
		t.Fatal("no contributors")
	}
	for _, c := range contributors {
		if c.StageReason == "" || !strings.Contains(strings.Join(analyze.Stages, " "), c.Stage) {
			t.Errorf("contributor %s: stage %q, reason %q", c.Login, c.Stage, c.StageReason)
		}
	}
	for _, f := range []string{"contributor_months", "transitions", "funnel", "identities", "bots", "cohorts", "metrics", "events", "pull_requests"} {
		if _, err := os.Stat(filepath.Join(out, f+".parquet")); err != nil {
			t.Error(err)
		}
	}
}

// Collect, analyze and report run as separate steps on one folder, so a
// researcher can re-analyze without collecting again; a second analysis
// with another date spends no request.
func TestStepsRunSeparately(t *testing.T) {
	d := fakegithub.Generate(fakegithub.GenerateOptions{Seed: 5, Repos: 1, Issues: 40, Commits: 30})
	ts, srv := fakegithubtest.NewTestServer(t, d, fakegithub.Options{})
	t.Setenv("GITHUB_TOKEN", "ghp_stepsTestToken0123456789abcdef")
	cfg, out := exampleCommunity(t, "example-org/project-1")
	api := ts.URL + "/"

	steps := [][]string{
		{"collect", "--config", cfg, "--out", out, "--api-url", api, "--quiet"},
		{"analyze", "--config", cfg, "--out", out, "--as-of", "2023-06-30", "--quiet"},
		{"report", "--config", cfg, "--out", out, "--quiet"},
	}
	for _, args := range steps {
		if code, stdout, stderr := journeys(t, args...); code != exitOK {
			t.Fatalf("journeys %s: exit %d\nstdout:\n%s\nstderr:\n%s", args[0], code, stdout, stderr)
		}
	}
	before := srv.Stats().Requests
	if code, _, stderr := journeys(t, "analyze", "--config", cfg, "--out", out, "--as-of", "2022-12-31", "--quiet"); code != exitOK {
		t.Fatalf("second analyze: exit %d: %s", code, stderr)
	}
	if after := srv.Stats().Requests; after != before {
		t.Errorf("analyze made %d requests to GitHub", after-before)
	}
	// The second analysis rewrote the report, so that it shows the date
	// the tables now hold.
	data, err := os.ReadFile(filepath.Join(out, "report.md"))
	if err != nil || !strings.Contains(string(data), "2022-12-31") {
		t.Errorf("report.md does not name the analysis date the tables hold: %v", err)
	}
}

// A repository that does not exist is named; the others are still
// collected, analyzed and reported, and the run ends non-zero.
func TestMissingRepositoryIsNamedAndOthersCollected(t *testing.T) {
	d := fakegithub.Generate(fakegithub.GenerateOptions{Seed: 9, Repos: 1, Issues: 20, Commits: 10})
	ts, _ := fakegithubtest.NewTestServer(t, d, fakegithub.Options{})
	t.Setenv("GITHUB_TOKEN", "ghp_missingRepoToken0123456789abcd")
	cfg, out := exampleCommunity(t, "example-org/project-1", "example-org/no-such-repo")
	code, stdout, stderr := journeys(t, "run", "--config", cfg, "--out", out, "--api-url", ts.URL+"/", "--quiet")
	if code != exitFailure {
		t.Fatalf("exit %d, want %d\nstderr:\n%s", code, exitFailure, stderr)
	}
	if !strings.Contains(stderr, "example-org/no-such-repo") {
		t.Errorf("stderr does not name the missing repository:\n%s", stderr)
	}
	if n := len(readTable[schema.Issue](t, out, "issues")); n != len(d.Repos[0].Issues) {
		t.Errorf("issues of the good repository: %d rows, want %d", n, len(d.Repos[0].Issues))
	}
	report, err := os.ReadFile(filepath.Join(out, "report.md"))
	if err != nil || !strings.Contains(string(report), "no-such-repo") {
		t.Errorf("report.md does not name the failed repository (%v)\n%s", err, stdout)
	}
}

// A token GitHub rejects stops the run at once, says what to do, and
// leaves the previous output as it was.
func TestRejectedTokenStopsAndKeepsOutput(t *testing.T) {
	d := fakegithub.Generate(fakegithub.GenerateOptions{Seed: 11, Repos: 1, Issues: 10, Commits: 5})
	good := "ghp_goodToken0123456789abcdefghij"
	ts, _ := fakegithubtest.NewTestServer(t, d, fakegithub.Options{Tokens: []string{good}})
	cfg, out := exampleCommunity(t, "example-org/project-1")
	t.Setenv("GITHUB_TOKEN", good)
	if code, _, stderr := journeys(t, "run", "--config", cfg, "--out", out, "--api-url", ts.URL+"/", "--quiet"); code != exitOK {
		t.Fatalf("first run: exit %d: %s", code, stderr)
	}
	before, err := os.ReadFile(filepath.Join(out, "issues.parquet"))
	if err != nil {
		t.Fatal(err)
	}

	revoked := "ghp_revokedToken0123456789abcdefgh"
	t.Setenv("GITHUB_TOKEN", revoked)
	code, stdout, stderr := journeys(t, "run", "--config", cfg, "--out", out, "--api-url", ts.URL+"/", "--quiet")
	if code != exitFailure || !strings.Contains(stderr, "GitHub rejected the token") {
		t.Errorf("exit %d, stderr %q; want exit 1 and \"GitHub rejected the token\"", code, stderr)
	}
	if strings.Contains(stdout+stderr, revoked) {
		t.Error("the token was printed")
	}
	after, err := os.ReadFile(filepath.Join(out, "issues.parquet"))
	if err != nil || string(after) != string(before) {
		t.Errorf("the previous output changed (%v)", err)
	}
}

// Without a token, the run warns once that GitHub then allows 60 requests
// an hour.
func TestNoTokenWarnsOnce(t *testing.T) {
	d := fakegithub.Generate(fakegithub.GenerateOptions{Seed: 13, Repos: 1, Issues: 5, Commits: 3, Stars: 2, Forks: 1, Comments: 3, Events: 2})
	ts, _ := fakegithubtest.NewTestServer(t, d, fakegithub.Options{})
	t.Setenv("GITHUB_TOKEN", "")
	t.Setenv("GH_TOKEN", "")
	cfg, out := exampleCommunity(t, "example-org/project-1")
	code, _, stderr := journeys(t, "collect", "--config", cfg, "--out", out, "--api-url", ts.URL+"/")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if n := strings.Count(stderr, "60 requests an hour"); n != 1 {
		t.Errorf("the 60-requests warning appears %d times in:\n%s", n, stderr)
	}
}

// --verify-every sets how old the last whole walk may be: an issue deleted
// on GitHub stays while the walk is recent, and goes once it is due.
func TestVerifyEveryDropsDeletedIssues(t *testing.T) {
	d := fakegithub.Generate(fakegithub.GenerateOptions{Seed: 5, Repos: 1, Issues: 150, Commits: 10})
	ts, srv := fakegithubtest.NewTestServer(t, d, fakegithub.Options{})
	t.Setenv("GITHUB_TOKEN", "ghp_verifyTestToken0123456789abcdef")
	cfg, out := exampleCommunity(t, "example-org/project-1")
	collectWith := func(args ...string) {
		t.Helper()
		args = append([]string{"collect", "--config", cfg, "--out", out, "--api-url", ts.URL + "/", "--quiet"}, args...)
		if code, stdout, stderr := journeys(t, args...); code != exitOK {
			t.Fatalf("%v: exit %d\nstdout:\n%s\nstderr:\n%s", args, code, stdout, stderr)
		}
	}
	has := func(number int64) bool {
		for _, is := range readTable[schema.Issue](t, out, "issues") {
			if is.Number == number {
				return true
			}
		}
		return false
	}

	collectWith()
	oldest := d.Repos[0].Issues[0].Number
	if !has(oldest) {
		t.Fatalf("issue #%d not collected", oldest)
	}
	srv.Mutate(func(d *fakegithub.Data) {
		d.Repos[0].Issues = slices.DeleteFunc(d.Repos[0].Issues, func(is *fakegithub.Issue) bool { return is.Number == oldest })
	})
	collectWith() // the last whole walk is minutes old: not due
	if !has(oldest) {
		t.Fatalf("issue #%d dropped by an incremental run", oldest)
	}
	collectWith("--verify-every", "1ns")
	if has(oldest) {
		t.Errorf("issue #%d, deleted on GitHub, is still in issues.parquet after a due verification walk", oldest)
	}
	if code, _, stderr := journeys(t, "collect", "--config", cfg, "--out", out, "--verify-every", "-1h"); code != exitUsage || !strings.Contains(stderr, "--verify-every") {
		t.Errorf("a negative --verify-every: exit %d, %q", code, stderr)
	}
}

// exampleCommunity writes the config of one community, "Example", with the
// given repositories, and returns its path and a fresh output folder.
func exampleCommunity(t *testing.T, repos ...string) (cfg, out string) {
	t.Helper()
	cfg = writeFile(t, "journeys.yml", "communities:\n  - name: Example\n    repos: ["+strings.Join(repos, ", ")+"]\n")
	return cfg, filepath.Join(t.TempDir(), "out")
}
