package report

import (
	"bytes"
	"context"
	"flag"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

var (
	shotDir    = flag.String("out", "", "folder to keep the browser tests' screenshots in (default: a temporary folder)")
	reportHTML = flag.String("report-html", "", "check this report.html in the browser tests instead of the fixture's")
)

// findChromium returns the path of a Chromium binary, or skips the test
// (fails it when JOURNEYS_REQUIRE_BROWSER=1).
func findChromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	msg := "no Chromium on PATH (apt-get install chromium); the HTML report is not checked in a browser"
	if os.Getenv("JOURNEYS_REQUIRE_BROWSER") == "1" {
		t.Fatal(msg + ", and JOURNEYS_REQUIRE_BROWSER=1")
	}
	t.Skip(msg)
	return ""
}

// recordingProxy is an HTTP proxy that refuses every request and
// remembers it: the page must make none.
type recordingProxy struct {
	mu       sync.Mutex
	requests []string
}

func (p *recordingProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	target := r.Method + " " + r.URL.String()
	if r.Method == http.MethodConnect {
		target = "CONNECT " + r.Host
	}
	p.requests = append(p.requests, target)
	p.mu.Unlock()
	http.Error(w, "no network for the report", http.StatusForbidden)
}

func (p *recordingProxy) seen() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.requests...)
}

// browserServices are the exact hosts Chromium itself calls (updates,
// clock, sign-in, hints) whatever the page: requests to them are not the
// page's. Only exact names: fonts.googleapis.com, say, is still caught.
var browserServices = map[string]bool{
	"update.googleapis.com":               true,
	"clients2.google.com":                 true,
	"accounts.google.com":                 true,
	"optimizationguide-pa.googleapis.com": true,
	"safebrowsing.googleapis.com":         true,
	"content-autofill.googleapis.com":     true,
	"edgedl.me.gvt1.com":                  true,
	"redirector.gvt1.com":                 true,
	"android.clients.google.com":          true,
	// Chromium 148 connects to its default search engine on start, blank
	// page or not, whatever the flags.
	"www.google.com": true,
}

// pageRequests drops the browser's own requests from reqs.
func pageRequests(reqs []string) []string {
	var out []string
	for _, r := range reqs {
		_, target, _ := strings.Cut(r, " ")
		host := target
		if u, err := url.Parse(target); err == nil && u.Host != "" {
			host = u.Host
		}
		if h, _, err := net.SplitHostPort(host); err == nil {
			host = h
		}
		if !browserServices[host] {
			out = append(out, r)
		}
	}
	return out
}

