package report

import (
	"cmp"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/journeys-dev/journeys/analyze"
	"github.com/journeys-dev/journeys/schema"
)

// Caps on the length of lists, so that the reports stay small for the
// largest communities.
const (
	markdownMonths  = 24  // months listed in the Markdown newcomer table
	topTransitions  = 10  // transitions listed
	cohortMonths    = 120 // months of newcomer cohorts drawn in the retention heatmap
	retentionMonths = 12  // months since first contact followed per cohort
	responseQuarter = 16  // quarters of time to first response
	maxRepoRows     = 100
	maxLeaders      = 20
)

// An Input holds everything a report is built from: the analysis tables,
// the events and the two manifests. Build reads it and never changes it.
type Input struct {
	Contributors []schema.Contributor
	Months       []schema.ContributorMonth
	Transitions  []schema.Transition
	Funnel       []schema.FunnelRow
	Events       []schema.Event
	// Bots are the accounts the analysis set aside; their comments and
	// reviews are not responses. May be empty.
	Bots       []schema.Bot
	Collection schema.Manifest
	Analysis   analyze.Manifest
	// Sensitivity is sensitivity.parquet; empty when the analysis ran
	// without --sensitivity.
	Sensitivity []schema.SensitivityRow

	ConfigPath    string
	ToolVersion   string
	Pseudonymized bool
	// GeneratedAt is when the report is written.
	GeneratedAt time.Time
	// Notes say what the data source does not hold.
	Notes []string
}

// A Report holds every figure of the reports, computed by Build. The
// Markdown and HTML writers only lay it out.
type Report struct {
	AsOf          time.Time
	GeneratedAt   time.Time
	ConfigPath    string
	ToolVersion   string
	Pseudonymized bool
	Model         analyze.Model
	// WindowStart is the start of "the last 12 months": Model.WindowDays
	// before AsOf.
	WindowStart time.Time
	Communities []Community
	Collection  Collection
	// Failures are the repositories that could not be collected, shown
	// first in both reports.
	Failures []Failure
	// Incomplete lists, in words, what is missing from the data.
	Incomplete []string
	// Limits lists what the source does not hold at all.
	Limits []string
	// Compare sets the communities side by side; nil for fewer than two.
	Compare *Comparison
}

// A Community holds the figures of one community.
type Community struct {
	Name     string
	People   int64
	Headline string
	Funnel   []FunnelStage
	// Flows are the people by stage at WindowStart and stage at AsOf.
	Flows []Flow
	// Transitions are the most frequent stage changes within the window,
	// largest first (at most 10).
	Transitions []TransitionCount
	// Months are the contributors per month, oldest first (at most 60).
	Months []MonthFigures
	// States are the people by activity state at every month end, oldest
	// first, up to the analysis date.
	States []StateMonth
	// Cohorts are the newcomer cohorts, oldest first: the months of the
	// last cohortMonths with a newcomer.
	Cohorts []Cohort
	// Responses are the times to first response per quarter, oldest first.
	Responses []QuarterResponse
	// NewLeaders are the logins that reached leadership within the window
	// (none when the run is pseudonymized); LeaderCount counts them all.
	NewLeaders  []string
	LeaderCount int64
	// ResponseEvents counts the comments and reviews by people (bots
	// excepted): none means time to first response cannot be measured.
	ResponseEvents int64
	// Sensitivity is the community's sensitivity analysis; nil without one.
	Sensitivity *Sensitivity
}

// A FunnelStage is one step of a community's funnel (schema.FunnelRow).
type FunnelStage struct {
	Stage string
	// Reached counts the people who met this step (ever_met).
	Reached int64
	Current int64
	// Conversion is Reached over the previous step's Reached; HasConversion
	// is false for the first step or when the previous step is empty.
	Conversion    float64
	HasConversion bool
	// FromContact is Reached over first contact's Reached, for the steps
	// above it.
	FromContact *float64
	MedianDays  *float64
	MedianDaysN int64
}

// A Flow is the number of people who were at From when the window started
// (NotYet when they had not appeared) and are at To at the analysis date.
type Flow struct {
	From, To string
	People   int64
}

