package table

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/journeys-dev/journeys/internal/version"
)

// A Writer streams rows of type T into a Parquet file. Rows are buffered in
// Arrow builders and flushed as a row group every BatchSize rows. Nothing is
// visible at the destination path until Close succeeds; Abort (or a failed
// Close) removes the temporary file.
type Writer[T any] struct {
	w *rowWriter
}

// A RowWriter is a Writer of rows whose type is known only at run time
// (CreateType).
type RowWriter struct {
	w *rowWriter
}

// rowWriter is a Writer of the rows of a layout.
type rowWriter struct {
	layout   *layout
	out      *RecordWriter
	builders []array.Builder // one per column
	pending  int
}

// An Option adds to what Create writes.
type Option func(*options)

type options struct {
	metadata map[string]string
}

// WithMetadata adds key-value pairs to the file's footer, beside the keys
// every file gets (see Metadata). Keys should start with "journeys.".
func WithMetadata(kv map[string]string) Option {
	return func(o *options) {
		for k, v := range kv {
			o.metadata[k] = v
		}
	}
}

// Create starts writing a table of rows of type T to path. The table's name
// in the metadata is the file's base name without ".parquet".
func Create[T any](path string, opts ...Option) (*Writer[T], error) {
	l, err := layoutOf[T]()
	if err != nil {
		return nil, err
	}
	w, err := newRowWriter(path, l, opts)
	if err != nil {
		return nil, err
	}
	return &Writer[T]{w}, nil
}

// CreateType is Create for rows of the struct type typ.
func CreateType(path string, typ reflect.Type, opts ...Option) (*RowWriter, error) {
	l, err := layoutFor(typ)
	if err != nil {
		return nil, err
	}
	w, err := newRowWriter(path, l, opts)
	if err != nil {
		return nil, err
	}
	return &RowWriter{w}, nil
}

func newRowWriter(path string, l *layout, opts []Option) (*rowWriter, error) {
	o := options{metadata: map[string]string{}}
	for _, opt := range opts {
		opt(&o)
	}
	var dict []string
	for _, c := range l.columns {
		if c.dict {
			dict = append(dict, c.name)
		}
	}
	out, err := CreateRecords(path, l.schema, dict, fileMetadata(TableName(path), o.metadata), true)
	if err != nil {
		return nil, err
	}
	w := &rowWriter{layout: l, out: out, builders: make([]array.Builder, len(l.columns))}
	for i, c := range l.columns {
		w.builders[i] = array.NewBuilder(memory.DefaultAllocator, c.field.Type)
	}
	return w, nil
}

// Write appends rows. After an error every later call returns it.
func (w *Writer[T]) Write(rows ...T) error {
	if len(rows) == 0 {
		return w.w.write(nil, 0, 0)
	}
	return w.w.write(unsafe.Pointer(unsafe.SliceData(rows)), unsafe.Sizeof(rows[0]), len(rows))
}

// Write appends rows, a slice of the writer's row type.
func (w *RowWriter) Write(rows reflect.Value) error {
	if rows.Kind() != reflect.Slice || rows.Type().Elem() != w.w.layout.typ {
		return fmt.Errorf("table: write %v rows to a table of %v", rows.Type(), w.w.layout.typ)
	}
	return w.w.write(rows.UnsafePointer(), w.w.layout.typ.Size(), rows.Len())
}

// Rows returns the number of rows written so far.
func (w *Writer[T]) Rows() int64 { return w.w.rows() }

// Rows returns the number of rows written so far.
func (w *RowWriter) Rows() int64 { return w.w.rows() }

func (w *rowWriter) rows() int64 { return w.out.rows + int64(w.pending) }

// Close flushes the last rows, syncs the file and renames it to its
// destination. A table with no rows is still a valid file with the schema.
func (w *Writer[T]) Close() error { return w.w.close() }

// Close is Writer.Close.
func (w *RowWriter) Close() error { return w.w.close() }

// Abort discards everything written; the destination is left untouched.
func (w *Writer[T]) Abort() { w.w.abort() }

// Abort is Writer.Abort.
func (w *RowWriter) Abort() { w.w.abort() }

// write appends the n rows of size bytes each at base.
func (w *rowWriter) write(base unsafe.Pointer, size uintptr, n int) error {
	if w.out.err != nil {
		return w.out.err
	}
	if w.out.closed {
		return errors.New("table: write after close")
	}
	for i := range n {
		w.appendRow(unsafe.Add(base, uintptr(i)*size))
		w.pending++
		if w.pending == BatchSize {
			if err := w.flush(); err != nil {
				return err
			}
		}
	}
	return nil
}

func (w *rowWriter) flush() error {
	if w.pending == 0 {
		return nil
	}
	rec := w.newRecord()
	defer rec.Release()
	w.pending = 0
	return w.out.Write(rec)
}

func (w *rowWriter) close() error {
	if w.out.closed {
		return w.out.err
	}
	defer w.release()
	if w.out.err == nil {
		w.flush()
	}
	return w.out.Close()
}

