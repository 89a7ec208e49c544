package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/journeys-dev/journeys/collect"
)

// journeys runs the command line in-process and returns its exit status,
// stdout and stderr.
func journeys(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := Main(context.Background(), args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestHelpOnEveryCommand(t *testing.T) {
	for _, cmd := range [][]string{{}, {"run"}, {"collect"}, {"analyze"}, {"report"}, {"demo"}, {"version"}} {
		args := append(append([]string{}, cmd...), "--help")
		code, out, errOut := journeys(t, args...)
		if code != 0 || !strings.Contains(out, "Usage:") {
			t.Errorf("journeys %v: exit %d, stdout %q, stderr %q", args, code, out, errOut)
		}
	}
}

func TestVersion(t *testing.T) {
	code, out, _ := journeys(t, "version")
	if code != 0 || !strings.HasPrefix(out, "journeys ") || strings.TrimSpace(out) == "journeys devel" {
		t.Errorf("version: exit %d, %q", code, out)
	}
	code, flagOut, _ := journeys(t, "--version")
	if code != 0 || flagOut != out {
		t.Errorf("--version: exit %d, %q; want %q as the version command prints", code, flagOut, out)
	}
}

func TestUsageErrorsExit2AndCollectNothing(t *testing.T) {
	badKey := writeFile(t, "journeys.yml", "communities:\n  - name: A\n    repos: [a/b]\n    branch: main\n")
	badRepo := writeFile(t, "journeys.yml", "communities:\n  - name: A\n    repos: [a-b]\n")
	dupName := writeFile(t, "journeys.yml", "communities:\n  - name: A\n    repos: [a/b]\n  - name: A\n    repos: [c/d]\n")
	good := writeFile(t, "journeys.yml", "communities:\n  - name: A\n    repos: [a/b]\n")
	tests := []struct {
		name    string
		args    []string
		wantErr []string
	}{
		{"no config", []string{"run"}, []string{"--config is required"}},
		{"unknown key", []string{"run", "--config", badKey}, []string{badKey + ":4", "communities[0].branch", "unknown key"}},
		{"bad repo", []string{"collect", "--config", badRepo}, []string{badRepo + ":3", "communities[0].repos[0]", "owner/name"}},
		{"duplicate name", []string{"analyze", "--config", dupName}, []string{dupName + ":4", "communities[1].name", "duplicate"}},
		{"missing file", []string{"run", "--config", filepath.Join(t.TempDir(), "nope.yml")}, []string{"nope.yml"}},
		{"bad date", []string{"run", "--config", good, "--as-of", "2021-13-01"}, []string{"--as-of", "YYYY-MM-DD"}},
		{"unknown flag", []string{"run", "--confg", good}, []string{"unknown flag"}},
		{"bad concurrency", []string{"collect", "--config", good, "--concurrency", "500"}, []string{"--concurrency"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			code, _, errOut := journeys(t, append(tt.args, "--out", out)...)
			if code != exitUsage {
				t.Errorf("exit %d, want %d; stderr %q", code, exitUsage, errOut)
			}
			for _, want := range tt.wantErr {
				if !strings.Contains(errOut, want) {
					t.Errorf("stderr %q does not mention %q", errOut, want)
				}
			}
			if entries, _ := os.ReadDir(out); len(entries) > 0 {
				t.Errorf("output written despite the error: %v", entries)
			}
		})
	}
}

func TestAnalyzeWithoutCollectionSaysWhatToDo(t *testing.T) {
	cfg := writeFile(t, "journeys.yml", "communities:\n  - name: A\n    repos: [a/b]\n")
	code, _, errOut := journeys(t, "analyze", "--config", cfg, "--out", t.TempDir())
	if code != exitFailure || !strings.Contains(errOut, "journeys collect") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}

// TestFailuresSayWhatToDo: errors from the system end with a status and a
// line that tells the user what to do next.
func TestFailuresSayWhatToDo(t *testing.T) {
	out := filepath.Join("journeys-out", "events.parquet")
	tests := []struct {
		name   string
		err    error
		status int
		hint   string
		terse  bool // the hint says it all; the error itself is not shown
	}{
		{"full disk", fmt.Errorf("write tables: %w", &os.PathError{Op: "write", Path: out, Err: syscall.ENOSPC}), exitFailure, "The disk is full", false},
		{"disk quota", fmt.Errorf("write tables: %w", &os.PathError{Op: "write", Path: out, Err: syscall.EDQUOT}), exitFailure, "The disk is full", false},
		{"read-only folder", fmt.Errorf("create output folder: %w", &os.PathError{Op: "mkdir", Path: "journeys-out", Err: syscall.EACCES}), exitFailure, "fix its permissions", false},
		{"interrupted", fmt.Errorf("list issues of a/b: %w", context.Canceled), exitInterrupted, "the next run continues from the last checkpoint", true},
		{"bad flag", &usageError{errors.New("unknown flag: --nope")}, exitUsage, "unknown flag", false},
		// The run's own request cap: the quota is not the reason to wait.
		{"request cap", &collect.QuotaError{MaxRequests: 100, Limit: 5000, Used: 100}, exitTempFail, "run the same command again to continue", false},
		{"quota", &collect.QuotaError{Limit: 5000, Used: 5000, Reset: time.Now().Add(time.Hour)}, exitTempFail, "after the quota resets", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr bytes.Buffer
			g := &globals{stderr: &stderr}
			if got := g.exitStatus(tt.err); got != tt.status {
				t.Errorf("exit status %d, want %d", got, tt.status)
			}
			if msg := stderr.String(); !strings.Contains(msg, tt.hint) || !tt.terse && !strings.Contains(msg, tt.err.Error()) {
				t.Errorf("message %q lacks the error or %q", msg, tt.hint)
			}
			if msg := stderr.String(); tt.name == "request cap" && strings.Contains(msg, "resets") {
				t.Errorf("a request cap says to wait for the quota reset: %q", msg)
			}
		})
	}
}
