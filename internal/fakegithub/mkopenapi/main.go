// Command mkopenapi derives testdata/openapi-subset.json, against which
// fakegithub's tests validate its payloads, from GitHub's published OpenAPI
// description: the file generated/api.github.com.json of the npm package
// @octokit/openapi (npm pack @octokit/openapi@23.0.2 && tar xzf
// octokit-openapi-23.0.2.tgz). It keeps the response schemas of the
// endpoints fakegithub serves and every schema they reference, with only
// their validation keywords, and writes them deterministically: the same
// description gives the same bytes.
//
//	go run ./internal/fakegithub/mkopenapi -spec package/generated/api.github.com.json -out internal/fakegithub/testdata/openapi-subset.json
//
// go generate ./internal/fakegithub runs it with -spec set from
// $JOURNEYS_GITHUB_OPENAPI; with no description given, it leaves the
// subset as it is and says so. The package version in the subset's
// "source" is read from the package.json beside generated/, or given with
// -version.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
)

func main() {
	spec := flag.String("spec", "", "GitHub's OpenAPI description (generated/api.github.com.json of @octokit/openapi)")
	out := flag.String("out", "testdata/openapi-subset.json", "subset file to write")
	version := flag.String("version", "", "the @octokit/openapi version, if not in the package.json beside generated/")
	flag.Parse()
	if *spec == "" {
		fmt.Fprintf(os.Stderr, "mkopenapi: no OpenAPI description given (-spec, or $JOURNEYS_GITHUB_OPENAPI under go generate); %s left as it is\n", *out)
		return
	}
	if err := run(*spec, *out, *version); err != nil {
		slog.Error("mkopenapi", "err", err)
		os.Exit(1)
	}
}

func run(specPath, out, version string) error {
	spec, err := os.ReadFile(specPath)
	if err != nil {
		return fmt.Errorf("read the OpenAPI description: %w", err)
	}
	if version == "" {
		if version, err = packageVersion(filepath.Join(filepath.Dir(specPath), "..", "package.json")); err != nil {
			return err
		}
	}
	b, err := extract(spec, source(version))
	if err != nil {
		return fmt.Errorf("%s: %w", specPath, err)
	}
	return writeAtomic(out, b)
}

// source names the description in the subset's "source" field.
func source(version string) string {
	s := "@octokit/openapi"
	if version != "" {
		s += "@" + version
	}
	return s + " generated/api.github.com.json"
}

// packageVersion reads the version of the npm package whose package.json is
// at path; a missing file gives "".
func packageVersion(path string) (string, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read %s: %w", path, err)
	}
	var pkg struct {
		Name    string `json:"name"`
		Version string `json:"version"`
	}
	if err := json.Unmarshal(b, &pkg); err != nil {
		return "", fmt.Errorf("parse %s: %w", path, err)
	}
	if pkg.Name != "@octokit/openapi" {
		return "", nil
	}
	return pkg.Version, nil
}

func writeAtomic(path string, b []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".openapi-subset-*")
	if err != nil {
		return fmt.Errorf("create temp file for %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", tmp.Name(), err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return fmt.Errorf("chmod %s: %w", tmp.Name(), err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("close %s: %w", tmp.Name(), err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("rename to %s: %w", path, err)
	}
	return nil
}
