package report

import (
	"fmt"
	"html"
	"html/template"
	"math"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/journeys-dev/journeys/analyze"
)

func tickLabels(ticks []plot.Tick) []string {
	var out []string
	for _, t := range ticks {
		if t.Label != "" {
			out = append(out, t.Label)
		}
	}
	return out
}

func TestNiceTicks(t *testing.T) {
	for _, tc := range []struct {
		min, max float64
		n        int
		integer  bool
		want     []string
	}{
		{0, 250, 6, true, []string{"0", "50", "100", "150", "200", "250"}},
		{0, 300, 6, true, []string{"0", "100", "200", "300"}},
		{0, 3, 6, true, []string{"0", "1", "2", "3"}},
		{0, 1, 5, true, []string{"0", "1"}},                   // never half a person
		{0, 12000, 5, true, []string{"0", "5,000", "10,000"}}, // thousands separated
		{0, 15, 5, true, []string{"0", "5", "10", "15"}},
		{0, 0.6, 5, false, []string{"0.0", "0.2", "0.4", "0.6"}},
		{0, 6, 6, false, []string{"0", "2", "4", "6"}},
		{0, 0.03, 4, false, []string{"0.00", "0.01", "0.02", "0.03"}},
		{0, 0, 5, true, []string{"0"}},
	} {
		t.Run(fmt.Sprintf("%v-%v/%d", tc.min, tc.max, tc.n), func(t *testing.T) {
			got := tickLabels(niceTicks{n: tc.n, integer: tc.integer}.Ticks(tc.min, tc.max))
			if !slices.Equal(got, tc.want) {
				t.Errorf("ticks = %q, want %q", got, tc.want)
			}
			if len(got) > max(tc.n, 1) {
				t.Errorf("%d labels, want at most %d", len(got), tc.n)
			}
		})
	}
}

func TestNiceMax(t *testing.T) {
	for _, tc := range []struct {
		max     float64
		n       int
		integer bool
		want    float64
	}{
		{230, 6, true, 250},
		{250, 6, true, 250},
		{12, 5, true, 15},
		{3, 6, true, 3},
		{0.4, 6, true, 1},
		{0, 6, true, 1},
		{5.6, 6, false, 6},
		{0.26, 5, false, 0.3},
	} {
		if got := niceMax(tc.max, tc.n, tc.integer); math.Abs(got-tc.want) > 1e-9 {
			t.Errorf("niceMax(%v, %d, %v) = %v, want %v", tc.max, tc.n, tc.integer, got, tc.want)
		}
		// The axis's top is its last tick.
		ticks := niceTicks{n: tc.n, integer: tc.integer}.Ticks(0, niceMax(tc.max, tc.n, tc.integer))
		if last := ticks[len(ticks)-1].Value; math.Abs(last-niceMax(tc.max, tc.n, tc.integer)) > 1e-9 {
			t.Errorf("niceMax(%v) = %v but the last tick is %v", tc.max, niceMax(tc.max, tc.n, tc.integer), last)
		}
	}
}

func TestEveryNth(t *testing.T) {
	for _, tc := range []struct{ count, n, want int }{
		{60, 8, 8}, {16, 4, 4}, {17, 4, 5}, {3, 8, 1}, {8, 8, 1}, {5, 0, 1},
	} {
		got := everyNth(tc.count, tc.n)
		if got != tc.want {
			t.Errorf("everyNth(%d, %d) = %d, want %d", tc.count, tc.n, got, tc.want)
		}
		if labelled := (tc.count + got - 1) / got; tc.n > 0 && labelled > tc.n {
			t.Errorf("everyNth(%d, %d) labels %d", tc.count, tc.n, labelled)
		}
	}
}

