package dataset

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/journeys-dev/journeys/collect"
	"github.com/journeys-dev/journeys/internal/fakegithub"
	"github.com/journeys-dev/journeys/internal/fakegithub/fakegithubtest"
	"github.com/journeys-dev/journeys/internal/table"
	"github.com/journeys-dev/journeys/schema"
)

// smallOrg is an organisation of n small repositories, one of them a fork
// and one archived (left out of the expansion by default).
func smallOrg(n int) *fakegithub.Data {
	d := fakegithub.Generate(fakegithub.GenerateOptions{
		Seed: 7, Org: "scale-org", Repos: n, People: 12, Issues: 4, Comments: 4, ReviewComments: 1,
		Commits: 3, Stars: 2, Forks: 1, Events: 2, Months: 6,
	})
	d.Repos[0].Fork = true
	d.Repos[1].Archived = true
	return d
}

func collectInto(t *testing.T, url, out string, cs []collect.Community, shard collect.Shard) *schema.Manifest {
	t.Helper()
	m, err := collect.Run(context.Background(), cs, collect.Options{
		APIURL: url, Token: "t", Out: out, Concurrency: 8, MaxWait: time.Minute,
		ToolVersion: "test", Logger: slog.New(slog.DiscardHandler), Shard: shard,
	})
	if err != nil {
		t.Fatalf("collect shard %v: %v", shard, err)
	}
	return m
}

// readAll reads every raw table of dir, repos without collected_at.
func readAll(t *testing.T, dir string) map[string]any {
	t.Helper()
	got := map[string]any{}
	read := func(name string, f func(string) (any, error)) {
		v, err := f(filepath.Join(dir, name+".parquet"))
		if err != nil {
			t.Fatalf("read %s: %v", name, err)
		}
		got[name] = v
	}
	read("repos", func(p string) (any, error) {
		rows, err := table.ReadFile[schema.Repo](p)
		for i := range rows {
			rows[i].CollectedAt = time.Time{}
		}
		return rows, err
	})
	read("issues", func(p string) (any, error) { return table.ReadFile[schema.Issue](p) })
	read("pull_requests", func(p string) (any, error) { return table.ReadFile[schema.PullRequest](p) })
	read("comments", func(p string) (any, error) { return table.ReadFile[schema.Comment](p) })
	read("reviews", func(p string) (any, error) { return table.ReadFile[schema.Review](p) })
	read("commits", func(p string) (any, error) { return table.ReadFile[schema.Commit](p) })
	read("stargazers", func(p string) (any, error) { return table.ReadFile[schema.Stargazer](p) })
	read("forks", func(p string) (any, error) { return table.ReadFile[schema.Fork](p) })
	read("issue_events", func(p string) (any, error) { return table.ReadFile[schema.IssueEvent](p) })
	read("recognitions", func(p string) (any, error) { return table.ReadFile[schema.Recognition](p) })
	read("events", func(p string) (any, error) { return table.ReadFile[schema.Event](p) })
	return got
}

func repoKeys(m *schema.Manifest) []string {
	var out []string
	for _, r := range m.Repos {
		out = append(out, fmt.Sprintf("%s|%s|%s|%v", r.Community, r.Repo, r.Status, r.Rows))
	}
	return out
}

