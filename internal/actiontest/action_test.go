// Package actiontest tests the GitHub Action in action.yml: its definition,
// its step scripts run the way a runner runs them, and whole runs against
// the fake GitHub API, with the collection state carried between runs by a
// stand-in of actions/cache.
package actiontest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/journeys-dev/journeys/config"
	"github.com/journeys-dev/journeys/internal/fakegithub"
	"github.com/journeys-dev/journeys/internal/fakegithub/fakegithubtest"
)

// testToken stands for the workflow's GITHUB_TOKEN; it must appear in no
// output.
const testToken = "ghs_actiontestTOKEN0123456789abcdefXYZ"

var (
	exprRef   = regexp.MustCompile(`\$\{\{(.*?)\}\}`)
	inputsRef = regexp.MustCompile(`\binputs\.([A-Za-z0-9_-]+)`)
	stepsRef  = regexp.MustCompile(`\bsteps\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)`)
	scriptRef = regexp.MustCompile(`^bash "\$\{\{ github\.action_path \}\}/(scripts/action/[a-z-]+\.sh)"$`)
)

func TestActionDefinition(t *testing.T) {
	root := repoRoot(t)
	a := loadAction(t, root)
	raw, err := os.ReadFile(filepath.Join(root, "action.yml"))
	if err != nil {
		t.Fatal(err)
	}

	if a.Name == "" || a.Description == "" {
		t.Error("action.yml needs a name and a description (the Marketplace shows them)")
	}
	if a.Runs.Using != "composite" {
		t.Fatalf("runs.using = %q, want composite", a.Runs.Using)
	}

	// The inputs the issue asks for, with their defaults.
	wantInputs := map[string]struct {
		required bool
		def      *string
	}{
		"config":       {true, nil},
		"token":        {false, ptr("${{ github.token }}")},
		"out":          {false, ptr("journeys-out")},
		"as-of":        {false, ptr("")},
		"pseudonymize": {false, ptr("false")},
		"api":          {false, ptr("auto")},
		"args":         {false, ptr("")},
	}
	for name, want := range wantInputs {
		in, ok := a.Inputs[name]
		if !ok {
			t.Errorf("input %s is missing", name)
			continue
		}
		if in.Description == "" {
			t.Errorf("input %s has no description", name)
		}
		if in.Required != want.required {
			t.Errorf("input %s: required = %v, want %v", name, in.Required, want.required)
		}
		switch {
		case want.def == nil && in.Default != nil:
			t.Errorf("input %s has a default (%q); it should have none", name, *in.Default)
		case want.def != nil && (in.Default == nil || *in.Default != *want.def):
			t.Errorf("input %s: default = %v, want %q", name, in.Default, *want.def)
		}
	}
	for _, name := range []string{"out-dir", "report"} {
		if _, ok := a.Outputs[name]; !ok {
			t.Errorf("output %s is missing", name)
		}
	}

	// Steps: ids unique, run: steps are bash calling a script of
	// scripts/action that exists, uses: steps pinned to a commit (the
	// version in a comment is checked on the raw text below).
	ids := map[string]int{}
	scripts := map[string]string{} // step id -> script text
	for i, st := range a.Runs.Steps {
		if st.Name == "" {
			t.Errorf("step %d has no name (the log shows it)", i+1)
		}
		if st.ID != "" {
			if _, dup := ids[st.ID]; dup {
				t.Errorf("step id %s is used twice", st.ID)
			}
			ids[st.ID] = i
		}
		switch {
		case st.Run != "" && st.Uses != "":
			t.Errorf("step %q has both run: and uses:", st.Name)
		case st.Run != "":
			if st.Shell != "bash" {
				t.Errorf("step %q: shell = %q, want bash", st.Name, st.Shell)
			}
			m := scriptRef.FindStringSubmatch(strings.TrimSpace(st.Run))
			if m == nil {
				t.Errorf("step %q: run: %q should only call a script: bash \"${{ github.action_path }}/scripts/action/NAME.sh\"", st.Name, st.Run)
				continue
			}
			b, err := os.ReadFile(filepath.Join(root, m[1]))
			if err != nil {
				t.Errorf("step %q: %v", st.Name, err)
				continue
			}
			lib, _ := os.ReadFile(filepath.Join(root, "scripts/action/lib.sh"))
			scripts[st.ID] = string(b) + string(lib)
		case st.Uses != "":
			if !regexp.MustCompile(`^[\w.-]+/[\w./-]+@[0-9a-f]{40}$`).MatchString(st.Uses) {
				t.Errorf("step %q: uses %q: pin the action to a full commit SHA", st.Name, st.Uses)
			}
		default:
			t.Errorf("step %q has neither run: nor uses:", st.Name)
		}
	}

	// Every expression names declared inputs, and outputs of earlier steps
	// that their scripts do write.
	checkRefs := func(where string, pos int, text string) {
		for _, e := range exprRef.FindAllStringSubmatch(text, -1) {
			for _, m := range inputsRef.FindAllStringSubmatch(e[1], -1) {
				if _, ok := a.Inputs[m[1]]; !ok {
					t.Errorf("%s: inputs.%s is not a declared input", where, m[1])
				}
			}
			for _, m := range stepsRef.FindAllStringSubmatch(e[1], -1) {
				i, ok := ids[m[1]]
				if !ok {
					t.Errorf("%s: no step has id %s", where, m[1])
					continue
				}
				if i >= pos {
					t.Errorf("%s: step %s runs later; its outputs are not there yet", where, m[1])
				}
				if s, ok := scripts[m[1]]; ok && !strings.Contains(s, "set_output "+m[2]+" ") {
					t.Errorf("%s: steps.%s.outputs.%s: the step's script never writes %s", where, m[1], m[2], m[2])
				}
			}
		}
	}
	for i, st := range a.Runs.Steps {
		where := fmt.Sprintf("step %q", st.Name)
		checkRefs(where, i, st.If)
		checkRefs(where, i, "${{ "+st.If+" }}")
		checkRefs(where, i, st.Run)
		for k, v := range st.Env {
			checkRefs(where+" env "+k, i, v)
		}
		for k, v := range st.With {
			checkRefs(where+" with "+k, i, v)
		}
	}
	for name, out := range a.Outputs {
		if out.Description == "" {
			t.Errorf("output %s has no description", name)
		}
		if !stepsRef.MatchString(out.Value) {
			t.Errorf("output %s: value %q names no step output", name, out.Value)
		}
		checkRefs("output "+name, len(a.Runs.Steps), out.Value)
	}

	// The token goes to journeys through the environment only: never on a
	// command line, never into with: of another action.
	checkPinned(t, filepath.Join(root, "action.yml"))

	tokenSteps := map[string]bool{}
	for _, st := range a.Runs.Steps {
		if strings.Contains(st.Env["GITHUB_TOKEN"], "inputs.token") {
			tokenSteps[st.ID] = true
		}
		if strings.Contains(st.Run, "inputs.token") || strings.Contains(st.Run, "github.token") {
			t.Errorf("step %q puts the token in its script", st.Name)
		}
		for k, v := range st.With {
			if strings.Contains(v, "token") {
				t.Errorf("step %q hands the token to %s (with %s)", st.Name, st.Uses, k)
			}
		}
		for k, v := range st.Env {
			if strings.Contains(v, "inputs.token") && k != "GITHUB_TOKEN" {
				t.Errorf("step %q: the token goes in GITHUB_TOKEN, not %s", st.Name, k)
			}
		}
	}
	// Two steps get it: the install step, to look up the release, and the
	// run step.
	if n := bytes.Count(raw, []byte("inputs.token")); n != 2 || !tokenSteps["install"] || !tokenSteps["run"] {
		t.Errorf("inputs.token appears %d times in action.yml (steps %v), want twice: the install and run steps' GITHUB_TOKEN", n, tokenSteps)
	}

	// The state cache: restored before the run, saved after it even when
	// it failed, under a key unique to the run with restore-keys.
	var restore, save *actionStep
	for i := range a.Runs.Steps {
		st := &a.Runs.Steps[i]
		switch {
		case strings.HasPrefix(st.Uses, "actions/cache/restore@"):
			restore = st
		case strings.HasPrefix(st.Uses, "actions/cache/save@"):
			save = st
		}
	}
	if restore == nil || save == nil {
		t.Fatal("the state must be restored with actions/cache/restore and saved with actions/cache/save")
	}
	if !strings.Contains(restore.With["key"], "github.run_id") || restore.With["restore-keys"] == "" {
		t.Errorf("restore: key %q should be unique to the run, with restore-keys %q", restore.With["key"], restore.With["restore-keys"])
	}
	if save.With["key"] != restore.With["key"] || save.With["path"] != restore.With["path"] {
		t.Error("save and restore should use the same key and path")
	}
	if !strings.Contains(save.If, "always()") {
		t.Errorf("save: if: %q should hold after a failed run too (always())", save.If)
	}
}