func TestWrapText(t *testing.T) {
	style := textStyle(12)
	for _, tc := range []struct {
		s     string
		width vg.Length
		want  []string
	}{
		{"Participation (270)", 200, []string{"Participation (270)"}},
		{"Sustained participation (8)", 92, []string{"Sustained", "participation (8)"}},
		{"Networked participation (22)", 80, []string{"Networked", "participation", "(22)"}},
		{"Supercalifragilistic", 20, []string{"Supercalifragilistic"}},
		{"", 100, nil},
	} {
		got := wrapText(tc.s, style, tc.width)
		if !slices.Equal(got, tc.want) {
			t.Errorf("wrapText(%q, %v) = %q, want %q", tc.s, tc.width, got, tc.want)
		}
		for _, line := range got {
			if style.Width(line) > tc.width && strings.Contains(line, " ") {
				t.Errorf("wrapText(%q): %q is wider than %v", tc.s, line, tc.width)
			}
		}
	}
}

// checkDodged fails unless the labels at pos keep their wanted order, lie
// within [lo, hi] and do not overlap.
func checkDodged(t *testing.T, want, h, pos []float64, lo, hi, gap float64) {
	t.Helper()
	order := make([]int, len(want))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return want[order[a]] < want[order[b]] })
	for k, i := range order {
		if pos[i]-h[i]/2 < lo-1e-9 || pos[i]+h[i]/2 > hi+1e-9 {
			t.Errorf("label %d at %.1f (height %.1f) leaves [%v, %v]", i, pos[i], h[i], lo, hi)
		}
		if k > 0 {
			j := order[k-1]
			if space := (pos[i] - h[i]/2) - (pos[j] + h[j]/2); space < gap-1e-9 {
				t.Errorf("labels %d and %d are %.2f apart, want at least %v", j, i, space, gap)
			}
		}
	}
}

func TestDodge(t *testing.T) {
	for _, tc := range []struct {
		name       string
		want, h    []float64
		lo, hi     float64
		gap        float64
		unmoved    bool // every label where it was wanted
		wantCenter []float64
	}{
		{name: "apart already", want: []float64{10, 50, 90}, h: []float64{10, 10, 10}, lo: 0, hi: 100, gap: 2, unmoved: true},
		{name: "two on one spot", want: []float64{50, 50}, h: []float64{10, 10}, lo: 0, hi: 100, gap: 2, wantCenter: []float64{50, 62}},
		{name: "thin stocks at the top", want: []float64{99, 98, 97, 96, 95}, h: []float64{14, 14, 14, 14, 14}, lo: 0, hi: 100, gap: 3},
		{name: "thin stocks at the bottom", want: []float64{0, 1, 2}, h: []float64{28, 14, 14}, lo: 0, hi: 100, gap: 3},
		{name: "unsorted", want: []float64{60, 10, 58, 12}, h: []float64{10, 10, 10, 10}, lo: 0, hi: 100, gap: 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pos := dodge(tc.want, tc.h, tc.lo, tc.hi, tc.gap)
			checkDodged(t, tc.want, tc.h, pos, tc.lo, tc.hi, tc.gap)
			if tc.unmoved && !slices.Equal(pos, tc.want) {
				t.Errorf("labels moved to %v from %v, with room for them", pos, tc.want)
			}
			if tc.wantCenter != nil && !slices.Equal(pos, tc.wantCenter) {
				t.Errorf("labels at %v, want %v", pos, tc.wantCenter)
			}
		})
	}
}

func TestStockLabelsDoNotOverlap(t *testing.T) {
	// Seven stocks on each side, six of them one person among 300: the
	// labels of thin stocks must move apart.
	p := plot.New()
	p.X.Min, p.X.Max = 0, 1
	p.Y.Min, p.Y.Max = 0, 300
	s := &stockLabels{style: textStyle(12), bar: vg.Points(14), gap: vg.Points(5)}
	for cat := 0; cat < 2; cat++ {
		lo := 0.0
		for i, size := range []float64{294, 1, 1, 1, 1, 1, 1} {
			lines := []string{"Stage " + strconv.Itoa(i)}
			if i%2 == 1 {
				lines = append(lines, "("+strconv.Itoa(int(size))+")")
			}
			s.labels = append(s.labels, stockLabel{lines: lines, category: cat, lo: lo, hi: lo + size})
			lo += size
		}
	}
	c := draw.Canvas{Rectangle: vg.Rectangle{Max: vg.Point{X: 300, Y: 300}}}
	pos := s.positions(c, p)
	for cat := 0; cat < 2; cat++ {
		var want, h, got []float64
		_, trY := p.Transforms(&c)
		for i, l := range s.labels {
			if l.category == cat {
				want = append(want, float64(trY((l.lo+l.hi)/2)))
				h = append(h, float64(s.height(i)))
				got = append(got, float64(pos[i]))
			}
		}
		checkDodged(t, want, h, got, 0, 300, float64(vg.Points(3)))
	}
}

