// Package dataset combines and lays out the output folders of journeys:
// Merge joins the outputs of sharded collections into one folder, and
// WritePartitioned writes a folder's tables a second time as Hive-partitioned
// datasets (TABLE/community=…/repo=…/part-N.parquet) with a manifest.json.
package dataset

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/journeys-dev/journeys/internal/table"
	"github.com/journeys-dev/journeys/schema"
)

// MergeOptions configure Merge.
type MergeOptions struct {
	// Logger receives warnings; nil discards them.
	Logger *slog.Logger
	// Now stamps the rows of repositories whose shard is missing; zero
	// means the current time.
	Now time.Time
}

// ErrIncomplete: the merge was written, but some shards or repositories
// are missing or failed; the merged collection.json names them.
var ErrIncomplete = errors.New("merged collection is incomplete")

// mergeTable merges one raw table: it reads every input's rows and writes
// them to dst in the documented order (extra, the rows of repositories
// whose shard is missing, joins repos.parquet). Every repository comes
// whole from one input, already in its documented order, so a stable sort
// by the table's partition columns (community, then repository) gives the
// documented order of the whole table (events: community, repo,
// occurred_at, kind, source_id): the same rows, in the same order, as one
// collection of all the repositories.
func mergeTable(ctx context.Context, t *schema.Table, ins []string, extra []schema.Repo, dst string) (int64, error) {
	rows := reflect.MakeSlice(reflect.SliceOf(t.Row), 0, 0)
	for _, in := range ins {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		err := table.ScanType(in, t.Row, nil, func(batch reflect.Value) error {
			rows = reflect.AppendSlice(rows, batch)
			return nil
		})
		if err != nil {
			return 0, fmt.Errorf("read %s: %w", in, err)
		}
	}
	if t == schema.Repos {
		rows = reflect.AppendSlice(rows, reflect.ValueOf(extra))
	}
	fields, err := fieldsOf(t.Row, t.Partition)
	if err != nil {
		return 0, err
	}
	type key struct {
		parts []string
		i     int
	}
	keys := make([]key, rows.Len())
	for i := range keys {
		keys[i] = key{make([]string, len(fields)), i}
		for j, f := range fields {
			keys[i].parts[j] = rows.Index(i).Field(f).String()
		}
	}
	slices.SortStableFunc(keys, func(a, b key) int { return slices.Compare(a.parts, b.parts) })
	sorted := reflect.MakeSlice(rows.Type(), len(keys), len(keys))
	for j, k := range keys {
		sorted.Index(j).Set(rows.Index(k.i))
	}
	w, err := table.CreateType(dst, t.Row)
	if err != nil {
		return 0, err
	}
	if err := w.Write(sorted); err != nil {
		w.Abort()
		return 0, err
	}
	return int64(sorted.Len()), w.Close()
}

// fieldsOf returns the indices of the string fields of the row type typ
// that hold the named columns.
func fieldsOf(typ reflect.Type, columns []string) ([]int, error) {
	var out []int
	for _, c := range columns {
		found := false
		for i := range typ.NumField() {
			f := typ.Field(i)
			if name, _, _ := strings.Cut(f.Tag.Get("parquet"), ","); name == c && f.Type.Kind() == reflect.String {
				out, found = append(out, i), true
				break
			}
		}
		if !found {
			return nil, fmt.Errorf("%v has no string column %s", typ, c)
		}
	}
	return out, nil
}

// An input is one shard folder given to Merge.
type input struct {
	dir      string
	manifest *schema.Manifest
	shard    *schema.ShardInfo // nil: not a sharded collection
	orgs     *schema.OrgListing
}

