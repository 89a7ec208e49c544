package actiontest

import (
	"bufio"
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// This file runs the composite action in action.yml the way a GitHub runner
// does: each run: step's script goes to a file executed with
// "bash --noprofile --norc -eo pipefail FILE" in the workspace, with the
// runner's GITHUB_* and RUNNER_* variables, a fresh GITHUB_OUTPUT,
// GITHUB_STEP_SUMMARY and GITHUB_ENV per step, the step's env: evaluated,
// and if: conditions honoured. The uses: steps are stood in for: setup-go
// checks its inputs (Go is already installed), and actions/cache/restore and
// save copy folders to and from a cache folder kept across runs, matching
// keys and restore-keys as GitHub's cache service does.

// actionFile is action.yml.
type actionFile struct {
	Name        string                  `yaml:"name"`
	Description string                  `yaml:"description"`
	Author      string                  `yaml:"author"`
	Branding    map[string]string       `yaml:"branding"`
	Inputs      map[string]actionInput  `yaml:"inputs"`
	Outputs     map[string]actionOutput `yaml:"outputs"`
	Runs        struct {
		Using string       `yaml:"using"`
		Steps []actionStep `yaml:"steps"`
	} `yaml:"runs"`
}

type actionInput struct {
	Description        string  `yaml:"description"`
	Required           bool    `yaml:"required"`
	Default            *string `yaml:"default"`
	DeprecationMessage string  `yaml:"deprecationMessage"`
}

type actionOutput struct {
	Description string `yaml:"description"`
	Value       string `yaml:"value"`
}

type actionStep struct {
	Name             string            `yaml:"name"`
	ID               string            `yaml:"id"`
	If               string            `yaml:"if"`
	Shell            string            `yaml:"shell"`
	Run              string            `yaml:"run"`
	Uses             string            `yaml:"uses"`
	With             map[string]string `yaml:"with"`
	Env              map[string]string `yaml:"env"`
	WorkingDirectory string            `yaml:"working-directory"`
	ContinueOnError  bool              `yaml:"continue-on-error"`
}

// repoRoot is the action's own folder: the module root.
func repoRoot(t testing.TB) string {
	t.Helper()
	dir, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's folder")
		}
		dir = parent
	}
}

