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

// percentTicks labels 0 to 100% every 25%: the axis goes higher only to
// leave room for the legend.
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
	p.Y.Min, p.Y.Max = 0, 135
	p.Y.Tick.Marker = percentTicks{}
}

// groupedShares draws, for each group, one bar per community: v[i][g] is
// community i's share (0 to 1) in group g; missing ones are NaN.
func groupedShares(title, yLabel string, names, groups []string, v [][]float64) (template.HTML, error) {
	p := newPlot(title, "", yLabel)
	// Bars at most 36 points wide, side by side in their group.
	barWidth := math.Min(0.8*480/float64(len(groups))/float64(len(names)), 36)
	w := vg.Points(barWidth)
	for i, name := range names {
		vals := make(plotter.Values, len(groups))
		for g := range groups {
			if !math.IsNaN(v[i][g]) {
				vals[g] = 100 * v[i][g]
			}
		}
		bars, err := plotter.NewBarChart(vals, w)
		if err != nil {
			return "", err
		}
		bars.Color = seriesColors[i%len(seriesColors)]
		bars.LineStyle.Width = 0
		bars.Offset = vg.Points((float64(i) - float64(len(names)-1)/2) * barWidth)
		p.Add(bars)
		p.Legend.Add(name, bars)
		// Each bar's share written above it, so that 0% and no figure ("–")
		// differ.
		var xys plotter.XYs
		var labels []string
		for g := range groups {
			xys = append(xys, plotter.XY{X: float64(g), Y: vals[g]})
			if math.IsNaN(v[i][g]) {
				labels = append(labels, "–")
			} else {
				labels = append(labels, strconv.Itoa(int(math.Round(vals[g])))+"%")
			}
		}
		lb, err := plotter.NewLabels(plotter.XYLabels{XYs: xys, Labels: labels})
		if err != nil {
			return "", err
		}
		for k := range lb.TextStyle {
			ts := textStyle(8)
			ts.XAlign, ts.YAlign = draw.XCenter, draw.YBottom
			lb.TextStyle[k] = ts
		}
		lb.Offset = vg.Point{X: bars.Offset, Y: vg.Points(2)}
		p.Add(lb)
	}
	p.NominalX(groups...)
	p.X.Min, p.X.Max = -0.5, float64(len(groups))-0.5
	p.X.Tick.Label.Font.Size = vg.Points(9)
	p.Legend.Top, p.Legend.Left = true, true
	p.Legend.TextStyle.Font.Size = vg.Points(9)
	percentAxis(p)
	return renderSVG(p, chartWidth, 300)
}

func compareLadderChart(cmp *Comparison) (template.HTML, error) {
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
	return groupedShares("Ladder conversion: share of the step before", "% of the step before", cmp.names(), groups, v)
}

func compareParticipationChart(cmp *Comparison) (template.HTML, error) {
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
	return groupedShares("Newcomers reaching participation after first contact", "% of newcomers old enough", cmp.names(), groups, v)
}

// compareResponseChart draws each community's median time to first
// response as a horizontal bar, with the items behind it.
func compareResponseChart(cmp *Comparison) (template.HTML, error) {
	p := newPlot("Median time to first response on newcomers' first issue or PR", "days", "")
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
		lb.TextStyle[i] = textStyle(9)
	}
	lb.Offset = vg.Point{X: vg.Points(4)}
	p.Add(lb)
	p.NominalY(names...)
	p.X.Min = 0
	p.X.Max = math.Max(xMax, 1.0/24) * 1.6 // room for the labels
	return renderSVG(p, chartWidth, 90+34*float64(n))
}

// compareLines draws one line per community over the labelled x axis;
// y[i][x] is NaN where community i has no figure. Values are shares.
func compareLines(title, xLabel, yLabel string, names, xLabels []string, y [][]float64, points bool) (template.HTML, error) {
	p := newPlot(title, xLabel, yLabel)
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
		for r, xys := range runs {
			l, err := plotter.NewLine(xys)
			if err != nil {
				return "", err
			}
			l.LineStyle = style
			p.Add(l)
			var thumbs []plot.Thumbnailer
			thumbs = append(thumbs, l)
			if points || len(xys) == 1 {
				s, err := plotter.NewScatter(xys)
				if err != nil {
					return "", err
				}
				s.Color = style.Color
				s.Shape = draw.CircleGlyph{}
				s.Radius = vg.Points(2.5)
				p.Add(s)
				thumbs = append(thumbs, s)
			}
			if r == 0 {
				p.Legend.Add(name, thumbs...)
			}
		}
	}
	p.Legend.Top, p.Legend.Left = true, true
	p.Legend.TextStyle.Font.Size = vg.Points(9)
	p.X.Tick.Marker = labelTicks{labels: xLabels, every: max1(len(xLabels) / 8)}
	p.X.Min, p.X.Max = -0.5, float64(len(xLabels))-0.5
	percentAxis(p)
	return renderSVG(p, chartWidth, 300)
}

func compareRetentionChart(cmp *Comparison) (template.HTML, error) {
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
	return compareLines("Newcomers acting again, by month after first contact", "months after the month of first contact", "% of newcomers", cmp.names(), xLabels, y, true)
}

func compareActiveChart(cmp *Comparison, s ActiveSeries) (template.HTML, error) {
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
	return compareLines(title, xLabel, "% of its busiest "+s.unitName(), cmp.names(), s.Periods, y, len(s.Periods) <= 24)
}
