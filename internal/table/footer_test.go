package table_test

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"github.com/parquet-go/parquet-go"

	"github.com/journeys-dev/journeys/internal/table"
)

// Every file's footer names the schema version, the tool's version and the
// table, and keeps the extra keys a caller adds; created_by names the tool.
func TestFooterMetadata(t *testing.T) {
	path := filepath.Join(t.TempDir(), "contributors.parquet")
	extra := map[string]string{table.MetaAnalysisDate: "2024-01-31", table.MetaModelHash: "sha256:abc", table.MetaModelVersion: "1"}
	if err := table.WriteFile(path, sampleRows(3), table.WithMetadata(extra)); err != nil {
		t.Fatal(err)
	}
	kv, err := table.Metadata(path)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		table.MetaSchemaVersion: strconv.Itoa(table.SchemaVersion),
		table.MetaTable:         "contributors",
		table.MetaAnalysisDate:  "2024-01-31",
		table.MetaModelHash:     "sha256:abc",
		table.MetaModelVersion:  "1",
	}
	for k, v := range want {
		if kv[k] != v {
			t.Errorf("%s = %q, want %q", k, kv[k], v)
		}
	}
	if v := kv[table.MetaVersion]; v == "" || v == "devel" {
		t.Errorf("%s = %q, want a version that names a build", table.MetaVersion, v)
	}
	pf, err := file.OpenParquetFile(path, false)
	if err != nil {
		t.Fatal(err)
	}
	defer pf.Close()
	if cb := pf.MetaData().GetCreatedBy(); cb != "journeys version "+kv[table.MetaVersion] {
		t.Errorf("created_by = %q", cb)
	}

	// A rewritten table keeps the analysis keys and is stamped anew.
	dst := filepath.Join(t.TempDir(), "contributors.parquet")
	if _, err := table.Rewrite(t.Context(), path, dst, func(r *row) (row, bool) { return *r, true }); err != nil {
		t.Fatal(err)
	}
	kv2, err := table.Metadata(dst)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range want {
		if kv2[k] != v {
			t.Errorf("after Rewrite: %s = %q, want %q", k, kv2[k], v)
		}
	}
}

// A ",dict" column is dictionary-encoded in Parquet, but Arrow readers
// (polars, pandas through pyarrow) see a plain string, not a categorical.
func TestDictColumnsAreStringsToArrowReaders(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.parquet")
	if err := table.WriteFile(path, sampleRows(100)); err != nil {
		t.Fatal(err)
	}
	pf, err := file.OpenParquetFile(path, false)
	if err != nil {
		t.Fatal(err)
	}
	defer pf.Close()
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	schema, err := fr.Schema()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range schema.Fields() {
		if f.Type.ID() == arrow.DICTIONARY {
			t.Errorf("column %s is stored as %s", f.Name, f.Type)
		}
	}
	md := pf.MetaData()
	kindIdx := md.Schema.ColumnIndexByName("kind")
	cc, err := md.RowGroup(0).ColumnChunk(kindIdx)
	if err != nil {
		t.Fatal(err)
	}
	if !cc.HasDictionaryPage() {
		t.Error("kind (a ,dict column) has no dictionary page")
	}
}

// Statistics are what readers prune row groups by: every column chunk of
// every row group has a null count equal to its real number of nulls (never
// negative), and right min and max, across several row groups.
func TestStatisticsAreValid(t *testing.T) {
	rows := sampleRows(2*table.BatchSize + 100)
	path := filepath.Join(t.TempDir(), "t.parquet")
	if err := table.WriteFile(path, rows); err != nil {
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
	if len(pf.RowGroups()) != 3 {
		t.Fatalf("%d row groups, want 3", len(pf.RowGroups()))
	}
	start := 0
	for g, rg := range pf.Metadata().RowGroups {
		n := int(rg.NumRows)
		part := rows[start : start+n]
		wantNulls := map[string]int64{}
		for _, r := range part {
			if r.Note == nil {
				wantNulls["note"]++
				wantNulls["m"]++
				wantNulls["maybe"]++
				wantNulls["median"]++
				wantNulls["closed"]++
			}
		}
		minN, maxN := part[0].N, part[len(part)-1].N
		for _, cc := range rg.Columns {
			name := cc.MetaData.PathInSchema[0]
			s := cc.MetaData.Statistics
			if s.NullCount < 0 {
				t.Errorf("row group %d, %s: null count %d", g, name, s.NullCount)
			}
			if name != "labels" && s.NullCount != wantNulls[name] {
				t.Errorf("row group %d, %s: null count %d, want %d", g, name, s.NullCount, wantNulls[name])
			}
			if name == "n" {
				lo, hi := int64(le64(s.MinValue)), int64(le64(s.MaxValue))
				if lo != minN || hi != maxN {
					t.Errorf("row group %d, n: min/max %d/%d, want %d/%d", g, lo, hi, minN, maxN)
				}
			}
			if name == "kind" && (string(s.MinValue) != "commit" || string(s.MaxValue) != "review") {
				t.Errorf("row group %d, kind: min/max %q/%q, want commit/review", g, s.MinValue, s.MaxValue)
			}
		}
		start += n
	}
}

func le64(b []byte) uint64 {
	var v uint64
	for i := len(b) - 1; i >= 0; i-- {
		v = v<<8 | uint64(b[i])
	}
	return v
}
