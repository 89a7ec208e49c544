package main

import (
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/journeys-dev/journeys/internal/fakegithub"
	"github.com/journeys-dev/journeys/internal/fakegithub/fakegithubtest"
)

// Each failure a person meets ends with a message that says what happened
// and what to do, and with the exit status its kind deserves.
func TestMessagesSayWhatToDo(t *testing.T) {
	d := fakegithub.Generate(fakegithub.GenerateOptions{Seed: 5, Repos: 1, Issues: 10, Commits: 10, Stars: 3, Forks: 1})
	private, _ := fakegithubtest.NewTestServer(t, d, fakegithub.Options{RequireToken: true})
	open, _ := fakegithubtest.NewTestServer(t, d, fakegithub.Options{})
	// A port that refuses connections: listen, then close.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := "http://" + ln.Addr().String() + "/"
	ln.Close()

	tests := []struct {
		name     string
		apiURL   string
		token    string
		repos    []string
		args     []string
		status   int
		want     []string
		wantNot  []string
		noReport bool
	}{
		{name: "no token where one is required", apiURL: private.URL + "/", repos: []string{"example-org/project-1"},
			status: exitFailure, want: []string{"requires a token", "no token was sent", "GITHUB_TOKEN"}, wantNot: []string{"rejected the token"}},
		{name: "the API cannot be reached", apiURL: refused, repos: []string{"example-org/project-1"},
			status: exitFailure, want: []string{"cannot reach the API at " + refused, "--api-url"}},
		{name: "a website instead of the API", args: []string{"--api-url", "https://github.com"}, repos: []string{"a/b"},
			status: exitUsage, want: []string{"GitHub's website", "https://api.github.com/"}},
		{name: "a host without a scheme", args: []string{"--api-url", "github.example.com"}, repos: []string{"a/b"},
			status: exitUsage, want: []string{"did you mean https://github.example.com/"}},
		{name: "a repository that does not exist", apiURL: open.URL + "/", token: "ghp_messagesTest0123456789",
			repos: []string{"example-org/project-1", "example-org/no-such-repo"}, status: exitFailure,
			want: []string{"example-org/no-such-repo", "check the spelling of owner/name", "private repository needs a token"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("GITHUB_API_URL", tt.apiURL)
			t.Setenv("GITHUB_TOKEN", tt.token)
			t.Setenv("GH_TOKEN", "")
			cfg, out := exampleCommunity(t, tt.repos...)
			args := append([]string{"run", "--config", cfg, "--out", out, "--as-of", "2024-01-31", "--quiet"}, tt.args...)
			code, stdout, stderr := journeys(t, args...)
			if code != tt.status {
				t.Errorf("exit %d, want %d\nstderr: %s", code, tt.status, stderr)
			}
			all := stdout + stderr
			if tt.status != exitUsage {
				// What the run wrote says it too (repos.parquet and the
				// reports), when it got that far.
				if b, err := os.ReadFile(filepath.Join(out, "report.md")); err == nil {
					all += string(b)
				}
			}
			for _, w := range tt.want {
				if !strings.Contains(all, w) {
					t.Errorf("output lacks %q:\nstdout: %s\nstderr: %s", w, stdout, stderr)
				}
			}
			for _, w := range tt.wantNot {
				if strings.Contains(all, w) {
					t.Errorf("output says %q:\n%s", w, stderr)
				}
			}
		})
	}
}

// "journeys report" before any analysis says which step to run.
func TestReportBeforeAnalyzeSaysWhatToRun(t *testing.T) {
	cfg, out := exampleCommunity(t, "a/b")
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := journeys(t, "report", "--config", cfg, "--out", out)
	if code != exitFailure || !strings.Contains(stderr, "run 'journeys analyze") || strings.Contains(stderr, "no such file") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}