// NotYet is the From of a Flow for people who first appeared within the window.
const NotYet = "not yet seen"

// A TransitionCount counts the changes from one stage to another; From is
// NotYet for a first appearance.
type TransitionCount struct {
	From, To string
	People   int64
}

// MonthFigures are one month's figures.
type MonthFigures struct {
	Month time.Time
	// ByStage counts the people at each stage at the month's end (indexed
	// like analyze.Stages), churned people excepted.
	ByStage [6]int64
	Total   int64
	// Newcomers counts the people whose first contact (issue, pull request,
	// comment, review or commit) was in this month; FirstItems those who
	// opened their first issue or pull request in it.
	Newcomers  int64
	FirstItems int64
	// MedianResponseHours is the median time to first response on those
	// first items; nil when none was answered.
	MedianResponseHours *float64
}

// A Cohort is the newcomers of one month and how many of them were active
// again 1, 2, ... months later. Retained has one entry per month since that
// is over (at most 12).
type Cohort struct {
	Month    time.Time
	Size     int64
	Retained []int64
}

// A QuarterResponse is the time to first response on the first issues and
// pull requests newcomers opened in one quarter.
type QuarterResponse struct {
	Start time.Time
	Label string
	// Items counts first items; Answered those with a response.
	Items, Answered int64
	MedianHours     float64
	P90Hours        float64
}

// Collection is what was collected.
type Collection struct {
	StartedAt, FinishedAt time.Time
	Repos                 []schema.RepoStatus
	// MoreRepos counts the repositories left out of Repos.
	MoreRepos   int
	ReposTotal  int
	ReposFailed []schema.RepoStatus
	Tables      []TableCount
	Requests    int64
	EventsRead  int64
	Bots        int64
}

// A TableCount is the number of rows of one table.
type TableCount struct {
	Table string
	Rows  int64
}

// Build computes every figure of the report from in.
func Build(in Input) (*Report, error) {
	idx := newEventIndex(in.Bots)
	idx.add(in.Events)
	return build(in, idx)
}

func build(in Input, idx *eventIndex) (*Report, error) {
	asOf := in.Analysis.AsOf.UTC()
	if asOf.IsZero() {
		return nil, fmt.Errorf("build report: analysis.json has no as_of date")
	}
	model := in.Analysis.Model
	if model.WindowDays <= 0 {
		model.WindowDays = analyze.DefaultModel().WindowDays
	}
	r := &Report{
		AsOf:          asOf,
		GeneratedAt:   in.GeneratedAt.UTC(),
		ConfigPath:    clean(in.ConfigPath),
		ToolVersion:   clean(in.ToolVersion),
		Pseudonymized: in.Pseudonymized || in.Analysis.Pseudonymized,
		Model:         model,
		WindowStart:   asOf.AddDate(0, 0, -model.WindowDays),
	}
	if r.ToolVersion == "" {
		r.ToolVersion = clean(in.Analysis.ToolVersion)
	}

	names := communityNames(in)
	byName := make(map[string]*Community, len(names))
	r.Communities = make([]Community, len(names))
	for i, n := range names {
		r.Communities[i].Name = clean(n)
		byName[n] = &r.Communities[i]
	}

	for _, c := range in.Contributors {
		byName[c.Community].People++
	}
	buildFunnel(in, byName)
	buildFlows(in, r, byName)
	buildMonths(in, r, byName)
	buildSensitivity(in, r, byName)
	buildStates(in, r, byName)
	idx.finish(r, byName)
	r.Compare = buildComparison(in, r, idx, names)

	for i := range r.Communities {
		c := &r.Communities[i]
		c.Headline = headline(c)
	}
	r.Collection = collection(in)
	r.Failures = failures(r)
	r.Incomplete = incomplete(in, r)
	r.Limits = limits()
	return r, nil
}