func (w *rowWriter) abort() {
	if w.out.closed {
		return
	}
	w.release()
	w.out.Abort()
}

// A RecordWriter writes Arrow record batches into a Parquet file with the
// settings of every table (NewArrowWriter). The file is started with the
// first rows: a table that gets none is still written, with one empty row
// group and no dictionary pages (an empty column chunk with one has a data
// page offset of 0, before its dictionary, which parquet-go refuses).
type RecordWriter struct {
	path   string
	f      *os.File // the temporary file, when atomic
	atomic bool
	schema *arrow.Schema
	dict   []string          // the columns to dictionary-encode
	kv     map[string]string // the footer's key-value metadata
	fw     *pqarrow.FileWriter
	rows   int64
	err    error
	closed bool
}

// CreateRecords starts a Parquet file of records of schema at path,
// dictionary-encoding the columns dict, with the key-value metadata kv in
// its footer. When atomic, nothing is visible at path until Close
// succeeds (a synced temporary file is renamed); otherwise the file is
// written in place, for a folder that is made visible whole.
func CreateRecords(path string, schema *arrow.Schema, dict []string, kv map[string]string, atomic bool) (*RecordWriter, error) {
	w := &RecordWriter{path: path, atomic: atomic, schema: schema, dict: dict, kv: kv}
	var err error
	if atomic {
		dir, base := filepath.Split(path)
		if dir == "" {
			dir = "."
		}
		w.f, err = os.CreateTemp(dir, "."+base+".tmp-*")
	} else {
		if err = os.MkdirAll(filepath.Dir(path), 0o755); err == nil {
			w.f, err = os.Create(path)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", path, err)
	}
	return w, nil
}

// NewArrowWriter starts a Parquet file of Arrow records with the project's
// settings: zstd, a required root, row groups of BatchSize rows, Parquet
// dictionary encoding for the named columns only (their Arrow type stays a
// plain string), the schema stored for Arrow readers, and the key-value
// metadata kv in the footer. Closing the writer closes w.
func NewArrowWriter(w io.Writer, schema *arrow.Schema, dictColumns []string, kv map[string]string) (*pqarrow.FileWriter, error) {
	props := []parquet.WriterProperty{
		parquet.WithCompression(compress.Codecs.Zstd),
		parquet.WithDictionaryDefault(false),
		parquet.WithRootRepetition(parquet.Repetitions.Required),
		parquet.WithMaxRowGroupLength(BatchSize),
		parquet.WithBatchSize(BatchSize),
		parquet.WithStats(true),
		parquet.WithCreatedBy(version.CreatedBy()),
	}
	for _, name := range dictColumns {
		props = append(props, parquet.WithDictionaryFor(name, true))
	}
	fw, err := pqarrow.NewFileWriter(schema, w, parquet.NewWriterProperties(props...),
		pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema()))
	if err != nil {
		return nil, err
	}
	keys := make([]string, 0, len(kv))
	for k := range kv {
		keys = append(keys, k)
	}
	slices.Sort(keys) // the same footer for the same input
	for _, k := range keys {
		if err := fw.AppendKeyValueMetadata(k, kv[k]); err != nil {
			fw.Close()
			return nil, err
		}
	}
	return fw, nil
}

// start begins the Parquet file, once, dictionary-encoding the columns
// dict.
func (w *RecordWriter) start(dict []string) error {
	if w.fw != nil {
		return nil
	}
	fw, err := NewArrowWriter(w.f, w.schema, dict, w.kv)
	if err != nil {
		w.err = fmt.Errorf("create %s: %w", w.path, err)
		return w.err
	}
	w.fw = fw
	return nil
}

// Write writes rec as row groups of its own (of BatchSize rows at most).
func (w *RecordWriter) Write(rec arrow.RecordBatch) error {
	return w.write(rec, false)
}

// WriteBuffered writes rec into the current row group, starting a new one
// when it has BatchSize rows.
func (w *RecordWriter) WriteBuffered(rec arrow.RecordBatch) error {
	return w.write(rec, true)
}

func (w *RecordWriter) write(rec arrow.RecordBatch, buffered bool) error {
	if w.err != nil {
		return w.err
	}
	if w.closed {
		return errors.New("table: write after close")
	}
	if rec.NumRows() == 0 {
		return nil
	}
	if err := w.start(w.dict); err != nil {
		return err
	}
	write := w.fw.Write
	if buffered {
		write = w.fw.WriteBuffered
	}
	if err := write(rec); err != nil {
		w.err = fmt.Errorf("write %s: %w", w.path, err)
		return w.err
	}
	w.rows += rec.NumRows()
	return nil
}

// Rows returns the number of rows written so far.
func (w *RecordWriter) Rows() int64 { return w.rows }

