package collect

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/journeys-dev/journeys/internal/demo"
	"github.com/journeys-dev/journeys/internal/fakegithub"
	"github.com/journeys-dev/journeys/schema"
)

// gqlOptions is h.options() on the GraphQL route.
func (h *harness) gqlOptions() Options {
	o := h.options()
	o.API = APIGraphQL
	return o
}

// routeTables reads every table of a run, with the columns only one route
// can fill blanked (docs/schema.md, "Routes"): the login and type GitHub
// links to a commit's emails when the account is a bot (GraphQL's
// GitActor.user is a User), and a stargazer's type (GraphQL's stargazers
// are Users).
func routeTables(t *testing.T, dir string) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	add := func(name string, rows []any) {
		for _, r := range rows {
			out[name] = append(out[name], fmt.Sprintf("%+v", deref(r)))
		}
		slices.Sort(out[name])
	}
	var repos []any
	for _, r := range read[schema.Repo](t, dir, "repos") {
		r.CollectedAt = r.CollectedAt.Truncate(1 << 62)
		repos = append(repos, r)
	}
	add("repos", repos)
	var issues []any
	for _, r := range read[schema.Issue](t, dir, "issues") {
		issues = append(issues, r)
	}
	add("issues", issues)
	add("pull_requests", anys(read[schema.PullRequest](t, dir, "pull_requests")))
	add("comments", anys(read[schema.Comment](t, dir, "comments")))
	add("reviews", anys(read[schema.Review](t, dir, "reviews")))
	var commits []any
	for _, r := range read[schema.Commit](t, dir, "commits") {
		if r.AuthorType != nil && *r.AuthorType != "User" {
			r.AuthorLogin, r.AuthorType = nil, nil
		}
		if r.CommitterLogin != nil && strings.HasSuffix(*r.CommitterLogin, "[bot]") {
			r.CommitterLogin = nil
		}
		commits = append(commits, r)
	}
	add("commits", commits)
	var stars []any
	for _, r := range read[schema.Stargazer](t, dir, "stargazers") {
		r.UserType = "User" // GraphQL's stargazers are Users
		stars = append(stars, r)
	}
	add("stargazers", stars)
	add("forks", anys(read[schema.Fork](t, dir, "forks")))
	add("issue_events", anys(read[schema.IssueEvent](t, dir, "issue_events")))
	add("recognitions", anys(read[schema.Recognition](t, dir, "recognitions")))
	var events []any
	for _, e := range read[schema.Event](t, dir, "events") {
		if (e.Kind == schema.KindCommit) && e.ActorType != nil && *e.ActorType != "User" {
			e.Actor, e.ActorType = nil, nil
		}
		if e.Kind == schema.KindStar {
			e.ActorType = ptr("User")
		}
		events = append(events, e)
	}
	add("events", events)
	return out
}

func anys[T any](rows []T) []any {
	out := make([]any, len(rows))
	for i := range rows {
		out[i] = rows[i]
	}
	return out
}

// deref renders pointer fields by value.
func deref(v any) string {
	rv := reflect.ValueOf(v)
	var b strings.Builder
	for i := range rv.NumField() {
		f := rv.Field(i)
		fmt.Fprintf(&b, "%s=", rv.Type().Field(i).Name)
		if f.Kind() == reflect.Pointer {
			if f.IsNil() {
				b.WriteString("<nil> ")
				continue
			}
			f = f.Elem()
		}
		fmt.Fprintf(&b, "%v ", f.Interface())
	}
	return b.String()
}

