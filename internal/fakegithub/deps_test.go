package fakegithub_test

import (
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The demo links package fakegithub into the binary, so no product package
// may depend on testing or net/http/httptest: only packages named for tests
// (fakegithubtest and the like, imported from _test.go files) may.
func TestNoTestPackagesInProduct(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("the go tool is not on PATH")
	}
	const module = "github.com/journeys-dev/journeys"
	cmd := exec.Command(goTool, "list", "-f", "{{.ImportPath}}|{{join .Imports \" \"}}|{{join .Deps \" \"}}", "./...")
	cmd.Dir = filepath.Join("..", "..")           // the module's root
	cmd.Env = append(os.Environ(), "GOPROXY=off") // no network: the test's own build fetched every module needed
	out, err := cmd.Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		t.Fatalf("go list: %v\n%s", err, stderr)
	}
	forbidden := []string{"testing", "net/http/httptest"}
	importers := map[string][]string{} // forbidden package -> module packages importing it
	deps := map[string][]string{}
	for line := range strings.Lines(strings.TrimSpace(string(out))) {
		fields := strings.Split(strings.TrimSpace(line), "|")
		if len(fields) != 3 {
			t.Fatalf("go list printed %q", line)
		}
		pkg := fields[0]
		deps[pkg] = strings.Fields(fields[2])
		for _, imp := range strings.Fields(fields[1]) {
			if slices.Contains(forbidden, imp) {
				importers[imp] = append(importers[imp], pkg)
			}
		}
	}
	if _, ok := deps[module+"/cmd/journeys"]; !ok {
		t.Fatalf("go list did not list %s/cmd/journeys:\n%s", module, out)
	}
	for _, pkg := range slices.Sorted(maps.Keys(deps)) {
		if strings.HasSuffix(pkg, "test") {
			continue
		}
		ds := deps[pkg]
		for _, f := range forbidden {
			if slices.Contains(ds, f) {
				var via []string
				for _, imp := range importers[f] {
					if imp == pkg || slices.Contains(ds, imp) {
						via = append(via, imp)
					}
				}
				t.Errorf("%s depends on %s (imported by %s)", pkg, f, strings.Join(via, ", "))
			}
		}
	}
}
