package report

import (
	"fmt"
	"html/template"
	"time"

	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/journeys-dev/journeys/analyze"
)

// stateMarkdownMonths is how many month ends the Markdown report lists in
// its activity-states table; the HTML chart draws every month.
const stateMarkdownMonths = 12

// A StateMonth counts a community's people by activity state at one month
// end (the last one: the analysis date).
type StateMonth struct {
	Month time.Time
	// ByState counts the people who have acted, by state: new, active,
	// dormant, churned (analyze's states, in that order).
	ByState [4]int64
	// NoAction counts the people with a journey who never acted: seen only
	// through stars, forks, a listing in .all-contributorsrc or their pull
	// request merged by someone else.
	NoAction int64
}

// Active is the people new or active at the month's end.
func (m StateMonth) Active() int64 { return m.ByState[0] + m.ByState[1] }

var stateIndex = map[string]int{analyze.StateNew: 0, analyze.StateActive: 1, analyze.StateDormant: 2, analyze.StateChurned: 3}

// buildStates counts the people by activity state at every month end, from
// each community's first snapshot to the analysis date.
func buildStates(in Input, r *Report, byName map[string]*Community) {
	type ck struct {
		community string
		month     int32
	}
	counts := map[ck]*StateMonth{}
	first := map[string]int32{}
	last := monthIndex(r.AsOf)
	for _, m := range in.Months {
		mi := monthIndex(m.Month)
		if mi > last {
			continue
		}
		k := ck{m.Community, mi}
		s := counts[k]
		if s == nil {
			s = &StateMonth{Month: monthStart(mi)}
			counts[k] = s
		}
		if m.State == nil {
			s.NoAction++
		} else if i, ok := stateIndex[*m.State]; ok {
			s.ByState[i]++
		}
		if v, ok := first[m.Community]; !ok || mi < v {
			first[m.Community] = mi
		}
	}
	for name, c := range byName {
		start, ok := first[name]
		if !ok {
			continue
		}
		for mi := start; mi <= last; mi++ {
			s := StateMonth{Month: monthStart(mi)}
			if v := counts[ck{name, mi}]; v != nil {
				s = *v
			}
			c.States = append(c.States, s)
		}
	}
}

// StatesNow is the activity states at the analysis date (zero without
// monthly snapshots).
func (c *Community) StatesNow() StateMonth {
	if len(c.States) == 0 {
		return StateMonth{}
	}
	return c.States[len(c.States)-1]
}

// statesSentence says the states at the analysis date in words.
func statesSentence(c *Community, asOf time.Time) string {
	n := c.StatesNow()
	return fmt.Sprintf("On %s: %s new and %s active (acted recently), %s dormant, %s churned; %s more never acted (stars, forks or a listing only).",
		asOf.Format(dateFormat), fmtInt(n.ByState[0]), fmtInt(n.ByState[1]), fmtInt(n.ByState[2]), fmtInt(n.ByState[3]), fmtInt(n.NoAction))
}

// stateRows are the activity-states table's rows, oldest first: the last
// limit months (every month when limit <= 0).
func stateRows(c *Community, limit int) [][]string {
	states := c.States
	if limit > 0 && len(states) > limit {
		states = states[len(states)-limit:]
	}
	rows := make([][]string, len(states))
	for i, s := range states {
		rows[i] = []string{s.Month.Format("2006-01"), fmtInt(s.ByState[0]), fmtInt(s.ByState[1]), fmtInt(s.ByState[2]), fmtInt(s.ByState[3]), fmtInt(s.NoAction)}
	}
	return rows
}

var stateHead = []string{"Month end", "New", "Active", "Dormant", "Churned", "Never acted"}

func statesData(c *Community, asOf time.Time) chartData {
	d := chartData{Kind: "states", Title: "Activity states per month",
		Reading: "Each line counts the people in one activity state at each month's end (new, active, dormant or churned by the days since their first and last action: see Model thresholds); people who never acted, seen only through stars, forks or a listing, are the dotted line. " + statesSentence(c, asOf),
		Head:    stateHead, Rows: stateRows(c, 0)}
	if len(c.States) == 0 {
		d.Empty = "No monthly snapshots in the analysis, so no activity states."
		return d
	}
	return chart(d, func() (template.HTML, error) {
		return drawLayouts(func(l layout) (template.HTML, error) { return statesChart(c, l) })
	})
}

// statesChart draws one line per activity state, and one for the people
// who never acted, over every month.
func statesChart(c *Community, l layout) (template.HTML, error) {
	p := newLayoutPlot(l, c.Name+": people by activity state", "month end", "people")
	labels := make([]string, len(c.States))
	series := [5]plotter.XYs{}
	yMax := 1.0
	for i, s := range c.States {
		labels[i] = s.Month.Format("2006-01")
		for k := range 4 {
			series[k] = append(series[k], plotter.XY{X: float64(i), Y: float64(s.ByState[k])})
			yMax = max(yMax, float64(s.ByState[k]))
		}
		series[4] = append(series[4], plotter.XY{X: float64(i), Y: float64(s.NoAction)})
		yMax = max(yMax, float64(s.NoAction))
	}
	names := []string{"new", "active", "dormant", "churned", "never acted"}
	var legend []legendEntry
	for k, xys := range series {
		ln, err := plotter.NewLine(xys)
		if err != nil {
			return "", err
		}
		ln.Color = seriesColors[k%len(seriesColors)]
		ln.Width = vg.Points(2)
		if k == 4 {
			ln.Dashes = []vg.Length{vg.Points(2), vg.Points(3)}
		}
		p.Add(ln)
		ls := ln.LineStyle
		legend = append(legend, legendEntry{label: names[k], line: &ls})
	}
	p.X.Tick.Marker = labelTicks{labels: labels, every: everyNth(len(labels), l.xTicks)}
	p.X.Min, p.X.Max = -0.5, float64(len(labels))-0.5
	p.Y.Min = 0
	p.Y.Max = niceMax(yMax, l.yTicks, true)
	p.Y.Tick.Marker = niceTicks{n: l.yTicks, integer: true}
	return renderLayout(p, l, 250, legend)
}