func runChromium(t *testing.T, bin, proxy string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	base := []string{
		"--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--disable-default-apps", "--disable-extensions", "--no-default-browser-check",
		"--user-data-dir=" + t.TempDir(),
		// Every request, loopback included, goes to the recording proxy.
		"--proxy-server=" + proxy, "--proxy-bypass-list=<-loopback>",
		"--hide-scrollbars", "--force-device-scale-factor=1",
		// Quieten the browser's own services as far as flags allow.
		"--disable-client-side-phishing-detection", "--disable-domain-reliability", "--no-pings",
		"--disable-breakpad", "--metrics-recording-only", "--safebrowsing-disable-auto-update",
		"--disable-component-extensions-with-background-pages", "--disable-field-trial-config",
		"--disable-features=OptimizationHints,OptimizationGuideModelDownloading,OptimizationHintsFetching,MediaRouter,Translate,AutofillServerCommunication,CertificateTransparencyComponentUpdater,NetworkPrediction,PreconnectToSearch",
	}
	cmd := exec.CommandContext(ctx, bin, append(base, args...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return stdout.Bytes()
}

var (
	figureRE = regexp.MustCompile(`(?s)<figure class="chart" data-chart="([a-z-]+)">(.*?)</figure>`)
	svgRE    = regexp.MustCompile(`(?s)<svg.*?</svg>`)
	// A mark is a shape filled or stroked in a colour: axes and text are black.
	markRE = regexp.MustCompile(`(?i)<path[^>]*style="[^"]*(?:fill|stroke):#([0-9a-f]{6})`)
)

// chartMarks counts, per chart, the coloured shapes its SVG draws.
func chartMarks(dom string) map[string][]int {
	out := map[string][]int{}
	for _, f := range figureRE.FindAllStringSubmatch(dom, -1) {
		svg := svgRE.FindString(f[2])
		n := 0
		for _, m := range markRE.FindAllStringSubmatch(svg, -1) {
			if c := strings.ToLower(m[1]); c != "000000" && c != "ffffff" {
				n++
			}
		}
		if svg == "" {
			n = -1
		}
		out[f[1]] = append(out[f[1]], n)
	}
	return out
}

// startProxy starts a recording proxy on the loopback and returns its URL.
func startProxy(t *testing.T) (string, *recordingProxy) {
	t.Helper()
	rec := &recordingProxy{}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	proxy := httptest.NewUnstartedServer(rec)
	proxy.Listener.Close()
	proxy.Listener = ln
	proxy.Start()
	t.Cleanup(proxy.Close)
	return "http://" + ln.Addr().String(), rec
}

// fixturePage writes the fixture's HTML report into dir, or copies the
// page named by -report-html, and returns its path.
func fixturePage(t *testing.T, dir string) string {
	t.Helper()
	page := filepath.Join(dir, "report.html")
	var b bytes.Buffer
	if *reportHTML != "" {
		data, err := os.ReadFile(*reportHTML)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(data)
	} else if err := WriteHTML(&b, mustBuild(t, fixture())); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(page, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return page
}

// outDir is the folder screenshots are kept in: -out, or a temporary one.
func outDir(t *testing.T) string {
	t.Helper()
	out := *shotDir
	if out == "" {
		return t.TempDir()
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestHTMLInHeadlessChromium(t *testing.T) {
	bin := findChromium(t)

	dir := t.TempDir()
	page := fixturePage(t, dir)
	proxyURL, rec := startProxy(t)
	pageURL := "file://" + page

	out := outDir(t)
	shot := filepath.Join(out, "report.png")
	runChromium(t, bin, proxyURL, "--window-size=1280,6000", "--screenshot="+shot, pageURL)
	if st, err := os.Stat(shot); err != nil || st.Size() < 10_000 {
		t.Fatalf("no screenshot at %s (%v)", shot, err)
	}
	t.Logf("screenshot: %s", shot)

	dom := string(runChromium(t, bin, proxyURL, "--dump-dom", pageURL))
	if !strings.Contains(dom, "Contributor journeys") {
		t.Fatalf("the browser did not render the report; DOM:\n%.2000s", dom)
	}
	if reqs := pageRequests(rec.seen()); len(reqs) > 0 {
		t.Errorf("the page made %d network requests: %q", len(reqs), reqs)
	}

	// The check itself: a page that fetches an image is caught.
	leaky := filepath.Join(dir, "leaky.html")
	if err := os.WriteFile(leaky, []byte(`<!DOCTYPE html><title>x</title><img src="http://leak.invalid/pixel.png">`), 0o644); err != nil {
		t.Fatal(err)
	}
	before := len(rec.seen())
	runChromium(t, bin, proxyURL, "--dump-dom", "file://"+leaky)
	if reqs := pageRequests(rec.seen()[before:]); len(reqs) == 0 || !strings.Contains(strings.Join(reqs, " "), "leak.invalid") {
		t.Errorf("the recording proxy missed a page's request to leak.invalid (saw %q)", reqs)
	}

	if *reportHTML != "" {
		return // the marks below are the fixture's
	}
	marks := chartMarks(dom)
	want := map[string]int{"funnel": 2, "flow": 2, "months": 2, "states": 2, "retention": 2, "response": 2,
		"compare-ladder": 1, "compare-participation": 1, "compare-response": 1, "compare-retention": 1, "compare-active-calendar": 1, "compare-active-age": 1}
	for kind, n := range want {
		if len(marks[kind]) != n {
			t.Errorf("%d %s charts in the page, want %d", len(marks[kind]), kind, n)
		}
		for i, m := range marks[kind] {
			if m <= 0 {
				t.Errorf("%s chart %d draws no marks (%d)", kind, i+1, m)
			}
		}
	}
}
