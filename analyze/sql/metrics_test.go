package sql

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/journeys-dev/journeys/analyze"
	"github.com/journeys-dev/journeys/internal/table"
	"github.com/journeys-dev/journeys/schema"
)

// A metricsCase is an analysis date, an inactivity interval and bot rules
// to compare the two routes at.
type metricsCase struct {
	asOf       string
	activeDays int
	bots       analyze.BotRules
}

// metrics.sql, a second route to metrics.parquet, gives every cell the Go
// analysis writes, on two worlds, at several analysis dates, with other
// bot rules and another inactivity interval.
func TestMetricsSQLMatchesTheGoAnalysis(t *testing.T) {
	worlds := []struct {
		name  string
		dir   func(*testing.T) string
		cases []metricsCase
	}{
		{"two communities", collected, []metricsCase{
			{"2022-03-15", 180, analyze.BotRules{}}, // mid-month: March has no rows
			{"2023-09-30", 180, analyze.BotRules{}}, // a month end, after the history
			{"2022-12-31", 60, analyze.BotRules{Include: []string{"a*"}, Exclude: []string{"dependabot"}}},
		}},
		{"one larger community", collectedLarger, []metricsCase{
			{"2023-02-28", 180, analyze.BotRules{}},
			{"2024-11-20", 30, analyze.BotRules{Include: []string{"*e*"}}},
		}},
	}
	for _, w := range worlds {
		t.Run(w.name, func(t *testing.T) {
			events := eventsIn(t, w.dir(t))
			for _, tc := range w.cases {
				t.Run(fmt.Sprintf("%s, %d days", tc.asOf, tc.activeDays), func(t *testing.T) {
					compareMetrics(t, events, tc)
				})
			}
		})
	}
}

func compareMetrics(t *testing.T, events []byte, tc metricsCase) {
	asOf, _ := time.Parse(time.DateOnly, tc.asOf)
	model := analyze.DefaultModel()
	model.ActiveDays = tc.activeDays
	out, views := analyzed(t, events, analyze.Options{AsOf: asOf, Model: model, Bots: tc.bots})
	want, err := table.ReadFile[schema.MetricRow](filepath.Join(out, schema.Metrics.File()))
	if err != nil {
		t.Fatal(err)
	}
	views = append(views, variables(tc.asOf, model, tc.bots))
	got := duckdb(t, append(views, Metrics)...)
	// The conversion rates follow the funnel's ladder: checked against
	// funnel.sql's ladder below, not metrics.sql.
	var conversions []schema.MetricRow
	want = slices.DeleteFunc(want, func(r schema.MetricRow) bool {
		if strings.HasPrefix(r.Metric, "conversion_rate_") {
			conversions = append(conversions, r)
			return true
		}
		return false
	})
	checkConversions(t, conversions, duckdb(t, append(views, ladderReaches())...))

	// The data must exercise every part of the definitions.
	seen := map[string]int{}
	for _, r := range want {
		v := -1.0
		if r.Value != nil {
			v = *r.Value
		}
		switch {
		case r.Metric == analyze.MetricChangeRequestAcceptanceRatio && v > 0 && v < 1:
			seen["ratio between 0 and 1"]++
		case r.Metric == analyze.MetricContributorAbsenceFactor && v >= 2:
			seen["absence factor of 2 or more"]++
		case r.Metric == analyze.MetricInactiveContributors && v > 0:
			seen["inactive people"]++
		case r.Metric == analyze.MetricNewContributors && v > 0:
			seen["newcomers"]++
		case r.Metric == analyze.MetricTimeToFirstResponseAnswered && v >= 2:
			seen["two or more items answered"]++
		case r.Metric == analyze.MetricTimeToFirstResponseUnanswered && v > 0:
			seen["unanswered items"]++
		case r.Metric == analyze.MetricTimeToFirstResponseMedian && r.Value == nil:
			seen["no median"]++
		}
	}
	t.Logf("%d rows; months with %v", len(want), seen)
	if len(seen) < 7 {
		t.Fatal("the input is too small to test every metric")
	}

	if len(got) != len(want) {
		t.Errorf("SQL gives %d rows, Go %d", len(got), len(want))
	}
	bad := 0
	for i := range min(len(got), len(want)) {
		w := want[i]
		var count any
		if w.Count != nil {
			count = fmt.Sprint(*w.Count)
		}
		cells := map[string]any{
			"community": w.Community, "period": w.Period.Format(time.DateOnly), "metric": w.Metric,
			"count": count, "definition_url": w.DefinitionURL,
		}
		for k, wv := range cells {
			if gv := got[i][k]; fmt.Sprint(gv) != fmt.Sprint(wv) {
				t.Errorf("row %d (%s %s %s): %s = %v in SQL, %v in Go", i, w.Community, w.Period.Format("2006-01"), w.Metric, k, gv, wv)
				bad++
			}
		}
		// Values are compared exactly: both routes divide the same
		// integers and interpolate the same way.
		gv, _ := got[i]["value"].(float64)
		if (w.Value == nil) != (got[i]["value"] == nil) || w.Value != nil && *w.Value != gv {
			t.Errorf("row %d (%s %s %s): value = %v in SQL, %v in Go", i, w.Community, w.Period.Format("2006-01"), w.Metric,
				got[i]["value"], w.Value)
			bad++
		}
		if bad > 20 {
			t.Fatal("too many differences")
		}
	}
}

