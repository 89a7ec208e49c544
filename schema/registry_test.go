package schema

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// Every table of the registry classifies each of its columns, in the order
// of its row type, and names, partition columns and stages make sense.
func TestRegistryIsComplete(t *testing.T) {
	names := map[string]bool{}
	for _, tb := range Tables {
		if err := tb.Check(); err != nil {
			t.Error(err)
		}
		if names[tb.Name] {
			t.Errorf("table %s is registered twice", tb.Name)
		}
		names[tb.Name] = true
		if got, ok := Lookup(tb.Name); !ok || got != tb {
			t.Errorf("Lookup(%q) = %v, %v", tb.Name, got, ok)
		}
		if tb.Stage != Collect && tb.Stage != Analyze {
			t.Errorf("table %s: stage %q", tb.Name, tb.Stage)
		}
		if len(tb.Order) == 0 {
			t.Errorf("table %s has no row order", tb.Name)
		}
	}
	if _, ok := Lookup("events.parquet"); ok {
		t.Error("Lookup takes a table's name, not its file name")
	}
	if len(Of(Collect)) != 11 || len(Of(Analyze)) != 9 {
		t.Errorf("%d raw and %d analysis tables", len(Of(Collect)), len(Of(Analyze)))
	}
}

// peopleWords are words in a column's name that say it may hold a login,
// a name, an email or free text; such a column is not public (but for a
// type, date or association, which say what kind of account or when).
var peopleWords = regexp.MustCompile(`(^|_)(login|logins|author|actor|owner|assignee|assignees|merged_by|name|names|email|emails|title|message|label|labels|body|error|detail)($|_)`)

var notPeople = regexp.MustCompile(`_(type|date|association)$|^(event_kind|event_repo|stage_reason)$`)

func TestColumnsNamedForPeopleAreNotPublic(t *testing.T) {
	for _, tb := range Tables {
		for _, c := range tb.Columns {
			if peopleWords.MatchString(c.Name) && !notPeople.MatchString(c.Name) && c.Class == Public {
				t.Errorf("%s.%s is public, but its name says it holds people or free text", tb.Name, c.Name)
			}
		}
	}
}

// docTable is a table as docs/schema.md describes it.
type docTable struct {
	columns []Column // the privacy column read as the class
	order   string   // its "Order: ..." sentence, or the overview's order
}

var (
	heading     = regexp.MustCompile(`^#{2,3} ([a-z_]+)\.parquet\s*$`)
	orderRe     = regexp.MustCompile(`Order:\s+([^.]*)\.`)
	overviewRow = regexp.MustCompile("^`([a-z_]+)\\.parquet`$")
)

// readDocs reads the tables of docs/schema.md: each one's column table
// (with its privacy column) and row order.
func readDocs(t *testing.T) map[string]*docTable {
	t.Helper()
	b, err := os.ReadFile("../docs/schema.md")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*docTable{}
	var cur *docTable
	var text strings.Builder
	inColumns := false
	flush := func() {
		if cur != nil {
			if m := orderRe.FindStringSubmatch(strings.Join(strings.Fields(text.String()), " ")); m != nil && cur.order == "" {
				cur.order = m[1]
			}
		}
		text.Reset()
	}
	overview := map[string]string{}
	for _, line := range strings.Split(string(b), "\n") {
		if m := heading.FindStringSubmatch(line); m != nil {
			flush()
			cur = &docTable{}
			out[m[1]] = cur
			inColumns = false
			continue
		}
		if strings.HasPrefix(line, "#") {
			flush()
			cur = nil
			continue
		}
		cells := strings.Split(strings.Trim(strings.TrimSpace(line), "|"), "|")
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		if cur == nil {
			// The overview of the raw tables: file, one row per, order.
			if m := overviewRow.FindStringSubmatch(cells[0]); len(cells) == 3 && m != nil {
				overview[m[1]] = cells[2]
			}
			continue
		}
		text.WriteString(line + "\n")
		switch {
		case len(cells) == 4 && cells[0] == "column" && cells[2] == "privacy":
			inColumns = len(cur.columns) == 0
		case inColumns && strings.HasPrefix(line, "|") && !strings.HasPrefix(cells[0], "--"):
			cur.columns = append(cur.columns, Column{Name: cells[0], Class: Class(cells[2])})
		case !strings.HasPrefix(line, "|"):
			inColumns = false
		}
	}
	flush()
	for name, order := range overview {
		if d, ok := out[name]; ok {
			d.order = "community, repo, " + order
		} else {
			out[name] = &docTable{order: order}
		}
	}
	return out
}

// docs/schema.md lists every table of the registry, each with its columns
// in order and their privacy class, and its row order.
func TestDocsAgreeWithRegistry(t *testing.T) {
	docs := readDocs(t)
	for _, tb := range Tables {
		d, ok := docs[tb.Name]
		if !ok {
			t.Errorf("docs/schema.md has no section %s.parquet", tb.Name)
			continue
		}
		want := make([]Column, len(tb.Columns))
		for i, c := range tb.Columns {
			want[i] = Column{Name: c.Name, Class: c.Class}
		}
		if !slices.Equal(d.columns, want) {
			t.Errorf("docs/schema.md, %s.parquet: columns and classes\n got %v\nwant %v", tb.Name, d.columns, want)
		}
		// The order's columns appear in the docs' order, in order.
		rest := d.order
		for _, o := range tb.Order {
			word := strings.Fields(o)[0]
			i := strings.Index(rest, word)
			if i < 0 {
				t.Errorf("docs/schema.md, %s.parquet: order %q, want %q", tb.Name, d.order, strings.Join(tb.Order, ", "))
				break
			}
			rest = rest[i+len(word):]
		}
	}
	for name := range docs {
		if _, ok := Lookup(name); !ok {
			t.Errorf("docs/schema.md describes %s.parquet, which the registry lacks", name)
		}
	}
}
