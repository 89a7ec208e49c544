package table

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"
	"time"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

type timeValue = time.Time

// ReadFile reads the whole table at path into a slice of T. Columns are
// matched to fields by name; a column the file lacks leaves its field at the
// zero value, so older files stay readable after a column is added.
func ReadFile[T any](path string) ([]T, error) {
	var out []T
	err := scan(path, nil, func(rows int64) { out = make([]T, 0, rows) }, func(batch []T) error {
		out = append(out, batch...)
		return nil
	})
	return out, err
}

// Scan reads the table at path batch by batch and calls fn with each batch.
// The slice passed to fn is reused for the next batch: copy what you keep.
// Rows may share the pointers of nullable fields: treat them as read-only.
func Scan[T any](path string, fn func(batch []T) error) error {
	return ScanColumns(path, nil, fn)
}

// ScanColumns is Scan reading only the named columns (all when columns is
// nil); the other fields of T stay at their zero values. Reading fewer
// columns is much faster on wide tables.
func ScanColumns[T any](path string, columns []string, fn func(batch []T) error) error {
	return scan(path, columns, nil, fn)
}

// scan is ScanColumns, first telling sized (when not nil) how many rows the
// file holds.
func scan[T any](path string, columns []string, sized func(rows int64), fn func(batch []T) error) error {
	l, err := layoutOf[T]()
	if err != nil {
		return err
	}
	var batch []T
	return scanRows(path, l, columns, sized, func(n int) unsafe.Pointer {
		if cap(batch) < n {
			batch = make([]T, n)
		}
		batch = batch[:n]
		return unsafe.Pointer(unsafe.SliceData(batch))
	}, func() error { return fn(batch) })
}

// ScanType is ScanColumns for a row type known only at run time: fn gets
// each batch as a slice of typ, reused for the next batch.
func ScanType(path string, typ reflect.Type, columns []string, fn func(batch reflect.Value) error) error {
	l, err := layoutFor(typ)
	if err != nil {
		return err
	}
	var batch reflect.Value
	return scanRows(path, l, columns, nil, func(n int) unsafe.Pointer {
		if !batch.IsValid() || batch.Cap() < n {
			batch = reflect.MakeSlice(reflect.SliceOf(typ), n, n)
		}
		batch = batch.Slice(0, n)
		return batch.UnsafePointer()
	}, func() error { return fn(batch) })
}

// ReadFileType is ReadFile for a row type known only at run time: it
// returns a slice of typ.
func ReadFileType(path string, typ reflect.Type) (reflect.Value, error) {
	out := reflect.MakeSlice(reflect.SliceOf(typ), 0, 0)
	err := ScanType(path, typ, nil, func(batch reflect.Value) error {
		out = reflect.AppendSlice(out, batch)
		return nil
	})
	return out, err
}

