package sql

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/journeys-dev/journeys/analyze"
	"github.com/journeys-dev/journeys/collect"
	"github.com/journeys-dev/journeys/internal/fakegithub"
	"github.com/journeys-dev/journeys/internal/fakegithub/fakegithubtest"
	"github.com/journeys-dev/journeys/internal/table"
	"github.com/journeys-dev/journeys/schema"
)

// collectedLarger serves a larger, longer synthetic history than collected
// (more people per cohort, more bots) as one community.
func collectedLarger(t *testing.T) string {
	t.Helper()
	d := fakegithub.Generate(fakegithub.GenerateOptions{
		Seed: 23, Org: "cohort-org", Repos: 2, People: 150, Issues: 120, Commits: 80, Stars: 40, Forks: 10,
		BotShare: 0.2, AllContributors: true, Months: 40,
	})
	ts, _ := fakegithubtest.NewTestServer(t, d, fakegithub.Options{})
	dir := t.TempDir()
	cs := []collect.Community{{Name: "Gamma", Repos: []string{"cohort-org/project-1", "cohort-org/project-2"}}}
	_, err := collect.Run(context.Background(), cs, collect.Options{
		APIURL: ts.URL + "/", Token: "t", Out: dir, Concurrency: 4, MaxWait: time.Minute,
		ToolVersion: "test", Logger: slog.New(slog.DiscardHandler),
	})
	if err != nil {
		t.Fatalf("collect: %v", err)
	}
	return dir
}

// goCohortRow renders a cohorts row as DuckDB's JSON renders the SQL's
// (share aside: it is compared as a number).
func goCohortRow(r schema.CohortRow) map[string]any {
	var still any
	if r.StillActing != nil {
		still = fmt.Sprint(*r.StillActing)
	}
	return map[string]any{
		"community": r.Community, "cohort_month": r.CohortMonth.Format(time.DateOnly), "k": fmt.Sprint(r.K),
		"cohort_size": fmt.Sprint(r.CohortSize), "still_acting": still,
	}
}

// A cohortCase is an analysis date and bot rules to compare the two
// routes at.
type cohortCase struct {
	asOf string
	bots analyze.BotRules
}

func TestCohortsSQLMatchesTheGoAnalysis(t *testing.T) {
	worlds := []struct {
		name  string
		dir   func(*testing.T) string
		cases []cohortCase
	}{
		{"two communities", collected, []cohortCase{
			{"2022-03-15", analyze.BotRules{}}, // mid-month: March is censored
			{"2022-06-01", analyze.BotRules{}}, // June's first day
			{"2023-09-30", analyze.BotRules{}}, // a month end, after the history
			{"2022-12-31", analyze.BotRules{Include: []string{"a*"}, Exclude: []string{"dependabot"}}}, // other bot rules
		}},
		{"one larger community", collectedLarger, []cohortCase{
			{"2023-02-28", analyze.BotRules{}},
			{"2024-11-20", analyze.BotRules{Include: []string{"*e*"}}},
		}},
	}
	for _, w := range worlds {
		t.Run(w.name, func(t *testing.T) {
			events := eventsIn(t, w.dir(t))
			for _, tc := range w.cases {
				t.Run(tc.asOf, func(t *testing.T) {
					compareCohorts(t, events, tc.asOf, tc.bots)
				})
			}
		})
	}
}

func compareCohorts(t *testing.T, events []byte, asOfText string, bots analyze.BotRules) {
	asOf, _ := time.Parse(time.DateOnly, asOfText)
	out, views := analyzed(t, events, analyze.Options{AsOf: asOf, Bots: bots})
	want, err := table.ReadFile[schema.CohortRow](filepath.Join(out, schema.Cohorts.File()))
	if err != nil {
		t.Fatal(err)
	}
	got := duckdb(t, append(views, fmt.Sprintf("SET VARIABLE as_of = DATE %s; SET VARIABLE bot_include = %s; SET VARIABLE bot_exclude = %s;",
		quote(asOfText), sqlList(bots.Include), sqlList(bots.Exclude)),
		Cohorts)...)

	// The data must exercise every part of the definition.
	var cohorts, acting, zero, censored int
	for _, r := range want {
		if r.K == 1 {
			cohorts++
		}
		switch {
		case r.StillActing == nil:
			censored++
		case *r.StillActing == 0:
			zero++
		default:
			acting++
		}
	}
	t.Logf("%d rows: %d cohorts; cells: %d with people still acting, %d with none, %d censored", len(want), cohorts, acting, zero, censored)
	if cohorts < 5 || acting < 10 || zero == 0 || censored == 0 {
		t.Fatal("the input is too small to test anything")
	}

	if len(got) != len(want) {
		t.Errorf("SQL gives %d rows, Go %d", len(got), len(want))
	}
	bad := 0
	for i := range min(len(got), len(want)) {
		w := goCohortRow(want[i])
		for k, wv := range w {
			if gv := got[i][k]; fmt.Sprint(gv) != fmt.Sprint(wv) {
				t.Errorf("row %d (%s %s k=%d): %s = %v in SQL, %v in Go", i, want[i].Community,
					want[i].CohortMonth.Format("2006-01"), want[i].K, k, gv, wv)
				bad++
			}
		}
		gs, _ := got[i]["share"].(float64)
		if ws := want[i].Share; (ws == nil) != (got[i]["share"] == nil) || ws != nil && *ws != gs {
			t.Errorf("row %d (%s %s k=%d): share = %v in SQL, %v in Go", i, want[i].Community,
				want[i].CohortMonth.Format("2006-01"), want[i].K, got[i]["share"], ws)
			bad++
		}
		if bad > 20 {
			t.Fatal("too many differences")
		}
	}
}
