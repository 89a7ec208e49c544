package report

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/journeys-dev/journeys/analyze"
)

// stageLabels are the stages as the reports name them.
var stageLabels = map[string]string{
	analyze.StageDiscovery:              "Discovery",
	analyze.StageFirstContact:           "First contact",
	analyze.StageParticipation:          "Participation",
	analyze.StageSustainedParticipation: "Sustained participation",
	analyze.StageNetworkedParticipation: "Networked participation",
	analyze.StageLeadership:             "Leadership",
	NotYet:                              "Not yet seen",
}

func stageLabel(s string) string {
	if l, ok := stageLabels[s]; ok {
		return l
	}
	return clean(s)
}

// mdText escapes s for Markdown text and table cells: control characters
// and line breaks become spaces, Markdown punctuation is backslash-escaped,
// and <, >, & and @ become character references (no HTML, no mentions).
func mdText(s string) string {
	var b strings.Builder
	for _, r := range clean(s) {
		switch r {
		case '\\', '`', '*', '_', '[', ']', '|', '~', '#', '!', '$':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '&':
			b.WriteString("&amp;")
		case '@':
			b.WriteString("&#64;")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// clean replaces control characters, line breaks and bidirectional
// controls (which reorder the text around them) with spaces and invalid
// UTF-8 with U+FFFD.
func clean(s string) string {
	ok := true
	for _, r := range s {
		if r == unicode.ReplacementChar || unicode.IsControl(r) || r == '\u2028' || r == '\u2029' || unicode.Is(unicode.Bidi_Control, r) {
			ok = false
			break
		}
	}
	if ok {
		return s
	}
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' || unicode.Is(unicode.Bidi_Control, r) {
			return ' '
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
}

// numbers formats counts with thousands separators, as English does.
var numbers = message.NewPrinter(language.English)

func fmtInt(n int64) string { return numbers.Sprintf("%d", n) }

// plural writes n with the singular or plural noun.
func plural(n int64, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmtInt(n) + " " + many
}

func people(n int64) string { return plural(n, "person", "people") }

func fmtPct(f float64) string { return strconv.FormatFloat(100*f, 'f', 1, 64) + "%" }

// funnelNote says what the funnel's columns mean, under its table.
const funnelNote = "Each step counts the people who met its own rule (docs/analysis.md) on some day after meeting the step before; " +
	"conversion is a share of the step before, or of first contact (leaving out people seen only through a star or a fork). " +
	"\"Now at stage\" is the highest stage whose rule holds on the analysis date, which a person can hold without having climbed every step."

// funnelRows are the funnel's table cells, as the Markdown and HTML reports
// show them: step, reached, conversion from the step before, from first
// contact, median days (people), now at stage.
func funnelRows(c *Community) [][]string {
	var out [][]string
	for _, f := range c.Funnel {
		conv, fromContact, med := "–", "–", "–"
		if f.HasConversion {
			conv = fmtPct(f.Conversion)
		}
		if f.FromContact != nil {
			fromContact = fmtPct(*f.FromContact)
		}
		if f.MedianDays != nil {
			med = fmtDays(f.MedianDays) + " (" + fmtInt(f.MedianDaysN) + ")"
		}
		out = append(out, []string{stageLabel(f.Stage), fmtInt(f.Reached), conv, fromContact, med, fmtInt(f.Current)})
	}
	return out
}

func fmtDays(d *float64) string {
	if d == nil {
		return "–"
	}
	return strconv.FormatFloat(*d, 'f', 0, 64)
}

// fmtHours writes a duration in hours as hours below two days, days above.
func fmtHours(h float64) string {
	if h < 48 {
		return strconv.FormatFloat(h, 'f', 1, 64) + " h"
	}
	return strconv.FormatFloat(h/24, 'f', 1, 64) + " d"
}

const dateFormat = "2006-01-02"

// WriteMarkdown writes r as GitHub-flavoured Markdown, fit for a job
// summary or a pull request comment.
func WriteMarkdown(w io.Writer, r *Report) error {
	b := bufio.NewWriter(w)
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }

	p("# Contributor journeys\n\n")
	p("Analysis date **%s** · config %s · journeys %s · generated %s UTC\n\n",
		r.AsOf.Format(dateFormat), mdText(orDash(r.ConfigPath)), mdText(orDash(r.ToolVersion)), r.GeneratedAt.Format("2006-01-02 15:04"))
	if r.Pseudonymized {
		p("Logins are pseudonymized: this report names nobody.\n\n")
	}
	if len(r.Failures) > 0 {
		p("> [!WARNING]\n> **%s**\n", mdText(failureBanner(r)))
		for _, f := range r.Failures {
			p("> - %s (%s): %s\n", mdText(f.Repo), mdText(f.Community), mdText(f.Advice()))
		}
		p("\n")
	}
	for _, c := range r.Communities {
		p("- **%s**\n", mdText(c.Headline))
	}
	p("\n")

	for _, c := range r.Communities {
		writeCommunityMarkdown(p, r, &c)
	}
	if r.Compare != nil {
		writeCompareMarkdown(p, r.Compare)
	}

	p("## What was collected\n\n")
	col := r.Collection
	p("%s repositories (%s failed), %s API requests", fmtInt(int64(col.ReposTotal)), fmtInt(int64(len(col.ReposFailed))), fmtInt(col.Requests))
	if !col.FinishedAt.IsZero() {
		p(", collection finished %s UTC", col.FinishedAt.UTC().Format("2006-01-02 15:04"))
	}
	p("; %s events analysed, %s set aside as bots.\n\n", fmtInt(col.EventsRead), plural(col.Bots, "account", "accounts"))
	if len(col.Tables) > 0 {
		var empty []string
		p("| Table | Rows |\n|---|---:|\n")
		for _, t := range col.Tables {
			if t.Rows == 0 {
				empty = append(empty, mdText(t.Table))
				continue
			}
			p("| %s | %s |\n", mdText(t.Table), fmtInt(t.Rows))
		}
		p("\n")
		if len(empty) > 0 {
			p("Empty: %s.\n\n", strings.Join(empty, ", "))
		}
	}
	if len(col.Repos) > 0 {
		p("<details><summary>Repositories</summary>\n\n")
		p("| Community | Repository | Status | Events |\n|---|---|---|---:|\n")
		for _, rs := range col.Repos {
			p("| %s | %s | %s | %s |\n", mdText(rs.Community), mdText(rs.Repo), mdText(rs.Status), fmtInt(rs.Rows["events"]))
		}
		if col.MoreRepos > 0 {
			p("| … | %s more | | |\n", fmtInt(int64(col.MoreRepos)))
		}
		p("\n</details>\n\n")
	}

	p("## Model thresholds\n\n")
	m := r.Model
	p("| Threshold | Value |\n|---|---:|\n")
	for _, t := range thresholds(m) {
		p("| %s | %s |\n", mdText(t.Name), fmtInt(int64(t.Value)))
	}
	p("\n")
	for _, s := range switchNotes(m) {
		p("- %s\n", mdText(s))
	}
	if len(switchNotes(m)) > 0 {
		p("\n")
	}

	p("## Incomplete data\n\n")
	if len(r.Incomplete) == 0 {
		p("Nothing known to be missing.\n\n")
	}
	for _, s := range r.Incomplete {
		p("- %s\n", mdText(s))
	}
	for _, f := range col.ReposFailed {
		p("- %s / %s failed: %s\n", mdText(f.Community), mdText(f.Repo), mdText(orDash(f.Error)))
	}
	p("\nWhat the source does not hold:\n\n")
	for _, s := range r.Limits {
		p("- %s\n", mdText(s))
	}
	p("\n## Glossary\n\n")
	for _, t := range reportGlossary(r) {
		p("- **%s**: %s\n", mdText(t.Name), mdText(t.Definition))
	}
	return b.Flush()
}

func writeCommunityMarkdown(p func(string, ...any), r *Report, c *Community) {
	p("## %s\n\n", mdText(c.Name))
	p("%s people", fmtInt(c.People))
	if n := len(c.Funnel); n > 0 {
		p(", %s active now; %s reached participation, %s now at leadership", fmtInt(c.StatesNow().Active()), fmtInt(c.Reached(analyze.StageParticipation)), fmtInt(c.Now(analyze.StageLeadership)))
	}
	p(".\n\n")

	p("### Funnel\n\n")
	if len(c.Funnel) == 0 {
		p("No funnel in the analysis.\n\n")
	} else {
		p("%s %s\n\n", funnelNote, glossaryLink)
		p("| Step | Reached | Conversion from step before | Conversion from first contact | Median days from first contact (people) | Now at stage |\n|---|---:|---:|---:|---:|---:|\n")
		for _, row := range funnelRows(c) {
			p("| %s |\n", strings.Join(append([]string{mdText(row[0])}, row[1:]...), " | "))
		}
		p("\n")
	}

	p("### Activity states\n\n")
	if len(c.States) == 0 {
		p("No monthly snapshots in the analysis, so no activity states.\n\n")
	} else {
		p("%s %s\n\n", statesSentence(c, r.AsOf), glossaryLink)
		p("| %s |\n|---|---:|---:|---:|---:|---:|\n", strings.Join(stateHead, " | "))
		for _, row := range stateRows(c, stateMarkdownMonths) {
			p("| %s |\n", strings.Join(row, " | "))
		}
		p("\n")
	}

	writeSensitivityMarkdown(p, c)

	p("### Largest stage transitions, %s to %s\n\n", r.WindowStart.Format(dateFormat), r.AsOf.Format(dateFormat))
	if len(c.Transitions) == 0 {
		p("No stage changed in this period.\n\n")
	} else {
		p("| From | To | People |\n|---|---|---:|\n")
		for _, t := range c.Transitions {
			p("| %s | %s | %s |\n", mdText(stageLabel(t.From)), mdText(stageLabel(t.To)), fmtInt(t.People))
		}
		p("\n")
	}
	if c.LeaderCount > 0 {
		if r.Pseudonymized {
			p("%s reached leadership in this period.\n\n", people(c.LeaderCount))
		} else {
			names := make([]string, len(c.NewLeaders))
			for i, n := range c.NewLeaders {
				names[i] = mdText(n)
			}
			more := ""
			if extra := c.LeaderCount - int64(len(names)); extra > 0 {
				more = fmt.Sprintf(" and %s more", fmtInt(extra))
			}
			p("Reached leadership in this period: %s%s.\n\n", strings.Join(names, ", "), more)
		}
	}

	months := c.Months
	if len(months) > markdownMonths {
		months = months[len(months)-markdownMonths:]
	}
	p("### Newcomers per month\n\n")
	if len(months) == 0 {
		p("No months to show.\n\n")
		return
	}
	p("Newcomers: people whose first issue, pull request, comment, review or commit here was in the month. ")
	withResponse := c.ResponseEvents > 0
	if withResponse {
		p("Time to first response: on the first issue or pull request they opened, until a comment or review by someone else, bots excepted. ")
	}
	p("People: everyone at a stage at the month's end, churned people excepted. Months in a row without newcomers share a line. %s\n\n", glossaryLink)
	if !withResponse {
		p("%s\n\n", noResponses)
	}
	head := []string{"Month", "Newcomers", "First issue or PR", "Median time to first response", "People"}
	if !withResponse {
		head = slices.Delete(head, 3, 4)
	}
	p("| %s |\n|---|%s\n", strings.Join(head, " | "), strings.Repeat("---:|", len(head)-1))
	for _, row := range newcomerRows(months, withResponse) {
		p("| %s |\n", strings.Join(row, " | "))
	}
	p("\n")
}

// glossaryLink points a table's reader to the definitions of its columns.
const glossaryLink = "The [glossary](#glossary) defines every column."

// noResponses says why the reports show no time to first response.
const noResponses = "The data holds no comments or reviews, so time to first response cannot be measured."

// newcomerRows are the rows of the newcomers table, newest month first. A
// run of two or more months with neither a newcomer nor a first issue or
// pull request is one row, so that quiet years do not fill the summary.
func newcomerRows(months []MonthFigures, withResponse bool) [][]string {
	var out [][]string
	for i := len(months) - 1; i >= 0; {
		m := months[i]
		j := i // months[j..i] is a run of quiet months
		for j > 0 && quiet(months[j-1]) && quiet(m) {
			j--
		}
		if j < i {
			lo, hi := months[j].Total, months[j].Total
			for _, q := range months[j : i+1] {
				lo, hi = min(lo, q.Total), max(hi, q.Total)
			}
			total := fmtInt(lo)
			if hi != lo {
				total += "–" + fmtInt(hi)
			}
			row := []string{months[j].Month.Format("2006-01") + " to " + m.Month.Format("2006-01"), "0", "0"}
			if withResponse {
				row = append(row, "–")
			}
			out = append(out, append(row, total))
			i = j - 1
			continue
		}
		row := []string{m.Month.Format("2006-01"), fmtInt(m.Newcomers), fmtInt(m.FirstItems)}
		if withResponse {
			resp := "–"
			if m.MedianResponseHours != nil {
				resp = fmtHours(*m.MedianResponseHours)
			}
			row = append(row, resp)
		}
		out = append(out, append(row, fmtInt(m.Total)))
		i--
	}
	return out
}

func quiet(m MonthFigures) bool { return m.Newcomers == 0 && m.FirstItems == 0 }

func orDash(s string) string {
	if s == "" {
		return "–"
	}
	return s
}

// A threshold is one named threshold of the model.
type threshold struct {
	Name  string
	Value int
}

func thresholds(m analyze.Model) []threshold {
	return []threshold{
		{"Window (days)", m.WindowDays},
		{"Sustained: months with own merged work in the window", m.SustainedMonths},
		{"Networked: others' items reviewed or commented on", m.NetworkedItems},
		{"Leadership: others' pull requests merged", m.LeadershipMerges},
		{"Leadership: others' items closed or labelled", m.LeadershipTriaged},
		{"New: days since first activity", m.NewDays},
		{"Active: days since last activity", m.ActiveDays},
		{"Dormant: days since last activity", m.DormantDays},
	}
}