// communityNames lists the communities in the order of analysis.json, then
// any other community the tables name, sorted.
func communityNames(in Input) []string {
	seen := map[string]bool{}
	var out []string
	for _, n := range in.Analysis.Communities {
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	var extra []string
	add := func(n string) {
		if !seen[n] {
			seen[n] = true
			extra = append(extra, n)
		}
	}
	for _, c := range in.Contributors {
		add(c.Community)
	}
	for _, f := range in.Funnel {
		add(f.Community)
	}
	for _, m := range in.Months {
		add(m.Community)
	}
	for _, t := range in.Transitions {
		add(t.Community)
	}
	sort.Strings(extra)
	return append(out, extra...)
}

func stageIndex(s string) int {
	for i, st := range analyze.Stages {
		if st == s {
			return i
		}
	}
	return -1
}

func buildFunnel(in Input, byName map[string]*Community) {
	rows := map[string][]schema.FunnelRow{}
	for _, f := range in.Funnel {
		rows[f.Community] = append(rows[f.Community], f)
	}
	for name, c := range byName {
		fr := rows[name]
		if len(fr) == 0 {
			// No funnel rows: only who is at each stage now is known.
			current := make([]int64, len(analyze.Stages))
			for _, p := range in.Contributors {
				if p.Community != name {
					continue
				}
				if i := stageIndex(p.Stage); i >= 0 {
					current[i]++
				}
			}
			for i, s := range analyze.Stages {
				fr = append(fr, schema.FunnelRow{Community: name, Stage: s, Order: int64(i), CurrentCount: current[i]})
			}
		}
		slices.SortStableFunc(fr, func(a, b schema.FunnelRow) int { return cmp.Compare(a.Order, b.Order) })
		for i, f := range fr {
			st := FunnelStage{Stage: f.Stage, Reached: f.EverMet, Current: f.CurrentCount,
				FromContact: f.ConversionFromFirstContact, MedianDays: f.MedianDaysFromFirstContact, MedianDaysN: f.MedianDaysN}
			if i > 0 && fr[i-1].EverMet > 0 {
				st.Conversion = float64(f.EverMet) / float64(fr[i-1].EverMet)
				st.HasConversion = true
			}
			c.Funnel = append(c.Funnel, st)
		}
	}
}

// Now counts the people at stage on the analysis date (0 when the funnel
// lacks it).
func (c *Community) Now(stage string) int64 {
	for _, f := range c.Funnel {
		if f.Stage == stage {
			return f.Current
		}
	}
	return 0
}

// Reached counts the people who reached the funnel's step stage (0 when the funnel lacks it).
func (c *Community) Reached(stage string) int64 {
	for _, f := range c.Funnel {
		if f.Stage == stage {
			return f.Reached
		}
	}
	return 0
}

// MoreLeaders counts the new leaders not named in NewLeaders.
func (c *Community) MoreLeaders() int64 { return c.LeaderCount - int64(len(c.NewLeaders)) }

func headline(c *Community) string {
	return fmt.Sprintf("%s: %d people, %d active now; %d reached participation, %d now at leadership",
		c.Name, c.People, c.StatesNow().Active(), c.Reached(analyze.StageParticipation), c.Now(analyze.StageLeadership))
}

type personKey struct{ community, login string }

// buildFlows computes the window's flows (stage at the window's start to
// stage now), the most frequent transitions within the window, and who
// reached leadership within it.
func buildFlows(in Input, r *Report, byName map[string]*Community) {
	type last struct {
		at    time.Time
		stage string
	}
	atStart := map[personKey]last{}
	type tkey struct{ community, from, to string }
	counts := map[tkey]int64{}
	leaders := map[string]map[string]bool{}
	for _, t := range in.Transitions {
		if !t.At.After(r.WindowStart) {
			k := personKey{t.Community, t.Login}
			if l, ok := atStart[k]; !ok || !t.At.Before(l.at) {
				atStart[k] = last{t.At, t.ToStage}
			}
			continue
		}
		if t.At.After(r.AsOf) {
			continue
		}
		from := NotYet
		if t.FromStage != nil {
			from = *t.FromStage
		}
		counts[tkey{t.Community, from, t.ToStage}]++
		if t.ToStage == analyze.StageLeadership {
			if leaders[t.Community] == nil {
				leaders[t.Community] = map[string]bool{}
			}
			leaders[t.Community][t.Login] = true
		}
	}
	type fkey struct{ community, from, to string }
	flows := map[fkey]int64{}
	for _, p := range in.Contributors {
		from := NotYet
		if l, ok := atStart[personKey{p.Community, p.Login}]; ok {
			from = l.stage
		}
		flows[fkey{p.Community, from, p.Stage}]++
	}
	rank := func(s string) int {
		if s == NotYet {
			return -1
		}
		if i := stageIndex(s); i >= 0 {
			return i
		}
		return len(analyze.Stages)
	}
	for k, n := range flows {
		c := byName[k.community]
		c.Flows = append(c.Flows, Flow{From: k.from, To: k.to, People: n})
	}
	for k, n := range counts {
		c := byName[k.community]
		c.Transitions = append(c.Transitions, TransitionCount{From: k.from, To: k.to, People: n})
	}
	for name, c := range byName {
		slices.SortFunc(c.Flows, func(a, b Flow) int {
			return cmp.Or(cmp.Compare(rank(a.From), rank(b.From)), strings.Compare(a.From, b.From),
				cmp.Compare(rank(a.To), rank(b.To)), strings.Compare(a.To, b.To))
		})
		slices.SortFunc(c.Transitions, func(a, b TransitionCount) int {
			return cmp.Or(cmp.Compare(b.People, a.People), cmp.Compare(rank(a.From), rank(b.From)),
				strings.Compare(a.From, b.From), cmp.Compare(rank(a.To), rank(b.To)), strings.Compare(a.To, b.To))
		})
		if len(c.Transitions) > topTransitions {
			c.Transitions = c.Transitions[:topTransitions]
		}
		l := leaders[name]
		c.LeaderCount = int64(len(l))
		if !r.Pseudonymized {
			for login := range l {
				c.NewLeaders = append(c.NewLeaders, clean(login))
			}
			sort.Strings(c.NewLeaders)
			if len(c.NewLeaders) > maxLeaders {
				c.NewLeaders = c.NewLeaders[:maxLeaders]
			}
		}
	}
}

// monthIndex numbers calendar months: year*12 + month-1.
func monthIndex(t time.Time) int32 {
	t = t.UTC()
	return int32(t.Year()*12 + int(t.Month()) - 1)
}

func monthStart(i int32) time.Time {
	return time.Date(int(i/12), time.Month(i%12+1), 1, 0, 0, 0, 0, time.UTC)
}

// buildMonths counts the people per month and stage from the monthly
// snapshots, for every month of each community's history up to the
// analysis date.
func buildMonths(in Input, r *Report, byName map[string]*Community) {
	last := monthIndex(r.AsOf)
	type ck struct {
		community string
		month     int32
	}
	counts := map[ck]*[6]int64{}
	minMonth := map[string]int32{}
	for _, m := range in.Months {
		if m.State != nil && *m.State == analyze.StateChurned {
			continue
		}
		mi := monthIndex(m.Month)
		if mi > last {
			continue
		}
		si := stageIndex(m.Stage)
		if si < 0 {
			continue
		}
		k := ck{m.Community, mi}
		a := counts[k]
		if a == nil {
			a = new([6]int64)
			counts[k] = a
		}
		a[si]++
		if v, ok := minMonth[m.Community]; !ok || mi < v {
			minMonth[m.Community] = mi
		}
	}
	for name, c := range byName {
		start, ok := minMonth[name]
		if !ok {
			continue
		}
		for mi := start; mi <= last; mi++ {
			f := MonthFigures{Month: monthStart(mi)}
			if a := counts[ck{name, mi}]; a != nil {
				f.ByStage = *a
				for _, v := range a {
					f.Total += v
				}
			}
			c.Months = append(c.Months, f)
		}
	}
}

func collection(in Input) Collection {
	m := in.Collection
	c := Collection{
		StartedAt:  m.StartedAt,
		FinishedAt: m.FinishedAt,
		ReposTotal: len(m.Repos),
		Requests:   m.Requests,
		EventsRead: in.Analysis.EventsRead,
		Bots:       in.Analysis.Bots,
	}
	for _, rs := range m.Repos {
		rs = schema.RepoStatus{Community: clean(rs.Community), Repo: clean(rs.Repo), Status: clean(rs.Status),
			Error: clean(rs.Error), Rows: rs.Rows, Requests: rs.Requests}
		c.Repos = append(c.Repos, rs)
		if rs.Status != "ok" {
			c.ReposFailed = append(c.ReposFailed, rs)
		}
	}
	if len(c.Repos) > maxRepoRows {
		c.MoreRepos = len(c.Repos) - maxRepoRows
		c.Repos = c.Repos[:maxRepoRows]
	}
	for t, n := range m.Tables {
		c.Tables = append(c.Tables, TableCount{clean(t), n})
	}
	slices.SortFunc(c.Tables, func(a, b TableCount) int { return strings.Compare(a.Table, b.Table) })
	return c
}

// AsOfWarnings says when the analysis date makes little sense for the data:
// before any event (every event was left out as later), or after the day
// the collection ended (activity since then is unknown).
func AsOfWarnings(a analyze.Manifest, c schema.Manifest) []string {
	var out []string
	day := a.AsOf.UTC().Format(dateFormat)
	if n := a.IgnoredEvents["after_as_of"]; a.EventsRead > 0 && n == a.EventsRead {
		out = append(out, fmt.Sprintf("The analysis date %s is before every collected event: nobody has a journey yet. Choose a later --as-of.", day))
	}
	if !c.FinishedAt.IsZero() && a.AsOf.UTC().Truncate(24*time.Hour).After(c.FinishedAt.UTC()) {
		out = append(out, fmt.Sprintf("The analysis date %s is after the collection ended (%s): activity since then is not in the tables, so recent people look less active than they are. Collect again, or choose an --as-of on or before %s.",
			day, c.FinishedAt.UTC().Format(dateFormat), c.FinishedAt.UTC().Format(dateFormat)))
	}
	return out
}

func incomplete(in Input, r *Report) []string {
	var out []string
	if n := len(r.Collection.ReposFailed); n > 0 {
		out = append(out, fmt.Sprintf("%d of %d repositories could not be collected (listed below); their activity is in no journey.", n, r.Collection.ReposTotal))
	}
	for _, s := range in.Collection.Incomplete {
		out = append(out, clean(s))
	}
	for _, s := range in.Notes {
		out = append(out, clean(s))
	}
	if a := in.Analysis; a.UnresolvedCommits > 0 || a.UnresolvedIdentities > 0 {
		out = append(out, fmt.Sprintf("%d commits by %d commit authors could not be tied to a GitHub account; they are in no journey.", a.UnresolvedCommits, a.UnresolvedIdentities))
	}
	out = append(out, AsOfWarnings(in.Analysis, in.Collection)...)
	var guessed, guessedCommits int64
	for _, c := range in.Contributors {
		if c.IdentityConfidence != nil && *c.IdentityConfidence == analyze.ConfidenceGuess && stageIndex(c.Stage) >= stageIndex(analyze.StageParticipation) {
			guessed++
			guessedCommits += c.CommitsGuessed
		}
	}
	if guessed > 0 {
		out = append(out, fmt.Sprintf("The stage of %s rests in part on %s tied to them by author name alone (identity_confidence \"guess\" in contributors.parquet).",
			people(guessed), plural(guessedCommits, "commit", "commits")))
	}
	if len(in.Collection.Repos) == 0 {
		out = append(out, "collection.json lists no repositories: what was collected is unknown.")
	}
	for _, c := range r.Communities {
		if c.People == 0 {
			out = append(out, fmt.Sprintf("%s: no contributors in the analysis.", c.Name))
		}
	}
	return out
}

func limits() []string {
	return []string{
		"GitHub keeps no record of reading, watching or cloning, nor of a star that was later removed: discovery only counts stars and forks still standing.",
		"Activity outside GitHub (chat, mailing lists, meetings, events) is not collected.",
		"Commits are those on each repository's default branch; commits whose author email GitHub does not link to an account are tied to a login by email or name where possible.",
	}
}
