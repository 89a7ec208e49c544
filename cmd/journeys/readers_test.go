package main

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"

	"github.com/journeys-dev/journeys/internal/fakegithub"
	"github.com/journeys-dev/journeys/internal/fakegithub/fakegithubtest"
	"github.com/journeys-dev/journeys/internal/table"
	"github.com/journeys-dev/journeys/schema"
)

// The tables are read by five independent Parquet readers, as the people
// who use them do: DuckDB, polars, hyparquet and parquet-wasm (arrow-rs
// compiled to WebAssembly, decoded with Apache Arrow JS) through node and
// testdata/readers/read.mjs, and parquet-go in Go, the reference the others
// are compared with. Every reader must see every value the same, each
// column with the documented type (a string is a string, never a
// dictionary or categorical), the footer's row count and statistics that
// hold; the Hive-partitioned datasets must hold the same rows as the flat
// files.

// jsReaders are the readers read.mjs drives.
var jsReaders = []string{"duckdb", "polars", "hyparquet", "parquet-wasm"}

// hiveReaders read the Hive-partitioned datasets too. hyparquet and
// parquet-wasm read one file (bytes) at a time and know nothing of Hive
// paths; parquet-go neither, and its reading of each part file would only
// repeat what the flat file's checks do.
var hiveReaders = []string{"duckdb", "polars"}

