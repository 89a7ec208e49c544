package report

import (
	"fmt"
	"slices"
	"strings"

	"github.com/journeys-dev/journeys/analyze"
)

// sensitivityStates lists the activity states as the sensitivity tables show them.
var sensitivityStates = []string{analyze.StateNew, analyze.StateActive, analyze.StateDormant, analyze.StateChurned}

var sensitivityStateLabels = map[string]string{
	analyze.StateNew: "New", analyze.StateActive: "Active", analyze.StateDormant: "Dormant", analyze.StateChurned: "Churned",
}

// A SensitivityVariant is one model of a community's sensitivity analysis
// (sensitivity.parquet) and what it gives.
type SensitivityVariant struct {
	// Parameter and Value are what the variant changes; both "" for the
	// baseline. Default is the parameter's value in the baseline.
	Parameter, Value, Default string
	// AtStage and Reached count the people at each stage on the analysis
	// date and those who reached each step, indexed like analyze.Stages.
	AtStage, Reached [6]int64
	// States counts the people in each activity state, as sensitivityStates.
	States [4]int64
}

// A Sensitivity is a community's sensitivity analysis.
type Sensitivity struct {
	Baseline SensitivityVariant
	// Stages are the variants of the stage rules (window, stage thresholds,
	// switches), States those of the activity states' bounds, each in the
	// table's order.
	Stages, States []SensitivityVariant
	// Largest says in words which stage and which activity state a variant
	// moves most; "" when none moves anything.
	Largest string
}

// stateParameter reports whether a parameter bounds the activity states
// (and so moves no stage).
func stateParameter(p string) bool {
	return p == "new_days" || p == "active_days" || p == "dormant_days"
}

// buildSensitivity groups sensitivity.parquet's rows by community and
// variant, in the table's order.
func buildSensitivity(in Input, r *Report, byName map[string]*Community) {
	type key struct{ community, variant string }
	vars := map[key]*SensitivityVariant{}
	var order []key
	for _, row := range in.Sensitivity {
		c := byName[row.Community]
		st := stageIndex(row.Stage)
		if c == nil || st < 0 {
			continue
		}
		k := key{row.Community, row.Variant}
		v := vars[k]
		if v == nil {
			v = &SensitivityVariant{}
			if !row.Baseline && row.Parameter != nil && row.Value != nil {
				v.Parameter, v.Value = clean(*row.Parameter), clean(*row.Value)
				v.Default, _ = r.Model.ParameterValue(*row.Parameter)
			}
			vars[k] = v
			order = append(order, k)
		}
		v.AtStage[st] += row.AtStage
		v.Reached[st] += row.EverReached
		for i, n := range []int64{row.StateNew, row.StateActive, row.StateDormant, row.StateChurned} {
			v.States[i] += n
		}
	}
	for _, k := range order {
		c, v := byName[k.community], vars[k]
		if c.Sensitivity == nil {
			c.Sensitivity = &Sensitivity{}
		}
		s := c.Sensitivity
		switch {
		case v.Parameter == "":
			s.Baseline = *v
		case stateParameter(v.Parameter):
			s.States = append(s.States, *v)
		default:
			s.Stages = append(s.Stages, *v)
		}
	}
	for _, c := range byName {
		if s := c.Sensitivity; s != nil {
			s.Largest = s.largest()
		}
	}
}

// largest says, for the stages and for the activity states, which one a
// variant moves most for its size (the change over the baseline's count,
// or over 1 for an empty one; the larger change breaks a tie, then table
// order), and to what.
func (s *Sensitivity) largest() string {
	type best struct {
		rel      float64
		diff     int64
		v        *SensitivityVariant
		what     string
		got, was int64
	}
	consider := func(b *best, v *SensitivityVariant, what string, got, was int64) {
		d := absInt(got - was)
		rel := float64(d) / float64(max(was, 1))
		if d > 0 && (rel > b.rel || rel == b.rel && d > b.diff) {
			*b = best{rel, d, v, what, got, was}
		}
	}
	var stage, state best
	for i := range s.Stages {
		v := &s.Stages[i]
		for st, name := range analyze.Stages {
			consider(&stage, v, strings.ToLower(stageLabel(name)), v.AtStage[st], s.Baseline.AtStage[st])
		}
	}
	for i := range s.States {
		v := &s.States[i]
		for k, name := range sensitivityStates {
			consider(&state, v, name, v.States[k], s.Baseline.States[k])
		}
	}
	var out []string
	for _, b := range []struct {
		kind string
		best
	}{{"stage", stage}, {"activity state", state}} {
		if b.v != nil {
			out = append(out, fmt.Sprintf("The %s that moves most for its size is %s: %s instead of %s with %s.",
				b.kind, b.what, people(b.got), fmtInt(b.was), variantLabel(b.v)))
		}
	}
	return strings.Join(out, " ")
}

func absInt(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}

// variantLabel names a variant: "networked_items = 5 (not 3)".
func variantLabel(v *SensitivityVariant) string {
	if v.Parameter == "" {
		return "Baseline"
	}
	if v.Default == "" {
		return v.Parameter + " = " + v.Value
	}
	return v.Parameter + " = " + v.Value + " (not " + v.Default + ")"
}

