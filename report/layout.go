package report

import (
	"bytes"
	"fmt"
	"html/template"
	"image/color"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"
)

// minScreenText is the smallest size, in CSS pixels, chart text is shown
// at: an SVG is never narrower on screen than its width times minScreenText
// over its smallest font (it scrolls sideways in its box instead).
const minScreenText = 11

// A layout is the size and type scale a chart is drawn at. Sizes are CSS
// pixels at the SVG's natural width (vgsvg's points become the view box's
// units). The page shows the narrow layout below wideFrom pixels of window
// width and the wide one from there, so the text of either is never drawn
// smaller than minScreenText: the narrow SVG is at most 340 px wide in a
// box 358 px wide at a 400 px window (html.go's styles), the wide
// one 640 px in a box 678 px wide at 760 px.
type layout struct {
	name  string
	width float64
	// font is the size of ticks, legends and labels; small that of cell
	// labels, the smallest text; title and label those of the title and
	// axis titles.
	font, small, title, label float64
	// xTicks and yTicks are the most labelled ticks along each axis.
	xTicks, yTicks int
}

var (
	narrowLayout = layout{name: "narrow", width: 340, font: 12, small: 11, title: 13, label: 12, xTicks: 4, yTicks: 5}
	wideLayout   = layout{name: "wide", width: 640, font: 12, small: 11, title: 14, label: 13, xTicks: 8, yTicks: 6}
)

// wideFrom is the window width, in CSS pixels, from which the page shows
// the wide layout (html.go's styles use the same number).
const wideFrom = 760

func (l layout) narrow() bool { return l.name == narrowLayout.name }

// newLayoutPlot returns a plot with l's type scale. The title is drawn by
// renderLayout, wrapped to the chart's width.
func newLayoutPlot(l layout, title, xLabel, yLabel string) *plot.Plot {
	p := newPlot(title, xLabel, yLabel)
	p.X.Label.TextStyle.Font.Size = vg.Points(l.label)
	p.Y.Label.TextStyle.Font.Size = vg.Points(l.label)
	p.X.Tick.Label.Font.Size = vg.Points(l.font)
	p.Y.Tick.Label.Font.Size = vg.Points(l.font)
	p.Legend.TextStyle.Font.Size = vg.Points(l.font)
	p.Title.TextStyle.Font.Size = vg.Points(l.title)
	p.X.Label.Padding = vg.Points(4)
	p.Y.Label.Padding = vg.Points(4)
	return p
}

// lineHeight is the distance between lines of text drawn one by one:
// gonum's multi-line text sets them one em apart, which a browser's text
// boxes overlap.
func lineHeight(style text.Style) vg.Length { return style.Font.Size * 1.25 }

// fillLines draws lines centred on pt as a block, lineHeight apart, in
// style's horizontal alignment.
func fillLines(c draw.Canvas, style text.Style, pt vg.Point, lines []string) {
	lh := lineHeight(style)
	style.YAlign = draw.YCenter
	top := pt.Y + lh*vg.Length(len(lines)-1)/2
	for i, ln := range lines {
		c.FillText(style, vg.Point{X: pt.X, Y: top - vg.Length(i)*lh}, ln)
	}
}

// wrapText breaks s into lines no wider than width in style, at spaces; a
// word wider than width has a line of its own.
func wrapText(s string, style text.Style, width vg.Length) []string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(s) {
		try := w
		if line != "" {
			try = line + " " + w
		}
		if line != "" && style.Width(try) > width {
			lines = append(lines, line)
			try = w
		}
		line = try
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}

// A legendEntry is one key of a legend: a filled swatch, a line sample,
// or both, with its label.
type legendEntry struct {
	label string
	fill  color.Color
	// hatch draws diagonal lines over the swatch, as on muted cells.
	hatch bool
	line  *draw.LineStyle
	glyph *draw.GlyphStyle
}

// legendGrid lays out entries in rows of as many columns as fit in width.
type legendGrid struct {
	entries []legendEntry
	style   text.Style
	cols    int
	colW    vg.Length
	rowH    vg.Length
	swatch  vg.Length
}

