package report

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/journeys-dev/journeys/internal/table"
	"github.com/journeys-dev/journeys/schema"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

func mustBuild(t *testing.T, in Input) *Report {
	t.Helper()
	r, err := Build(in)
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	return r
}

func markdown(t *testing.T, r *Report) string {
	t.Helper()
	var b bytes.Buffer
	if err := WriteMarkdown(&b, r); err != nil {
		t.Fatalf("WriteMarkdown: %v", err)
	}
	return b.String()
}

func htmlPage(t *testing.T, r *Report) string {
	t.Helper()
	var b bytes.Buffer
	if err := WriteHTML(&b, r); err != nil {
		t.Fatalf("WriteHTML: %v", err)
	}
	return b.String()
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./report/ -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden file; got:\n%s\n(run go test ./report/ -update after checking the change)", name, got)
	}
}

func TestMarkdownGolden(t *testing.T) {
	tests := []struct {
		name   string
		golden string
		edit   func(*Input)
	}{
		{"two communities", "fixture.md.golden", func(*Input) {}},
		{"pseudonymized", "fixture-pseudonymized.md.golden", func(in *Input) { in.Pseudonymized = true }},
		{"one community, nothing collected", "single.md.golden", func(in *Input) {
			in.Analysis.Communities = in.Analysis.Communities[1:]
			in.Contributors = only(in.Contributors, func(c schema.Contributor) bool { return c.Community == "Example Lab" })
			in.Months = only(in.Months, func(c schema.ContributorMonth) bool { return c.Community == "Example Lab" })
			in.Transitions = only(in.Transitions, func(c schema.Transition) bool { return c.Community == "Example Lab" })
			in.Funnel = only(in.Funnel, func(c schema.FunnelRow) bool { return c.Community == "Example Lab" })
			in.Events = only(in.Events, func(c schema.Event) bool { return c.Community == "Example Lab" })
			in.Collection = schema.Manifest{}
			in.Analysis.UnresolvedCommits, in.Analysis.UnresolvedIdentities = 0, 0
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := fixture()
			tt.edit(&in)
			golden(t, tt.golden, markdown(t, mustBuild(t, in)))
		})
	}
}

func only[T any](rows []T, keep func(T) bool) []T {
	var out []T
	for _, r := range rows {
		if keep(r) {
			out = append(out, r)
		}
	}
	return out
}

func community(t *testing.T, r *Report, name string) *Community {
	t.Helper()
	for i := range r.Communities {
		if r.Communities[i].Name == name {
			return &r.Communities[i]
		}
	}
	t.Fatalf("no community %q in the report", name)
	return nil
}

