package collect

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/journeys-dev/journeys/internal/fakegithub"
	"github.com/journeys-dev/journeys/schema"
	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"
)

// TestTablesReadIndependently opens every file with an independent Parquet
// reader and checks each column's type against its row type's field:
// timestamps are timestamps (UTC), lists are lists, pointers are optional.
func TestTablesReadIndependently(t *testing.T) {
	h := newHarness(t, fixture(), fakegithub.Options{})
	m, err, _ := h.run(community, h.options())
	if err != nil {
		t.Fatal(err)
	}
	for _, tb := range schema.Of(schema.Collect) {
		name := tb.Name
		t.Run(name, func(t *testing.T) {
			f, err := os.Open(filepath.Join(h.out, name+".parquet"))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			st, _ := f.Stat()
			pf, err := parquet.OpenFile(f, st.Size())
			if err != nil {
				t.Fatal(err)
			}
			if pf.NumRows() != m.Tables[name] {
				t.Errorf("%d rows, manifest says %d", pf.NumRows(), m.Tables[name])
			}
			fields := map[string]parquet.Field{}
			for _, fl := range pf.Schema().Fields() {
				fields[fl.Name()] = fl
			}
			rt := tb.Row
			if len(fields) != rt.NumField() {
				t.Errorf("%d columns, row type has %d fields", len(fields), rt.NumField())
			}
			for i := 0; i < rt.NumField(); i++ {
				sf := rt.Field(i)
				col, _, _ := strings.Cut(sf.Tag.Get("parquet"), ",")
				node, ok := fields[col]
				if !ok {
					t.Errorf("column %s missing", col)
					continue
				}
				wantOpt, wantType := expectedColumn(sf.Type)
				if node.Optional() != wantOpt {
					t.Errorf("%s: optional = %v, want %v", col, node.Optional(), wantOpt)
				}
				if got := columnType(t, col, node); got != wantType {
					t.Errorf("%s: type %s, want %s", col, got, wantType)
				}
			}
		})
	}
}

func expectedColumn(ft reflect.Type) (optional bool, typ string) {
	if ft.Kind() == reflect.Pointer {
		optional, ft = true, ft.Elem()
	}
	switch {
	case ft == reflect.TypeOf(time.Time{}):
		return optional, "timestamp"
	case ft.Kind() == reflect.String:
		return optional, "string"
	case ft.Kind() == reflect.Int64:
		return optional, "INT64"
	case ft.Kind() == reflect.Bool:
		return optional, "BOOLEAN"
	case ft.Kind() == reflect.Slice:
		return optional, "list"
	}
	return optional, ft.String()
}

func columnType(t *testing.T, col string, node parquet.Node) string {
	if lt := node.Type().LogicalType(); lt != nil {
		switch v := lt.Value.(type) {
		case *format.TimestampType:
			if !v.IsAdjustedToUTC {
				t.Errorf("%s: timestamp not adjusted to UTC", col)
			}
			return "timestamp"
		case *format.StringType:
			return "string"
		case *format.ListType:
			return "list"
		}
	}
	return node.Type().Kind().String()
}

// Every raw table of the registry has one list of rows in the tables
// collection builds, and every list is of a registered table.
func TestEveryRawTableIsBuilt(t *testing.T) {
	rows, err := (&tables{}).byTable()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(rows), reflect.TypeFor[tables]().NumField(); got != want {
		t.Errorf("%d of the %d lists of rows are of a registered raw table", got, want)
	}
}
