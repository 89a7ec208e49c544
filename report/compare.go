package report

import (
	"fmt"
	"html/template"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/journeys-dev/journeys/analyze"
)

// The comparison section sets two or more communities side by side. Every
// figure in it is a share, a median or on each community's own scale, so
// that communities of very different sizes compare.

// participationDays are the spans after first contact within which the
// comparison counts newcomers who reached participation.
var participationDays = [2]int{90, 365}

// compareColumns is the most communities one comparison table holds: with
// its first column, six columns.
const compareColumns = 5

// A Comparison holds the figures of the comparison section; Build leaves
// it nil for fewer than two communities.
type Comparison struct {
	AsOf        time.Time
	WindowStart time.Time
	// Communities are in the order of the configuration.
	Communities []CommunityFigures
	// Responses is false when the data holds no comment or review at all.
	Responses bool
	// Calendar and Age are the active people per period, by calendar
	// period and by months since each community's first activity.
	Calendar, Age ActiveSeries
}

// CommunityFigures are one community's figures in the comparison.
type CommunityFigures struct {
	Name string
	// Ladder is the funnel's steps above discovery, each a share of the
	// people who reached the step before.
	Ladder []LadderStep
	// Newcomers counts the people whose first contact was on or before the
	// analysis date.
	Newcomers int64
	// Within counts, of the newcomers whose first contact is at least 90
	// (365) days before the analysis date, those who reached participation
	// within 90 (365) days of it.
	Within [2]Share
	// MedianDaysToParticipation is the funnel's median days from first
	// contact to participation, over MedianDaysN people; nil without one.
	MedianDaysToParticipation *float64
	MedianDaysN               int64
	// Response is the time to first response on newcomers' first issues
	// and pull requests up to the analysis date; Window on those opened
	// after WindowStart.
	Response, Window ResponseFigures
	// Retention[k-1] counts, of the newcomers whose k-th month after the
	// month of first contact is over, those acting in that month.
	Retention [retentionMonths]Share
	// FirstActive is the community's first month with anybody who acted
	// (zero when none).
	FirstActive time.Time
}

// A LadderStep is one step of the funnel's ladder: Share.Count people
// reached it of the Share.Of who reached the step before.
type LadderStep struct {
	Stage string
	Share Share
}

// A Share is Count of Of; it has no value when Of is zero.
type Share struct{ Count, Of int64 }

// Value is Count over Of (0 when Of is zero).
func (s Share) Value() float64 {
	if s.Of == 0 {
		return 0
	}
	return float64(s.Count) / float64(s.Of)
}

// ResponseFigures are the time to first response on a set of first items.
type ResponseFigures struct {
	// Items counts newcomers' first issues and pull requests; Answered those
	// answered by the analysis date.
	Items, Answered int64
	// MedianHours is the median over the answered items; nil without any.
	MedianHours *float64
}

// An ActiveSeries is the active people of every community per period, on
// one axis: calendar periods, or periods of community age.
type ActiveSeries struct {
	// Unit is the months per period: 1, 3 or 12, so that long histories
	// are shown whole, in coarser periods.
	Unit    int
	ByAge   bool
	Periods []string
	// Points[i][p] is community i's figure in period p.
	Points [][]ActivePoint
}

// An ActivePoint is one community's active people in one period.
type ActivePoint struct {
	// Months counts the community's month ends in the period; 0 when the
	// period is before its first activity (no figure).
	Months int
	// Mean is the mean of the people new or active at those month ends;
	// OfPeak is Mean over the community's largest Mean on this axis.
	Mean, OfPeak float64
}

// periodUnit chooses the months per period for a history of span months.
func periodUnit(span int) int {
	switch {
	case span <= 36:
		return 1
	case span <= 144:
		return 3
	}
	return 12
}

// dayNumber numbers calendar days (UTC).
func dayNumber(t time.Time) int64 {
	u := t.UTC()
	return time.Date(u.Year(), u.Month(), u.Day(), 0, 0, 0, 0, time.UTC).Unix() / 86400
}