func newLegendGrid(entries []legendEntry, l layout, width vg.Length) legendGrid {
	g := legendGrid{entries: entries, style: textStyle(l.font)}
	g.swatch = vg.Points(2 * l.font)
	g.rowH = vg.Points(1.6 * l.font)
	for _, e := range entries {
		g.colW = max(g.colW, g.swatch+vg.Points(5)+g.style.Width(e.label)+vg.Points(14))
	}
	if len(entries) > 0 {
		g.cols = max(1, min(len(entries), int(width/g.colW)))
	}
	return g
}

func (g legendGrid) rows() int {
	if g.cols == 0 {
		return 0
	}
	return (len(g.entries) + g.cols - 1) / g.cols
}

func (g legendGrid) height() vg.Length { return vg.Length(g.rows()) * g.rowH }

// draw draws the legend with its top left corner at (x, top).
func (g legendGrid) draw(c draw.Canvas, x, top vg.Length) {
	for i, e := range g.entries {
		ex := x + vg.Length(i%g.cols)*g.colW
		cy := top - vg.Length(i/g.cols)*g.rowH - g.rowH/2
		h := g.rowH * 0.6
		if e.fill != nil {
			r := vg.Rectangle{Min: vg.Point{X: ex, Y: cy - h/2}, Max: vg.Point{X: ex + g.swatch, Y: cy + h/2}}
			c.FillPolygon(e.fill, rectPoints(r))
			if e.hatch {
				drawHatch(c, r)
			}
		}
		if e.line != nil {
			c.StrokeLine2(*e.line, ex, cy, ex+g.swatch, cy)
		}
		if e.glyph != nil {
			c.DrawGlyphNoClip(*e.glyph, vg.Point{X: ex + g.swatch/2, Y: cy})
		}
		ts := g.style
		ts.YAlign = draw.YCenter
		c.FillText(ts, vg.Point{X: ex + g.swatch + vg.Points(5), Y: cy}, e.label)
	}
}

func rectPoints(r vg.Rectangle) []vg.Point {
	return []vg.Point{r.Min, {X: r.Min.X, Y: r.Max.Y}, r.Max, {X: r.Max.X, Y: r.Min.Y}}
}

var hatchColor = color.RGBA{0xb4, 0xb4, 0xb4, 0xff}

// drawHatch draws diagonal lines across r, 5 points apart, as one path.
func drawHatch(c draw.Canvas, r vg.Rectangle) {
	sty := draw.LineStyle{Color: hatchColor, Width: vg.Points(0.8)}
	w, h := r.Max.X-r.Min.X, r.Max.Y-r.Min.Y
	step := vg.Points(5)
	var path vg.Path
	for d := step / 2; d < w+h; d += step {
		// The line x - y = d - h from the bottom edge to the top edge,
		// clipped to r.
		x0, y0 := r.Min.X+d, r.Min.Y
		x1, y1 := r.Min.X+d-h, r.Max.Y
		if x0 > r.Max.X {
			y0 += x0 - r.Max.X
			x0 = r.Max.X
		}
		if x1 < r.Min.X {
			y1 -= r.Min.X - x1
			x1 = r.Min.X
		}
		path.Move(vg.Point{X: x0, Y: y0})
		path.Line(vg.Point{X: x1, Y: y1})
	}
	c.SetLineStyle(sty)
	c.Stroke(path)
}

// chartMargin is the blank border around every chart, so that no glyph
// touches the SVG's edge.
const chartMargin = 4

// An overlay draws on a chart after its plot, given the plot's canvas
// and the canvas of its data area.
type overlay func(p *plot.Plot, plotArea, data draw.Canvas)