// Merge combines the collection outputs in dirs (the folders of the shards
// of one sharded collection, or of separate collections of different
// repositories) into out: every raw table and events.parquet, in the
// documented order, and a merged collection.json. The merged tables are
// those one collection of all the repositories would have written (apart
// from repos.parquet's collected_at). A folder that is missing or holds no
// finished collection, and every shard of the collection (from shard.json)
// that no folder provides, is reported: its repositories are listed as
// failed in collection.json (and repos.parquet), with a note in
// "incomplete", and the error is ErrIncomplete, with the rest written.
// Two inputs holding the same repository of the same community are an
// error: nothing is written.
func Merge(ctx context.Context, out string, dirs []string, opts MergeOptions) (*schema.Manifest, error) {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	now := opts.Now
	if now.IsZero() {
		now = time.Now().UTC()
	}
	if len(dirs) == 0 {
		return nil, errors.New("merge: no folder to merge")
	}
	var notes []string
	var ins []input
	for _, dir := range dirs {
		if same, _ := sameDir(dir, out); same {
			return nil, fmt.Errorf("merge: the output folder %s is also an input", out)
		}
		m, err := schema.ReadManifest(dir)
		if err != nil {
			note := fmt.Sprintf("folder %s holds no finished collection (%s is missing or unreadable); its repositories are missing", dir, schema.ManifestFile)
			log.Warn("skipping a folder with no finished collection", "dir", dir, "error", err)
			notes = append(notes, note)
			continue
		}
		in := input{dir: dir, manifest: m}
		if _, err := os.Stat(filepath.Join(dir, schema.ShardFile)); err == nil {
			if in.shard, err = schema.ReadShardInfo(dir); err != nil {
				return nil, fmt.Errorf("merge: %w", err)
			}
		}
		if _, err := os.Stat(filepath.Join(dir, schema.OrgsFile)); err == nil {
			if in.orgs, err = schema.ReadOrgListing(filepath.Join(dir, schema.OrgsFile)); err != nil {
				return nil, fmt.Errorf("merge: %w", err)
			}
		}
		for _, t := range schema.Of(schema.Collect) {
			if _, err := os.Stat(filepath.Join(dir, t.File())); err != nil {
				return nil, fmt.Errorf("merge: %s has %s but no %s", dir, schema.ManifestFile, t.File())
			}
		}
		ins = append(ins, in)
	}

	// Which repository comes from where: each from one input only.
	from := map[schema.ShardRepo]string{}
	for _, in := range ins {
		for _, r := range in.manifest.Repos {
			k := schema.ShardRepo{Community: r.Community, Repo: r.Repo}
			if other, dup := from[k]; dup {
				return nil, fmt.Errorf("merge: %s of community %q is in both %s and %s; merge the shards of one collection, each once", r.Repo, r.Community, other, in.dir)
			}
			from[k] = in.dir
		}
	}

	// The shards of the collection, and the repositories of those missing.
	all, of, shardNotes, err := shardPlan(ins)
	if err != nil {
		return nil, err
	}
	notes = append(notes, shardNotes...)
	present := map[int]bool{}
	for _, in := range ins {
		if in.shard != nil {
			present[in.shard.Shard] = true
		}
	}
	var missingRows []schema.Repo
	var missingStatus []schema.RepoStatus
	for k := 1; k <= of; k++ {
		if present[k] {
			continue
		}
		why := fmt.Sprintf("shard %d/%d is missing: its output was not given to merge, or its collection did not finish", k, of)
		n := 0
		for _, r := range all {
			if schema.ShardOf(r.Repo, of) != k || from[r] != "" {
				continue
			}
			n++
			missingRows = append(missingRows, schema.Repo{Community: r.Community, Repo: r.Repo, Status: "failed", Error: &why, CollectedAt: now})
			missingStatus = append(missingStatus, schema.RepoStatus{Community: r.Community, Repo: r.Repo, Status: "failed", Error: why, Rows: map[string]int64{"repos": 1}})
		}
		notes = append(notes, fmt.Sprintf("%s (%d repositories)", why, n))
		log.Warn("shard missing", "shard", fmt.Sprintf("%d/%d", k, of), "repositories", n)
	}

	if err := os.MkdirAll(out, 0o755); err != nil {
		return nil, fmt.Errorf("merge: create output folder: %w", err)
	}
	tmp, err := os.MkdirTemp(out, ".merge-tmp-*")
	if err != nil {
		return nil, fmt.Errorf("merge: create output folder: %w", err)
	}
	defer os.RemoveAll(tmp)
	counts := map[string]int64{}
	for _, t := range schema.Of(schema.Collect) {
		var files []string
		for _, in := range ins {
			files = append(files, filepath.Join(in.dir, t.File()))
		}
		n, err := mergeTable(ctx, t, files, missingRows, filepath.Join(tmp, t.File()))
		if err != nil {
			return nil, fmt.Errorf("merge %s: %w", t.Name, err)
		}
		counts[t.Name] = n
	}

	m := mergeManifests(ins, all, missingStatus, notes)
	m.Tables = counts
	orgs, orgNotes := mergeOrgs(ins)
	m.Incomplete = append(m.Incomplete, orgNotes...)

	for _, t := range schema.Of(schema.Collect) {
		if err := os.Rename(filepath.Join(tmp, t.File()), filepath.Join(out, t.File())); err != nil {
			return nil, fmt.Errorf("merge: move %s into place: %w", t.File(), err)
		}
	}
	for _, stale := range []string{schema.ShardFile, schema.OrgsFile} {
		if err := os.Remove(filepath.Join(out, stale)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("merge: remove stale %s: %w", stale, err)
		}
	}
	if orgs != nil {
		if err := writeJSON(filepath.Join(out, schema.OrgsFile), orgs); err != nil {
			return nil, fmt.Errorf("merge: %w", err)
		}
	}
	if err := writeJSON(filepath.Join(out, schema.ManifestFile), m); err != nil {
		return nil, fmt.Errorf("merge: %w", err)
	}
	var failed []string
	for _, r := range m.Repos {
		if r.Status == "failed" {
			failed = append(failed, r.Repo)
		}
	}
	if len(failed) > 0 || len(notes) > 0 {
		slices.Sort(failed)
		failed = slices.Compact(failed)
		return m, fmt.Errorf("%w: %d repositories failed or missing; %s", ErrIncomplete, len(failed), strings.Join(notes, "; "))
	}
	return m, nil
}