func TestBuildFigures(t *testing.T) {
	r := mustBuild(t, fixture())
	tw := community(t, r, "The Turing Way")

	if got, want := tw.Headline, "The Turing Way: 13 people, 12 active now; 6 reached participation, 2 now at leadership"; got != want {
		t.Errorf("headline = %q, want %q", got, want)
	}
	if len(r.Communities) != 2 || r.Communities[0].Name != "The Turing Way" {
		t.Errorf("communities not in analysis.json order: %+v", r.Communities)
	}
	// Conversion: participation (6) over first contact (8).
	if f := tw.Funnel[2]; !f.HasConversion || f.Reached != 6 || f.Conversion != 0.75 {
		t.Errorf("participation stage = %+v, want 6 reached, 75%% conversion", f)
	}

	// Time to first response, per quarter of the newcomer's first item.
	// 2023-Q1 linus: grace after a day (his own comment does not count).
	// 2023-Q3 margaret: ada after 2 days (the bot does not count).
	// 2023-Q4 alan: 5 h. 2024-Q1 barbara: 6 days. 2024-Q2 ken: unanswered.
	want := map[string]struct {
		items, answered int64
		median          float64
	}{
		"2022-Q1": {2, 1, 24}, // ada unanswered; grace answered after a day
		"2022-Q2": {1, 0, 0},
		"2022-Q3": {0, 0, 0}, // quarters without items keep the axis even
		"2022-Q4": {0, 0, 0},
		"2023-Q1": {1, 1, 24},
		"2023-Q2": {0, 0, 0},
		"2023-Q3": {1, 1, 48},
		"2023-Q4": {1, 1, 5},
		"2024-Q1": {1, 1, 144},
		"2024-Q2": {1, 0, 0},
	}
	if len(tw.Responses) != len(want) {
		t.Errorf("got %d quarters, want %d: %+v", len(tw.Responses), len(want), tw.Responses)
	}
	for _, q := range tw.Responses {
		w, ok := want[q.Label]
		if !ok {
			t.Errorf("unexpected quarter %s", q.Label)
			continue
		}
		if q.Items != w.items || q.Answered != w.answered || q.MedianHours != w.median {
			t.Errorf("%s: items %d answered %d median %.1f h, want %d, %d, %.1f h", q.Label, q.Items, q.Answered, q.MedianHours, w.items, w.answered, w.median)
		}
	}

	// Retention: barbara's cohort (2024-02) was active again 2 and 3
	// months later (her PR in April, her comment in May).
	var feb *Cohort
	for i := range tw.Cohorts {
		if tw.Cohorts[i].Month.Equal(time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC)) {
			feb = &tw.Cohorts[i]
		}
	}
	if feb == nil || feb.Size != 1 || len(feb.Retained) != 4 || feb.Retained[0] != 0 || feb.Retained[1] != 1 || feb.Retained[2] != 1 || feb.Retained[3] != 0 {
		t.Errorf("2024-02 cohort = %+v, want size 1, retained [0 1 1 0]", feb)
	}
	// Stars are no contact: no star cohort.
	for _, co := range tw.Cohorts {
		if co.Month.Equal(time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)) {
			t.Errorf("a star made a newcomer cohort: %+v", co)
		}
	}

	// Flows: everyone counted once, from the window's start to now.
	var total int64
	for _, f := range tw.Flows {
		total += f.People
	}
	if total != tw.People {
		t.Errorf("flows count %d people, want %d", total, tw.People)
	}
	// Churned people are not in the monthly counts.
	last := tw.Months[len(tw.Months)-1]
	if last.Total != 12 {
		t.Errorf("people in %s = %d, want 12 (dennis churned)", last.Month.Format("2006-01"), last.Total)
	}
}

func TestBuildRejectsMissingDate(t *testing.T) {
	in := fixture()
	in.Analysis.AsOf = time.Time{}
	if _, err := Build(in); err == nil || !strings.Contains(err.Error(), "as_of") {
		t.Errorf("Build without as_of: err = %v, want one naming as_of", err)
	}
}

// hostile strings: markup, Markdown, control characters, mentions.
var hostile = []string{
	"<script>alert(1)</script>",
	"a|b`c`\n# heading\r\x00\x1b[31m",
	"[link](https://evil.example/)",
	"<img src=x onerror=alert(2)>",
	"@octocat **bold** $x$",
}

func hostileInput() Input {
	in := fixture()
	name := strings.Join(hostile, " ")
	rename := func(s string) string {
		if s == "The Turing Way" {
			return name
		}
		return s
	}
	in.Analysis.Communities[0] = name
	for i := range in.Contributors {
		in.Contributors[i].Community = rename(in.Contributors[i].Community)
		if in.Contributors[i].Login == "grace" {
			in.Contributors[i].Login = "<b>grace</b>|x"
		}
	}
	for i := range in.Transitions {
		in.Transitions[i].Community = rename(in.Transitions[i].Community)
		if in.Transitions[i].Login == "grace" {
			in.Transitions[i].Login = "<b>grace</b>|x"
		}
	}
	for i := range in.Months {
		in.Months[i].Community = rename(in.Months[i].Community)
	}
	for i := range in.Funnel {
		in.Funnel[i].Community = rename(in.Funnel[i].Community)
	}
	for i := range in.Events {
		in.Events[i].Community = rename(in.Events[i].Community)
	}
	in.ConfigPath = "conf`ig|<x>.yaml"
	in.ToolVersion = "v1<script>"
	in.Collection.Repos[2].Error = "<script>alert(3)</script>\n| injected | row |"
	in.Collection.Repos[2].Repo = "owner/<i>repo</i>"
	in.Collection.Incomplete = append(in.Collection.Incomplete, "line one\nline two | <b>x</b>")
	return in
}

