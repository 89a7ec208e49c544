package main

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/journeys-dev/journeys/internal/fakegithub"
	"github.com/journeys-dev/journeys/internal/fakegithub/fakegithubtest"
	"github.com/journeys-dev/journeys/schema"
)

// hostileTexts are titles, labels and names a stranger could write: markup
// that would run in a browser, Markdown that would make links or break
// tables, template syntax, control characters, bidirectional overrides,
// and one very long string.
var hostileTexts = []string{
	`<script>alert("title")</script>`,
	`<img src=x onerror=alert(1)>`,
	`"><svg onload=alert(1)>`,
	`[click](javascript:alert(1)) | cell | ![i](https://example.org/x.png) **b** _i_`,
	"# heading\n\n---\n| a | b |\n|---|---|\n<details open>",
	"nul\x00 bell\x07 esc\x1b[31mred\x1b[0m cr\r\nlf\n tab\t ls\u2028 ps\u2029 rlo\u202egnp.exe",
	`{{.}} {{template "x"}} ${{ secrets.GITHUB_TOKEN }} %s %v %!d(MISSING)`,
	`</textarea></title></style></script><!-- <![CDATA[ x ]]>`,
	"Zoë 山田 👩🏽‍💻 e\u0301 \ufeffbom \u200bzwsp",
	`@everyone @example-org/team #1 https://evil.example/?q=<x>&r="y"`,
	strings.Repeat("<b>&amp;\"'`|*_[]()#!\\ ", 5000),
}

// Hostile logins replace the most active accounts, so that they reach the
// report (the people who reached leadership are named there).
var hostileLogins = []string{
	`<script>alert("login")</script>`,
	`[x](javascript:alert(1))|*y*`,
	`a"b'c&d<e>f`,
}

const hostileCommunity = "<script>alert('community')</script> | *x* [y](javascript:z) & \"q\" \x1b[31m\u202e"

