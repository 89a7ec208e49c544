package sql

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/journeys-dev/journeys/analyze"
	"github.com/journeys-dev/journeys/internal/table"
	"github.com/journeys-dev/journeys/schema"
)

// sensitivity.parquet, checked by a second route: each threshold variant's
// counts equal what stages.sql (people at each stage, by activity state)
// and funnel.sql (the ladder) give with that variant's thresholds. The two
// switches have no SQL form; analyze's own tests compare them with full
// separate analyses.
func TestSensitivityMatchesTheSQLModel(t *testing.T) {
	dir := collected(t)
	const asOf = "2023-09-30"
	day, _ := time.Parse(time.DateOnly, asOf)
	base := analyze.DefaultModel()
	grid, err := analyze.SensitivityGrid(base, nil)
	if err != nil {
		t.Fatal(err)
	}
	out, views := analyzed(t, eventsIn(t, dir), analyze.Options{AsOf: day, Model: base, Sensitivity: grid})
	rows, err := table.ReadFile[schema.SensitivityRow](filepath.Join(out, schema.Sensitivity.File()))
	if err != nil {
		t.Fatal(err)
	}
	type key struct{ community, variant, stage string }
	want := map[key]schema.SensitivityRow{}
	for _, r := range rows {
		want[key{r.Community, r.Variant, r.Stage}] = r
	}
	checked := 0
	moved := false
	for _, v := range append([]analyze.Variant{{Parameter: "", Model: base}}, grid...) {
		if v.Parameter == analyze.SwitchCountCoauthors || v.Parameter == analyze.SwitchWideFirstContact {
			continue
		}
		name := analyze.BaselineVariant
		if v.Parameter != "" {
			name = v.Name()
		}
		vars := variables(asOf, v.Model, analyze.BotRules{})
		staged := duckdb(t, append(views, vars,
			"SET TimeZone = 'UTC'; CREATE TEMP TABLE c AS "+strings.Replace(Stages, "SET TimeZone = 'UTC';", "", 1),
			`SELECT community, stage, count(*) AS at_stage,
			        count(*) FILTER (state = 'new') AS state_new, count(*) FILTER (state = 'active') AS state_active,
			        count(*) FILTER (state = 'dormant') AS state_dormant, count(*) FILTER (state = 'churned') AS state_churned
			 FROM c GROUP BY ALL`)...)
		ladder := duckdb(t, append(views, vars, Funnel)...)
		got := map[key][5]string{}
		for _, r := range staged {
			got[key{fmt.Sprint(r["community"]), name, fmt.Sprint(r["stage"])}] = [5]string{
				fmt.Sprint(r["at_stage"]), fmt.Sprint(r["state_new"]), fmt.Sprint(r["state_active"]), fmt.Sprint(r["state_dormant"]), fmt.Sprint(r["state_churned"])}
		}
		for _, r := range ladder {
			k := key{fmt.Sprint(r["community"]), name, fmt.Sprint(r["stage"])}
			w, ok := want[k]
			if !ok {
				t.Errorf("sensitivity.parquet has no row for %v", k)
				continue
			}
			g := got[k]
			for i, s := range g {
				if s == "" {
					g[i] = "0"
				}
			}
			wantCounts := [5]string{fmt.Sprint(w.AtStage), fmt.Sprint(w.StateNew), fmt.Sprint(w.StateActive), fmt.Sprint(w.StateDormant), fmt.Sprint(w.StateChurned)}
			if g != wantCounts || fmt.Sprint(r["ever_met"]) != fmt.Sprint(w.EverReached) {
				t.Errorf("%v: SQL at stage/new/active/dormant/churned %v, reached %v; sensitivity.parquet %v, %d", k, g, r["ever_met"], wantCounts, w.EverReached)
			}
			base := want[key{k.community, analyze.BaselineVariant, k.stage}]
			moved = moved || w.AtStage != base.AtStage || w.EverReached != base.EverReached
			checked++
		}
	}
	if checked == 0 || !moved {
		t.Fatalf("checked %d rows, moved %v: the world tests too little", checked, moved)
	}
}
