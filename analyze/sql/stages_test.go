package sql

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/journeys-dev/journeys/analyze"
	"github.com/journeys-dev/journeys/collect"
	"github.com/journeys-dev/journeys/internal/fakegithub"
	"github.com/journeys-dev/journeys/internal/fakegithub/fakegithubtest"
	"github.com/journeys-dev/journeys/internal/table"
	"github.com/journeys-dev/journeys/schema"
)

// duckdb runs statements with DuckDB through node and the runner in
// testdata, and returns the last statement's rows. It skips the test when
// node or @duckdb/node-api is missing, unless JOURNEYS_REQUIRE_DUCKDB=1.
func duckdb(t *testing.T, stmts ...string) []map[string]any {
	t.Helper()
	dir := os.Getenv("JOURNEYS_DUCKDB_DIR")
	_, nodeErr := exec.LookPath("node")
	_, modErr := os.Stat(filepath.Join(dir, "node_modules", "@duckdb", "node-api"))
	if dir == "" || nodeErr != nil || modErr != nil {
		msg := "DuckDB is not available: install node and run 'npm install --prefix DIR @duckdb/node-api', then set JOURNEYS_DUCKDB_DIR=DIR"
		if os.Getenv("JOURNEYS_REQUIRE_DUCKDB") == "1" {
			t.Fatal(msg + " (JOURNEYS_REQUIRE_DUCKDB=1)")
		}
		t.Skip(msg)
	}
	in, err := json.Marshal(stmts)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("node", filepath.Join("testdata", "duckq.cjs"))
	cmd.Env = append(os.Environ(), "JOURNEYS_DUCKDB_DIR="+dir)
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("duckdb: %v: %s", err, stderr.String())
	}
	var rows []map[string]any
	if err := json.Unmarshal(out, &rows); err != nil {
		t.Fatalf("duckdb output: %v", err)
	}
	return rows
}

func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

func sqlList(list []string) string {
	q := make([]string, len(list))
	for i, s := range list {
		q[i] = quote(s)
	}
	return "[" + strings.Join(q, ", ") + "]::VARCHAR[]"
}

// collected serves a synthetic community and collects it into a folder.
func collected(t *testing.T) string {
	t.Helper()
	d := fakegithub.Generate(fakegithub.GenerateOptions{
		Seed: 11, Org: "sql-org", Repos: 3, People: 30, Issues: 50, Commits: 40, Stars: 20, Forks: 5,
		AllContributors: true, Months: 30,
	})
	ts, _ := fakegithubtest.NewTestServer(t, d, fakegithub.Options{})
	dir := t.TempDir()
	cs := []collect.Community{
		{Name: "Alpha", Repos: []string{"sql-org/project-1", "sql-org/project-2"}},
		{Name: "Beta", Repos: []string{"sql-org/project-3"}},
	}
	_, err := collect.Run(context.Background(), cs, collect.Options{
		APIURL: ts.URL + "/", Token: "t", Out: dir, Concurrency: 4, MaxWait: time.Minute,
		ToolVersion: "test", Logger: slog.New(slog.DiscardHandler),
	})
	if err != nil {
		t.Fatalf("collect: %v", err)
	}
	return dir
}

func ts(t time.Time) string {
	return t.UTC().Format("2006-01-02 15:04:05.999999") + "+00"
}

// goRow renders a contributors row as DuckDB's JSON renders the SQL's.
func goRow(c schema.Contributor) map[string]any {
	str := func(p *string) any {
		if p == nil {
			return nil
		}
		return *p
	}
	tsp := func(p *time.Time) any {
		if p == nil {
			return nil
		}
		return ts(*p)
	}
	n := func(v int64) any { return fmt.Sprint(v) }
	return map[string]any{
		"community": c.Community, "login": c.Login, "stage": c.Stage, "state": str(c.State),
		"first_activity_at": ts(c.FirstActivityAt), "last_activity_at": ts(c.LastActivityAt),
		"first_contact_at": tsp(c.FirstContactAt), "stage_reached_at": ts(c.StageReachedAt),
		"stars": n(c.Stars), "forks": n(c.Forks), "issues_opened": n(c.IssuesOpened), "prs_opened": n(c.PullRequestsOpened),
		"comments": n(c.Comments), "reviews": n(c.Reviews), "own_prs_merged": n(c.PullRequestsMerged),
		"commits": n(c.Commits), "co_authored_commits": n(c.CoAuthoredCommits), "recognized": c.Recognized,
		"contribution_months_12m": n(c.ContributionMonths12), "others_items_engaged_12m": n(c.OthersItemsEngaged12),
		"others_prs_merged_12m": n(c.OthersPRsMerged12), "others_items_triaged_12m": n(c.OthersItemsTriaged12),
	}
}