func ptr(s string) *string { return &s }

func TestActionScriptsPassShellcheck(t *testing.T) {
	sc, err := exec.LookPath("shellcheck")
	if err != nil {
		t.Skip("shellcheck is not installed")
	}
	root := repoRoot(t)
	files, _ := filepath.Glob(filepath.Join(root, "scripts/action/*.sh"))
	if len(files) == 0 {
		t.Fatal("no scripts in scripts/action")
	}
	files = append(files, filepath.Join(root, "scripts/release-build.sh"))
	cmd := exec.Command(sc, append([]string{"-x"}, files...)...)
	cmd.Dir = filepath.Join(root, "scripts/action")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("shellcheck: %v\n%s", err, out)
	}
}

// stubJourneys is a stand-in for the journeys binary that records how it was
// called and exits with $STUB_EXIT, writing a report when $STUB_REPORT is 1.
// It keeps only a hash of the token.
const stubJourneys = `#!/usr/bin/env bash
set -euo pipefail
if [[ ${1:-} == version ]]; then echo "journeys v0.0.0-stub"; exit 0; fi
rec=${STUB_RECORD:?}
printf '%s\n' "$@" >"$rec/argv"
printf '%s' "${GITHUB_TOKEN:-}" | sha256sum | cut -c1-64 >"$rec/token.sha256"
printf '%s' "${JOURNEYS_PSEUDONYM_KEY:-}" >"$rec/pseudonym-key"
pwd >"$rec/cwd"
out=journeys-out
while (($#)); do
	case $1 in --out) out=$2; shift ;; esac
	shift
done
mkdir -p "$out/.state"
echo '{"version":1}' >"$out/.state/example-org_project-1.json"
if [[ -n ${STUB_REPORT_FILE:-} ]]; then
	cp "$STUB_REPORT_FILE" "$out/report.md"
elif [[ ${STUB_REPORT:-0} == 1 ]]; then
	printf '# Contributor journeys\n\nExample: 12 contributors\n' >"$out/report.md"
fi
if [[ ${STUB_REPORT:-0} == 1 ]]; then
	echo '<!doctype html><title>report</title>' >"$out/report.html"
fi
echo "stub journeys: collecting" >&2
exit "${STUB_EXIT:-0}"
`