// buildComparison computes the comparison of r's communities, named in
// the tables as names (in r.Communities' order); nil for fewer than two.
func buildComparison(in Input, r *Report, idx *eventIndex, names []string) *Comparison {
	if len(r.Communities) < 2 {
		return nil
	}
	cmp := &Comparison{AsOf: r.AsOf, WindowStart: r.WindowStart}
	asOfDay := dayNumber(r.AsOf)
	// The last month that is over: the analysis date's own month only when
	// the date is its last day.
	lastOver := monthIndex(r.AsOf.AddDate(0, 0, 1)) - 1
	for i := range r.Communities {
		c := &r.Communities[i]
		f := CommunityFigures{Name: c.Name}
		for j, st := range c.Funnel {
			if j == 0 {
				continue
			}
			f.Ladder = append(f.Ladder, LadderStep{Stage: st.Stage, Share: Share{Count: st.Reached, Of: c.Funnel[j-1].Reached}})
			if st.Stage == analyze.StageParticipation {
				f.MedianDaysToParticipation, f.MedianDaysN = st.MedianDays, st.MedianDaysN
			}
		}
		for _, s := range c.States {
			if s.ByState != [4]int64{} {
				f.FirstActive = s.Month
				break
			}
		}
		if comm := idx.comms[names[i]]; comm != nil {
			if len(comm.items) > 0 {
				cmp.Responses = true
			}
			newcomerFigures(&f, comm, r, in.Analysis.Model.IgnoreCoauthors, asOfDay, lastOver)
		}
		cmp.Communities = append(cmp.Communities, f)
	}
	cmp.Calendar = activeSeries(r, cmp.Communities, false)
	cmp.Age = activeSeries(r, cmp.Communities, true)
	return cmp
}

// newcomerFigures fills in f's newcomer, participation, retention and
// response figures from the community's events.
func newcomerFigures(f *CommunityFigures, comm *communityEvents, r *Report, ignoreCoauthors bool, asOfDay int64, lastOver int32) {
	var all, window []float64
	for id := range comm.people {
		p := &comm.people[id]
		if p.bot {
			continue
		}
		if !p.firstItemAt.IsZero() && dayNumber(p.firstItemAt) <= asOfDay {
			h, ok := responseHours(comm, p, int32(id), asOfDay)
			inWindow := p.firstItemAt.After(r.WindowStart)
			f.Response.Items++
			if inWindow {
				f.Window.Items++
			}
			if ok {
				all = append(all, h)
				if inWindow {
					window = append(window, h)
				}
			}
		}
		if p.firstContact.IsZero() || dayNumber(p.firstContact) > asOfDay {
			continue
		}
		f.Newcomers++
		first := dayNumber(p.firstContact)
		part := p.participatedAt
		if !ignoreCoauthors && !p.coauthoredAt.IsZero() && (part.IsZero() || p.coauthoredAt.Before(part)) {
			part = p.coauthoredAt
		}
		reached := !part.IsZero() && dayNumber(part) <= asOfDay
		days := max(0, dayNumber(part)-first) // a listing may come before any action
		for j, span := range participationDays {
			if asOfDay-first < int64(span) {
				continue // right-censored: too recent to judge
			}
			f.Within[j].Of++
			if reached && days <= int64(span) {
				f.Within[j].Count++
			}
		}
		slices.Sort(p.active)
		p.active = slices.Compact(p.active)
		fm := monthIndex(p.firstContact)
		for k := int32(1); k <= retentionMonths && fm+k <= lastOver; k++ {
			f.Retention[k-1].Of++
			if _, ok := slices.BinarySearch(p.active, fm+k); ok {
				f.Retention[k-1].Count++
			}
		}
	}
	f.Response.Answered, f.Window.Answered = int64(len(all)), int64(len(window))
	if len(all) > 0 {
		v := quantile(all, 0.5)
		f.Response.MedianHours = &v
	}
	if len(window) > 0 {
		v := quantile(window, 0.5)
		f.Window.MedianHours = &v
	}
}