// hostileData is generated activity with hostile text everywhere a
// stranger can write it.
func hostileData(t *testing.T) *fakegithub.Data {
	t.Helper()
	d := fakegithub.Generate(fakegithub.GenerateOptions{Seed: 11, People: 25, Issues: 50, Months: 12, AllContributors: true})
	r := d.Repos[0]

	// Rename the accounts that merge most to hostile logins, everywhere.
	merges := map[string]int{}
	for _, it := range r.Issues {
		if it.PullRequest != nil && it.PullRequest.MergedBy != nil {
			merges[it.PullRequest.MergedBy.Login]++
		}
	}
	var top []string
	for l := range merges {
		top = append(top, l)
	}
	slices.SortFunc(top, func(a, b string) int {
		if merges[a] != merges[b] {
			return merges[b] - merges[a]
		}
		return strings.Compare(a, b)
	})
	rename := map[string]string{}
	for i, l := range top[:min(len(top), len(hostileLogins))] {
		rename[l] = hostileLogins[i]
	}
	r.EachUser(func(u *fakegithub.User) {
		if rename[u.Login] != "" {
			u.Login = rename[u.Login]
		}
	})

	// Hostile titles, bodies, labels, comments, commit names and messages.
	h := func(i int) string { return hostileTexts[i%len(hostileTexts)] }
	for i, it := range r.Issues {
		it.Title, it.Body = h(i), h(i+1)
		it.Labels = append(it.Labels, h(i+2))
	}
	for i, c := range r.Comments {
		c.Body = h(i)
	}
	for i, rv := range r.Reviews {
		rv.Body = h(i)
	}
	for i, e := range r.Events {
		if e.Event == "labeled" || e.Event == "unlabeled" {
			e.Label = h(i)
		}
	}
	for i, c := range r.Commits {
		c.AuthorName = strings.NewReplacer("<", "", ">", "", "\n", " ", "\r", " ").Replace(h(i))
		c.Message = h(i+3) + "\n\nCo-authored-by: " + strings.ReplaceAll(c.AuthorName, "\n", " ") + " <co-" + c.AuthorEmail + ">"
	}
	for path, content := range r.Files {
		if path != ".all-contributorsrc" {
			continue
		}
		var f map[string]any
		if err := json.Unmarshal(content, &f); err != nil {
			t.Fatalf("the generated .all-contributorsrc is not JSON: %v", err)
		}
		people, _ := f["contributors"].([]any)
		for i, p := range people {
			if m, ok := p.(map[string]any); ok {
				m["name"] = h(i)
				if l, _ := m["login"].(string); rename[l] != "" {
					m["login"] = rename[l]
				}
			}
		}
		b, err := json.MarshalIndent(f, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		r.Files[path] = b
	}
	return d
}

// hostileRun serves d and runs the whole pipeline over it; it returns the
// output folder.
func hostileRun(t *testing.T, d *fakegithub.Data) string {
	t.Helper()
	ts, _ := fakegithubtest.NewTestServer(t, d, fakegithub.Options{Tokens: []string{"hostile-test-token"}})
	t.Setenv("GITHUB_TOKEN", "hostile-test-token")
	r := d.Repos[0]
	cfg, err := yaml.Marshal(map[string]any{"communities": []map[string]any{
		{"name": hostileCommunity, "repos": []string{r.Owner + "/" + r.Name}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "journeys.yml")
	if err := os.WriteFile(cfgPath, cfg, 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	asOf := time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC) // the generated activity's end
	code, stdout, stderr := journeys(t, "run", "--config", cfgPath, "--out", out, "--api-url", ts.URL+"/",
		"--as-of", asOf.Format(time.DateOnly), "--quiet")
	if code != 0 {
		t.Fatalf("run: exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	return out
}

// Hostile titles, labels, names and logins are stored byte for byte in the
// Parquet tables and escaped in both reports.
func TestHostileContentIsStoredExactlyAndEscaped(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the whole pipeline")
	}
	d := hostileData(t)
	out := hostileRun(t, d)
	r := d.Repos[0]

	t.Run("parquet", func(t *testing.T) {
		issues := readTable[schema.Issue](t, out, "issues")
		byNumber := map[int64]*fakegithub.Issue{}
		for _, it := range r.Issues {
			byNumber[it.Number] = it
		}
		if len(issues) == 0 {
			t.Fatal("no issues collected")
		}
		for _, row := range issues {
			it := byNumber[row.Number]
			if it == nil {
				t.Fatalf("issue #%d was not served", row.Number)
			}
			if row.Title != it.Title {
				t.Errorf("issue #%d: title %q, served %q", row.Number, clip(row.Title), clip(it.Title))
			}
			if !slices.Equal(row.Labels, it.Labels) {
				t.Errorf("issue #%d: labels %q, served %q", row.Number, row.Labels, it.Labels)
			}
			if row.Author == nil || *row.Author != it.User.Login {
				t.Errorf("issue #%d: author %v, served %q", row.Number, row.Author, it.User.Login)
			}
		}

		commits := readTable[schema.Commit](t, out, "commits")
		bySHA := map[string]*fakegithub.Commit{}
		for _, c := range r.Commits {
			bySHA[c.SHA] = c
		}
		for _, row := range commits {
			c := bySHA[row.SHA]
			if c == nil {
				continue
			}
			if row.AuthorName != c.AuthorName || row.Message != c.Message {
				t.Errorf("commit %s: author %q, message %q; served %q, %q", row.SHA, clip(row.AuthorName), clip(row.Message), clip(c.AuthorName), clip(c.Message))
			}
			if len(row.CoAuthorNames) != 1 || row.CoAuthorNames[0] != strings.TrimSpace(c.AuthorName) {
				t.Errorf("commit %s: co-authors %q, the trailer names %q", row.SHA, row.CoAuthorNames, strings.TrimSpace(c.AuthorName))
			}
		}

		events := readTable[schema.IssueEvent](t, out, "issue_events")
		labels := 0
		for _, e := range events {
			if e.Label != nil && slices.Contains(hostileTexts, *e.Label) {
				labels++
			}
		}
		if labels == 0 {
			t.Error("no hostile label reached issue_events.parquet")
		}

		// An independent Parquet reader finds every hostile text, exactly.
		var all strings.Builder
		for _, name := range []string{"issues", "commits", "issue_events", "recognitions", "events"} {
			all.WriteString(textOf(t, filepath.Join(out, name+".parquet")))
		}
		text := all.String()
		for _, s := range append(slices.Clone(hostileTexts), hostileLogins...) {
			if !strings.Contains(text, s) {
				t.Errorf("%q is not in the Parquet files as served", clip(s))
			}
		}
	})

	t.Run("html", func(t *testing.T) {
		page := readText(t, filepath.Join(out, "report.html"))
		checkNoMarkupInjected(t, page)
		// The hostile names did reach the page, escaped.
		for _, want := range []string{
			"&lt;script&gt;alert(&#39;community&#39;)&lt;/script&gt;",
			"&lt;script&gt;alert(&#34;login&#34;)&lt;/script&gt;",
		} {
			if !strings.Contains(page, want) {
				t.Errorf("report.html does not show %q", want)
			}
		}
	})

	t.Run("markdown", func(t *testing.T) {
		md := readText(t, filepath.Join(out, "report.md"))
		checkMarkdownSafe(t, md)
		for _, want := range []string{`&lt;script&gt;alert('community')&lt;/script&gt; \| \*x\* \[y\](javascript:z)`, `&lt;script&gt;alert("login")&lt;/script&gt;`} {
			if !strings.Contains(md, want) {
				t.Errorf("report.md does not show %q", want)
			}
		}
	})
}

func readText(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func clip(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}

var (
	htmlTag     = regexp.MustCompile(`<(/?)([a-zA-Z][a-zA-Z0-9:-]*)([^>]*)>`)
	eventAttr   = regexp.MustCompile(`(?i)[\s"'/]on[a-z]+\s*=`)
	controlByte = regexp.MustCompile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")
)

// checkNoMarkupInjected checks that an HTML page holds only the elements
// the report writes: its one script, no event handler or javascript: URL
// in any tag, no element a hostile text carries, no control character
// and no bidirectional override (which reorders the text around it).
func checkNoMarkupInjected(t *testing.T, page string) {
	t.Helper()
	if n := strings.Count(strings.ToLower(page), "<script"); n != 1 {
		t.Errorf("report.html has %d <script> elements, want the report's own 1", n)
	}
	for _, m := range htmlTag.FindAllStringSubmatch(page, -1) {
		name, attrs := strings.ToLower(m[2]), m[3]
		switch name {
		case "img", "iframe", "object", "embed", "textarea", "b", "base", "form", "input", "link":
			t.Errorf("report.html holds an injected <%s%s>", name, clip(attrs))
		}
		if eventAttr.MatchString(attrs) || strings.Contains(strings.ToLower(attrs), "javascript:") {
			t.Errorf("report.html: tag <%s%s> has an event handler or javascript: URL", name, clip(attrs))
		}
	}
	if strings.Contains(page, "<!--") || strings.Contains(page, "<![CDATA[") {
		t.Error("report.html holds an injected comment or CDATA section")
	}
	if loc := controlByte.FindStringIndex(page); loc != nil {
		t.Errorf("report.html holds control character %q at byte %d", page[loc[0]:loc[1]], loc[0])
	}
}

// checkMarkdownSafe checks that a Markdown report holds no raw HTML but
// the report's own details blocks, no link or image a hostile text made,
// no control character, and tables whose rows all have the header's
// number of cells.
func checkMarkdownSafe(t *testing.T, md string) {
	t.Helper()
	own := regexp.MustCompile(`</?(details|summary)>`)
	if m := regexp.MustCompile(`<[a-zA-Z/!?]`).FindAllStringIndex(own.ReplaceAllString(md, ""), -1); len(m) > 0 {
		stripped := own.ReplaceAllString(md, "")
		t.Errorf("report.md holds raw markup: %q", clip(stripped[m[0][0]:]))
	}
	// The report's own links to its glossary are the only links.
	noOwn := strings.ReplaceAll(md, "[glossary](#glossary)", "glossary")
	if loc := regexp.MustCompile(`(^|[^\\])\]\(`).FindStringIndex(noOwn); loc != nil {
		t.Errorf("report.md holds a link made from data: %q", clip(noOwn[loc[0]:]))
	}
	if loc := regexp.MustCompile("[\x00-\x08\x0b-\x1f\x7f\u2028\u2029\u202a-\u202e\u2066-\u2069]").FindStringIndex(md); loc != nil {
		t.Errorf("report.md holds control character %q at byte %d", md[loc[0]:loc[1]], loc[0])
	}
	cells := func(line string) int {
		n := 0
		for i := 0; i < len(line); i++ {
			switch line[i] {
			case '\\':
				i++
			case '|':
				n++
			}
		}
		return n
	}
	want := -1
	for i, line := range strings.Split(md, "\n") {
		if !strings.HasPrefix(line, "|") {
			want = -1
			continue
		}
		if want < 0 {
			want = cells(line)
		} else if got := cells(line); got != want {
			t.Errorf("report.md line %d: %d cell separators, the table's header has %d: %q", i+1, got, want, clip(line))
		}
	}
}

// walkFiles calls fn for every file under dir.
func walkFiles(t *testing.T, dir string, fn func(path string, data []byte)) {
	t.Helper()
	err := filepath.WalkDir(dir, func(path string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		fn(path, data)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
