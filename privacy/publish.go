package privacy

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"

	"github.com/journeys-dev/journeys/internal/table"
	"github.com/journeys-dev/journeys/schema"
)

// Published lists the files Publish writes, in the order it writes them:
// every table of the registry, then the two manifests.
var Published = publishedFiles()

func publishedFiles() []string {
	var out []string
	for _, t := range schema.Tables {
		out = append(out, t.File())
	}
	return append(out, schema.ManifestFile, schema.AnalysisManifestFile)
}

// PublishOptions say how to publish.
type PublishOptions struct {
	// Pseudonymizer makes the pseudonyms. Required.
	Pseudonymizer *Pseudonymizer
	Logger        *slog.Logger

	// tables are the tables to publish (default: schema.Tables).
	tables []*schema.Table
}

// Publish writes a pseudonymized copy of the tables and manifests of the
// private folder src into dst. Every column is published as its privacy
// class (schema.Class) says: a public column as it is; a repository with
// the login of a person who owns it replaced by its pseudonym; a login as
// its pseudonym; a personal or free-text column not at all. events.parquet's
// detail follows the class of each event's kind (schema.Kind.DetailClass)
// and its source ids have their logins pseudonymized; commits.parquet gets
// co_authors, the count of the co-authors it leaves out; identities.parquet
// is aggregated per login and method; bots.parquet is sorted by pseudonym.
// A table with a column of no privacy class is an error naming it, and
// nothing is written. A file of Published that src lacks is removed from
// dst, so that no earlier output stays beside the new one; other files of
// src are not copied. Each file is written atomically.
func Publish(ctx context.Context, src, dst string, opts PublishOptions) error {
	if opts.Pseudonymizer == nil {
		return errors.New("publish: no pseudonymizer")
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	tables := opts.tables
	if tables == nil {
		tables = schema.Tables
	}
	plans := make([]*plan, len(tables))
	for i, t := range tables {
		var err error
		if plans[i], err = planOf(t); err != nil {
			return fmt.Errorf("publish: %w", err)
		}
	}
	same, err := sameDir(src, dst)
	if err != nil {
		return err
	}
	if same {
		return fmt.Errorf("publish: the private folder %s and the output folder are the same", src)
	}
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return fmt.Errorf("publish: create output folder: %w", err)
	}
	pb := &publisher{ctx: ctx, src: src, dst: dst, p: opts.Pseudonymizer}
	if err := pb.learnOwners(); err != nil {
		return err
	}
	for _, pl := range plans {
		switch pl.table {
		case schema.Identities:
			pb.identities()
		default:
			pb.publish(pl)
		}
	}
	if pb.err != nil {
		return pb.err
	}
	if err := pb.p.Err(); err != nil {
		return fmt.Errorf("publish: %w", err)
	}
	if err := pb.manifests(); err != nil {
		return err
	}
	log.Info("published pseudonymized output", "out", dst, "files", pb.files, "logins", len(pb.p.owner))
	return nil
}

// An op makes one column of a published row from the raw row.
type op struct {
	in, out int // field indices
	how     treatment
}

type treatment int

const (
	keep       treatment = iota
	repository           // the repository's published name
	login                // the pseudonym
	detail               // events.detail: by the class of the event's kind
	sourceID             // events.source_id: its login pseudonymized
	count                // the length of the raw list
)

// A plan says how a table is published: the published row type and how
// each of its columns is made.
type plan struct {
	table *schema.Table
	out   reflect.Type
	ops   []op
	kind  int // events: the field of the kind, for detail
}

