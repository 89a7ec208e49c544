// Command mkfixture derives the offline demo's embedded fixture from the
// Turing Way git extraction (commits.jsonl.gz, prs.jsonl.gz,
// all_contributors.json, all_contributors_history.jsonl.gz,
// all_contributors_first_seen.json, summary.json):
//
//	go run ./internal/demo/mkfixture -src ../shared/data/turing-way -out internal/demo/fixture.json.gz
//
// or go generate ./internal/demo, which runs the same.
//
// It keeps only what the demo serves and writes it deterministically:
// same input, same bytes.
package main

import (
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/journeys-dev/journeys/internal/demo/fixture"
)

func main() {
	src := flag.String("src", "", "directory holding the extraction files")
	out := flag.String("out", "internal/demo/fixture.json.gz", "fixture file to write")
	flag.Parse()
	if *src == "" {
		fmt.Fprintln(os.Stderr, "usage: mkfixture -src DIR [-out FILE]")
		os.Exit(2)
	}
	f, err := fixture.Build(*src)
	if err != nil {
		slog.Error("build fixture", "err", err)
		os.Exit(1)
	}
	if err := writeAtomic(*out, f); err != nil {
		slog.Error("write fixture", "err", err)
		os.Exit(1)
	}
}

func writeAtomic(path string, f *fixture.Fixture) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".fixture-*")
	if err != nil {
		return fmt.Errorf("create temp file for %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if err := fixture.Encode(tmp, f); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return fmt.Errorf("chmod %s: %w", tmp.Name(), err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("sync %s: %w", tmp.Name(), err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("close %s: %w", tmp.Name(), err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("rename to %s: %w", path, err)
	}
	return nil
}