// Close finishes the file and, when atomic, syncs it and renames it to its
// destination.
func (w *RecordWriter) Close() error {
	if w.closed {
		return w.err
	}
	w.closed = true
	if w.err == nil && w.rows == 0 {
		if err := w.start(nil); err == nil {
			rec := emptyRecord(w.schema)
			if err := w.fw.Write(rec); err != nil {
				w.err = fmt.Errorf("write %s: %w", w.path, err)
			}
			rec.Release()
		}
	}
	if w.fw != nil {
		if err := w.fw.Close(); err != nil && w.err == nil { // also closes f
			w.err = fmt.Errorf("write %s: %w", w.path, err)
		}
	} else {
		w.f.Close()
	}
	if w.err != nil {
		os.Remove(w.f.Name())
		return w.err
	}
	if !w.atomic {
		return nil
	}
	if err := commitFile(w.f.Name(), w.path); err != nil {
		w.err = err
		return err
	}
	return nil
}

// Abort discards everything written: the destination is left untouched
// (an atomic writer) or removed.
func (w *RecordWriter) Abort() {
	if w.closed {
		return
	}
	w.closed = true
	if w.fw != nil {
		w.fw.Close()
	}
	w.f.Close()
	os.Remove(w.f.Name())
}

// emptyRecord is a record of schema with no rows.
func emptyRecord(schema *arrow.Schema) arrow.RecordBatch {
	cols := make([]arrow.Array, schema.NumFields())
	for i, f := range schema.Fields() {
		b := array.NewBuilder(memory.DefaultAllocator, f.Type)
		cols[i] = b.NewArray()
		b.Release()
	}
	rec := array.NewRecordBatch(schema, cols, 0)
	for _, c := range cols {
		c.Release()
	}
	return rec
}

// WriteFile writes rows to path as a Parquet table, atomically.
func WriteFile[T any](path string, rows []T, opts ...Option) error {
	w, err := Create[T](path, opts...)
	if err != nil {
		return err
	}
	if err := w.Write(rows...); err != nil {
		w.Abort()
		return err
	}
	return w.Close()
}

// commitFile makes the finished temporary file tmp durable and visible as
// path: it syncs the data, renames, and syncs the directory.
func commitFile(tmp, path string) error {
	f, err := os.OpenFile(tmp, os.O_RDWR, 0)
	if err == nil {
		err = f.Sync()
		f.Close()
	}
	if err == nil {
		err = os.Chmod(tmp, 0o644)
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	if d, err := os.Open(filepath.Dir(path)); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// WriteFileAtomic writes data to path through a synced temporary file and a
// rename, so that readers see the old content or the new, never a mix.
func WriteFileAtomic(path string, data []byte) error {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	_, err = tmp.Write(data)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write %s: %w", path, err)
	}
	return commitFile(tmp.Name(), path)
}

// newRecord turns the buffered rows into a record and resets the builders.
func (w *rowWriter) newRecord() arrow.RecordBatch {
	cols := make([]arrow.Array, len(w.layout.columns))
	for i := range cols {
		cols[i] = w.builders[i].NewArray()
	}
	rec := array.NewRecordBatch(w.layout.schema, cols, int64(w.pending))
	for _, c := range cols {
		c.Release()
	}
	return rec
}

func (w *rowWriter) release() {
	for _, b := range w.builders {
		b.Release()
	}
}

func (w *rowWriter) appendRow(base unsafe.Pointer) {
	for i := range w.layout.columns {
		c := &w.layout.columns[i]
		p := fieldPtr(base, c)
		b := w.builders[i]
		switch c.kind {
		case kString:
			b.(*array.StringBuilder).Append(*(*string)(p))
		case kStringPtr:
			if v := *(**string)(p); v != nil {
				b.(*array.StringBuilder).Append(*v)
			} else {
				b.AppendNull()
			}
		case kInt64:
			b.(*array.Int64Builder).Append(*(*int64)(p))
		case kInt64Ptr:
			if v := *(**int64)(p); v != nil {
				b.(*array.Int64Builder).Append(*v)
			} else {
				b.AppendNull()
			}
		case kInt32:
			b.(*array.Int32Builder).Append(*(*int32)(p))
		case kBool:
			b.(*array.BooleanBuilder).Append(*(*bool)(p))
		case kBoolPtr:
			if v := *(**bool)(p); v != nil {
				b.(*array.BooleanBuilder).Append(*v)
			} else {
				b.AppendNull()
			}
		case kFloat64:
			b.(*array.Float64Builder).Append(*(*float64)(p))
		case kFloat64Ptr:
			if v := *(**float64)(p); v != nil {
				b.(*array.Float64Builder).Append(*v)
			} else {
				b.AppendNull()
			}
		case kTime:
			b.(*array.TimestampBuilder).Append(arrow.Timestamp((*(*timeValue)(p)).UnixMicro()))
		case kTimePtr:
			if v := *(**timeValue)(p); v != nil {
				b.(*array.TimestampBuilder).Append(arrow.Timestamp(v.UnixMicro()))
			} else {
				b.AppendNull()
			}
		case kDate:
			b.(*array.Date32Builder).Append(arrow.Date32FromTime((*(*timeValue)(p))))
		case kStrings:
			lb := b.(*array.ListBuilder)
			lb.Append(true)
			vb := lb.ValueBuilder().(*array.StringBuilder)
			for _, s := range *(*[]string)(p) {
				vb.Append(s)
			}
		}
	}
}