func TestCohortRows(t *testing.T) {
	month := func(y int, m time.Month) time.Time { return time.Date(y, m, 1, 0, 0, 0, 0, time.UTC) }
	for _, tc := range []struct {
		name    string
		cohorts []Cohort
		want    []cohortRow
	}{
		{
			name: "monthly, small ones muted",
			cohorts: []Cohort{
				{Month: month(2024, 1), Size: 1, Retained: []int64{1, 1, 0}},
				{Month: month(2024, 2), Size: 12, Retained: []int64{6, 3}},
				{Month: month(2024, 3), Size: 9, Retained: []int64{2}},
				{Month: month(2024, 4), Size: 10, Retained: nil},
			},
			want: []cohortRow{
				{Label: "2024-01", Size: 1, Retained: []int64{1, 1, 0}, Muted: true},
				{Label: "2024-02", Size: 12, Retained: []int64{6, 3}},
				{Label: "2024-03", Size: 9, Retained: []int64{2}, Muted: true},
				{Label: "2024-04", Size: 10, Retained: []int64{}},
			},
		},
		{
			name: "over 36 months: by quarter, months over for all",
			cohorts: []Cohort{
				{Month: month(2020, 1), Size: 4, Retained: []int64{2, 1, 1}},
				{Month: month(2020, 3), Size: 7, Retained: []int64{3, 2}},
				{Month: month(2023, 5), Size: 3, Retained: []int64{1}},
			},
			want: []cohortRow{
				{Label: "2020-Q1", Size: 11, Retained: []int64{5, 3}},
				{Label: "2023-Q2", Size: 3, Retained: []int64{1}, Muted: true},
			},
		},
		{name: "none", cohorts: nil, want: nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := cohortRows(tc.cohorts)
			if len(got) != len(tc.want) {
				t.Fatalf("rows = %+v, want %+v", got, tc.want)
			}
			for i := range got {
				g, w := got[i], tc.want[i]
				if g.Label != w.Label || g.Size != w.Size || g.Muted != w.Muted || !slices.Equal(g.Retained, w.Retained) {
					t.Errorf("row %d = %+v, want %+v", i, g, w)
				}
			}
		})
	}
	// The cohorts themselves are left as they were.
	in := []Cohort{{Month: month(2020, 1), Size: 4, Retained: []int64{2}}, {Month: month(2020, 2), Size: 4, Retained: []int64{1}}}
	cohortRows(append(in, Cohort{Month: month(2023, 6), Size: 1}))
	if in[0].Retained[0] != 2 {
		t.Errorf("cohortRows changed its input: %+v", in)
	}
}

// svgText is one text element of an SVG as vgsvg writes it.
type svgText struct {
	x, y float64
	size float64
	s    string
}

var svgTextRE = regexp.MustCompile(`(?s)<text x="([-0-9.e]+)" y="([-0-9.e]+)"[^>]*?font-size:([0-9.]+)px[^>]*>([^<]*)</text>`)

func svgTexts(svg string) []svgText {
	var out []svgText
	for _, m := range svgTextRE.FindAllStringSubmatch(svg, -1) {
		x, _ := strconv.ParseFloat(m[1], 64)
		y, _ := strconv.ParseFloat(m[2], 64)
		size, _ := strconv.ParseFloat(m[3], 64)
		out = append(out, svgText{x: x, y: y, size: size, s: html.UnescapeString(m[4])})
	}
	return out
}

