package report

import (
	"html/template"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// The comparison section's charts: one colour per community, in the
// order of the configuration, and every axis a share (or a median) so
// that communities of very different sizes show alike.

func communityLine(i int) draw.LineStyle {
	return draw.LineStyle{Color: seriesColors[i%len(seriesColors)], Width: vg.Points(2)}
}

// percentTicks labels 0 to 100% every 25%: the axis goes a little higher
// only to leave room for the labels above full bars.
type percentTicks struct{}

func (percentTicks) Ticks(lo, hi float64) []plot.Tick {
	var out []plot.Tick
	for v := 0.0; v <= 100; v += 25 {
		if v >= lo && v <= hi {
			out = append(out, plot.Tick{Value: v, Label: strconv.Itoa(int(v)) + "%"})
		}
	}
	return out
}

// percentAxis sets p's y axis to shares, 0 to 100% with room above.
func percentAxis(p *plot.Plot) {
	p.Y.Min, p.Y.Max = 0, 112
	p.Y.Tick.Marker = percentTicks{}
}

// groupedShares draws, for each group (top to bottom), one horizontal bar
// per community: v[i][g] is community i's share (0 to 1) in group g;
// missing ones are NaN. Horizontal, so that long group names (the stages)
// are read on one line at any width.
func groupedShares(l layout, title, xLabel string, names, groups []string, v [][]float64) (template.HTML, error) {
	p := newLayoutPlot(l, title, xLabel, "")
	var legend []legendEntry
	n := len(groups)
	const barPts = 14.0 // each bar's thickness
	groupPts := barPts*float64(len(names)) + 12
	w := vg.Points(barPts)
	for i, name := range names {
		vals := make(plotter.Values, n)
		for g := range groups {
			if !math.IsNaN(v[i][g]) {
				vals[n-1-g] = 100 * v[i][g]
			}
		}
		bars, err := plotter.NewBarChart(vals, w)
		if err != nil {
			return "", err
		}
		bars.Horizontal = true
		bars.Color = seriesColors[i%len(seriesColors)]
		bars.LineStyle.Width = 0
		// The first community on top within its group.
		bars.Offset = vg.Points((float64(len(names)-1)/2 - float64(i)) * barPts)
		p.Add(bars)
		legend = append(legend, legendEntry{label: name, fill: bars.Color})
		// Each bar's share written after it, so that 0% and no figure ("–")
		// differ.
		var xys plotter.XYs
		var labels []string
		for g := range groups {
			xys = append(xys, plotter.XY{X: vals[n-1-g], Y: float64(n - 1 - g)})
			if math.IsNaN(v[i][g]) {
				labels = append(labels, "–")
			} else {
				labels = append(labels, strconv.Itoa(int(math.Round(100*v[i][g])))+"%")
			}
		}
		lb, err := plotter.NewLabels(plotter.XYLabels{XYs: xys, Labels: labels})
		if err != nil {
			return "", err
		}
		for k := range lb.TextStyle {
			ts := textStyle(l.small)
			ts.XAlign, ts.YAlign = draw.XLeft, draw.YCenter
			lb.TextStyle[k] = ts
		}
		lb.Offset = vg.Point{X: vg.Points(3), Y: bars.Offset}
		p.Add(lb)
	}
	rev := make([]string, n)
	for g, name := range groups {
		rev[n-1-g] = name
	}
	p.NominalY(rev...)
	p.Y.Min, p.Y.Max = -0.5, float64(n)-0.5
	p.X.Min, p.X.Max = 0, 100
	if l.narrow() {
		p.X.Max = 125 // room for the labels after full bars
	} else {
		p.X.Max = 112
	}
	p.X.Tick.Marker = percentTicks{}
	return renderLayout(p, l, 30+groupPts*float64(n), legend)
}

func compareLadderChart(cmp *Comparison, l layout) (template.HTML, error) {
	steps := ladderSteps()
	groups := make([]string, len(steps))
	for i, s := range steps {
		groups[i] = stageLabel(s)
	}
	v := make([][]float64, len(cmp.Communities))
	for i := range cmp.Communities {
		v[i] = make([]float64, len(steps))
		for g, st := range steps {
			v[i][g] = math.NaN()
			if s := cmp.Communities[i].step(st); s.Of > 0 {
				v[i][g] = s.Value()
			}
		}
	}
	return groupedShares(l, "Ladder conversion: share of the step before", "% of the step before", cmp.names(), groups, v)
}

func compareParticipationChart(cmp *Comparison, l layout) (template.HTML, error) {
	groups := make([]string, len(participationDays))
	for j, d := range participationDays {
		groups[j] = "within " + strconv.Itoa(d) + " days"
	}
	v := make([][]float64, len(cmp.Communities))
	for i, f := range cmp.Communities {
		v[i] = make([]float64, len(groups))
		for j, s := range f.Within {
			v[i][j] = math.NaN()
			if s.Of > 0 {
				v[i][j] = s.Value()
			}
		}
	}
	return groupedShares(l, "Newcomers reaching participation after first contact", "% of newcomers old enough", cmp.names(), groups, v)
}

// compareResponseChart draws each community's median time to first
// response as a horizontal bar, with the items behind it.
func compareResponseChart(cmp *Comparison, l layout) (template.HTML, error) {
	p := newLayoutPlot(l, "Median time to first response on newcomers' first issue or PR", "days", "")
	n := len(cmp.Communities)
	names := make([]string, n)
	var xys plotter.XYs
	var labels []string
	xMax := 0.0
	for i, f := range cmp.Communities {
		y := n - 1 - i // the first community on top
		names[y] = f.Name
		v := make(plotter.Values, n)
		label := "no answered item"
		if f.Response.MedianHours != nil {
			v[y] = *f.Response.MedianHours / 24
			xMax = max(xMax, v[y])
			label = fmtHours(*f.Response.MedianHours) + " (" + plural(f.Response.Answered, "item", "items") + ")"
		}
		bars, err := plotter.NewBarChart(v, vg.Points(18))
		if err != nil {
			return "", err
		}
		bars.Horizontal = true
		bars.Color = seriesColors[i%len(seriesColors)]
		bars.LineStyle.Width = 0
		p.Add(bars)
		xys = append(xys, plotter.XY{X: v[y], Y: float64(y)})
		labels = append(labels, label)
	}
	lb, err := plotter.NewLabels(plotter.XYLabels{XYs: xys, Labels: labels})
	if err != nil {
		return "", err
	}
	for i := range lb.TextStyle {
		lb.TextStyle[i] = textStyle(l.small)
	}
	lb.Offset = vg.Point{X: vg.Points(4)}
	p.Add(lb)
	p.NominalY(names...)
	p.X.Min = 0
	// Room for the labels: the wider the share of the plot they take, the
	// narrower the chart.
	room := 1.6
	if l.narrow() {
		room = 2.6
	}
	p.X.Max = niceMax(math.Max(xMax, 1.0/24)*room, l.xTicks, false)
	p.X.Tick.Marker = niceTicks{n: l.xTicks, integer: false}
	return renderLayout(p, l, 60+34*float64(n), nil)
}

// compareLines draws one line per community over the labelled x axis;
// y[i][x] is NaN where community i has no figure. Values are shares.
func compareLines(l layout, title, xLabel, yLabel string, names, xLabels []string, y [][]float64, points bool) (template.HTML, error) {
	p := newLayoutPlot(l, title, xLabel, yLabel)
	var legend []legendEntry
	for i, name := range names {
		// A line per run of figures: no line across a gap.
		var runs []plotter.XYs
		var cur plotter.XYs
		for x, v := range y[i] {
			if math.IsNaN(v) {
				if len(cur) > 0 {
					runs = append(runs, cur)
				}
				cur = nil
				continue
			}
			cur = append(cur, plotter.XY{X: float64(x), Y: 100 * v})
		}
		if len(cur) > 0 {
			runs = append(runs, cur)
		}
		style := communityLine(i)
		glyph := draw.GlyphStyle{Color: style.Color, Shape: draw.CircleGlyph{}, Radius: vg.Points(2.5)}
		entry := legendEntry{label: name, line: &style}
		if points {
			entry.glyph = &glyph
		}
		legend = append(legend, entry)
		for _, xys := range runs {
			ln, err := plotter.NewLine(xys)
			if err != nil {
				return "", err
			}
			ln.LineStyle = style
			p.Add(ln)
			if points || len(xys) == 1 {
				sc, err := plotter.NewScatter(xys)
				if err != nil {
					return "", err
				}
				sc.GlyphStyle = glyph
				p.Add(sc)
			}
		}
	}
	p.X.Tick.Marker = labelTicks{labels: xLabels, every: everyNth(len(xLabels), l.xTicks)}
	p.X.Min, p.X.Max = -0.5, float64(len(xLabels))-0.5
	percentAxis(p)
	return renderLayout(p, l, 240, legend)
}

func compareRetentionChart(cmp *Comparison, l layout) (template.HTML, error) {
	xLabels := make([]string, retentionMonths)
	for k := range xLabels {
		xLabels[k] = strconv.Itoa(k + 1)
	}
	y := make([][]float64, len(cmp.Communities))
	for i, f := range cmp.Communities {
		y[i] = make([]float64, retentionMonths)
		for k, s := range f.Retention {
			y[i][k] = math.NaN()
			if s.Of > 0 {
				y[i][k] = s.Value()
			}
		}
	}
	return compareLines(l, "Newcomers acting again, by month after first contact", "months after the month of first contact", "% of newcomers", cmp.names(), xLabels, y, true)
}

func compareActiveChart(cmp *Comparison, s ActiveSeries, l layout) (template.HTML, error) {
	y := make([][]float64, len(cmp.Communities))
	for i := range cmp.Communities {
		y[i] = make([]float64, len(s.Periods))
		for p, pt := range s.Points[i] {
			y[i][p] = math.NaN()
			if pt.Months > 0 {
				y[i][p] = pt.OfPeak
			}
		}
	}
	title, xLabel := "Active people, as a share of each community's busiest "+s.unitName(), s.unitName()
	if s.ByAge {
		xLabel = "months since the community's first activity"
	}
	return compareLines(l, title, xLabel, "% of its busiest "+s.unitName(), cmp.names(), s.Periods, y, len(s.Periods) <= 24)
}
