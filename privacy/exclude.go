package privacy

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"

	"github.com/journeys-dev/journeys/internal/table"
	"github.com/journeys-dev/journeys/schema"
)

// Exclusions are the people who asked to be left out, by login or email
// (case-insensitive).
type Exclusions struct {
	logins map[string]bool
	emails map[string]bool
	// names are the author names on the excluded people's commits, found
	// by FilterDir: their commits GitHub linked to nobody are left out by
	// name too.
	names map[string]bool
}

// NewExclusions returns the exclusions of entries: logins, or emails
// (anything with an "@").
func NewExclusions(entries []string) *Exclusions {
	x := &Exclusions{logins: map[string]bool{}, emails: map[string]bool{}, names: map[string]bool{}}
	for _, e := range entries {
		e = strings.ToLower(strings.TrimSpace(e))
		switch {
		case e == "":
		case strings.Contains(e, "@"):
			x.emails[e] = true
		default:
			x.logins[e] = true
		}
	}
	return x
}

// Empty reports whether nobody is excluded.
func (x *Exclusions) Empty() bool { return x == nil || len(x.logins)+len(x.emails) == 0 }

// Entries returns the logins and emails, sorted.
func (x *Exclusions) Entries() []string {
	if x == nil {
		return nil
	}
	var out []string
	for l := range x.logins {
		out = append(out, l)
	}
	for e := range x.emails {
		out = append(out, e)
	}
	slices.Sort(out)
	return out
}

// Login reports whether login is excluded.
func (x *Exclusions) Login(login string) bool {
	return x != nil && login != "" && x.logins[strings.ToLower(login)]
}

func (x *Exclusions) loginPtr(login *string) bool { return login != nil && x.Login(*login) }

// Email reports whether email is excluded.
func (x *Exclusions) Email(email string) bool {
	return x != nil && email != "" && x.emails[strings.ToLower(strings.TrimSpace(email))]
}

// author reports whether a commit author is excluded: by login, by email,
// or, when GitHub linked the commit to nobody, by a name seen on an
// excluded person's commits.
func (x *Exclusions) author(login *string, name, email string) bool {
	if x.loginPtr(login) || x.Email(email) {
		return true
	}
	return login == nil && x.names[foldName(name)]
}

func foldName(name string) string { return strings.ToLower(strings.Join(strings.Fields(name), " ")) }

// entryPattern accepts a login or an email.
var entryPattern = regexp.MustCompile(`^(?:[A-Za-z0-9][A-Za-z0-9_-]{0,38}(?:\[bot\])?|[^@\s<>]+@[^@\s<>]+)$`)

// ReadExcludeFile reads an exclusion list: one login or email a line;
// blank lines and lines starting with # are skipped. An entry that is
// neither is an error naming the file and line.
func ReadExcludeFile(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read exclusion list: %w", err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		s := strings.TrimSpace(sc.Text())
		if s == "" || strings.HasPrefix(s, "#") {
			continue
		}
		if !entryPattern.MatchString(s) {
			return nil, fmt.Errorf("%s:%d: %q is neither a GitHub login nor an email", path, line, s)
		}
		out = append(out, s)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read exclusion list %s: %w", path, err)
	}
	return out, nil
}

// FilterDir removes the excluded people's rows from the raw tables in dir
// (those collect writes; a table that is absent is skipped), rewriting
// each table atomically, and corrects the row counts of collection.json.
// A row is theirs when they did it, authored it or are listed in it;
// where they are only mentioned (the author of an item someone else acted
// on, an assignee, who merged, a commit's committer or co-author), the
// mention is removed and the row kept. It returns the rows removed per
// table.
func FilterDir(ctx context.Context, dir string, x *Exclusions) (map[string]int64, error) {
	if x.Empty() {
		return map[string]int64{}, nil
	}
	if err := x.learnNames(filepath.Join(dir, schema.Commits.File())); err != nil {
		return nil, err
	}
	f := &filter{ctx: ctx, dir: dir, removed: map[string]int64{}, perRepo: map[[2]string]int64{}}
	for _, t := range schema.Of(schema.Collect) {
		filterTable(f, t, x, rowRules(x)[t])
	}
	if f.err != nil {
		return nil, f.err
	}
	if err := f.fixManifest(); err != nil {
		return nil, err
	}
	return f.removed, nil
}

