package pipeline_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/journeys-dev/journeys/collect"
	"github.com/journeys-dev/journeys/events"
	"github.com/journeys-dev/journeys/internal/fakegithub"
	"github.com/journeys-dev/journeys/internal/fakegithub/fakegithubtest"
	"github.com/journeys-dev/journeys/internal/table"
	"github.com/journeys-dev/journeys/pipeline"
	"github.com/journeys-dev/journeys/privacy"
	"github.com/journeys-dev/journeys/schema"
)

// collected collects the test data into a fresh folder (leaving out
// exclude) and returns the options of an analysis of it and the bytes
// of the events.parquet the collection wrote.
func collected(t *testing.T, exclude ...string) (pipeline.Options, []byte) {
	t.Helper()
	ts, _ := fakegithubtest.NewTestServer(t, testData(), fakegithub.Options{})
	opts := baseOptions(t, ts.URL+"/", t.TempDir(), pipeline.Steps{Collect: true})
	opts.Exclude = exclude
	run(t, opts)
	opts.Steps = pipeline.Steps{Analyze: true}
	b, err := os.ReadFile(filepath.Join(opts.Out, schema.Events.File()))
	if err != nil {
		t.Fatal(err)
	}
	return opts, b
}

// spoil replaces the events of dir by its first n events, and sets what
// collection.json says of its versions.
func spoil(t *testing.T, dir string, n, rawVersion, eventsVersion int) {
	t.Helper()
	path := filepath.Join(dir, schema.Events.File())
	ev, err := table.ReadFile[schema.Event](path)
	if err != nil {
		t.Fatal(err)
	}
	if err := table.WriteFile(path, ev[:n]); err != nil {
		t.Fatal(err)
	}
	m, err := schema.ReadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	m.RawVersion, m.EventsVersion = rawVersion, eventsVersion
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, schema.ManifestFile), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// The analysis derives events.parquet again from the raw tables when asked,
// and by itself when the events were derived by older rules and the raw
// tables can give them; it analyzes the events as they are otherwise.
func TestAnalyzeDerivesTheEventsAgain(t *testing.T) {
	cases := []struct {
		name             string
		rederive         bool
		raw, eventsVer   int
		derived          bool
		wantEventVersion int
	}{
		{"asked", true, schema.RawVersion, events.Version, true, events.Version},
		{"older rules", false, schema.RawVersion, events.Version - 1, true, events.Version},
		{"current rules", false, schema.RawVersion, events.Version, false, events.Version},
		{"older rules, raw tables too old to derive from", false, 0, 0, false, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			opts, want := collected(t)
			spoil(t, opts.Out, 10, c.raw, c.eventsVer)
			opts.Rederive = c.rederive
			res := run(t, opts)
			got, err := os.ReadFile(filepath.Join(opts.Out, schema.Events.File()))
			if err != nil {
				t.Fatal(err)
			}
			if derived := bytes.Equal(got, want); derived != c.derived {
				t.Errorf("events.parquet derived again: %v, want %v", derived, c.derived)
			}
			if c.derived != (res.Analysis.EventsRead > 10) {
				t.Errorf("the analysis read %d events", res.Analysis.EventsRead)
			}
			m, err := schema.ReadManifest(opts.Out)
			if err != nil {
				t.Fatal(err)
			}
			if m.EventsVersion != c.wantEventVersion {
				t.Errorf("collection.json: events_version %d, want %d", m.EventsVersion, c.wantEventVersion)
			}
		})
	}
}

// Raw tables that cannot give the events again are not derived from when
// asked: the run stops before analyzing, events.parquet as it was.
func TestAnalyzeRefusesToDeriveWhatCannotBe(t *testing.T) {
	cases := []struct {
		name    string
		exclude []string
		raw     int
		want    error
	}{
		{"raw tables too old", nil, 0, collect.ErrNotDerivable},
		// A merge of an excluded person's pull request, the co-authors
		// of their commits: the raw tables lost what others' events on
		// their items derive from.
		{"people left out", []string{"someone"}, schema.RawVersion, collect.ErrPeopleLeftOut},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			opts, _ := collected(t, c.exclude...)
			spoil(t, opts.Out, 10, c.raw, events.Version)
			before, err := os.ReadFile(filepath.Join(opts.Out, schema.Events.File()))
			if err != nil {
				t.Fatal(err)
			}
			opts.Rederive = true
			if _, err := pipeline.Run(context.Background(), opts); !errors.Is(err, c.want) {
				t.Fatalf("Run = %v, want %v", err, c.want)
			}
			after, err := os.ReadFile(filepath.Join(opts.Out, schema.Events.File()))
			if err != nil || !bytes.Equal(after, before) {
				t.Errorf("events.parquet changed (%v)", err)
			}
			if _, err := os.Stat(filepath.Join(opts.Out, "analysis.json")); err == nil {
				t.Error("analysis.json written")
			}
		})
	}
}

