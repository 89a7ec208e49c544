package table_test

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"

	"github.com/journeys-dev/journeys/internal/table"
)

type row struct {
	Name    string     `parquet:"name"`
	Kind    string     `parquet:"kind,dict"`
	Note    *string    `parquet:"note"`
	N       int64      `parquet:"n"`
	M       *int64     `parquet:"m"`
	Small   int32      `parquet:"small"`
	OK      bool       `parquet:"ok"`
	Maybe   *bool      `parquet:"maybe"`
	Score   float64    `parquet:"score"`
	Median  *float64   `parquet:"median"`
	At      time.Time  `parquet:"at"`
	Closed  *time.Time `parquet:"closed"`
	Month   time.Time  `parquet:"month,date"`
	Labels  []string   `parquet:"labels"`
	ignored string
}

func ptr[T any](v T) *T { return &v }

func sampleRows(n int) []row {
	base := time.Date(2021, 7, 16, 15, 36, 14, 123456000, time.UTC)
	rows := make([]row, n)
	for i := range rows {
		rows[i] = row{
			Name:  "person-" + string(rune('a'+i%26)),
			Kind:  []string{"commit", "review"}[i%2],
			N:     int64(i),
			Small: int32(-i),
			OK:    i%3 == 0,
			Score: float64(i) / 4,
			At:    base.Add(time.Duration(i) * time.Hour),
			Month: time.Date(2021, time.Month(1+i%12), 1, 0, 0, 0, 0, time.UTC),
		}
		if i%2 == 0 {
			rows[i].Note = ptr("note <b>|</b>")
			rows[i].M = ptr(int64(i * 10))
			rows[i].Maybe = ptr(i%4 == 0)
			rows[i].Median = ptr(1.5)
			rows[i].Closed = ptr(base.Add(-time.Duration(i) * time.Minute))
			rows[i].Labels = []string{"bug", "good first issue"}
		}
	}
	return rows
}

func TestRoundTrip(t *testing.T) {
	for _, n := range []int{0, 1, 7, table.BatchSize + 3} {
		path := filepath.Join(t.TempDir(), "t.parquet")
		want := sampleRows(n)
		if err := table.WriteFile(path, want); err != nil {
			t.Fatal(err)
		}
		got, err := table.ReadFile[row](path)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != n {
			t.Fatalf("n=%d: read %d rows", n, len(got))
		}
		for i := range want {
			want[i].ignored = ""
			if !reflect.DeepEqual(got[i], want[i]) {
				t.Fatalf("n=%d row %d:\n got %+v\nwant %+v", n, i, got[i], want[i])
			}
		}
	}
}

// An independent reader (not Arrow) sees the logical types a notebook user
// expects: timestamps, dates, lists and optional columns.
func TestIndependentReaderSeesTypes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.parquet")
	if err := table.WriteFile(path, sampleRows(10)); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, _ := f.Stat()
	pf, err := parquet.OpenFile(f, st.Size())
	if err != nil {
		t.Fatal(err)
	}
	if pf.NumRows() != 10 {
		t.Errorf("rows = %d, want 10", pf.NumRows())
	}
	schema := pf.Schema()
	check := func(col string, wantOptional bool, wantType string) {
		t.Helper()
		var node parquet.Node
		for _, f := range schema.Fields() {
			if f.Name() == col {
				node = f
			}
		}
		if node == nil {
			t.Errorf("column %s missing", col)
			return
		}
		if node.Optional() != wantOptional {
			t.Errorf("%s optional = %v, want %v", col, node.Optional(), wantOptional)
		}
		got := ""
		if lt := node.Type().LogicalType(); lt != nil {
			switch v := lt.Value.(type) {
			case *format.TimestampType:
				got = "timestamp"
				if !v.IsAdjustedToUTC {
					t.Errorf("%s: timestamp not adjusted to UTC", col)
				}
			case *format.DateType:
				got = "date"
			case *format.StringType:
				got = "string"
			case *format.ListType:
				got = "list"
			}
		}
		if got == "" {
			got = node.Type().Kind().String()
		}
		if got != wantType {
			t.Errorf("%s type = %s, want %s", col, got, wantType)
		}
	}
	check("name", false, "string")
	check("note", true, "string")
	check("at", false, "timestamp")
	check("closed", true, "timestamp")
	check("month", false, "date")
	check("labels", false, "list")
	check("n", false, "INT64")
	check("ok", false, "BOOLEAN")
}

func TestAbortLeavesPreviousFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "t.parquet")
	if err := table.WriteFile(path, sampleRows(3)); err != nil {
		t.Fatal(err)
	}
	w, err := table.Create[row](path)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(sampleRows(100)...); err != nil {
		t.Fatal(err)
	}
	w.Abort()
	got, err := table.ReadFile[row](path)
	if err != nil || len(got) != 3 {
		t.Fatalf("after abort: %d rows, %v; want the 3 old rows", len(got), err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("temporary files left behind: %v", entries)
	}
}

func TestMissingColumnsReadAsZero(t *testing.T) {
	type narrow struct {
		Name string `parquet:"name"`
	}
	type wide struct {
		Name  string  `parquet:"name"`
		Extra *string `parquet:"extra"`
	}
	path := filepath.Join(t.TempDir(), "t.parquet")
	if err := table.WriteFile(path, []narrow{{"a"}, {"b"}}); err != nil {
		t.Fatal(err)
	}
	got, err := table.ReadFile[wide](path)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[1].Name != "b" || got[1].Extra != nil {
		t.Errorf("got %+v", got)
	}
}

func TestSchemaErrors(t *testing.T) {
	type bad struct {
		M map[string]int `parquet:"m"`
	}
	if _, err := table.Schema[bad](); err == nil {
		t.Error("want an error for a map field")
	}
	if _, err := table.Schema[int](); err == nil {
		t.Error("want an error for a non-struct type")
	}
}

func BenchmarkWrite(b *testing.B) {
	rows := sampleRows(200_000)
	path := filepath.Join(b.TempDir(), "t.parquet")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := table.WriteFile(path, rows); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(rows)*b.N)/b.Elapsed().Seconds(), "rows/s")
}

func BenchmarkRead(b *testing.B) {
	rows := sampleRows(200_000)
	path := filepath.Join(b.TempDir(), "t.parquet")
	if err := table.WriteFile(path, rows); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := table.ReadFile[row](path); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(rows)*b.N)/b.Elapsed().Seconds(), "rows/s")
}

// Batches are reused while scanning: a null or empty value in a later batch
// must not show an earlier batch's value.
func TestScanReusesNoStaleValues(t *testing.T) {
	rows := sampleRows(table.BatchSize + 10)
	for i := table.BatchSize; i < len(rows); i++ {
		rows[i].Note, rows[i].Labels, rows[i].Closed = nil, nil, nil
	}
	path := filepath.Join(t.TempDir(), "t.parquet")
	if err := table.WriteFile(path, rows); err != nil {
		t.Fatal(err)
	}
	seen := 0
	err := table.Scan(path, func(batch []row) error {
		for i := range batch {
			want := rows[seen]
			want.ignored = ""
			if !reflect.DeepEqual(batch[i], want) {
				t.Fatalf("row %d: got %+v, want %+v", seen, batch[i], want)
			}
			seen++
		}
		return nil
	})
	if err != nil || seen != len(rows) {
		t.Fatalf("scanned %d rows, err %v", seen, err)
	}
}

// Rewrite can filter and change a table in place; the old file stays
// whole until the new one is complete.
func TestRewriteInPlace(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.parquet")
	if err := table.WriteFile(path, sampleRows(10)); err != nil {
		t.Fatal(err)
	}
	n, err := table.Rewrite(context.Background(), path, path, func(r *row) (row, bool) {
		r.Name = strings.ToUpper(r.Name)
		return *r, r.N%2 == 0
	})
	if err != nil || n != 5 {
		t.Fatalf("Rewrite: %d rows, %v; want 5", n, err)
	}
	got, err := table.ReadFile[row](path)
	if err != nil || len(got) != 5 || got[1].Name != "PERSON-C" || got[1].N != 2 {
		t.Fatalf("after Rewrite: %+v, %v", got, err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := table.Rewrite(ctx, path, path, func(r *row) (row, bool) { return *r, false }); err == nil {
		t.Fatal("a cancelled Rewrite succeeded")
	}
	if got, _ := table.ReadFile[row](path); len(got) != 5 {
		t.Errorf("a failed Rewrite changed the file: %d rows", len(got))
	}
}
