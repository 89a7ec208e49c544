package analyze

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/journeys-dev/journeys/schema"
)

// metricsWorld is a handful of people and items whose metrics are worked
// out by hand in TestMetrics.
func metricsWorld() []schema.Event {
	at := func(m time.Month, d, h, min int) time.Time {
		y := 2024
		if m > time.June {
			y = 2023
		}
		return time.Date(y, m, d, h, min, 0, 0, time.UTC)
	}
	bot := "dependabot[bot]"
	closedBy := func(number int64, author string, actor string, t time.Time) schema.Event {
		e := ev(schema.KindIssueClosed, actor, t, on(number, author))
		e.TargetIsPullRequest = ptr(number > 2) // 1 and 2 are issues
		return e
	}
	return []schema.Event{
		// A bot's star comes first but starts nothing; ana's star starts
		// the community's months (December 2023).
		ev(schema.KindStar, bot, at(time.November, 20, 12, 0)),
		ev(schema.KindStar, "ana", at(time.December, 5, 12, 0)),

		// Issue 1 by ana: the bot (12:30) and ana herself (13:00) do not
		// respond; bo does, 3 hours after the opening.
		ev(schema.KindIssueOpened, "ana", at(time.January, 10, 12, 0), on(1, "ana")),
		ev(schema.KindIssueComment, bot, at(time.January, 10, 12, 30), on(1, "ana")),
		ev(schema.KindIssueComment, "ana", at(time.January, 10, 13, 0), on(1, "ana")),
		ev(schema.KindIssueComment, "bo", at(time.January, 10, 15, 0), on(1, "ana")),
		closedBy(1, "ana", "bo", at(time.February, 2, 12, 0)), // an issue: no change request
		// Issue 2 by ana: only the bot answers.
		ev(schema.KindIssueOpened, "ana", at(time.January, 20, 0, 0), on(2, "ana")),
		ev(schema.KindIssueComment, bot, at(time.January, 20, 1, 0), on(2, "ana")),
		// Pull request 3 by bo: ana's review after 24 hours; maint merges
		// it in February (the merge and its close count once).
		ev(schema.KindPROpened, "bo", at(time.January, 5, 0, 0), on(3, "bo")),
		ev(schema.KindReview, "ana", at(time.January, 6, 0, 0), on(3, "bo")),
		ev(schema.KindPRMerged, "maint", at(time.February, 1, 0, 0), on(3, "bo")),
		closedBy(3, "bo", "maint", at(time.February, 1, 0, 0)),
		// Pull request 4 by cy, closed unmerged by maint 36 hours later:
		// the close is the response.
		ev(schema.KindPROpened, "cy", at(time.January, 25, 0, 0), on(4, "cy")),
		closedBy(4, "cy", "maint", at(time.January, 26, 12, 0)),

		// February: maint's first contribution, a commit; the bot's pull
		// request (merged) is no change request and no item.
		ev(schema.KindCommit, "maint", at(time.February, 15, 12, 0), author("Maint", "maint@example.org")),
		ev(schema.KindPROpened, bot, at(time.February, 3, 0, 0), on(5, bot)),
		ev(schema.KindPRMerged, "maint", at(time.February, 4, 0, 0), on(5, bot)),

		// Pull request 6 by dee: closed by dee herself in March (no
		// response, but declined in March), reopened, merged by maint on
		// 10 April, 40 days (960 hours) after the opening.
		ev(schema.KindPROpened, "dee", at(time.March, 1, 0, 0), on(6, "dee")),
		closedBy(6, "dee", "dee", at(time.March, 2, 0, 0)),
		ev(schema.KindIssueReopened, "dee", at(time.March, 3, 0, 0), on(6, "dee")),
		ev(schema.KindPRMerged, "maint", at(time.April, 10, 0, 0), on(6, "dee")),
		closedBy(6, "dee", "maint", at(time.April, 10, 0, 0)),

		// April: ana's pull request 7, closed by an unknown account: declined,
		// but not answered.
		ev(schema.KindPROpened, "ana", at(time.April, 1, 0, 0), on(7, "ana")),
		closedBy(7, "ana", "", at(time.April, 2, 0, 0)),

		// May: a commit GitHub did not link, ana's by her noreply address.
		ev(schema.KindCommit, "", at(time.May, 15, 12, 0), author("Ana", "123+ana@users.noreply.github.com")),

		// June: bo (as bo-work, an alias), cy twice, dee twice.
		ev(schema.KindIssueComment, "bo-work", at(time.June, 10, 12, 0), on(1, "ana")),
		ev(schema.KindIssueComment, "cy", at(time.June, 12, 12, 0), on(1, "ana")),
		ev(schema.KindIssueComment, "cy", at(time.June, 13, 12, 0), on(1, "ana")),
		ev(schema.KindIssueComment, "dee", at(time.June, 14, 12, 0), on(1, "ana")),
		ev(schema.KindIssueComment, "dee", at(time.June, 15, 12, 0), on(1, "ana")),

		// Community b: eve's issue, in June, unanswered (items are told
		// apart by community: c's issue 1 is another).
		ev(schema.KindIssueOpened, "eve", at(time.June, 3, 12, 0), on(1, "eve"), in("b")),
	}
}

