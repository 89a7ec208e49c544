package report

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/journeys-dev/journeys/analyze"
	"github.com/journeys-dev/journeys/schema"
)

const (
	bigOrg   = "Big Org"
	smallLab = "Small Lab"
)

// compareInput is a synthetic run of two communities of very different
// sizes, whose comparison figures are worked out by hand below.
//
// Big Org (40 newcomers, 100 stargazers, twelve and a half years of
// history): mx, its maintainer, first committed on 2022-06-01. Nineteen
// people opened their first issue on 2023-01-10, each answered by mx i+1
// hours later (i = 0..18); nine of them committed 30 days later, six had a
// pull request merged by mx 200 days later, four did nothing more. Twelve
// opened an issue on 2024-02-01 (unanswered), six of whom committed on
// 2024-03-01. Eight opened an issue on 2024-05-15, four of whom committed on
// 2024-05-20.
//
// Small Lab (4 newcomers): a opened pull request 1 on 2023-03-01, b
// commented on it a day later and merged it on 2023-03-05. c opened issue
// 2 on 2024-01-15, a answered it two days later, and c was listed in
// .all-contributorsrc on 2024-06-01. d opened issue 3 on 2024-06-10.
func compareInput() Input {
	asOf := fixtureAsOf // 2024-06-30, the last day of its month
	var events []schema.Event
	seq := 0
	ev := func(community, actor string, kind schema.Kind, at time.Time, number int64, author string) {
		seq++
		e := schema.Event{Community: community, Repo: community + "/repo", Kind: kind, OccurredAt: at, SourceID: fmt.Sprintf("e%d", seq)}
		if actor != "" {
			e.Actor, e.ActorType = ptr(actor), ptr("User")
		}
		if number > 0 {
			e.TargetNumber, e.TargetAuthor = ptr(number), ptr(author)
		}
		events = append(events, e)
	}
	ev(bigOrg, "mx", schema.KindCommit, day(2022, 6, 1), 0, "")
	n := int64(0)
	for i := range 19 {
		who := fmt.Sprintf("jan%02d", i)
		n++
		ev(bigOrg, who, schema.KindIssueOpened, day(2023, 1, 10), n, who)
		ev(bigOrg, "mx", schema.KindIssueComment, day(2023, 1, 10).Add(time.Duration(i+1)*time.Hour), n, who)
		switch {
		case i < 9:
			ev(bigOrg, who, schema.KindCommit, day(2023, 1, 10).AddDate(0, 0, 30), 0, "")
		case i < 15:
			n++
			ev(bigOrg, "mx", schema.KindPRMerged, day(2023, 1, 10).AddDate(0, 0, 200), n, who)
		}
	}
	for i := range 12 {
		who := fmt.Sprintf("feb%02d", i)
		n++
		ev(bigOrg, who, schema.KindIssueOpened, day(2024, 2, 1), n, who)
		if i < 6 {
			ev(bigOrg, who, schema.KindCommit, day(2024, 3, 1), 0, "")
		}
	}
	for i := range 8 {
		who := fmt.Sprintf("may%02d", i)
		n++
		ev(bigOrg, who, schema.KindIssueOpened, day(2024, 5, 15), n, who)
		if i < 4 {
			ev(bigOrg, who, schema.KindCommit, day(2024, 5, 20), 0, "")
		}
	}
	for i := range 100 {
		ev(bigOrg, fmt.Sprintf("star%03d", i), schema.KindStar, day(2023, 6, 1), 0, "")
	}
	ev(bigOrg, "welcome[bot]", schema.KindIssueComment, day(2024, 2, 1).Add(time.Minute), n, "feb11") // a bot: no response

	ev(smallLab, "a", schema.KindPROpened, day(2023, 3, 1), 1, "a")
	ev(smallLab, "b", schema.KindIssueComment, day(2023, 3, 2), 1, "a")
	ev(smallLab, "b", schema.KindPRMerged, day(2023, 3, 5), 1, "a")
	ev(smallLab, "c", schema.KindIssueOpened, day(2024, 1, 15), 2, "c")
	ev(smallLab, "a", schema.KindIssueComment, day(2024, 1, 17), 2, "c")
	ev(smallLab, "c", schema.KindRecognized, day(2024, 6, 1), 0, "")
	ev(smallLab, "d", schema.KindIssueOpened, day(2024, 6, 10), 3, "d")

	in := Input{Events: events, Bots: []schema.Bot{{Login: "welcome[bot]", Reason: "type"}}}
	funnel := func(community string, ever []int64, medianDays float64) {
		for i, s := range analyze.Stages {
			row := schema.FunnelRow{Community: community, Stage: s, Order: int64(i), EverMet: ever[i]}
			if s == analyze.StageParticipation {
				row.MedianDaysFromFirstContact, row.MedianDaysN = ptr(medianDays), ever[i]
			}
			in.Funnel = append(in.Funnel, row)
		}
	}
	funnel(bigOrg, []int64{140, 40, 17, 5, 2, 1}, 30)
	funnel(smallLab, []int64{5, 4, 2, 0, 0, 0}, 4)

	// Monthly states. Big Org, from 2012-01: 10 people new or active at
	// each month end, 20 in 2020, 15 in 2024; three dormant and a hundred
	// who never acted besides, every month. Small Lab, from 2023-03: one,
	// then three from 2024-01.
	month := func(community string, m int32, active, dormant, never int) {
		for i := range active {
			st := analyze.StateActive
			if i < 2 {
				st = analyze.StateNew
			}
			in.Months = append(in.Months, schema.ContributorMonth{Community: community, Login: fmt.Sprintf("p%d", i), Month: monthStart(m), Stage: analyze.StageParticipation, State: ptr(st)})
		}
		for i := range dormant {
			in.Months = append(in.Months, schema.ContributorMonth{Community: community, Login: fmt.Sprintf("d%d", i), Month: monthStart(m), Stage: analyze.StageFirstContact, State: ptr(analyze.StateDormant)})
		}
		for i := range never {
			in.Months = append(in.Months, schema.ContributorMonth{Community: community, Login: fmt.Sprintf("s%d", i), Month: monthStart(m), Stage: analyze.StageDiscovery})
		}
	}
	for m := monthIndex(day(2012, 1, 1)); m <= monthIndex(asOf); m++ {
		active := 10
		switch monthStart(m).Year() {
		case 2020:
			active = 20
		case 2024:
			active = 15
		}
		month(bigOrg, m, active, 3, 100)
	}
	for m := monthIndex(day(2023, 3, 1)); m <= monthIndex(asOf); m++ {
		active := 1
		if monthStart(m).Year() == 2024 {
			active = 3
		}
		month(smallLab, m, active, 0, 1)
	}
	in.Analysis = analyze.Manifest{ToolVersion: "v0.3.0", AsOf: asOf, Model: analyze.DefaultModel(), Communities: []string{bigOrg, smallLab}, EventsRead: int64(len(events))}
	in.ConfigPath, in.ToolVersion = "journeys.yaml", "v0.3.0"
	in.GeneratedAt = time.Date(2024, 7, 1, 8, 30, 0, 0, time.UTC)
	return in
}