// renderLayout draws p at l's width and plotHeight points high for the
// plot itself, under its title (wrapped to the width) and a legend of
// entries, if any, then the overlays.
func renderLayout(p *plot.Plot, l layout, plotHeight float64, entries []legendEntry, overlays ...overlay) (template.HTML, error) {
	width := vg.Points(l.width - 2*chartMargin)
	ts := p.Title.TextStyle
	ts.XAlign = draw.XCenter
	ts.YAlign = draw.YTop
	title := wrapText(p.Title.Text, ts, width)
	lineH := ts.FontExtents().Height
	titleH := vg.Length(len(title)) * lineH
	if len(title) > 0 {
		titleH += vg.Points(6)
	}
	legend := newLegendGrid(entries, l, width)
	legendH := legend.height()
	if legendH > 0 {
		legendH += vg.Points(4)
	}
	h := vg.Points(plotHeight+2*chartMargin) + titleH + legendH
	c := vgsvg.New(vg.Points(l.width), h)
	dc := draw.Crop(draw.New(c), vg.Points(chartMargin), -vg.Points(chartMargin), vg.Points(chartMargin), -vg.Points(chartMargin))
	top := dc.Max.Y
	for i, line := range title {
		dc.FillText(ts, vg.Point{X: dc.Center().X, Y: top - vg.Length(i)*lineH}, line)
	}
	top -= titleH
	if legend.rows() > 0 {
		// Centred under the title.
		used := vg.Length(min(legend.cols, len(entries)))*legend.colW - vg.Points(14)
		legend.draw(dc, dc.Min.X+max(0, (width-used)/2), top)
		top -= legendH
	}
	name := p.Title.Text
	p.Title.Text = ""
	pc := dc
	pc.Max.Y = top
	p.Draw(pc)
	data := p.DataCanvas(pc)
	for _, o := range overlays {
		o(p, pc, data)
	}
	p.Title.Text = name
	return finishSVG(c, name)
}

var (
	xmlProlog  = regexp.MustCompile(`(?s)^<\?xml[^>]*\?>\s*(<!--.*?-->\s*)?`)
	fontFamily = regexp.MustCompile(`font-family:Liberation (Sans|Serif|Mono);`)
	svgSize    = regexp.MustCompile(`^<svg width="([0-9.]+)pt" height="([0-9.]+)pt"`)
	fontSizes  = regexp.MustCompile(`font-size:([0-9.]+)px`)
)

// finishSVG writes c as an SVG fit for inlining in HTML: no XML prolog,
// generic font families as fallbacks (nothing to download), sized by its
// view box so that it scales with the page but never below the width at
// which its smallest text is minScreenText pixels on screen. name names
// the chart in errors.
func finishSVG(c *vgsvg.Canvas, name string) (template.HTML, error) {
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		return "", fmt.Errorf("draw chart %q: %w", name, err)
	}
	s := xmlProlog.ReplaceAllString(buf.String(), "")
	// Sans-serif is the SVG's own font, which its texts inherit; the
	// others are named where used.
	s = fontFamily.ReplaceAllStringFunc(s, func(m string) string {
		switch {
		case strings.Contains(m, "Serif"):
			return "font-family:'Liberation Serif',serif;"
		case strings.Contains(m, "Mono"):
			return "font-family:'Liberation Mono',monospace;"
		}
		return ""
	})
	s = strings.ReplaceAll(s, "font-variant:normal;font-weight:normal;font-style:normal;", "")
	smallest := math.Inf(1)
	for _, m := range fontSizes.FindAllStringSubmatch(s, -1) {
		if v, err := strconv.ParseFloat(m[1], 64); err == nil && v > 0 {
			smallest = min(smallest, v)
		}
	}
	m := svgSize.FindStringSubmatch(s)
	if m == nil {
		return "", fmt.Errorf("draw chart %q: no SVG size", name)
	}
	w, _ := strconv.ParseFloat(m[1], 64)
	minWidth := ""
	if !math.IsInf(smallest, 1) && smallest < minScreenText {
		minWidth = `;min-width:` + strconv.FormatFloat(math.Ceil(w*minScreenText/smallest), 'f', -1, 64) + `px`
	}
	style := ` style="font-family:'Liberation Sans',Arial,Helvetica,sans-serif` + minWidth + `"`
	s = svgSize.ReplaceAllString(s, `<svg class="plot" role="img"`+style+` width="${1}" height="${2}"`)
	// The SVG's text was escaped by vgsvg (html.EscapeString) and its other
	// content is numbers and styles written by the package.
	return template.HTML(s), nil
}