// metricCell renders a row's value and count as "value count", "-" for
// null.
func metricCell(r schema.MetricRow) string {
	v, n := "-", "-"
	if r.Value != nil {
		v = fmt.Sprintf("%.6g", *r.Value)
	}
	if r.Count != nil {
		n = fmt.Sprint(*r.Count)
	}
	return v + " " + n
}

func TestMetrics(t *testing.T) {
	model := DefaultModel()
	model.ActiveDays = 30 // the inactivity interval
	opts := Options{Model: model, Identities: IdentityRules{Aliases: []Alias{{Login: "bo", Also: []string{"bo-work"}}}}}
	// By metric (in row order), the cells of community c from December
	// 2023 to June 2024.
	c := map[string][]string{
		MetricChangeRequestAcceptanceRatio: {"- 0", "0 1", "1 1", "0 1", "0.5 2", "- 0", "- 0"},
		MetricContributorAbsenceFactor:     {"- 0", "1 3", "1 1", "1 1", "1 1", "1 1", "2 3"},
		// ActiveDays 30: at 31 March dee's last contribution (1 March) is
		// 30 days old, not more: she is not inactive yet.
		MetricInactiveContributors:          {"0 0", "0 0", "3 3", "4 4", "4 4", "4 4", "2 2"},
		MetricNewContributors:               {"0 0", "3 3", "1 1", "1 1", "0 0", "0 0", "0 0"},
		MetricTimeToFirstResponseAnswered:   {"0 0", "3 3", "0 0", "1 1", "0 0", "0 0", "0 0"},
		MetricTimeToFirstResponseMedian:     {"- 0", "24 3", "- 0", "960 1", "- 0", "- 0", "- 0"},
		MetricTimeToFirstResponseP90:        {"- 0", "33.6 3", "- 0", "960 1", "- 0", "- 0", "- 0"},
		MetricTimeToFirstResponseUnanswered: {"0 0", "1 1", "0 0", "0 0", "1 1", "0 0", "0 0"},
	}
	b := map[string]string{
		MetricChangeRequestAcceptanceRatio: "- 0", MetricContributorAbsenceFactor: "1 1",
		MetricInactiveContributors: "0 0", MetricNewContributors: "1 1",
		MetricTimeToFirstResponseAnswered: "0 0", MetricTimeToFirstResponseMedian: "- 0",
		MetricTimeToFirstResponseP90: "- 0", MetricTimeToFirstResponseUnanswered: "1 1",
	}
	cases := []struct {
		asOf   string
		months int // of community c, from December 2023
	}{
		{"2024-06-30", 7}, // a month end: June is over
		{"2024-06-15", 6}, // June is not over: no rows for it (nor for b)
	}
	for _, tc := range cases {
		t.Run(tc.asOf, func(t *testing.T) {
			o := opts
			o.AsOf, _ = time.Parse(time.DateOnly, tc.asOf)
			res := analyze(t, metricsWorld(), o)
			var want []string
			if tc.months == 7 {
				for _, m := range Metrics {
					if !strings.HasPrefix(m, "conversion_rate_") {
						want = append(want, "b 2024-06 "+m+": "+b[m])
					}
				}
			}
			for i := range tc.months {
				period := time.Date(2023, 12, 1, 0, 0, 0, 0, time.UTC).AddDate(0, i, 0).Format("2006-01")
				for _, m := range Metrics {
					if !strings.HasPrefix(m, "conversion_rate_") {
						want = append(want, "c "+period+" "+m+": "+c[m][i])
					}
				}
			}
			var got []string
			for _, r := range res.Metrics {
				if strings.HasPrefix(r.Metric, "conversion_rate_") {
					continue // TestConversionRates
				}
				got = append(got, fmt.Sprintf("%s %s %s: %s", r.Community, r.Period.Format("2006-01"), r.Metric, metricCell(r)))
				if r.Period.Day() != 1 || r.Period.Location() != time.UTC || r.Period.Hour() != 0 {
					t.Errorf("%s: period %v is not a month's first day, UTC", r.Metric, r.Period)
				}
				if r.DefinitionURL != MetricDefinitions[r.Metric] || !strings.HasPrefix(r.DefinitionURL, "https://chaoss.community/?p=") && !strings.HasPrefix(r.Metric, "conversion_rate_") {
					t.Errorf("%s: definition_url %q", r.Metric, r.DefinitionURL)
				}
			}
			if !slices.Equal(got, want) {
				t.Errorf("metrics:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			// The exact 90th percentile: 24 + 0.8 × (36 - 24) hours.
			for _, r := range res.Metrics {
				if r.Community == "c" && r.Metric == MetricTimeToFirstResponseP90 && r.Period.Month() == time.January {
					if math.Abs(*r.Value-33.6) > 1e-12 {
						t.Errorf("p90 = %v, want 33.6", *r.Value)
					}
				}
			}
			// The order of the events does not matter.
			events := metricsWorld()
			slices.Reverse(events)
			if rev := analyze(t, events, o); !slices.EqualFunc(rev.Metrics, res.Metrics, sameMetricRow) {
				t.Error("the metrics depend on the order of the events")
			}
		})
	}
}

func sameMetricRow(x, y schema.MetricRow) bool {
	return x.Community == y.Community && x.Period.Equal(y.Period) && x.Metric == y.Metric &&
		metricCell(x) == metricCell(y) && x.DefinitionURL == y.DefinitionURL
}

func TestAbsenceFactor(t *testing.T) {
	for _, tc := range []struct {
		counts []int32
		want   int
	}{
		{nil, 0},
		{[]int32{1}, 1},
		{[]int32{1, 1}, 1},       // one of two makes 50%
		{[]int32{1, 1, 1}, 2},    // one of three does not
		{[]int32{1, 5, 1, 1}, 1}, // 5 of 8
		{[]int32{2, 3, 3, 2}, 2}, // 6 of 10
		{[]int32{1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, 5},
	} {
		if got := absenceFactor(slices.Clone(tc.counts)); got != tc.want {
			t.Errorf("absenceFactor(%v) = %d, want %d", tc.counts, got, tc.want)
		}
	}
}

// On a larger history: every community has a row per metric and month from
// its first month to the analysis date's, the figures agree with the other
// tables where they meet, and Run writes the rows Analyze returns, with the
// analysis tables' footer metadata.
func TestMetricsOnASyntheticHistory(t *testing.T) {
	events := syntheticEvents(syntheticConfig{People: 300, Items: 1500, Comments: 6000, Commits: 900, Seed: 7})
	opts := Options{AsOf: syntheticAsOf, ToolVersion: "test"}
	res, err := Analyze(events, opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Metrics) == 0 || len(res.Metrics)%len(Metrics) != 0 {
		t.Fatalf("%d rows", len(res.Metrics))
	}
	first := map[string]time.Time{}
	for _, c := range res.Contributors {
		if f, ok := first[c.Community]; !ok || c.FirstActivityAt.Before(f) {
			first[c.Community] = c.FirstActivityAt
		}
	}
	var newcomers, answered, decided int64
	for i, r := range res.Metrics {
		if r.Metric != Metrics[i%len(Metrics)] {
			t.Fatalf("row %d: metric %s, want %s", i, r.Metric, Metrics[i%len(Metrics)])
		}
		if i%len(Metrics) == 0 {
			f := first[r.Community]
			want := time.Date(f.Year(), f.Month(), 1, 0, 0, 0, 0, time.UTC)
			if i > 0 && res.Metrics[i-1].Community == r.Community {
				want = res.Metrics[i-1].Period.AddDate(0, 1, 0)
			}
			if !r.Period.Equal(want) {
				t.Fatalf("row %d: %s period %s, want %s", i, r.Community, r.Period.Format(time.DateOnly), want.Format(time.DateOnly))
			}
		}
		if r.Period.After(time.Date(2024, 12, 1, 0, 0, 0, 0, time.UTC)) { // syntheticAsOf is 2025-01-01
			t.Fatalf("row %d: %s is not over at the analysis date", i, r.Period.Format("2006-01"))
		}
		switch r.Metric {
		case MetricNewContributors:
			newcomers += *r.Count
		case MetricTimeToFirstResponseAnswered:
			answered += *r.Count
		case MetricChangeRequestAcceptanceRatio:
			decided += *r.Count
			if r.Value != nil && (*r.Value < 0 || *r.Value > 1) {
				t.Fatalf("row %d: ratio %v", i, *r.Value)
			}
		case MetricTimeToFirstResponseMedian:
			p90 := res.Metrics[i+1]
			if (r.Value == nil) != (p90.Value == nil) || r.Value != nil && (*r.Value < 0 || *p90.Value < *r.Value) {
				t.Fatalf("row %d: median %s, p90 %s", i, metricCell(r), metricCell(p90))
			}
		}
	}
	// Everybody with a first contribution before December 2024 is a newcomer
	// once; a contribution is a first contact, but not every first contact
	// (a merge, a label) is a contribution.
	var contacts int64
	for _, c := range res.Contributors {
		if c.FirstContactAt != nil && c.FirstContactAt.Before(time.Date(2024, 12, 1, 0, 0, 0, 0, time.UTC)) {
			contacts++
		}
	}
	if newcomers == 0 || newcomers > contacts || answered == 0 || decided == 0 {
		t.Fatalf("%d newcomers (%d first contacts), %d items answered, %d pull requests decided: the history tests nothing",
			newcomers, contacts, answered, decided)
	}

	checkRunWrites(t, events, opts, schema.Metrics.File(), res.Metrics)
}

// An account GitHub serves as a bot only on a later event is still left
// out of the responses it made before.
func TestMetricsLateBot(t *testing.T) {
	opened := date(2024, 5, 10).Add(12 * time.Hour)
	events := []schema.Event{
		ev(schema.KindIssueOpened, "ana", opened, on(1, "ana")),
		ev(schema.KindIssueComment, "helper-ci", opened.Add(time.Hour), on(1, "ana")), // typed User here
		ev(schema.KindIssueComment, "bo", opened.Add(2*time.Hour), on(1, "ana")),
		ev(schema.KindIssueComment, "cy", opened.Add(3*time.Hour), on(1, "ana")),
		ev(schema.KindLabeled, "helper-ci", opened.Add(4*time.Hour), on(1, "ana"), botType()),
	}
	res := analyze(t, events, Options{})
	if len(res.Bots) != 1 || res.Bots[0].Login != "helper-ci" {
		t.Fatalf("bots %+v", res.Bots)
	}
	for _, r := range res.Metrics {
		if r.Period.Month() == time.May && r.Metric == MetricTimeToFirstResponseMedian {
			if got := metricCell(r); got != "2 1" {
				t.Errorf("May's median: %s, want 2 hours over 1 item", got)
			}
			return
		}
	}
	t.Error("no row for May")
}

// The conversion to a step of the funnel's ladder in a month is the share,
// of the people who had reached the step before by the month's end and not
// this step before the month, who reached it in the month.
func TestConversionRates(t *testing.T) {
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 12, 0, 0, 0, time.UTC) }
	events := []schema.Event{
		// January: ana and bob make first contact; ana participates too.
		ev(schema.KindIssueOpened, "ana", day(2024, 1, 5), on(1, "ana")),
		ev(schema.KindCommit, "ana", day(2024, 1, 20)),
		ev(schema.KindIssueComment, "bob", day(2024, 1, 9), on(1, "ana")),
		// February: bob participates; cid makes first contact.
		ev(schema.KindCommit, "bob", day(2024, 2, 3)),
		ev(schema.KindIssueOpened, "cid", day(2024, 2, 10), on(2, "cid")),
	}
	o := Options{AsOf: time.Date(2024, 3, 31, 0, 0, 0, 0, time.UTC)}
	res := analyze(t, events, o)
	got := map[string]string{}
	for _, r := range res.Metrics {
		if r.Metric == ConversionMetric(StageParticipation) || r.Metric == ConversionMetric(StageFirstContact) {
			got[r.Period.Format("2006-01")+" "+r.Metric] = metricCell(r)
		}
		if strings.HasPrefix(r.Metric, "conversion_rate_") && r.DefinitionURL != MetricDefinitions[r.Metric] {
			t.Errorf("%s: definition_url %q", r.Metric, r.DefinitionURL)
		}
	}
	want := map[string]string{
		// Everyone with a record is at discovery the day they appear, and
		// makes first contact the same day here: all convert.
		"2024-01 conversion_rate_first_contact": "1 2",
		"2024-02 conversion_rate_first_contact": "1 1",
		"2024-03 conversion_rate_first_contact": "- 0",
		// January: ana of ana and bob; February: bob of bob and cid;
		// March: nobody of cid.
		"2024-01 conversion_rate_participation": "0.5 2",
		"2024-02 conversion_rate_participation": "0.5 2",
		"2024-03 conversion_rate_participation": "0 1",
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s = %q, want %q", k, got[k], w)
		}
	}
}