// Leaving people out of the collection marks collection.json, so that
// the events are not derived again from what is left; without anyone
// left out, nothing is marked.
func TestLeavingPeopleOutMarksTheCollection(t *testing.T) {
	for _, exclude := range [][]string{nil, {"someone"}} {
		opts, _ := collected(t, exclude...)
		m, err := schema.ReadManifest(opts.Out)
		if err != nil {
			t.Fatal(err)
		}
		if m.PeopleLeftOut != (exclude != nil) {
			t.Errorf("exclude %v: people_left_out %v", exclude, m.PeopleLeftOut)
		}
	}
}

func TestRederiveIsForTheAnalysisAlone(t *testing.T) {
	opts := baseOptions(t, "http://127.0.0.1:1/", t.TempDir(), pipeline.All)
	opts.Rederive = true
	var oe *pipeline.OptionsError
	if _, err := pipeline.New(opts); !errors.As(err, &oe) {
		t.Errorf("New = %v, want an options error", err)
	}
}

// Leaving a person out removes the mentions of them in the raw columns
// events derive their targets from (issue_events.issue_author), as in the
// events' target_author.
func TestLeavingPeopleOutRemovesTheirMentionsAsTargets(t *testing.T) {
	opts, _ := collected(t)
	issues, err := table.ReadFile[schema.Issue](filepath.Join(opts.Out, schema.Issues.File()))
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	var who string
	for _, it := range issues {
		if it.Author != nil {
			if count[*it.Author]++; count[*it.Author] > count[who] {
				who = *it.Author
			}
		}
	}
	opts, _ = collected(t, who)
	mentions := 0
	evs, err := table.ReadFile[schema.IssueEvent](filepath.Join(opts.Out, schema.IssueEvents.File()))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range evs {
		if e.IssueAuthor != nil && *e.IssueAuthor == who {
			mentions++
		}
	}
	ev, err := table.ReadFile[schema.Event](filepath.Join(opts.Out, schema.Events.File()))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ev {
		if e.TargetAuthor != nil && *e.TargetAuthor == who {
			mentions++
		}
	}
	if mentions > 0 {
		t.Errorf("%s, left out, is still named %d times as the author of an issue acted on", who, mentions)
	}
}

// Deriving the events from raw tables that people were left out of gives,
// for every event it gives that leaving them out of the derived events
// keeps too, the same actor and target author: the mention of a person
// left out goes from both. (What it cannot give, others' events on their
// items, is why such tables are not derived from.)
func TestDerivingFromTablesWithPeopleLeftOutKeepsTheirMentionsOut(t *testing.T) {
	opts, _ := collected(t)
	issues, err := table.ReadFile[schema.Issue](filepath.Join(opts.Out, schema.Issues.File()))
	if err != nil {
		t.Fatal(err)
	}
	var who []string
	for _, it := range issues[:len(issues)/3] {
		if it.Author != nil {
			who = append(who, *it.Author)
		}
	}
	x := privacy.NewExclusions(who)
	if _, err := privacy.FilterDir(context.Background(), opts.Out, x); err != nil {
		t.Fatal(err)
	}
	filtered, err := table.ReadFile[schema.Event](filepath.Join(opts.Out, schema.Events.File()))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := collect.ReadRaw(context.Background(), opts.Out)
	if err != nil {
		t.Fatal(err)
	}
	derived := map[string]schema.Event{}
	for _, e := range events.Derive(raw) {
		derived[e.SourceID] = e
	}
	same, targets := 0, 0
	for _, f := range filtered {
		d, ok := derived[f.SourceID]
		if !ok {
			continue
		}
		same++
		if f.TargetAuthor == nil && f.TargetNumber != nil {
			targets++
		}
		if str(d.Actor) != str(f.Actor) || str(d.TargetAuthor) != str(f.TargetAuthor) {
			t.Errorf("%s: derived actor %s, target author %s; filtered %s, %s", f.SourceID, str(d.Actor), str(d.TargetAuthor), str(f.Actor), str(f.TargetAuthor))
		}
		if d.TargetAuthor != nil && x.Login(*d.TargetAuthor) {
			t.Errorf("%s names %s, left out, as its target's author", f.SourceID, *d.TargetAuthor)
		}
	}
	if same == 0 || targets == 0 {
		t.Errorf("%d events compared, %d of them on items of no known author: the test tests nothing", same, targets)
	}
}

func str(s *string) string {
	if s == nil {
		return "<nil>"
	}
	return *s
}