func TestFourShardsMergedEqualOneRun(t *testing.T) {
	ts, _ := fakegithubtest.NewTestServer(t, smallOrg(200), fakegithub.Options{})
	url := ts.URL + "/"
	cs := []collect.Community{
		{Name: "Scale", Repos: []string{"org:scale-org"}, Exclude: []string{"scale-org/project-19?"}},
		{Name: "Also", Repos: []string{"scale-org/project-3", "scale-org/project-1"}},
	}
	whole := filepath.Join(t.TempDir(), "whole")
	wm := collectInto(t, url, whole, cs, collect.Shard{})
	// 200, less the fork, the archived one, and project-190..199.
	if got := len(wm.Repos); got != 198-10+2 {
		t.Fatalf("unsharded run has %d repositories, want %d", got, 198-10+2)
	}

	var shards []string
	perShard := map[string]bool{}
	for k := 1; k <= 4; k++ {
		dir := filepath.Join(t.TempDir(), fmt.Sprintf("shard-%d", k))
		sm := collectInto(t, url, dir, cs, collect.Shard{K: k, N: 4})
		if len(sm.Repos) == 0 || len(sm.Repos) > 100 {
			t.Errorf("shard %d/4 collected %d repositories: the hash spreads them badly", k, len(sm.Repos))
		}
		for _, r := range sm.Repos {
			if perShard[r.Community+"|"+r.Repo] {
				t.Errorf("%s collected by two shards", r.Repo)
			}
			perShard[r.Community+"|"+r.Repo] = true
		}
		shards = append(shards, dir)
	}

	merged := filepath.Join(t.TempDir(), "merged")
	mm, err := Merge(context.Background(), merged, shards, MergeOptions{})
	if err != nil {
		t.Fatalf("merge: %v", err)
	}
	want, got := readAll(t, whole), readAll(t, merged)
	for name := range want {
		if !reflect.DeepEqual(want[name], got[name]) {
			t.Errorf("%s.parquet of the merged shards differs from the unsharded run's", name)
		}
	}
	if !reflect.DeepEqual(repoKeys(wm), repoKeys(mm)) {
		t.Errorf("merged collection.json repositories differ from the unsharded run's:\nwant %v\ngot  %v", repoKeys(wm), repoKeys(mm))
	}
	if !reflect.DeepEqual(wm.Tables, mm.Tables) {
		t.Errorf("merged table counts %v, want %v", mm.Tables, wm.Tables)
	}
	if _, err := os.Stat(filepath.Join(merged, schema.ShardFile)); err == nil {
		t.Errorf("the merged folder has a %s: it is not a shard", schema.ShardFile)
	}
	// The merged events were derived as the shards' were: the merged
	// folder's raw tables give them again.
	if mm.RawVersion != wm.RawVersion || mm.EventsVersion != wm.EventsVersion || mm.RawVersion == 0 {
		t.Errorf("merged raw_version %d, events_version %d; want %d and %d", mm.RawVersion, mm.EventsVersion, wm.RawVersion, wm.EventsVersion)
	}
	ev := readAll(t, merged)["events"]
	if _, err := collect.Rederive(context.Background(), merged); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(readAll(t, merged)["events"], ev) {
		t.Error("the events derived again from the merged raw tables differ from the merged events")
	}

	t.Run("a missing shard is named and its repositories failed", func(t *testing.T) {
		out := filepath.Join(t.TempDir(), "partial")
		gone := filepath.Join(t.TempDir(), "shard-3-never-finished")
		m, err := Merge(context.Background(), out, []string{shards[0], shards[1], gone, shards[3]}, MergeOptions{})
		if !errors.Is(err, ErrIncomplete) {
			t.Fatalf("merge without shard 3: error %v, want ErrIncomplete", err)
		}
		failed := 0
		for _, r := range m.Repos {
			if r.Status == "failed" {
				failed++
				if schema.ShardOf(r.Repo, 4) != 3 || !strings.Contains(r.Error, "shard 3/4 is missing") {
					t.Errorf("%s failed with %q; only shard 3's repositories should", r.Repo, r.Error)
				}
			}
		}
		if failed == 0 || len(m.Repos) != len(wm.Repos) {
			t.Errorf("%d of %d repositories failed; want shard 3's, all %d listed", failed, len(m.Repos), len(wm.Repos))
		}
		notes := strings.Join(m.Incomplete, "\n")
		if !strings.Contains(notes, "shard 3/4 is missing") || !strings.Contains(notes, gone) {
			t.Errorf("incomplete notes do not name the missing shard and folder:\n%s", notes)
		}
		back, err := schema.ReadManifest(out)
		if err != nil || !reflect.DeepEqual(repoKeys(back), repoKeys(m)) {
			t.Errorf("collection.json does not hold the merged manifest (%v)", err)
		}
	})

	t.Run("the same shard twice is refused", func(t *testing.T) {
		_, err := Merge(context.Background(), filepath.Join(t.TempDir(), "x"), []string{shards[0], shards[0]}, MergeOptions{})
		if err == nil || !strings.Contains(err.Error(), "in both") {
			t.Fatalf("merging a shard twice: %v, want an error naming both folders", err)
		}
	})

	t.Run("partitioned layout", func(t *testing.T) {
		pm, err := WritePartitioned(context.Background(), merged, PartitionOptions{ToolVersion: "test"})
		if err != nil {
			t.Fatal(err)
		}
		ev := pm.Tables["events"]
		if ev.Rows != mm.Tables["events"] || !reflect.DeepEqual(ev.PartitionBy, []string{"community", "repo"}) {
			t.Errorf("events dataset: %+v, want %d rows by community and repo", ev, mm.Tables["events"])
		}
		part := filepath.Join(merged, "events", "community=Scale", "repo=scale-org%2Fproject-10", "part-00000.parquet")
		if _, err := os.Stat(part); err != nil {
			t.Errorf("no partition file at %s: %v", part, err)
		}
		if pm.AnalysisDate != nil || pm.SchemaVersion != SchemaVersion || len(pm.Repos) != len(mm.Repos) {
			t.Errorf("manifest: analysis date %v, schema %d, %d repositories", pm.AnalysisDate, pm.SchemaVersion, len(pm.Repos))
		}
	})
}

func TestEscapePathValue(t *testing.T) {
	for in, want := range map[string]string{
		"the-turing-way/the-turing-way": "the-turing-way%2Fthe-turing-way",
		"The Turing Way":                "The%20Turing%20Way",
		"a=b%c":                         "a%3Db%25c",
		"Café":                          "Caf%C3%A9",
		"":                              nullPartition,
	} {
		if got := EscapePathValue(in); got != want {
			t.Errorf("EscapePathValue(%q) = %q, want %q", in, got, want)
		}
	}
}
