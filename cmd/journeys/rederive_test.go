package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/journeys-dev/journeys/internal/fakegithub"
	"github.com/journeys-dev/journeys/internal/fakegithub/fakegithubtest"
)

// analyze --rederive derives events.parquet again from the raw tables of
// the folder, and gives the events the collection wrote; a folder whose
// people were left out is refused, saying what to do.
func TestAnalyzeRederive(t *testing.T) {
	d := fakegithub.Generate(fakegithub.GenerateOptions{Seed: 5, Repos: 1, Issues: 20, Commits: 10})
	ts, _ := fakegithubtest.NewTestServer(t, d, fakegithub.Options{})
	t.Setenv("GITHUB_TOKEN", "ghp_rederiveTestToken0123456789abcd")
	cfg, out := exampleCommunity(t, "example-org/project-1")
	if code, _, stderr := journeys(t, "collect", "--config", cfg, "--out", out, "--api-url", ts.URL+"/", "--quiet"); code != exitOK {
		t.Fatalf("collect: exit %d: %s", code, stderr)
	}
	path := filepath.Join(out, "events.parquet")
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := journeys(t, "analyze", "--config", cfg, "--out", out, "--as-of", "2023-06-30", "--rederive", "--quiet"); code != exitOK {
		t.Fatalf("analyze --rederive: exit %d: %s", code, stderr)
	}
	if got, err := os.ReadFile(path); err != nil || !bytes.Equal(got, want) {
		t.Errorf("events.parquet derived again differs from the collected one (%v)", err)
	}
	if code, _, stderr := journeys(t, "run", "--config", cfg, "--out", out, "--rederive", "--quiet"); code != exitUsage {
		t.Errorf("run --rederive: exit %d, want %d (usage): %s", code, exitUsage, stderr)
	}

	exclude := writeFile(t, "exclude.txt", "someone\n")
	if code, _, stderr := journeys(t, "analyze", "--config", cfg, "--out", out, "--as-of", "2023-06-30", "--exclude-file", exclude, "--quiet"); code != exitOK {
		t.Fatalf("analyze --exclude-file: exit %d: %s", code, stderr)
	}
	code, _, stderr := journeys(t, "analyze", "--config", cfg, "--out", out, "--as-of", "2023-06-30", "--rederive", "--quiet")
	if code != exitFailure || !strings.Contains(stderr, "people were left out") || !strings.Contains(stderr, "collect again") {
		t.Errorf("analyze --rederive after leaving people out: exit %d, stderr:\n%s", code, stderr)
	}
}
