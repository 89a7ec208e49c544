package dataset

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/journeys-dev/journeys/internal/table"
)

// Layouts of the output folder.
const (
	// LayoutFlat: one Parquet file per table (TABLE.parquet). Always
	// written: analyze and report read it.
	LayoutFlat = "flat"
	// LayoutPartitioned: in addition, each table as a Hive-partitioned
	// dataset, TABLE/community=…/repo=…/part-N.parquet, and manifest.json.
	LayoutPartitioned = "partitioned"
)

// ParseLayout checks a --layout value.
func ParseLayout(s string) (string, error) {
	switch s {
	case "", LayoutFlat:
		return LayoutFlat, nil
	case LayoutPartitioned:
		return LayoutPartitioned, nil
	}
	return "", fmt.Errorf("layout %q: want %s or %s", s, LayoutFlat, LayoutPartitioned)
}

// nullPartition is Hive's name for a null (or, here, absent) partition
// value; an empty table gets one empty file there, so that readers still
// find its schema.
const nullPartition = "__HIVE_DEFAULT_PARTITION__"

// EscapePathValue escapes a partition value for a path segment the way
// Hive-style readers unescape it: every byte outside A-Z, a-z, 0-9, '.',
// '_' and '-' becomes %XX (upper-case hex), so "owner/name" is
// "owner%2Fname" and "The Turing Way" is "The%20Turing%20Way". DuckDB and
// Spark turn it back into the value.
func EscapePathValue(v string) string {
	if v == "" {
		return nullPartition
	}
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// A TableInfo says how one table was laid out.
type TableInfo struct {
	// Path is the dataset's folder, relative to the output folder.
	Path        string   `json:"path"`
	PartitionBy []string `json:"partition_by"`
	Rows        int64    `json:"rows"`
	Files       int      `json:"files"`
}

// partitionTable writes the flat table src as a Hive-partitioned dataset
// in folder dst (which must not exist), partitioned by the string columns
// keys, outermost first. Rows keep their order; the rows of a partition
// are expected to be contiguous (every table is sorted by its partition
// columns first), and a partition met again gets a further part file.
func partitionTable(ctx context.Context, src, dst string, keys []string) (TableInfo, error) {
	info := TableInfo{PartitionBy: []string{}}
	pf, err := file.OpenParquetFile(src, false)
	if err != nil {
		return info, fmt.Errorf("read %s: %w", src, err)
	}
	defer pf.Close()
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{BatchSize: table.BatchSize}, memory.DefaultAllocator)
	if err != nil {
		return info, fmt.Errorf("read %s: %w", src, err)
	}
	schema, err := fr.Schema()
	if err != nil {
		return info, fmt.Errorf("read %s: %w", src, err)
	}
	var keyIdx []int
	for _, k := range keys {
		idx := schema.FieldIndices(k)
		if len(idx) != 1 || !isString(schema.Field(idx[0]).Type) {
			return info, fmt.Errorf("read %s: no string column %s to partition by", src, k)
		}
		keyIdx = append(keyIdx, idx[0])
		info.PartitionBy = append(info.PartitionBy, k)
	}
	var keep []int
	var fields []arrow.Field
	for i, f := range schema.Fields() {
		if !containsInt(keyIdx, i) {
			keep = append(keep, i)
			fields = append(fields, f)
		}
	}
	// The part files are written as the flat file was: the same
	// dictionary-encoded columns and the same journeys.* metadata.
	outSchema := arrow.NewSchema(fields, nil)
	kv, dict := table.DerivedMetadata(pf)

	rr, err := fr.GetRecordReader(ctx, nil, nil)
	if err != nil {
		return info, fmt.Errorf("read %s: %w", src, err)
	}
	defer rr.Release()

	parts := map[string]int{}
	var cur *table.RecordWriter
	var curKey string
	closeCur := func() error {
		if cur == nil {
			return nil
		}
		err := cur.Close()
		cur = nil
		return err
	}
	defer func() {
		if cur != nil {
			cur.Abort()
		}
	}()
	open := func(dir string) error {
		n := parts[dir]
		parts[dir] = n + 1
		// The file is not synced on its own: the whole dataset becomes
		// visible by one rename of its folder.
		w, err := table.CreateRecords(filepath.Join(dst, dir, fmt.Sprintf("part-%05d.parquet", n)), outSchema, dict, kv, false)
		if err != nil {
			return err
		}
		cur, curKey = w, dir
		info.Files++
		return nil
	}
	for rr.Next() {
		if err := ctx.Err(); err != nil {
			return info, err
		}
		rec := rr.RecordBatch()
		n := int(rec.NumRows())
		start := 0
		for start < n {
			dir := partitionDir(rec, keyIdx, info.PartitionBy, start)
			end := start + 1
			for end < n && partitionDir(rec, keyIdx, info.PartitionBy, end) == dir {
				end++
			}
			if cur == nil || dir != curKey {
				if err := closeCur(); err != nil {
					return info, err
				}
				if err := open(dir); err != nil {
					return info, err
				}
			}
			// Sliced arrays are copied compact: the Parquet writer of
			// list columns mishandles a slice's offsets.
			cols := make([]arrow.Array, len(keep))
			for i, c := range keep {
				sl := array.NewSlice(rec.Column(c), int64(start), int64(end))
				cols[i], err = array.Concatenate([]arrow.Array{sl}, memory.DefaultAllocator)
				sl.Release()
				if err != nil {
					return info, fmt.Errorf("write a part of %s: %w", dst, err)
				}
			}
			part := array.NewRecordBatch(outSchema, cols, int64(end-start))
			for _, c := range cols {
				c.Release()
			}
			err := cur.WriteBuffered(part)
			part.Release()
			if err != nil {
				return info, err
			}
			info.Rows += int64(end - start)
			start = end
		}
	}
	if err := rr.Err(); err != nil && !errors.Is(err, io.EOF) {
		return info, fmt.Errorf("read %s: %w", src, err)
	}
	if info.Files == 0 {
		// An empty table: one file (with one empty row group, as every
		// empty table), so that the schema is known.
		var segs []string
		for _, k := range info.PartitionBy {
			segs = append(segs, k+"="+nullPartition)
		}
		if err := open(filepath.Join(segs...)); err != nil {
			return info, err
		}
	}
	return info, closeCur()
}

// partitionDir is the relative folder of row i: key=value/key=value.
func partitionDir(rec arrow.RecordBatch, keyIdx []int, keys []string, i int) string {
	var b strings.Builder
	for j, idx := range keyIdx {
		if j > 0 {
			b.WriteByte(filepath.Separator)
		}
		b.WriteString(keys[j])
		b.WriteByte('=')
		b.WriteString(EscapePathValue(stringAt(rec.Column(idx), i)))
	}
	return b.String()
}

func isString(t arrow.DataType) bool {
	switch t := t.(type) {
	case *arrow.StringType, *arrow.LargeStringType:
		return true
	case *arrow.DictionaryType:
		return isString(t.ValueType)
	}
	return false
}

// stringAt returns the string at row i of a string (or dictionary of
// strings) column; "" for a null.
func stringAt(a arrow.Array, i int) string {
	if a.IsNull(i) {
		return ""
	}
	switch a := a.(type) {
	case *array.String:
		return a.Value(i)
	case *array.LargeString:
		return a.Value(i)
	case *array.Dictionary:
		return stringAt(a.Dictionary(), a.GetValueIndex(i))
	}
	return ""
}

func containsInt(list []int, x int) bool {
	for _, v := range list {
		if v == x {
			return true
		}
	}
	return false
}