// readersDir returns the folder whose node_modules holds the readers; it
// skips the test when they are missing, unless JOURNEYS_REQUIRE_READERS=1.
func readersDir(t *testing.T) string {
	dir := os.Getenv("JOURNEYS_READERS_DIR")
	_, nodeErr := exec.LookPath("node")
	missing := dir == "" || nodeErr != nil
	for _, p := range []string{"@duckdb/node-api", "nodejs-polars", "hyparquet", "hyparquet-compressors", "parquet-wasm", "apache-arrow"} {
		if _, err := os.Stat(filepath.Join(dir, "node_modules", p, "package.json")); err != nil {
			missing = true
		}
	}
	if missing {
		msg := "the Parquet readers are not available: install node, copy cmd/journeys/testdata/readers/package.json and package-lock.json to DIR, " +
			"run 'npm ci --prefix DIR' (on Node < 22 also 'npm install --prefix DIR --no-save nodejs-polars-linux-x64-gnu@0.25.2', as .ci/run does), " +
			"then set JOURNEYS_READERS_DIR=DIR"
		if os.Getenv("JOURNEYS_REQUIRE_READERS") == "1" {
			t.Fatal(msg + " (JOURNEYS_REQUIRE_READERS=1)")
		}
		t.Skip(msg)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	return abs
}

// TestReadersAgreeOnTheDemo reads the demo's tables, flat and partitioned.
func TestReadersAgreeOnTheDemo(t *testing.T) {
	dir := readersDir(t)
	if testing.Short() {
		t.Skip("the demo and five readers take a while")
	}
	out := filepath.Join(t.TempDir(), "demo")
	code, _, stderr := journeys(t, "demo", "--out", out, "--layout", "partitioned", "--quiet")
	if code != exitOK {
		t.Errorf("journeys demo --layout partitioned: exit %d: %s", code, lastLines(stderr, 5))
	}
	checkReaders(t, dir, out, nil)
}

// TestReadersAgreeOnALargeCollection reads a synthetic collection large
// enough that comments.parquet and events.parquet span several row groups
// (record batches of table.BatchSize rows), in two communities, one of
// them with a space in its name (escaped in the partition paths).
func TestReadersAgreeOnALargeCollection(t *testing.T) {
	dir := readersDir(t)
	if testing.Short() {
		t.Skip("a large collection and five readers take a while")
	}
	// 104,800 comments and 125,940 events, two row groups each. Few pull
	// requests (721) keep the requests down, as reviews cost one request per
	// pull request: 2,065 requests in all, a few seconds against the fake.
	d := fakegithub.Generate(fakegithub.GenerateOptions{
		Seed: 29, Repos: 4, People: 400, Issues: 1200, PullShare: 0.15, Comments: 25000, ReviewComments: 1200,
		Commits: 600, Stars: 300, Forks: 40, Events: 2500, AllContributors: true,
	})
	ts, _ := fakegithubtest.NewTestServer(t, d, fakegithub.Options{})
	t.Setenv("GITHUB_API_URL", ts.URL+"/")
	t.Setenv("GITHUB_TOKEN", "")
	t.Setenv("GH_TOKEN", "ghp_readersTestToken0123456789abcdef")
	cfg := writeFile(t, "journeys.yml", "communities:\n"+
		"  - name: Alpha\n    repos: [example-org/project-1, example-org/project-2]\n"+
		"  - name: Beta Team\n    repos: [example-org/project-3, example-org/project-4]\n")
	out := filepath.Join(t.TempDir(), "out")
	start := time.Now()
	code, _, stderr := journeys(t, "run", "--config", cfg, "--out", out, "--as-of", "2024-01-31", "--layout", "partitioned", "--sensitivity", "--quiet")
	if code != exitOK {
		t.Errorf("journeys run --layout partitioned: exit %d: %s", code, lastLines(stderr, 5))
	}
	t.Logf("journeys run: %v", time.Since(start).Round(time.Millisecond))
	checkReaders(t, dir, out, map[string]int64{"comments": 100_000, "events": 100_000})
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// tableSchemas gives each table's documented Arrow schema.
var tableSchemas = map[string]func() ([]arrowColumn, error){
	"repos":              arrowSchema[schema.Repo],
	"issues":             arrowSchema[schema.Issue],
	"pull_requests":      arrowSchema[schema.PullRequest],
	"comments":           arrowSchema[schema.Comment],
	"reviews":            arrowSchema[schema.Review],
	"commits":            arrowSchema[schema.Commit],
	"stargazers":         arrowSchema[schema.Stargazer],
	"forks":              arrowSchema[schema.Fork],
	"issue_events":       arrowSchema[schema.IssueEvent],
	"recognitions":       arrowSchema[schema.Recognition],
	"events":             arrowSchema[schema.Event],
	"contributors":       arrowSchema[schema.Contributor],
	"contributor_months": arrowSchema[schema.ContributorMonth],
	"transitions":        arrowSchema[schema.Transition],
	"funnel":             arrowSchema[schema.FunnelRow],
	"identities":         arrowSchema[schema.Identity],
	"bots":               arrowSchema[schema.Bot],
	"cohorts":            arrowSchema[schema.CohortRow],
	"metrics":            arrowSchema[schema.MetricRow],
	"sensitivity":        arrowSchema[schema.SensitivityRow],
}

// An arrowColumn is a column of a table's documented Arrow schema.
type arrowColumn struct {
	name     string
	arrow    string // the Arrow type, as Arrow Go prints it
	kind     string // its kind, a key of readerTypes
	nullable bool
}

func arrowSchema[T any]() ([]arrowColumn, error) {
	s, err := table.Schema[T]()
	if err != nil {
		return nil, err
	}
	var cols []arrowColumn
	for _, f := range s.Fields() {
		c := arrowColumn{name: f.Name, arrow: f.Type.String(), nullable: f.Nullable}
		c.kind = arrowKinds[c.arrow]
		if c.kind == "" {
			return nil, fmt.Errorf("column %s: Arrow type %s is none of the documented ones (docs/schema.md)", c.name, c.arrow)
		}
		cols = append(cols, c)
	}
	return cols, nil
}

// arrowKinds maps the documented Arrow types to their kinds.
var arrowKinds = map[string]string{
	"utf8":                       "string",
	"int64":                      "int64",
	"int32":                      "int32",
	"bool":                       "bool",
	"float64":                    "double",
	"date32":                     "date",
	"timestamp[us, tz=UTC]":      "timestamp",
	"list<item: utf8, nullable>": "list",
}

// readerTypes gives, for each kind, the type names each reader must report
// (any of them): strings are never dictionaries (Arrow), categoricals
// (polars) or untyped byte arrays (Parquet).
var readerTypes = map[string]map[string][]string{
	"string": {"duckdb": {"VARCHAR"}, "polars": {"String"}, "parquet-wasm": {"Utf8"},
		"hyparquet": {"BYTE_ARRAY/STRING"}, "parquet-go": {"BYTE_ARRAY/STRING"}},
	"int64": {"duckdb": {"BIGINT"}, "polars": {"Int64"}, "parquet-wasm": {"Int64"},
		"hyparquet": {"INT64", "INT64/INT(64,signed)"}, "parquet-go": {"INT64", "INT64/INT(64,signed)"}},
	"int32": {"duckdb": {"INTEGER"}, "polars": {"Int32"}, "parquet-wasm": {"Int32"},
		"hyparquet": {"INT32", "INT32/INT(32,signed)"}, "parquet-go": {"INT32", "INT32/INT(32,signed)"}},
	"bool": {"duckdb": {"BOOLEAN"}, "polars": {"Bool"}, "parquet-wasm": {"Bool"},
		"hyparquet": {"BOOLEAN"}, "parquet-go": {"BOOLEAN"}},
	"double": {"duckdb": {"DOUBLE"}, "polars": {"Float64"}, "parquet-wasm": {"Float64"},
		"hyparquet": {"DOUBLE"}, "parquet-go": {"DOUBLE"}},
	"date": {"duckdb": {"DATE"}, "polars": {"Date"}, "parquet-wasm": {"Date32<DAY>"},
		"hyparquet": {"INT32/DATE"}, "parquet-go": {"INT32/DATE"}},
	"timestamp": {"duckdb": {"TIMESTAMP WITH TIME ZONE"}, "polars": {"Datetime(us,UTC)"}, "parquet-wasm": {"Timestamp<MICROSECOND, UTC>"},
		"hyparquet": {"INT64/TIMESTAMP(MICROS,UTC)"}, "parquet-go": {"INT64/TIMESTAMP(MICROS,UTC)"}},
	"list": {"duckdb": {"VARCHAR[]"}, "polars": {"List(String)"}, "parquet-wasm": {"List<Utf8>"},
		"hyparquet": {"LIST<BYTE_ARRAY/STRING>"}, "parquet-go": {"LIST<BYTE_ARRAY/STRING>"}},
}

// partitionColumns are the Hive partition keys, recovered from the path.
var partitionColumns = []string{"community", "repo"}

// maxReports bounds the mismatches reported per table and reader.
const maxReports = 5

// A readerJob is one file (or folder) for read.mjs to read.
type readerJob struct {
	Reader string `json:"reader"`
	Path   string `json:"path"`
	Out    string `json:"out"`
}

// checkReaders reads every flat table of out with every reader and its
// partitioned dataset with DuckDB and polars, and compares them with
// parquet-go's reading. minRows, when set, asks some tables for at least
// that many rows (so that the test checks what it means to).
func checkReaders(t *testing.T, dir, out string, minRows map[string]int64) {
	files, err := filepath.Glob(filepath.Join(out, "*.parquet"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no tables in %s (%v)", out, err)
	}
	tmp := t.TempDir()
	var tables []string
	var duckJobs, otherJobs []readerJob
	var missingDatasets []string
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".parquet")
		tables = append(tables, name)
		o := func(reader string) string { return filepath.Join(tmp, name+"."+reader+".jsonl") }
		duckJobs = append(duckJobs, readerJob{"duckdb", f, o("duckdb")}, readerJob{"duckdb-meta", f, o("duckdb-meta")},
			readerJob{"hyparquet", f, o("hyparquet")})
		otherJobs = append(otherJobs, readerJob{"polars", f, o("polars")}, readerJob{"parquet-wasm", f, o("parquet-wasm")})
		if st, err := os.Stat(filepath.Join(out, name)); err == nil && st.IsDir() {
			for _, r := range hiveReaders {
				job := readerJob{r + "-hive", filepath.Join(out, name), o(r + "-hive")}
				if r == "duckdb" {
					duckJobs = append(duckJobs, job)
				} else {
					otherJobs = append(otherJobs, job)
				}
			}
		} else {
			missingDatasets = append(missingDatasets, name+"/")
		}
	}
	for name := range tableSchemas {
		if !slices.Contains(tables, name) {
			t.Errorf("%s.parquet is missing from %s", name, out)
		}
	}
	if len(missingDatasets) > 0 {
		t.Errorf("no partitioned dataset for %s in %s", strings.Join(missingDatasets, ", "), out)
	}

	// The node readers (two processes) and parquet-go run side by side.
	start := time.Now()
	var wg sync.WaitGroup
	nodeErrs := make([]error, 2)
	for i, jobs := range [][]readerJob{duckJobs, otherJobs} {
		wg.Go(func() { nodeErrs[i] = runReaders(dir, jobs) })
	}
	refs := make(map[string]*reference, len(tables))
	refErrs := make(map[string]error, len(tables))
	for _, name := range tables {
		refs[name], refErrs[name] = readReference(filepath.Join(out, name+".parquet"), filepath.Join(tmp, name+".parquet-go.jsonl"))
	}
	wg.Wait()
	t.Logf("read %d tables with five readers in %v", len(tables), time.Since(start).Round(time.Millisecond))
	for _, err := range nodeErrs {
		if err != nil {
			t.Fatal(err)
		}
	}

	for _, name := range tables {
		t.Run(name, func(t *testing.T) {
			schemaOf, ok := tableSchemas[name]
			if !ok {
				t.Fatalf("%s.parquet: no row type known for this table: add it to tableSchemas", name)
			}
			want, err := schemaOf()
			if err != nil {
				t.Fatalf("%s.parquet: %v", name, err)
			}
			ref, err := refs[name], refErrs[name]
			if ref == nil {
				t.Fatalf("%s.parquet: parquet-go cannot open it: %v", name, err)
			}
			o := func(reader string) string { return filepath.Join(tmp, name+"."+reader+".jsonl") }
			hive := !slices.Contains(missingDatasets, name+"/")
			if err != nil {
				// Without the reference's values, check what can be: that
				// the others read the file, its row count and their types.
				t.Errorf("%s.parquet: parquet-go cannot read it: %v", name, err)
				for _, r := range jsReaders {
					if schema := compareRows(t, name+".parquet", r, nil, ref.rows, o(r)); schema != nil {
						checkTypes(t, name+".parquet", r, want, schema, nil)
					}
				}
				for _, r := range hiveReaders {
					if !hive {
						break
					}
					if schema := compareRows(t, name+"/ (partitioned)", r, nil, ref.rows, o(r+"-hive")); schema != nil {
						checkTypes(t, name+"/", r, want, schema, partitionColumns)
					}
				}
				return
			}
			if n, ok := minRows[name]; ok {
				t.Logf("%s.parquet: %d rows in %d row groups", name, ref.rows, len(ref.groups))
				if ref.rows < n || len(ref.groups) < 2 {
					t.Errorf("%s.parquet has %d rows in %d row groups; the test wants at least %d rows in several row groups: generate more",
						name, ref.rows, len(ref.groups), n)
				}
			}
			var names []string
			for _, c := range want {
				names = append(names, c.name)
			}
			if got := ref.columnNames(); !slices.Equal(got, names) {
				t.Errorf("%s.parquet: columns %v, documented %v", name, got, names)
			}
			checkTypes(t, name+".parquet", "parquet-go", want, ref.schema(), nil)
			for _, r := range jsReaders {
				if schema := compareRows(t, name+".parquet", r, ref, ref.rows, o(r)); schema != nil {
					checkTypes(t, name+".parquet", r, want, schema, nil)
				}
			}
			checkStatistics(t, name, ref, o("duckdb-meta"))
			if hive {
				for _, r := range hiveReaders {
					if schema := compareHive(t, name, r, ref, o(r+"-hive")); schema != nil {
						checkTypes(t, name+"/", r, want, schema, partitionColumns)
					}
				}
			}
		})
	}
}

// runReaders runs read.mjs on jobs.
func runReaders(dir string, jobs []readerJob) error {
	in, err := json.Marshal(jobs)
	if err != nil {
		return err
	}
	cmd := exec.Command("node", filepath.Join("testdata", "readers", "read.mjs"), "--jobs")
	cmd.Env = append(os.Environ(), "JOURNEYS_READERS_DIR="+dir)
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("node read.mjs: %v: %s", err, lastLines(stderr.String(), 10))
	}
	return nil
}

