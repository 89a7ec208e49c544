package privacy

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/journeys-dev/journeys/internal/table"
	"github.com/journeys-dev/journeys/schema"
)

// valuesOf renders every column name, value and footer entry of the
// Parquet file at path, whatever its columns ("" when there is none).
func valuesOf(t *testing.T, path string) string {
	t.Helper()
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return ""
	}
	pf, err := file.OpenParquetFile(path, false)
	if err != nil {
		t.Fatal(err)
	}
	defer pf.Close()
	var b strings.Builder
	md := pf.MetaData().KeyValueMetadata()
	for i, k := range md.Keys() {
		fmt.Fprintf(&b, "%s=%s\n", k, md.Values()[i])
	}
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{BatchSize: 1024}, memory.DefaultAllocator)
	if err != nil {
		t.Fatal(err)
	}
	rr, err := fr.GetRecordReader(context.Background(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer rr.Release()
	for {
		rec, err := rr.Read()
		if rec == nil || err != nil {
			if err != nil && !errors.Is(err, io.EOF) {
				t.Fatal(err)
			}
			return b.String()
		}
		for j, col := range rec.Columns() {
			b.WriteString(rec.ColumnName(j))
			for i := range col.Len() {
				b.WriteString(" " + col.ValueStr(i))
			}
			b.WriteByte('\n')
		}
	}
}

// columnsOf returns the columns of the Parquet file at path.
func columnsOf(t *testing.T, path string) []string {
	t.Helper()
	pf, err := file.OpenParquetFile(path, false)
	if err != nil {
		t.Fatal(err)
	}
	defer pf.Close()
	var out []string
	for i := range pf.MetaData().Schema.Root().NumFields() {
		out = append(out, pf.MetaData().Schema.Root().Field(i).Name())
	}
	return out
}

// markers fills a private folder with rows of every table of the registry
// whose login, personal and free-text values are unique marker strings.
type markers struct {
	n int
	// by class, the markers used
	used map[schema.Class][]string
}

func (m *markers) next(c schema.Class) string {
	m.n++
	var s string
	switch c {
	case schema.Login:
		s = fmt.Sprintf("login-m%d", m.n)
	case schema.Personal:
		s = fmt.Sprintf("personal-m%d", m.n)
	case schema.FreeText:
		s = fmt.Sprintf("freetext-m%d", m.n)
	default:
		return fmt.Sprintf("public-%d", m.n)
	}
	m.used[c] = append(m.used[c], s)
	return s
}

var markerPattern = regexp.MustCompile(`(login|personal|freetext)-m[0-9]+`)

// fill sets every field of row (a struct of table t) to a value of its
// column's class: a fresh marker for logins, personal data and free text.
// personRepo is a repository a person (a login marker) owns.
func (m *markers) fill(t *schema.Table, row reflect.Value, personRepo string, kind schema.Kind) {
	at := time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
	for i := range row.NumField() {
		f := row.Type().Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("parquet"), ",")
		c, _ := t.Column(name)
		value := func() string {
			switch {
			case c.Class == schema.Repository:
				return personRepo
			case t == schema.Events && name == "kind":
				return string(kind)
			case t == schema.Events && name == "detail":
				// What the detail of this kind holds.
				return m.next(kind.DetailClass())
			case t == schema.Events && name == "source_id":
				switch kind {
				case schema.KindStar:
					return "star:" + m.next(schema.Login)
				case schema.KindRecognized:
					return "all-contributors:" + m.next(schema.Login)
				}
				return string(kind) + ":1"
			case t == schema.Repos && name == "owner_type":
				return "User"
			}
			return m.next(c.Class)
		}
		v := row.Field(i)
		switch v.Interface().(type) {
		case string:
			v.SetString(value())
		case *string:
			s := value()
			v.Set(reflect.ValueOf(&s))
		case []string:
			v.Set(reflect.ValueOf([]string{value(), value()}))
		case schema.Kind:
			v.SetString(value())
		case time.Time:
			v.Set(reflect.ValueOf(at))
		case *time.Time:
			v.Set(reflect.ValueOf(&at))
		case int64:
			v.SetInt(1)
		case *int64:
			n := int64(1)
			v.Set(reflect.ValueOf(&n))
		}
	}
}