// planOf makes the plan of table t from the privacy classes of its
// columns; a column without one is an error.
func planOf(t *schema.Table) (*plan, error) {
	if err := t.Check(); err != nil {
		return nil, err
	}
	pl := &plan{table: t, kind: -1}
	var fields []reflect.StructField
	add := func(in int, f reflect.StructField, how treatment) {
		pl.ops = append(pl.ops, op{in: in, out: len(fields), how: how})
		fields = append(fields, reflect.StructField{Name: f.Name, Type: f.Type, Tag: f.Tag})
	}
	for i := range t.Row.NumField() {
		f := t.Row.Field(i)
		tag, ok := f.Tag.Lookup("parquet")
		if !ok || tag == "-" || !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		c, _ := t.Column(name)
		if t == schema.Events && name == "kind" {
			pl.kind = i
		}
		switch {
		case t == schema.Events && name == "detail":
			add(i, f, detail)
		case t == schema.Events && name == "source_id":
			add(i, f, sourceID)
		case c.Class == schema.Public:
			add(i, f, keep)
		case c.Class == schema.Repository:
			add(i, f, repository)
		case c.Class == schema.Login:
			add(i, f, login)
		case t == schema.Commits && name == "co_author_emails":
			// Personal: left out, and counted.
			pl.ops = append(pl.ops, op{in: i, out: -1, how: count})
		}
		// Personal and free-text columns are left out.
	}
	for i := range pl.ops {
		if pl.ops[i].how == count {
			pl.ops[i].out = len(fields)
			fields = append(fields, reflect.StructField{Name: "CoAuthors", Type: reflect.TypeFor[int64](), Tag: `parquet:"co_authors"`})
		}
	}
	if len(fields) == 0 {
		return nil, fmt.Errorf("table %s: no column to publish", t.Name)
	}
	pl.out = reflect.StructOf(fields)
	for _, o := range pl.ops {
		if o.how == detail && pl.kind < 0 {
			return nil, fmt.Errorf("table %s: a detail column with no kind column", t.Name)
		}
		if err := o.check(t.Row.Field(o.in).Type); err != nil {
			return nil, fmt.Errorf("table %s: column %s: %w", t.Name, t.Row.Field(o.in).Tag.Get("parquet"), err)
		}
	}
	return pl, nil
}

var (
	stringType  = reflect.TypeFor[string]()
	stringPtr   = reflect.TypeFor[*string]()
	stringSlice = reflect.TypeFor[[]string]()
)

// check reports a treatment that cannot apply to a field of type typ.
func (o op) check(typ reflect.Type) error {
	switch o.how {
	case repository, login:
		if typ != stringType && typ != stringPtr && !(o.how == login && typ == stringSlice) {
			return fmt.Errorf("a %v cannot be pseudonymized", typ)
		}
	case detail, sourceID:
		if typ != stringPtr && typ != stringType {
			return fmt.Errorf("a %v cannot be pseudonymized", typ)
		}
	case count:
		if typ.Kind() != reflect.Slice {
			return fmt.Errorf("a %v cannot be counted", typ)
		}
	}
	return nil
}

// row makes the published row out from the raw row in.
func (pb *publisher) row(pl *plan, in, out reflect.Value) {
	for _, o := range pl.ops {
		src, dst := in.Field(o.in), out.Field(o.out)
		switch o.how {
		case keep:
			dst.Set(src)
		case repository:
			pb.mapString(src, dst, pb.repo)
		case login:
			if src.Type() == stringSlice {
				dst.Set(reflect.ValueOf(pb.p.Logins(src.Interface().([]string))))
				continue
			}
			pb.mapString(src, dst, pb.p.Login)
		case detail:
			switch schema.Kind(in.Field(pl.kind).String()).DetailClass() {
			case schema.Public:
				dst.Set(src)
			case schema.Login:
				pb.mapString(src, dst, pb.p.Login)
			}
			// Otherwise null: the column is free text.
		case sourceID:
			pb.mapString(src, dst, pb.sourceID)
		case count:
			dst.SetInt(int64(src.Len()))
		}
	}
}

// mapString sets dst to fn of the string or *string src (nil stays nil).
func (pb *publisher) mapString(src, dst reflect.Value, fn func(string) string) {
	if src.Kind() == reflect.String {
		dst.SetString(fn(src.String()))
		return
	}
	if src.IsNil() {
		dst.SetZero()
		return
	}
	s := fn(src.Elem().String())
	dst.Set(reflect.ValueOf(&s))
}