func comparison(t *testing.T, in Input) *Comparison {
	t.Helper()
	r := mustBuild(t, in)
	if r.Compare == nil {
		t.Fatal("no comparison for two communities")
	}
	return r.Compare
}

func figuresOf(t *testing.T, cmp *Comparison, name string) *CommunityFigures {
	t.Helper()
	for i := range cmp.Communities {
		if cmp.Communities[i].Name == name {
			return &cmp.Communities[i]
		}
	}
	t.Fatalf("no community %q in the comparison", name)
	return nil
}

func TestComparisonShares(t *testing.T) {
	cmp := comparison(t, compareInput())
	if got := cmp.names(); !slices.Equal(got, []string{bigOrg, smallLab}) {
		t.Fatalf("communities %q, want the configuration's order", got)
	}
	step := func(stage string) func(*CommunityFigures) Share {
		return func(f *CommunityFigures) Share { return f.step(stage) }
	}
	within := func(j int) func(*CommunityFigures) Share {
		return func(f *CommunityFigures) Share { return f.Within[j] }
	}
	retained := func(k int) func(*CommunityFigures) Share {
		return func(f *CommunityFigures) Share { return f.Retention[k-1] }
	}
	tests := []struct {
		name      string
		community string
		share     func(*CommunityFigures) Share
		want      Share
		wantPct   string
	}{
		// The ladder: the funnel's counts, each over the step before.
		{"big: first contact of discovery", bigOrg, step(analyze.StageFirstContact), Share{40, 140}, "28.6%"},
		{"big: participation of first contact", bigOrg, step(analyze.StageParticipation), Share{17, 40}, "42.5%"},
		{"big: leadership of networked", bigOrg, step(analyze.StageLeadership), Share{1, 2}, "50.0%"},
		{"small: participation of first contact", smallLab, step(analyze.StageParticipation), Share{2, 4}, "50.0%"},
		{"small: sustained, nobody of two", smallLab, step(analyze.StageSustainedParticipation), Share{0, 2}, "0.0%"},
		{"small: networked, nobody before", smallLab, step(analyze.StageNetworkedParticipation), Share{0, 0}, ""},

		// Within 90 days: Big Org's mx, the January and February people
		// (not May's, censored); 16 of them reached participation in
		// time: mx (day 0), 9 January committers, 6 February ones; the 6
		// merged after 200 days did not.
		{"big: within 90 days", bigOrg, within(0), Share{16, 32}, "50.0%"},
		// Within 365 days: mx and January's 19 only; the merges count.
		{"big: within 365 days", bigOrg, within(1), Share{16, 20}, "80.0%"},
		// Small Lab: a (merged after 4 days), b (never), c (listed after
		// 138 days); d censored.
		{"small: within 90 days", smallLab, within(0), Share{1, 3}, "33.3%"},
		// a and b only: c's first contact is less than 365 days old.
		{"small: within 365 days", smallLab, within(1), Share{1, 2}, "50.0%"},

		// Retention, pooled over the cohorts whose k-th month is over
		// (June 2024 is: the analysis date is its last day). k = 1: all
		// 40, May's 8 included; 9 January and 6 February committers acted
		// in the month after; May's committed in their own month.
		{"big: 1 month after", bigOrg, retained(1), Share{15, 40}, "37.5%"},
		{"big: 2 months after, May censored", bigOrg, retained(2), Share{0, 32}, "0.0%"},
		// k = 7: mx (2022-06 + 7 = 2023-01, his comments) of mx and
		// January's 19; February's 7th month is not over.
		{"big: 7 months after", bigOrg, retained(7), Share{1, 20}, "5.0%"},
		{"small: 1 month after", smallLab, retained(1), Share{0, 3}, "0.0%"},
		// k = 10: a answered c in 2024-01, ten months after 2023-03.
		{"small: 10 months after", smallLab, retained(10), Share{1, 2}, "50.0%"},
		{"small: 12 months after", smallLab, retained(12), Share{0, 2}, "0.0%"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.share(figuresOf(t, cmp, tt.community))
			if got != tt.want {
				t.Errorf("share = %d of %d, want %d of %d", got.Count, got.Of, tt.want.Count, tt.want.Of)
			}
			if tt.wantPct != "" && fmtPct(got.Value()) != tt.wantPct {
				t.Errorf("share = %s, want %s", fmtPct(got.Value()), tt.wantPct)
			}
		})
	}
}