// --- the reference: parquet-go -------------------------------------------

// A refColumn is a top-level column of a file, as parquet-go sees it.
type refColumn struct {
	name     string
	kind     string // a key of readerTypes
	elem     string // of a list: its elements' kind
	typeName string // in the vocabulary of readerTypes' "parquet-go"
	optional bool
	leaf     int   // index of its (element's) leaf column
	unit     int64 // timestamp: nanoseconds per unit
	// list: definition levels of an empty list, of an element, of a
	// non-null element
	emptyDef, elemDef, maxDef int
}

// A leafStats is what the statistics of one column chunk should say.
type leafStats struct {
	nulls    int64
	values   int64 // non-null values
	min, max statValue
}

// A statValue is a typed value for comparisons: i for integers, times
// (microseconds) and dates (days), f for doubles, s for strings, b for
// booleans.
type statValue struct {
	i int64
	f float64
	s string
	b bool
}

// A reference is parquet-go's reading of one file: its columns, row
// count, per-row-group statistics, and rows in canonical form in a file.
type reference struct {
	cols   []refColumn
	leaves []string // leaf columns' paths
	rows   int64    // from the footer
	groups []refGroup
	file   string // canonical rows, one JSON array a line
}

type refGroup struct {
	rows   int64
	leaves []leafStats
}