// responseHours is the time from p's first item to the first response by
// someone else, when that came by the analysis date.
func responseHours(comm *communityEvents, p *personEvents, id int32, asOfDay int64) (float64, bool) {
	fr, ok := comm.items[p.firstItem]
	if !ok {
		return 0, false
	}
	at, ok := fr.after(id)
	if !ok || at < p.firstItemAt.UnixNano() || dayNumber(time.Unix(0, at)) > asOfDay {
		return 0, false
	}
	return time.Duration(at - p.firstItemAt.UnixNano()).Hours(), true
}

// activeSeries bins every community's people new or active at each month
// end, from its first activity to the analysis date, by calendar period
// or by community age, and scales each to its own largest period.
func activeSeries(r *Report, figs []CommunityFigures, byAge bool) ActiveSeries {
	last := monthIndex(r.AsOf)
	s := ActiveSeries{ByAge: byAge, Points: make([][]ActivePoint, len(figs))}
	span := int32(0)
	first := last + 1
	for _, f := range figs {
		if f.FirstActive.IsZero() {
			continue
		}
		m := monthIndex(f.FirstActive)
		first = min(first, m)
		span = max(span, last-m+1)
	}
	if span == 0 {
		s.Unit = 1
		return s
	}
	if !byAge {
		span = last - first + 1
	}
	s.Unit = periodUnit(int(span))
	unit := int32(s.Unit)
	// The axis: calendar periods aligned on quarters and years, or ages
	// from 0.
	base := first / unit * unit
	periods := int((last/unit*unit-base)/unit) + 1
	if byAge {
		base, periods = 0, int((span-1)/unit)+1
	}
	for p := range periods {
		start := base + int32(p)*unit
		s.Periods = append(s.Periods, periodLabel(start, s.Unit, byAge))
	}
	for i, f := range figs {
		pts := make([]ActivePoint, periods)
		s.Points[i] = pts
		if f.FirstActive.IsZero() {
			continue
		}
		fm := monthIndex(f.FirstActive)
		c := &r.Communities[i]
		for _, st := range c.States {
			m := monthIndex(st.Month)
			if m < fm || m > last {
				continue
			}
			x := m - base
			if byAge {
				x = m - fm
			}
			pt := &pts[x/unit]
			pt.Months++
			pt.Mean += float64(st.Active())
		}
		peak := 0.0
		for p := range pts {
			if pts[p].Months > 0 {
				pts[p].Mean /= float64(pts[p].Months)
				peak = max(peak, pts[p].Mean)
			}
		}
		if peak > 0 {
			for p := range pts {
				pts[p].OfPeak = pts[p].Mean / peak
			}
		}
	}
	return s
}

// periodLabel names the period of unit months that starts at month index
// start (calendar) or at age start (months since first activity).
func periodLabel(start int32, unit int, byAge bool) string {
	if byAge {
		if unit == 1 {
			return strconv.Itoa(int(start))
		}
		return strconv.Itoa(int(start)) + "–" + strconv.Itoa(int(start)+unit-1)
	}
	t := monthStart(start)
	switch unit {
	case 1:
		return t.Format("2006-01")
	case 3:
		return quarterLabel(t)
	}
	return t.Format("2006")
}

func (s ActiveSeries) unitName() string {
	switch s.Unit {
	case 1:
		return "month"
	case 3:
		return "quarter"
	}
	return "year"
}

// A compareTable is one table of the comparison section.
type compareTable struct {
	Head []string
	Rows [][]string
}

// A compareFigure is one figure of the comparison section: its tables, and
// in HTML its chart. Empty says why there is no figure, when there is none.
type compareFigure struct {
	Kind, Title, Reading string
	Empty                string
	Tables               []compareTable
	// Folded tables are shown on request in HTML (long ones); Markdown
	// folds them in a details element.
	Folded bool
}

// fmtShare writes a share and what it is of: "25.0% (3 of 12)", or "–".
func fmtShare(s Share) string {
	if s.Of == 0 {
		return "–"
	}
	return fmtPct(s.Value()) + " (" + fmtInt(s.Count) + " of " + fmtInt(s.Of) + ")"
}

func fmtResponse(r ResponseFigures) string {
	if r.MedianHours == nil {
		return "–"
	}
	return fmtHours(*r.MedianHours)
}

