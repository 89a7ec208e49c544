// Package analyze turns the events of a collection into contributor
// journeys: it resolves commit authors to logins, sets bots aside, and
// judges each person's journey stage and activity state at every month end
// and at the analysis date, with the evidence. docs/analysis.md describes
// the model and the tables.
package analyze

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/journeys-dev/journeys/internal/table"
	"github.com/journeys-dev/journeys/schema"
)

// Options says how to analyze.
type Options struct {
	// AsOf is the analysis date. Only its UTC calendar day matters: events
	// up to the end of that day count, later ones are ignored. Required.
	AsOf time.Time
	// Model holds the thresholds; the zero Model means DefaultModel().
	Model Model
	// Bots adds to and exempts from the bot heuristics.
	Bots BotRules
	// Identities adds a mailmap and aliases to the identity resolution.
	Identities IdentityRules
	// Exclude lists people (logins or emails, case-insensitive) left out:
	// their events and the commits resolved to them are ignored, and an
	// item they authored counts as one by an unknown author.
	Exclude []string
	// ToolVersion is recorded in the Manifest.
	ToolVersion string
	// Sensitivity, when it lists variants (SensitivityGrid), re-judges
	// everyone under each of them and writes sensitivity.parquet; when
	// empty, Run writes none and removes an earlier one.
	Sensitivity []Variant
	// Logger receives progress; nil means slog.Default().
	Logger *slog.Logger
}

// A Result holds every table of an analysis, in the row order documented
// in docs/analysis.md, and the Manifest.
type Result struct {
	Contributors []schema.Contributor
	Months       []schema.ContributorMonth
	Transitions  []schema.Transition
	Funnel       []schema.FunnelRow
	Identities   []schema.Identity
	Bots         []schema.Bot
	Cohorts      []schema.CohortRow
	Sensitivity  []schema.SensitivityRow
	Metrics      []schema.MetricRow
	Manifest     Manifest
}

// ErrNoAsOf is returned when Options.AsOf is the zero time.
var ErrNoAsOf = errors.New("analysis date (as-of) is not set")

// Validate reports the first threshold that makes no sense.
func (m Model) Validate() error {
	checks := []struct {
		name string
		ok   bool
	}{
		{"window_days", m.WindowDays >= 1},
		{"sustained_months", m.SustainedMonths >= 1},
		{"networked_items", m.NetworkedItems >= 1},
		{"leadership_merges", m.LeadershipMerges >= 1},
		{"leadership_triaged", m.LeadershipTriaged >= 1},
		{"new_days", m.NewDays >= 0},
		{"active_days", m.ActiveDays >= 0},
		{"dormant_days", m.DormantDays >= m.ActiveDays},
	}
	for _, c := range checks {
		if !c.ok {
			return fmt.Errorf("model: %s is out of range", c.name)
		}
	}
	return nil
}

// start checks the options and returns a builder ready for events.
func start(opts Options) (*builder, error) {
	if opts.AsOf.IsZero() {
		return nil, ErrNoAsOf
	}
	model := opts.Model
	if model == (Model{}) {
		model = DefaultModel()
	}
	if err := model.Validate(); err != nil {
		return nil, err
	}
	bots, err := newBotClassifier(opts.Bots)
	if err != nil {
		return nil, err
	}
	ids, err := newIdentityRules(opts.Identities, opts.Exclude)
	if err != nil {
		return nil, err
	}
	return newBuilder(opts, model, bots, ids), nil
}

