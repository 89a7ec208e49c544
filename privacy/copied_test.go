package privacy

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/journeys-dev/journeys/analyze"
	"github.com/journeys-dev/journeys/internal/table"
	"github.com/journeys-dev/journeys/schema"
)

// The analysis tables that name nobody (cohorts, metrics, sensitivity) are
// published as they are, footer metadata included, and an earlier copy
// goes when the private folder no longer has one.
func TestPublishCopiesTablesThatNameNobody(t *testing.T) {
	june := time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)
	param, value := "networked_items", "5"
	t.Run("cohorts", func(t *testing.T) {
		checkCopiedAsIs(t, schema.Cohorts.File(), []schema.CohortRow{
			{Community: "c", CohortMonth: june, K: 1, CohortSize: 2, StillActing: ptr(int64(1)), Share: ptr(0.5)},
			{Community: "c", CohortMonth: june, K: 2, CohortSize: 2},
		})
	})
	t.Run("metrics", func(t *testing.T) {
		checkCopiedAsIs(t, schema.Metrics.File(), []schema.MetricRow{
			{Community: "c", Period: june, Metric: analyze.MetricChangeRequestAcceptanceRatio, Value: ptr(0.5), Count: ptr(int64(2)),
				DefinitionURL: analyze.MetricDefinitions[analyze.MetricChangeRequestAcceptanceRatio]},
			{Community: "c", Period: june, Metric: analyze.MetricTimeToFirstResponseMedian, Count: ptr(int64(0)),
				DefinitionURL: analyze.MetricDefinitions[analyze.MetricTimeToFirstResponseMedian]},
		})
	})
	t.Run("sensitivity", func(t *testing.T) {
		checkCopiedAsIs(t, schema.Sensitivity.File(), []schema.SensitivityRow{
			{Community: "c", Variant: analyze.BaselineVariant, Baseline: true, Stage: analyze.StageDiscovery, AtStage: 3, EverReached: 9, StateNew: 1},
			{Community: "c", Variant: "networked_items=5", Parameter: &param, Value: &value, Stage: analyze.StageDiscovery, AtStage: 4, EverReached: 9},
		})
	})
}

// checkCopiedAsIs publishes a private folder holding rows as file, and
// checks the published copy, its footer, and that a stale copy goes.
func checkCopiedAsIs[T any](t *testing.T, file string, rows []T) {
	t.Helper()
	src, dst := t.TempDir(), t.TempDir()
	meta := table.WithMetadata(map[string]string{table.MetaAnalysisDate: "2024-06-30", table.MetaModelHash: "sha256:abc"})
	if err := table.WriteFile(filepath.Join(src, file), rows, meta); err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(Published, file) {
		t.Errorf("Published lacks %s", file)
	}
	p, _ := NewPseudonymizer(testKey)
	if err := Publish(context.Background(), src, dst, PublishOptions{Pseudonymizer: p}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dst, file)
	got, err := table.ReadFile[T](path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, rows) {
		t.Errorf("published %s:\n got %+v\nwant %+v", file, got, rows)
	}
	md, err := table.Metadata(path)
	if err != nil || md[table.MetaAnalysisDate] != "2024-06-30" || md[table.MetaModelHash] != "sha256:abc" || md[table.MetaTable] != strings.TrimSuffix(file, ".parquet") {
		t.Errorf("published footer of %s: %v (%v)", file, md, err)
	}
	os.Remove(filepath.Join(src, file))
	if err := Publish(context.Background(), src, dst, PublishOptions{Pseudonymizer: p}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); err == nil {
		t.Errorf("a stale %s was kept", file)
	}
}
