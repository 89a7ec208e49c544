package actiontest

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// This file tests the release that the Action installs from: the workflow
// in .github/workflows/release.yml, the script that builds its assets, and
// that every third-party action is pinned to a commit.

var (
	usesLine = regexp.MustCompile(`^\s*(?:-\s+)?uses:\s*["']?([^"'\s#]+)["']?\s*(#.*)?$`)
	pinned   = regexp.MustCompile(`^([\w.-]+/[\w.-]+)(/[\w./-]+)?@([0-9a-f]{40})$`)
	// The version the SHA is, in a comment: "# v4.2.2".
	pinComment = regexp.MustCompile(`^#\s*(v\d+\.\d+\.\d+)\s*$`)
)

// pin is one "uses: OWNER/REPO[/PATH]@SHA # VERSION" line.
type pin struct {
	file, repo, sha, version string
}

// checkPinned checks that every action a workflow or action file uses is
// pinned to a full commit SHA with its version in a comment, as GitHub's
// security hardening guide advises. The exceptions are local actions and
// this project's own action in the example workflow (users take its @v1;
// the README says how to pin it). It returns the pins.
func checkPinned(t *testing.T, path string) []pin {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var pins []pin
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		m := usesLine.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		uses, comment := m[1], strings.TrimSpace(m[2])
		if strings.HasPrefix(uses, "./") || strings.HasPrefix(uses, "journeys-dev/journeys@") && strings.Contains(path, "examples") {
			continue
		}
		p := pinned.FindStringSubmatch(uses)
		c := pinComment.FindStringSubmatch(comment)
		if p == nil || c == nil {
			t.Errorf("%s:%d: uses %s %s: pin it to a full commit SHA with the version in a comment (uses: OWNER/REPO@SHA # vX.Y.Z)", filepath.Base(path), n, uses, comment)
			continue
		}
		pins = append(pins, pin{file: filepath.Base(path), repo: p[1], sha: p[3], version: c[1]})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return pins
}

// TestPinsAgree: an action is pinned to one version, and a version to one
// commit, across the action, the example and the project's workflows.
func TestPinsAgree(t *testing.T) {
	root := repoRoot(t)
	files := []string{filepath.Join(root, "action.yml"), filepath.Join(root, "examples/workflows/journeys.yml")}
	wf, _ := filepath.Glob(filepath.Join(root, ".github/workflows/*.yml"))
	files = append(files, wf...)
	seen := map[string]pin{}
	for _, f := range files {
		for _, p := range checkPinned(t, f) {
			if q, ok := seen[p.repo]; ok && (q.sha != p.sha || q.version != p.version) {
				t.Errorf("%s is at %s (%s) in %s but at %s (%s) in %s", p.repo, q.version, q.sha, q.file, p.version, p.sha, p.file)
				continue
			}
			seen[p.repo] = p
		}
	}
	for _, want := range []string{"actions/checkout", "actions/setup-go", "actions/cache", "actions/upload-artifact", "actions/download-artifact"} {
		if _, ok := seen[want]; !ok {
			t.Errorf("no file uses %s", want)
		}
	}
}