// responsive shows narrow on small screens and wide on the others, each
// in a box that scrolls sideways rather than shrink text below
// minScreenText.
func responsive(narrow, wide template.HTML) template.HTML {
	return `<div class="plot-box plot-narrow">` + narrow + `</div><div class="plot-box plot-wide">` + wide + `</div>`
}

// drawLayouts draws a chart in both layouts.
func drawLayouts(draw func(layout) (template.HTML, error)) (template.HTML, error) {
	n, err := draw(narrowLayout)
	if err != nil {
		return "", err
	}
	w, err := draw(wideLayout)
	if err != nil {
		return "", err
	}
	return responsive(n, w), nil
}

// niceTicks marks round steps, 1, 2 or 5 times a power of ten, at most n
// of them labelled. On a count axis (integer) the step is at least 1 and
// labels have no decimals.
type niceTicks struct {
	n       int
	integer bool
}

// niceStep is the smallest round step that splits span into at most n-1
// intervals.
func niceStep(span float64, n int, integer bool) float64 {
	if n < 2 {
		n = 2
	}
	if !(span > 0) || math.IsInf(span, 0) {
		return 1
	}
	raw := span / float64(n-1)
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	step := 10 * p
	for _, m := range []float64{1, 2, 5, 10} {
		// A little slack for floating point: 0.3/3 is 0.09999….
		if m*p >= raw*(1-1e-9) {
			step = m * p
			break
		}
	}
	if integer && step < 1 {
		step = 1
	}
	return step
}

// niceMax is the top of an axis from 0 that shows max: the first round
// step at or above it.
func niceMax(max float64, n int, integer bool) float64 {
	if !(max > 0) {
		return 1
	}
	step := niceStep(max, n, integer)
	return math.Ceil(max/step*(1-1e-12)) * step
}

func (t niceTicks) Ticks(min, max float64) []plot.Tick {
	if max < min {
		min, max = max, min
	}
	step := niceStep(max-min, t.n, t.integer)
	decimals := 0
	if !t.integer && step < 1 {
		decimals = int(math.Ceil(-math.Log10(step) - 1e-9))
	}
	var out []plot.Tick
	for k := math.Ceil(min/step - 1e-9); k*step <= max+step*1e-9; k++ {
		v := k * step
		if math.Abs(v) < step*1e-9 {
			v = 0
		}
		var label string
		if t.integer {
			label = fmtInt(int64(math.Round(v)))
		} else {
			label = strconv.FormatFloat(v, 'f', decimals, 64)
		}
		out = append(out, plot.Tick{Value: v, Label: label})
	}
	return out
}

// everyNth is how many labels to skip so that at most n of count are
// labelled.
func everyNth(count, n int) int {
	if n < 1 || count <= n {
		return 1
	}
	return (count + n - 1) / n
}

// dodge places labels of heights h (same order as want) as near as it can
// to the wanted centres want, within [lo, hi], with gap between
// neighbours and their order kept. When they cannot all fit, they are
// spread evenly from lo. Lengths are in any one unit.
func dodge(want, h []float64, lo, hi, gap float64) []float64 {
	n := len(want)
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return want[order[a]] < want[order[b]] })
	pos := make([]float64, n)
	total := 0.0
	for _, v := range h {
		total += v
	}
	total += gap * float64(max(0, n-1))
	if total > hi-lo {
		y := lo
		for _, i := range order {
			pos[i] = y + h[i]/2
			y += h[i] + gap
		}
		return pos
	}
	// Up from the bottom: each label at its wish or just above the one
	// below; then down from the top for those pushed past hi.
	floor := lo
	for _, i := range order {
		pos[i] = math.Max(want[i], floor+h[i]/2)
		floor = pos[i] + h[i]/2 + gap
	}
	ceil := hi
	for k := n - 1; k >= 0; k-- {
		i := order[k]
		pos[i] = math.Min(pos[i], ceil-h[i]/2)
		ceil = pos[i] - h[i]/2 - gap
	}
	return pos
}