// loadAction parses action.yml strictly: an unknown key is an error.
func loadAction(t testing.TB, root string) *actionFile {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root, "action.yml"))
	if err != nil {
		t.Fatal(err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var a actionFile
	if err := dec.Decode(&a); err != nil {
		t.Fatalf("action.yml: %v", err)
	}
	return &a
}

// runnerOS and runnerArch name this machine as a runner's RUNNER_OS and
// RUNNER_ARCH do.
func runnerOS() string {
	switch runtime.GOOS {
	case "darwin":
		return "macOS"
	case "windows":
		return "Windows"
	}
	return "Linux"
}

func runnerArch() string {
	if runtime.GOARCH == "arm64" {
		return "ARM64"
	}
	return "X64"
}

// fakeCache is GitHub's cache service for one repository and branch:
// entries are immutable, and a restore-key matches the newest entry whose
// key starts with it.
type fakeCache struct {
	dir     string
	entries []cacheEntry // oldest first
}

type cacheEntry struct {
	key, path, dir string
}

func (c *fakeCache) restore(key string, restoreKeys []string, path string) (matched string, hit bool) {
	for i := len(c.entries) - 1; i >= 0; i-- {
		if e := c.entries[i]; e.key == key && e.path == path {
			return e.key, true
		}
	}
	for _, prefix := range restoreKeys {
		for i := len(c.entries) - 1; i >= 0; i-- {
			if e := c.entries[i]; strings.HasPrefix(e.key, prefix) && e.path == path {
				return e.key, false
			}
		}
	}
	return "", false
}

func (c *fakeCache) entry(key string) *cacheEntry {
	for i := range c.entries {
		if c.entries[i].key == key {
			return &c.entries[i]
		}
	}
	return nil
}

// actionRun is one use of the action in a job.
type actionRun struct {
	t          *testing.T
	actionPath string            // GITHUB_ACTION_PATH
	workspace  string            // GITHUB_WORKSPACE
	temp       string            // RUNNER_TEMP
	inputs     map[string]string // the with: of the workflow step
	env        map[string]string // the job's and the workflow step's env:
	github     map[string]string // github context properties
	cache      *fakeCache
	// fake replaces the steps with these ids: when its if: holds, the step
	// is not run and ends successfully with these outputs.
	fake map[string]map[string]string
}

// actionResult is what a run left.
type actionResult struct {
	failed  bool                         // the action's step failed
	outputs map[string]string            // the action's outputs
	steps   map[string]map[string]string // outputs of each step with an id
	ran     []string                     // names of the steps that ran, faked ones included
	summary string                       // the job summary the steps wrote
	log     string                       // every step's stdout and stderr, as the log shows them
	files   map[string]string            // every GITHUB_OUTPUT and GITHUB_ENV file's text
}

// newActionRun lays out a fresh runner: a workspace and a temp folder under
// a new test folder, like a new virtual machine.
func newActionRun(t *testing.T, root string, cache *fakeCache) *actionRun {
	t.Helper()
	base := t.TempDir()
	r := &actionRun{
		t:          t,
		actionPath: root,
		workspace:  filepath.Join(base, "work", "repo", "repo"),
		temp:       filepath.Join(base, "work", "_temp"),
		inputs:     map[string]string{},
		env:        map[string]string{},
		cache:      cache,
		fake:       map[string]map[string]string{},
		github: map[string]string{
			"run_id":      "1001",
			"run_attempt": "1",
			"repository":  "example-org/community-reports",
			"server_url":  "https://github.com",
			"api_url":     "https://api.github.com",
			"event_name":  "schedule",
		},
	}
	for _, d := range []string{r.workspace, r.temp} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return r
}

// baseEnv is the environment every step starts from: this process's, less
// anything GitHub- or journeys-specific that would leak into the test.
func (r *actionRun) baseEnv() map[string]string {
	env := map[string]string{}
	for _, kv := range os.Environ() {
		k, v, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "GITHUB_") || strings.HasPrefix(k, "RUNNER_") || strings.HasPrefix(k, "INPUT_") ||
			strings.HasPrefix(k, "JOURNEYS_") || k == "GH_TOKEN" || k == "GOFLAGS" || k == "GOWORK" {
			continue
		}
		env[k] = v
	}
	set := map[string]string{
		"CI":                 "true",
		"GITHUB_ACTIONS":     "true",
		"GITHUB_ACTION_PATH": r.actionPath,
		"GITHUB_WORKSPACE":   r.workspace,
		"GITHUB_RUN_ID":      r.github["run_id"],
		"GITHUB_RUN_ATTEMPT": r.github["run_attempt"],
		"GITHUB_REPOSITORY":  r.github["repository"],
		"GITHUB_SERVER_URL":  r.github["server_url"],
		"GITHUB_API_URL":     r.github["api_url"],
		"GITHUB_EVENT_NAME":  r.github["event_name"],
		"RUNNER_OS":          runnerOS(),
		"RUNNER_ARCH":        runnerArch(),
		"RUNNER_TEMP":        r.temp,
	}
	for k, v := range set {
		env[k] = v
	}
	for k, v := range r.env {
		env[k] = v
	}
	return env
}

// run executes the action's steps in order.
func (r *actionRun) run() *actionResult {
	t := r.t
	t.Helper()
	a := loadAction(t, r.actionPath)
	res := &actionResult{steps: map[string]map[string]string{}, files: map[string]string{}}
	var log, summary strings.Builder

	github := map[string]string{"action_path": r.actionPath, "workspace": r.workspace}
	for k, v := range r.github {
		github[k] = v
	}
	runnerCtx := map[string]string{"os": runnerOS(), "arch": runnerArch(), "temp": r.temp}
	stepsCtx := map[string]any{}
	jobEnv := map[string]string{}
	c := &exprContext{contexts: map[string]any{"github": github, "runner": runnerCtx, "steps": stepsCtx}}

	// Inputs: the with: values, else the defaults (which may be expressions).
	inputs := map[string]string{}
	for name, in := range a.Inputs {
		if v, ok := r.inputs[name]; ok {
			inputs[name] = v
			continue
		}
		if in.Default != nil {
			v, err := evalTemplate(*in.Default, c)
			if err != nil {
				t.Fatalf("default of input %s: %v", name, err)
			}
			inputs[name] = v
		} else {
			inputs[name] = ""
		}
	}
	for name := range r.inputs {
		if _, ok := a.Inputs[name]; !ok {
			t.Fatalf("the test passes input %q, which action.yml does not declare", name)
		}
	}
	c.contexts["inputs"] = inputs

	for i, st := range a.Runs.Steps {
		name := st.Name
		if name == "" {
			name = fmt.Sprintf("step %d", i+1)
		}
		env := r.baseEnv()
		for k, v := range jobEnv {
			env[k] = v
		}
		c.contexts["env"] = env
		ok, err := evalCondition(st.If, c)
		if err != nil {
			t.Fatalf("step %q: if: %v", name, err)
		}
		if !ok {
			fmt.Fprintf(&log, "::: %s (skipped)\n", name)
			if st.ID != "" {
				stepsCtx[st.ID] = map[string]any{"outputs": map[string]string{}, "outcome": "skipped", "conclusion": "skipped"}
			}
			continue
		}
		res.ran = append(res.ran, name)
		fmt.Fprintf(&log, "::: %s\n", name)
		var outputs map[string]string
		success := true
		switch {
		case r.fake[st.ID] != nil:
			outputs = r.fake[st.ID]
		case st.Run != "":
			outputs, success = r.runStep(st, name, env, jobEnv, c, &log, &summary, res)
		case st.Uses != "":
			outputs, success = r.usesStep(st, name, c, &log)
		default:
			t.Fatalf("step %q has neither run: nor uses:", name)
		}
		if !success && !st.ContinueOnError {
			c.failed = true
			res.failed = true
		}
		if st.ID != "" {
			outcome := "success"
			if !success {
				outcome = "failure"
			}
			stepsCtx[st.ID] = map[string]any{"outputs": outputs, "outcome": outcome, "conclusion": outcome}
			res.steps[st.ID] = outputs
		}
	}

	res.outputs = map[string]string{}
	for name, out := range a.Outputs {
		v, err := evalTemplate(out.Value, c)
		if err != nil {
			t.Fatalf("output %s: %v", name, err)
		}
		res.outputs[name] = v
	}
	res.log = log.String()
	res.summary = summary.String()
	return res
}

