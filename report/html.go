package report

import (
	"fmt"
	"html/template"
	"io"
	"strconv"
	"strings"

	"github.com/journeys-dev/journeys/analyze"
)

// A chartData is one chart of the HTML report with the numbers behind it.
type chartData struct {
	Kind    string // funnel, flow, months, states, retention, response
	Title   string
	Reading string
	SVG     template.HTML
	// Empty says why there is no chart, when there is none.
	Empty string
	Head  []string
	Rows  [][]string
}

type htmlCommunity struct {
	*Community
	ID     string
	Charts []chartData
	// SensitivityTables are the sensitivity analysis's tables, if any, and
	// SensitivityReading says how to read them.
	SensitivityTables  []sensitivityTable
	SensitivityReading string
}

type htmlData struct {
	*Report
	Communities []htmlCommunity
	Compare     *htmlCompare
	Thresholds  []threshold
	// Switches say which of the model's switches are off.
	Switches []string
	Glossary []term
}

// WriteHTML writes r as one self-contained HTML page: styles, script and
// charts (SVG) are inline, and the page asks nothing of any other host.
func WriteHTML(w io.Writer, r *Report) error {
	d := htmlData{Report: r, Thresholds: thresholds(r.Model), Switches: switchNotes(r.Model), Glossary: reportGlossary(r)}
	for i := range r.Communities {
		c := &r.Communities[i]
		hc := htmlCommunity{Community: c, ID: "community-" + strconv.Itoa(i+1)}
		// Each community's charts on its own scale: a small community's
		// are no slivers beside a large one's.
		var funnelMax, monthsMax, responseMax float64
		for _, f := range c.Funnel {
			funnelMax = max(funnelMax, float64(f.Reached))
		}
		for _, m := range c.Months {
			monthsMax = max(monthsMax, float64(m.Total))
		}
		for _, q := range c.Responses {
			if q.Answered > 0 {
				responseMax = max(responseMax, q.P90Hours/24)
			}
		}
		charts := []chartData{
			funnelData(c, funnelMax),
			flowData(c, r),
			monthsData(c, monthsMax),
			statesData(c, r.AsOf),
			retentionData(c),
			responseData(c, responseMax),
		}
		for _, ch := range charts {
			if ch.Empty == "" && ch.SVG == "" {
				return fmt.Errorf("write HTML report: %s chart of %s is empty", ch.Kind, c.Name)
			}
		}
		hc.Charts = charts
		hc.SensitivityTables = sensitivityTables(c.Sensitivity)
		if c.Sensitivity != nil {
			hc.SensitivityReading = strings.TrimSpace(c.Sensitivity.Largest + " " + sensitivityNote)
		}
		d.Communities = append(d.Communities, hc)
	}
	if r.Compare != nil {
		d.Compare = compareHTML(r.Compare)
		for _, f := range append(d.Compare.Figures, d.Compare.Active[:]...) {
			if f.Empty == "" && f.SVG == "" && f.Failed == "" {
				return fmt.Errorf("write HTML report: %s chart is empty", f.Kind)
			}
		}
	}
	if err := page.Execute(w, d); err != nil {
		return fmt.Errorf("write HTML report: %w", err)
	}
	return nil
}

// chart fills in the SVG of d by calling draw, or says why there is none.
func chart(d chartData, draw func() (template.HTML, error)) chartData {
	svg, err := drawChart(d.Kind, draw)
	if err != nil {
		d.Empty = "The chart could not be drawn: " + err.Error()
		return d
	}
	d.SVG = svg
	return d
}

func funnelData(c *Community, xMax float64) chartData {
	d := chartData{Kind: "funnel", Title: "Funnel: people per step",
		Reading: "Each bar counts the people who reached the step: met its own rule after meeting the step before. The percentage is the share of the step before who went on to this one. " + funnelNote,
		Head:    []string{"Step", "Reached", "Conversion from step before", "Conversion from first contact", "Median days from first contact (people)", "Now at stage"}}
	d.Rows = funnelRows(c)
	if len(c.Funnel) == 0 || xMax == 0 {
		d.Empty = "Nobody reached any stage."
		return d
	}
	return chart(d, func() (template.HTML, error) {
		return drawLayouts(func(l layout) (template.HTML, error) { return funnelChart(c, xMax, l) })
	})
}