// layouts splits a responsive chart into its narrow and wide SVGs.
func layouts(t *testing.T, h template.HTML) (narrow, wide string) {
	t.Helper()
	svgs := regexp.MustCompile(`(?s)<svg.*?</svg>`).FindAllString(string(h), -1)
	if len(svgs) != 2 || !strings.Contains(string(h), "plot-narrow") || !strings.Contains(string(h), "plot-wide") {
		t.Fatalf("want a narrow and a wide SVG, got %d SVGs", len(svgs))
	}
	return svgs[0], svgs[1]
}

func responseCommunity(answered []int64) *Community {
	c := &Community{Name: "Example"}
	for i, n := range answered {
		start := time.Date(2022, time.Month(1+3*(i%4)), 1, 0, 0, 0, 0, time.UTC).AddDate(i/4, 0, 0)
		q := QuarterResponse{Start: start, Label: quarterLabel(start), Items: n + 1, Answered: n}
		if n > 0 {
			q.MedianHours, q.P90Hours = float64(24*(i+1)), float64(48*(i+1))
		}
		c.Responses = append(c.Responses, q)
	}
	return c
}

func TestResponseSegments(t *testing.T) {
	for _, tc := range []struct {
		answered []int64
		want     [][]int
	}{
		{[]int64{1, 2, 3}, [][]int{{0, 1, 2}}},
		{[]int64{1, 0, 2, 3, 0, 0, 4}, [][]int{{0}, {2, 3}, {6}}},
		{[]int64{0, 0}, nil},
		{[]int64{0, 5, 0}, [][]int{{1}}},
	} {
		got := responseSegments(responseCommunity(tc.answered).Responses)
		if fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("responseSegments(%v) = %v, want %v", tc.answered, got, tc.want)
		}
	}
}

// strokes counts the paths of an SVG stroked in colour, as vgsvg writes
// them (upper-case hex).
func strokes(svg, colour string) int {
	return strings.Count(svg, "stroke:"+colour+";stroke-width:2")
}

func TestResponseChartHasGapsAndN(t *testing.T) {
	for _, tc := range []struct {
		name     string
		answered []int64
		lines    int // lines drawn per series: runs of two quarters or more
	}{
		{"no gap", []int64{3, 1, 4, 1, 5}, 1},
		{"gaps", []int64{1, 0, 2, 3, 0, 0, 4, 12}, 2},
		{"lone points", []int64{2, 0, 7, 0, 1}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := responseCommunity(tc.answered)
			h, err := drawLayouts(func(l layout) (template.HTML, error) { return responseChart(c, 20, l) })
			if err != nil {
				t.Fatal(err)
			}
			narrow, wide := layouts(t, h)
			for name, svg := range map[string]string{"narrow": narrow, "wide": wide} {
				// One line per run, and the legend's sample: none bridges
				// a quarter without an answer.
				if got := strokes(svg, "#0072B2"); got != tc.lines+1 {
					t.Errorf("%s: %d median lines (with the legend's), want %d", name, got, tc.lines+1)
				}
				// The n row: "n", then each quarter's number answered,
				// left to right, on one baseline.
				texts := svgTexts(svg)
				var row []svgText
				for _, tx := range texts {
					if tx.s == "n" {
						for _, o := range texts {
							if o.y == tx.y && o.s != "n" {
								row = append(row, o)
							}
						}
					}
				}
				sort.Slice(row, func(i, j int) bool { return row[i].x < row[j].x })
				var got []string
				for _, tx := range row {
					got = append(got, tx.s)
				}
				var want []string
				for _, n := range tc.answered {
					want = append(want, fmtInt(n))
				}
				if !slices.Equal(got, want) {
					t.Errorf("%s: n row %q, want %q", name, got, want)
				}
			}
		})
	}
}