// learnNames notes the author names and emails on the excluded people's
// commits.
func (x *Exclusions) learnNames(path string) error {
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	err := table.ScanColumns(path, []string{"author_login", "author_name", "author_email", "co_author_names", "co_author_emails"},
		func(batch []schema.Commit) error {
			for i := range batch {
				c := &batch[i]
				if x.loginPtr(c.AuthorLogin) || x.Email(c.AuthorEmail) {
					x.note(c.AuthorName, c.AuthorEmail)
				}
				for j, e := range c.CoAuthorEmails {
					if x.Email(e) && j < len(c.CoAuthorNames) {
						x.note(c.CoAuthorNames[j], e)
					}
				}
			}
			return nil
		})
	if err != nil {
		return fmt.Errorf("leave out excluded people: %w", err)
	}
	return nil
}

func (x *Exclusions) note(name, email string) {
	if n := foldName(name); n != "" {
		x.names[n] = true
	}
	if e := strings.ToLower(strings.TrimSpace(email)); e != "" && e != "noreply@github.com" {
		x.emails[e] = true
	}
}

// dropTrailers removes the Co-authored-by lines that name one of emails.
func dropTrailers(msg string, emails []string) string {
	lines := strings.Split(msg, "\n")
	out := lines[:0]
	for _, l := range lines {
		lower := strings.ToLower(l)
		drop := false
		if strings.HasPrefix(strings.TrimSpace(lower), "co-authored-by:") {
			for _, e := range emails {
				if e != "" && strings.Contains(lower, "<"+e+">") {
					drop = true
				}
			}
		}
		if !drop {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

type filter struct {
	ctx     context.Context
	dir     string
	removed map[string]int64
	perRepo map[[2]string]int64 // {table, community+"\x00"+repo} -> rows removed
	err     error
}

// rowRules are what leaving people out does to a row beyond what the
// registry's login columns say (see filterTable), for the tables that hold
// people by name and email: a commit's author, committer and co-authors
// (and their Co-authored-by lines), an event's commit author and an
// assignment's assignee. A rule returns whether to keep the row, and may
// edit it.
func rowRules(x *Exclusions) map[*schema.Table]func(row any) bool {
	return map[*schema.Table]func(row any) bool{
		schema.Commits: func(row any) bool {
			r := row.(*schema.Commit)
			if x.author(r.AuthorLogin, r.AuthorName, r.AuthorEmail) {
				return false
			}
			if x.author(r.CommitterLogin, r.CommitterName, r.CommitterEmail) {
				r.CommitterLogin, r.CommitterName, r.CommitterEmail = nil, "", ""
			}
			var names, emails []string
			var gone []string
			for i := range r.CoAuthorNames {
				email := ""
				if i < len(r.CoAuthorEmails) {
					email = r.CoAuthorEmails[i]
				}
				if x.author(nil, r.CoAuthorNames[i], email) {
					gone = append(gone, strings.ToLower(email))
					continue
				}
				names, emails = append(names, r.CoAuthorNames[i]), append(emails, email)
			}
			if len(gone) > 0 {
				r.CoAuthorNames, r.CoAuthorEmails = names, emails
				r.Message = dropTrailers(r.Message, gone)
			}
			return true
		},
		schema.Events: func(row any) bool {
			r := row.(*schema.Event)
			if r.Kind == schema.KindCommit || r.Kind == schema.KindCommitCoauthor {
				var name, email string
				if r.AuthorName != nil {
					name = *r.AuthorName
				}
				if r.AuthorEmail != nil {
					email = *r.AuthorEmail
				}
				if x.author(r.Actor, name, email) {
					return false
				}
			}
			if r.Kind == schema.KindAssigned && x.loginPtr(r.Detail) {
				r.Detail = nil
			}
			return true
		},
	}
}

// filterTable rewrites dir/TABLE.parquet without the excluded people's
// rows: a row goes when rule (if any) says so or one of the table's
// subject login columns names an excluded person; in its other login
// columns, the mentions of excluded people go. A table with no login
// column and no rule is left as it is.
func filterTable(f *filter, t *schema.Table, x *Exclusions, rule func(row any) bool) {
	if f.err != nil {
		return
	}
	path := filepath.Join(f.dir, t.File())
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return
	}
	var subjects, mentions []int
	for i := range t.Row.NumField() {
		name, _, _ := strings.Cut(t.Row.Field(i).Tag.Get("parquet"), ",")
		if c, ok := t.Column(name); ok && c.Class == schema.Login {
			if c.Subject {
				subjects = append(subjects, i)
			} else {
				mentions = append(mentions, i)
			}
		}
	}
	if len(subjects)+len(mentions) == 0 && rule == nil {
		return
	}
	community, repo := fieldIndex(t.Row, "community"), fieldIndex(t.Row, "repo")
	keep := func(row reflect.Value) bool {
		if rule != nil && !rule(row.Addr().Interface()) {
			return false
		}
		for _, i := range subjects {
			if excludedValue(x, row.Field(i)) {
				return false
			}
		}
		for _, i := range mentions {
			dropMentions(x, row.Field(i))
		}
		return true
	}
	err := rewriteType(f.ctx, path, t.Row, func(row reflect.Value) bool {
		if keep(row) {
			return true
		}
		f.removed[t.Name]++
		var c, r string
		if community >= 0 && repo >= 0 {
			c, r = row.Field(community).String(), row.Field(repo).String()
		}
		f.perRepo[[2]string{t.Name, c + "\x00" + r}]++
		return false
	})
	if err != nil {
		f.err = fmt.Errorf("leave out excluded people from %s: %w", t.Name, err)
	}
}

// excludedValue reports whether the login (string or *string) v is of an
// excluded person.
func excludedValue(x *Exclusions, v reflect.Value) bool {
	switch v.Kind() {
	case reflect.String:
		return x.Login(v.String())
	case reflect.Pointer:
		return !v.IsNil() && x.Login(v.Elem().String())
	case reflect.Slice:
		for i := range v.Len() {
			if x.Login(v.Index(i).String()) {
				return true
			}
		}
	}
	return false
}

// dropMentions removes the excluded people's logins from v: a list loses
// them, a nullable login becomes null, a login empty.
func dropMentions(x *Exclusions, v reflect.Value) {
	switch v.Kind() {
	case reflect.Slice:
		if excludedValue(x, v) {
			logins := slices.DeleteFunc(slices.Clone(v.Interface().([]string)), x.Login)
			v.Set(reflect.ValueOf(logins))
		}
	case reflect.Pointer, reflect.String:
		if excludedValue(x, v) {
			v.SetZero()
		}
	}
}

// fieldIndex returns the index of the field of typ that holds column
// name, or -1.
func fieldIndex(typ reflect.Type, name string) int {
	for i := range typ.NumField() {
		if n, _, _ := strings.Cut(typ.Field(i).Tag.Get("parquet"), ","); n == name {
			return i
		}
	}
	return -1
}

// rewriteType rewrites the table of rows of type typ at path in place with
// the rows keep accepts (keep may edit the row it is given), keeping the
// file's metadata.
func rewriteType(ctx context.Context, path string, typ reflect.Type, keep func(row reflect.Value) bool) error {
	inherit, err := table.Inherited(path)
	if err != nil {
		return err
	}
	w, err := table.CreateType(path, typ, inherit)
	if err != nil {
		return err
	}
	var out reflect.Value
	err = table.ScanType(path, typ, nil, func(batch reflect.Value) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if !out.IsValid() {
			out = reflect.MakeSlice(batch.Type(), 0, batch.Len())
		}
		out = out.Slice(0, 0)
		for i := range batch.Len() {
			if row := batch.Index(i); keep(row) {
				out = reflect.Append(out, row)
			}
		}
		return w.Write(out)
	})
	if err != nil {
		w.Abort()
		return err
	}
	return w.Close()
}

// fixManifest lowers the row counts of collection.json by the rows
// removed, and says that people were left out of the raw tables
// (people_left_out). Fields it does not know are kept.
func (f *filter) fixManifest() error {
	path := filepath.Join(f.dir, schema.ManifestFile)
	var m map[string]any
	if ok, err := readJSON(path, &m); err != nil || !ok {
		return err
	}
	m["people_left_out"] = true
	if tables, ok := m["tables"].(map[string]any); ok {
		for name, n := range f.removed {
			if v, ok := tables[name].(json.Number); ok {
				if c, err := v.Int64(); err == nil {
					tables[name] = json.Number(fmt.Sprint(c - n))
				}
			}
		}
	}
	if repos, ok := m["repos"].([]any); ok {
		for _, r := range repos {
			rm, ok := r.(map[string]any)
			if !ok {
				continue
			}
			c, _ := rm["community"].(string)
			repo, _ := rm["repo"].(string)
			rows, ok := rm["rows"].(map[string]any)
			if !ok {
				continue
			}
			for name := range rows {
				n := f.perRepo[[2]string{name, c + "\x00" + repo}]
				if v, ok := rows[name].(json.Number); ok && n > 0 {
					if cnt, err := v.Int64(); err == nil {
						rows[name] = json.Number(fmt.Sprint(cnt - n))
					}
				}
			}
		}
	}
	return writeJSON(path, m)
}

// readJSON decodes path into v, numbers kept as json.Number; ok is false
// when the file does not exist.
func readJSON(path string, v any) (ok bool, err error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("read %s: %w", path, err)
	}
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return false, fmt.Errorf("read %s: %w", path, err)
	}
	return true, nil
}

func writeJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("encode %s: %w", path, err)
	}
	return table.WriteFileAtomic(path, append(b, '\n'))
}