func TestStagesSQLMatchesTheGoAnalysis(t *testing.T) {
	dir := collected(t)
	cases := []struct {
		name  string
		asOf  string
		model analyze.Model
		bots  analyze.BotRules
	}{
		{"defaults, mid-history", "2022-03-15", analyze.DefaultModel(), analyze.BotRules{}},
		{"defaults, after the end", "2023-09-30", analyze.DefaultModel(), analyze.BotRules{}},
		{"other thresholds and bot rules", "2022-12-31", analyze.Model{WindowDays: 120, SustainedMonths: 2, NetworkedItems: 2,
			LeadershipMerges: 2, LeadershipTriaged: 2, NewDays: 30, ActiveDays: 60, DormantDays: 200},
			analyze.BotRules{Include: []string{"a*"}, Exclude: []string{"dependabot"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			asOf, _ := time.Parse(time.DateOnly, tc.asOf)
			out, views := analyzed(t, eventsIn(t, dir), analyze.Options{AsOf: asOf, Model: tc.model, Bots: tc.bots})
			want, err := table.ReadFile[schema.Contributor](filepath.Join(out, schema.Contributors.File()))
			if err != nil {
				t.Fatal(err)
			}
			m := tc.model
			got := duckdb(t, append(views, variables(tc.asOf, m, tc.bots), Stages)...)
			if len(want) < 20 {
				t.Fatalf("only %d contributors: the input is too small to test anything", len(want))
			}
			stages := map[string]bool{}
			for _, c := range want {
				stages[c.Stage] = true
			}
			t.Logf("%d contributors, stages %v", len(want), stages)
			if len(got) != len(want) {
				t.Errorf("SQL gives %d contributors, Go %d", len(got), len(want))
			}
			for i := range min(len(got), len(want)) {
				w := goRow(want[i])
				for k, wv := range w {
					if gv := got[i][k]; fmt.Sprint(gv) != fmt.Sprint(wv) {
						t.Errorf("row %d (%s %s): %s = %v in SQL, %v in Go", i, want[i].Community, want[i].Login, k, gv, wv)
					}
				}
			}
		})
	}
}

// analyzed runs the Go analysis with opts on a copy of events (an
// events.parquet's bytes) and returns the output folder and the statements
// that give the SQL its two views of it, events and identities.
func analyzed(t *testing.T, events []byte, opts analyze.Options) (out string, views []string) {
	t.Helper()
	out = t.TempDir()
	if err := os.WriteFile(filepath.Join(out, schema.Events.File()), events, 0o644); err != nil {
		t.Fatal(err)
	}
	opts.Logger = slog.New(slog.DiscardHandler)
	if _, err := analyze.Run(context.Background(), out, opts); err != nil {
		t.Fatal(err)
	}
	return out, []string{
		"CREATE VIEW events AS SELECT * FROM read_parquet(" + quote(filepath.Join(out, schema.Events.File())) + ")",
		"CREATE VIEW identities AS SELECT * FROM read_parquet(" + quote(filepath.Join(out, schema.Identities.File())) + ")",
	}
}

// eventsIn reads the events.parquet of a collected world.
func eventsIn(t *testing.T, dir string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, schema.Events.File()))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// variables sets the analysis date, the model's thresholds and the bot
// rules as stages.sql (and funnel.sql) expect them.
func variables(asOf string, m analyze.Model, bots analyze.BotRules) string {
	return fmt.Sprintf("SET VARIABLE as_of = DATE %s; SET VARIABLE window_days = %d; SET VARIABLE sustained_months = %d; "+
		"SET VARIABLE networked_items = %d; SET VARIABLE leadership_merges = %d; SET VARIABLE leadership_triaged = %d; "+
		"SET VARIABLE new_days = %d; SET VARIABLE active_days = %d; SET VARIABLE dormant_days = %d; "+
		"SET VARIABLE bot_include = %s; SET VARIABLE bot_exclude = %s;",
		quote(asOf), m.WindowDays, m.SustainedMonths, m.NetworkedItems, m.LeadershipMerges, m.LeadershipTriaged,
		m.NewDays, m.ActiveDays, m.DormantDays, sqlList(bots.Include), sqlList(bots.Exclude))
}

func TestStagesSQLKnowsTheShippedBots(t *testing.T) {
	m := regexp.MustCompile(`(?s)known_bots\(login\) AS \(VALUES(.*?)\n\)`).FindStringSubmatch(Stages)
	if m == nil {
		t.Fatal("stages.sql has no known_bots list")
	}
	var got []string
	for _, v := range regexp.MustCompile(`\('([^']*)'\)`).FindAllStringSubmatch(m[1], -1) {
		got = append(got, v[1])
	}
	want := slices.Clone(analyze.KnownBots)
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("stages.sql's known bots differ from analyze.KnownBots:\nSQL %v\nGo  %v", got, want)
	}
}
