package report

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/journeys-dev/journeys/analyze"
	"github.com/journeys-dev/journeys/internal/table"
	"github.com/journeys-dev/journeys/schema"
)

// fixtureSensitivity is a sensitivity analysis of community in the
// fixture: the baseline is the fixture's funnel and contributors' states,
// and each variant moves some counts by the deltas given.
func fixtureSensitivity(in Input, community string) []schema.SensitivityRow {
	var at, reached [6]int64
	for _, f := range in.Funnel {
		if f.Community == community {
			at[f.Order], reached[f.Order] = f.CurrentCount, f.EverMet
		}
	}
	var states [6][4]int64
	for _, c := range in.Contributors {
		if c.Community == community && c.State != nil {
			states[stageIndex(c.Stage)][slices.Index(sensitivityStates, *c.State)]++
		}
	}
	type delta struct {
		param, value    string
		at, reached     [6]int64
		firstStageState [4]int64
	}
	variants := []delta{
		{"", "", [6]int64{}, [6]int64{}, [4]int64{}},
		{"window_days", "183", [6]int64{0, 0, 1, -1}, [6]int64{0, 0, 0, -1}, [4]int64{}},
		{"window_days", "730", [6]int64{0, -1, 0, 0, 1}, [6]int64{0, 0, 0, 1}, [4]int64{}},
		{"sustained_months", "2", [6]int64{0, 0, -1, 1}, [6]int64{0, 0, 0, 1}, [4]int64{}},
		{"networked_items", "5", [6]int64{}, [6]int64{0, 0, 0, 0, -1, -1}, [4]int64{}},
		{"leadership_merges", "2", [6]int64{0, 0, 0, 1, 0, -1}, [6]int64{0, 0, 0, 0, 0, -1}, [4]int64{}},
		{"active_days", "90", [6]int64{}, [6]int64{}, [4]int64{0, -3, 3}},
		{"dormant_days", "183", [6]int64{}, [6]int64{}, [4]int64{}},
		{"count_coauthors", "false", [6]int64{}, [6]int64{}, [4]int64{}},
		{"wide_first_contact", "false", [6]int64{1, -1}, [6]int64{0, -1}, [4]int64{}},
	}
	var rows []schema.SensitivityRow
	for _, v := range variants {
		for st, stage := range analyze.Stages {
			s := states[st]
			if st == 0 {
				for k := range s {
					s[k] += v.firstStageState[k]
				}
			}
			row := schema.SensitivityRow{Community: community, Variant: analyze.BaselineVariant, Baseline: v.param == "",
				Stage: stage, Order: int64(st), AtStage: at[st] + v.at[st], EverReached: reached[st] + v.reached[st],
				StateNew: s[0], StateActive: s[1], StateDormant: s[2], StateChurned: s[3]}
			if v.param != "" {
				row.Variant, row.Parameter, row.Value = v.param+"="+v.value, ptr(v.param), ptr(v.value)
			}
			rows = append(rows, row)
		}
	}
	return rows
}