// scanRows reads the table at path batch by batch into rows of layout l:
// buffer returns room for n rows (whose fields of the columns not read
// keep their values), and emit is called once they are filled.
func scanRows(path string, l *layout, columns []string, sized func(rows int64), buffer func(n int) unsafe.Pointer, emit func() error) error {
	pf, err := file.OpenParquetFile(path, false)
	if err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	defer pf.Close()
	if sized != nil {
		sized(pf.NumRows())
	}
	props := pqarrow.ArrowReadProperties{BatchSize: BatchSize}
	// Dictionary-encoded columns are read as dictionaries, so that each
	// distinct value is decoded and copied once per batch, not once per row.
	for i := range l.columns {
		if c := &l.columns[i]; c.dict {
			if idx := pf.MetaData().Schema.ColumnIndexByName(c.name); idx >= 0 {
				props.SetReadDict(idx, true)
			}
		}
	}
	fr, err := pqarrow.NewFileReader(pf, props, allocator)
	if err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	schema, err := fr.Schema()
	if err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	// Map each struct column to a file column, checking types.
	var indices []int
	var cols []*column
	for i := range l.columns {
		c := &l.columns[i]
		if columns != nil && !slices.Contains(columns, c.name) {
			continue
		}
		idx := schema.FieldIndices(c.name)
		if len(idx) == 0 {
			continue
		}
		got := schema.Field(idx[0]).Type
		if !compatible(c.field.Type, got) {
			return fmt.Errorf("read %s: column %s is %s, want %s", path, c.name, got, c.field.Type)
		}
		indices = append(indices, idx[0])
		cols = append(cols, c)
	}
	if len(indices) == 0 {
		return fmt.Errorf("read %s: no known columns", path)
	}
	rr, err := fr.GetRecordReader(context.Background(), indices, nil)
	if err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	defer rr.Release()
	size := l.typ.Size()
	for {
		rec, err := rr.Read()
		if rec == nil || err != nil {
			if err != nil && !errors.Is(err, io.EOF) {
				return fmt.Errorf("read %s: %w", path, err)
			}
			return nil
		}
		n := int(rec.NumRows())
		base := buffer(n)
		// No clear: fill writes every row of every column it reads (a
		// null as the zero value), and the fields of columns not read
		// were never written.
		if n > 0 {
			for j, c := range cols {
				col := rec.Column(j)
				if col.NullN() > 0 {
					zero(base, size, c, n)
				}
				fill(base, size, c, col)
			}
		}
		if err := emit(); err != nil {
			return err
		}
	}
}

// compatible reports whether a file column of type got can fill a field of
// type want. Timestamps of any unit and zone are accepted.
func compatible(want, got arrow.DataType) bool {
	if d, ok := got.(*arrow.DictionaryType); ok {
		got = d.ValueType
	}
	if want.ID() == arrow.TIMESTAMP {
		return got.ID() == arrow.TIMESTAMP
	}
	return arrow.TypeEqual(want, got)
}

// fill copies column arr into field c of each of the rows at base.
func fill(base unsafe.Pointer, size uintptr, c *column, arr arrow.Array) {
	row := func(i int) unsafe.Pointer { return unsafe.Add(base, uintptr(i)*size+c.offset) }
	n := arr.Len()
	switch c.kind {
	case kString, kStringPtr:
		if d, ok := arr.(*array.Dictionary); ok {
			fillDict(base, size, c, d)
			return
		}
		a := arr.(*array.String)
		// Copy the column's bytes once, so that the strings neither alias
		// Arrow's buffers nor cost one allocation each; low-cardinality
		// columns share one copy per distinct value.
		var data []byte
		var interned map[string]string
		if c.dict {
			interned = make(map[string]string)
		} else if vb := a.ValueBytes(); len(vb) > 0 {
			data = bytes.Clone(vb)
		}
		var slab []string
		if c.kind == kStringPtr {
			slab = make([]string, n)
		}
		for i := 0; i < n; i++ {
			if a.IsNull(i) {
				continue
			}
			v := a.Value(i)
			var s string
			if interned != nil {
				var ok bool
				if s, ok = interned[v]; !ok {
					s = strings.Clone(v)
					interned[s] = s
				}
			} else if len(v) > 0 {
				off := uintptr(unsafe.Pointer(unsafe.StringData(v))) - uintptr(unsafe.Pointer(unsafe.SliceData(a.ValueBytes())))
				s = unsafe.String(&data[off], len(v))
			}
			if c.kind == kString {
				*(*string)(row(i)) = s
			} else {
				slab[i] = s
				*(**string)(row(i)) = &slab[i]
			}
		}
	case kInt64, kInt64Ptr:
		a := arr.(*array.Int64)
		var slab []int64
		if c.kind == kInt64Ptr {
			slab = make([]int64, n)
		}
		for i := 0; i < n; i++ {
			if a.IsNull(i) {
				continue
			}
			v := a.Value(i)
			if c.kind == kInt64 {
				*(*int64)(row(i)) = v
			} else {
				slab[i] = v
				*(**int64)(row(i)) = &slab[i]
			}
		}
	case kInt32:
		a := arr.(*array.Int32)
		for i := 0; i < n; i++ {
			*(*int32)(row(i)) = a.Value(i)
		}
	case kBool, kBoolPtr:
		a := arr.(*array.Boolean)
		for i := 0; i < n; i++ {
			if a.IsNull(i) {
				continue
			}
			v := a.Value(i)
			if c.kind == kBool {
				*(*bool)(row(i)) = v
			} else {
				*(**bool)(row(i)) = &v
			}
		}
	case kFloat64, kFloat64Ptr:
		a := arr.(*array.Float64)
		for i := 0; i < n; i++ {
			if a.IsNull(i) {
				continue
			}
			v := a.Value(i)
			if c.kind == kFloat64 {
				*(*float64)(row(i)) = v
			} else {
				*(**float64)(row(i)) = &v
			}
		}
	case kTime, kTimePtr:
		a := arr.(*array.Timestamp)
		toTime, _ := a.DataType().(*arrow.TimestampType).GetToTimeFunc()
		var slab []time.Time
		if c.kind == kTimePtr {
			slab = make([]time.Time, n)
		}
		for i := 0; i < n; i++ {
			if a.IsNull(i) {
				continue
			}
			v := toTime(a.Value(i)).UTC()
			if c.kind == kTime {
				*(*time.Time)(row(i)) = v
			} else {
				slab[i] = v
				*(**time.Time)(row(i)) = &slab[i]
			}
		}
	case kDate:
		a := arr.(*array.Date32)
		for i := 0; i < n; i++ {
			if !a.IsNull(i) {
				*(*time.Time)(row(i)) = a.Value(i).ToTime().UTC()
			}
		}
	case kStrings:
		a := arr.(*array.List)
		vals := a.ListValues().(*array.String)
		for i := 0; i < n; i++ {
			if a.IsNull(i) {
				continue
			}
			lo, hi := a.ValueOffsets(i)
			if hi == lo {
				*(*[]string)(row(i)) = nil
				continue
			}
			list := make([]string, 0, hi-lo)
			for k := lo; k < hi; k++ {
				list = append(list, strings.Clone(vals.Value(int(k))))
			}
			*(*[]string)(row(i)) = list
		}
	}
}