// runStep runs a run: step as the runner does for shell: bash.
func (r *actionRun) runStep(st actionStep, name string, env, jobEnv map[string]string, c *exprContext,
	log, summary *strings.Builder, res *actionResult) (map[string]string, bool) {
	t := r.t
	if st.Shell != "bash" {
		t.Fatalf("step %q: shell %q; the action's run: steps use bash", name, st.Shell)
	}
	script, err := evalTemplate(st.Run, c)
	if err != nil {
		t.Fatalf("step %q: run: %v", name, err)
	}
	for k, v := range st.Env {
		ev, err := evalTemplate(v, c)
		if err != nil {
			t.Fatalf("step %q: env %s: %v", name, k, err)
		}
		env[k] = ev
	}
	dir, err := os.MkdirTemp(r.temp, "_runner_file_commands")
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{}
	for _, f := range []string{"GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY", "GITHUB_ENV", "GITHUB_PATH", "GITHUB_STATE"} {
		p := filepath.Join(dir, strings.ToLower(f))
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		files[f] = p
		env[f] = p
	}
	scriptPath := filepath.Join(dir, "step.sh")
	if err := os.WriteFile(scriptPath, []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	cwd := r.workspace
	if st.WorkingDirectory != "" {
		wd, err := evalTemplate(st.WorkingDirectory, c)
		if err != nil {
			t.Fatal(err)
		}
		cwd = filepath.Join(r.workspace, wd)
	}
	cmd := exec.Command("bash", "--noprofile", "--norc", "-eo", "pipefail", scriptPath)
	cmd.Dir = cwd
	cmd.Env = envList(env)
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	runErr := cmd.Run()
	log.Write(out.Bytes())
	if runErr != nil {
		fmt.Fprintf(log, "::: %s ended: %v\n", name, runErr)
	}

	read := func(f string) string {
		b, err := os.ReadFile(files[f])
		if err != nil {
			t.Fatal(err)
		}
		res.files[name+" "+f] += string(b)
		return string(b)
	}
	outputs, err := parseFileCommand(read("GITHUB_OUTPUT"))
	if err != nil {
		t.Fatalf("step %q: GITHUB_OUTPUT: %v", name, err)
	}
	envSet, err := parseFileCommand(read("GITHUB_ENV"))
	if err != nil {
		t.Fatalf("step %q: GITHUB_ENV: %v", name, err)
	}
	for k, v := range envSet {
		jobEnv[k] = v
	}
	if p := strings.TrimSpace(read("GITHUB_PATH")); p != "" {
		t.Fatalf("step %q wrote GITHUB_PATH, which this harness does not apply", name)
	}
	summary.WriteString(read("GITHUB_STEP_SUMMARY"))
	return outputs, runErr == nil
}

// parseFileCommand reads GITHUB_OUTPUT or GITHUB_ENV: name=value lines and
// name<<DELIMITER blocks.
func parseFileCommand(text string) (map[string]string, error) {
	m := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		line := sc.Text()
		if line == "" {
			continue
		}
		if name, delim, ok := strings.Cut(line, "<<"); ok && !strings.Contains(name, "=") {
			var lines []string
			closed := false
			for sc.Scan() {
				if sc.Text() == delim {
					closed = true
					break
				}
				lines = append(lines, sc.Text())
			}
			if !closed {
				return nil, fmt.Errorf("%s: no closing %s", name, delim)
			}
			m[name] = strings.Join(lines, "\n")
			continue
		}
		name, value, ok := strings.Cut(line, "=")
		if !ok || name == "" {
			return nil, fmt.Errorf("bad line %q", line)
		}
		m[name] = value
	}
	return m, sc.Err()
}