func (r *reference) columnNames() []string {
	var names []string
	for _, c := range r.cols {
		names = append(names, c.name)
	}
	return names
}

func (r *reference) schema() []readerColumn {
	var s []readerColumn
	for _, c := range r.cols {
		s = append(s, readerColumn{Name: c.name, Type: c.typeName, Nullable: &c.optional})
	}
	return s
}

// readReference reads a Parquet file with parquet-go and writes its rows,
// canonical, to dst.
func readReference(src, dst string) (*reference, error) {
	f, err := os.Open(src)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	pf, err := parquet.OpenFile(f, st.Size())
	if err != nil {
		return nil, err
	}
	ref := &reference{rows: pf.NumRows(), file: dst}
	for _, path := range pf.Schema().Columns() {
		ref.leaves = append(ref.leaves, strings.Join(path, "."))
	}
	leaf := 0
	for _, fl := range pf.Schema().Fields() {
		c, n, err := refColumnOf(fl, leaf)
		if err != nil {
			return nil, err
		}
		ref.cols = append(ref.cols, c)
		leaf += n
	}
	if leaf != len(ref.leaves) {
		return nil, fmt.Errorf("%d leaf columns, the schema has %d", leaf, len(ref.leaves))
	}

	out, err := os.Create(dst)
	if err != nil {
		return nil, err
	}
	defer out.Close()
	w := bufio.NewWriterSize(out, 1<<20)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	byLeaf := make([][]parquet.Value, len(ref.leaves))
	row := make([]any, len(ref.cols))
	buf := make([]parquet.Row, 256)
	var read int64
	for gi, rg := range pf.RowGroups() {
		g := refGroup{rows: rg.NumRows(), leaves: make([]leafStats, len(ref.leaves))}
		fail := func(err error) (*reference, error) {
			msg := fmt.Sprintf("row group %d (%d rows), row %d: %v", gi, g.rows, read, err)
			for _, c := range pf.Metadata().RowGroups[gi].Columns {
				if m := c.MetaData; m.DictionaryPageOffset > m.DataPageOffset {
					msg += fmt.Sprintf(" (column chunk %s: data_page_offset %d is before dictionary_page_offset %d)",
						strings.Join(m.PathInSchema, "."), m.DataPageOffset, m.DictionaryPageOffset)
					break
				}
			}
			return ref, errors.New(msg)
		}
		rows := rg.Rows()
		for {
			n, err := rows.ReadRows(buf)
			for _, r := range buf[:n] {
				for i := range byLeaf {
					byLeaf[i] = byLeaf[i][:0]
				}
				for _, v := range r {
					byLeaf[v.Column()] = append(byLeaf[v.Column()], v)
				}
				for i, c := range ref.cols {
					var err error
					if row[i], err = c.value(byLeaf[c.leaf], &g.leaves[c.leaf]); err != nil {
						rows.Close()
						return fail(fmt.Errorf("column %s: %w", c.name, err))
					}
				}
				if err := enc.Encode(row); err != nil {
					rows.Close()
					return fail(err)
				}
				read++
			}
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				rows.Close()
				return fail(err)
			}
		}
		rows.Close()
		ref.groups = append(ref.groups, g)
	}
	if read != ref.rows {
		return ref, fmt.Errorf("read %d rows, the footer says %d", read, ref.rows)
	}
	if err := w.Flush(); err != nil {
		return nil, err
	}
	return ref, out.Close()
}

// refColumnOf describes the top-level field fl whose first leaf is leaf,
// and returns its number of leaves.
func refColumnOf(fl parquet.Field, leaf int) (refColumn, int, error) {
	c := refColumn{name: fl.Name(), optional: fl.Optional(), leaf: leaf}
	if lt := fl.Type().LogicalType(); lt != nil {
		if _, ok := lt.Value.(*format.ListType); ok {
			// <optional|required> group NAME (LIST) { repeated group list { <optional|required> ELEMENT } }
			if len(fl.Fields()) != 1 || !fl.Fields()[0].Repeated() || len(fl.Fields()[0].Fields()) != 1 {
				return c, 0, fmt.Errorf("column %s: a list of an unknown shape", c.name)
			}
			el := fl.Fields()[0].Fields()[0]
			if !el.Leaf() {
				return c, 0, fmt.Errorf("column %s: a list of groups", c.name)
			}
			kind, name, unit, err := leafKind(el)
			if err != nil {
				return c, 0, fmt.Errorf("column %s: %w", c.name, err)
			}
			c.kind, c.elem, c.typeName, c.unit = "list", kind, "LIST<"+name+">", unit
			if c.optional {
				c.emptyDef = 1
			}
			c.elemDef = c.emptyDef + 1
			c.maxDef = c.elemDef
			if el.Optional() {
				c.maxDef++
			}
			return c, 1, nil
		}
	}
	if !fl.Leaf() {
		return c, 0, fmt.Errorf("column %s: a group, which no table has", c.name)
	}
	kind, name, unit, err := leafKind(fl)
	if err != nil {
		return c, 0, fmt.Errorf("column %s: %w", c.name, err)
	}
	c.kind, c.typeName, c.unit = kind, name, unit
	return c, 1, nil
}