// byCommunity lays out rows with one column per community, split into
// tables of at most compareColumns communities.
func byCommunity(first string, names []string, rows [][]string) []compareTable {
	var out []compareTable
	for lo := 0; lo < len(names); lo += compareColumns {
		hi := min(lo+compareColumns, len(names))
		t := compareTable{Head: append([]string{first}, names[lo:hi]...)}
		for _, row := range rows {
			t.Rows = append(t.Rows, append([]string{row[0]}, row[1+lo:1+hi]...))
		}
		out = append(out, t)
	}
	return out
}

func (cmp *Comparison) names() []string {
	out := make([]string, len(cmp.Communities))
	for i, f := range cmp.Communities {
		out[i] = f.Name
	}
	return out
}

// ladderSteps are the funnel's steps above discovery.
func ladderSteps() []string { return analyze.Stages[1:] }

func (f *CommunityFigures) step(stage string) Share {
	for _, s := range f.Ladder {
		if s.Stage == stage {
			return s.Share
		}
	}
	return Share{}
}

// compareIntro opens the comparison section.
const compareIntro = "Every figure here is a share, a median or on each community's own scale, so that communities of very different sizes compare; communities are in the order of the configuration. " +
	"Newcomers are the people whose first issue, pull request, comment, review or commit came on or before the analysis date; people seen only through stars, forks or a listing are no newcomers, and are not counted among the active people."