func TestMarkdownEscapesEverything(t *testing.T) {
	md := markdown(t, mustBuild(t, hostileInput()))
	for _, bad := range []string{"<script", "<img", "<b>", "<i>", "<x>", "[link](", "\x00", "\x1b", "\r", "@octocat"} {
		if strings.Contains(md, bad) {
			t.Errorf("Markdown contains %q unescaped", bad)
		}
	}
	// Every table row has as many cells as its table's header.
	lines := strings.Split(md, "\n")
	for i := 0; i < len(lines); i++ {
		if !strings.HasPrefix(lines[i], "|") {
			continue
		}
		cols := cells(lines[i])
		for ; i < len(lines) && strings.HasPrefix(lines[i], "|"); i++ {
			if got := cells(lines[i]); got != cols {
				t.Errorf("table row %q has %d cells, header has %d", lines[i], got, cols)
			}
		}
	}
	// No line starts a heading but the report's own.
	for _, l := range lines {
		if strings.HasPrefix(l, "# ") && l != "# Contributor journeys" {
			t.Errorf("injected heading: %q", l)
		}
	}
}

// cells counts the unescaped pipes of a table row, less one.
func cells(row string) int {
	n := 0
	for i := 0; i < len(row); i++ {
		switch row[i] {
		case '\\':
			i++
		case '|':
			n++
		}
	}
	return n - 1
}

func TestHTMLEscapesEverything(t *testing.T) {
	page := htmlPage(t, mustBuild(t, hostileInput()))
	for _, bad := range []string{"<script>alert", "<img src=x", "<b>grace", "<i>repo", "<x>", "\x00", "\x1b"} {
		if strings.Contains(page, bad) {
			t.Errorf("HTML contains %q unescaped", bad)
		}
	}
	if n := strings.Count(page, "<script"); n != 1 {
		t.Errorf("HTML has %d <script> elements, want only its own", n)
	}
	if !strings.Contains(page, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Errorf("HTML does not show the community's name escaped")
	}
}

func TestPseudonymizedReportsNameNobody(t *testing.T) {
	in := fixture()
	open := mustBuild(t, in)
	if md := markdown(t, open); !strings.Contains(md, "leadership in this period: grace.") {
		t.Fatalf("the report of an open run does not name its new leaders:\n%s", md)
	}
	in.Pseudonymized = true
	r := mustBuild(t, in)
	md, page := markdown(t, r), htmlPage(t, r)
	for _, c := range in.Contributors {
		for name, text := range map[string]string{"Markdown": md, "HTML": page} {
			if strings.Contains(text, ">"+c.Login+"<") || strings.Contains(text, " "+c.Login+",") || strings.Contains(text, " "+c.Login+".") || strings.Contains(text, ": "+c.Login) {
				t.Errorf("%s of a pseudonymized run names %q", name, c.Login)
			}
		}
	}
	if !strings.Contains(md, "1 person reached leadership") {
		t.Errorf("pseudonymized Markdown does not count new leaders")
	}
}

func TestHTMLIsSelfContained(t *testing.T) {
	page := htmlPage(t, mustBuild(t, fixture()))
	for _, bad := range []string{"http://", "https://", "src=\"//", "url(http", "@import"} {
		if i := strings.Index(page, bad); i >= 0 {
			// The SVG namespace names are identifiers, not requests.
			rest := page[i:]
			if strings.HasPrefix(rest, "http://www.w3.org/2000/svg") || strings.HasPrefix(rest, "http://www.w3.org/1999/xlink") {
				continue
			}
			t.Errorf("HTML refers to another host: %q", rest[:min(len(rest), 80)])
		}
	}
	for _, kind := range []string{"funnel", "flow", "months", "states", "retention", "response",
		"compare-ladder", "compare-participation", "compare-response", "compare-retention", "compare-active-calendar", "compare-active-age"} {
		if !strings.Contains(page, `data-chart="`+kind+`"`) {
			t.Errorf("HTML lacks the %s chart", kind)
		}
	}
	if strings.Count(page, "<svg") != 2*(2*6+6) {
		t.Errorf("HTML has %d SVG charts, want 36 (two layouts of six charts for each of two communities, and of six side by side)", strings.Count(page, "<svg"))
	}
	if strings.Contains(page, "<?xml") {
		t.Errorf("HTML inlines an XML prolog")
	}
}

