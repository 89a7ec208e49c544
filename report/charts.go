package report

import (
	"fmt"
	"html/template"
	"image/color"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/journeys-dev/journeys/analyze"
)

// stageColors colour the stages, lowest first: lighter to darker from
// discovery to networked participation (yellow, sage, teal, blue, deep
// purple), leadership in vermilion so that it stands out. Every pair, and
// each against notYetColor, differs by a CIEDE2000 ΔE of more than 20,
// and of more than 15 as seen with protanopia, deuteranopia or tritanopia
// (palette_test.go).
var stageColors = [6]color.RGBA{
	{0xff, 0xdf, 0x65, 0xff},
	{0x92, 0xae, 0x7d, 0xff},
	{0x2a, 0x9e, 0xa7, 0xff},
	{0x31, 0x66, 0xb3, 0xff},
	{0x3b, 0x1f, 0x7a, 0xff},
	{0xe5, 0x5c, 0x00, 0xff},
}

var notYetColor = color.RGBA{0xd4, 0xd4, 0xd4, 0xff}

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

// inkColor is the text of the charts; mutedInk that of what is muted.
var (
	inkColor   = color.RGBA{0x1f, 0x23, 0x28, 0xff}
	mutedInk   = color.RGBA{0x59, 0x63, 0x6e, 0xff}
	leaderLine = color.RGBA{0x8c, 0x95, 0x9f, 0xff}
)

func stageColor(s string) color.Color {
	if i := stageIndex(s); i >= 0 {
		return stageColors[i]
	}
	return notYetColor
}

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
		Color: inkColor, XAlign: draw.XLeft, YAlign: draw.YCenter, Handler: plot.DefaultTextHandler}
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

// labelTicks labels every k-th of n months starting at first.
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

// funnelLabel is the label of a funnel bar: the people who reached the
// step and the conversion from the step before (said in full when wide).
func funnelLabel(f FunnelStage, l layout) string {
	s := fmtInt(f.Reached)
	if f.HasConversion {
		if l.narrow() {
			s += " (" + fmtPct(f.Conversion) + ")"
		} else {
			s += " (" + fmtPct(f.Conversion) + " of the step before)"
		}
	}
	return s
}

// funnelChart draws people per stage as horizontal bars, lowest stage at
// the top, with the conversion from the stage before.
func funnelChart(c *Community, xMax float64, l layout) (template.HTML, error) {
	p := newLayoutPlot(l, c.Name+": people per step", "people who reached the step", "")
	n := len(c.Funnel)
	names := make([]string, n)
	var xys plotter.XYs
	var labels []string
	for i, f := range c.Funnel {
		y := float64(n - 1 - i)
		names[n-1-i] = stageLabel(f.Stage)
		v := make(plotter.Values, n)
		v[n-1-i] = float64(f.Reached)
		bars, err := plotter.NewBarChart(v, vg.Points(20))
		if err != nil {
			return "", err
		}
		bars.Horizontal = true
		bars.Color = stageColors[stageIndexOr(f.Stage, i)]
		bars.LineStyle.Width = 0
		p.Add(bars)
		xys = append(xys, plotter.XY{X: float64(f.Reached), Y: y})
		labels = append(labels, funnelLabel(f, l))
	}
	lb, err := plotter.NewLabels(plotter.XYLabels{XYs: xys, Labels: labels})
	if err != nil {
		return "", err
	}
	for i := range lb.TextStyle {
		lb.TextStyle[i] = textStyle(l.font)
	}
	lb.Offset = vg.Point{X: vg.Points(4)}
	// The labels' glyph boxes make room for themselves right of the bars.
	p.Add(lb)
	p.NominalY(names...)
	p.X.Min = 0
	p.X.Max = niceMax(xMax, l.yTicks, true)
	p.X.Tick.Marker = niceTicks{n: l.yTicks, integer: true}
	return renderLayout(p, l, 34+30*float64(n), nil)
}

func stageIndexOr(s string, i int) int {
	if j := stageIndex(s); j >= 0 {
		return j
	}
	return min(i, len(stageColors)-1)
}

// A stockLabel is the label of one stock of the Sankey diagram.
type stockLabel struct {
	lines    []string
	category int     // 0 left, 1 right
	lo, hi   float64 // the stock's extent on the value axis
}