// writeStub writes the stub to dir and returns its path.
func writeStub(t *testing.T, dir string) string {
	t.Helper()
	p := filepath.Join(dir, "journeys")
	if err := os.WriteFile(p, []byte(stubJourneys), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

func writeConfig(t *testing.T, workspace, name string, repos ...string) {
	t.Helper()
	var b strings.Builder
	b.WriteString("communities:\n  - name: Example\n    repos:\n")
	for _, r := range repos {
		fmt.Fprintf(&b, "      - %s\n", r)
	}
	p := filepath.Join(workspace, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

func sha256Hex(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// checkNoToken fails the test when the token shows in the log, the summary,
// the step files or any file the runs left.
func checkNoToken(t *testing.T, res *actionResult, dirs ...string) {
	t.Helper()
	if strings.Contains(res.log, testToken) {
		t.Error("the token appears in the log")
	}
	if strings.Contains(res.summary, testToken) {
		t.Error("the token appears in the job summary")
	}
	for name, text := range res.files {
		if strings.Contains(text, testToken) {
			t.Errorf("the token appears in %s", name)
		}
	}
	if found := findSecret(t, testToken, dirs...); len(found) > 0 {
		t.Errorf("the token appears in files: %v", found)
	}
}

func logOnFailure(t *testing.T, res *actionResult) {
	t.Helper()
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("action log:\n%s\njob summary:\n%s", res.log, res.summary)
		}
	})
}

// TestRunStep runs the whole action with a stub journeys (the install step
// stands in for finding it), so the exit statuses' handling, the summary, the
// outputs and the cache are tested apart from the pipeline.
func TestRunStep(t *testing.T) {
	root := repoRoot(t)
	tests := []struct {
		name       string
		inputs     map[string]string
		env        map[string]string // the caller's step env
		exit       int
		report     bool
		wantFailed bool
		wantStatus string
		wantLog    []string // substrings of the log
		wantArgs   []string // argv after "run", in order
		wantReport bool
		wantSaved  bool
	}{
		{
			name:       "success",
			exit:       0,
			report:     true,
			wantStatus: "ok",
			wantArgs:   []string{"run", "--config", "journeys.yml", "--out", "@WS@/journeys-out", "--max-wait", "15m"},
			wantReport: true,
			wantSaved:  true,
		},
		{
			name: "inputs become flags; args come last and override",
			inputs: map[string]string{
				"config": "cfg/communities.yml", "out": "reports/", "as-of": "2024-06-30",
				"pseudonymize": "True", "args": "--concurrency 4\n--max-wait 1h",
			},
			env:        map[string]string{"JOURNEYS_PSEUDONYM_KEY": "k3y"},
			exit:       0,
			report:     true,
			wantStatus: "ok",
			wantArgs: []string{"run", "--config", "cfg/communities.yml", "--out", "@WS@/reports", "--max-wait", "15m",
				"--as-of", "2024-06-30", "--pseudonymize", "--concurrency", "4", "--max-wait", "1h"},
			wantReport: true,
			wantSaved:  true,
		},
		{
			name:       "quota ran short: success with a warning",
			exit:       75,
			wantStatus: "quota",
			wantLog:    []string{"::warning title=journeys::GitHub's quota ran short"},
			wantSaved:  true,
		},
		{
			name:       "some repositories failed: the report is kept, the step fails",
			exit:       1,
			report:     true,
			wantFailed: true,
			wantStatus: "failed",
			wantLog:    []string{"::error title=journeys::journeys run failed (exit status 1)"},
			wantReport: true,
			wantSaved:  true,
		},
		{
			name:       "bad config",
			exit:       2,
			wantFailed: true,
			wantStatus: "usage",
			wantLog:    []string{"::error title=journeys::journeys run stopped on a bad config"},
			wantSaved:  true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cache := &fakeCache{dir: t.TempDir()}
			r := newActionRun(t, root, cache)
			r.github["token"] = testToken
			record := t.TempDir()
			stub := writeStub(t, t.TempDir())
			r.fake["install"] = map[string]string{"bin": stub}
			r.inputs = map[string]string{"config": "journeys.yml"}
			for k, v := range tt.inputs {
				r.inputs[k] = v
			}
			writeConfig(t, r.workspace, r.inputs["config"], "example-org/project-1")
			r.env = map[string]string{"STUB_RECORD": record, "STUB_EXIT": fmt.Sprint(tt.exit)}
			if tt.report {
				r.env["STUB_REPORT"] = "1"
			}
			for k, v := range tt.env {
				r.env[k] = v
			}

			res := r.run()
			logOnFailure(t, res)

			if res.failed != tt.wantFailed {
				t.Errorf("action failed = %v, want %v", res.failed, tt.wantFailed)
			}
			if slices.Contains(res.ran, "Set up Go") || slices.Contains(res.ran, "Build journeys") {
				t.Errorf("with a prebuilt journeys the action still set up Go or built: ran %v", res.ran)
			}
			if got := res.outputs["status"]; got != tt.wantStatus {
				t.Errorf("status = %q, want %q", got, tt.wantStatus)
			}
			for _, s := range tt.wantLog {
				if !strings.Contains(res.log, s) {
					t.Errorf("log lacks %q", s)
				}
			}

			argv, err := os.ReadFile(filepath.Join(record, "argv"))
			if err != nil {
				t.Fatalf("journeys was not run: %v", err)
			}
			if tt.wantArgs != nil {
				var want []string
				for _, a := range tt.wantArgs {
					want = append(want, strings.ReplaceAll(a, "@WS@", r.workspace))
				}
				if got := strings.Split(strings.TrimSuffix(string(argv), "\n"), "\n"); !slices.Equal(got, want) {
					t.Errorf("journeys ran with\n%q\nwant\n%q", got, want)
				}
			}
			if cwd, _ := os.ReadFile(filepath.Join(record, "cwd")); strings.TrimSpace(string(cwd)) != r.workspace {
				t.Errorf("journeys ran in %s, want the workspace %s", cwd, r.workspace)
			}
			if got, _ := os.ReadFile(filepath.Join(record, "token.sha256")); strings.TrimSpace(string(got)) != sha256Hex(testToken) {
				t.Error("journeys did not get github.token in GITHUB_TOKEN")
			}
			if want := tt.env["JOURNEYS_PSEUDONYM_KEY"]; want != "" {
				if got, _ := os.ReadFile(filepath.Join(record, "pseudonym-key")); string(got) != want {
					t.Errorf("JOURNEYS_PSEUDONYM_KEY reached journeys as %q, want %q", got, want)
				}
			}

			out := res.outputs["out-dir"]
			if !filepath.IsAbs(out) || !strings.HasPrefix(out, r.workspace) {
				t.Errorf("out-dir = %q, want an absolute path in the workspace", out)
			}
			if tt.wantReport {
				if res.outputs["report"] != filepath.Join(out, "report.md") || res.outputs["report-html"] != filepath.Join(out, "report.html") {
					t.Errorf("report outputs = %q, %q", res.outputs["report"], res.outputs["report-html"])
				}
				if !strings.Contains(res.summary, "# Contributor journeys\n\nExample: 12 contributors\n") {
					t.Errorf("the job summary lacks report.md:\n%s", res.summary)
				}
			} else if res.outputs["report"] != "" {
				t.Errorf("report = %q, want empty: the run wrote none", res.outputs["report"])
			}
			switch tt.wantStatus {
			case "quota":
				if !strings.Contains(res.summary, "the next run continues") {
					t.Errorf("the summary does not say the next run continues:\n%s", res.summary)
				}
			case "failed", "usage":
				if !strings.Contains(res.summary, fmt.Sprintf("exit status %d", tt.exit)) {
					t.Errorf("the summary does not tell of the failure:\n%s", res.summary)
				}
			}

			saved := len(cache.entries) == 1
			if saved != tt.wantSaved {
				t.Errorf("state saved = %v, want %v (log above)", saved, tt.wantSaved)
			}
			if saved && !strings.HasPrefix(cache.entries[0].key, "journeys-state-v1-"+runnerOS()+"-") {
				t.Errorf("cache key %q", cache.entries[0].key)
			}
			checkNoToken(t, res, r.workspace, r.temp, cache.dir)
		})
	}
}

func TestSummaryIsCutBelowGitHubsLimit(t *testing.T) {
	root := repoRoot(t)
	cache := &fakeCache{dir: t.TempDir()}
	r := newActionRun(t, root, cache)
	r.fake["install"] = map[string]string{"bin": writeStub(t, t.TempDir())}
	r.inputs = map[string]string{"config": "journeys.yml"}
	writeConfig(t, r.workspace, "journeys.yml", "example-org/project-1")
	line := strings.Repeat("x", 99) // with its newline, 100 bytes
	big := filepath.Join(t.TempDir(), "report.md")
	if err := os.WriteFile(big, []byte(strings.Repeat(line+"\n", 12000)), 0o644); err != nil {
		t.Fatal(err)
	}
	r.env = map[string]string{"STUB_RECORD": t.TempDir(), "STUB_REPORT": "1", "STUB_REPORT_FILE": big}

	res := r.run()
	logOnFailure(t, res)
	if res.failed {
		t.Fatal("the action failed")
	}
	if n := len(res.summary); n > 1<<20 || n < 900000 {
		t.Errorf("summary is %d bytes, want just under GitHub's 1 MiB", n)
	}
	if !strings.Contains(res.summary, "The report is longer than a job summary may be") {
		t.Error("the cut summary does not say so")
	}
	if !strings.Contains(res.summary, "\n"+line+"\n\n") {
		t.Error("the summary was cut inside a line")
	}
}

// TestBadInputsStopBeforeBuilding: mistakes in the inputs end the action in
// its first step, before Go is set up or anything is built or run.
func TestBadInputsStopBeforeBuilding(t *testing.T) {
	root := repoRoot(t)
	tests := []struct {
		name    string
		inputs  map[string]string
		wantLog string
	}{
		{"config missing", map[string]string{"config": "nope.yml"}, "config file 'nope.yml' not found"},
		{"config empty", map[string]string{"config": ""}, "the config input is required"},
		{"as-of not a date", map[string]string{"as-of": "30/06/2024"}, "as-of '30/06/2024' is not a date"},
		{"pseudonymize not a boolean", map[string]string{"pseudonymize": "yes"}, "pseudonymize must be true or false"},
		{"args moves the output", map[string]string{"args": "--quiet --out=elsewhere"}, "args must not set '--out=elsewhere'"},
		{"args moves the state", map[string]string{"args": "--state /tmp/s"}, "args must not set '--state'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := newActionRun(t, root, &fakeCache{dir: t.TempDir()})
			writeConfig(t, r.workspace, "journeys.yml", "example-org/project-1")
			r.inputs = map[string]string{"config": "journeys.yml"}
			for k, v := range tt.inputs {
				r.inputs[k] = v
			}
			res := r.run()
			logOnFailure(t, res)
			if !res.failed {
				t.Fatal("the action succeeded")
			}
			if !slices.Equal(res.ran, []string{"Check the inputs"}) {
				t.Errorf("steps that ran: %v, want only the input check", res.ran)
			}
			if !strings.Contains(res.log, "::error title=journeys::") || !strings.Contains(res.log, tt.wantLog) {
				t.Errorf("log lacks an error annotation with %q", tt.wantLog)
			}
		})
	}
}

