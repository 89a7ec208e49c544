package report

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/journeys-dev/journeys/schema"
)

func TestQuietMonthsShareARow(t *testing.T) {
	m := func(month string, newcomers, firstItems, total int64) MonthFigures {
		at, err := time.Parse("2006-01", month)
		if err != nil {
			t.Fatal(err)
		}
		return MonthFigures{Month: at, Newcomers: newcomers, FirstItems: firstItems, Total: total}
	}
	tests := []struct {
		name   string
		months []MonthFigures
		want   [][]string
	}{
		{"one quiet month keeps its row",
			[]MonthFigures{m("2024-01", 1, 1, 3), m("2024-02", 0, 0, 3), m("2024-03", 2, 1, 5)},
			[][]string{{"2024-03", "2", "1", "5"}, {"2024-02", "0", "0", "3"}, {"2024-01", "1", "1", "3"}}},
		{"a quiet run is one row with the range of people",
			[]MonthFigures{m("2024-01", 1, 0, 3), m("2024-02", 0, 0, 3), m("2024-03", 0, 0, 4), m("2024-04", 0, 0, 2), m("2024-05", 0, 1, 2)},
			[][]string{{"2024-05", "0", "1", "2"}, {"2024-02 to 2024-04", "0", "0", "2–4"}, {"2024-01", "1", "0", "3"}}},
		{"a quiet run at either end",
			[]MonthFigures{m("2024-01", 0, 0, 0), m("2024-02", 0, 0, 0), m("2024-03", 1, 1, 1), m("2024-04", 0, 0, 1), m("2024-05", 0, 0, 1)},
			[][]string{{"2024-04 to 2024-05", "0", "0", "1"}, {"2024-03", "1", "1", "1"}, {"2024-01 to 2024-02", "0", "0", "0"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := newcomerRows(tt.months, false)
			if !slices.EqualFunc(got, tt.want, slices.Equal[[]string]) {
				t.Errorf("rows\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
}

// Data without a single comment or review (git history, say) says so
// instead of showing an empty time-to-first-response column.
func TestNoCommentsSaysSo(t *testing.T) {
	in := fixture()
	var kept []schema.Event
	for _, e := range in.Events {
		if !isResponse(e.Kind) {
			kept = append(kept, e)
		}
	}
	in.Events = kept
	r := mustBuild(t, in)
	md, page := markdown(t, r), htmlPage(t, r)
	for what, doc := range map[string]string{"report.md": md, "report.html": page} {
		if !strings.Contains(doc, noResponses) {
			t.Errorf("%s does not say the data holds no comments", what)
		}
	}
	if strings.Contains(md, "| Month | Newcomers | First issue or PR | Median time to first response |") {
		t.Error("report.md shows a time-to-first-response column for data without comments")
	}
	if full := markdown(t, mustBuild(t, fixture())); strings.Contains(full, noResponses) {
		t.Error("report.md says the data holds no comments, but the fixture has some")
	}
}

// Tables with no rows share one line instead of a column of zeros.
func TestEmptyTablesShareALine(t *testing.T) {
	in := fixture()
	in.Collection.Tables = map[string]int64{"comments": 0, "issues": 4, "stargazers": 0}
	r := mustBuild(t, in)
	md := markdown(t, r)
	if !strings.Contains(md, "Empty: comments, stargazers.") || strings.Contains(md, "| comments | 0 |") {
		t.Errorf("report.md lists empty tables as rows:\n%s", md)
	}
	if page := htmlPage(t, r); !strings.Contains(page, "Empty: comments, stargazers.") || strings.Contains(page, "<td>comments</td>") {
		t.Error("report.html lists empty tables as rows")
	}
}

// A long history is drawn whole, in coarser bars, never cut.
func TestLongHistoriesGetCoarserBars(t *testing.T) {
	months := func(n int) []MonthFigures {
		out := make([]MonthFigures, n)
		for i := range out {
			out[i] = MonthFigures{Month: time.Date(2001, time.Month(1+i), 1, 0, 0, 0, 0, time.UTC), Total: int64(i)}
		}
		return out
	}
	tests := []struct {
		months             int
		bars               int
		firstLabel, lastOf string
	}{
		{12, 12, "2001-01", "2001-12"},
		{monthlyBars, monthlyBars, "2001-01", "2006-12"},
		{monthlyBars + 1, 25, "2001-Q1", "2007-Q1"},
		{3 * quarterlyBars, quarterlyBars, "2001-Q1", "2020-Q4"},
		{3*quarterlyBars + 1, 21, "2001", "2021"},
	}
	for _, tt := range tests {
		bins := monthBins(months(tt.months))
		if len(bins) != tt.bars || bins[0].label != tt.firstLabel || bins[len(bins)-1].label != tt.lastOf {
			t.Errorf("%d months: %d bars from %q to %q, want %d from %q to %q",
				tt.months, len(bins), bins[0].label, bins[len(bins)-1].label, tt.bars, tt.firstLabel, tt.lastOf)
		}
		// A bar shows its last month: the people at the period's end.
		if last := bins[len(bins)-1].last.Total; last != int64(tt.months-1) {
			t.Errorf("%d months: the last bar shows %d people, want the last month's %d", tt.months, last, tt.months-1)
		}
	}
}
