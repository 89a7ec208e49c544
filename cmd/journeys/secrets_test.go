package main

import (
	"bytes"
	"encoding/base64"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/journeys-dev/journeys/internal/fakegithub"
	"github.com/journeys-dev/journeys/internal/fakegithub/fakegithubtest"
)

// secretToken is recognizable wherever it would leak.
const secretToken = "ghp_LEAKCHECKs3cr3tT0k3nZZ0123456789abcd"

// faultedRoutes are the routes collection uses: each gets a 502, then a
// secondary rate limit, then a dropped connection, on its first requests.
var faultedRoutes = []string{
	"GET /repos/{owner}/{repo}",
	"GET /repos/{owner}/{repo}/issues",
	"GET /repos/{owner}/{repo}/issues/comments",
	"GET /repos/{owner}/{repo}/issues/events",
	"GET /repos/{owner}/{repo}/pulls",
	"GET /repos/{owner}/{repo}/pulls/comments",
	"GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews",
	"GET /repos/{owner}/{repo}/commits",
	"GET /repos/{owner}/{repo}/stargazers",
	"GET /repos/{owner}/{repo}/forks",
	"GET /repos/{owner}/{repo}/contents/{path}",
	"GET /orgs/{org}/repos",
	"GET /rate_limit",
	"GET /user",
	"POST /graphql",
}

func faultEveryRoute() fakegithub.FaultPlan {
	var p fakegithub.FaultPlan
	for _, r := range faultedRoutes {
		p.Rules = append(p.Rules,
			fakegithub.Fault{Kind: fakegithub.ServerError, Route: r, On: []int64{1}, Status: 502},
			fakegithub.Fault{Kind: fakegithub.SecondaryRateLimit, Route: r, On: []int64{2}, RetryAfter: 1},
			fakegithub.Fault{Kind: fakegithub.DropConnection, Route: r, On: []int64{3}},
		)
	}
	return p
}

// leaks returns where in text the token, or a form of it, appears.
func leaks(text string) []string {
	var out []string
	for name, form := range map[string]string{
		"token":        secretToken,
		"base64 token": base64.StdEncoding.EncodeToString([]byte(secretToken)),
		"token body":   strings.TrimPrefix(secretToken, "ghp_"),
	} {
		if i := strings.Index(text, form); i >= 0 {
			out = append(out, name+" at byte "+strconv.Itoa(i))
		}
	}
	return out
}

// The token from the environment appears in no output, log line, state,
// cache or output file, even when every kind of request fails once in
// every way and the log is verbose; nor in the error of a rejected token.
func TestTokenIsNeverWrittenAnywhere(t *testing.T) {
	if testing.Short() {
		t.Skip("waits out injected faults")
	}
	d := fakegithub.Generate(fakegithub.GenerateOptions{Seed: 5, People: 12, Issues: 16, Months: 6, AllContributors: true})
	ts, srv := fakegithubtest.NewTestServer(t, d, fakegithub.Options{Tokens: []string{secretToken}, Faults: faultEveryRoute()})
	t.Setenv("GH_TOKEN", "")
	t.Setenv("GITHUB_TOKEN", secretToken)

	root := t.TempDir()
	r := d.Repos[0]
	cfg := filepath.Join(root, "journeys.yml")
	if err := os.WriteFile(cfg, []byte("communities:\n  - name: Leak check\n    repos: ["+r.Owner+"/"+r.Name+"]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(root, "out")
	var logs bytes.Buffer
	run := func(args ...string) int {
		t.Helper()
		code, stdout, stderr := journeys(t, args...)
		logs.WriteString(stdout + "\n" + stderr + "\n")
		return code
	}
	// First run: every route fails in each way once, with a verbose text
	// log and the progress display; second run: incremental, JSON log.
	if code := run("run", "--config", cfg, "--out", out, "--api-url", ts.URL+"/", "--as-of", "2021-07-01", "--verbose"); code != 0 {
		t.Fatalf("run with faults: exit %d\n%s", code, logs.String())
	}
	st := srv.Stats()
	for route, n := range st.Routes {
		if n < 4 {
			t.Errorf("%s: %d requests; each route should have met a 502, a secondary limit and a dropped connection before an answer", route, n)
		}
	}
	if st.Faults < int64(3*len(st.Routes)) {
		t.Errorf("%d faults injected over %d routes, want 3 a route", st.Faults, len(st.Routes))
	}
	if code := run("run", "--config", cfg, "--out", out, "--api-url", ts.URL+"/", "--as-of", "2021-07-01", "--verbose", "--log-format", "json"); code != 0 {
		t.Fatalf("second run: exit %d\n%s", code, logs.String())
	}
	if !strings.Contains(logs.String(), "secondary rate limit") || !strings.Contains(logs.String(), "retrying") {
		t.Errorf("the verbose log does not show the faults being handled:\n%s", logs.String())
	}

	// A rejected token: the error names no token either.
	t.Setenv("GITHUB_TOKEN", secretToken+"x")
	if code := run("collect", "--config", cfg, "--out", filepath.Join(root, "rejected"), "--api-url", ts.URL+"/", "--verbose"); code == 0 {
		t.Error("a rejected token did not fail the collection")
	}

	for _, where := range leaks(logs.String()) {
		t.Errorf("the output or log holds the %s", where)
	}
	files := 0
	walkFiles(t, root, func(path string, data []byte) {
		files++
		text := string(data)
		if strings.HasSuffix(path, ".parquet") {
			text = textOf(t, path) // decompressed values
		}
		for _, where := range leaks(text) {
			t.Errorf("%s holds the %s", path, where)
		}
	})
	if files < 10 {
		t.Errorf("only %d files written under %s; the check saw too little", files, root)
	}
}