// sensitivityNote says how to read the sensitivity tables.
const sensitivityNote = "Each row judges everyone again with one threshold or switch changed and the rest as in the model thresholds below (the baseline); " +
	"each cell counts the people at that stage, or in that activity state, on the analysis date, with the change from the baseline in brackets. " +
	"The activity states' bounds move no stage, and the other parameters no state."

// A sensitivityTable is one of the sensitivity tables, as cells.
type sensitivityTable struct {
	Title string
	Head  []string
	Rows  [][]string
	// Unchanged names the variants that move no cell of the table: they
	// share a sentence instead of filling rows.
	Unchanged []string
	// Folded tables are shown on request (HTML) or left out (Markdown).
	Folded bool
}

// withChange writes a count and its change from the baseline: "12 (+3)", or
// "12" when unchanged.
func withChange(got, was int64) string {
	switch {
	case got > was:
		return fmtInt(got) + " (+" + fmtInt(got-was) + ")"
	case got < was:
		return fmtInt(got) + " (-" + fmtInt(was-got) + ")"
	}
	return fmtInt(got)
}

// stageHalves split the six stages into two tables of three, so that no
// table is wider than a phone or a job summary.
var stageHalves = [2]struct {
	name     string
	from, to int
}{{"discovery to participation", 0, 3}, {"sustained participation to leadership", 3, 6}}

// sensitivityTables lays a community's sensitivity analysis out as tables:
// people at each stage (in two halves), in each activity state, and
// (folded) reaching each step of the funnel.
func sensitivityTables(s *Sensitivity) []sensitivityTable {
	if s == nil {
		return nil
	}
	b := &s.Baseline
	table := func(title string, folded bool, head []string, variants []SensitivityVariant, cells func(*SensitivityVariant) []int64) sensitivityTable {
		t := sensitivityTable{Title: title, Head: append([]string{"Variant"}, head...), Folded: folded}
		row := func(v *SensitivityVariant) []string {
			out := []string{variantLabel(v)}
			for i, n := range cells(v) {
				out = append(out, withChange(n, cells(b)[i]))
			}
			return out
		}
		t.Rows = append(t.Rows, row(b))
		for i := range variants {
			v := &variants[i]
			if slices.Equal(cells(v), cells(b)) {
				t.Unchanged = append(t.Unchanged, variantLabel(v))
				continue
			}
			t.Rows = append(t.Rows, row(v))
		}
		return t
	}
	var out, reached []sensitivityTable
	for _, h := range stageHalves {
		var head []string
		for _, st := range analyze.Stages[h.from:h.to] {
			head = append(head, stageLabel(st))
		}
		out = append(out, table("People at each stage on the analysis date, "+h.name, false, head, s.Stages,
			func(v *SensitivityVariant) []int64 { return v.AtStage[h.from:h.to] }))
		reached = append(reached, table("People who reached each step of the funnel, "+h.name, true, head, s.Stages,
			func(v *SensitivityVariant) []int64 { return v.Reached[h.from:h.to] }))
	}
	if len(s.States) > 0 {
		var head []string
		for _, st := range sensitivityStates {
			head = append(head, sensitivityStateLabels[st])
		}
		out = append(out, table("People in each activity state on the analysis date", false, head, s.States,
			func(v *SensitivityVariant) []int64 { return v.States[:] }))
	}
	return append(out, reached...)
}

// unchangedSentence says which variants move nothing in a table.
func unchangedSentence(t sensitivityTable) string {
	if len(t.Unchanged) == 0 {
		return ""
	}
	return "Unchanged from the baseline with " + strings.Join(t.Unchanged, "; ") + "."
}

// writeSensitivityMarkdown writes a community's sensitivity tables, when
// the analysis has them.
func writeSensitivityMarkdown(p func(string, ...any), c *Community) {
	tables := sensitivityTables(c.Sensitivity)
	if tables == nil {
		return
	}
	p("### Sensitivity to the model's thresholds\n\n")
	if c.Sensitivity.Largest != "" {
		p("%s ", mdText(c.Sensitivity.Largest))
	}
	p("%s %s\n\n", sensitivityNote, glossaryLink)
	for _, t := range tables {
		if t.Folded {
			continue
		}
		p("%s:\n\n", t.Title)
		p("| %s |\n|---|%s\n", strings.Join(t.Head, " | "), strings.Repeat("---:|", len(t.Head)-1))
		for _, r := range t.Rows {
			p("| %s |\n", strings.Join(append([]string{mdText(r[0])}, r[1:]...), " | "))
		}
		p("\n")
		if u := unchangedSentence(t); u != "" {
			p("%s\n\n", mdText(u))
		}
	}
}

// switchNotes says, in words, which of the model's switches are set away
// from their defaults.
func switchNotes(m analyze.Model) []string {
	var out []string
	if m.IgnoreCoauthors {
		out = append(out, "count_coauthors: false: co-authored commits give neither participation nor a contribution month.")
	}
	if m.NarrowFirstContact {
		out = append(out, "wide_first_contact: false: only an issue or pull request opened, a comment, a review or a commit is first contact; closing, labelling, reopening, assigning and merging alone are not.")
	}
	return out
}