func TestResponseChartKeepsTheLastQuartersThatFit(t *testing.T) {
	// Four-digit counts in 16 quarters do not fit a phone's width: the
	// narrow chart shows the last quarters whose n labels fit.
	answered := make([]int64, 16)
	for i := range answered {
		answered[i] = int64(1000 + i)
	}
	c := responseCommunity(answered)
	svg, err := responseChart(c, 20, narrowLayout)
	if err != nil {
		t.Fatal(err)
	}
	var ns []svgText
	for _, tx := range svgTexts(string(svg)) {
		if strings.HasPrefix(tx.s, "1,0") {
			ns = append(ns, tx)
		}
	}
	if len(ns) == 0 || len(ns) >= 16 {
		t.Fatalf("%d n labels on the narrow chart, want fewer than 16", len(ns))
	}
	sort.Slice(ns, func(i, j int) bool { return ns[i].x < ns[j].x })
	said := false
	for _, tx := range svgTexts(string(svg)) {
		said = said || tx.s == fmt.Sprintf("last %d quarters (n: items answered)", len(ns))
	}
	if !said {
		t.Errorf("the narrow chart does not say it shows the last %d quarters", len(ns))
	}
	if last := ns[len(ns)-1].s; last != fmtInt(answered[15]) {
		t.Errorf("last n label %q, want the last quarter's %q", last, fmtInt(answered[15]))
	}
	style := textStyle(narrowLayout.small)
	for i := 1; i < len(ns); i++ {
		if space := ns[i].x - ns[i-1].x; space < float64(style.Width(ns[i].s)) {
			t.Errorf("n labels %q and %q are %.1f apart, narrower than the labels", ns[i-1].s, ns[i].s, space)
		}
	}
}

func TestRetentionChartMutesSmallCohorts(t *testing.T) {
	month := func(m time.Month) time.Time { return time.Date(2024, m, 1, 0, 0, 0, 0, time.UTC) }
	c := &Community{Name: "Example", Cohorts: []Cohort{
		{Month: month(1), Size: 1, Retained: []int64{1, 1, 1}},   // muted: 100% of one person
		{Month: month(2), Size: 20, Retained: []int64{10, 5}},    // coloured
		{Month: month(3), Size: 4, Retained: []int64{0}},         // muted
		{Month: month(4), Size: 30, Retained: []int64{}},         // nothing over yet
		{Month: month(5), Size: 9, Retained: []int64{}},          // muted, nothing over
		{Month: month(6), Size: minCohort, Retained: []int64{3}}, // coloured: the minimum
	}}
	for _, l := range []layout{narrowLayout, wideLayout} {
		t.Run(l.name, func(t *testing.T) {
			h, err := retentionChart(c, l)
			if err != nil {
				t.Fatal(err)
			}
			svg := string(h)
			// One hatched block per muted row with a month over, and the
			// legend's swatch.
			if got := strings.Count(svg, "stroke:#B4B4B4"); got != 2+1 {
				t.Errorf("%d hatched blocks, want 3", got)
			}
			texts := map[string]bool{}
			for _, tx := range svgTexts(svg) {
				texts[tx.s] = true
			}
			pct := "%"
			if l.narrow() {
				pct = ""
			}
			for _, want := range []string{"2024-01 (n=1)", "2024-03 (n=4)", "2024-05 (n=9)", "2024-02 (n=20)", "50" + pct, "25" + pct, "30" + pct} {
				if !texts[want] {
					t.Errorf("no %q on the chart", want)
				}
			}
			// The muted one-person cohort shows people, not 100%.
			if texts["100"+pct] {
				t.Errorf("a muted cohort's cell says 100%s", pct)
			}
			// The darkest colour is the largest share of a cohort not muted
			// (50%), not the one person's 100%.
			darkest := fmt.Sprintf("fill:#%02X%02X%02X", 0x21, 0x71, 0xb5)
			if n := strings.Count(svg, darkest); n != 1 {
				t.Errorf("%d cells in the darkest colour, want 1 (the 50%% cell)", n)
			}
		})
	}
}