func flowData(c *Community, r *Report) chartData {
	d := chartData{Kind: "flow", Title: "Flow between stages over the last 12 months",
		Reading: "Left: each person's stage when the window opened (grey: not yet seen); right: their stage at the analysis date. Band widths are people.",
		Head:    []string{"Stage at " + r.WindowStart.Format(dateFormat), "Stage at " + r.AsOf.Format(dateFormat), "People"}}
	for _, f := range c.Flows {
		d.Rows = append(d.Rows, []string{stageLabel(f.From), stageLabel(f.To), fmtInt(f.People)})
	}
	if len(c.Flows) == 0 {
		d.Empty = "No contributors to follow."
		return d
	}
	return chart(d, func() (template.HTML, error) {
		return drawLayouts(func(l layout) (template.HTML, error) { return sankeyChart(c, r, l) })
	})
}

func monthsData(c *Community, yMax float64) chartData {
	d := chartData{Kind: "months", Title: "Contributors per month, by stage",
		Reading: "Each bar counts the people at each stage at the month's end (a quarter's or a year's end when the history is longer than six or twenty years: every month is drawn, in coarser bars), churned people excepted; each community's chart has its own scale (the comparison section sets communities side by side).",
		Head:    []string{"Month"}}
	for _, s := range analyze.Stages {
		d.Head = append(d.Head, stageLabel(s))
	}
	d.Head = append(d.Head, "Total", "Newcomers")
	for _, m := range c.Months {
		row := []string{m.Month.Format("2006-01")}
		for _, v := range m.ByStage {
			row = append(row, fmtInt(v))
		}
		d.Rows = append(d.Rows, append(row, fmtInt(m.Total), fmtInt(m.Newcomers)))
	}
	if len(c.Months) == 0 || yMax == 0 {
		d.Empty = "No monthly snapshots in the analysis."
		return d
	}
	return chart(d, func() (template.HTML, error) {
		return drawLayouts(func(l layout) (template.HTML, error) { return monthsChart(c, yMax, l) })
	})
}

func retentionData(c *Community) chartData {
	d := chartData{Kind: "retention", Title: "Newcomer retention",
		Reading: "Each row is the people whose first contact was in that month (quarter, when the cohorts span more than " + strconv.Itoa(cohortMonthsMonthly) + " months), n of them; each cell the share of them active again so many months later. Rows of fewer than " + strconv.Itoa(minCohort) + " newcomers are grey and hatched, and their cells count people: a share of so few says little.",
		Head:    []string{"Cohort", "Size"}}
	for k := 1; k <= retentionMonths; k++ {
		d.Head = append(d.Head, "+"+strconv.Itoa(k))
	}
	for _, co := range cohortRows(c.Cohorts) {
		row := []string{co.Label, fmtInt(co.Size)}
		for k := 0; k < retentionMonths; k++ {
			if k < len(co.Retained) {
				row = append(row, fmtInt(co.Retained[k]))
			} else {
				row = append(row, "")
			}
		}
		d.Rows = append(d.Rows, row)
	}
	if len(c.Cohorts) == 0 {
		d.Empty = "No newcomer in the last " + strconv.Itoa(cohortMonths) + " months."
		return d
	}
	return chart(d, func() (template.HTML, error) {
		return drawLayouts(func(l layout) (template.HTML, error) { return retentionChart(c, l) })
	})
}

func responseData(c *Community, yMax float64) chartData {
	d := chartData{Kind: "response", Title: "Time to first response on newcomers' first issue or pull request",
		Reading: "Half of newcomers' first issues and pull requests got a first comment or review from someone else (not a bot) within the median; nine in ten within the 90th percentile. Unanswered items are left out; the number answered, n, is under each quarter, and a quarter with none answered is a gap in the lines.",
		Head:    []string{"Quarter", "First items", "Answered", "Median", "90th percentile"}}
	answered := false
	for _, q := range c.Responses {
		med, p90 := "–", "–"
		if q.Answered > 0 {
			med, p90 = fmtHours(q.MedianHours), fmtHours(q.P90Hours)
			answered = true
		}
		d.Rows = append(d.Rows, []string{q.Label, fmtInt(q.Items), fmtInt(q.Answered), med, p90})
	}
	if c.ResponseEvents == 0 {
		d.Empty = noResponses
		return d
	}
	if !answered {
		d.Empty = "No newcomer's first issue or pull request was answered in the last 16 quarters."
		return d
	}
	return chart(d, func() (template.HTML, error) {
		return drawLayouts(func(l layout) (template.HTML, error) { return responseChart(c, yMax, l) })
	})
}

