package report

import (
	"bytes"
	"fmt"
	"html/template"
	"image/color"
	"math"
	"regexp"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/journeys-dev/journeys/analyze"
)

// stageColors colour the stages, lowest first (a sequential blue scale,
// leadership in orange so that it stands out).
var stageColors = [6]color.RGBA{
	{0xc6, 0xdb, 0xef, 0xff},
	{0x9e, 0xca, 0xe1, 0xff},
	{0x6b, 0xae, 0xd6, 0xff},
	{0x31, 0x82, 0xbd, 0xff},
	{0x08, 0x51, 0x9c, 0xff},
	{0xe6, 0x55, 0x0d, 0xff},
}

var notYetColor = color.RGBA{0xbd, 0xbd, 0xbd, 0xff}

// seriesColors colour communities and series (Okabe–Ito).
var seriesColors = []color.RGBA{
	{0x00, 0x72, 0xb2, 0xff},
	{0xe6, 0x9f, 0x00, 0xff},
	{0x00, 0x9e, 0x73, 0xff},
	{0xcc, 0x79, 0xa7, 0xff},
	{0x56, 0xb4, 0xe9, 0xff},
	{0xd5, 0x5e, 0x00, 0xff},
	{0xf0, 0xe4, 0x42, 0xff},
}

func stageColor(s string) color.Color {
	if i := stageIndex(s); i >= 0 {
		return stageColors[i]
	}
	return notYetColor
}

const chartWidth = 620

var sans = font.Font{Typeface: "Liberation", Variant: "Sans"}

// newPlot returns a plot with sans-serif text, a title and axis labels.
func newPlot(title, xLabel, yLabel string) *plot.Plot {
	p := plot.New()
	p.Title.Text = clean(title)
	p.X.Label.Text = clean(xLabel)
	p.Y.Label.Text = clean(yLabel)
	for _, f := range []*font.Font{&p.Title.TextStyle.Font, &p.X.Label.TextStyle.Font, &p.Y.Label.TextStyle.Font,
		&p.X.Tick.Label.Font, &p.Y.Tick.Label.Font, &p.Legend.TextStyle.Font} {
		size := f.Size
		*f = sans
		f.Size = size
	}
	p.Title.TextStyle.Font.Size = vg.Points(13)
	p.Title.Padding = vg.Points(8)
	return p
}

func textStyle(size float64) text.Style {
	return text.Style{Font: font.Font{Typeface: sans.Typeface, Variant: sans.Variant, Size: vg.Points(size)},
		Color: color.Black, XAlign: draw.XLeft, YAlign: draw.YCenter, Handler: plot.DefaultTextHandler}
}

var (
	xmlProlog  = regexp.MustCompile(`(?s)^<\?xml[^>]*\?>\s*(<!--.*?-->\s*)?`)
	fontFamily = regexp.MustCompile(`font-family:Liberation (Sans|Serif|Mono);`)
	svgSize    = regexp.MustCompile(`^<svg width="([0-9.]+)pt" height="([0-9.]+)pt"`)
)

// renderSVG draws p as an SVG fit for inlining in HTML: no XML prolog,
// generic font families as fallbacks (nothing to download), and sized by
// its view box so that it scales with the page.
func renderSVG(p *plot.Plot, w, h float64) (template.HTML, error) {
	c := vgsvg.New(vg.Points(w), vg.Points(h))
	p.Draw(draw.New(c))
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		return "", fmt.Errorf("draw chart %q: %w", p.Title.Text, err)
	}
	s := xmlProlog.ReplaceAllString(buf.String(), "")
	s = fontFamily.ReplaceAllStringFunc(s, func(m string) string {
		switch {
		case strings.Contains(m, "Serif"):
			return "font-family:'Liberation Serif',serif;"
		case strings.Contains(m, "Mono"):
			return "font-family:'Liberation Mono',monospace;"
		}
		return "font-family:'Liberation Sans',Arial,Helvetica,sans-serif;"
	})
	s = svgSize.ReplaceAllString(s, `<svg class="plot" role="img" width="${1}" height="${2}"`)
	// The SVG's text was escaped by vgsvg (html.EscapeString) and its other
	// content is numbers and styles written by the package.
	return template.HTML(s), nil
}