// stockLabels draws the labels of a Sankey diagram's stocks beside them,
// moved apart where stocks are too thin for them, with a line from a
// moved label to its stock. Its glyph boxes make room for the labels on
// both sides.
type stockLabels struct {
	labels []stockLabel
	style  text.Style
	// bar is the width of the stock bars; gap the space between a bar and
	// its label.
	bar, gap vg.Length
}

func (s *stockLabels) width(i int) vg.Length {
	w := vg.Length(0)
	for _, ln := range s.labels[i].lines {
		w = max(w, s.style.Width(ln))
	}
	return w
}

func (s *stockLabels) height(i int) vg.Length {
	return lineHeight(s.style) * vg.Length(len(s.labels[i].lines))
}

// positions returns the centres of the labels on the canvas.
func (s *stockLabels) positions(c draw.Canvas, plt *plot.Plot) []vg.Length {
	_, trY := plt.Transforms(&c)
	pos := make([]vg.Length, len(s.labels))
	for cat := 0; cat < 2; cat++ {
		var idx []int
		var want, h []float64
		for i, l := range s.labels {
			if l.category == cat {
				idx = append(idx, i)
				want = append(want, float64(trY((l.lo+l.hi)/2)))
				h = append(h, float64(s.height(i)))
			}
		}
		got := dodge(want, h, float64(c.Min.Y), float64(c.Max.Y), float64(vg.Points(3)))
		for k, i := range idx {
			pos[i] = vg.Length(got[k])
		}
	}
	return pos
}

func (s *stockLabels) Plot(c draw.Canvas, plt *plot.Plot) {
	trX, trY := plt.Transforms(&c)
	pos := s.positions(c, plt)
	line := draw.LineStyle{Color: leaderLine, Width: vg.Points(0.75)}
	for i, l := range s.labels {
		ts := s.style
		ts.YAlign = draw.YCenter
		edge := trX(float64(l.category)) + s.bar/2
		x := edge + s.gap
		if l.category == 0 {
			ts.XAlign = draw.XRight
			edge = trX(0) - s.bar/2
			x = edge - s.gap
		}
		want := trY((l.lo + l.hi) / 2)
		if math.Abs(float64(pos[i]-want)) > 1 {
			end := x + s.gap/2
			if l.category == 1 {
				end = x - s.gap/2
			}
			c.StrokeLine2(line, edge, want, end, pos[i])
		}
		fillLines(c, ts, vg.Point{X: x, Y: pos[i]}, l.lines)
	}
}

// GlyphBoxes are the labels' widths beside the stocks; they have no
// height so that they take no room above or below.
func (s *stockLabels) GlyphBoxes(plt *plot.Plot) []plot.GlyphBox {
	var out []plot.GlyphBox
	for i, l := range s.labels {
		w := s.width(i) + s.gap + s.bar/2
		r := vg.Rectangle{Max: vg.Point{X: w}}
		if l.category == 0 {
			r = vg.Rectangle{Min: vg.Point{X: -w}}
		}
		out = append(out, plot.GlyphBox{X: plt.X.Norm(float64(l.category)), Y: plt.Y.Norm((l.lo + l.hi) / 2), Rectangle: r})
	}
	return out
}

// sankeyLabelWidth is the widest a stock label may be in each layout
// before it wraps.
func sankeyLabelWidth(l layout) vg.Length {
	if l.narrow() {
		return vg.Points(92)
	}
	return vg.Points(190)
}