// Analyze infers the journeys in events. It does no I/O.
func Analyze(events []schema.Event, opts Options) (*Result, error) {
	b, err := start(opts)
	if err != nil {
		return nil, err
	}
	for i := range events {
		b.add(&events[i])
	}
	res := &Result{}
	out := sink{
		contributor: func(c schema.Contributor) error { res.Contributors = append(res.Contributors, c); return nil },
		month:       func(m schema.ContributorMonth) error { res.Months = append(res.Months, m); return nil },
		transition:  func(t schema.Transition) error { res.Transitions = append(res.Transitions, t); return nil },
	}
	fin, err := b.finish(context.Background(), opts, out)
	if err != nil {
		return nil, err
	}
	res.Funnel, res.Identities, res.Bots, res.Manifest = fin.funnel, fin.identities, fin.bots, fin.manifest
	res.Cohorts = fin.cohorts
	res.Sensitivity = fin.sensitivity
	res.Metrics = fin.metrics
	return res, nil
}

// gcPercent is the garbage-collection target (GOGC) while Run works.
const gcPercent = 400

// eventColumns are the columns of events.parquet the analysis reads.
var eventColumns = []string{
	"community", "repo", "actor", "actor_type", "kind", "occurred_at",
	"target_number", "target_author", "author_name", "author_email",
}

// Run analyzes DIR/events.parquet and writes the analysis tables and
// DIR/analysis.json, each file atomically. The events are read batch by
// batch, never held all at once.
func Run(ctx context.Context, dir string, opts Options) (*Manifest, error) {
	// Reading Parquet allocates many short-lived Arrow buffers. A higher
	// garbage-collection target trades about 250 MB of peak memory (for 3
	// million events) for some 20% less CPU time; see BenchmarkRun.
	defer debug.SetGCPercent(debug.SetGCPercent(gcPercent))
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	b, err := start(opts)
	if err != nil {
		return nil, err
	}
	began := time.Now()
	err = table.ScanColumns(filepath.Join(dir, schema.Events.File()), eventColumns, func(batch []schema.Event) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		for i := range batch {
			b.add(&batch[i])
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read events: %w", err)
	}
	log.Info("events read", "events", b.eventsRead, "people", len(b.people), "seconds", time.Since(began).Seconds())

	// Every analysis table says which date and model it was made with.
	meta := table.WithMetadata(map[string]string{
		table.MetaAnalysisDate: opts.AsOf.UTC().Format(time.DateOnly),
		table.MetaModelHash:    b.model.Hash(),
		table.MetaModelVersion: ModelVersion,
	})
	months, err := newBuffered[schema.ContributorMonth](filepath.Join(dir, schema.ContributorMonths.File()), meta)
	if err != nil {
		return nil, fmt.Errorf("write contributor months: %w", err)
	}
	defer months.abort()
	transitions, err := newBuffered[schema.Transition](filepath.Join(dir, schema.Transitions.File()), meta)
	if err != nil {
		return nil, fmt.Errorf("write transitions: %w", err)
	}
	defer transitions.abort()
	var contributors []schema.Contributor
	out := sink{
		contributor: func(c schema.Contributor) error { contributors = append(contributors, c); return nil },
		month:       months.add,
		transition:  transitions.add,
	}
	fin, err := b.finish(ctx, opts, out)
	if err != nil {
		return nil, err
	}
	if err := months.close(); err != nil {
		return nil, fmt.Errorf("write contributor months: %w", err)
	}
	if err := transitions.close(); err != nil {
		return nil, fmt.Errorf("write transitions: %w", err)
	}
	writes := []struct {
		what  string
		write func() error
	}{
		{schema.Contributors.Name, func() error {
			return table.WriteFile(filepath.Join(dir, schema.Contributors.File()), contributors, meta)
		}},
		{schema.Funnel.Name, func() error { return table.WriteFile(filepath.Join(dir, schema.Funnel.File()), fin.funnel, meta) }},
		{schema.Identities.Name, func() error {
			return table.WriteFile(filepath.Join(dir, schema.Identities.File()), fin.identities, meta)
		}},
		{schema.Bots.Name, func() error { return table.WriteFile(filepath.Join(dir, schema.Bots.File()), fin.bots, meta) }},
		{schema.Cohorts.Name, func() error { return table.WriteFile(filepath.Join(dir, schema.Cohorts.File()), fin.cohorts, meta) }},
		{schema.Metrics.Name, func() error { return table.WriteFile(filepath.Join(dir, schema.Metrics.File()), fin.metrics, meta) }},
		{schema.Sensitivity.Name, func() error { return writeSensitivity(dir, opts, fin.sensitivity, meta) }},
	}
	for _, w := range writes {
		if err := w.write(); err != nil {
			return nil, fmt.Errorf("write %s: %w", w.what, err)
		}
	}
	m := fin.manifest
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode manifest: %w", err)
	}
	if err := table.WriteFileAtomic(filepath.Join(dir, ManifestFile), append(data, '\n')); err != nil {
		return nil, fmt.Errorf("write manifest: %w", err)
	}
	log.Info("analysis written", "contributors", len(contributors), "bots", m.Bots,
		"unresolved_commits", m.UnresolvedCommits, "seconds", time.Since(began).Seconds())
	if m.UnresolvedCommits > 0 {
		log.Warn("commits not tied to any login", "commits", m.UnresolvedCommits, "identities", m.UnresolvedIdentities)
	}
	return &m, nil
}

