package analyze

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/journeys-dev/journeys/internal/table"
	"github.com/journeys-dev/journeys/schema"
)

// The switches are off in the zero value, and a model with both off
// encodes, and so hashes, byte for byte as before they existed: every
// earlier analysis keeps its model_hash.
func TestModelSwitchesKeepTheDefaultHash(t *testing.T) {
	const before = `{"window_days":365,"sustained_months":3,"networked_items":3,"leadership_merges":1,` +
		`"leadership_triaged":5,"new_days":90,"active_days":180,"dormant_days":365}`
	sum := sha256.Sum256([]byte(before))
	if got, want := DefaultModel().Hash(), "sha256:"+hex.EncodeToString(sum[:]); got != want {
		t.Errorf("DefaultModel().Hash() = %s, want %s (the hash before the switches)", got, want)
	}
	b, err := json.Marshal(DefaultModel())
	if err != nil || string(b) != before {
		t.Errorf("DefaultModel() encodes as %s (%v), want %s", b, err, before)
	}

	for _, m := range []Model{
		{WindowDays: 1, IgnoreCoauthors: true},
		{WindowDays: 2, NarrowFirstContact: true},
		{WindowDays: 3, IgnoreCoauthors: true, NarrowFirstContact: true},
		DefaultModel(),
	} {
		b, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		var back Model
		if err := json.Unmarshal(b, &back); err != nil || back != m {
			t.Errorf("%s decodes as %+v (%v), want %+v", b, back, err, m)
		}
		if m.IgnoreCoauthors != strings.Contains(string(b), `"count_coauthors":false`) ||
			m.NarrowFirstContact != strings.Contains(string(b), `"wide_first_contact":false`) {
			t.Errorf("%+v encodes as %s", m, b)
		}
		if m != DefaultModel() && m.Hash() == DefaultModel().Hash() {
			t.Errorf("%+v hashes as the default model", m)
		}
	}
	var m Model
	if err := json.Unmarshal([]byte(`{"window_days":365,"count_coauthors":true,"wide_first_contact":true}`), &m); err != nil || m.IgnoreCoauthors || m.NarrowFirstContact {
		t.Errorf("switches written true decode as %+v (%v)", m, err)
	}
}

// count_coauthors: false takes co-authorships out of participation and
// sustained participation; they stay actions.
func TestCountCoauthorsSwitch(t *testing.T) {
	coauthor := func(daysAgo int) schema.Event {
		return ev(schema.KindCommitCoauthor, "ana", ago(daysAgo), author("Ana", "ana@example.org"))
	}
	commit := func(daysAgo int) schema.Event {
		return ev(schema.KindCommit, "ana", ago(daysAgo), author("Ana", "ana@example.org"))
	}
	off := DefaultModel()
	off.IgnoreCoauthors = true
	tests := []struct {
		name       string
		events     []schema.Event
		on, offSt  string
		offReason  string
		offMonths  int64
		offReached int // ladder steps reached with the switch off
	}{
		{"a co-authorship alone", []schema.Event{coauthor(3)}, StageParticipation, StageFirstContact, "co-authored 1 default-branch commit", 0, 2},
		{"co-authorships make no contribution month", []schema.Event{commit(3), commit(40), coauthor(80)},
			StageSustainedParticipation, StageParticipation, "authored 2 default-branch commits", 2, 3},
		{"own commits still count", []schema.Event{commit(3), commit(40), commit(80), coauthor(120)},
			StageSustainedParticipation, StageSustainedParticipation, "in 3 distinct calendar months", 3, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if c := mustContributor(t, analyze(t, tt.events, Options{}), "ana"); c.Stage != tt.on {
				t.Errorf("count_coauthors: true: stage %s, want %s", c.Stage, tt.on)
			}
			res := analyze(t, tt.events, Options{Model: off})
			c := mustContributor(t, res, "ana")
			if c.Stage != tt.offSt || !strings.Contains(c.StageReason, tt.offReason) || c.ContributionMonths12 != tt.offMonths {
				t.Errorf("count_coauthors: false: stage %s (%q), %d months; want %s (%q), %d months",
					c.Stage, c.StageReason, c.ContributionMonths12, tt.offSt, tt.offReason, tt.offMonths)
			}
			if strings.Contains(c.StageReason, "co-authored") && c.Stage != StageFirstContact {
				t.Errorf("count_coauthors: false: the reason cites co-authorships: %q", c.StageReason)
			}
			if c.State == nil || c.FirstContactAt == nil {
				t.Errorf("count_coauthors: false: state %s, first contact %v: a co-authorship is still an action", str(c.State), c.FirstContactAt)
			}
			if got := reachedSteps(res, "c"); got != tt.offReached {
				t.Errorf("count_coauthors: false: %d ladder steps reached, want %d", got, tt.offReached)
			}
		})
	}
}

