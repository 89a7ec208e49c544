package analyze

import (
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"testing"

	"github.com/journeys-dev/journeys/internal/table"
	"github.com/journeys-dev/journeys/schema"
)

// Run reads events.parquet and writes the same tables Analyze returns.
func TestRunWritesTheTables(t *testing.T) {
	dir := t.TempDir()
	events := syntheticEvents(syntheticConfig{People: 200, Items: 1000, Comments: 5000, Commits: 800, Seed: 3})
	if err := table.WriteFile(filepath.Join(dir, schema.Events.File()), events); err != nil {
		t.Fatal(err)
	}
	opts := Options{AsOf: syntheticAsOf, ToolVersion: "test"}
	m, err := Run(context.Background(), dir, opts)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	want, err := Analyze(events, opts)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(*m, want.Manifest) {
		t.Errorf("manifest:\n got %+v\nwant %+v", *m, want.Manifest)
	}
	checkTable(t, filepath.Join(dir, schema.Contributors.File()), want.Contributors)
	checkTable(t, filepath.Join(dir, schema.ContributorMonths.File()), want.Months)
	checkTable(t, filepath.Join(dir, schema.Transitions.File()), want.Transitions)
	checkTable(t, filepath.Join(dir, schema.Funnel.File()), want.Funnel)
	checkTable(t, filepath.Join(dir, schema.Identities.File()), want.Identities)
	checkTable(t, filepath.Join(dir, schema.Bots.File()), want.Bots)

	data, err := os.ReadFile(filepath.Join(dir, ManifestFile))
	if err != nil {
		t.Fatal(err)
	}
	var onDisk Manifest
	if err := json.Unmarshal(data, &onDisk); err != nil {
		t.Fatalf("analysis.json: %v", err)
	}
	if onDisk.EventsRead != int64(len(events)) || onDisk.ToolVersion != "test" || onDisk.UnresolvedCommits == 0 {
		t.Errorf("analysis.json = %+v", onDisk)
	}
	left, _ := filepath.Glob(filepath.Join(dir, ".*tmp*"))
	if len(left) > 0 {
		t.Errorf("temporary files left: %q", left)
	}
}

func checkTable[T any](t *testing.T, path string, want []T) {
	t.Helper()
	got, err := table.ReadFile[T](path)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	if len(got) == 0 && len(want) == 0 {
		return
	}
	if len(got) != len(want) {
		t.Fatalf("%s: %d rows, want %d", filepath.Base(path), len(got), len(want))
	}
	for i := range got {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Fatalf("%s row %d:\n got %+v\nwant %+v", filepath.Base(path), i, got[i], want[i])
		}
	}
}

func TestRunReportsAMissingEventsFile(t *testing.T) {
	_, err := Run(context.Background(), t.TempDir(), Options{AsOf: syntheticAsOf})
	if err == nil {
		t.Fatal("no error for a folder without events.parquet")
	}
}

var syntheticDir = flag.String("synthetic", "", "folder holding (or to receive) a Kubernetes-sized events.parquet for BenchmarkRun")

// TestWriteSynthetic writes the Kubernetes-sized events.parquet into the
// -synthetic folder, so that BenchmarkRun can be measured in a process that
// never held the generated events.
func TestWriteSynthetic(t *testing.T) {
	if *syntheticDir == "" {
		t.Skip("no -synthetic folder")
	}
	if err := os.MkdirAll(*syntheticDir, 0o755); err != nil {
		t.Fatal(err)
	}
	events := syntheticEvents(kubernetesSized)
	if err := table.WriteFile(filepath.Join(*syntheticDir, schema.Events.File()), events); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d events", len(events))
}

// BenchmarkRun measures the whole step on Kubernetes-sized data: read
// events.parquet, infer the journeys, write every table.
func BenchmarkRun(b *testing.B) { benchmarkRun(b, nil) }

// benchmarkRun measures Run with the options setup sets (nil: the defaults).
func benchmarkRun(b *testing.B, setup func(*Options)) {
	dir := *syntheticDir
	if dir == "" {
		dir = b.TempDir()
	}
	path := filepath.Join(dir, schema.Events.File())
	if _, err := os.Stat(path); err != nil {
		events := syntheticEvents(kubernetesSized)
		if err := table.WriteFile(path, events); err != nil {
			b.Fatal(err)
		}
		events = nil
		runtime.GC()
	}
	out := b.TempDir()
	if err := os.Link(path, filepath.Join(out, schema.Events.File())); err != nil {
		b.Fatal(err)
	}
	opts := Options{AsOf: syntheticAsOf}
	if setup != nil {
		setup(&opts)
	}
	var m *Manifest
	var err error
	b.ResetTimer()
	cpu0 := cpuTime()
	for b.Loop() {
		if m, err = Run(context.Background(), out, opts); err != nil {
			b.Fatal(err)
		}
	}
	// CPU time says what one core can do even on a busy machine.
	cpu := (cpuTime() - cpu0).Seconds() / float64(b.N)
	b.ReportMetric(float64(m.EventsRead)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
	if cpu > 0 {
		b.ReportMetric(cpu, "cpu-s/op")
		b.ReportMetric(float64(m.EventsRead)/cpu, "events/cpu-s")
	}
	b.ReportMetric(float64(m.Contributors), "contributors")
}

var _ = schema.KindStar