// leafKind returns a leaf's kind and type name (physical/logical type).
func leafKind(n parquet.Node) (kind, name string, unit int64, err error) {
	physical := n.Type().Kind()
	name = physical.String()
	var logical format.LogicalTypeValue
	if lt := n.Type().LogicalType(); lt != nil {
		logical = lt.Value
	}
	switch lt := logical.(type) {
	case *format.StringType:
		if physical == parquet.ByteArray {
			return "string", name + "/STRING", 0, nil
		}
	case *format.DateType:
		if physical == parquet.Int32 {
			return "date", name + "/DATE", 0, nil
		}
	case *format.TimestampType:
		if physical != parquet.Int64 {
			break
		}
		var u string
		switch lt.Unit.Value.(type) {
		case *format.MilliSeconds:
			u, unit = "MILLIS", int64(time.Millisecond)
		case *format.MicroSeconds:
			u, unit = "MICROS", int64(time.Microsecond)
		case *format.NanoSeconds:
			u, unit = "NANOS", 1
		default:
			return "", "", 0, fmt.Errorf("timestamp unit %v", lt.Unit.Value)
		}
		zone := "local"
		if lt.IsAdjustedToUTC {
			zone = "UTC"
		}
		return "timestamp", fmt.Sprintf("%s/TIMESTAMP(%s,%s)", name, u, zone), unit, nil
	case *format.IntType:
		sign := "unsigned"
		if lt.IsSigned {
			sign = "signed"
		}
		name = fmt.Sprintf("%s/INT(%d,%s)", name, lt.BitWidth, sign)
		switch {
		case physical == parquet.Int64 && lt.IsSigned:
			return "int64", name, 0, nil
		case physical == parquet.Int32 && lt.IsSigned:
			return "int32", name, 0, nil
		}
	case nil:
		switch physical {
		case parquet.Int64:
			return "int64", name, 0, nil
		case parquet.Int32:
			return "int32", name, 0, nil
		case parquet.Boolean:
			return "bool", name, 0, nil
		case parquet.Double:
			return "double", name, 0, nil
		case parquet.ByteArray:
			// Untyped bytes: read as strings, reported by type name.
			return "string", name, 0, nil
		}
	}
	return "", "", 0, fmt.Errorf("type %s %v, which no table has", name, logical)
}

// value returns the canonical value of column c in one row, from the
// values of its leaf, and adds them to the statistics st. The null count
// of a list's leaf counts the levels without a value, as Parquet does:
// empty and null lists, and null elements.
func (c *refColumn) value(vs []parquet.Value, st *leafStats) (any, error) {
	if c.kind != "list" {
		if len(vs) != 1 {
			return nil, fmt.Errorf("%d values in one row", len(vs))
		}
		return leafValue(c.kind, c.unit, vs[0], st), nil
	}
	if len(vs) == 0 {
		return nil, errors.New("no value for a list")
	}
	if d := vs[0].DefinitionLevel(); len(vs) == 1 && d < c.elemDef {
		st.nulls++
		if d < c.emptyDef {
			return nil, nil
		}
		return []any{}, nil
	}
	list := make([]any, 0, len(vs))
	for _, v := range vs {
		if v.DefinitionLevel() < c.maxDef {
			st.nulls++
			list = append(list, nil)
			continue
		}
		list = append(list, leafValue(c.elem, c.unit, v, st))
	}
	return list, nil
}

func leafValue(kind string, unit int64, v parquet.Value, st *leafStats) any {
	if v.IsNull() {
		st.nulls++
		return nil
	}
	var sv statValue
	var out any
	switch kind {
	case "string":
		sv.s = string(v.ByteArray())
		out = sv.s
	case "int64":
		sv.i = v.Int64()
		out = strconv.FormatInt(sv.i, 10)
	case "int32":
		sv.i = int64(v.Int32())
		out = strconv.FormatInt(sv.i, 10)
	case "bool":
		sv.b = v.Boolean()
		out = sv.b
	case "double":
		sv.f = v.Double()
		out = sv.f
	case "timestamp":
		var tm time.Time
		switch unit {
		case int64(time.Millisecond):
			tm = time.UnixMilli(v.Int64())
		case int64(time.Microsecond):
			tm = time.UnixMicro(v.Int64())
		default:
			tm = time.Unix(0, v.Int64())
		}
		sv.i = tm.UnixMicro()
		out = tm.UTC().Format("2006-01-02T15:04:05.000000Z")
	case "date":
		sv.i = int64(v.Int32())
		out = time.Unix(sv.i*86400, 0).UTC().Format("2006-01-02")
	}
	if st.values == 0 || compareStat(kind, sv, st.min) < 0 {
		st.min = sv
	}
	if st.values == 0 || compareStat(kind, sv, st.max) > 0 {
		st.max = sv
	}
	st.values++
	return out
}

// compareStat orders values as Parquet's statistics do: strings bytewise,
// false before true.
func compareStat(kind string, a, b statValue) int {
	switch kind {
	case "string":
		return strings.Compare(a.s, b.s)
	case "bool":
		switch {
		case a.b == b.b:
			return 0
		case !a.b:
			return -1
		}
		return 1
	case "double":
		switch {
		case a.f < b.f:
			return -1
		case a.f > b.f:
			return 1
		}
		return 0
	}
	switch {
	case a.i < b.i:
		return -1
	case a.i > b.i:
		return 1
	}
	return 0
}