// community is the fake GitHub's data for the end-to-end runs: two small
// repositories with every kind of activity.
func community() *fakegithub.Data {
	return fakegithub.Generate(fakegithub.GenerateOptions{
		Seed: 11, Repos: 2, People: 16, Issues: 16, Commits: 20, Stars: 12, Forks: 3, Months: 12,
		AllContributors: true,
	})
}

var buildOnce sync.Mutex

// runAction runs the action for real against the fake API at apiURL, as a
// new runner would: it builds journeys from source in a fresh RUNNER_TEMP.
// With bin set, the build step is stood in for by that binary.
func runAction(t *testing.T, cache *fakeCache, apiURL, runID, bin string, inputs map[string]string) (*actionRun, *actionResult) {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("go is not on PATH")
	}
	r := newActionRun(t, repoRoot(t), cache)
	r.github["api_url"] = strings.TrimSuffix(apiURL, "/")
	r.github["run_id"] = runID
	r.github["token"] = testToken
	r.inputs = map[string]string{"config": ".github/journeys.yml", "as-of": "2022-01-31"}
	for k, v := range inputs {
		r.inputs[k] = v
	}
	writeConfig(t, r.workspace, r.inputs["config"], "example-org/project-1", "example-org/project-2")
	if bin != "" {
		r.fake["build"] = map[string]string{"bin": bin}
	}
	buildOnce.Lock() // one go build at a time
	defer buildOnce.Unlock()
	res := r.run()
	logOnFailure(t, res)
	return r, res
}

