package sql

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/journeys-dev/journeys/analyze"
	"github.com/journeys-dev/journeys/internal/table"
	"github.com/journeys-dev/journeys/schema"
)

// funnel.sql, a second route to the funnel's ladder, gives funnel.parquet's
// rows as the Go analysis writes them, on worlds where every step is met,
// with default and other thresholds.
func TestFunnelSQLMatchesTheGoAnalysis(t *testing.T) {
	dir := collected(t)
	cases := []struct {
		name  string
		asOf  string
		model analyze.Model
	}{
		{"defaults, mid-history", "2022-03-15", analyze.DefaultModel()},
		{"defaults, after the end", "2023-09-30", analyze.DefaultModel()},
		{"low thresholds", "2022-12-31", analyze.Model{WindowDays: 120, SustainedMonths: 2, NetworkedItems: 2,
			LeadershipMerges: 1, LeadershipTriaged: 2, NewDays: 30, ActiveDays: 60, DormantDays: 200}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			asOf, _ := time.Parse(time.DateOnly, tc.asOf)
			out, views := analyzed(t, eventsIn(t, dir), analyze.Options{AsOf: asOf, Model: tc.model})
			want, err := table.ReadFile[schema.FunnelRow](filepath.Join(out, schema.Funnel.File()))
			if err != nil {
				t.Fatal(err)
			}
			got := duckdb(t, append(views, variables(tc.asOf, tc.model, analyze.BotRules{}), Funnel)...)
			if len(got) != len(want) {
				t.Fatalf("SQL gives %d funnel rows, Go %d", len(got), len(want))
			}
			for i, w := range want {
				if i > 0 && w.Community == want[i-1].Community && w.EverMet > want[i-1].EverMet {
					t.Errorf("%s %s: met by %d, more than the step before (%d)", w.Community, w.Stage, w.EverMet, want[i-1].EverMet)
				}
				wantRow := map[string]any{
					"community": w.Community, "stage": w.Stage, "stage_order": fmt.Sprint(w.Order),
					"ever_met": fmt.Sprint(w.EverMet), "current": fmt.Sprint(w.CurrentCount),
					"median_days_from_first_contact": w.MedianDaysFromFirstContact, "median_days_n": fmt.Sprint(w.MedianDaysN),
				}
				for k, wv := range wantRow {
					gv := got[i][k]
					if p, ok := wv.(*float64); ok {
						wv = nil
						if p != nil {
							wv = *p
						}
					}
					if fmt.Sprint(gv) != fmt.Sprint(wv) {
						t.Errorf("row %d (%s %s): %s = %v in SQL, %v in Go", i, w.Community, w.Stage, k, gv, wv)
					}
				}
			}
			met := map[string]int64{}
			for _, w := range want {
				met[w.Stage] += w.EverMet
			}
			t.Logf("funnel, summed over communities: %v", met)
			if met[analyze.StageLeadership] == 0 {
				t.Error("nobody reaches leadership on the ladder: the world tests too little")
			}
		})
	}
}