// writeFixture writes the fixture as the files of an output folder.
func writeFixture(t *testing.T, in Input) string {
	t.Helper()
	dir := t.TempDir()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(table.WriteFile(filepath.Join(dir, "contributors.parquet"), in.Contributors))
	must(table.WriteFile(filepath.Join(dir, "contributor_months.parquet"), in.Months))
	must(table.WriteFile(filepath.Join(dir, "transitions.parquet"), in.Transitions))
	must(table.WriteFile(filepath.Join(dir, "funnel.parquet"), in.Funnel))
	must(table.WriteFile(filepath.Join(dir, "events.parquet"), in.Events))
	must(table.WriteFile(filepath.Join(dir, "bots.parquet"), in.Bots))
	must(table.WriteFile(filepath.Join(dir, schema.Sensitivity.File()), in.Sensitivity, table.WithMetadata(map[string]string{
		table.MetaAnalysisDate: in.Analysis.AsOf.Format(time.DateOnly), table.MetaModelHash: in.Analysis.ModelHash})))
	for name, v := range map[string]any{schema.ManifestFile: in.Collection, schema.AnalysisManifestFile: in.Analysis} {
		b, err := json.Marshal(v)
		must(err)
		must(os.WriteFile(filepath.Join(dir, name), b, 0o644))
	}
	return dir
}

func TestRunWritesBothReports(t *testing.T) {
	in := fixture()
	dir := writeFixture(t, in)
	s, err := Run(context.Background(), dir, Options{ConfigPath: in.ConfigPath, ToolVersion: in.ToolVersion, Now: func() time.Time { return in.GeneratedAt }})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	want := []string{"The Turing Way: 13 people, 12 active now; 6 reached participation, 2 now at leadership", "Example Lab: 3 people, 3 active now; 2 reached participation, 0 now at leadership"}
	if strings.Join(s.Headlines, "\n") != strings.Join(want, "\n") {
		t.Errorf("headlines = %q, want %q", s.Headlines, want)
	}
	md, err := os.ReadFile(filepath.Join(dir, MarkdownFile))
	if err != nil {
		t.Fatal(err)
	}
	// The files hold what the pure functions write from the same rows.
	if wantMD := markdown(t, mustBuild(t, in)); string(md) != wantMD {
		t.Errorf("report.md differs from WriteMarkdown of the same rows:\n%s", md)
	}
	if _, err := os.Stat(filepath.Join(dir, HTMLFile)); err != nil {
		t.Errorf("report.html: %v", err)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp") {
			t.Errorf("temporary file left behind: %s", e.Name())
		}
	}
}

func TestRunFailsClearlyAndWritesNothing(t *testing.T) {
	tests := []struct {
		name    string
		breakIt func(dir string) error
		want    string
	}{
		{"no analysis.json", func(dir string) error { return os.Remove(filepath.Join(dir, schema.AnalysisManifestFile)) }, "analysis.json"},
		{"bad analysis.json", func(dir string) error {
			return os.WriteFile(filepath.Join(dir, schema.AnalysisManifestFile), []byte("{not json"), 0o644)
		}, "analysis.json"},
		{"no events", func(dir string) error { return os.Remove(filepath.Join(dir, "events.parquet")) }, "events.parquet"},
		{"corrupt funnel", func(dir string) error {
			return os.WriteFile(filepath.Join(dir, "funnel.parquet"), []byte("PAR1 nonsense"), 0o644)
		}, "funnel.parquet"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeFixture(t, fixture())
			if err := tt.breakIt(dir); err != nil {
				t.Fatal(err)
			}
			_, err := Run(context.Background(), dir, Options{})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Run: err = %v, want one naming %s", err, tt.want)
			}
			for _, f := range []string{MarkdownFile, HTMLFile} {
				if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
					t.Errorf("%s written despite the error", f)
				}
			}
		})
	}
}

// A repository that failed is the first thing both reports show, with what
// to do about it.
func TestFailuresComeFirst(t *testing.T) {
	r := mustBuild(t, fixture())
	if len(r.Failures) != 1 || r.Failures[0].Repo != "the-turing-way/gone" || !strings.Contains(r.Failures[0].Advice(), "Check the spelling") {
		t.Fatalf("failures = %+v", r.Failures)
	}
	var md, page bytes.Buffer
	if err := WriteMarkdown(&md, r); err != nil {
		t.Fatal(err)
	}
	if err := WriteHTML(&page, r); err != nil {
		t.Fatal(err)
	}
	m := md.String()
	if i, j := strings.Index(m, "the-turing-way/gone"), strings.Index(m, "\n## "); i < 0 || i > j {
		t.Errorf("report.md names the failed repository at %d, after its first section (%d)", i, j)
	}
	h := page.String()
	if i, j := strings.Index(h, `class="banner"`), strings.Index(h, `class="headlines"`); i < 0 || i > j {
		t.Errorf("report.html has its banner at %d, not before the headlines (%d)", i, j)
	}
}