// With --log-format json every line on stderr is a JSON record, the final
// error too, so that a log collector can read the whole stream.
func TestJSONLogsAreAllJSON(t *testing.T) {
	d := fakegithub.Generate(fakegithub.GenerateOptions{Seed: 6, Repos: 1, Issues: 10, Commits: 10})
	ts, _ := fakegithubtest.NewTestServer(t, d, fakegithub.Options{})
	t.Setenv("GITHUB_API_URL", ts.URL+"/")
	t.Setenv("GITHUB_TOKEN", "ghp_jsonLogsTest0123456789")
	cfg, out := exampleCommunity(t, "example-org/project-1", "example-org/missing")
	code, _, stderr := journeys(t, "run", "--config", cfg, "--out", out, "--as-of", "2024-01-31", "--log-format", "json")
	if code != exitFailure {
		t.Errorf("exit %d, want %d (one repository failed)", code, exitFailure)
	}
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	if len(lines) < 2 {
		t.Fatalf("stderr has %d lines:\n%s", len(lines), stderr)
	}
	for i, line := range lines {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Errorf("stderr line %d is not JSON: %q", i+1, line)
		}
	}
	var last map[string]any
	json.Unmarshal([]byte(lines[len(lines)-1]), &last)
	if last["level"] != "ERROR" || !strings.Contains(fmt.Sprint(last["msg"]), "could not be collected") {
		t.Errorf("last record = %v, want the run's error", last)
	}
}

// An analysis date before every event, or after the collection ended, is
// accepted but said, on stderr and in the report.
func TestOddAnalysisDatesAreWarned(t *testing.T) {
	d := fakegithub.Generate(fakegithub.GenerateOptions{Seed: 7, Repos: 1, Issues: 10, Commits: 10})
	ts, _ := fakegithubtest.NewTestServer(t, d, fakegithub.Options{})
	t.Setenv("GITHUB_API_URL", ts.URL+"/")
	t.Setenv("GITHUB_TOKEN", "ghp_asOfTest0123456789")
	for _, tt := range []struct{ asOf, want string }{
		{"2000-01-01", "before every collected event"},
		{"2099-01-01", "after the collection ended"},
	} {
		t.Run(tt.asOf, func(t *testing.T) {
			cfg, out := exampleCommunity(t, "example-org/project-1")
			code, _, stderr := journeys(t, "run", "--config", cfg, "--out", out, "--as-of", tt.asOf)
			if code != exitOK {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			md, _ := os.ReadFile(filepath.Join(out, "report.md"))
			if !strings.Contains(stderr, tt.want) || !strings.Contains(string(md), tt.want) {
				t.Errorf("neither stderr nor report.md says %q:\n%s", tt.want, stderr)
			}
		})
	}
}

// "journeys analyze" with another date rewrites the reports a run left, so
// that no report shows an older analysis date than the tables.
func TestAnalyzeRewritesStaleReports(t *testing.T) {
	d := fakegithub.Generate(fakegithub.GenerateOptions{Seed: 8, Repos: 1, Issues: 10, Commits: 10})
	ts, _ := fakegithubtest.NewTestServer(t, d, fakegithub.Options{})
	t.Setenv("GITHUB_API_URL", ts.URL+"/")
	t.Setenv("GITHUB_TOKEN", "ghp_staleReportTest0123456789")
	cfg, out := exampleCommunity(t, "example-org/project-1")
	if code, _, stderr := journeys(t, "run", "--config", cfg, "--out", out, "--as-of", "2023-06-30", "--quiet"); code != exitOK {
		t.Fatalf("run: exit %d: %s", code, stderr)
	}
	if code, _, stderr := journeys(t, "analyze", "--config", cfg, "--out", out, "--as-of", "2022-12-31", "--quiet"); code != exitOK {
		t.Fatalf("analyze: exit %d: %s", code, stderr)
	}
	for _, name := range []string{"report.md", "report.html"} {
		b, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), "2022-12-31") || strings.Contains(string(b), "2023-06-30") {
			t.Errorf("%s does not show the new analysis date 2022-12-31 alone", name)
		}
	}
}