func TestActionAgainstFakeGitHub(t *testing.T) {
	if testing.Short() {
		t.Skip("builds journeys and runs the whole pipeline")
	}
	ts, srv := fakegithubtest.NewTestServer(t, community(), fakegithub.Options{Tokens: []string{testToken}})
	cache := &fakeCache{dir: t.TempDir()}

	// The first run collects everything.
	r1, res1 := runAction(t, cache, ts.URL, "2001", "", nil)
	if res1.failed || res1.outputs["status"] != "ok" {
		t.Fatalf("first run: failed %v, status %q", res1.failed, res1.outputs["status"])
	}
	first := srv.Stats()
	if !slices.Contains(res1.ran, "Build journeys") {
		t.Errorf("the first run did not build journeys: %v", res1.ran)
	}
	out := res1.outputs["out-dir"]
	if out != filepath.Join(r1.workspace, "journeys-out") {
		t.Errorf("out-dir = %q", out)
	}
	for _, name := range []string{"report.md", "report.html", "collection.json", "analysis.json", "events.parquet"} {
		if _, err := os.Stat(filepath.Join(out, name)); err != nil {
			t.Errorf("the output lacks %s: %v", name, err)
		}
	}
	report, err := os.ReadFile(res1.outputs["report"])
	if err != nil {
		t.Fatalf("report output: %v", err)
	}
	if len(report) == 0 || !strings.Contains(res1.summary, string(report)) {
		t.Errorf("the job summary does not hold report.md (%d bytes)", len(report))
	}
	if len(cache.entries) != 1 {
		t.Fatalf("%d cache entries after the first run, want 1", len(cache.entries))
	}
	checkNoToken(t, res1, r1.workspace, r1.temp, cache.dir)

	// A week later, on a new runner: the state comes from the cache and
	// the run asks only for what changed, which is nothing here.
	r2, res2 := runAction(t, cache, ts.URL, "2002", "", nil)
	if res2.failed || res2.outputs["status"] != "ok" {
		t.Fatalf("second run: failed %v, status %q", res2.failed, res2.outputs["status"])
	}
	second := srv.Stats()
	if !strings.Contains(res2.log, "Cache restored from key: "+cache.entries[0].key) {
		t.Errorf("the second run did not restore the first run's state")
	}
	counted1, counted2 := first.Counted, second.Counted-first.Counted
	t.Logf("requests counted against the quota: first run %d, second run %d (304s: %d)", counted1, counted2, second.NotModified-first.NotModified)
	if counted2*4 > counted1 {
		t.Errorf("the second run cost %d requests against the first's %d; with the state restored it should cost a fraction", counted2, counted1)
	}
	if second.NotModified == first.NotModified {
		t.Error("the second run made no conditional request answered 304")
	}
	if len(cache.entries) != 2 {
		t.Errorf("%d cache entries after two runs, want 2", len(cache.entries))
	}
	report2, err := os.ReadFile(res2.outputs["report"])
	if err != nil || len(report2) == 0 {
		t.Errorf("the second run's report: %v", err)
	}
	checkNoToken(t, res2, r2.workspace, r2.temp, cache.dir)
}

