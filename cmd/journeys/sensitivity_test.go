package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/journeys-dev/journeys/analyze"
	"github.com/journeys-dev/journeys/internal/fakegithub"
	"github.com/journeys-dev/journeys/internal/fakegithub/fakegithubtest"
	"github.com/journeys-dev/journeys/schema"
)

// analyze --sensitivity writes sensitivity.parquet and the reports' tables;
// the config's sensitivity: section turns it on and sets the values;
// --sensitivity=false, or an analysis without either, removes the table.
func TestSensitivityFlagAndConfig(t *testing.T) {
	d := fakegithub.Generate(fakegithub.GenerateOptions{Seed: 7, Repos: 1, Issues: 60, Commits: 40, Stars: 10, AllContributors: true})
	ts, _ := fakegithubtest.NewTestServer(t, d, fakegithub.Options{})
	t.Setenv("GITHUB_API_URL", ts.URL+"/")
	t.Setenv("GITHUB_TOKEN", "ghp_sensitivityTestToken0123456789")
	cfg, out := exampleCommunity(t, "example-org/project-1")
	if code, _, stderr := journeys(t, "collect", "--config", cfg, "--out", out, "--quiet"); code != exitOK {
		t.Fatalf("collect: exit %d: %s", code, stderr)
	}
	path := filepath.Join(out, schema.Sensitivity.File())
	analyzeWith := func(cfg string, args ...string) {
		t.Helper()
		args = append([]string{"analyze", "--config", cfg, "--out", out, "--as-of", "2024-01-31", "--quiet"}, args...)
		if code, _, stderr := journeys(t, args...); code != exitOK {
			t.Fatalf("journeys %s: exit %d: %s", strings.Join(args, " "), code, stderr)
		}
	}
	variants := func() map[string]bool {
		t.Helper()
		rows := readTable[schema.SensitivityRow](t, out, "sensitivity")
		vs := map[string]bool{}
		for _, r := range rows {
			vs[r.Variant] = true
		}
		return vs
	}
	gone := func(what string) {
		t.Helper()
		if _, err := os.Stat(path); err == nil {
			t.Errorf("%s: sensitivity.parquet is still there", what)
		}
	}

	analyzeWith(cfg)
	gone("no flag, no config")
	analyzeWith(cfg, "--sensitivity")
	vs := variants()
	for _, v := range []string{analyze.BaselineVariant, "networked_items=6", "leadership_merges=2", "count_coauthors=false", "wide_first_contact=false"} {
		if !vs[v] {
			t.Errorf("--sensitivity: no %s rows (have %v)", v, vs)
		}
	}
	if code, _, stderr := journeys(t, "report", "--config", cfg, "--out", out, "--quiet"); code != exitOK {
		t.Fatalf("report: exit %d: %s", code, stderr)
	}
	md, err := os.ReadFile(filepath.Join(out, "report.md"))
	if err != nil || !strings.Contains(string(md), "Sensitivity to the model") {
		t.Errorf("report.md has no sensitivity table (%v)", err)
	}
	analyzeWith(cfg) // rewrites the reports it finds
	gone("an analysis without --sensitivity after one with it")
	if md, err := os.ReadFile(filepath.Join(out, "report.md")); err != nil || strings.Contains(string(md), "Sensitivity to the model") {
		t.Errorf("report.md still shows a sensitivity table (%v)", err)
	}

	withSection := writeFile(t, "with-section.yml", "communities:\n  - name: Example\n    repos: [example-org/project-1]\n"+
		"model:\n  count_coauthors: false\nsensitivity:\n  networked_items: [5, 9]\n  window_days: []\n")
	analyzeWith(withSection)
	vs = variants()
	for v, want := range map[string]bool{"networked_items=5": true, "networked_items=9": true, "networked_items=6": false,
		"window_days=730": false, "count_coauthors=true": true, "count_coauthors=false": false, "sustained_months=2": true} {
		if vs[v] != want {
			t.Errorf("config sensitivity: section: %s rows: %v, want %v", v, vs[v], want)
		}
	}
	analyzeWith(withSection, "--sensitivity=false")
	gone("--sensitivity=false")

	// The partitioned layout has the table when the analysis has it.
	dataset := filepath.Join(out, "sensitivity")
	analyzeWith(cfg, "--sensitivity", "--layout", "partitioned")
	manifest, err := os.ReadFile(filepath.Join(out, "manifest.json"))
	if st, serr := os.Stat(dataset); serr != nil || !st.IsDir() || err != nil || !strings.Contains(string(manifest), `"sensitivity"`) {
		t.Errorf("--layout partitioned --sensitivity: no sensitivity/ dataset in the layout (%v, %v)", serr, err)
	}
	analyzeWith(cfg, "--layout", "partitioned")
	if _, err := os.Stat(dataset); err == nil {
		t.Error("a partitioned layout without the sensitivity analysis kept sensitivity/")
	}
}

// A sensitivity value the rest of the model rules out is a config error,
// with the file, line and key, before anything is collected.
func TestInvalidSensitivityIsAConfigError(t *testing.T) {
	cfg := writeFile(t, "journeys.yml", "communities:\n  - name: A\n    repos: [a/b]\nmodel:\n  dormant_days: 300\nsensitivity:\n  networked_items: [5]\n  active_days: [90, 400]\n")
	notList := writeFile(t, "journeys.yml", "communities:\n  - name: A\n    repos: [a/b]\nsensitivity:\n  networked_items: 5\n")
	for _, tt := range []struct {
		args []string
		want []string
	}{
		{[]string{"run", "--config", cfg}, []string{cfg + ":8: sensitivity.active_days: 400 cannot be tried", "dormant_days 300"}},
		{[]string{"analyze", "--config", cfg, "--sensitivity"}, []string{cfg + ":8: sensitivity.active_days"}},
		{[]string{"collect", "--config", notList}, []string{notList + ":5: sensitivity.networked_items: want a list"}},
	} {
		out := filepath.Join(t.TempDir(), "out")
		code, _, stderr := journeys(t, append(tt.args, "--out", out)...)
		if code != exitUsage {
			t.Errorf("journeys %s: exit %d, want %d; stderr %q", tt.args[0], code, exitUsage, stderr)
		}
		for _, w := range tt.want {
			if !strings.Contains(stderr, w) {
				t.Errorf("journeys %s: stderr %q does not say %q", tt.args[0], stderr, w)
			}
		}
		if entries, _ := os.ReadDir(out); len(entries) > 0 {
			t.Errorf("journeys %s: output written despite the error: %v", tt.args[0], entries)
		}
	}
}