// ladderReaches is funnel.sql up to its per-person ladder, then the number
// of people who reached each step in each month.
func ladderReaches() string {
	i := strings.Index(Funnel, "steps(k) AS (")
	return Funnel[:i] + `reach AS (
    SELECT l.community, t.k, CAST(date_trunc('month', l.days[t.k + 1]) AS DATE) AS month
    FROM ladder l CROSS JOIN range(6) t(k)
    WHERE l.days[t.k + 1] IS NOT NULL
)
SELECT community, CAST(month AS VARCHAR) AS month, k, count(*) AS n FROM reach GROUP BY ALL`
}

// checkConversions checks the conversion rates against the ladder's
// reaches: to step k in month M, of the people who had reached step k-1
// by M's end and not step k before M, the share who reached k in M.
func checkConversions(t *testing.T, rows []schema.MetricRow, reaches []map[string]any) {
	t.Helper()
	type key struct {
		community, month string
		k                int
	}
	n := map[key]int64{}
	for _, r := range reaches {
		var k int
		var c int64
		fmt.Sscan(fmt.Sprint(r["k"]), &k)
		fmt.Sscan(fmt.Sprint(r["n"]), &c)
		n[key{fmt.Sprint(r["community"]), fmt.Sprint(r["month"]), k}] = c
	}
	// by sums step k's reaches in the months up to month (before: < month).
	by := func(community string, k int, month string, inclusive bool) int64 {
		var s int64
		for kk, c := range n {
			if kk.community == community && kk.k == k && (kk.month < month || inclusive && kk.month == month) {
				s += c
			}
		}
		return s
	}
	stage := map[string]int{}
	for i, st := range analyze.Stages {
		stage[analyze.ConversionMetric(st)] = i
	}
	moved := 0
	for _, r := range rows {
		k, month := stage[r.Metric], r.Period.Format(time.DateOnly)
		den := by(r.Community, k-1, month, true) - by(r.Community, k, month, false)
		num := n[key{r.Community, month, k}]
		var want *float64
		if den > 0 {
			v := float64(num) / float64(den)
			want = &v
		}
		if r.Count == nil || *r.Count != den || (want == nil) != (r.Value == nil) || want != nil && *want != *r.Value {
			t.Errorf("%s %s %s: %v of %v in Go; the ladder gives %d of %d", r.Community, month, r.Metric, deref(r.Value), deref(r.Count), num, den)
		}
		if num > 0 {
			moved++
		}
	}
	if len(rows) == 0 || moved == 0 {
		t.Errorf("%d conversion rows, %d with someone converting: the world tests too little", len(rows), moved)
	}
}

func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}