// Every file of the published folder (every table and manifest, read
// whole) holds none of the logins, names, emails and free text of the
// private folder, which has rows in every table of the registry with a
// unique marker in each such value.
func TestPublishedFolderHoldsNoLoginNameEmailOrFreeText(t *testing.T) {
	src, dst := t.TempDir(), t.TempDir()
	m := &markers{used: map[schema.Class][]string{}}
	owner := m.next(schema.Login)
	personRepo := owner + "/" + owner + "-notes"
	kinds := []schema.Kind{schema.KindStar, schema.KindFork, schema.KindIssueOpened, schema.KindPROpened,
		schema.KindPRMerged, schema.KindIssueClosed, schema.KindIssueReopened, schema.KindIssueComment,
		schema.KindReview, schema.KindReviewComment, schema.KindCommit, schema.KindCommitCoauthor,
		schema.KindLabeled, schema.KindAssigned, schema.KindRecognized}
	for _, tb := range schema.Tables {
		rows := reflect.New(reflect.SliceOf(tb.Row)).Elem()
		for _, k := range kinds {
			row := reflect.New(tb.Row).Elem()
			m.fill(tb, row, personRepo, k)
			rows = reflect.Append(rows, row)
			if tb != schema.Events {
				break
			}
		}
		w, err := table.CreateType(filepath.Join(src, tb.File()), tb.Row)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Write(rows); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
	}
	manifest := fmt.Sprintf(`{"repos": [{"community": "c", "repo": %q, "status": "failed", "error": %q}], "incomplete": ["reviews of %s failed"]}`,
		personRepo, m.next(schema.FreeText), personRepo)
	os.WriteFile(filepath.Join(src, schema.ManifestFile), []byte(manifest), 0o644)
	os.WriteFile(filepath.Join(src, schema.AnalysisManifestFile), []byte(`{"communities": ["c"]}`), 0o644)

	p, _ := NewPseudonymizer(testKey)
	if err := Publish(context.Background(), src, dst, PublishOptions{Pseudonymizer: p}); err != nil {
		t.Fatal(err)
	}
	var files []string
	err := filepath.WalkDir(dst, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dst, path)
		files = append(files, rel)
		var text string
		if strings.HasSuffix(path, ".parquet") {
			text = valuesOf(t, path)
		} else {
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			text = string(b)
		}
		if leaks := markerPattern.FindAllString(text, -1); len(leaks) > 0 {
			slices.Sort(leaks)
			t.Errorf("%s holds %d values of the input that are not public, e.g. %q", rel, len(leaks), slices.Compact(leaks)[:min(5, len(slices.Compact(leaks)))])
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(files)
	want := slices.Clone(Published)
	slices.Sort(want)
	if !slices.Equal(files, want) {
		t.Errorf("published files %q, want %q", files, want)
	}
	// The logins are there, as pseudonyms; the public values are kept.
	contributors := valuesOf(t, filepath.Join(dst, schema.Contributors.File()))
	if !strings.Contains(contributors, p.Login(owner)+"/") || !strings.Contains(contributors, "public-") {
		t.Errorf("published contributors lack the pseudonymized repository or the public values:\n%s", contributors)
	}
	// Each table keeps exactly its public, repository and login columns
	// (identities is aggregated; commits counts its co-authors).
	for _, tb := range schema.Tables {
		if tb == schema.Identities {
			continue
		}
		var wantCols []string
		for _, c := range tb.Columns {
			if c.Class != schema.Personal && c.Class != schema.FreeText || tb == schema.Events && c.Name == "detail" {
				wantCols = append(wantCols, c.Name)
			}
		}
		if tb == schema.Commits {
			wantCols = append(wantCols, "co_authors")
		}
		if got := columnsOf(t, filepath.Join(dst, tb.File())); !slices.Equal(got, wantCols) {
			t.Errorf("published %s has columns %q, want %q", tb.Name, got, wantCols)
		}
	}
}

// A column added to a row type without a privacy class in the registry
// stops publishing, with an error naming the table and the column, before
// anything is written.
func TestPublishRefusesAColumnWithNoPrivacyClass(t *testing.T) {
	type note struct {
		Community string  `parquet:"community,dict"`
		Repo      string  `parquet:"repo,dict"`
		Author    *string `parquet:"author"`
		Body      string  `parquet:"body"`
	}
	classified := []schema.Column{{Name: "community", Class: schema.Public}, {Name: "repo", Class: schema.Repository}, {Name: "author", Class: schema.Login}}
	tests := []struct {
		name    string
		columns []schema.Column
		wantErr string
	}{
		{"body not classified", classified, "table notes: column body has no privacy class"},
		{"body with no class", append(slices.Clone(classified), schema.Column{Name: "body"}), "table notes: column body has no privacy class"},
		{"body of an unknown class", append(slices.Clone(classified), schema.Column{Name: "body", Class: "secret"}), `table notes: column body: "secret" is no privacy class`},
		{"a column that is gone", append(slices.Clone(classified), schema.Column{Name: "body", Class: schema.FreeText}, schema.Column{Name: "title", Class: schema.FreeText}), "table notes: column title is classified but is no column"},
		{"every column classified", append(slices.Clone(classified), schema.Column{Name: "body", Class: schema.FreeText}), ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src, dst := t.TempDir(), t.TempDir()
			notes := &schema.Table{Name: "notes", Stage: schema.Collect, Row: reflect.TypeFor[note](), Columns: tc.columns}
			if err := table.WriteFile(filepath.Join(src, notes.File()), []note{{Community: "c", Repo: "o/r", Author: ptr("alice"), Body: "Hi, I am Alice Liddell"}}); err != nil {
				t.Fatal(err)
			}
			p, _ := NewPseudonymizer(testKey)
			err := Publish(context.Background(), src, dst, PublishOptions{Pseudonymizer: p, tables: []*schema.Table{notes}})
			entries, _ := os.ReadDir(dst)
			if tc.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				if text := valuesOf(t, filepath.Join(dst, notes.File())); strings.Contains(text, "Alice") || !strings.Contains(text, p.Login("alice")) {
					t.Errorf("published notes:\n%s", text)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("Publish: %v, want an error with %q", err, tc.wantErr)
			}
			if len(entries) > 0 {
				t.Errorf("Publish wrote %d files before refusing", len(entries))
			}
		})
	}
}