func TestComparisonCountsAndMedians(t *testing.T) {
	cmp := comparison(t, compareInput())
	big, small := figuresOf(t, cmp, bigOrg), figuresOf(t, cmp, smallLab)
	hours := func(h *float64) float64 {
		if h == nil {
			return math.NaN()
		}
		return *h
	}
	tests := []struct {
		name      string
		got, want float64
	}{
		// Stargazers are no newcomers.
		{"big newcomers", float64(big.Newcomers), 40},
		{"small newcomers", float64(small.Newcomers), 4},
		{"big median days to participation", hours(big.MedianDaysToParticipation), 30},
		{"big median days people", float64(big.MedianDaysN), 17},
		{"small median days to participation", hours(small.MedianDaysToParticipation), 4},
		// 19 + 12 + 8 first issues; the 19 answered after 1..19 hours
		// (median 10 h); the bot's comment is no answer.
		{"big first items", float64(big.Response.Items), 39},
		{"big answered", float64(big.Response.Answered), 19},
		{"big median hours", hours(big.Response.MedianHours), 10},
		{"big first items since the window opened", float64(big.Window.Items), 20},
		{"big answered since the window opened", float64(big.Window.Answered), 0},
		// a after 24 h, c after 48 h; d unanswered.
		{"small first items", float64(small.Response.Items), 3},
		{"small answered", float64(small.Response.Answered), 2},
		{"small median hours", hours(small.Response.MedianHours), 36},
		{"small window items", float64(small.Window.Items), 2},
		{"small window median hours", hours(small.Window.MedianHours), 48},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s = %v, want %v", tt.name, tt.got, tt.want)
		}
	}
	if big.Window.MedianHours != nil {
		t.Errorf("big window median = %v, want none (nothing answered)", *big.Window.MedianHours)
	}
}