// wide_first_contact: false makes first contact one's own issue, pull
// request, comment, review or commit; triage alone is not.
func TestWideFirstContactSwitch(t *testing.T) {
	narrow := DefaultModel()
	narrow.NarrowFirstContact = true
	tests := []struct {
		name       string
		events     []schema.Event
		wide, narr string
		narrReach  int
	}{
		{"labelling alone", []schema.Event{ev(schema.KindLabeled, "ana", ago(3), on(1, "ana"))}, StageFirstContact, StageDiscovery, 1},
		{"closing, reopening, assigning", []schema.Event{ev(schema.KindIssueClosed, "ana", ago(5), on(1, "ana")),
			ev(schema.KindIssueReopened, "ana", ago(4), on(1, "ana")), ev(schema.KindAssigned, "ana", ago(3), on(1, "ana"))}, StageFirstContact, StageDiscovery, 1},
		{"merging one's own pull request", []schema.Event{ev(schema.KindPRMerged, "ana", ago(3), on(1, "ana"))}, StageParticipation, StageParticipation, 1},
		{"a star and a label", []schema.Event{ev(schema.KindStar, "ana", ago(9)), ev(schema.KindLabeled, "ana", ago(3), on(1, "ana"))},
			StageFirstContact, StageDiscovery, 1},
		{"a comment", []schema.Event{ev(schema.KindIssueComment, "ana", ago(3), on(1, "ana"))}, StageFirstContact, StageFirstContact, 2},
		{"a review", []schema.Event{ev(schema.KindReview, "ana", ago(3), on(1, "bob"))}, StageFirstContact, StageFirstContact, 2},
		{"an issue", []schema.Event{ev(schema.KindIssueOpened, "ana", ago(3), on(1, "ana"))}, StageFirstContact, StageFirstContact, 2},
		{"a listing still reaches first contact on the ladder", []schema.Event{ev(schema.KindRecognized, "ana", ago(3))}, StageParticipation, StageParticipation, 3},
		{"merging others' work is still leadership", []schema.Event{ev(schema.KindPRMerged, "ana", ago(3), on(7, "bob"))}, StageLeadership, StageLeadership, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if c := mustContributor(t, analyze(t, tt.events, Options{}), "ana"); c.Stage != tt.wide {
				t.Errorf("wide_first_contact: true: stage %s, want %s", c.Stage, tt.wide)
			}
			res := analyze(t, tt.events, Options{Model: narrow})
			c := mustContributor(t, res, "ana")
			if c.Stage != tt.narr {
				t.Errorf("wide_first_contact: false: stage %s (%q), want %s", c.Stage, c.StageReason, tt.narr)
			}
			if c.Stage == StageDiscovery && !strings.Contains(c.StageReason, "not first contact") {
				t.Errorf("wide_first_contact: false: reason %q", c.StageReason)
			}
			acted := slices.ContainsFunc(tt.events, func(e schema.Event) bool { return e.Kind != schema.KindRecognized && e.Kind != schema.KindStar })
			if acted && (c.State == nil || c.FirstContactAt == nil) {
				t.Errorf("wide_first_contact: false: state %s, first action %v: the activity states still count every action", str(c.State), c.FirstContactAt)
			}
			if n := reachedSteps(res, "c"); n != tt.narrReach {
				t.Errorf("wide_first_contact: false: %d ladder steps reached, want %d", n, tt.narrReach)
			}
		})
	}
}

// reachedSteps counts the funnel steps of community that someone reached.
func reachedSteps(res *Result, community string) int {
	n := 0
	for _, f := range res.Funnel {
		if f.Community == community && f.EverMet > 0 {
			n++
		}
	}
	return n
}

