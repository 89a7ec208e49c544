// Package table reads and writes the project's Parquet tables.
//
// A table is a slice of a plain Go struct whose exported fields carry a
// `parquet:"name"` tag. The tag may add ",dict" (dictionary-encode this
// low-cardinality column in Parquet; readers still see a plain string) or
// ",date" (store a time.Time as a date, not a timestamp). Supported field types and their Parquet/Arrow types:
//
//	string          string (UTF-8), required
//	*string         string, nullable
//	int64, int32    int64, int32, required
//	*int64          int64, nullable
//	bool, *bool     boolean
//	float64, *float64 double
//	time.Time       timestamp[us, UTC] (or date32 with ",date"), required
//	*time.Time      timestamp[us, UTC], nullable
//	[]string        list<string>; a nil slice is written as an empty list
//
// Files are written with zstd compression, a required root (some readers
// return wrong values for Arrow Go's default repeated root), in record
// batches of BatchSize rows so that memory does not grow with a table's
// size, and atomically: to a temporary file that is synced and renamed over
// the destination only when complete. Every file's footer carries the
// journeys.* key-value metadata of docs/schema.md (see Metadata).
package table

import (
	"fmt"
	"reflect"
	"strings"
	"sync"
	"time"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
)

// BatchSize is the number of rows in one record batch and row group.
const BatchSize = 64 * 1024

// A column describes one struct field and its Arrow representation.
type column struct {
	name   string
	index  int     // field index in the struct
	offset uintptr // field offset in the struct
	kind   fieldKind
	dict   bool
	field  arrow.Field
}

type fieldKind int

const (
	kString fieldKind = iota
	kStringPtr
	kInt64
	kInt64Ptr
	kInt32
	kBool
	kBoolPtr
	kFloat64
	kFloat64Ptr
	kTime
	kTimePtr
	kDate
	kStrings
)

var (
	timeType      = reflect.TypeOf(time.Time{})
	timestampType = &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}
)

// A layout is the column list of a struct type, computed once per type.
type layout struct {
	typ     reflect.Type
	columns []column
	schema  *arrow.Schema
}

// layouts caches the layout of each row type.
var layouts sync.Map // reflect.Type -> *layout

// layoutOf returns the layout of struct type T.
func layoutOf[T any]() (*layout, error) {
	return layoutFor(reflect.TypeFor[T]())
}

// layoutFor returns the layout of the struct type typ.
func layoutFor(typ reflect.Type) (*layout, error) {
	if l, ok := layouts.Load(typ); ok {
		return l.(*layout), nil
	}
	l, err := newLayout(typ)
	if err != nil {
		return nil, err
	}
	layouts.Store(typ, l)
	return l, nil
}

func newLayout(typ reflect.Type) (*layout, error) {
	if typ == nil || typ.Kind() != reflect.Struct {
		return nil, fmt.Errorf("table: %v is not a struct type", typ)
	}
	l := &layout{typ: typ}
	var fields []arrow.Field
	seen := map[string]bool{}
	for i := 0; i < typ.NumField(); i++ {
		f := typ.Field(i)
		tag, ok := f.Tag.Lookup("parquet")
		if !ok || tag == "-" || !f.IsExported() {
			continue
		}
		parts := strings.Split(tag, ",")
		c := column{name: parts[0], index: i, offset: f.Offset}
		if c.name == "" || seen[c.name] {
			return nil, fmt.Errorf("table: %v.%s: empty or duplicate column name %q", typ, f.Name, c.name)
		}
		seen[c.name] = true
		date := false
		for _, opt := range parts[1:] {
			switch opt {
			case "dict":
				c.dict = true
			case "date":
				date = true
			default:
				return nil, fmt.Errorf("table: %v.%s: unknown tag option %q", typ, f.Name, opt)
			}
		}
		var dt arrow.DataType
		nullable := false
		switch {
		case f.Type.Kind() == reflect.String:
			c.kind, dt = kString, arrow.BinaryTypes.String
		case f.Type.Kind() == reflect.Int64:
			c.kind, dt = kInt64, arrow.PrimitiveTypes.Int64
		case f.Type.Kind() == reflect.Int32:
			c.kind, dt = kInt32, arrow.PrimitiveTypes.Int32
		case f.Type.Kind() == reflect.Bool:
			c.kind, dt = kBool, arrow.FixedWidthTypes.Boolean
		case f.Type.Kind() == reflect.Float64:
			c.kind, dt = kFloat64, arrow.PrimitiveTypes.Float64
		case f.Type == timeType && date:
			c.kind, dt = kDate, arrow.FixedWidthTypes.Date32
		case f.Type == timeType:
			c.kind, dt = kTime, timestampType
		case f.Type.Kind() == reflect.Slice && f.Type.Elem().Kind() == reflect.String:
			c.kind, dt = kStrings, arrow.ListOf(arrow.BinaryTypes.String)
		case f.Type.Kind() == reflect.Pointer:
			nullable = true
			switch e := f.Type.Elem(); {
			case e.Kind() == reflect.String:
				c.kind, dt = kStringPtr, arrow.BinaryTypes.String
			case e.Kind() == reflect.Int64:
				c.kind, dt = kInt64Ptr, arrow.PrimitiveTypes.Int64
			case e.Kind() == reflect.Bool:
				c.kind, dt = kBoolPtr, arrow.FixedWidthTypes.Boolean
			case e.Kind() == reflect.Float64:
				c.kind, dt = kFloat64Ptr, arrow.PrimitiveTypes.Float64
			case e == timeType && !date:
				c.kind, dt = kTimePtr, timestampType
			default:
				return nil, fmt.Errorf("table: %v.%s: unsupported type %v", typ, f.Name, f.Type)
			}
		default:
			return nil, fmt.Errorf("table: %v.%s: unsupported type %v", typ, f.Name, f.Type)
		}
		if c.dict && dt != arrow.BinaryTypes.String {
			return nil, fmt.Errorf("table: %v.%s: dict applies to string columns only", typ, f.Name)
		}
		c.field = arrow.Field{Name: c.name, Type: dt, Nullable: nullable}
		fields = append(fields, c.field)
		l.columns = append(l.columns, c)
	}
	if len(l.columns) == 0 {
		return nil, fmt.Errorf("table: %v has no parquet-tagged fields", typ)
	}
	l.schema = arrow.NewSchema(fields, nil)
	return l, nil
}

// fieldPtr returns a pointer to column c of the struct at base.
func fieldPtr(base unsafe.Pointer, c *column) unsafe.Pointer {
	return unsafe.Add(base, c.offset)
}

// Schema returns the Arrow schema of the table type T, for documentation and
// tests.
func Schema[T any]() (*arrow.Schema, error) {
	return SchemaOf(reflect.TypeFor[T]())
}

// SchemaOf returns the Arrow schema of the table type typ.
func SchemaOf(typ reflect.Type) (*arrow.Schema, error) {
	l, err := layoutFor(typ)
	if err != nil {
		return nil, err
	}
	return l.schema, nil
}