// compareRoutes collects cs from d through both routes and compares every
// table.
func compareRoutes(t *testing.T, data func() *fakegithub.Data, cs []Community) {
	t.Helper()
	d := func() *fakegithub.Data { return consistent(data()) }
	rest := newHarness(t, d(), fakegithub.Options{})
	if _, err, _ := rest.run(cs, rest.options()); err != nil {
		t.Fatalf("REST route: %v", err)
	}
	gql := newHarness(t, d(), fakegithub.Options{})
	m, err, _ := gql.run(cs, gql.gqlOptions())
	if err != nil {
		t.Fatalf("GraphQL route: %v", err)
	}
	if m.API != APIGraphQL || m.GraphQLQueries == 0 {
		t.Fatalf("manifest: api %q, %d GraphQL queries", m.API, m.GraphQLQueries)
	}
	want, got := routeTables(t, rest.out), routeTables(t, gql.out)
	for _, tb := range schema.Of(schema.Collect) {
		name := tb.Name
		w, g := want[name], got[name]
		if slices.Equal(w, g) {
			continue
		}
		t.Errorf("%s: REST %d rows, GraphQL %d rows", name, len(w), len(g))
		shown := 0
		for _, r := range w {
			if !slices.Contains(g, r) && shown < 3 {
				t.Logf("  only REST:    %s", r)
				shown++
			}
		}
		shown = 0
		for _, r := range g {
			if !slices.Contains(w, r) && shown < 3 {
				t.Logf("  only GraphQL: %s", r)
				shown++
			}
		}
	}
}