// usesStep stands in for the actions the composite action calls.
func (r *actionRun) usesStep(st actionStep, name string, c *exprContext, log *strings.Builder) (map[string]string, bool) {
	t := r.t
	with := map[string]string{}
	for k, v := range st.With {
		ev, err := evalTemplate(v, c)
		if err != nil {
			t.Fatalf("step %q: with %s: %v", name, k, err)
		}
		with[k] = ev
	}
	action, ref, _ := strings.Cut(st.Uses, "@")
	if ref == "" {
		t.Fatalf("step %q: uses %q has no version", name, st.Uses)
	}
	switch action {
	case "actions/setup-go":
		for _, k := range []string{"go-version-file", "cache-dependency-path"} {
			if _, err := os.Stat(with[k]); err != nil {
				t.Fatalf("step %q: %s %q: %v", name, k, with[k], err)
			}
		}
		if _, err := exec.LookPath("go"); err != nil {
			t.Skip("go is not on PATH")
		}
		return map[string]string{"cache-hit": "false"}, true

	case "actions/cache/restore":
		path := r.cachePath(with["path"])
		key := with["key"]
		if key == "" || path == "" {
			t.Fatalf("step %q: key and path are required", name)
		}
		var restoreKeys []string
		for _, l := range strings.Split(with["restore-keys"], "\n") {
			if l = strings.TrimSpace(l); l != "" {
				restoreKeys = append(restoreKeys, l)
			}
		}
		matched, hit := r.cache.restore(key, restoreKeys, with["path"])
		if matched == "" {
			fmt.Fprintf(log, "Cache not found for input keys: %s\n", strings.Join(append([]string{key}, restoreKeys...), ", "))
			return map[string]string{"cache-primary-key": key}, true
		}
		e := r.cache.entry(matched)
		copyTree(t, e.dir, path)
		fmt.Fprintf(log, "Cache restored from key: %s\n", matched)
		return map[string]string{"cache-hit": fmt.Sprint(hit), "cache-primary-key": key, "cache-matched-key": matched}, true

	case "actions/cache/save":
		path := r.cachePath(with["path"])
		key := with["key"]
		if key == "" || path == "" {
			t.Fatalf("step %q: key and path are required", name)
		}
		if r.cache.entry(key) != nil {
			fmt.Fprintf(log, "::warning::Cache save failed: a cache entry with key %s exists\n", key)
			return map[string]string{}, true
		}
		if _, err := os.Stat(path); err != nil {
			fmt.Fprintf(log, "::warning::Path Validation Error: %s does not exist; no cache is saved\n", with["path"])
			return map[string]string{}, true
		}
		dst := filepath.Join(r.cache.dir, fmt.Sprintf("entry-%d", len(r.cache.entries)))
		copyTree(t, path, dst)
		r.cache.entries = append(r.cache.entries, cacheEntry{key: key, path: with["path"], dir: dst})
		fmt.Fprintf(log, "Cache saved with key: %s\n", key)
		return map[string]string{}, true
	}
	t.Fatalf("step %q uses %s, which this harness cannot stand in for", name, st.Uses)
	return nil, false
}

// cachePath resolves actions/cache's path: input as the action does,
// relative to the workspace.
func (r *actionRun) cachePath(p string) string {
	p = strings.TrimSpace(p)
	if p == "" {
		return ""
	}
	if strings.Contains(p, "\n") {
		r.t.Fatalf("the harness caches one path, got %q", p)
	}
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(r.workspace, p)
}

func envList(m map[string]string) []string {
	l := make([]string, 0, len(m))
	for k, v := range m {
		l = append(l, k+"="+v)
	}
	sort.Strings(l)
	return l
}

// copyTree copies the regular files and folders under src to dst.
func copyTree(t testing.TB, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
	if err != nil {
		t.Fatalf("copy %s to %s: %v", src, dst, err)
	}
}

// findSecret returns where secret appears under the folders given: file
// paths and names.
func findSecret(t testing.TB, secret string, dirs ...string) []string {
	t.Helper()
	var found []string
	for _, dir := range dirs {
		filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return nil
			}
			if strings.Contains(d.Name(), secret) {
				found = append(found, p)
			}
			if !d.Type().IsRegular() {
				return nil
			}
			b, err := os.ReadFile(p)
			if err == nil && bytes.Contains(b, []byte(secret)) {
				found = append(found, p)
			}
			return nil
		})
	}
	slices.Sort(found)
	return slices.Compact(found)
}