// panicked turns a panic of the plotting package into an error.
func drawChart(name string, fn func() (template.HTML, error)) (svg template.HTML, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("draw %s chart: %v", name, r)
		}
	}()
	return fn()
}

// monthTicks labels every k-th of n months starting at first.
type labelTicks struct {
	labels []string
	every  int
}

func (t labelTicks) Ticks(min, max float64) []plot.Tick {
	var out []plot.Tick
	every := max1(t.every)
	for i, l := range t.labels {
		if float64(i) < min-0.5 || float64(i) > max+0.5 {
			continue
		}
		if i%every == 0 {
			out = append(out, plot.Tick{Value: float64(i), Label: clean(l)})
		} else {
			out = append(out, plot.Tick{Value: float64(i)})
		}
	}
	return out
}

func max1(n int) int {
	if n < 1 {
		return 1
	}
	return n
}

// funnelChart draws people per stage as horizontal bars, lowest stage at
// the top, with the conversion from the stage before.
func funnelChart(c *Community, xMax float64) (template.HTML, error) {
	p := newPlot(c.Name+": people per step", "people who reached the step", "")
	n := len(c.Funnel)
	names := make([]string, n)
	var xys plotter.XYs
	var labels []string
	for i, f := range c.Funnel {
		y := float64(n - 1 - i)
		names[n-1-i] = stageLabel(f.Stage)
		v := make(plotter.Values, n)
		v[n-1-i] = float64(f.Reached)
		bars, err := plotter.NewBarChart(v, vg.Points(22))
		if err != nil {
			return "", err
		}
		bars.Horizontal = true
		bars.Color = stageColors[stageIndexOr(f.Stage, i)]
		bars.LineStyle.Width = 0
		p.Add(bars)
		l := fmtInt(f.Reached)
		if f.HasConversion {
			l += " (" + fmtPct(f.Conversion) + " of the step before)"
		}
		xys = append(xys, plotter.XY{X: float64(f.Reached), Y: y})
		labels = append(labels, l)
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
	p.X.Max = xMax * 1.45 // room for the labels
	return renderSVG(p, chartWidth, 260)
}

func stageIndexOr(s string, i int) int {
	if j := stageIndex(s); j >= 0 {
		return j
	}
	return min(i, len(stageColors)-1)
}

// sankeyChart draws the flows from the stage at the window's start to the
// stage at the analysis date.
func sankeyChart(c *Community, r *Report) (template.HTML, error) {
	p := newPlot(c.Name+": where people went in the last 12 months", "", "people")
	srcTotal := map[string]int64{}
	dstTotal := map[string]int64{}
	for _, f := range c.Flows {
		srcTotal[f.From] += f.People
		dstTotal[f.To] += f.People
	}
	order := append([]string{NotYet}, analyze.Stages...)
	var flows []plotter.Flow
	// Zero flows first, so that the stocks on both sides appear in stage order.
	first := ""
	for _, s := range order {
		if srcTotal[s] > 0 {
			first = s
			break
		}
	}
	for _, s := range order {
		if dstTotal[s] > 0 {
			flows = append(flows, plotter.Flow{SourceLabel: first, ReceptorLabel: s, SourceCategory: 0, ReceptorCategory: 1, Value: 0, Group: s})
		}
	}
	for _, f := range c.Flows {
		if f.People > 0 {
			flows = append(flows, plotter.Flow{SourceLabel: f.From, ReceptorLabel: f.To, SourceCategory: 0, ReceptorCategory: 1, Value: float64(f.People), Group: f.To})
		}
	}
	s, err := plotter.NewSankey(flows...)
	if err != nil {
		return "", err
	}
	s.FlowStyle = func(group string) (color.Color, draw.LineStyle) {
		c := color.RGBAModel.Convert(stageColor(group)).(color.RGBA)
		return color.NRGBA{c.R, c.G, c.B, 0x99}, draw.LineStyle{}
	}
	s.StockStyle = func(label string, category int) (string, text.Style, vg.Length, vg.Length, color.Color, draw.LineStyle) {
		ts := textStyle(9)
		var xOff vg.Length
		total := srcTotal[label]
		if category == 0 {
			ts.XAlign = draw.XRight
			xOff = -s.StockBarWidth
		} else {
			total = dstTotal[label]
			xOff = s.StockBarWidth
		}
		return stageLabel(label) + " (" + fmtInt(total) + ")", ts, xOff, 0, stageColor(label), draw.LineStyle{}
	}
	s.StockBarWidth = vg.Points(14)
	p.Add(s)
	p.X.Tick.Marker = plot.ConstantTicks{
		{Value: 0, Label: "at " + r.WindowStart.Format(dateFormat)},
		{Value: 1, Label: "at " + r.AsOf.Format(dateFormat)},
	}
	p.X.Min, p.X.Max = -0.9, 1.9
	p.Y.Min = 0
	p.X.LineStyle.Width = 0
	p.X.Tick.LineStyle.Width = 0
	return renderSVG(p, chartWidth, 360)
}

// monthsChart draws the people per month, stacked by stage.
func monthsChart(c *Community, yMax float64) (template.HTML, error) {
	p := newPlot(c.Name+": people per month, by stage", "month", "people (churned excepted)")
	n := len(c.Months)
	labels := make([]string, n)
	for i, m := range c.Months {
		labels[i] = m.Month.Format("2006-01")
	}
	width := vg.Points(math.Max(1, 0.8*480/float64(n)))
	var below *plotter.BarChart
	for si, st := range analyze.Stages {
		v := make(plotter.Values, n)
		for i, m := range c.Months {
			v[i] = float64(m.ByStage[si])
		}
		bars, err := plotter.NewBarChart(v, width)
		if err != nil {
			return "", err
		}
		bars.Color = stageColors[si]
		bars.LineStyle.Width = 0
		if below != nil {
			bars.StackOn(below)
		}
		below = bars
		p.Add(bars)
		p.Legend.Add(stageLabel(st), bars)
	}
	p.Legend.Top, p.Legend.Left = true, true
	p.Legend.ThumbnailWidth = vg.Points(10)
	p.Legend.TextStyle.Font.Size = vg.Points(8)
	p.X.Tick.Marker = labelTicks{labels: labels, every: max1(n / 8)}
	p.X.Min, p.X.Max = -0.5, float64(n)-0.5
	p.Y.Min = 0
	p.Y.Max = yMax * 1.35 // room for the legend
	return renderSVG(p, chartWidth, 320)
}

// retentionGrid is the heatmap's grid: columns are months since first
// contact, rows cohorts, values the share still active.
type retentionGrid struct {
	cohorts []Cohort
}

func (g retentionGrid) Dims() (c, r int) { return retentionMonths, len(g.cohorts) }
func (g retentionGrid) X(c int) float64  { return float64(c + 1) }
func (g retentionGrid) Y(r int) float64  { return float64(r) }
func (g retentionGrid) Z(c, r int) float64 {
	co := g.cohorts[r]
	if c >= len(co.Retained) || co.Size == 0 {
		return math.NaN()
	}
	return float64(co.Retained[c]) / float64(co.Size)
}

var heatColors = []color.Color{
	color.RGBA{0xf7, 0xfb, 0xff, 0xff}, color.RGBA{0xde, 0xeb, 0xf7, 0xff}, color.RGBA{0xc6, 0xdb, 0xef, 0xff},
	color.RGBA{0x9e, 0xca, 0xe1, 0xff}, color.RGBA{0x6b, 0xae, 0xd6, 0xff}, color.RGBA{0x42, 0x92, 0xc6, 0xff},
	color.RGBA{0x21, 0x71, 0xb5, 0xff},
}

type fixedPalette []color.Color

func (p fixedPalette) Colors() []color.Color { return p }

// retentionChart draws the newcomer cohorts against months since first
// contact, each cell the share of the cohort active in that month.
func retentionChart(c *Community) (template.HTML, error) {
	p := newPlot(c.Name+": newcomers active again, by month of first contact", "months since first contact", "cohort (month of first contact)")
	g := retentionGrid{c.Cohorts}
	hm := plotter.NewHeatMap(g, fixedPalette(heatColors))
	hm.Min = 0
	hm.Max = 0
	var xys plotter.XYs
	var labels []string
	var zs []float64
	for r := range c.Cohorts {
		for col := 0; col < retentionMonths; col++ {
			z := g.Z(col, r)
			if math.IsNaN(z) {
				continue
			}
			hm.Max = math.Max(hm.Max, z)
			xys = append(xys, plotter.XY{X: g.X(col), Y: g.Y(r)})
			zs = append(zs, z)
			labels = append(labels, strconv.Itoa(int(math.Round(100*z)))+"%")
		}
	}
	if hm.Max == 0 {
		hm.Max = 1
	}
	hm.NaN = color.RGBA{0xff, 0xff, 0xff, 0xff}
	hm.Underflow, hm.Overflow = heatColors[0], heatColors[len(heatColors)-1]
	p.Add(hm)
	if len(xys) > 0 {
		lb, err := plotter.NewLabels(plotter.XYLabels{XYs: xys, Labels: labels})
		if err != nil {
			return "", err
		}
		for i := range lb.TextStyle {
			ts := textStyle(7)
			ts.XAlign = draw.XCenter
			if zs[i] > 0.6*hm.Max {
				ts.Color = color.White // readable on the darker cells
			}
			lb.TextStyle[i] = ts
		}
		p.Add(lb)
	}
	names := make([]string, len(c.Cohorts))
	for i, co := range c.Cohorts {
		names[i] = fmt.Sprintf("%s (%s)", co.Month.Format("2006-01"), fmtInt(co.Size))
	}
	p.Y.Tick.Marker = labelTicks{labels: names, every: 1}
	p.Y.Tick.Label.Font.Size = vg.Points(8)
	xt := make([]plot.Tick, retentionMonths)
	for i := range xt {
		xt[i] = plot.Tick{Value: float64(i + 1), Label: strconv.Itoa(i + 1)}
	}
	p.X.Tick.Marker = plot.ConstantTicks(xt)
	// A hair of margin: cells on the edge are otherwise dropped by rounding.
	const eps = 1e-6
	p.X.Min, p.X.Max = 0.5-eps, retentionMonths+0.5+eps
	p.Y.Min, p.Y.Max = -0.5-eps, float64(len(c.Cohorts))-0.5+eps
	return renderSVG(p, chartWidth, max(200, 110+16*float64(len(c.Cohorts))))
}

// responseChart draws the median and 90th percentile of the time to first
// response per quarter, in days.
func responseChart(c *Community, yMax float64) (template.HTML, error) {
	p := newPlot(c.Name+": time to first response on newcomers' first issue or PR", "quarter the item was opened", "days to first response")
	labels := make([]string, len(c.Responses))
	var med, p90 plotter.XYs
	for i, q := range c.Responses {
		labels[i] = q.Label
		if q.Answered == 0 {
			continue
		}
		med = append(med, plotter.XY{X: float64(i), Y: q.MedianHours / 24})
		p90 = append(p90, plotter.XY{X: float64(i), Y: q.P90Hours / 24})
	}
	for i, s := range []struct {
		name string
		xys  plotter.XYs
	}{{"median", med}, {"90th percentile", p90}} {
		l, pts, err := plotterLinePoints(s.xys)
		if err != nil {
			return "", err
		}
		l.Color = seriesColors[i]
		l.Width = vg.Points(2)
		if i == 1 {
			l.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
		}
		pts.Color = seriesColors[i]
		pts.Shape = draw.CircleGlyph{}
		pts.Radius = vg.Points(3)
		p.Add(l, pts)
		p.Legend.Add(s.name, l, pts)
	}
	p.Legend.Top = true
	p.Legend.TextStyle.Font.Size = vg.Points(9)
	p.X.Tick.Marker = labelTicks{labels: labels, every: max1(len(labels) / 8)}
	p.X.Min, p.X.Max = -0.5, float64(len(labels))-0.5
	p.Y.Min = 0
	p.Y.Max = yMax * 1.15
	return renderSVG(p, chartWidth, 300)
}

func plotterLinePoints(xys plotter.XYs) (*plotter.Line, *plotter.Scatter, error) {
	l, err := plotter.NewLine(xys)
	if err != nil {
		return nil, nil, err
	}
	s, err := plotter.NewScatter(xys)
	if err != nil {
		return nil, nil, err
	}
	return l, s, nil
}