var funcs = template.FuncMap{
	"date":          func(t interface{ Format(string) string }) string { return t.Format(dateFormat) },
	"int":           fmtInt,
	"int64":         func(n int) string { return fmtInt(int64(n)) },
	"stage":         stageLabel,
	"clean":         clean,
	"orDash":        orDash,
	"people":        people,
	"plural":        plural,
	"failureBanner": failureBanner,
	"unchanged":     unchangedSentence,
	"emptyTables":   emptyTables,
}

// emptyTables names the tables with no rows, for one line under the
// table of row counts.
func emptyTables(ts []TableCount) string {
	var names []string
	for _, t := range ts {
		if t.Rows == 0 {
			names = append(names, t.Table)
		}
	}
	return strings.Join(names, ", ")
}

var page = template.Must(template.New("report").Funcs(funcs).Parse(pageTemplate))

const pageTemplate = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; font-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Contributor journeys, {{date .AsOf}}</title>
<style>
:root { color-scheme: light; --ink: #1f2328; --muted: #59636e; --line: #d1d9e0; --bg: #f6f8fa; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: var(--ink); margin: 0 auto; max-width: 960px; padding: 1.5rem; line-height: 1.45; }
h1 { margin: 0 0 .25rem; font-size: 1.8rem; }
h2 { border-bottom: 1px solid var(--line); padding-bottom: .3rem; margin-top: 2.5rem; }
h3 { margin: 0 0 .2rem; font-size: 1.05rem; }
.meta, .reading, .note { color: var(--muted); }
.banner { border: 2px solid #b35806; background: #fff4e5; color: #111; padding: 0.5em 1em; margin: 1em 0; border-radius: 4px; }
.reading { margin: 0 0 .5rem; font-size: .92rem; }
.headlines { font-size: 1.1rem; padding-left: 1.2rem; }
nav ul { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: .4rem 1rem; }
a { color: #0969da; }
figure.chart { margin: 1.5rem 0; padding: 1rem; border: 1px solid var(--line); border-radius: 6px; background: #fff; }
.plot-box { overflow-x: auto; }
svg.plot { display: block; width: 100%; height: auto; }
.plot-narrow svg.plot { max-width: 36rem; }
@media (max-width: 759.98px) { .plot-wide { display: none; } }
@media (min-width: 760px) { .plot-narrow { display: none; } }
@media (max-width: 600px) {
  body { padding: .75rem; }
  figure.chart { padding: .5rem; margin: 1rem 0; }
}
details { margin-top: .6rem; }
summary { cursor: pointer; color: var(--muted); }
table { border-collapse: collapse; margin: .5rem 0; font-size: .88rem; font-variant-numeric: tabular-nums; }
th, td { border: 1px solid var(--line); padding: .2rem .5rem; text-align: right; }
th:first-child, td:first-child { text-align: left; }
th { background: var(--bg); }
.table-wrap { overflow-x: auto; }
.empty { padding: 2rem; text-align: center; background: var(--bg); color: var(--muted); }
.warn li { margin: .2rem 0; }
.align > input { position: absolute; opacity: 0; width: 1px; height: 1px; }
.align > label { display: inline-block; margin: 1rem .4rem 0 0; padding: .25rem .8rem; border: 1px solid var(--line); border-radius: 6px; cursor: pointer; }
.align > input:checked + label { background: var(--ink); border-color: var(--ink); color: #fff; }
.align > input:focus-visible + label { outline: 2px solid #0969da; outline-offset: 2px; }
.align-age, #align-age:checked ~ .align-calendar { display: none; }
#align-age:checked ~ .align-age { display: block; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  nav, summary { display: none; }
  details > *:not(summary) { display: block; }
  figure.chart { break-inside: avoid; border: none; padding: 0; }
  .plot-narrow { display: none !important; }
  .plot-wide { display: block !important; }
  svg.plot { min-width: 0 !important; }
  .align > input, .align > label { display: none; }
  .align .align-calendar, .align .align-age { display: block !important; }
  h2 { break-before: page; }
  header + section h2 { break-before: auto; }
  a { color: inherit; text-decoration: none; }
}
</style>
</head>
<body>
<header>
<h1>Contributor journeys</h1>
<p class="meta">Analysis date <strong>{{date .AsOf}}</strong> · config <code>{{orDash .ConfigPath}}</code> · journeys {{orDash .ToolVersion}} · generated {{.GeneratedAt.Format "2006-01-02 15:04"}} UTC</p>
{{- if .Pseudonymized}}
<p class="note">Logins are pseudonymized: this report names nobody.</p>
{{- end}}
{{- if .Failures}}
<div class="banner" role="alert">
<p><strong>{{failureBanner .Report}}</strong></p>
<ul>
{{- range .Failures}}
<li><code>{{.Repo}}</code> ({{.Community}}): {{.Advice}}</li>
{{- end}}
</ul>
</div>
{{- end}}
<ul class="headlines">
{{- range .Communities}}
<li>{{.Headline}}</li>
{{- end}}
</ul>
<nav><ul>
{{- range .Communities}}
<li><a href="#{{.ID}}">{{.Name}}</a></li>
{{- end}}
{{- if .Compare}}<li><a href="#compare">Communities compared</a></li>{{end}}
<li><a href="#collected">What was collected</a></li>
<li><a href="#incomplete">Incomplete data</a></li>
<li><a href="#glossary">Glossary</a></li>
</ul></nav>
</header>
{{range .Communities}}
<section id="{{.ID}}">
<h2>{{.Name}}</h2>
<p>{{int .People}} people{{if .Funnel}}; {{int .StatesNow.Active}} active now; {{int (.Reached "participation")}} reached participation, {{int (.Now "leadership")}} now at leadership{{end}}.
{{- if .LeaderCount}}
{{- if $.Pseudonymized}} {{people .LeaderCount}} reached leadership in the last 12 months.
{{- else}} Reached leadership in the last 12 months: {{range $i, $n := .NewLeaders}}{{if $i}}, {{end}}{{$n}}{{end}}{{with .MoreLeaders}} and {{int .}} more{{end}}.
{{- end}}
{{- end}}</p>
{{range .Charts}}{{template "chart" .}}{{end}}
{{- if .SensitivityTables}}
<div class="sensitivity" id="{{.ID}}-sensitivity">
<h3>Sensitivity to the model's thresholds</h3>
<p class="reading">{{.SensitivityReading}}</p>
{{- range .SensitivityTables}}
{{- if .Folded}}
<details><summary>{{.Title}}</summary>
{{- else}}
<p>{{.Title}}:</p>
{{- end}}
<div class="table-wrap"><table><thead><tr>{{range .Head}}<th>{{.}}</th>{{end}}</tr></thead><tbody>
{{- range .Rows}}
<tr>{{range .}}<td>{{.}}</td>{{end}}</tr>
{{- end}}
</tbody></table></div>
{{- with unchanged .}}
<p class="reading">{{.}}</p>
{{- end}}
{{- if .Folded}}
</details>
{{- end}}
{{- end}}
</div>
{{- end}}
</section>
{{end}}
{{- if .Compare}}
<section id="compare">
<h2>Communities compared</h2>
<p class="reading">{{.Compare.Intro}} The <a href="#glossary">glossary</a> defines every column.</p>
{{range .Compare.Figures}}{{template "compareFigure" .}}{{end}}
<div class="align">
<input type="radio" name="align" id="align-calendar" checked><label for="align-calendar">By calendar</label>
<input type="radio" name="align" id="align-age"><label for="align-age">By community age</label>
<div class="align-calendar">{{template "compareFigure" index .Compare.Active 0}}</div>
<div class="align-age">{{template "compareFigure" index .Compare.Active 1}}</div>
</div>
</section>
{{- end}}
<section id="collected">
<h2>What was collected</h2>
<p>{{int64 .Collection.ReposTotal}} repositories ({{int64 (len .Collection.ReposFailed)}} failed), {{int .Collection.Requests}} API requests{{if not .Collection.FinishedAt.IsZero}}, collection finished {{.Collection.FinishedAt.UTC.Format "2006-01-02 15:04"}} UTC{{end}}; {{int .Collection.EventsRead}} events analysed, {{plural .Collection.Bots "account" "accounts"}} set aside as bots.</p>
{{- if .Collection.Tables}}
<table><thead><tr><th>Table</th><th>Rows</th></tr></thead><tbody>
{{- range .Collection.Tables}}{{if .Rows}}
<tr><td>{{.Table}}</td><td>{{int .Rows}}</td></tr>
{{- end}}{{end}}
</tbody></table>
{{- with emptyTables .Collection.Tables}}
<p>Empty: {{.}}.</p>
{{- end}}
{{- end}}
{{- if .Collection.Repos}}
<details><summary>Repositories</summary>
<div class="table-wrap"><table><thead><tr><th>Community</th><th>Repository</th><th>Status</th><th>Events</th></tr></thead><tbody>
{{- range .Collection.Repos}}
<tr><td>{{.Community}}</td><td>{{.Repo}}</td><td>{{.Status}}</td><td>{{int (index .Rows "events")}}</td></tr>
{{- end}}
{{- if .Collection.MoreRepos}}
<tr><td>…</td><td>{{int64 .Collection.MoreRepos}} more</td><td></td><td></td></tr>
{{- end}}
</tbody></table></div>
</details>
{{- end}}
<h2 id="model">Model thresholds</h2>
<table><thead><tr><th>Threshold</th><th>Value</th></tr></thead><tbody>
{{- range .Thresholds}}
<tr><td>{{.Name}}</td><td>{{int64 .Value}}</td></tr>
{{- end}}
</tbody></table>
{{- if .Switches}}
<ul>
{{- range .Switches}}
<li>{{.}}</li>
{{- end}}
</ul>
{{- end}}
</section>
<section id="incomplete">
<h2>Incomplete data</h2>
<ul class="warn">
{{- range .Incomplete}}
<li>{{.}}</li>
{{- else}}
<li>Nothing known to be missing.</li>
{{- end}}
{{- range .Collection.ReposFailed}}
<li>{{.Community}} / {{.Repo}} failed: {{orDash .Error}}</li>
{{- end}}
</ul>
<p>What the source does not hold:</p>
<ul>
{{- range .Limits}}
<li>{{.}}</li>
{{- end}}
</ul>
</section>
<section id="glossary">
<h2>Glossary</h2>
<dl>
{{- range .Glossary}}
<dt>{{.Name}}</dt><dd>{{.Definition}}</dd>
{{- end}}
</dl>
</section>
<script>
window.addEventListener("beforeprint", function () { document.querySelectorAll("details").forEach(function (d) { d.open = true; }); });
</script>
</body>
</html>
{{define "compareFigure"}}
<figure class="chart" data-chart="{{.Kind}}">
<figcaption><h3>{{.Title}}</h3><p class="reading">{{.Reading}}</p></figcaption>
{{- if .SVG}}
{{.SVG}}
{{- else if .Empty}}
<p class="empty">{{.Empty}}</p>
{{- else}}
<p class="empty">{{.Failed}}</p>
{{- end}}
{{- if not .Empty}}
{{- if .Folded}}
<details><summary>Numbers behind the chart</summary>
{{- end}}
{{- range .Tables}}
<div class="table-wrap"><table><thead><tr>{{range .Head}}<th>{{.}}</th>{{end}}</tr></thead><tbody>
{{- range .Rows}}
<tr>{{range .}}<td>{{.}}</td>{{end}}</tr>
{{- end}}
</tbody></table></div>
{{- end}}
{{- if .Folded}}
</details>
{{- end}}
{{- end}}
</figure>
{{- end}}
{{define "chart"}}
<figure class="chart" data-chart="{{.Kind}}">
<figcaption><h3>{{.Title}}</h3><p class="reading">{{.Reading}}</p></figcaption>
{{- if .SVG}}
{{.SVG}}
{{- else}}
<p class="empty">{{.Empty}}</p>
{{- end}}
<details><summary>Numbers behind the chart</summary>
<div class="table-wrap"><table><thead><tr>{{range .Head}}<th>{{.}}</th>{{end}}</tr></thead><tbody>
{{- range .Rows}}
<tr>{{range .}}<td>{{.}}</td>{{end}}</tr>
{{- end}}
</tbody></table></div>
</details>
</figure>
{{- end}}
`