// TestQuotaRunsShort: when the quota runs out the step succeeds with a
// warning and saves the checkpoint; the next runs, after the quota reset,
// continue until the collection is complete. The fake's quota of 25 requests
// lasts two seconds, less than a run takes, so each run starts with a fresh
// quota as a weekly run does, and the collection (38 requests) needs more
// than one.
func TestQuotaRunsShort(t *testing.T) {
	if testing.Short() {
		t.Skip("builds journeys and runs the whole pipeline")
	}
	ts, srv := fakegithubtest.NewTestServer(t, community(), fakegithub.Options{
		Tokens: []string{testToken}, Quota: 25, RateWindow: 2 * time.Second,
	})
	cache := &fakeCache{dir: t.TempDir()}
	// On the REST route: GraphQL would collect this within the quota.
	inputs := map[string]string{"args": "--max-wait 0s --concurrency 2", "api": "rest"}

	var statuses []string
	bin := "" // the first run builds journeys; the next ones reuse it
	for i := range 10 {
		r, res := runAction(t, cache, ts.URL, fmt.Sprint(3001+i), bin, inputs)
		if bin == "" {
			bin = filepath.Join(t.TempDir(), "journeys")
			copyTree(t, filepath.Dir(res.steps["build"]["bin"]), filepath.Dir(bin))
			if err := os.Chmod(bin, 0o755); err != nil {
				t.Fatal(err)
			}
		}
		status := res.outputs["status"]
		statuses = append(statuses, status)
		if res.failed {
			t.Fatalf("run %d failed (statuses so far %v)", i+1, statuses)
		}
		checkNoToken(t, res, r.workspace, r.temp, cache.dir)
		if status == "ok" {
			break
		}
		if status != "quota" {
			t.Fatalf("run %d: status %q, want quota or ok", i+1, status)
		}
		if !strings.Contains(res.log, "::warning title=journeys::GitHub's quota ran short") {
			t.Errorf("run %d: no warning annotation", i+1)
		}
		if res.steps["run"]["state-exists"] != "true" || len(cache.entries) != i+1 {
			t.Fatalf("run %d: the checkpoint was not cached (%d entries)", i+1, len(cache.entries))
		}
		time.Sleep(2 * time.Second) // the quota resets
	}
	t.Logf("statuses: %v; requests counted %d, rate-limited answers %d", statuses, srv.Stats().Counted, srv.Stats().RateLimited)
	if statuses[0] != "quota" {
		t.Errorf("the first run was not stopped by the quota of 25 requests: %v", statuses)
	}
	if statuses[len(statuses)-1] != "ok" {
		t.Errorf("the runs never completed the collection: %v", statuses)
	}
}