// shardPlan returns every repository of the collection (from the inputs'
// shard.json, else their manifests), in configuration order, and the shard
// count (0 when no input is a shard).
func shardPlan(ins []input) (all []schema.ShardRepo, of int, notes []string, err error) {
	seen := map[schema.ShardRepo]bool{}
	add := func(r schema.ShardRepo) {
		if !seen[r] {
			seen[r] = true
			all = append(all, r)
		}
	}
	var first *input
	shardDir := map[int]string{}
	for i := range ins {
		in := &ins[i]
		if in.shard == nil {
			continue
		}
		if first == nil {
			first, of = in, in.shard.Of
		}
		if in.shard.Of != of {
			return nil, 0, nil, fmt.Errorf("merge: %s is shard %d of %d but %s is of %d: merge the shards of one collection", in.dir, in.shard.Shard, in.shard.Of, first.dir, of)
		}
		if d, dup := shardDir[in.shard.Shard]; dup {
			return nil, 0, nil, fmt.Errorf("merge: %s and %s are both shard %d/%d", d, in.dir, in.shard.Shard, of)
		}
		shardDir[in.shard.Shard] = in.dir
		if in != first && !slices.Equal(in.shard.Repos, first.shard.Repos) {
			notes = append(notes, fmt.Sprintf("shards %d and %d disagree on the repositories of the collection (%d and %d; organisations listed at different times?): the union is used; pin the listing with --org-repos", first.shard.Shard, in.shard.Shard, len(first.shard.Repos), len(in.shard.Repos)))
		}
		for _, r := range in.shard.Repos {
			add(r)
		}
	}
	for _, in := range ins {
		for _, r := range in.manifest.Repos {
			add(schema.ShardRepo{Community: r.Community, Repo: r.Repo})
		}
	}
	return all, of, notes, nil
}

// mergeManifests joins the inputs' manifests: repositories in collection
// order, sums of requests, the earliest start and the latest finish, and
// the oldest raw and events versions (the merged events.parquet is as old
// as its oldest part).
func mergeManifests(ins []input, all []schema.ShardRepo, missing []schema.RepoStatus, notes []string) *schema.Manifest {
	m := &schema.Manifest{Incomplete: []string{}}
	status := map[schema.ShardRepo]schema.RepoStatus{}
	versions := map[string]bool{}
	for i, in := range ins {
		im := in.manifest
		if i == 0 || im.StartedAt.Before(m.StartedAt) {
			m.StartedAt = im.StartedAt
		}
		if im.FinishedAt.After(m.FinishedAt) {
			m.FinishedAt = im.FinishedAt
		}
		if m.ToolVersion == "" {
			m.ToolVersion, m.APIURL = im.ToolVersion, im.APIURL
		}
		if i == 0 || im.RawVersion < m.RawVersion {
			m.RawVersion = im.RawVersion
		}
		if i == 0 || im.EventsVersion < m.EventsVersion {
			m.EventsVersion = im.EventsVersion
		}
		versions[im.ToolVersion] = true
		m.Requests += im.Requests
		m.NotModified += im.NotModified
		m.Incomplete = append(m.Incomplete, im.Incomplete...)
		for _, r := range im.Repos {
			status[schema.ShardRepo{Community: r.Community, Repo: r.Repo}] = r
		}
	}
	for _, r := range missing {
		status[schema.ShardRepo{Community: r.Community, Repo: r.Repo}] = r
	}
	for _, r := range all {
		if s, ok := status[r]; ok {
			m.Repos = append(m.Repos, s)
		}
	}
	if len(versions) > 1 {
		vs := make([]string, 0, len(versions))
		for v := range versions {
			vs = append(vs, v)
		}
		slices.Sort(vs)
		notes = append(notes, "the shards were collected by different versions of journeys: "+strings.Join(vs, ", "))
	}
	m.Incomplete = append(m.Incomplete, notes...)
	return m
}

// mergeOrgs joins the inputs' organisation listings, noting organisations
// the shards saw differently.
func mergeOrgs(ins []input) (*schema.OrgListing, []string) {
	var out *schema.OrgListing
	var notes []string
	for _, in := range ins {
		if in.orgs == nil {
			continue
		}
		if out == nil {
			out = &schema.OrgListing{ListedAt: in.orgs.ListedAt, Orgs: map[string][]schema.OrgRepo{}}
		}
		if in.orgs.ListedAt.Before(out.ListedAt) {
			out.ListedAt = in.orgs.ListedAt
		}
		for org, repos := range in.orgs.Orgs {
			prev, ok := out.Orgs[org]
			if !ok {
				out.Orgs[org] = repos
				continue
			}
			if !slices.Equal(prev, repos) {
				notes = append(notes, fmt.Sprintf("organisation %s was listed differently by the shards (%d and %d repositories): repositories created or deleted in between may be missing; pin the listing with --org-repos", org, len(prev), len(repos)))
			}
		}
	}
	return out, notes
}

func sameDir(a, b string) (bool, error) {
	sa, err := os.Stat(a)
	if err != nil {
		return false, err
	}
	sb, err := os.Stat(b)
	if err != nil {
		return false, err
	}
	return os.SameFile(sa, sb), nil
}
