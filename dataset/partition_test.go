package dataset

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/journeys-dev/journeys/internal/table"
	"github.com/journeys-dev/journeys/schema"
)

// bigComments returns n comments across three communities and several
// repositories each, with nulls and many distinct authors, in the
// documented order (community, repo): more than one batch and more than one
// dictionary page per column, as a real community's comments are.
func bigComments(n int) []schema.Comment {
	start := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	out := make([]schema.Comment, n)
	for i := range out {
		c := schema.Comment{
			Community: fmt.Sprintf("Community %d", i*3/n),
			Repo:      fmt.Sprintf("org-%d/repo %d", i*3/n, i*12/n),
			Kind:      []schema.Kind{schema.KindIssueComment, schema.KindReviewComment}[i%2],
			ID:        int64(i + 1),
			Number:    int64(i % 5000),
			CreatedAt: start.Add(time.Duration(i) * time.Minute),
			UpdatedAt: start.Add(time.Duration(i) * time.Hour),
		}
		if i%7 != 0 {
			login := fmt.Sprintf("person-%d", i%20011)
			c.Author, c.AuthorType = &login, ptrTo("User")
		}
		if i%3 == 0 {
			c.AuthorAssociation = ptrTo([]string{"MEMBER", "CONTRIBUTOR", "NONE"}[i%9/3])
		}
		out[i] = c
	}
	return out
}

func ptrTo[T any](v T) *T { return &v }

// The partitioned layout of a table with several batches, partitions that
// cross batch boundaries, nulls and high-cardinality strings holds exactly
// the flat table's rows, and each part carries the flat file's metadata.
func TestPartitionLargeTable(t *testing.T) {
	rows := bigComments(150_000)
	dir := t.TempDir()
	src := filepath.Join(dir, "comments.parquet")
	if err := table.WriteFile(src, rows, table.WithMetadata(map[string]string{"journeys.example": "kept"})); err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(dir, "comments")
	info, err := partitionTable(context.Background(), src, dst, schema.Comments.Partition)
	if err != nil {
		t.Fatal(err)
	}
	if info.Rows != int64(len(rows)) || info.Files != 12 {
		t.Errorf("layout: %d rows in %d files, want %d in 12", info.Rows, info.Files, len(rows))
	}
	parts, err := filepath.Glob(filepath.Join(dst, "community=*", "repo=*", "part-*.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(parts)
	var got []schema.Comment
	for _, p := range parts {
		community, repo := partitionValues(t, dst, p)
		part, err := table.ReadFile[schema.Comment](p)
		if err != nil {
			t.Fatal(err)
		}
		for i := range part {
			part[i].Community, part[i].Repo = community, repo
		}
		got = append(got, part...)
		kv, err := table.Metadata(p)
		if err != nil {
			t.Fatal(err)
		}
		if kv["journeys.example"] != "kept" || kv[table.MetaTable] != "comments" {
			t.Errorf("%s: metadata %v lacks the flat file's keys", p, kv)
		}
	}
	key := func(c schema.Comment) string { return fmt.Sprintf("%s\x00%s\x00%012d", c.Community, c.Repo, c.ID) }
	slices.SortFunc(got, func(a, b schema.Comment) int { return strings.Compare(key(a), key(b)) })
	want := slices.Clone(rows)
	slices.SortFunc(want, func(a, b schema.Comment) int { return strings.Compare(key(a), key(b)) })
	if len(got) != len(want) {
		t.Fatalf("%d rows in the parts, want %d", len(got), len(want))
	}
	for i := range want {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Fatalf("row %d: got %+v, want %+v", i, got[i], want[i])
		}
	}
}

// partitionValues reads community and repo back from a part's path, as Hive
// readers do.
func partitionValues(t *testing.T, root, part string) (string, string) {
	t.Helper()
	rel, _ := filepath.Rel(root, part)
	segs := strings.Split(filepath.ToSlash(rel), "/")
	unescape := func(seg, key string) string {
		v, ok := strings.CutPrefix(seg, key+"=")
		if !ok {
			t.Fatalf("%s: segment %q is not %s=…", part, seg, key)
		}
		var b strings.Builder
		for i := 0; i < len(v); i++ {
			if v[i] == '%' && i+2 < len(v) {
				var c byte
				fmt.Sscanf(v[i+1:i+3], "%02X", &c)
				b.WriteByte(c)
				i += 2
				continue
			}
			b.WriteByte(v[i])
		}
		return b.String()
	}
	return unescape(segs[0], "community"), unescape(segs[1], "repo")
}
