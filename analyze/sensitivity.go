package analyze

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/journeys-dev/journeys/internal/table"
	"github.com/journeys-dev/journeys/schema"
)

// Names of the model's two switches, as the config's model: section and
// sensitivity.parquet's parameter column spell them.
const (
	SwitchCountCoauthors   = "count_coauthors"
	SwitchWideFirstContact = "wide_first_contact"
)

// SensitivityThresholds lists the thresholds a sensitivity analysis varies,
// by their config keys (model:), in Model's order.
var SensitivityThresholds = []string{
	"window_days", "sustained_months", "networked_items", "leadership_merges",
	"leadership_triaged", "new_days", "active_days", "dormant_days",
}

// threshold returns the field of m that the config key name sets, or nil.
func threshold(m *Model, name string) *int {
	switch name {
	case "window_days":
		return &m.WindowDays
	case "sustained_months":
		return &m.SustainedMonths
	case "networked_items":
		return &m.NetworkedItems
	case "leadership_merges":
		return &m.LeadershipMerges
	case "leadership_triaged":
		return &m.LeadershipTriaged
	case "new_days":
		return &m.NewDays
	case "active_days":
		return &m.ActiveDays
	case "dormant_days":
		return &m.DormantDays
	}
	return nil
}

// isDays reports whether a threshold counts days (the window and the
// activity states' bounds) rather than months or items.
func isDays(name string) bool {
	switch name {
	case "window_days", "new_days", "active_days", "dormant_days":
		return true
	}
	return false
}

