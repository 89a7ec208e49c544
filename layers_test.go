package journeys_test

import (
	"maps"
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
	pkgs := goList(t)
	for _, r := range rules {
		matched := false
		for pkg, p := range pkgs {
			if !matches(module+"/"+r.pkg, pkg) || strings.HasSuffix(pkg, "test") {
				continue
			}
			matched = true
			for _, d := range p.deps {
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

// A goPackage is what go list says of one package of the module.
type goPackage struct {
	imports, deps []string
}

// goList returns every package of the module with its imports and
// dependencies, test-only helper packages (named ...test) included.
func goList(t *testing.T) map[string]goPackage {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("the go tool is not on PATH")
	}
	cmd := exec.Command(goTool, "list", "-f", "{{.ImportPath}}|{{join .Imports \" \"}}|{{join .Deps \" \"}}", "./...")
	cmd.Env = append(os.Environ(), "GOPROXY=off") // the test's own build fetched every module needed
	out, err := cmd.Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		t.Fatalf("go list: %v\n%s", err, stderr)
	}
	pkgs := map[string]goPackage{}
	for line := range strings.Lines(strings.TrimSpace(string(out))) {
		fields := strings.Split(strings.TrimSpace(line), "|")
		if len(fields) != 3 {
			t.Fatalf("go list printed %q", line)
		}
		pkgs[fields[0]] = goPackage{imports: strings.Fields(fields[1]), deps: strings.Fields(fields[2])}
	}
	if _, ok := pkgs[module+"/cmd/journeys"]; !ok {
		t.Fatalf("go list did not list %s/cmd/journeys:\n%s", module, out)
	}
	return pkgs
}

// The demo links package fakegithub into the binary, so no product package
// may depend on testing or net/http/httptest: only packages named for tests
// (fakegithubtest and the like, imported from _test.go files) may.
func TestNoTestPackagesInProduct(t *testing.T) {
	forbidden := []string{"testing", "net/http/httptest"}
	pkgs := goList(t)
	for _, pkg := range slices.Sorted(maps.Keys(pkgs)) {
		if strings.HasSuffix(pkg, "test") {
			continue
		}
		for _, f := range forbidden {
			if !slices.Contains(pkgs[pkg].deps, f) {
				continue
			}
			var via []string // the module's packages on the way that import f
			for imp, p := range pkgs {
				if slices.Contains(p.imports, f) && (imp == pkg || slices.Contains(pkgs[pkg].deps, imp)) {
					via = append(via, imp)
				}
			}
			slices.Sort(via)
			t.Errorf("%s depends on %s (imported by %s)", pkg, f, strings.Join(via, ", "))
		}
	}
}