func TestComparisonActivePeople(t *testing.T) {
	cmp := comparison(t, compareInput())
	const third = 1.0 / 3
	tests := []struct {
		name      string
		series    ActiveSeries
		community int
		period    string
		months    int
		mean      float64
		ofPeak    float64
	}{
		// 150 months of Big Org: years. 20 people in 2020 is its peak;
		// stargazers and dormant people are not counted.
		{"calendar: big 2012", cmp.Calendar, 0, "2012", 12, 10, 0.5},
		{"calendar: big 2020", cmp.Calendar, 0, "2020", 12, 20, 1},
		{"calendar: big 2024, half a year", cmp.Calendar, 0, "2024", 6, 15, 0.75},
		{"calendar: small before its start", cmp.Calendar, 1, "2022", 0, 0, 0},
		{"calendar: small 2023, ten months", cmp.Calendar, 1, "2023", 10, 1, third},
		{"calendar: small 2024", cmp.Calendar, 1, "2024", 6, 3, 1},
		// By age: Small Lab's first year is 10 months of 1 and 2 of 3.
		{"age: big first year", cmp.Age, 0, "0–11", 12, 10, 0.5},
		{"age: big last months", cmp.Age, 0, "144–155", 6, 15, 0.75},
		{"age: small first year", cmp.Age, 1, "0–11", 12, 16.0 / 12, 16.0 / 12 / 3},
		{"age: small second year", cmp.Age, 1, "12–23", 4, 3, 1},
		{"age: small not that old", cmp.Age, 1, "24–35", 0, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.series.Unit != 12 {
				t.Fatalf("unit = %d months, want 12 for a 150-month history", tt.series.Unit)
			}
			p := slices.Index(tt.series.Periods, tt.period)
			if p < 0 {
				t.Fatalf("no period %q in %q", tt.period, tt.series.Periods)
			}
			pt := tt.series.Points[tt.community][p]
			if pt.Months != tt.months || math.Abs(pt.Mean-tt.mean) > 1e-9 || math.Abs(pt.OfPeak-tt.ofPeak) > 1e-9 {
				t.Errorf("point = %+v, want %d months, mean %v, %v of the peak", pt, tt.months, tt.mean, tt.ofPeak)
			}
		})
	}
	if n := len(cmp.Calendar.Periods); n != 13 {
		t.Errorf("%d calendar periods, want 13 (2012 to 2024): every month of the history", n)
	}
	if n := len(cmp.Age.Periods); n != 13 {
		t.Errorf("%d age periods, want 13 (150 months)", n)
	}
}

func TestPeriodUnit(t *testing.T) {
	tests := []struct{ span, want int }{{1, 1}, {36, 1}, {37, 3}, {144, 3}, {145, 12}, {600, 12}}
	for _, tt := range tests {
		if got := periodUnit(tt.span); got != tt.want {
			t.Errorf("periodUnit(%d) = %d, want %d", tt.span, got, tt.want)
		}
	}
}

// The single-community report has no comparison section, nor its
// glossary entries.
func TestNoComparisonForOneCommunity(t *testing.T) {
	in := compareInput()
	in.Analysis.Communities = []string{smallLab}
	keep := func(c string) bool { return c == smallLab }
	in.Events = only(in.Events, func(e schema.Event) bool { return keep(e.Community) })
	in.Funnel = only(in.Funnel, func(f schema.FunnelRow) bool { return keep(f.Community) })
	in.Months = only(in.Months, func(m schema.ContributorMonth) bool { return keep(m.Community) })
	r := mustBuild(t, in)
	if r.Compare != nil {
		t.Fatalf("a comparison of one community: %+v", r.Compare)
	}
	md, page := markdown(t, r), htmlPage(t, r)
	for name, text := range map[string]string{"Markdown": md, "HTML": page} {
		for _, bad := range []string{"Communities compared", "Participation within 90 days", "compare-"} {
			if strings.Contains(text, bad) {
				t.Errorf("%s of one community contains %q", name, bad)
			}
		}
	}
}