// sankeyChart draws the flows from the stage at the window's start to the
// stage at the analysis date.
func sankeyChart(c *Community, r *Report, l layout) (template.HTML, error) {
	p := newLayoutPlot(l, c.Name+": where people went in the last 12 months", "", "people")
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
		return color.NRGBA{c.R, c.G, c.B, 0x8c}, draw.LineStyle{}
	}
	// The stocks carry no label of their own: stockLabels draws them.
	s.StockStyle = func(label string, category int) (string, text.Style, vg.Length, vg.Length, color.Color, draw.LineStyle) {
		return "", textStyle(l.font), 0, 0, stageColor(label), draw.LineStyle{}
	}
	s.StockBarWidth = vg.Points(14)
	labels := &stockLabels{style: textStyle(l.font), bar: s.StockBarWidth, gap: vg.Points(5)}
	need := [2]vg.Length{}
	for cat, totals := range []map[string]int64{srcTotal, dstTotal} {
		for _, st := range order {
			if totals[st] == 0 {
				continue
			}
			lo, hi, err := s.StockRange(st, cat)
			if err != nil {
				return "", err
			}
			lines := wrapText(stageLabel(st)+" ("+fmtInt(totals[st])+")", labels.style, sankeyLabelWidth(l))
			labels.labels = append(labels.labels, stockLabel{lines: lines, category: cat, lo: lo, hi: hi})
			need[cat] += lineHeight(labels.style)*vg.Length(len(lines)) + vg.Points(3)
		}
	}
	p.Add(s, labels)
	p.X.Tick.Marker = plot.ConstantTicks{
		{Value: 0, Label: "at " + r.WindowStart.Format(dateFormat)},
		{Value: 1, Label: "at " + r.AsOf.Format(dateFormat)},
	}
	p.X.Min, p.X.Max = 0, 1
	p.Y.Min = 0
	p.X.LineStyle.Width = 0
	p.X.Tick.LineStyle.Width = 0
	if l.narrow() {
		// The labels give the counts; the narrow chart keeps its width
		// for them.
		p.HideY()
	} else {
		p.Y.Tick.Marker = niceTicks{n: l.yTicks, integer: true}
	}
	// Tall enough for every label of the fuller side, one above the other.
	height := math.Max(300, float64(max(need[0], need[1]))+60)
	return renderLayout(p, l, height, nil)
}