// --- the readers' output -------------------------------------------------

// A readerColumn is a column as a reader reports it.
type readerColumn struct {
	Name     string `json:"name"`
	Type     string `json:"type"`
	Nullable *bool  `json:"nullable"` // nil: the reader does not say
}

// lineReader reads a JSON-lines file.
type lineReader struct {
	f  *os.File
	sc *bufio.Scanner
}

func openLines(path string) (*lineReader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 512<<20)
	return &lineReader{f, sc}, nil
}

// next returns the next line, or nil at the end.
func (l *lineReader) next() ([]byte, error) {
	if l.sc.Scan() {
		return l.sc.Bytes(), nil
	}
	return nil, l.sc.Err()
}

func (l *lineReader) close() { l.f.Close() }

// openOutput opens a reader's output and reads its schema line; a reader
// that failed says why instead.
func openOutput(path string) (*lineReader, []readerColumn, error) {
	l, err := openLines(path)
	if err != nil {
		return nil, nil, err
	}
	line, err := l.next()
	if err != nil || line == nil {
		l.close()
		return nil, nil, fmt.Errorf("no output (%v)", err)
	}
	var h struct {
		Schema []readerColumn `json:"schema"`
		Error  string         `json:"error"`
	}
	if err := json.Unmarshal(line, &h); err != nil {
		l.close()
		return nil, nil, fmt.Errorf("bad first line %.200q: %v", line, err)
	}
	if h.Error != "" {
		l.close()
		return nil, nil, errors.New(h.Error)
	}
	return l, h.Schema, nil
}

// parseRow parses a row line; a line that is an error object returns that.
func parseRow(line []byte) ([]any, error) {
	if len(line) > 0 && line[0] == '{' {
		var e struct {
			Error string `json:"error"`
		}
		json.Unmarshal(line, &e)
		return nil, fmt.Errorf("failed: %s", e.Error)
	}
	var row []any
	if err := json.Unmarshal(line, &row); err != nil {
		return nil, fmt.Errorf("bad row %.200q: %v", line, err)
	}
	return row, nil
}

// columnOrder maps the reference's columns to the reader's, by name.
func columnOrder(ref *reference, schema []readerColumn) ([]int, error) {
	at := map[string]int{}
	for i, c := range schema {
		at[c.Name] = i
	}
	var order []int
	var missing []string
	for _, c := range ref.cols {
		i, ok := at[c.name]
		if !ok {
			missing = append(missing, c.name)
		}
		order = append(order, i)
		delete(at, c.name)
	}
	if len(missing) > 0 || len(at) > 0 {
		var extra []string
		for n := range at {
			extra = append(extra, n)
		}
		slices.Sort(extra)
		return nil, fmt.Errorf("columns missing %v, unexpected %v", missing, extra)
	}
	return order, nil
}

// sameValue compares two canonical values.
func sameValue(a, b any) bool {
	switch a := a.(type) {
	case nil:
		return b == nil
	case string:
		b, ok := b.(string)
		return ok && a == b
	case bool:
		b, ok := b.(bool)
		return ok && a == b
	case float64:
		b, ok := b.(float64)
		return ok && (a == b || math.IsNaN(a) && math.IsNaN(b))
	case []any:
		b, ok := b.([]any)
		if !ok || len(a) != len(b) {
			return false
		}
		for i := range a {
			if !sameValue(a[i], b[i]) {
				return false
			}
		}
		return true
	}
	return false
}

func show(v any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Sprint(v)
	}
	s := strings.TrimSpace(b.String())
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}

// A reporter reports the first maxReports mismatches and counts the rest.
type reporter struct {
	t      *testing.T
	prefix string
	n      int
}

func (r *reporter) errorf(format string, args ...any) {
	r.n++
	if r.n <= maxReports {
		r.t.Errorf(r.prefix+format, args...)
	}
}

func (r *reporter) done() {
	if r.n > maxReports {
		r.t.Errorf("%s%d more mismatches", r.prefix, r.n-maxReports)
	}
}

// compareRows compares a reader's rows of a flat file, in order, with the
// reference's (or, with a nil reference, only counts them), checks their
// number against the footer's and returns the reader's schema (nil if it
// could not read the file).
func compareRows(t *testing.T, what, reader string, ref *reference, footerRows int64, path string) []readerColumn {
	out, schema, err := openOutput(path)
	if err != nil {
		t.Errorf("%s: %s cannot read it: %v", what, reader, err)
		return nil
	}
	defer out.close()
	rep := &reporter{t: t, prefix: fmt.Sprintf("%s, %s: ", what, reader)}
	defer rep.done()
	var order []int
	var want *lineReader
	if ref != nil {
		if order, err = columnOrder(ref, schema); err != nil {
			t.Errorf("%s: %s reads %v", what, reader, err)
			return schema
		}
		if want, err = openLines(ref.file); err != nil {
			t.Fatal(err)
		}
		defer want.close()
	}
	var n int64
	for ; ; n++ {
		line, err := out.next()
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if line == nil {
			break
		}
		row, err := parseRow(line)
		if err != nil {
			rep.errorf("after %d rows: %v", n, err)
			return schema
		}
		if ref == nil {
			continue
		}
		refLine, err := want.next()
		if err != nil {
			t.Fatal(err)
		}
		if refLine == nil {
			rep.errorf("row %d: more rows than parquet-go reads", n)
			continue
		}
		var refRow []any
		if err := json.Unmarshal(refLine, &refRow); err != nil {
			t.Fatal(err)
		}
		if len(row) != len(schema) {
			rep.errorf("row %d: %d values for %d columns", n, len(row), len(schema))
			continue
		}
		for i, c := range ref.cols {
			if got := row[order[i]]; !sameValue(got, refRow[i]) {
				rep.errorf("row %d, column %s: %s reads %s, parquet-go %s", n, c.name, reader, show(got), show(refRow[i]))
			}
		}
	}
	if n != footerRows {
		t.Errorf("%s: %s reads %d rows, the footer says %d", what, reader, n, footerRows)
	}
	return schema
}