// filterMatch tells whether a GitHub Actions filter pattern (on.push.tags)
// matches a name: * is any characters but /, ** any characters, + one or
// more of the character before, ? zero or one of it, [] a class.
func filterMatch(t *testing.T, pattern, name string) bool {
	var b strings.Builder
	b.WriteString("^")
	for i := 0; i < len(pattern); i++ {
		switch c := pattern[i]; c {
		case '*':
			if i+1 < len(pattern) && pattern[i+1] == '*' {
				b.WriteString(".*")
				i++
			} else {
				b.WriteString("[^/]*")
			}
		case '+', '?':
			b.WriteByte(c)
		case '[':
			j := strings.IndexByte(pattern[i:], ']')
			if j < 0 {
				t.Fatalf("pattern %q: no ]", pattern)
			}
			b.WriteString(pattern[i : i+j+1])
			i += j
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	b.WriteString("$")
	return regexp.MustCompile(b.String()).MatchString(name)
}

func TestReleaseWorkflow(t *testing.T) {
	root := repoRoot(t)
	p := filepath.Join(root, ".github/workflows/release.yml")
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	type step struct {
		Name string            `yaml:"name"`
		Uses string            `yaml:"uses"`
		Run  string            `yaml:"run"`
		If   string            `yaml:"if"`
		With map[string]string `yaml:"with"`
	}
	var wf struct {
		On struct {
			Push struct {
				Tags     []string `yaml:"tags"`
				Branches []string `yaml:"branches"`
			} `yaml:"push"`
		} `yaml:"on"`
		Permissions map[string]string `yaml:"permissions"`
		Jobs        map[string]struct {
			Needs       any               `yaml:"needs"`
			Permissions map[string]string `yaml:"permissions"`
			Steps       []step            `yaml:"steps"`
		} `yaml:"jobs"`
	}
	if err := yaml.Unmarshal(data, &wf); err != nil {
		t.Fatal(err)
	}

	// Pushing a release tag starts it; pushing the moving major tag (which
	// the workflow itself does) or a branch does not.
	if len(wf.On.Push.Tags) == 0 || len(wf.On.Push.Branches) > 0 {
		t.Fatalf("on.push: tags %v, branches %v: want release tags only", wf.On.Push.Tags, wf.On.Push.Branches)
	}
	match := func(name string) bool {
		for _, pat := range wf.On.Push.Tags {
			if filterMatch(t, pat, name) {
				return true
			}
		}
		return false
	}
	for _, name := range []string{"v1.2.3", "v0.1.0", "v10.20.30", "v1.2.3-rc.1", "v2.0.0-beta.2"} {
		if !match(name) {
			t.Errorf("pushing tag %s does not start a release (tags %v)", name, wf.On.Push.Tags)
		}
	}
	for _, name := range []string{"v1", "v1.2", "main", "1.2.3", "x1.2.3", "v1.x"} {
		if match(name) {
			t.Errorf("pushing tag %s starts a release (tags %v)", name, wf.On.Push.Tags)
		}
	}

	// Least privilege: read by default, contents: write for the job that
	// publishes and nothing else.
	if len(wf.Permissions) != 1 || wf.Permissions["contents"] != "read" {
		t.Errorf("workflow permissions = %v, want contents: read only", wf.Permissions)
	}
	var publisher string
	for name, job := range wf.Jobs {
		for k, v := range job.Permissions {
			if v == "write" {
				if k != "contents" || publisher != "" {
					t.Errorf("job %s asks for %s: write", name, k)
				}
				publisher = name
			}
		}
	}
	if publisher == "" {
		t.Fatal("no job has contents: write to publish the release")
	}

	// The tests run, then the build, in a job that cannot write; the
	// publishing job runs after it.
	var testAt, buildAt, builder = -1, -1, ""
	for name, job := range wf.Jobs {
		for i, st := range job.Steps {
			if strings.Contains(st.Run, "go test ./...") {
				testAt = i
				builder = name
			}
			if strings.Contains(st.Run, "scripts/release-build.sh") {
				buildAt = i
				if name != builder {
					t.Errorf("job %s builds, but the tests run in job %q", name, builder)
				}
			}
		}
	}
	if testAt < 0 || buildAt < 0 || testAt > buildAt {
		t.Errorf("want go test ./... (step %d) before scripts/release-build.sh (step %d)", testAt+1, buildAt+1)
	}
	if builder == publisher {
		t.Errorf("job %s both builds and holds contents: write", builder)
	}
	needs, _ := yaml.Marshal(wf.Jobs[publisher].Needs)
	if !strings.Contains(string(needs), builder) {
		t.Errorf("job %s does not wait for job %s (needs: %s)", publisher, builder, needs)
	}
	var creates, movesTag bool
	for _, st := range wf.Jobs[publisher].Steps {
		if strings.Contains(st.Run, "gh release create") {
			creates = true
			if !strings.Contains(st.Run, "--prerelease") {
				t.Error("the release step never marks a prerelease")
			}
		}
		if strings.Contains(st.Run, "git/refs/tags/$major") {
			movesTag = true
			if !strings.Contains(st.If, "contains(github.ref_name, '-')") || !strings.Contains(st.If, "!") {
				t.Errorf("the major tag moves for prereleases too: if: %q", st.If)
			}
		}
	}
	if !creates || !movesTag {
		t.Errorf("the publish job should create the release with gh (%v) and move the major tag (%v)", creates, movesTag)
	}
	checkPinned(t, p)

	lint, err := exec.LookPath("actionlint")
	if err != nil {
		t.Skip("actionlint is not installed")
	}
	if out, err := exec.Command(lint, p).CombinedOutput(); err != nil {
		t.Errorf("actionlint: %v\n%s", err, out)
	}
}

// stubGo stands in for go build: it writes how it was called into the
// output file.
const stubGo = `#!/usr/bin/env bash
set -euo pipefail
[[ $1 == build ]] || { echo "stub go: $*" >&2; exit 1; }
out=""
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
	if [[ ${args[i]} == -o ]]; then out=${args[i+1]}; fi
done
printf 'GOOS=%s GOARCH=%s CGO_ENABLED=%s GOFLAGS=%s\n' "$GOOS" "$GOARCH" "$CGO_ENABLED" "$GOFLAGS" >"$out"
printf '%s\n' "$@" >>"$out"
`

// TestReleaseBuild: scripts/release-build.sh names the assets as the
// Action's installer looks for them, for each runner GitHub offers, with
// a checksum sha256sum -c accepts, and builds static, stamped binaries.
func TestReleaseBuild(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the release is built on Linux")
	}
	if _, err := exec.LookPath("sha256sum"); err != nil {
		t.Skip("sha256sum is not installed")
	}
	root := repoRoot(t)
	script := filepath.Join(root, "scripts/release-build.sh")

	t.Run("names, flags and checksums", func(t *testing.T) {
		bin := t.TempDir()
		if err := os.WriteFile(filepath.Join(bin, "go"), []byte(stubGo), 0o755); err != nil {
			t.Fatal(err)
		}
		dist := filepath.Join(t.TempDir(), "dist")
		cmd := exec.Command("bash", script, "v1.2.3", dist)
		cmd.Env = append(os.Environ(), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"), "JOURNEYS_TARGETS=")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("release-build.sh: %v\n%s", err, out)
		}
		entries, err := os.ReadDir(dist)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		var want []string
		for _, p := range []string{"darwin_amd64", "darwin_arm64", "linux_amd64", "linux_arm64", "windows_amd64.exe"} {
			want = append(want, "journeys_v1.2.3_"+p, "journeys_v1.2.3_"+p+".sha256")
		}
		if !slices.Equal(names, want) {
			t.Fatalf("assets %v, want %v", names, want)
		}
		for _, n := range names {
			if strings.HasSuffix(n, ".sha256") {
				continue
			}
			b, _ := os.ReadFile(filepath.Join(dist, n))
			got := string(b)
			osArch := strings.SplitN(strings.TrimSuffix(strings.TrimPrefix(n, "journeys_v1.2.3_"), ".exe"), "_", 2)
			for _, w := range []string{
				"GOOS=" + osArch[0] + " GOARCH=" + osArch[1] + " CGO_ENABLED=0 GOFLAGS=-mod=readonly\n",
				"\n-trimpath\n",
				"\n-ldflags\n-s -w -X github.com/journeys-dev/journeys/internal/version.stamp=v1.2.3\n",
				"\n./cmd/journeys\n",
			} {
				if !strings.Contains(got, w) {
					t.Errorf("%s: go build was not given %q:\n%s", n, w, got)
				}
			}
		}
		check := exec.Command("sha256sum", "-c", "--strict")
		check.Args = append(check.Args, want[1], want[3], want[5], want[7], want[9])
		check.Dir = dist
		if out, err := check.CombinedOutput(); err != nil {
			t.Errorf("sha256sum -c: %v\n%s", err, out)
		}

		// The names the installer asks for, on each of GitHub's runners.
		for _, runner := range [][2]string{{"Linux", "X64"}, {"Linux", "ARM64"}, {"macOS", "ARM64"}, {"macOS", "X64"}, {"Windows", "X64"}} {
			cmd := exec.Command("bash", "-c", `source scripts/action/lib.sh && release_asset v1.2.3`)
			cmd.Dir = root
			cmd.Env = append(os.Environ(), "RUNNER_OS="+runner[0], "RUNNER_ARCH="+runner[1])
			out, err := cmd.Output()
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Contains(names, string(out)) || !slices.Contains(names, string(out)+".sha256") {
				t.Errorf("a %s %s runner looks for %q, which the release does not have", runner[0], runner[1], out)
			}
		}
	})

	t.Run("not a release tag", func(t *testing.T) {
		for _, tag := range []string{"", "1.2.3", "v1", "v1.2", "main", "v1.2.3/x"} {
			dist := t.TempDir()
			err := exec.Command("bash", script, tag, dist).Run()
			if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 2 {
				t.Errorf("release-build.sh %q: %v, want exit status 2", tag, err)
			}
			if entries, _ := os.ReadDir(dist); len(entries) > 0 {
				t.Errorf("release-build.sh %q built %d files", tag, len(entries))
			}
		}
	})

	t.Run("a real build says its version", func(t *testing.T) {
		if testing.Short() {
			t.Skip("builds journeys")
		}
		if _, err := exec.LookPath("go"); err != nil {
			t.Skip("go is not on PATH")
		}
		dist := t.TempDir()
		target := runtime.GOOS + "/" + runtime.GOARCH
		cmd := exec.Command("bash", script, "v1.2.3-rc.1", dist)
		cmd.Env = append(os.Environ(), "JOURNEYS_TARGETS="+target)
		buildOnce.Lock()
		out, err := cmd.CombinedOutput()
		buildOnce.Unlock()
		if err != nil {
			t.Fatalf("release-build.sh: %v\n%s", err, out)
		}
		name := "journeys_v1.2.3-rc.1_" + runtime.GOOS + "_" + runtime.GOARCH
		for _, args := range [][]string{{"version"}, {"--version"}} {
			got, err := exec.Command(filepath.Join(dist, name), args...).Output()
			if err != nil || string(got) != "journeys v1.2.3-rc.1\n" {
				t.Errorf("%s %v: %q, %v; want the stamped tag", name, args, got, err)
			}
		}
		check := exec.Command("sha256sum", "-c", name+".sha256")
		check.Dir = dist
		if out, err := check.CombinedOutput(); err != nil {
			t.Errorf("sha256sum -c: %v\n%s", err, out)
		}
	})
}