func TestSensitivityFigures(t *testing.T) {
	r := mustBuild(t, fixture())
	tw := community(t, r, "The Turing Way")
	s := tw.Sensitivity
	if s == nil {
		t.Fatal("no sensitivity analysis for The Turing Way")
	}
	if got, want := s.Baseline.AtStage, [6]int64{5, 3, 2, 1, 0, 2}; got != want {
		t.Errorf("baseline at stage %v, want %v (the funnel's now at stage)", got, want)
	}
	if got, want := s.Baseline.States, [4]int64{0, 12, 0, 1}; got != want {
		t.Errorf("baseline states %v, want %v", got, want)
	}
	var stages, states []string
	for _, v := range s.Stages {
		stages = append(stages, v.Parameter+"="+v.Value)
	}
	for _, v := range s.States {
		states = append(states, v.Parameter+"="+v.Value)
	}
	if want := []string{"window_days=183", "window_days=730", "sustained_months=2", "networked_items=5", "leadership_merges=2",
		"count_coauthors=false", "wide_first_contact=false"}; !slices.Equal(stages, want) {
		t.Errorf("stage variants %v, want %v", stages, want)
	}
	if want := []string{"active_days=90", "dormant_days=183"}; !slices.Equal(states, want) {
		t.Errorf("state variants %v, want %v", states, want)
	}
	if v := s.Stages[4]; v.Default != "1" || variantLabel(&v) != "leadership_merges = 2 (not 1)" {
		t.Errorf("leadership_merges=2: default %q, label %q", v.Default, variantLabel(&v))
	}
	if want := "The stage that moves most for its size is sustained participation: 0 people instead of 1 with window_days = 183 (not 365). " +
		"The activity state that moves most for its size is dormant: 3 people instead of 0 with active_days = 90 (not 180)."; s.Largest != want {
		t.Errorf("largest change %q, want %q", s.Largest, want)
	}
	if lab := community(t, r, "Example Lab"); lab.Sensitivity != nil {
		t.Errorf("Example Lab has a sensitivity analysis: %+v", lab.Sensitivity)
	}

	tables := sensitivityTables(s)
	if len(tables) != 5 {
		t.Fatalf("%d sensitivity tables, want 5 (stages in two halves, states, reached in two halves)", len(tables))
	}
	for _, tb := range tables {
		if len(tb.Head) > 6 {
			t.Errorf("table %q has %d columns, more than 6", tb.Title, len(tb.Head))
		}
	}
	rowOf := func(tb sensitivityTable, label string) []string {
		t.Helper()
		for _, r := range tb.Rows {
			if r[0] == label {
				return r
			}
		}
		t.Fatalf("table %q has no row %q (unchanged: %q)", tb.Title, label, tb.Unchanged)
		return nil
	}
	lower, upper := tables[0], tables[1]
	if got := rowOf(lower, "Baseline"); got[3] != "2" {
		t.Errorf("baseline participation %q, want 2", got[3])
	}
	if got := rowOf(upper, "leadership_merges = 2 (not 1)"); got[3] != "1 (-1)" || got[1] != "2 (+1)" {
		t.Errorf("leadership_merges = 2: sustained %q, leadership %q; want 2 (+1), 1 (-1)", got[1], got[3])
	}
	// A variant that moves no cell of a table shares a sentence instead of a row.
	for _, tb := range tables {
		for _, r := range tb.Rows[1:] {
			if !strings.Contains(strings.Join(r[1:], " "), "(") {
				t.Errorf("table %q: row %q changes nothing but has a row", tb.Title, r)
			}
		}
		if len(tb.Rows)-1+len(tb.Unchanged) != len(s.Stages) && len(tb.Rows)-1+len(tb.Unchanged) != len(s.States) {
			t.Errorf("table %q: %d rows and %d unchanged do not add up to the variants", tb.Title, len(tb.Rows)-1, len(tb.Unchanged))
		}
	}
	md := markdown(t, r)
	page := htmlPage(t, r)
	for what, doc := range map[string]string{"report.md": md, "report.html": page} {
		label := "leadership_merges = 2 (not 1)"
		if what == "report.md" {
			label = mdText(label)
		}
		if strings.Count(doc, "Sensitivity to the model") != 1 || !strings.Contains(doc, label) {
			t.Errorf("%s lacks the one sensitivity section", what)
		}
	}
	if !strings.Contains(page, "People who reached each step of the funnel") {
		t.Error("report.html lacks the reached table")
	}
}

// Switches set away from their defaults are said under the thresholds.
func TestSwitchesAreReported(t *testing.T) {
	in := fixture()
	if md := markdown(t, mustBuild(t, in)); strings.Contains(md, mdText("count_coauthors: false:")) {
		t.Error("the default model's report says a switch is off")
	}
	in.Analysis.Model.IgnoreCoauthors = true
	in.Analysis.Model.NarrowFirstContact = true
	r := mustBuild(t, in)
	for what, doc := range map[string]string{"report.md": markdown(t, r), "report.html": htmlPage(t, r)} {
		esc := func(s string) string { return s }
		if what == "report.md" {
			esc = mdText
		}
		if !strings.Contains(doc, esc("count_coauthors: false:")) || !strings.Contains(doc, esc("wide_first_contact: false:")) {
			t.Errorf("%s does not say which switches are off", what)
		}
	}
}

// Run shows sensitivity.parquet only when it is of this analysis (same
// date and model hash in its footer), and does without it.
func TestRunReadsSensitivityOfThisAnalysisOnly(t *testing.T) {
	in := fixture()
	in.Analysis.ModelHash = in.Analysis.Model.Hash()
	for _, tt := range []struct {
		name string
		meta map[string]string
		want bool
	}{
		{"this analysis", map[string]string{table.MetaAnalysisDate: "2024-06-30", table.MetaModelHash: in.Analysis.ModelHash}, true},
		{"another date", map[string]string{table.MetaAnalysisDate: "2024-05-31", table.MetaModelHash: in.Analysis.ModelHash}, false},
		{"another model", map[string]string{table.MetaAnalysisDate: "2024-06-30", table.MetaModelHash: "sha256:other"}, false},
		{"none", nil, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeFixture(t, in)
			path := filepath.Join(dir, schema.Sensitivity.File())
			if tt.meta == nil {
				os.Remove(path)
			} else if err := table.WriteFile(path, in.Sensitivity, table.WithMetadata(tt.meta)); err != nil {
				t.Fatal(err)
			}
			if _, err := Run(context.Background(), dir, Options{}); err != nil {
				t.Fatal(err)
			}
			for _, f := range []string{MarkdownFile, HTMLFile} {
				b, err := os.ReadFile(filepath.Join(dir, f))
				if err != nil {
					t.Fatal(err)
				}
				if got := strings.Contains(string(b), "Sensitivity to the model"); got != tt.want {
					t.Errorf("%s shows the sensitivity analysis: %v, want %v", f, got, tt.want)
				}
			}
		})
	}
}