// monthsChart draws the people per month, stacked by stage.
func monthsChart(c *Community, yMax float64, l layout) (template.HTML, error) {
	bins := monthBins(c.Months)
	unit := "month"
	if len(bins) < len(c.Months) {
		unit = "quarter"
		if len(bins) > 0 && len(bins[0].label) == 4 {
			unit = "year"
		}
	}
	p := newLayoutPlot(l, c.Name+": people at each "+unit+"'s end, by stage", unit, "people (churned excepted)")
	n := len(bins)
	labels := make([]string, n)
	for i, b := range bins {
		labels[i] = b.label
	}
	width := vg.Points(math.Max(1, 0.8*(l.width-80)/float64(n)))
	var below *plotter.BarChart
	var legend []legendEntry
	for si, st := range analyze.Stages {
		v := make(plotter.Values, n)
		for i, b := range bins {
			v[i] = float64(b.last.ByStage[si])
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
		legend = append(legend, legendEntry{label: stageLabel(st), fill: stageColors[si]})
	}
	p.X.Tick.Marker = labelTicks{labels: labels, every: everyNth(n, l.xTicks)}
	p.X.Min, p.X.Max = -0.5, float64(n)-0.5
	p.Y.Min = 0
	p.Y.Max = niceMax(yMax, l.yTicks, true)
	p.Y.Tick.Marker = niceTicks{n: l.yTicks, integer: true}
	return renderLayout(p, l, 260, legend)
}

// Bars of the people-per-month chart: one per month up to monthlyBars
// months of history, one per quarter up to quarterlyBars quarters, one per
// year beyond, so that a long history is drawn whole rather than cut.
const (
	monthlyBars   = 72
	quarterlyBars = 80
)

// A monthBin is one bar of the people-per-month chart: the people at each
// stage at the end of its last month (people at a stage are a stock, so a
// quarter's or a year's bar is its last month's).
type monthBin struct {
	label string
	last  MonthFigures
}

func monthBins(months []MonthFigures) []monthBin {
	var out []monthBin
	if len(months) <= monthlyBars {
		for _, m := range months {
			out = append(out, monthBin{m.Month.Format("2006-01"), m})
		}
		return out
	}
	byYear := len(months) > 3*quarterlyBars
	for _, m := range months {
		label := quarterLabel(m.Month)
		if byYear {
			label = m.Month.Format("2006")
		}
		if n := len(out); n > 0 && out[n-1].label == label {
			out[n-1].last = m
			continue
		}
		out = append(out, monthBin{label, m})
	}
	return out
}

// minCohort is the smallest cohort whose retention is coloured: smaller
// ones are muted (grey, hatched) and their cells count people, since a
// share of one or two newcomers says little.
const minCohort = 10

// A cohortRow is one row of the retention chart: the newcomers of one
// month, or of one quarter when there are many months.
type cohortRow struct {
	Label string
	Size  int64
	// Retained counts the row's newcomers active again 1, 2, ... months
	// after their first contact, for as many months as are over for all of
	// them.
	Retained []int64
	Muted    bool
}

// cohortMonthsMonthly is the most months of cohorts drawn one row per
// month; more are grouped by quarter.
const cohortMonthsMonthly = 36

// cohortRows groups cohorts (oldest first) into the retention chart's
// rows: one per month when they span at most cohortMonthsMonthly months,
// else one per quarter. Rows with fewer than minCohort newcomers are muted.
func cohortRows(cohorts []Cohort) []cohortRow {
	if len(cohorts) == 0 {
		return nil
	}
	span := monthIndex(cohorts[len(cohorts)-1].Month) - monthIndex(cohorts[0].Month) + 1
	byQuarter := span > cohortMonthsMonthly
	var rows []cohortRow
	var key int32 = math.MinInt32
	for _, co := range cohorts {
		if co.Size == 0 {
			continue
		}
		k, label := monthIndex(co.Month), co.Month.Format("2006-01")
		if byQuarter {
			k /= 3
			label = quarterLabel(co.Month)
		}
		if len(rows) == 0 || k != key {
			rows = append(rows, cohortRow{Label: label, Retained: append([]int64(nil), co.Retained...)})
			key = k
		} else {
			r := &rows[len(rows)-1]
			// Only the months over for every cohort of the row.
			r.Retained = r.Retained[:min(len(r.Retained), len(co.Retained))]
			for i := range r.Retained {
				r.Retained[i] += co.Retained[i]
			}
		}
		rows[len(rows)-1].Size += co.Size
	}
	for i := range rows {
		rows[i].Muted = rows[i].Size < minCohort
	}
	return rows
}

// rowLabel is a retention row's label on the chart: its month or quarter
// and its size.
func (r cohortRow) rowLabel() string { return r.Label + " (n=" + fmtInt(r.Size) + ")" }

// retentionGrid is the heatmap's grid: columns are months since first
// contact, rows cohorts, values the share still active; muted rows and
// months not over yet have none.
type retentionGrid struct {
	rows []cohortRow
}

func (g retentionGrid) Dims() (c, r int) { return retentionMonths, len(g.rows) }
func (g retentionGrid) X(c int) float64  { return float64(c + 1) }
func (g retentionGrid) Y(r int) float64  { return float64(r) }
func (g retentionGrid) Z(c, r int) float64 {
	row := g.rows[r]
	if row.Muted {
		return math.NaN()
	}
	return g.share(c, r)
}

// share is the share of row r active c+1 months later, NaN when that
// month is not over.
func (g retentionGrid) share(c, r int) float64 {
	row := g.rows[r]
	if c >= len(row.Retained) || row.Size == 0 {
		return math.NaN()
	}
	return float64(row.Retained[c]) / float64(row.Size)
}

var heatColors = []color.Color{
	color.RGBA{0xf7, 0xfb, 0xff, 0xff}, color.RGBA{0xde, 0xeb, 0xf7, 0xff}, color.RGBA{0xc6, 0xdb, 0xef, 0xff},
	color.RGBA{0x9e, 0xca, 0xe1, 0xff}, color.RGBA{0x6b, 0xae, 0xd6, 0xff}, color.RGBA{0x42, 0x92, 0xc6, 0xff},
	color.RGBA{0x21, 0x71, 0xb5, 0xff},
}

// mutedColor fills the cells of muted cohorts, under a hatch.
var mutedColor = color.RGBA{0xf2, 0xf2, 0xf2, 0xff}

type fixedPalette []color.Color

func (p fixedPalette) Colors() []color.Color { return p }

// mutedCells fills the observed cells of muted rows grey and hatched.
type mutedCells struct{ g retentionGrid }

func (m mutedCells) Plot(c draw.Canvas, plt *plot.Plot) {
	trX, trY := plt.Transforms(&c)
	for r, row := range m.g.rows {
		if !row.Muted {
			continue
		}
		if len(row.Retained) == 0 {
			continue
		}
		// The months over are the first ones: one block per row.
		x0, x1 := m.g.X(0)-0.5, m.g.X(len(row.Retained)-1)+0.5
		y := m.g.Y(r)
		rect := vg.Rectangle{Min: vg.Point{X: trX(x0), Y: trY(y - 0.5)}, Max: vg.Point{X: trX(x1), Y: trY(y + 0.5)}}
		c.FillPolygon(mutedColor, rectPoints(rect))
		drawHatch(c, rect)
	}
}

// retentionCell is the text of one cell: the share in percent, or the
// people on a muted row; the narrow layout leaves out the % sign.
func retentionCell(row cohortRow, col int, l layout) string {
	if row.Muted {
		return fmtInt(row.Retained[col])
	}
	s := strconv.Itoa(int(math.Round(100 * float64(row.Retained[col]) / float64(row.Size))))
	if !l.narrow() {
		s += "%"
	}
	return s
}

// retentionChart draws the newcomer cohorts against months since first
// contact, each cell the share of the cohort active in that month.
func retentionChart(c *Community, l layout) (template.HTML, error) {
	rows := cohortRows(c.Cohorts)
	xLabel := "months since first contact"
	if l.narrow() {
		xLabel += " (cells: % active)"
	}
	yLabel := "cohort (first contact)"
	if l.narrow() {
		yLabel = ""
	}
	p := newLayoutPlot(l, c.Name+": newcomers active again, by month of first contact", xLabel, yLabel)
	g := retentionGrid{rows}
	hm := plotter.NewHeatMap(g, fixedPalette(heatColors))
	hm.Min = 0
	hm.Max = 0
	var xys plotter.XYs
	var labels []string
	var styles []text.Style
	for r := range rows {
		for col := 0; col < retentionMonths; col++ {
			z := g.share(col, r)
			if math.IsNaN(z) {
				continue
			}
			if !rows[r].Muted {
				hm.Max = math.Max(hm.Max, z)
			}
			xys = append(xys, plotter.XY{X: g.X(col), Y: g.Y(r)})
			labels = append(labels, retentionCell(rows[r], col, l))
		}
	}
	if hm.Max == 0 {
		hm.Max = 1
	}
	for r := range rows {
		for col := 0; col < retentionMonths; col++ {
			z := g.share(col, r)
			if math.IsNaN(z) {
				continue
			}
			ts := textStyle(l.small)
			ts.XAlign = draw.XCenter
			switch {
			case rows[r].Muted:
				ts.Color = mutedInk
			case z > 0.6*hm.Max:
				ts.Color = color.White // readable on the darker cells
			}
			styles = append(styles, ts)
		}
	}
	hm.NaN = nil // no fill: the background
	hm.Underflow, hm.Overflow = heatColors[0], heatColors[len(heatColors)-1]
	p.Add(hm, mutedCells{g})
	if len(xys) > 0 {
		lb, err := plotter.NewLabels(plotter.XYLabels{XYs: xys, Labels: labels})
		if err != nil {
			return "", err
		}
		copy(lb.TextStyle, styles)
		p.Add(lb)
	}
	names := make([]string, len(rows))
	for i, r := range rows {
		names[i] = r.rowLabel()
	}
	p.Y.Tick.Marker = labelTicks{labels: names, every: 1}
	xt := make([]plot.Tick, retentionMonths)
	for i := range xt {
		xt[i] = plot.Tick{Value: float64(i + 1), Label: strconv.Itoa(i + 1)}
	}
	p.X.Tick.Marker = plot.ConstantTicks(xt)
	// A hair of margin: cells on the edge are otherwise dropped by rounding.
	const eps = 1e-6
	p.X.Min, p.X.Max = 0.5-eps, retentionMonths+0.5+eps
	p.Y.Min, p.Y.Max = -0.5-eps, float64(len(rows))-0.5+eps
	var legend []legendEntry
	if anyMuted(rows) {
		legend = []legendEntry{{label: "fewer than " + strconv.Itoa(minCohort) + " newcomers: cells count people", fill: mutedColor, hatch: true}}
	}
	return renderLayout(p, l, 60+17*float64(len(rows)), legend)
}

func anyMuted(rows []cohortRow) bool {
	for _, r := range rows {
		if r.Muted {
			return true
		}
	}
	return false
}

// responseSegments splits the quarters with an answered item into runs
// of consecutive quarters: the response lines are drawn per run, so that
// a quarter without an answer is a gap, not a line across.
func responseSegments(qs []QuarterResponse) [][]int {
	var out [][]int
	var run []int
	for i, q := range qs {
		if q.Answered == 0 {
			if len(run) > 0 {
				out = append(out, run)
			}
			run = nil
			continue
		}
		run = append(run, i)
	}
	if len(run) > 0 {
		out = append(out, run)
	}
	return out
}

// answeredRow draws the number of items answered in each quarter (n) in
// a row between the quarters' tick labels and the axis title, which
// leaves it room (its padding).
func answeredRow(qs []QuarterResponse, style text.Style) overlay {
	return func(p *plot.Plot, area, data draw.Canvas) {
		trX, _ := p.Transforms(&data)
		y := area.Min.Y + p.X.Label.TextStyle.Height(p.X.Label.Text) + p.X.Label.Padding/2
		ts := style
		ts.XAlign, ts.YAlign = draw.XCenter, draw.YCenter
		for i, q := range qs {
			area.FillText(ts, vg.Point{X: trX(float64(i)), Y: y}, fmtInt(q.Answered))
		}
		ts.XAlign = draw.XRight
		area.FillText(ts, vg.Point{X: data.Min.X - vg.Points(6), Y: y}, "n")
	}
}

// responseQuarters is how many of the last quarters fit the width w (in
// points) of the plot so that no two n labels touch.
func responseQuarters(qs []QuarterResponse, style text.Style, w vg.Length) int {
	widest := vg.Length(0)
	for _, q := range qs {
		widest = max(widest, style.Width(fmtInt(q.Answered)))
	}
	fit := int(w / (widest + vg.Points(4)))
	return max(1, min(len(qs), fit))
}

// responseChart draws the median and 90th percentile of the time to first
// response per quarter, in days, with a gap where no item was answered and
// the number answered under each quarter.
func responseChart(c *Community, yMax float64, l layout) (template.HTML, error) {
	qs := c.Responses
	tick := textStyle(l.small)
	// The plot is about 80 points narrower than the chart.
	xLabel := "quarter opened (n: items answered)"
	if k := responseQuarters(qs, tick, vg.Points(l.width-80)); k < len(qs) {
		qs = qs[len(qs)-k:]
		xLabel = "last " + strconv.Itoa(k) + " quarters (n: items answered)"
	}
	p := newLayoutPlot(l, c.Name+": time to first response on newcomers' first issue or PR", xLabel, "days to first response")
	p.X.Tick.Label.Font.Size = vg.Points(l.small)
	var legend []legendEntry
	for i, name := range []string{"median", "90th percentile"} {
		ls := draw.LineStyle{Color: seriesColors[i], Width: vg.Points(2)}
		if i == 1 {
			ls.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
		}
		gs := draw.GlyphStyle{Color: seriesColors[i], Shape: draw.CircleGlyph{}, Radius: vg.Points(3)}
		if i == 1 {
			gs.Shape = draw.TriangleGlyph{}
			gs.Radius = vg.Points(3.5)
		}
		for _, run := range responseSegments(qs) {
			var xys plotter.XYs
			for _, k := range run {
				v := qs[k].MedianHours / 24
				if i == 1 {
					v = qs[k].P90Hours / 24
				}
				xys = append(xys, plotter.XY{X: float64(k), Y: v})
			}
			if len(xys) > 1 {
				ln, err := plotter.NewLine(xys)
				if err != nil {
					return "", err
				}
				ln.LineStyle = ls
				p.Add(ln)
			}
			pts, err := plotter.NewScatter(xys)
			if err != nil {
				return "", err
			}
			pts.GlyphStyle = gs
			p.Add(pts)
		}
		legend = append(legend, legendEntry{label: name, line: &ls, glyph: &gs})
	}
	qLabels := make([]string, len(qs))
	for i, q := range qs {
		qLabels[i] = q.Label
	}
	p.X.Tick.Marker = labelTicks{labels: qLabels, every: everyNth(len(qs), l.xTicks)}
	p.X.Label.Padding = 2 * lineHeight(tick)
	p.X.Min, p.X.Max = -0.5, float64(len(qs))-0.5
	p.Y.Min = 0
	p.Y.Max = niceMax(yMax, l.yTicks, false)
	p.Y.Tick.Marker = niceTicks{n: l.yTicks, integer: false}
	return renderLayout(p, l, 260, legend, answeredRow(qs, tick))
}
