package sql

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/journeys-dev/journeys/analyze"
	"github.com/journeys-dev/journeys/internal/table"
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
			dir := w.dir(t)
			events, err := os.ReadFile(filepath.Join(dir, analyze.EventsFile))
			if err != nil {
				t.Fatal(err)
			}
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
	out := t.TempDir()
	if err := os.WriteFile(filepath.Join(out, analyze.EventsFile), events, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := analyze.Run(context.Background(), out, analyze.Options{AsOf: asOf, Model: model, Bots: tc.bots,
		Logger: slog.New(slog.DiscardHandler)}); err != nil {
		t.Fatal(err)
	}
	want, err := table.ReadFile[analyze.MetricRow](filepath.Join(out, analyze.MetricsFile))
	if err != nil {
		t.Fatal(err)
	}
	got := duckdb(t,
		"CREATE VIEW events AS SELECT * FROM read_parquet("+quote(filepath.Join(out, analyze.EventsFile))+")",
		"CREATE VIEW identities AS SELECT * FROM read_parquet("+quote(filepath.Join(out, analyze.IdentitiesFile))+")",
		variables(tc.asOf, model, tc.bots),
		Metrics)

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