// buffered streams rows to a table in batches.
type buffered[T any] struct {
	w   *table.Writer[T]
	buf []T
}

func newBuffered[T any](path string, opts ...table.Option) (*buffered[T], error) {
	w, err := table.Create[T](path, opts...)
	if err != nil {
		return nil, err
	}
	return &buffered[T]{w: w, buf: make([]T, 0, table.BatchSize)}, nil
}

func (b *buffered[T]) add(row T) error {
	b.buf = append(b.buf, row)
	if len(b.buf) == cap(b.buf) {
		err := b.w.Write(b.buf...)
		b.buf = b.buf[:0]
		return err
	}
	return nil
}

func (b *buffered[T]) close() error {
	if err := b.w.Write(b.buf...); err != nil {
		return err
	}
	err := b.w.Close()
	b.w = nil
	return err
}

func (b *buffered[T]) abort() {
	if b.w != nil {
		b.w.Abort()
	}
}

type finished struct {
	funnel     []schema.FunnelRow
	identities []schema.Identity
	bots       []schema.Bot
	manifest   Manifest
	cohorts    []schema.CohortRow
	// sensitivity is nil when no variant was asked for.
	sensitivity []schema.SensitivityRow
	metrics     []schema.MetricRow
}

// finish resolves identities, sets bots aside and sweeps every person, in
// (community, login) order.
func (b *builder) finish(ctx context.Context, opts Options, out sink) (*finished, error) {
	unresolved := b.resolvePending()

	reasons := make([]string, len(b.logins))
	for id := range b.logins {
		reasons[id] = b.bots.reason(b.logins[id].display, b.logins[id].typeBot)
	}

	// Community ranks, by name.
	order := make([]int32, len(b.communities))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(x, y int32) int { return cmp.Compare(b.communities[x], b.communities[y]) })
	rank := make([]int32, len(b.communities))
	for r, c := range order {
		rank[c] = int32(r)
	}

	// People with a journey, in row order.
	people := make([]int32, 0, len(b.people))
	firstDay := b.asOf
	for p := range b.people {
		pi := &b.people[p]
		if reasons[pi.login] != "" {
			continue
		}
		people = append(people, int32(p))
		firstDay = min(firstDay, dayOf(dateTime(pi.firstAt)))
	}
	slices.SortFunc(people, func(x, y int32) int {
		px, py := &b.people[x], &b.people[y]
		if c := cmp.Compare(rank[px.community], rank[py.community]); c != 0 {
			return c
		}
		lx, ly := &b.logins[px.login], &b.logins[py.login]
		return cmp.Or(cmp.Compare(lx.lower, ly.lower), cmp.Compare(lx.display, ly.display))
	})

	// The item metrics need only the bots, and their memory is freed
	// before the facts are regrouped.
	metrics := newMetricsSweep(b.model, b.asOf, firstDay, len(b.communities))
	metrics.items(&b.metrics, reasons)
	b.metrics = metricsAcc{}

	// Group the facts by person (a counting sort).
	start := make([]int32, len(b.people)+1)
	for p := range b.people {
		start[p+1] = start[p] + b.people[p].nFacts
	}
	facts := make([]uint64, start[len(b.people)])
	next := slices.Clone(start[:len(b.people)])
	for _, chunk := range b.facts {
		for _, pf := range chunk {
			facts[next[pf.person]] = pf.fact
			next[pf.person]++
		}
	}
	b.facts = nil
	next = nil

	sw := newSweeper(b.model, b.asOf, firstDay, b.nItems)
	sw.describe, sw.before = b.describe, b.before
	funnels := make([]funnelAcc, len(b.communities))
	cohorts := newCohortAcc(b.asOf)
	for n, p := range people {
		if n%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		pi := &b.people[p]
		pf := facts[start[p]:start[p+1]]
		slices.Sort(pf)
		j, err := sw.sweep(pi, b.communities[pi.community], b.logins[pi.login].display, pf, &out)
		if err != nil {
			return nil, err
		}
		funnels[pi.community].add(j)
		cohorts.add(pi, pf)
		metrics.person(pi, pf)
		metrics.ladder(pi, j)
	}

	fin := &finished{cohorts: cohorts.rows(rank, b.communities)}
	if len(opts.Sensitivity) > 0 {
		set := sweepSet{people: people, facts: facts, start: start, firstDay: firstDay}
		rows, err := b.sensitivity(ctx, opts, set, order)
		if err != nil {
			return nil, err
		}
		fin.sensitivity = rows
	}
	for _, c := range order {
		fin.funnel = append(fin.funnel, funnels[c].rows(b.communities[c])...)
	}
	fin.metrics = metrics.rows(order, b.communities)

	var unresolvedIDs int64
	for k, n := range b.identities {
		row := schema.Identity{Community: b.communities[k.community], Name: k.name, Email: k.email, Method: k.method, Commits: n}
		if c := confidence(k.method); c > 0 {
			row.Confidence = &confidenceNames[c]
		}
		if k.login >= 0 {
			row.Login = &b.logins[k.login].display
		} else {
			unresolvedIDs++
		}
		fin.identities = append(fin.identities, row)
	}
	slices.SortFunc(fin.identities, func(x, y schema.Identity) int {
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
			if c := compareLogins(*x.Login, *y.Login); c != 0 {
				return c
			}
		}
		return cmp.Or(cmp.Compare(x.Email, y.Email), cmp.Compare(x.Name, y.Name), cmp.Compare(x.Method, y.Method))
	})

	for id, r := range reasons {
		if r != "" && b.logins[id].events > 0 {
			fin.bots = append(fin.bots, schema.Bot{Login: b.logins[id].display, Reason: r, Events: b.logins[id].events})
		}
	}
	slices.SortFunc(fin.bots, func(x, y schema.Bot) int { return compareLogins(x.Login, y.Login) })

	communities := make([]string, len(order))
	for i, c := range order {
		communities[i] = b.communities[c]
	}
	fin.manifest = Manifest{
		ToolVersion:          opts.ToolVersion,
		AsOf:                 dateOf(b.asOf),
		Model:                b.model,
		ModelHash:            b.model.Hash(),
		ModelVersion:         ModelVersion,
		Communities:          communities,
		EventsRead:           b.eventsRead,
		Contributors:         int64(len(people)),
		Bots:                 int64(len(fin.bots)),
		UnresolvedCommits:    unresolved,
		UnresolvedIdentities: unresolvedIDs,
		IgnoredEvents:        b.ignored,
	}
	return fin, nil
}

// compareLogins orders logins as GitHub compares them, case-insensitively,
// then by spelling.
func compareLogins(x, y string) int {
	return cmp.Or(cmp.Compare(strings.ToLower(x), strings.ToLower(y)), cmp.Compare(x, y))
}
