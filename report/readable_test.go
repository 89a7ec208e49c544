package report

import (
	"encoding/json"
	"fmt"
	"html"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// minTextPx is the smallest chart text a reader is asked to read, in CSS
// pixels on screen.
const minTextPx = 11

// measureScript runs in the page once it is laid out and writes what it
// measured, as JSON, into a <pre id="measured"> at the end of the body:
// for every chart drawn on screen, its box, whether it sits in a scroll
// container, and the box and on-screen font size of each of its texts.
const measureScript = `<script>
(function () {
  function scrolls(el) {
    for (var e = el.parentElement; e; e = e.parentElement) {
      var o = getComputedStyle(e).overflowX;
      if (o === "auto" || o === "scroll") return e;
    }
    return null;
  }
  var out = {width: window.innerWidth, height: document.documentElement.scrollHeight, charts: []};
  document.querySelectorAll("figure.chart").forEach(function (fig, fi) {
    fig.querySelectorAll("svg").forEach(function (svg) {
      var r = svg.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) return;
      var sc = scrolls(svg), box = sc ? sc.getBoundingClientRect() : null;
      var c = {kind: fig.dataset.chart, figure: fi, left: r.left, right: r.right, top: r.top + window.scrollY,
        scroll: !!sc, scrollLeft: box ? box.left : 0, scrollRight: box ? box.right : 0,
        scrollWidth: sc ? sc.scrollWidth : 0, clientWidth: sc ? sc.clientWidth : 0, texts: []};
      svg.querySelectorAll("text").forEach(function (t) {
        if (!t.textContent.trim()) return;
        var m = t.getScreenCTM(), s = Math.sqrt(m.a * m.a + m.b * m.b);
        var b = t.getBoundingClientRect();
        c.texts.push({s: t.textContent, px: parseFloat(getComputedStyle(t).fontSize) * s,
          l: b.left, t: b.top, r: b.right, b: b.bottom});
      });
      out.charts.push(c);
    });
  });
  var doc = window.parent.document;
  var pre = doc.createElement("pre");
  pre.id = "measured";
  pre.textContent = JSON.stringify(out);
  doc.body.appendChild(pre);
})();
</script>`

type textBox struct {
	S          string
	Px         float64
	L, T, R, B float64
}

type chartBox struct {
	Kind                     string
	Figure                   int
	Left, Right, Top         float64
	Scroll                   bool
	ScrollLeft, ScrollRight  float64
	ScrollWidth, ClientWidth float64
	Texts                    []textBox
}

type pageMeasure struct {
	Width, Height float64
	Charts        []chartBox
}

var measuredRE = regexp.MustCompile(`(?s)<pre id="measured">(.*?)</pre>`)

// framePage writes a page that shows page in an iframe width pixels wide
// and height high (headless Chromium's window is at least 500 pixels
// wide), with script appended to the framed page's body, and returns its
// path. The frame's srcdoc shares the page's origin, so a script in it
// may write into the outer page, which --dump-dom prints.
func framePage(t *testing.T, page, script string, width, height int) string {
	t.Helper()
	src, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	body := string(src)
	i := strings.LastIndex(body, "</body>")
	if i < 0 {
		t.Fatalf("%s has no </body>", page)
	}
	framed := body[:i] + script + body[i:]
	outer := fmt.Sprintf(`<!DOCTYPE html><html><head><meta charset="utf-8"><style>body{margin:0}iframe{display:block;border:0;width:%dpx;height:%dpx}</style></head><body><iframe srcdoc="%s"></iframe></body></html>`,
		width, height, html.EscapeString(framed))
	path := filepath.Join(filepath.Dir(page), fmt.Sprintf("framed-%d-%d.html", width, height))
	if err := os.WriteFile(path, []byte(outer), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// windowWidth is the browser window for a frame width pixels wide.
func windowWidth(width int) int { return max(width, 500) }

// measurePage loads page, width pixels wide, with the measuring script
// and returns what it measured.
func measurePage(t *testing.T, bin, proxy, page string, width int) pageMeasure {
	t.Helper()
	framed := framePage(t, page, measureScript, width, 900)
	dom := string(runChromium(t, bin, proxy, fmt.Sprintf("--window-size=%d,900", windowWidth(width)), "--dump-dom", "file://"+framed))
	m := measuredRE.FindStringSubmatch(dom)
	if m == nil {
		t.Fatalf("the measuring script wrote nothing at width %d; DOM:\n%.2000s", width, dom)
	}
	var pm pageMeasure
	if err := json.Unmarshal([]byte(html.UnescapeString(m[1])), &pm); err != nil {
		t.Fatalf("measurements at width %d: %v", width, err)
	}
	if int(pm.Width) != width {
		t.Fatalf("the page was %v px wide, want %d", pm.Width, width)
	}
	return pm
}

func (c chartBox) name() string { return fmt.Sprintf("%s chart (figure %d)", c.Kind, c.Figure+1) }

// smallTexts lists the chart texts drawn smaller than minPx.
func smallTexts(pm pageMeasure, minPx float64) []string {
	var out []string
	for _, c := range pm.Charts {
		for _, tx := range c.Texts {
			if tx.Px < minPx-0.01 {
				out = append(out, fmt.Sprintf("%s: %q at %.1f px", c.name(), tx.S, tx.Px))
			}
		}
	}
	return out
}

// overlap says whether two text boxes share more than a sliver (tol px
// each way): glyph boxes of neighbouring lines may touch.
func overlap(a, b textBox, tol float64) bool {
	return math.Min(a.R, b.R)-math.Max(a.L, b.L) > tol && math.Min(a.B, b.B)-math.Max(a.T, b.T) > tol
}

// overlappingTexts lists the pairs of texts of one chart that overprint.
func overlappingTexts(c chartBox) []string {
	var out []string
	for i, a := range c.Texts {
		for _, b := range c.Texts[i+1:] {
			if overlap(a, b, 1) {
				out = append(out, fmt.Sprintf("%s: %q overprints %q", c.name(), a.S, b.S))
			}
		}
	}
	return out
}

// croppedCharts lists the charts wider than the window that are not in a
// scroll container, and texts that fall outside what can be seen or
// scrolled to.
func croppedCharts(pm pageMeasure) []string {
	var out []string
	for _, c := range pm.Charts {
		left, right := 0.0, pm.Width
		if c.Scroll {
			left, right = c.ScrollLeft, c.ScrollLeft+c.ScrollWidth
		}
		if !c.Scroll && (c.Left < -0.5 || c.Right > pm.Width+0.5) {
			out = append(out, fmt.Sprintf("%s spans %.0f–%.0f px in a window %.0f px wide", c.name(), c.Left, c.Right, pm.Width))
		}
		for _, tx := range c.Texts {
			if tx.L < left-0.5 || tx.R > right+0.5 || tx.L < c.Left-0.5 || tx.R > c.Right+0.5 {
				out = append(out, fmt.Sprintf("%s: %q is cut off (%.0f–%.0f px)", c.name(), tx.S, tx.L, tx.R))
			}
		}
	}
	return out
}

// scrolled lists the charts that a reader has to scroll sideways to see.
func scrolled(pm pageMeasure) []string {
	var out []string
	for _, c := range pm.Charts {
		if c.Scroll && c.ScrollWidth > c.ClientWidth+0.5 {
			out = append(out, c.name())
		}
	}
	return out
}

var decimalRE = regexp.MustCompile(`^-?[0-9][0-9,]*\.[0-9]+$`)

// countCharts are the charts whose value axis counts people.
var countCharts = map[string]bool{"funnel": true, "flow": true, "months": true, "states": true, "compare-funnel": true, "compare-months": true}

// fractionalCounts lists numbers with decimals drawn on count charts.
func fractionalCounts(pm pageMeasure) []string {
	var out []string
	for _, c := range pm.Charts {
		if !countCharts[c.Kind] {
			continue
		}
		for _, tx := range c.Texts {
			if decimalRE.MatchString(strings.TrimSpace(tx.S)) {
				out = append(out, fmt.Sprintf("%s: tick %q", c.name(), tx.S))
			}
		}
	}
	return out
}

func smallest(pm pageMeasure) (float64, string) {
	low, what := math.Inf(1), ""
	for _, c := range pm.Charts {
		for _, tx := range c.Texts {
			if tx.Px < low {
				low, what = tx.Px, c.Kind+": "+strconv.Quote(tx.S)
			}
		}
	}
	return low, what
}

func first[T any](v []T, n int) []T { return v[:min(n, len(v))] }

func TestChartsReadableInHeadlessChromium(t *testing.T) {
	bin := findChromium(t)
	dir := t.TempDir()
	page := fixturePage(t, dir)
	proxy, rec := startProxy(t)
	out := outDir(t)
	for _, width := range []int{400, 1300} {
		t.Run(strconv.Itoa(width), func(t *testing.T) {
			pm := measurePage(t, bin, proxy, page, width)
			if len(pm.Charts) == 0 {
				t.Fatal("no chart on screen")
			}
			px, what := smallest(pm)
			t.Logf("%d charts on screen; smallest text %.1f px (%s)", len(pm.Charts), px, what)
			for _, check := range []struct {
				what string
				got  []string
			}{
				{"texts smaller than 11 px", smallTexts(pm, minTextPx)},
				{"charts cut off", croppedCharts(pm)},
				{"fractional counts", fractionalCounts(pm)},
			} {
				if len(check.got) > 0 {
					t.Errorf("%d %s, such as:\n%s", len(check.got), check.what, strings.Join(first(check.got, 10), "\n"))
				}
			}
			var over []string
			for _, c := range pm.Charts {
				over = append(over, overlappingTexts(c)...)
			}
			if len(over) > 0 {
				t.Errorf("%d overprinted texts, such as:\n%s", len(over), strings.Join(first(over, 10), "\n"))
			}
			// The compare charts may scroll sideways on a phone; the
			// communities' own charts are drawn to fit.
			var own []string
			for _, s := range scrolled(pm) {
				if !strings.HasPrefix(s, "compare-") {
					own = append(own, s)
				}
			}
			if width >= 400 && len(own) > 0 {
				t.Errorf("charts to scroll sideways at %d px: %s", width, strings.Join(own, ", "))
			}

			shot := filepath.Join(out, fmt.Sprintf("report-%d.png", width))
			height := min(int(pm.Height)+20, 16000)
			framed := framePage(t, page, "", width, height)
			runChromium(t, bin, proxy, fmt.Sprintf("--window-size=%d,%d", windowWidth(width), height), "--screenshot="+shot, "file://"+framed)
			if st, err := os.Stat(shot); err != nil || st.Size() < 10_000 {
				t.Fatalf("no screenshot at %s (%v)", shot, err)
			}
			t.Logf("screenshot: %s", shot)
		})
	}
	if reqs := pageRequests(rec.seen()); len(reqs) > 0 {
		t.Errorf("the page made %d network requests: %q", len(reqs), reqs)
	}
}