func TestDefaultSensitivityValues(t *testing.T) {
	tests := []struct {
		name string
		d    int
		want []int
	}{
		{"window_days", 365, []int{183, 730}},
		{"new_days", 90, []int{45, 180}},
		{"active_days", 180, []int{90, 360}},
		{"dormant_days", 365, []int{183, 730}},
		{"new_days", 1, []int{2}},
		{"sustained_months", 3, []int{2, 4, 6}},
		{"networked_items", 3, []int{2, 4, 6}},
		{"leadership_merges", 1, []int{2, 3}},
		{"leadership_merges", 2, []int{1, 3, 4}},
		{"leadership_triaged", 5, []int{4, 6, 10}},
	}
	for _, tt := range tests {
		if got := DefaultSensitivityValues(tt.name, tt.d); !slices.Equal(got, tt.want) {
			t.Errorf("DefaultSensitivityValues(%s, %d) = %v, want %v", tt.name, tt.d, got, tt.want)
		}
	}
}

func TestSensitivityGrid(t *testing.T) {
	base := DefaultModel()
	grid, err := SensitivityGrid(base, nil)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, v := range grid {
		names = append(names, v.Name())
		if v.Model == base {
			t.Errorf("%s: the baseline's model", v.Name())
		}
		if err := v.Model.Validate(); err != nil {
			t.Errorf("%s: %v", v.Name(), err)
		}
	}
	want := []string{
		"window_days=183", "window_days=730",
		"sustained_months=2", "sustained_months=4", "sustained_months=6",
		"networked_items=2", "networked_items=4", "networked_items=6",
		"leadership_merges=2", "leadership_merges=3",
		"leadership_triaged=4", "leadership_triaged=6", "leadership_triaged=10",
		"new_days=45", "new_days=180", "active_days=90", "active_days=360", "dormant_days=183", "dormant_days=730",
		"count_coauthors=false", "wide_first_contact=false",
	}
	if !slices.Equal(names, want) {
		t.Errorf("default grid:\n got %v\nwant %v", names, want)
	}

	// Given values replace the defaults (sorted, without the baseline's or
	// repeats); an empty list leaves the threshold out; switches set in the
	// base are tried the other way.
	base.IgnoreCoauthors = true
	grid, err = SensitivityGrid(base, map[string][]int{"networked_items": {8, 5, 3, 5}, "window_days": {}, "active_days": {30}})
	if err != nil {
		t.Fatal(err)
	}
	names = names[:0]
	for _, v := range grid {
		names = append(names, v.Name())
	}
	for _, w := range []string{"networked_items=5", "networked_items=8", "active_days=30", "count_coauthors=true"} {
		if !slices.Contains(names, w) {
			t.Errorf("grid %v lacks %s", names, w)
		}
	}
	for _, n := range names {
		if strings.HasPrefix(n, "window_days=") || n == "networked_items=3" || n == "networked_items=2" || n == "active_days=90" {
			t.Errorf("grid %v has %s", names, n)
		}
	}
	if i := slices.Index(names, "count_coauthors=true"); i < 0 || grid[i].Model.IgnoreCoauthors {
		t.Errorf("count_coauthors=true counts no co-authorship")
	}

	// A value that makes no model is an error naming it; from the defaults
	// such a value is left out.
	_, err = SensitivityGrid(DefaultModel(), map[string][]int{"active_days": {400}})
	var se *SensitivityError
	if !errors.As(err, &se) || se.Parameter != "active_days" || se.Value != 400 || !strings.Contains(err.Error(), "dormant_days") {
		t.Errorf("active_days 400 with dormant_days 365: %v", err)
	}
	tight := DefaultModel()
	tight.ActiveDays, tight.DormantDays = 200, 300
	grid, err = SensitivityGrid(tight, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range grid {
		if v.Name() == "active_days=400" || v.Name() == "dormant_days=150" {
			t.Errorf("the default grid kept the invalid %s", v.Name())
		}
	}
	if _, err := SensitivityGrid(DefaultModel(), map[string][]int{"leadership": {2}}); err == nil {
		t.Error("no error for an unknown threshold")
	}
}

// sensitivityEvents is a synthetic history with every kind of event,
// co-authorships and triage included, and, in community "c", people on
// the edges of the leadership rules and of wide first contact (in the
// synthetic history, whoever merges or triages also comments, and does
// both).
func sensitivityEvents() []schema.Event {
	events := syntheticEvents(syntheticConfig{People: 300, Items: 1500, Comments: 6000, Commits: 900, Seed: 11})
	item := int64(0)
	act := func(kind schema.Kind, who string, n int) {
		for range n {
			item++
			events = append(events, ev(kind, who, ago(int(item%50)), on(item, "author")))
		}
	}
	act(schema.KindLabeled, "labeller", 1)
	act(schema.KindIssueClosed, "closer", 2)
	for _, n := range []int{1, 2, 3} {
		act(schema.KindPRMerged, "merger"+strconv.Itoa(n), n)
	}
	for _, n := range []int{2, 4, 5, 6, 10} {
		act(schema.KindIssueClosed, "triager"+strconv.Itoa(n), n)
	}
	return events
}

// countsOf gives, per community and stage, the figures a sensitivity row
// holds, from an analysis's tables: the funnel's current and ever_met, and
// the contributors at the stage in each activity state.
func countsOf(res *Result) map[[2]string][6]int64 {
	out := map[[2]string][6]int64{}
	for _, f := range res.Funnel {
		out[[2]string{f.Community, f.Stage}] = [6]int64{f.CurrentCount, f.EverMet}
	}
	for _, c := range res.Contributors {
		if c.State == nil {
			continue
		}
		k := [2]string{c.Community, c.Stage}
		v := out[k]
		v[2+slices.Index(stateNames[:], *c.State)]++
		out[k] = v
	}
	return out
}

func rowsOf(rows []schema.SensitivityRow, variant string) map[[2]string][6]int64 {
	out := map[[2]string][6]int64{}
	for _, r := range rows {
		if r.Variant == variant {
			out[[2]string{r.Community, r.Stage}] = [6]int64{r.AtStage, r.EverReached, r.StateNew, r.StateActive, r.StateDormant, r.StateChurned}
		}
	}
	return out
}

// The baseline rows are the analysis's own funnel; every variant's rows are
// what a whole separate analysis with that model gives; the order of the
// variants changes nothing (each is judged with scratch counters of its
// own, reset by every sweep).
func TestSensitivityEqualsSeparateAnalyses(t *testing.T) {
	events := sensitivityEvents()
	for _, base := range []Model{DefaultModel(), {WindowDays: 200, SustainedMonths: 2, NetworkedItems: 4, LeadershipMerges: 2,
		LeadershipTriaged: 3, NewDays: 30, ActiveDays: 90, DormantDays: 270, IgnoreCoauthors: true}} {
		grid, err := SensitivityGrid(base, map[string][]int{"window_days": {30, 90, 730}})
		if err != nil {
			t.Fatal(err)
		}
		opts := Options{AsOf: syntheticAsOf, Model: base, Sensitivity: grid}
		res, err := Analyze(events, opts)
		if err != nil {
			t.Fatal(err)
		}
		plain, err := Analyze(events, Options{AsOf: syntheticAsOf, Model: base})
		if err != nil {
			t.Fatal(err)
		}
		if plain.Sensitivity != nil {
			t.Errorf("sensitivity rows without variants: %d", len(plain.Sensitivity))
		}
		// The sensitivity analysis changes no other table.
		if !reflect.DeepEqual(plain.Contributors, res.Contributors) || !reflect.DeepEqual(plain.Funnel, res.Funnel) ||
			!reflect.DeepEqual(plain.Months, res.Months) || !reflect.DeepEqual(plain.Manifest, res.Manifest) {
			t.Error("asking for variants changed the analysis's own tables")
		}
		if got, want := len(res.Sensitivity), len(res.Manifest.Communities)*(len(grid)+1)*len(Stages); got != want {
			t.Fatalf("%d sensitivity rows, want %d", got, want)
		}
		if got, want := rowsOf(res.Sensitivity, BaselineVariant), countsOf(res); !reflect.DeepEqual(got, want) {
			t.Errorf("baseline rows %v, funnel %v", got, want)
		}
		moved := 0
		for _, v := range grid {
			sep, err := Analyze(events, Options{AsOf: syntheticAsOf, Model: v.Model})
			if err != nil {
				t.Fatal(err)
			}
			got, want := rowsOf(res.Sensitivity, v.Name()), countsOf(sep)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s: rows %v, a separate analysis %v", v.Name(), got, want)
			}
			if !reflect.DeepEqual(want, countsOf(res)) {
				moved++
			} else {
				t.Logf("%s moves nothing", v.Name())
			}
		}
		if moved < len(grid)-2 {
			t.Errorf("only %d of %d variants move any count: the test data do not exercise the rules", moved, len(grid))
		}

		rev := slices.Clone(grid)
		slices.Reverse(rev)
		opts.Sensitivity = rev
		again, err := Analyze(events, opts)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range grid {
			if !reflect.DeepEqual(rowsOf(again.Sensitivity, v.Name()), rowsOf(res.Sensitivity, v.Name())) {
				t.Errorf("%s: other counts when the variants run in another order", v.Name())
			}
		}
	}
}