// compareFigures are the comparison section's figures, in order; the last
// two are the active people by calendar and by community age.
func compareFigures(cmp *Comparison) []compareFigure {
	names := cmp.names()
	cs := cmp.Communities
	var figs []compareFigure

	// The ladder.
	ladder := compareFigure{Kind: "compare-ladder", Title: "Ladder conversion",
		Reading: "For each step of the funnel's ladder, the share of the people who reached the step before who went on to reach it (funnel.parquet's conversion_from_previous), with the people behind it. First contact's share is of discovery, where stargazers weigh most."}
	head := []string{"Community"}
	for _, st := range ladderSteps() {
		head = append(head, stageLabel(st))
	}
	t := compareTable{Head: head}
	some := false
	for i := range cs {
		row := []string{cs[i].Name}
		for _, st := range ladderSteps() {
			s := cs[i].step(st)
			some = some || s.Of > 0
			row = append(row, fmtShare(s))
		}
		t.Rows = append(t.Rows, row)
	}
	ladder.Tables = []compareTable{t}
	if !some {
		ladder.Empty = "No community's funnel has anybody on its ladder, so there is no conversion to compare."
	}
	figs = append(figs, ladder)

	// Participation within 90 and 365 days.
	d90 := cmp.AsOf.AddDate(0, 0, -participationDays[0]).Format(dateFormat)
	d365 := cmp.AsOf.AddDate(0, 0, -participationDays[1]).Format(dateFormat)
	part := compareFigure{Kind: "compare-participation", Title: "Newcomers reaching participation",
		Reading: fmt.Sprintf("The share of newcomers who reached participation (an own commit, an own pull request merged, a co-authored commit or a listing, by the events) within 90 and within 365 days of their first contact. "+
			"Right-censoring: only newcomers whose first contact is at least 90 days before the analysis date (on or before %s) count in the 90-day column, and only those at least 365 days before it (on or before %s) in the 365-day column; later newcomers have not had the time yet. "+
			"The median days are the funnel's, over everyone who reached participation on its ladder.", d90, d365)}
	t = compareTable{Head: []string{"Community", "Newcomers", "Participation within 90 days", "Participation within 365 days", "Median days from first contact to participation (people)"}}
	some = false
	for _, f := range cs {
		med := "–"
		if f.MedianDaysToParticipation != nil {
			med = fmtDays(f.MedianDaysToParticipation) + " (" + fmtInt(f.MedianDaysN) + ")"
			some = true
		}
		some = some || f.Newcomers > 0
		t.Rows = append(t.Rows, []string{f.Name, fmtInt(f.Newcomers), fmtShare(f.Within[0]), fmtShare(f.Within[1]), med})
	}
	part.Tables = []compareTable{t}
	switch {
	case !some:
		part.Empty = "No community has a newcomer: nobody opened an issue or pull request, commented, reviewed or committed."
	case !cmp.hasWithin():
		part.Empty = fmt.Sprintf("No newcomer's first contact is on or before %s, 90 days before the analysis date, so it is too early to tell who reached participation within 90 or 365 days.", d90)
	}
	figs = append(figs, part)

	// Time to first response.
	resp := compareFigure{Kind: "compare-response", Title: "Time to first response",
		Reading: fmt.Sprintf("The median time from a newcomer's first issue or pull request to the first comment or review by someone else who is not a bot, over the items answered by the analysis date (their number in Answered), and over those opened since %s; unanswered items count only in First issues or PRs.", cmp.WindowStart.Format(dateFormat))}
	t = compareTable{Head: []string{"Community", "First issues or PRs", "Answered", "Median time to first response", "Median since " + cmp.WindowStart.Format(dateFormat) + " (answered)"}}
	var items, answered int64
	for _, f := range cs {
		win := fmtResponse(f.Window)
		if f.Window.MedianHours != nil {
			win += " (" + fmtInt(f.Window.Answered) + ")"
		}
		items += f.Response.Items
		answered += f.Response.Answered
		t.Rows = append(t.Rows, []string{f.Name, fmtInt(f.Response.Items), fmtInt(f.Response.Answered), fmtResponse(f.Response), win})
	}
	resp.Tables = []compareTable{t}
	switch {
	case !cmp.Responses:
		resp.Empty = "The data holds no comments or reviews, so time to first response cannot be measured."
	case items == 0:
		resp.Empty = "No newcomer opened an issue or pull request, so time to first response cannot be measured."
	case answered == 0:
		resp.Empty = "No newcomer's first issue or pull request was answered by the analysis date."
	}
	figs = append(figs, resp)

	// Retention.
	ret := compareFigure{Kind: "compare-retention", Title: "Newcomer retention", Folded: true,
		Reading: "Of each community's newcomers, the share acting again (an issue, pull request, comment, review or commit) in the k-th calendar month after the month of their first contact, pooled over every month of first contact whose k-th month is over by the analysis date: each point has its own number of newcomers (after \"of\")."}
	var rows [][]string
	some = false
	for k := range retentionMonths {
		row := []string{strconv.Itoa(k + 1)}
		for _, f := range cs {
			some = some || f.Retention[k].Of > 0
			row = append(row, fmtShare(f.Retention[k]))
		}
		rows = append(rows, row)
	}
	ret.Tables = byCommunity("Months after first contact", names, rows)
	if !some {
		ret.Empty = "No newcomer has had a whole calendar month after the month of first contact by the analysis date, so retention cannot be measured yet."
	}
	figs = append(figs, ret)

	figs = append(figs, activeFigure(cmp, cmp.Calendar), activeFigure(cmp, cmp.Age))
	return figs
}

func (cmp *Comparison) hasWithin() bool {
	for _, f := range cmp.Communities {
		if f.Within[0].Of > 0 {
			return true
		}
	}
	return false
}

func activeFigure(cmp *Comparison, s ActiveSeries) compareFigure {
	f := compareFigure{Kind: "compare-active-calendar", Title: "Active people, by calendar " + s.unitName(), Folded: true}
	first := "Period"
	if s.ByAge {
		f.Kind, f.Title, first = "compare-active-age", "Active people, by community age", "Months since first activity"
	}
	f.Reading = "People new or active (see activity states) at each month end, as a share of the community's own busiest " + s.unitName() + ", so that small and large communities share the axis; the mean number of people is in brackets. People who never acted (stars, forks or a listing only) are left out. "
	if s.Unit > 1 {
		f.Reading += "So that every month of each history is shown, periods are " + s.unitName() + "s, each the mean of its month ends. "
	}
	if s.ByAge {
		f.Reading += "Aligned by community age: months since the community's first month with anybody acting (0 is that month); \"–\" is past a younger community's age."
	} else {
		f.Reading += "Aligned by calendar; \"–\" is before the community's first month with anybody acting."
	}
	var rows [][]string
	for p, label := range s.Periods {
		row := []string{label}
		for i := range cmp.Communities {
			pt := s.Points[i][p]
			if pt.Months == 0 {
				row = append(row, "–")
				continue
			}
			mean := strconv.FormatFloat(pt.Mean, 'f', 1, 64)
			if s.Unit == 1 {
				mean = fmtInt(int64(pt.Mean))
			}
			row = append(row, fmtPct(pt.OfPeak)+" ("+mean+")")
		}
		rows = append(rows, row)
	}
	f.Tables = byCommunity(first, cmp.names(), rows)
	if len(s.Periods) == 0 {
		f.Empty = "No monthly snapshot has anybody who acted, so there are no active people to compare."
	}
	return f
}

