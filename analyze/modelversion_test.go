package analyze

import (
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"github.com/journeys-dev/journeys/internal/table"
	"github.com/journeys-dev/journeys/schema"
)

// analysis.json and the footer of every analysis table say which version of
// the model's rules (and which thresholds, and which date) made them.
func TestRunRecordsTheModelVersion(t *testing.T) {
	if n, err := strconv.Atoi(ModelVersion); err != nil || n < 1 {
		t.Fatalf("ModelVersion = %q, want a positive whole number", ModelVersion)
	}
	dir := t.TempDir()
	events := syntheticEvents(syntheticConfig{People: 30, Items: 100, Comments: 300, Commits: 60, Seed: 5})
	if err := table.WriteFile(filepath.Join(dir, schema.Events.File()), events); err != nil {
		t.Fatal(err)
	}
	m, err := Run(context.Background(), dir, Options{AsOf: syntheticAsOf, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if m.ModelVersion != ModelVersion {
		t.Errorf("Manifest.ModelVersion = %q, want %q", m.ModelVersion, ModelVersion)
	}

	data, err := os.ReadFile(filepath.Join(dir, ManifestFile))
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]any
	if err := json.Unmarshal(data, &raw); err != nil {
		t.Fatalf("analysis.json: %v", err)
	}
	if v, ok := raw["model_version"].(string); !ok || v != ModelVersion {
		t.Errorf("analysis.json model_version = %#v, want %q", raw["model_version"], ModelVersion)
	}

	// Every table the analysis wrote, including any added after this test.
	paths, err := filepath.Glob(filepath.Join(dir, "*.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, path := range paths {
		if filepath.Base(path) == schema.Events.File() {
			continue
		}
		names = append(names, filepath.Base(path))
		kv, err := table.Metadata(path)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]string{
			table.MetaModelVersion: ModelVersion,
			table.MetaModelHash:    m.ModelHash,
			table.MetaAnalysisDate: "2025-01-01",
		}
		for k, v := range want {
			if kv[k] != v {
				t.Errorf("%s: %s = %q, want %q", filepath.Base(path), k, kv[k], v)
			}
		}
	}
	for _, f := range []string{schema.Contributors.File(), schema.ContributorMonths.File(), schema.Transitions.File(), schema.Funnel.File(), schema.Identities.File(), schema.Bots.File()} {
		if !slices.Contains(names, f) {
			t.Errorf("Run wrote no %s (wrote %q)", f, names)
		}
	}
}