func TestChartTextIsLargeEnough(t *testing.T) {
	// Every text of every layout is at least the layout's smallest size,
	// so that on screen it is at least minScreenText pixels.
	in := fixture()
	r := mustBuild(t, in)
	c := &r.Communities[0]
	charts := map[string]func(layout) (template.HTML, error){
		"funnel":    func(l layout) (template.HTML, error) { return funnelChart(c, 20, l) },
		"flow":      func(l layout) (template.HTML, error) { return sankeyChart(c, r, l) },
		"months":    func(l layout) (template.HTML, error) { return monthsChart(c, 20, l) },
		"states":    func(l layout) (template.HTML, error) { return statesChart(c, l) },
		"retention": func(l layout) (template.HTML, error) { return retentionChart(c, l) },
		"response":  func(l layout) (template.HTML, error) { return responseChart(c, 10, l) },
	}
	for name, draw := range charts {
		for _, l := range []layout{narrowLayout, wideLayout} {
			h, err := draw(l)
			if err != nil {
				t.Fatalf("%s %s: %v", name, l.name, err)
			}
			svg := string(h)
			if !strings.Contains(svg, fmt.Sprintf(`width="%v"`, l.width)) {
				t.Errorf("%s %s: not %v wide", name, l.name, l.width)
			}
			for _, tx := range svgTexts(svg) {
				if tx.size < l.small {
					t.Errorf("%s %s: %q at %v px, want at least %v", name, l.name, tx.s, tx.size, l.small)
				}
			}
			if strings.Contains(svg, "min-width") {
				t.Errorf("%s %s: needs a min-width; its text should be drawn large enough", name, l.name)
			}
		}
	}
}

func TestFinishSVGKeepsTextReadable(t *testing.T) {
	// A chart with text below minScreenText gets a min-width at which its
	// smallest text is minScreenText pixels (and scrolls in its box).
	p := newPlot("small text", "x", "y")
	p.X.Tick.Label.Font.Size = vg.Points(8)
	c := vgsvg.New(vg.Points(620), vg.Points(300))
	p.Draw(draw.New(c))
	h, err := finishSVG(c, "small text")
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("min-width:%vpx", math.Ceil(620*minScreenText/8.0))
	if !strings.Contains(string(h), want) {
		t.Errorf("no %s:\n%.300s", want, h)
	}
}

func TestMonthsChartCountsInWholePeople(t *testing.T) {
	c := &Community{Name: "Example"}
	for i := range 5 {
		m := MonthFigures{Month: time.Date(2024, time.Month(i+1), 1, 0, 0, 0, 0, time.UTC)}
		m.ByStage[stageIndex(analyze.StageParticipation)] = int64(i % 2)
		m.Total = int64(i % 2)
		c.Months = append(c.Months, m)
	}
	for _, l := range []layout{narrowLayout, wideLayout} {
		h, err := monthsChart(c, 1, l)
		if err != nil {
			t.Fatal(err)
		}
		for _, tx := range svgTexts(string(h)) {
			if decimalRE.MatchString(tx.s) {
				t.Errorf("%s: tick %q on a count axis", l.name, tx.s)
			}
		}
	}
}

func TestPageSwitchesLayoutsAtWideFrom(t *testing.T) {
	page := htmlPage(t, mustBuild(t, fixture()))
	for _, want := range []string{
		fmt.Sprintf("@media (max-width: %v.98px) { .plot-wide { display: none; } }", wideFrom-1),
		fmt.Sprintf("@media (min-width: %vpx) { .plot-narrow { display: none; } }", wideFrom),
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the page's styles lack %q", want)
		}
	}
	// Both layouts of every chart are in the page: six for each of two
	// communities, six side by side.
	if n, w := strings.Count(page, `class="plot-box plot-narrow"`), strings.Count(page, `class="plot-box plot-wide"`); n != 18 || w != 18 {
		t.Errorf("%d narrow and %d wide charts, want 18 of each", n, w)
	}
}