// fieldOf returns the index of the field of the struct type typ that holds
// column name.
func fieldOf(typ reflect.Type, name string) (int, bool) {
	for i := range typ.NumField() {
		if n, _, _ := strings.Cut(typ.Field(i).Tag.Get("parquet"), ","); n == name {
			return i, true
		}
	}
	return 0, false
}

// sortStable sorts rows, a slice of structs, by their string field f.
func sortStable(rows reflect.Value, f int) {
	swap := reflect.Swapper(rows.Interface())
	sort.Stable(byField{rows, f, swap})
}

type byField struct {
	rows reflect.Value
	f    int
	swap func(i, j int)
}

func (b byField) Len() int { return b.rows.Len() }
func (b byField) Less(i, j int) bool {
	return b.rows.Index(i).Field(b.f).String() < b.rows.Index(j).Field(b.f).String()
}
func (b byField) Swap(i, j int) { b.swap(i, j) }

// publish writes dst/TABLE.parquet from src/TABLE.parquet by the plan, or
// removes it when src has none.
func (pb *publisher) publish(pl *plan) {
	if pb.err != nil {
		return
	}
	name := pl.table.File()
	src, dst := filepath.Join(pb.src, name), filepath.Join(pb.dst, name)
	if !exists(src) {
		pb.err = removeStale(dst)
		return
	}
	if err := pb.rewrite(pl, src, dst); err != nil {
		pb.err = fmt.Errorf("publish %s: %w", name, err)
		return
	}
	pb.files++
}

func (pb *publisher) rewrite(pl *plan, src, dst string) error {
	inherit, err := table.Inherited(src)
	if err != nil {
		return err
	}
	w, err := table.CreateType(dst, pl.out, inherit)
	if err != nil {
		return err
	}
	// Bots are published in pseudonym order, so that their order says
	// nothing of their logins; the other tables keep their rows' order.
	sorted := pl.table == schema.Bots
	all := reflect.MakeSlice(reflect.SliceOf(pl.out), 0, 0)
	var out reflect.Value
	err = table.ScanType(src, pl.table.Row, nil, func(batch reflect.Value) error {
		if err := pb.ctx.Err(); err != nil {
			return err
		}
		n := batch.Len()
		if !out.IsValid() || out.Cap() < n {
			out = reflect.MakeSlice(reflect.SliceOf(pl.out), n, n)
		}
		out = out.Slice(0, n)
		for i := range n {
			pb.row(pl, batch.Index(i), out.Index(i))
		}
		if sorted {
			all = reflect.AppendSlice(all, out)
			return nil
		}
		return w.Write(out)
	})
	if err == nil && sorted {
		login, ok := fieldOf(pl.out, "login")
		if !ok {
			err = fmt.Errorf("%s has no login column to sort by", pl.table.Name)
		} else {
			sortStable(all, login)
			err = w.Write(all)
		}
	}
	if err != nil {
		w.Abort()
		return err
	}
	return w.Close()
}

type publisher struct {
	ctx      context.Context
	src, dst string
	p        *Pseudonymizer
	// owners maps a repository ("owner/name", as configured) to its
	// published name, for the repositories a person owns.
	owners map[string]string
	files  int
	err    error
}

// learnOwners decides which repositories a person owns: those whose owner
// the collection recorded as a User, else those whose owner acted in the
// data as anything but an Organization.
func (pb *publisher) learnOwners() error {
	pb.owners = map[string]string{}
	path := filepath.Join(pb.src, schema.Repos.File())
	if !exists(path) {
		return nil
	}
	repos, err := table.ReadFile[repoOwner](path)
	if err != nil {
		return fmt.Errorf("publish: %w", err)
	}
	types := map[string]string{} // lower-case owner -> recorded type
	for _, r := range repos {
		owner, _, _ := strings.Cut(r.Repo, "/")
		if r.OwnerType != "" {
			types[strings.ToLower(owner)] = r.OwnerType
		}
	}
	people, err := pb.people()
	if err != nil {
		return err
	}
	for _, r := range repos {
		owner, name, ok := strings.Cut(r.Repo, "/")
		if !ok {
			continue
		}
		lower := strings.ToLower(owner)
		t, known := types[lower]
		if t == "User" || (!known && people[lower]) {
			ps := pb.p.Login(owner)
			pb.owners[r.Repo] = ps + "/" + replaceFold(name, owner, ps)
		}
	}
	return nil
}