// DefaultSensitivityValues returns the values the grid tries for threshold
// name when the model's value is d: for a number of days, half (rounded up)
// and twice d; for a count of months or items, d-1, d+1 and the larger of
// 2d and d+2. Values below 1 and d itself are left out; the result is sorted.
func DefaultSensitivityValues(name string, d int) []int {
	var vs []int
	if isDays(name) {
		vs = []int{(d + 1) / 2, 2 * d}
	} else {
		vs = []int{d - 1, d + 1, max(2*d, d+2)}
	}
	var out []int
	for _, v := range vs {
		if v >= 1 && v != d && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	slices.Sort(out)
	return out
}

// A Variant is one model of a sensitivity analysis: the analysis's model
// with one threshold or one switch changed.
type Variant struct {
	// Parameter is the config key changed: a threshold of
	// SensitivityThresholds, SwitchCountCoauthors or SwitchWideFirstContact.
	Parameter string
	// Value is its value in this variant, as the config would write it:
	// "5", "false".
	Value string
	Model Model
}

// Name is the variant as sensitivity.parquet's variant column writes it:
// "networked_items=5".
func (v Variant) Name() string { return v.Parameter + "=" + v.Value }

// A SensitivityError says that a value asked for in a sensitivity grid
// makes no model with the rest of the thresholds.
type SensitivityError struct {
	Parameter string
	Value     int
	Err       error
}

func (e *SensitivityError) Error() string {
	return fmt.Sprintf("sensitivity: %s=%d: %v", e.Parameter, e.Value, e.Err)
}

func (e *SensitivityError) Unwrap() error { return e.Err }

// SensitivityGrid returns the variants of a sensitivity analysis around
// base, one change at a time: each threshold of SensitivityThresholds, in
// that order, at each of its values (values[name] when the key is there,
// an empty list leaving the threshold out; else DefaultSensitivityValues),
// ascending, then each switch set the other way from base. A value equal to
// base's is left out (the baseline holds it). A value from values that
// makes an invalid model (active_days above dormant_days) is a
// *SensitivityError; one from the defaults is left out.
func SensitivityGrid(base Model, values map[string][]int) ([]Variant, error) {
	if err := base.Validate(); err != nil {
		return nil, err
	}
	for name := range values {
		if threshold(&Model{}, name) == nil {
			return nil, fmt.Errorf("sensitivity: %q is not a threshold (known: %v)", name, SensitivityThresholds)
		}
	}
	var out []Variant
	for _, name := range SensitivityThresholds {
		d := *threshold(&base, name)
		vs, given := values[name]
		if given {
			vs = slices.Clone(vs)
			slices.Sort(vs)
			vs = slices.Compact(vs)
		} else {
			vs = DefaultSensitivityValues(name, d)
		}
		for _, v := range vs {
			if v == d {
				continue
			}
			m := base
			*threshold(&m, name) = v
			if err := m.Validate(); err != nil {
				if given {
					return nil, &SensitivityError{Parameter: name, Value: v, Err: err}
				}
				continue
			}
			out = append(out, Variant{Parameter: name, Value: strconv.Itoa(v), Model: m})
		}
	}
	m := base
	m.IgnoreCoauthors = !base.IgnoreCoauthors
	out = append(out, Variant{Parameter: SwitchCountCoauthors, Value: strconv.FormatBool(!m.IgnoreCoauthors), Model: m})
	m = base
	m.NarrowFirstContact = !base.NarrowFirstContact
	out = append(out, Variant{Parameter: SwitchWideFirstContact, Value: strconv.FormatBool(!m.NarrowFirstContact), Model: m})
	return out, nil
}

// BaselineVariant is the variant column of the baseline rows of
// sensitivity.parquet: the analysis's own model.
const BaselineVariant = "baseline"

// stageCounts are one community's figures under one model: the people at
// each stage on the analysis date (and, of them, those in each activity
// state), and those who reached each step of the funnel's ladder.
type stageCounts struct {
	at, reached [numStages]int64
	states      [numStages][len(stateNames)]int64
}

func (s *stageCounts) add(j journey) {
	if j.current >= 0 {
		s.at[j.current]++
		if j.state >= 0 {
			s.states[j.current][j.state]++
		}
	}
	for st := range numStages {
		if j.ladder[st] < 0 {
			break
		}
		s.reached[st]++
	}
}

// sweepSet is what finish hands the sensitivity analysis: the people with
// a journey, in row order, and their facts, sorted, grouped by person.
type sweepSet struct {
	people   []int32
	facts    []uint64
	start    []int32 // person p's facts are facts[start[p]:start[p+1]]
	firstDay int32
}

// noRows is the sink of the variants' (quiet) sweeps: they write no table.
var noRows = sink{
	contributor: func(schema.Contributor) error { return nil },
	month:       func(schema.ContributorMonth) error { return nil },
	transition:  func(schema.Transition) error { return nil },
}

// sensitivity judges every person once under the analysis's model (the
// baseline) and once under each variant of opts.Sensitivity, from the
// facts already loaded, and returns sensitivity.parquet's rows: per
// community (in order), the baseline, then each variant, six stages each.
// Each model gets a sweeper of its own, sized for it, with scratch counters
// that start at zero and that every sweep returns to zero (checked); the
// models are judged side by side on the available cores.
func (b *builder) sensitivity(ctx context.Context, opts Options, set sweepSet, order []int32) ([]schema.SensitivityRow, error) {
	began := time.Now()
	models := make([]Model, 0, len(opts.Sensitivity)+1)
	models = append(models, b.model)
	for _, v := range opts.Sensitivity {
		models = append(models, v.Model)
	}
	results := make([][]stageCounts, len(models))
	errs := make([]error, len(models))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(len(models), runtime.GOMAXPROCS(0)) {
		wg.Go(func() {
			for v := range next {
				results[v], errs[v] = b.sweepModel(ctx, models[v], set)
			}
		})
	}
	for v := range models {
		next <- v
	}
	close(next)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	cmp.Or(opts.Logger, slog.Default()).Info("sensitivity analysis", "variants", len(opts.Sensitivity),
		"people", len(set.people), "seconds", time.Since(began).Seconds())

	rows := make([]schema.SensitivityRow, 0, len(order)*len(models)*numStages)
	for _, c := range order {
		for v := range models {
			sc := &results[v][c]
			for st := range numStages {
				row := schema.SensitivityRow{
					Community: b.communities[c], Variant: BaselineVariant, Baseline: v == 0,
					Stage: Stages[st], Order: int64(st), AtStage: sc.at[st], EverReached: sc.reached[st],
					StateNew: sc.states[st][0], StateActive: sc.states[st][1],
					StateDormant: sc.states[st][2], StateChurned: sc.states[st][3],
				}
				if v > 0 {
					vr := &opts.Sensitivity[v-1]
					row.Variant, row.Parameter, row.Value = vr.Name(), &vr.Parameter, &vr.Value
				}
				rows = append(rows, row)
			}
		}
	}
	return rows, nil
}

// sweepModel judges every person under model m and counts, per community,
// who is at each stage (in each state) and who reached each step.
func (b *builder) sweepModel(ctx context.Context, m Model, set sweepSet) ([]stageCounts, error) {
	sw := newSweeper(m, b.asOf, set.firstDay, b.nItems)
	sw.quiet = true
	counts := make([]stageCounts, len(b.communities))
	out := noRows
	for n, p := range set.people {
		if n%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		pi := &b.people[p]
		j, err := sw.sweep(pi, "", "", set.facts[set.start[p]:set.start[p+1]], &out)
		if err != nil {
			return nil, err
		}
		counts[pi.community].add(j)
	}
	if !sw.clean() {
		return nil, errors.New("sensitivity: a sweep left its window counters set")
	}
	return counts, nil
}

// clean reports whether the scratch counters are all zero, as every sweep
// leaves them.
func (s *sweeper) clean() bool {
	for _, a := range [][]int32{s.monthCount, s.engageCount, s.triageCount} {
		for _, n := range a {
			if n != 0 {
				return false
			}
		}
	}
	return true
}

// writeSensitivity writes DIR/sensitivity.parquet when variants were asked
// for, and otherwise removes one an earlier analysis left, so that no
// table of another date or model stays beside this analysis.
func writeSensitivity(dir string, opts Options, rows []schema.SensitivityRow, meta table.Option) error {
	path := filepath.Join(dir, schema.Sensitivity.File())
	if len(opts.Sensitivity) == 0 {
		if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
		return nil
	}
	return table.WriteFile(path, rows, meta)
}

// ParameterValue returns the value in m of a threshold or switch named as
// the config names it, written as sensitivity.parquet's value column
// writes it ("3", "true"); false for an unknown name.
func (m Model) ParameterValue(name string) (string, bool) {
	switch name {
	case SwitchCountCoauthors:
		return strconv.FormatBool(!m.IgnoreCoauthors), true
	case SwitchWideFirstContact:
		return strconv.FormatBool(!m.NarrowFirstContact), true
	}
	if p := threshold(&m, name); p != nil {
		return strconv.Itoa(*p), true
	}
	return "", false
}