// The rows are in order: community, then the baseline and the variants as
// given, then stage; parameter and value say what changed.
func TestSensitivityRows(t *testing.T) {
	grid, err := SensitivityGrid(DefaultModel(), nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Analyze(sensitivityEvents(), Options{AsOf: syntheticAsOf, Sensitivity: grid})
	if err != nil {
		t.Fatal(err)
	}
	i := 0
	for _, c := range res.Manifest.Communities {
		for v := -1; v < len(grid); v++ {
			for st, stage := range Stages {
				r := res.Sensitivity[i]
				i++
				if r.Community != c || r.Stage != stage || r.Order != int64(st) {
					t.Fatalf("row %d: %s %s, want %s %s", i-1, r.Community, r.Stage, c, stage)
				}
				if v < 0 {
					if r.Variant != BaselineVariant || !r.Baseline || r.Parameter != nil || r.Value != nil {
						t.Errorf("row %d: %+v, want a baseline row", i-1, r)
					}
					continue
				}
				if r.Variant != grid[v].Name() || r.Baseline || str(r.Parameter) != grid[v].Parameter || str(r.Value) != grid[v].Value {
					t.Errorf("row %d: %s (%s = %s), want %s", i-1, r.Variant, str(r.Parameter), str(r.Value), grid[v].Name())
				}
				if st > 0 && r.EverReached > res.Sensitivity[i-2].EverReached {
					t.Errorf("%s %s: %d reached, more than the step before", r.Variant, r.Stage, r.EverReached)
				}
			}
		}
	}
}

// Run writes sensitivity.parquet, with the analysis tables' footer, when
// asked, and removes an earlier one when not.
func TestRunWritesSensitivity(t *testing.T) {
	dir := t.TempDir()
	events := sensitivityEvents()
	if err := table.WriteFile(filepath.Join(dir, schema.Events.File()), events); err != nil {
		t.Fatal(err)
	}
	grid, err := SensitivityGrid(DefaultModel(), nil)
	if err != nil {
		t.Fatal(err)
	}
	opts := Options{AsOf: syntheticAsOf, Sensitivity: grid, Logger: slog.New(slog.DiscardHandler)}
	if _, err := Run(context.Background(), dir, opts); err != nil {
		t.Fatal(err)
	}
	want, err := Analyze(events, opts)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, schema.Sensitivity.File())
	checkTable(t, path, want.Sensitivity)
	md, err := table.Metadata(path)
	if err != nil {
		t.Fatal(err)
	}
	if md[table.MetaModelHash] != DefaultModel().Hash() || md[table.MetaAnalysisDate] != "2025-01-01" {
		t.Errorf("sensitivity.parquet footer: %v", md)
	}

	opts.Sensitivity = nil
	if _, err := Run(context.Background(), dir, opts); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("an analysis without variants left sensitivity.parquet (%v)", err)
	}
}

// BenchmarkSensitivity measures the sensitivity analysis on
// Kubernetes-sized data against BenchmarkRun: one read of events.parquet,
// the analysis, then one sweep per variant of the default grid.
func BenchmarkSensitivity(b *testing.B) {
	grid, err := SensitivityGrid(DefaultModel(), nil)
	if err != nil {
		b.Fatal(err)
	}
	benchmarkRun(b, func(opts *Options) { opts.Sensitivity = grid })
	b.ReportMetric(float64(len(grid)), "variants")
}