func TestGraphQLRouteWritesTheSameTables(t *testing.T) {
	cases := []struct {
		name string
		data func() *fakegithub.Data
		cs   []Community
	}{
		{"fixture", fixture, community},
		{"generated", func() *fakegithub.Data {
			return fakegithub.Generate(fakegithub.GenerateOptions{Seed: 3, Repos: 2, Issues: 150, AllContributors: true})
		}, []Community{{Name: "gen", Repos: []string{"example-org/project-1", "example-org/project-2"}}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { compareRoutes(t, c.data, c.cs) })
	}
}

func TestGraphQLRouteWritesTheDemoTables(t *testing.T) {
	if testing.Short() {
		t.Skip("collects the whole demo repository twice")
	}
	data := func() *fakegithub.Data {
		d, err := demo.Data()
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	compareRoutes(t, data, []Community{{Name: "tw", Repos: []string{demo.Owner + "/" + demo.Name}}})
}

// consistent makes each issue's comment count the comments it has, as
// GitHub's is (the fixtures set some counts by hand).
func consistent(d *fakegithub.Data) *fakegithub.Data {
	for _, r := range d.Repos {
		n := map[int64]int{}
		for _, c := range r.Comments {
			n[c.IssueNumber]++
		}
		for _, is := range r.Issues {
			is.Comments = n[is.Number]
		}
	}
	return d
}

func genData() *fakegithub.Data {
	return consistent(fakegithub.Generate(fakegithub.GenerateOptions{Seed: 5, Repos: 1, Issues: 120, AllContributors: true}))
}

var genCommunity = []Community{{Name: "gen", Repos: []string{"example-org/project-1"}}}

func TestGraphQLRerunOverUnchangedDataCostsNothing(t *testing.T) {
	h := newHarness(t, genData(), fakegithub.Options{})
	if _, err, _ := h.run(genCommunity, h.gqlOptions()); err != nil {
		t.Fatal(err)
	}
	first := snapshot(t, h.out)
	points := h.srv.GraphQLStats().Points
	m, err, spent := h.run(genCommunity, h.gqlOptions())
	if err != nil {
		t.Fatal(err)
	}
	if spent != 0 {
		t.Errorf("the rerun cost %d REST quota, want 0", spent)
	}
	if p := h.srv.GraphQLStats().Points - points; p != 0 || m.GraphQLPoints != 0 {
		t.Errorf("the rerun cost %d GraphQL points (manifest %d), want 0", p, m.GraphQLPoints)
	}
	sameTables(t, first, snapshot(t, h.out))
}

func TestGraphQLRerunMergesChanges(t *testing.T) {
	h := newHarness(t, genData(), fakegithub.Options{})
	if _, err, _ := h.run(genCommunity, h.gqlOptions()); err != nil {
		t.Fatal(err)
	}
	change := func(d *fakegithub.Data) {
		r := d.Repos[0]
		var is, pr *fakegithub.Issue
		for _, it := range r.Issues {
			if it.PullRequest == nil && is == nil {
				is = it
			}
			if it.PullRequest != nil && pr == nil {
				pr = it
			}
		}
		later := r.PushedAt.Add(48 * time.Hour)
		is.Title, is.UpdatedAt = "renamed", later
		r.Comments = append(r.Comments, &fakegithub.Comment{ID: 99_000_001, IssueNumber: is.Number, User: is.User, CreatedAt: later, UpdatedAt: later})
		is.Comments++
		r.Reviews = append(r.Reviews, &fakegithub.Review{ID: 99_000_002, PullNumber: pr.Number, User: is.User, State: "APPROVED", SubmittedAt: &later})
		pr.UpdatedAt = later.Add(time.Minute)
		r.Events = append(r.Events, &fakegithub.IssueEvent{ID: 99_000_003, IssueNumber: is.Number, Event: "labeled", Label: "bug", Actor: &is.User, CreatedAt: later})
		r.Stargazers = append(r.Stargazers, &fakegithub.Star{User: fakegithub.User{Login: "newfan"}, StarredAt: later})
		r.Forks = append(r.Forks, &fakegithub.Fork{ID: 99_000_004, Owner: fakegithub.User{Login: "newfan"}, CreatedAt: later})
		head := r.Commits[0]
		for _, c := range r.Commits {
			if c.CommitterDate.After(head.CommitterDate) {
				head = c
			}
		}
		r.Commits = append(r.Commits, &fakegithub.Commit{SHA: strings.Repeat("ab", 20), Parents: []string{head.SHA}, AuthorName: "New", AuthorEmail: "new@example.com",
			AuthorDate: later, CommitterName: "New", CommitterEmail: "new@example.com", CommitterDate: later, Message: "a new commit"})
		r.PushedAt = later
	}
	h.srv.Mutate(change)
	if _, err, _ := h.run(genCommunity, h.gqlOptions()); err != nil {
		t.Fatal(err)
	}
	d := genData()
	change(d)
	sameAsREST(t, h, d, "after the change, the GraphQL route's rerun")
}

func TestGraphQLTimeoutsAndPartialAnswersHalveThePage(t *testing.T) {
	opts := fakegithub.Options{GraphQL: fakegithub.GraphQLOptions{TimeoutNodes: 2000, PartialErrorOn: []int64{2, 5}}}
	h := newHarness(t, genData(), opts)
	if _, err, _ := h.run(genCommunity, h.gqlOptions()); err != nil {
		t.Fatal(err)
	}
	st := h.srv.GraphQLStats()
	if st.Timeouts == 0 || st.Partial == 0 {
		t.Fatalf("faults not exercised: %+v", st)
	}
	sameAsREST(t, h, genData(), "after timeouts, the GraphQL route")
}

// sameAsREST checks that the tables h collected of genCommunity are those a
// REST collection of d writes; what names the collection in the errors.
func sameAsREST(t *testing.T, h *harness, d *fakegithub.Data, what string) {
	t.Helper()
	rest := newHarness(t, d, fakegithub.Options{})
	if _, err, _ := rest.run(genCommunity, rest.options()); err != nil {
		t.Fatal(err)
	}
	want, got := routeTables(t, rest.out), routeTables(t, h.out)
	for _, name := range tableFiles {
		if !slices.Equal(want[name], got[name]) {
			t.Errorf("%s: %s wrote %d rows, a REST collection %d, or different ones", name, what, len(got[name]), len(want[name]))
		}
	}
}

func TestGraphQLNeedsAToken(t *testing.T) {
	h := newHarness(t, genData(), fakegithub.Options{UnauthenticatedQuota: 100_000})
	o := h.gqlOptions()
	o.Token = ""
	if _, err := Run(context.Background(), genCommunity, o); err == nil || !strings.Contains(err.Error(), "requires a token") {
		t.Fatalf("err = %v", err)
	}
	o.API = APIAuto
	m, err := Run(context.Background(), genCommunity, o)
	if err != nil {
		t.Fatal(err)
	}
	if m.API != APIREST {
		t.Errorf("auto without a token: api %q, want rest", m.API)
	}
	o = h.options()
	o.API = APIAuto
	if m, err = Run(context.Background(), genCommunity, o); err != nil || m.API != APIGraphQL {
		t.Errorf("auto with a token: api %q, %v; want graphql", m.API, err)
	}
}

func TestDryRunEstimatesPoints(t *testing.T) {
	h := newHarness(t, genData(), fakegithub.Options{})
	var out syncBuffer
	o := h.gqlOptions()
	o.DryRun, o.Report = true, &out
	if _, err := Run(context.Background(), genCommunity, o); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "GraphQL points") {
		t.Errorf("the dry run does not estimate points:\n%s", out.String())
	}
	if q := h.srv.GraphQLStats().Queries; q != 0 {
		t.Errorf("the dry run sent %d GraphQL queries", q)
	}
}

// A points cap stops the run with a QuotaError (exit 75) and the
// checkpoint; runs after it resume to the tables one uncapped run writes.
func TestGraphQLPointsCapSavesTheCheckpoint(t *testing.T) {
	full := newHarness(t, genData(), fakegithub.Options{})
	if _, err, _ := full.run(genCommunity, full.gqlOptions()); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, genData(), fakegithub.Options{})
	o := h.gqlOptions()
	o.MaxRequests = 3
	stopped := 0
	for range 20 {
		_, err := Run(context.Background(), genCommunity, o)
		var qe *QuotaError
		if errors.As(err, &qe) {
			stopped++
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		break
	}
	if stopped == 0 {
		t.Fatal("a cap of 3 never stopped the run")
	}
	want, got := routeTables(t, full.out), routeTables(t, h.out)
	for _, name := range tableFiles {
		if !slices.Equal(want[name], got[name]) {
			t.Errorf("%s differs after %d capped runs", name, stopped)
		}
	}
}

// A spent GraphQL budget stops the run like REST's quota: a QuotaError
// with the reset, and the checkpoint.
func TestGraphQLSpentBudgetStopsTheRun(t *testing.T) {
	h := newHarness(t, genData(), fakegithub.Options{GraphQL: fakegithub.GraphQLOptions{Quota: 4}})
	o := h.gqlOptions()
	o.MaxWait = 0
	_, err := Run(context.Background(), genCommunity, o)
	var qe *QuotaError
	if !errors.As(err, &qe) || qe.Reset.IsZero() {
		t.Fatalf("err = %v, want a QuotaError with the reset", err)
	}
	if p := h.srv.GraphQLStats().Points; p > 4 {
		t.Errorf("%d points spent of a budget of 4", p)
	}
}

// An issue the REST listing names but GraphQL no longer resolves (deleted
// in between) costs the others nothing, and is not asked again.
func TestGraphQLIssueGoneSinceTheListing(t *testing.T) {
	d := genData()
	var gone []int64
	for _, is := range d.Repos[0].Issues[:3] {
		gone = append(gone, is.Number)
	}
	h := newHarness(t, d, fakegithub.Options{GraphQL: fakegithub.GraphQLOptions{Gone: gone}})
	if _, err, _ := h.run(genCommunity, h.gqlOptions()); err != nil {
		t.Fatal(err)
	}
	points := h.srv.GraphQLStats().Points
	if _, err, _ := h.run(genCommunity, h.gqlOptions()); err != nil {
		t.Fatal(err)
	}
	if p := h.srv.GraphQLStats().Points - points; p != 0 {
		t.Errorf("the rerun spent %d points on the issues that are gone", p)
	}
}

// Switching routes between runs keeps the tables: the state is one.
func TestSwitchingRoutesKeepsTheTables(t *testing.T) {
	h := newHarness(t, genData(), fakegithub.Options{})
	if _, err, _ := h.run(genCommunity, h.options()); err != nil {
		t.Fatal(err)
	}
	want := routeTables(t, h.out)
	for _, o := range []Options{h.gqlOptions(), h.options(), h.gqlOptions()} {
		if _, err, _ := h.run(genCommunity, o); err != nil {
			t.Fatal(err)
		}
		got := routeTables(t, h.out)
		for _, name := range tableFiles {
			if !slices.Equal(want[name], got[name]) {
				t.Errorf("%s differs after a run on the %s route", name, cmp.Or(o.API, APIREST))
			}
		}
	}
}

// tableFiles names the tables collect writes, as the registry lists them.
var tableFiles = func() []string {
	var out []string
	for _, tb := range schema.Of(schema.Collect) {
		out = append(out, tb.Name)
	}
	return out
}()
