package journeys_test

import (
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/journeys-dev/journeys"

// Data flows one way (ARCHITECTURE.md): a stage reads another's output,
// not its code, and only the command and its display handle the terminal.
func TestPackagesDependDownwardOnly(t *testing.T) {
	rules := []struct {
		pkg       string   // a module package, or a prefix ending in "/..."
		forbidden []string // packages pkg may not depend on, even indirectly
	}{
		{"schema", []string{module + "/..."}},
		{"events", []string{module + "/collect/...", module + "/analyze/...", module + "/internal/...", module + "/pipeline"}},
		{"analyze/...", []string{module + "/collect/...", module + "/pipeline", module + "/report/..."}},
		{"report/...", []string{module + "/collect/...", module + "/pipeline"}},
		{"privacy", []string{module + "/collect/...", module + "/pipeline", module + "/report/..."}},
		{"dataset", []string{module + "/collect/...", module + "/pipeline", module + "/report/..."}},
		{"collect/...", []string{module + "/analyze/...", module + "/report/...", module + "/pipeline", module + "/internal/progress",
			"github.com/vbauerster/mpb/v8", "golang.org/x/term"}},
		{"pipeline", []string{module + "/cmd/...", module + "/internal/progress"}},
	}
	deps := goList(t)
	for _, r := range rules {
		matched := false
		for pkg, ds := range deps {
			if !matches(module+"/"+r.pkg, pkg) {
				continue
			}
			matched = true
			for _, d := range ds {
				for _, f := range r.forbidden {
					if matches(f, d) && !matches(module+"/"+r.pkg, d) {
						t.Errorf("%s depends on %s", strings.TrimPrefix(pkg, module+"/"), d)
					}
				}
			}
		}
		if !matched {
			t.Errorf("no package matches %s", r.pkg)
		}
	}
}

// matches says whether pkg is pattern, or under it when pattern ends in
// "/...".
func matches(pattern, pkg string) bool {
	if p, ok := strings.CutSuffix(pattern, "/..."); ok {
		return pkg == p || strings.HasPrefix(pkg, p+"/")
	}
	return pkg == pattern
}

// goList returns every non-test package of the module with its
// dependencies.
func goList(t *testing.T) map[string][]string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("the go tool is not on PATH")
	}
	cmd := exec.Command(goTool, "list", "-f", "{{.ImportPath}}|{{join .Deps \" \"}}", "./...")
	cmd.Env = append(os.Environ(), "GOPROXY=off") // the test's own build fetched every module needed
	out, err := cmd.Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		t.Fatalf("go list: %v\n%s", err, stderr)
	}
	deps := map[string][]string{}
	for line := range strings.Lines(strings.TrimSpace(string(out))) {
		pkg, ds, ok := strings.Cut(strings.TrimSpace(line), "|")
		if !ok {
			t.Fatalf("go list printed %q", line)
		}
		if strings.HasSuffix(pkg, "test") { // test-only helper packages
			continue
		}
		deps[pkg] = slices.Sorted(slices.Values(strings.Fields(ds)))
	}
	return deps
}