// TestExamples checks the example workflow and configs.
func TestExamples(t *testing.T) {
	root := repoRoot(t)

	t.Run("workflow", func(t *testing.T) {
		p := filepath.Join(root, "examples/workflows/journeys.yml")
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var wf struct {
			On struct {
				Schedule         []map[string]string `yaml:"schedule"`
				WorkflowDispatch *yaml.Node          `yaml:"workflow_dispatch"`
			} `yaml:"on"`
			Permissions map[string]string `yaml:"permissions"`
			Jobs        map[string]struct {
				Permissions map[string]string `yaml:"permissions"`
				Steps       []struct {
					Uses string            `yaml:"uses"`
					ID   string            `yaml:"id"`
					With map[string]string `yaml:"with"`
				} `yaml:"steps"`
			} `yaml:"jobs"`
		}
		if err := yaml.Unmarshal(data, &wf); err != nil {
			t.Fatal(err)
		}
		if len(wf.On.Schedule) == 0 || wf.On.Schedule[0]["cron"] == "" || wf.On.WorkflowDispatch == nil {
			t.Error("the workflow should run on a schedule and on workflow_dispatch")
		}
		if len(wf.Permissions) != 1 || wf.Permissions["contents"] != "read" {
			t.Errorf("workflow permissions = %v, want contents: read only", wf.Permissions)
		}
		var usesAction, uploads bool
		for name, job := range wf.Jobs {
			for k, v := range job.Permissions {
				if v == "write" && (name != "publish" || k != "contents") {
					t.Errorf("job %s asks for %s: write", name, k)
				}
			}
			for _, st := range job.Steps {
				if strings.HasPrefix(st.Uses, "journeys-dev/journeys@") {
					usesAction = true
					if st.With["config"] == "" {
						t.Error("the journeys step has no config")
					}
					if job.Permissions != nil {
						t.Error("the job running journeys should keep the read-only permissions")
					}
				}
				if strings.HasPrefix(st.Uses, "actions/upload-artifact@") {
					uploads = strings.Contains(st.With["path"], "*.parquet") && strings.Contains(st.With["path"], "report.html")
				}
			}
		}
		if !usesAction || !uploads {
			t.Errorf("the workflow should use the action (%v) and upload the Parquet tables and report.html (%v)", usesAction, uploads)
		}
		checkPinned(t, p)

		lint, err := exec.LookPath("actionlint")
		if err != nil {
			t.Skip("actionlint is not installed")
		}
		if out, err := exec.Command(lint, p).CombinedOutput(); err != nil {
			t.Errorf("actionlint: %v\n%s", err, out)
		}
	})

	t.Run("configs", func(t *testing.T) {
		want := map[string]string{
			"the-turing-way.yml":   "the-turing-way/the-turing-way",
			"bigscience.yml":       "bigscience-workshop/promptsource",
			"mozilla-festival.yml": "MozillaFestival/",
		}
		for file, repo := range want {
			p := filepath.Join(root, "examples", file)
			cfg, err := config.ReadFile(p)
			if err != nil {
				t.Errorf("%s: %v", file, err)
				continue
			}
			if len(cfg.Communities) != 1 || len(cfg.Communities[0].Repos) == 0 {
				t.Errorf("%s: want one community with repositories, got %+v", file, cfg.Communities)
				continue
			}
			found := false
			for _, r := range cfg.Communities[0].Repos {
				found = found || strings.HasPrefix(r, repo)
			}
			if !found {
				t.Errorf("%s lists no %s repository", file, repo)
			}
			// Only the two keys of the config format's core.
			data, _ := os.ReadFile(p)
			var raw map[string][]map[string]any
			if err := yaml.Unmarshal(data, &raw); err != nil {
				t.Errorf("%s: %v", file, err)
				continue
			}
			for k := range raw {
				if k != "communities" {
					t.Errorf("%s: top-level key %s", file, k)
				}
			}
			for _, c := range raw["communities"] {
				for k := range c {
					if k != "name" && k != "repos" {
						t.Errorf("%s: community key %s", file, k)
					}
				}
			}
		}
	})
}