func TestComparisonEmptyStates(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Input)
		want string
	}{
		{"no comments or reviews", func(in *Input) {
			in.Events = only(in.Events, func(e schema.Event) bool { return !isResponse(e.Kind) })
		}, "The data holds no comments or reviews, so time to first response cannot be measured."},
		{"no newcomer old enough", func(in *Input) {
			in.Events = only(in.Events, func(e schema.Event) bool { return e.OccurredAt.After(day(2024, 4, 10)) })
			in.Funnel = nil
		}, "No newcomer's first contact is on or before 2024-04-01, 90 days before the analysis date"},
		{"no newcomer at all", func(in *Input) {
			in.Events = only(in.Events, func(e schema.Event) bool { return e.Kind == schema.KindStar })
			in.Funnel = nil
		}, "No community has a newcomer"},
		{"no retention yet", func(in *Input) {
			in.Events = only(in.Events, func(e schema.Event) bool { return e.OccurredAt.After(day(2024, 6, 1)) })
		}, "No newcomer has had a whole calendar month after the month of first contact"},
		{"no monthly snapshots", func(in *Input) { in.Months = nil }, "No monthly snapshot has anybody who acted"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := compareInput()
			tt.edit(&in)
			r := mustBuild(t, in)
			md, page := markdown(t, r), htmlPage(t, r)
			if !strings.Contains(md, tt.want) {
				t.Errorf("Markdown does not say %q", tt.want)
			}
			if !strings.Contains(page, strings.ReplaceAll(tt.want, "'", "&#39;")) {
				t.Errorf("HTML does not say %q", tt.want)
			}
		})
	}
}

// Tables have at most six columns: with seven communities the
// per-community tables are split.
func TestComparisonTablesAtMostSixColumns(t *testing.T) {
	in := compareInput()
	var names []string
	for i := range 7 {
		name := fmt.Sprintf("Community %d", i+1)
		names = append(names, name)
		for _, e := range compareInput().Events {
			if e.Community == smallLab {
				e.Community = name
				in.Events = append(in.Events, e)
			}
		}
		for _, m := range compareInput().Months {
			if m.Community == smallLab {
				m.Community = name
				in.Months = append(in.Months, m)
			}
		}
	}
	in.Analysis.Communities = append(in.Analysis.Communities, names...)
	r := mustBuild(t, in)
	md := markdown(t, r)
	section := md[strings.Index(md, "## Communities compared"):strings.Index(md, "## What was collected")]
	tables := 0
	for _, line := range strings.Split(section, "\n") {
		if strings.HasPrefix(line, "|---") {
			tables++
		}
		if strings.HasPrefix(line, "|") {
			if n := cells(line); n > 6 {
				t.Errorf("a row of %d columns: %s", n, line)
			}
		}
	}
	// Ladder, participation, response: one each; retention and the two
	// active tables: two each (9 communities, 5 a table).
	if tables != 9 {
		t.Errorf("%d tables in the comparison, want 9", tables)
	}
	for _, name := range names {
		if !strings.Contains(section, name) {
			t.Errorf("the comparison leaves out %s", name)
		}
	}
}

// Every column of the comparison's tables is in the glossary.
func TestComparisonColumnsInGlossary(t *testing.T) {
	r := mustBuild(t, compareInput())
	var terms []string
	for _, g := range reportGlossary(r) {
		terms = append(terms, strings.ToLower(g.Name))
	}
	defined := func(col string) bool {
		col = strings.ToLower(col)
		if i := strings.Index(col, " since "); i >= 0 {
			col = "median since"
		}
		for _, t := range terms {
			if strings.Contains(t, col) {
				return true
			}
		}
		return false
	}
	for _, f := range compareFigures(r.Compare) {
		for _, tb := range f.Tables {
			for _, col := range tb.Head {
				if col == "Community" || slices.Contains(r.Compare.names(), col) {
					continue
				}
				if !defined(col) {
					t.Errorf("%s: column %q is not in the glossary", f.Title, col)
				}
			}
		}
	}
}

func TestComparisonMarkdownGolden(t *testing.T) {
	md := markdown(t, mustBuild(t, compareInput()))
	golden(t, "compare.md.golden", md[strings.Index(md, "## Communities compared"):strings.Index(md, "## What was collected")])
}

func TestComparisonHTML(t *testing.T) {
	page := htmlPage(t, mustBuild(t, compareInput()))
	for _, kind := range []string{"compare-ladder", "compare-participation", "compare-response", "compare-retention", "compare-active-calendar", "compare-active-age"} {
		if strings.Count(page, `data-chart="`+kind+`"`) != 1 {
			t.Errorf("HTML has not one %s chart", kind)
		}
	}
	// The alignment toggle is two radio buttons and CSS: no script.
	for _, want := range []string{`id="align-calendar" checked`, `id="align-age"`, `#align-age:checked ~ .align-age { display: block; }`} {
		if !strings.Contains(page, want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
	if n := strings.Count(page, "<script"); n != 1 {
		t.Errorf("%d scripts, want the report's own only", n)
	}
}
