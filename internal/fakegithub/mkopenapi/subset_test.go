package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// testdata/spec.json is a small description in the layout of GitHub's, with
// what the extraction must get right: documentation to drop, a response by
// reference, schemas referenced from schemas, one never referenced,
// array-index property names, numbers and strings to write as JavaScript
// does. testdata/subset.json is its subset, as the original JavaScript
// extraction wrote it.
func TestExtractMatchesGolden(t *testing.T) {
	spec := readFile(t, filepath.Join("testdata", "spec.json"))
	got, err := extract(spec, source("1.2.3"))
	if err != nil {
		t.Fatal(err)
	}
	want := readFile(t, filepath.Join("testdata", "subset.json"))
	if !bytes.Equal(got, want) {
		t.Errorf("extract(testdata/spec.json) differs from testdata/subset.json:\n%s", firstDiff(got, want))
	}
	again, err := extract(spec, source("1.2.3"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, again) {
		t.Error("two extractions of the same description differ")
	}
}

// run reads the version from the package.json beside generated/, as npm
// pack lays the package out, and writes the subset file.
func TestRunReadsThePackageVersion(t *testing.T) {
	dir := t.TempDir()
	gen := filepath.Join(dir, "package", "generated")
	if err := os.MkdirAll(gen, 0o755); err != nil {
		t.Fatal(err)
	}
	specPath := filepath.Join(gen, "api.github.com.json")
	writeFile(t, specPath, readFile(t, filepath.Join("testdata", "spec.json")))
	writeFile(t, filepath.Join(dir, "package", "package.json"), []byte(`{"name": "@octokit/openapi", "version": "1.2.3"}`))
	out := filepath.Join(dir, "subset.json")
	if err := run(specPath, out, ""); err != nil {
		t.Fatal(err)
	}
	if got, want := readFile(t, out), readFile(t, filepath.Join("testdata", "subset.json")); !bytes.Equal(got, want) {
		t.Errorf("run wrote a different subset:\n%s", firstDiff(got, want))
	}
}

func TestExtractNamesAMissingEndpoint(t *testing.T) {
	spec := bytes.Replace(readFile(t, filepath.Join("testdata", "spec.json")), []byte(`"/rate_limit"`), []byte(`"/rate_limits"`), 1)
	_, err := extract(spec, source(""))
	if err == nil || !strings.Contains(err.Error(), "GET /rate_limit 200") {
		t.Errorf("extract without /rate_limit: err = %v, want one naming GET /rate_limit 200", err)
	}
}

// The committed subset, put back into a description's layout, extracts to
// itself: it holds every schema its responses reach and nothing else, only
// validation keywords, and the bytes the extraction writes.
func TestCommittedSubsetIsAFixedPoint(t *testing.T) {
	committed := readFile(t, filepath.Join("..", "testdata", "openapi-subset.json"))
	doc, err := parseJSON(committed)
	if err != nil {
		t.Fatal(err)
	}
	src, err := lookup(doc, "source")
	if err != nil {
		t.Fatal(err)
	}
	schemas, err := lookup(doc, "components", "schemas")
	if err != nil {
		t.Fatal(err)
	}
	paths := newObject()
	for _, e := range endpoints {
		schema, err := lookup(doc, "responses", e.method+" "+e.path+" "+e.status)
		if err != nil {
			t.Fatal(err)
		}
		media := newObject()
		media.set("schema", schema)
		content := newObject()
		content.set("application/json", media)
		resp := newObject()
		resp.set("content", content)
		item, _ := paths.get(e.path)
		if item == nil {
			item = newObject()
			paths.set(e.path, item)
		}
		op, _ := item.(*object).get(strings.ToLower(e.method))
		if op == nil {
			op = newObject()
			op.(*object).set("responses", newObject())
			item.(*object).set(strings.ToLower(e.method), op)
		}
		responses, _ := op.(*object).get("responses")
		responses.(*object).set(e.status, resp)
	}
	components := newObject()
	components.set("schemas", schemas)
	spec := newObject()
	spec.set("paths", paths)
	spec.set("components", components)
	var b bytes.Buffer
	writeJSON(&b, spec, 0)

	got, err := extract(b.Bytes(), src.(string))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, committed) {
		t.Errorf("the committed subset does not extract to itself:\n%s", firstDiff(got, committed))
	}
}

// With $JOURNEYS_GITHUB_OPENAPI naming GitHub's description (the
// @octokit/openapi version the subset names), the extraction reproduces the
// committed subset byte for byte.
func TestExtractReproducesTheCommittedSubset(t *testing.T) {
	specPath := os.Getenv("JOURNEYS_GITHUB_OPENAPI")
	if specPath == "" {
		t.Skip("JOURNEYS_GITHUB_OPENAPI is not set")
	}
	out := filepath.Join(t.TempDir(), "subset.json")
	if err := run(specPath, out, ""); err != nil {
		t.Fatal(err)
	}
	got, want := readFile(t, out), readFile(t, filepath.Join("..", "testdata", "openapi-subset.json"))
	if !bytes.Equal(got, want) {
		t.Errorf("the subset extracted from %s differs from the committed one:\n%s", specPath, firstDiff(got, want))
	}
}

func TestFormatNumberAsJavaScript(t *testing.T) {
	for _, tt := range []struct {
		f    float64
		want string
	}{
		{0, "0"}, {1, "1"}, {-3, "-3"}, {0.5, "0.5"}, {100, "100"},
		{123456789012, "123456789012"}, {1e20, "100000000000000000000"},
		{1e21, "1e+21"}, {1.5e-7, "1.5e-7"}, {0.000001, "0.000001"}, {2.5e-300, "2.5e-300"},
	} {
		if got := formatNumber(tt.f); got != tt.want {
			t.Errorf("formatNumber(%v) = %s, want %s", tt.f, got, tt.want)
		}
	}
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func writeFile(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// firstDiff shows the first line where got and want differ.
func firstDiff(got, want []byte) string {
	g, w := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
	for i := 0; i < len(g) || i < len(w); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return fmt.Sprintf("line %d:\n got  %s\n want %s", i+1, gl, wl)
		}
	}
	return "(same lines)"
}