// writeCompareMarkdown writes the comparison section.
func writeCompareMarkdown(p func(string, ...any), cmp *Comparison) {
	p("## Communities compared\n\n")
	p("%s The [glossary](#glossary) defines every column.\n\n", compareIntro)
	for _, f := range compareFigures(cmp) {
		p("### %s\n\n", mdText(f.Title))
		if f.Empty != "" {
			p("%s\n\n", mdText(f.Empty))
			continue
		}
		p("%s\n\n", mdText(f.Reading))
		if f.Folded {
			p("<details><summary>Table</summary>\n\n")
		}
		for _, t := range f.Tables {
			writeMarkdownTable(p, t)
		}
		if f.Folded {
			p("</details>\n\n")
		}
	}
}

func writeMarkdownTable(p func(string, ...any), t compareTable) {
	cells := func(row []string) string {
		out := make([]string, len(row))
		for i, c := range row {
			out[i] = mdText(c)
		}
		return strings.Join(out, " | ")
	}
	p("| %s |\n|---%s|\n", cells(t.Head), strings.Repeat("|---:", len(t.Head)-1))
	for _, row := range t.Rows {
		p("| %s |\n", cells(row))
	}
	p("\n")
}

// htmlCompare is the comparison section as the HTML report lays it out.
type htmlCompare struct {
	Intro   string
	Figures []htmlFigure
	// Active are the active people by calendar and by community age,
	// shown one at a time.
	Active [2]htmlFigure
}

// An htmlFigure is a comparison figure with its chart; Failed says why
// the chart could not be drawn.
type htmlFigure struct {
	compareFigure
	SVG    template.HTML
	Failed string
}

func compareHTML(cmp *Comparison) *htmlCompare {
	draw := map[string]func() (template.HTML, error){
		"compare-ladder": func() (template.HTML, error) {
			return drawLayouts(func(l layout) (template.HTML, error) { return compareLadderChart(cmp, l) })
		},
		"compare-participation": func() (template.HTML, error) {
			return drawLayouts(func(l layout) (template.HTML, error) { return compareParticipationChart(cmp, l) })
		},
		"compare-response": func() (template.HTML, error) {
			return drawLayouts(func(l layout) (template.HTML, error) { return compareResponseChart(cmp, l) })
		},
		"compare-retention": func() (template.HTML, error) {
			return drawLayouts(func(l layout) (template.HTML, error) { return compareRetentionChart(cmp, l) })
		},
		"compare-active-calendar": func() (template.HTML, error) {
			return drawLayouts(func(l layout) (template.HTML, error) { return compareActiveChart(cmp, cmp.Calendar, l) })
		},
		"compare-active-age": func() (template.HTML, error) {
			return drawLayouts(func(l layout) (template.HTML, error) { return compareActiveChart(cmp, cmp.Age, l) })
		},
	}
	h := &htmlCompare{Intro: compareIntro}
	figs := compareFigures(cmp)
	for i, f := range figs {
		hf := htmlFigure{compareFigure: f}
		if f.Empty == "" {
			svg, err := drawChart(f.Kind, draw[f.Kind])
			if err != nil {
				hf.Failed = "The chart could not be drawn: " + err.Error()
			}
			hf.SVG = svg
		}
		if i >= len(figs)-2 {
			h.Active[i-(len(figs)-2)] = hf
		} else {
			h.Figures = append(h.Figures, hf)
		}
	}
	return h
}