// people returns the lower-cased logins that acted in the events as
// anything but an Organization, or authored an item.
func (pb *publisher) people() (map[string]bool, error) {
	out := map[string]bool{}
	path := filepath.Join(pb.src, schema.Events.File())
	if !exists(path) {
		return out, nil
	}
	err := table.ScanColumns(path, []string{"actor", "actor_type", "target_author"}, func(batch []schema.Event) error {
		for i := range batch {
			e := &batch[i]
			if e.Actor != nil && (e.ActorType == nil || *e.ActorType != "Organization") {
				out[strings.ToLower(*e.Actor)] = true
			}
			if e.TargetAuthor != nil {
				out[strings.ToLower(*e.TargetAuthor)] = true
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("publish: %w", err)
	}
	return out, nil
}

// repo returns the published name of a repository.
func (pb *publisher) repo(r string) string {
	if s, ok := pb.owners[r]; ok {
		return s
	}
	return r
}

// sourceID pseudonymizes the logins in source ids ("star:LOGIN",
// "all-contributors:LOGIN").
func (pb *publisher) sourceID(id string) string {
	for _, prefix := range []string{"star:", "all-contributors:"} {
		if login, ok := strings.CutPrefix(id, prefix); ok {
			return prefix + pb.p.Login(login)
		}
	}
	return id
}

// identities aggregates identities.parquet per community, login and
// method, without the names and emails.
func (pb *publisher) identities() {
	if pb.err != nil {
		return
	}
	src := filepath.Join(pb.src, schema.Identities.File())
	dst := filepath.Join(pb.dst, schema.Identities.File())
	if !exists(src) {
		pb.err = removeStale(dst)
		return
	}
	rows, err := table.ReadFile[schema.Identity](src)
	if err != nil {
		pb.err = fmt.Errorf("publish identities: %w", err)
		return
	}
	type key struct{ community, login, method string }
	idx := map[key]int{}
	var out []Identity
	for _, r := range rows {
		k := key{r.Community, "", r.Method}
		var login *string
		if r.Login != nil {
			login = pb.p.LoginPtr(r.Login)
			k.login = *login
		}
		i, ok := idx[k]
		if !ok {
			i = len(out)
			idx[k] = i
			out = append(out, Identity{Community: r.Community, Login: login, Method: r.Method, Confidence: r.Confidence})
		}
		out[i].Identities++
		out[i].Commits += r.Commits
	}
	slices.SortFunc(out, func(x, y Identity) int {
		if c := cmp.Compare(x.Community, y.Community); c != 0 {
			return c
		}
		if (x.Login == nil) != (y.Login == nil) {
			if x.Login == nil {
				return 1
			}
			return -1
		}
		if x.Login != nil {
			if c := cmp.Compare(*x.Login, *y.Login); c != 0 {
				return c
			}
		}
		return cmp.Compare(x.Method, y.Method)
	})
	inherit, err := table.Inherited(src)
	if err == nil {
		err = table.WriteFile(dst, out, inherit)
	}
	if err != nil {
		pb.err = fmt.Errorf("publish identities: %w", err)
		return
	}
	pb.files++
}

// manifests publishes collection.json with the repositories' published
// names and no error texts, and analysis.json marked pseudonymized.
// Fields this package does not know are kept, with the repository names
// in their text replaced.
func (pb *publisher) manifests() error {
	var cm any
	cpath := filepath.Join(pb.src, schema.ManifestFile)
	ok, err := readJSON(cpath, &cm)
	if err != nil {
		return fmt.Errorf("publish: %w", err)
	}
	if ok {
		if m, isMap := cm.(map[string]any); isMap {
			if repos, isList := m["repos"].([]any); isList {
				for _, r := range repos {
					if rm, isMap := r.(map[string]any); isMap {
						delete(rm, "error")
					}
				}
			}
		}
		cm = pb.rewriteStrings(cm)
		if err := writeJSON(filepath.Join(pb.dst, schema.ManifestFile), cm); err != nil {
			return fmt.Errorf("publish: %w", err)
		}
		pb.files++
	} else if err := removeStale(filepath.Join(pb.dst, schema.ManifestFile)); err != nil {
		return err
	}
	var am map[string]any
	apath := filepath.Join(pb.src, schema.AnalysisManifestFile)
	ok, err = readJSON(apath, &am)
	if err != nil {
		return fmt.Errorf("publish: %w", err)
	}
	if !ok {
		return removeStale(filepath.Join(pb.dst, schema.AnalysisManifestFile))
	}
	am["pseudonymized"] = true
	if err := writeJSON(filepath.Join(pb.dst, schema.AnalysisManifestFile), pb.rewriteStrings(am)); err != nil {
		return fmt.Errorf("publish: %w", err)
	}
	pb.files++
	return nil
}

// rewriteStrings replaces, in every string of a decoded JSON value, the
// names of person-owned repositories by their published names.
func (pb *publisher) rewriteStrings(v any) any {
	switch x := v.(type) {
	case string:
		return pb.rewriteText(x)
	case []any:
		for i := range x {
			x[i] = pb.rewriteStrings(x[i])
		}
	case map[string]any:
		for k := range x {
			x[k] = pb.rewriteStrings(x[k])
		}
	}
	return v
}

func (pb *publisher) rewriteText(s string) string {
	if s2, ok := pb.owners[s]; ok {
		return s2
	}
	repos := make([]string, 0, len(pb.owners))
	for r := range pb.owners {
		repos = append(repos, r)
	}
	// Longest first, so that a repository's name is not split by another's.
	slices.SortFunc(repos, func(a, b string) int { return cmp.Or(cmp.Compare(len(b), len(a)), cmp.Compare(a, b)) })
	for _, r := range repos {
		s = replaceFold(s, r, pb.owners[r])
		owner, _, _ := strings.Cut(r, "/")
		s = replaceFold(s, owner+"/", strings.SplitN(pb.owners[r], "/", 2)[0]+"/")
	}
	return s
}

// replaceFold replaces every case-insensitive occurrence of old in s.
func replaceFold(s, old, repl string) string {
	if old == "" {
		return s
	}
	lower, lo := strings.ToLower(s), strings.ToLower(old)
	if len(lower) != len(s) || !strings.Contains(lower, lo) {
		if len(lower) != len(s) {
			return strings.ReplaceAll(s, old, repl)
		}
		return s
	}
	var b strings.Builder
	for {
		i := strings.Index(lower, lo)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		b.WriteString(repl)
		s, lower = s[i+len(old):], lower[i+len(lo):]
	}
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// removeStale removes an output file the private folder has no source for.
func removeStale(path string) error {
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("publish: remove stale %s: %w", path, err)
	}
	return nil
}

// sameDir reports whether a and b name the same folder.
func sameDir(a, b string) (bool, error) {
	aa, err := filepath.Abs(a)
	if err != nil {
		return false, err
	}
	bb, err := filepath.Abs(b)
	if err != nil {
		return false, err
	}
	return aa == bb, nil
}

// Inside reports whether path is dir or lies inside it.
func Inside(path, dir string) (bool, error) {
	p, err := filepath.Abs(path)
	if err != nil {
		return false, err
	}
	d, err := filepath.Abs(dir)
	if err != nil {
		return false, err
	}
	rel, err := filepath.Rel(d, p)
	if err != nil {
		return false, nil
	}
	return rel == "." || (rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))), nil
}