// fillDict copies a dictionary-encoded string column: each dictionary entry
// is copied once, and rows share it.
func fillDict(base unsafe.Pointer, size uintptr, c *column, d *array.Dictionary) {
	dict := d.Dictionary().(*array.String)
	values := make([]string, dict.Len())
	copied := make([]bool, dict.Len())
	n := d.Len()
	for i := 0; i < n; i++ {
		if d.IsNull(i) {
			continue
		}
		k := d.GetValueIndex(i)
		if !copied[k] {
			values[k], copied[k] = strings.Clone(dict.Value(k)), true
		}
		p := unsafe.Add(base, uintptr(i)*size+c.offset)
		if c.kind == kString {
			*(*string)(p) = values[k]
		} else {
			*(**string)(p) = &values[k] // rows with one value share a pointer
		}
	}
}

// zero sets field c of n rows to its zero value, before a column with nulls
// is filled (fill skips the nulls).
func zero(base unsafe.Pointer, size uintptr, c *column, n int) {
	for i := 0; i < n; i++ {
		p := unsafe.Add(base, uintptr(i)*size+c.offset)
		switch c.kind {
		case kString:
			*(*string)(p) = ""
		case kStringPtr:
			*(**string)(p) = nil
		case kInt64:
			*(*int64)(p) = 0
		case kInt64Ptr:
			*(**int64)(p) = nil
		case kInt32:
			*(*int32)(p) = 0
		case kBool:
			*(*bool)(p) = false
		case kBoolPtr:
			*(**bool)(p) = nil
		case kFloat64:
			*(*float64)(p) = 0
		case kFloat64Ptr:
			*(**float64)(p) = nil
		case kTime, kDate:
			*(*time.Time)(p) = time.Time{}
		case kTimePtr:
			*(**time.Time)(p) = nil
		case kStrings:
			*(*[]string)(p) = nil
		}
	}
}
