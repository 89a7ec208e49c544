package events

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The derivation depends on schema and the standard library alone, so
// that it reads the raw tables, not the collector's state.
func TestDependsOnSchemaAlone(t *testing.T) {
	const module = "github.com/journeys-dev/journeys/"
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			first, _, _ := strings.Cut(path, "/")
			switch {
			case path == module+"schema":
			case strings.HasPrefix(path, module):
				t.Errorf("%s imports %s: events depend on schema alone", name, path)
			case strings.Contains(first, "."):
				t.Errorf("%s imports %s, which is not the standard library", name, path)
			}
		}
	}
}