// checkTypes checks a reader's column types and nullability against the
// documented schema; partition columns, when given, are strings that are
// not in the files.
func checkTypes(t *testing.T, what, reader string, want []arrowColumn, got []readerColumn, partition []string) {
	byName := map[string]readerColumn{}
	for _, c := range got {
		byName[c.Name] = c
	}
	for _, p := range partition {
		if _, ok := byName[p]; !ok {
			continue
		}
		if !slices.ContainsFunc(want, func(c arrowColumn) bool { return c.name == p }) {
			t.Errorf("%s: %s reads a partition column %s the table does not have", what, reader, p)
		}
	}
	for _, c := range want {
		g, ok := byName[c.name]
		if !ok {
			t.Errorf("%s: %s reads no column %s", what, reader, c.name)
			continue
		}
		names := readerTypes[c.kind][reader]
		if !slices.Contains(names, g.Type) {
			t.Errorf("%s, column %s: %s reads type %s, want %s (documented %s)", what, c.name, reader, g.Type, strings.Join(names, " or "), c.arrow)
		}
		if slices.Contains(partition, c.name) {
			continue
		}
		if g.Nullable != nil && *g.Nullable != c.nullable {
			t.Errorf("%s, column %s: %s reads nullable=%v, documented nullable=%v", what, c.name, reader, *g.Nullable, c.nullable)
		}
	}
}

// checkStatistics checks the statistics of every column chunk, as DuckDB's
// parquet_metadata() reports them, against the values parquet-go reads:
// the null count must be there and exact, min and max (where written)
// exact.
func checkStatistics(t *testing.T, name string, ref *reference, path string) {
	out, schema, err := openOutput(path)
	if err != nil {
		t.Errorf("%s.parquet: DuckDB's parquet_metadata() fails: %v", name, err)
		return
	}
	defer out.close()
	at := map[string]int{}
	for i, c := range schema {
		at[c.Name] = i
	}
	for _, c := range []string{"row_group_id", "row_group_num_rows", "column_id", "path_in_schema", "stats_min", "stats_max", "stats_null_count", "stats_min_value", "stats_max_value"} {
		if _, ok := at[c]; !ok {
			t.Fatalf("parquet_metadata() has no column %s", c)
		}
	}
	leafCol := map[int]*refColumn{}
	for i := range ref.cols {
		leafCol[ref.cols[i].leaf] = &ref.cols[i]
	}
	rep := &reporter{t: t, prefix: name + ".parquet, statistics: "}
	defer rep.done()
	seen := map[[2]int64]bool{}
	for {
		line, err := out.next()
		if err != nil {
			t.Fatal(err)
		}
		if line == nil {
			break
		}
		row, err := parseRow(line)
		if err != nil {
			rep.errorf("%v", err)
			return
		}
		field := func(c string) (string, bool) {
			s, ok := row[at[c]].(string)
			return s, ok
		}
		num := func(c string) int64 {
			s, _ := field(c)
			n, err := strconv.ParseInt(s, 10, 64)
			if err != nil {
				t.Fatalf("parquet_metadata() %s = %v", c, row[at[c]])
			}
			return n
		}
		rg, leaf, rgRows := num("row_group_id"), num("column_id"), num("row_group_num_rows")
		seen[[2]int64{rg, leaf}] = true
		if rg < 0 || rg >= int64(len(ref.groups)) || leaf < 0 || leaf >= int64(len(ref.leaves)) {
			rep.errorf("DuckDB reports row group %d, column %d; parquet-go reads %d row groups of %d columns", rg, leaf, len(ref.groups), len(ref.leaves))
			continue
		}
		g := ref.groups[rg]
		if rgRows != g.rows {
			rep.errorf("row group %d: DuckDB reports %d rows, parquet-go %d", rg, rgRows, g.rows)
		}
		c := leafCol[int(leaf)]
		p, _ := field("path_in_schema")
		if c == nil || strings.TrimSpace(strings.Split(p, ",")[0]) != c.name {
			rep.errorf("row group %d, column %d: DuckDB's path %q is not parquet-go's %s", rg, leaf, p, ref.leaves[leaf])
			continue
		}
		where := fmt.Sprintf("row group %d (%d rows), column %s", rg, g.rows, p)
		st := g.leaves[leaf]
		if s, ok := field("stats_null_count"); !ok {
			// An empty row group (an empty table's) may go without.
			if g.rows > 0 {
				rep.errorf("%s: no null count", where)
			}
		} else if n := num("stats_null_count"); n < 0 {
			rep.errorf("%s: null count %s is negative; %d nulls", where, s, st.nulls)
		} else if n != st.nulls {
			rep.errorf("%s: null count %d, but %d nulls", where, n, st.nulls)
		}
		kind := c.kind
		if kind == "list" {
			kind = c.elem
		}
		bounds := []struct{ col, which string }{{"stats_min_value", "min"}, {"stats_max_value", "max"}}
		if kind != "string" {
			// The deprecated min and max have signed byte order for
			// strings; for the other types they must hold too.
			bounds = append(bounds, struct{ col, which string }{"stats_min", "min"}, struct{ col, which string }{"stats_max", "max"})
		}
		for _, b := range bounds {
			s, ok := field(b.col)
			if !ok {
				continue
			}
			if st.values == 0 {
				rep.errorf("%s: %s %q, but the chunk has no values", where, b.col, s)
				continue
			}
			real := st.min
			if b.which == "max" {
				real = st.max
			}
			got, err := parseStat(kind, s)
			if err != nil {
				rep.errorf("%s: %s %q: %v", where, b.col, s, err)
			} else if compareStat(kind, got, real) != 0 {
				rep.errorf("%s: %s %q, but the %s is %s", where, b.col, s, b.which, formatStat(kind, real))
			}
		}
	}
	for rg := range ref.groups {
		for leaf := range ref.leaves {
			if !seen[[2]int64{int64(rg), int64(leaf)}] {
				rep.errorf("DuckDB reports nothing of row group %d, column %s", rg, ref.leaves[leaf])
			}
		}
	}
}

// parseStat parses a statistic as DuckDB prints it.
func parseStat(kind, s string) (statValue, error) {
	var v statValue
	var err error
	switch kind {
	case "string":
		v.s = s
	case "int64", "int32":
		v.i, err = strconv.ParseInt(s, 10, 64)
	case "bool":
		v.b, err = strconv.ParseBool(s)
	case "double":
		v.f, err = strconv.ParseFloat(s, 64)
	case "timestamp":
		var tm time.Time
		tm, err = time.Parse("2006-01-02 15:04:05.999999-07", s)
		v.i = tm.UnixMicro()
	case "date":
		var tm time.Time
		tm, err = time.Parse("2006-01-02", s)
		v.i = tm.Unix() / 86400
	}
	return v, err
}

// formatStat prints a value as DuckDB prints a statistic.
func formatStat(kind string, v statValue) string {
	switch kind {
	case "string":
		return strconv.Quote(v.s)
	case "bool":
		return strconv.FormatBool(v.b)
	case "double":
		return strconv.FormatFloat(v.f, 'g', -1, 64)
	case "timestamp":
		return strconv.Quote(time.UnixMicro(v.i).UTC().Format("2006-01-02 15:04:05.999999-07"))
	case "date":
		return strconv.Quote(time.Unix(v.i*86400, 0).UTC().Format("2006-01-02"))
	}
	return strconv.FormatInt(v.i, 10)
}

// compareHive compares the rows a reader reads from a table's partitioned
// dataset, partition columns from the paths included, with the flat file's,
// as multisets (readers do not keep the order across files).
func compareHive(t *testing.T, name, reader string, ref *reference, path string) []readerColumn {
	what := fmt.Sprintf("%s/ (partitioned), %s", name, reader)
	out, schema, err := openOutput(path)
	if err != nil {
		t.Errorf("%s cannot read it: %v", what, err)
		return nil
	}
	defer out.close()
	order, err := columnOrder(ref, schema)
	if err != nil {
		t.Errorf("%s reads %v", what, err)
		return schema
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	canon := func(row []any) ([]byte, error) {
		b.Reset()
		ordered := make([]any, len(order))
		for i, j := range order {
			ordered[i] = row[j]
		}
		if err := enc.Encode(ordered); err != nil {
			return nil, err
		}
		return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
	}

	// Count the flat rows, then take the partitioned ones off.
	counts := map[[32]byte]int{}
	want, err := openLines(ref.file)
	if err != nil {
		t.Fatal(err)
	}
	for {
		line, err := want.next()
		if err != nil {
			t.Fatal(err)
		}
		if line == nil {
			break
		}
		counts[sha256.Sum256(line)]++
	}
	want.close()
	var n int64
	for ; ; n++ {
		line, err := out.next()
		if err != nil {
			t.Fatal(err)
		}
		if line == nil {
			break
		}
		row, err := parseRow(line)
		if err != nil {
			t.Errorf("%s: after %d rows: %v", what, n, err)
			return schema
		}
		if len(row) != len(schema) {
			t.Errorf("%s: row %d: %d values for %d columns", what, n, len(row), len(schema))
			return schema
		}
		key, err := canon(row)
		if err != nil {
			t.Fatal(err)
		}
		counts[sha256.Sum256(key)]--
	}
	if n != ref.rows {
		t.Errorf("%s reads %d rows, the flat file has %d", what, n, ref.rows)
	}
	var missing, extra int
	for _, c := range counts {
		if c > 0 {
			missing += c
		} else {
			extra -= c
		}
	}
	if missing == 0 && extra == 0 {
		return schema
	}
	// Show a few of the rows that differ.
	var shownMissing, shownExtra []string
	if l, err := openLines(ref.file); err == nil {
		for line, _ := l.next(); line != nil && len(shownMissing) < maxReports; line, _ = l.next() {
			if counts[sha256.Sum256(line)] > 0 {
				shownMissing = append(shownMissing, string(line))
			}
		}
		l.close()
	}
	if l, _, err := openOutput(path); err == nil {
		for line, _ := l.next(); line != nil && len(shownExtra) < maxReports; line, _ = l.next() {
			row, err := parseRow(line)
			if err != nil {
				break
			}
			key, err := canon(row)
			if err == nil && counts[sha256.Sum256(key)] < 0 {
				shownExtra = append(shownExtra, string(key))
			}
		}
		l.close()
	}
	t.Errorf("%s: %d rows of the flat file are not in the dataset, %d rows of the dataset are not in the flat file (columns %v)\nnot in the dataset, e.g.:\n  %s\nnot in the flat file, e.g.:\n  %s",
		what, missing, extra, ref.columnNames(), strings.Join(shownMissing, "\n  "), strings.Join(shownExtra, "\n  "))
	return schema
}
