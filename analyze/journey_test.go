package analyze

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/journeys-dev/journeys/schema"
)

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// A person with own merged pull requests in three months rises to
// sustained participation and drops back when the first leaves the window.
func TestMonthsAndTransitionsIncludeDrops(t *testing.T) {
	asOf := date(2024, 6, 15)
	events := []schema.Event{
		ev(schema.KindStar, "ana", date(2023, 1, 10)),
		ev(schema.KindPRMerged, "maint", date(2023, 3, 5).Add(time.Hour), on(1, "ana")),
		ev(schema.KindPRMerged, "maint", date(2023, 4, 5), on(2, "ana")),
		ev(schema.KindPRMerged, "maint", date(2023, 5, 5), on(3, "ana")),
	}
	res := analyze(t, events, Options{AsOf: asOf})
	var months []string
	for _, m := range res.Months {
		if m.Login == "ana" {
			months = append(months, m.Month.Format("2006-01-02")+" "+m.Stage)
		}
	}
	// 2024-03-05 is 366 days after 2023-03-05 (2024 is a leap year), so
	// the March 2023 month leaves the window on 2024-03-05.
	want := []string{
		"2023-01-31 discovery", "2023-02-28 discovery", "2023-03-31 participation", "2023-04-30 participation",
		"2023-05-31 sustained_participation", "2023-06-30 sustained_participation", "2023-07-31 sustained_participation",
		"2023-08-31 sustained_participation", "2023-09-30 sustained_participation", "2023-10-31 sustained_participation",
		"2023-11-30 sustained_participation", "2023-12-31 sustained_participation", "2024-01-31 sustained_participation",
		"2024-02-29 sustained_participation", "2024-03-31 participation", "2024-04-30 participation",
		"2024-05-31 participation", "2024-06-15 participation",
	}
	if !reflect.DeepEqual(months, want) {
		t.Errorf("months:\n got %q\nwant %q", months, want)
	}
	var trans []string
	for _, tr := range res.Transitions {
		if tr.Login == "ana" {
			trans = append(trans, str(tr.FromStage)+" -> "+tr.ToStage+" at "+tr.At.Format("2006-01-02"))
		}
	}
	wantTrans := []string{
		"<nil> -> discovery at 2023-01-31",
		"discovery -> participation at 2023-03-31",
		"participation -> sustained_participation at 2023-05-31",
		"sustained_participation -> participation at 2024-03-31",
	}
	if !reflect.DeepEqual(trans, wantTrans) {
		t.Errorf("transitions:\n got %q\nwant %q", trans, wantTrans)
	}
	c := mustContributor(t, res, "ana")
	// Back at participation after the drop: the stage was first reached
	// with the first merged pull request, not on the day of the drop.
	if got := c.StageReachedAt.Format("2006-01-02"); got != "2023-03-05" {
		t.Errorf("stage_reached_at = %s, want 2023-03-05 (the day participation was first reached)", got)
	}
	if !c.FirstActivityAt.Equal(date(2023, 1, 10)) || c.FirstContactAt != nil {
		t.Errorf("first activity %v, first contact %v; want 2023-01-10 and null", c.FirstActivityAt, c.FirstContactAt)
	}
}

func TestAnalysisDateOnAMonthEndIsOneRow(t *testing.T) {
	res := analyze(t, []schema.Event{ev(schema.KindStar, "ana", date(2024, 5, 20))}, Options{AsOf: date(2024, 6, 30)})
	var got []string
	for _, m := range res.Months {
		got = append(got, m.Month.Format("2006-01-02"))
	}
	if want := []string{"2024-05-31", "2024-06-30"}; !reflect.DeepEqual(got, want) {
		t.Errorf("months = %q, want %q", got, want)
	}
}

// A person active in two communities has two journeys, judged apart.
func TestCommunitiesAreSeparateJourneys(t *testing.T) {
	events := []schema.Event{
		ev(schema.KindPRMerged, "maint", ago(10), on(1, "ana"), in("a")),
		ev(schema.KindPRMerged, "maint", ago(50), on(2, "ana"), in("a")),
		ev(schema.KindPRMerged, "maint", ago(90), on(3, "ana"), in("b")),
		ev(schema.KindIssueComment, "ana", ago(1), on(1, "bob"), in("a")),
		ev(schema.KindIssueComment, "ana", ago(1), on(2, "bob"), in("a")),
		ev(schema.KindIssueComment, "ana", ago(1), on(3, "bob"), in("b")),
	}
	res := analyze(t, events, Options{})
	for _, community := range []string{"a", "b"} {
		c := findContributor(res, community, "ana")
		if c == nil {
			t.Fatalf("no journey of ana in %s", community)
		}
		if c.Stage != StageParticipation {
			t.Errorf("%s: stage = %s, want participation", community, c.Stage)
		}
	}
	if want := []string{"a", "b"}; !reflect.DeepEqual(res.Manifest.Communities, want) {
		t.Errorf("communities = %q, want %q", res.Manifest.Communities, want)
	}
}

// Bots have no journey, whatever tells them apart, and the bots table says
// why; a bot's merge still credits the pull request's author.
func TestBotsAreSetAside(t *testing.T) {
	events := []schema.Event{
		ev(schema.KindIssueComment, "ci-app", ago(1), on(1, "ana"), botType()),
		ev(schema.KindPRMerged, "k8s-ci-robot", ago(1), on(1, "ana")),
		ev(schema.KindPROpened, "dependabot[bot]", ago(2), on(2, "dependabot[bot]")),
		ev(schema.KindIssueComment, "Renovate", ago(2), on(1, "ana")),
		ev(schema.KindIssueComment, "acme-deployer", ago(2), on(1, "ana")),
		ev(schema.KindIssueComment, "stale", ago(2), on(1, "ana")), // a person named stale, exempted
		ev(schema.KindPROpened, "ana", ago(3), on(1, "ana")),
		ev(schema.KindCommit, "", ago(3), author("GitHub", "noreply@github.com")),
	}
	res := analyze(t, events, Options{Bots: BotRules{Include: []string{"*-deployer"}, Exclude: []string{"STALE"}}})
	var logins []string
	for _, c := range res.Contributors {
		logins = append(logins, c.Login)
	}
	if want := []string{"ana", "stale"}; !reflect.DeepEqual(logins, want) {
		t.Errorf("contributors = %q, want %q", logins, want)
	}
	if c := mustContributor(t, res, "ana"); c.Stage != StageParticipation || c.PullRequestsMerged != 1 {
		t.Errorf("ana: %s with %d merged, want participation with 1", c.Stage, c.PullRequestsMerged)
	}
	want := []schema.Bot{
		{Login: "acme-deployer", Reason: BotReasonConfig, Events: 1},
		{Login: "ci-app", Reason: BotReasonType, Events: 1},
		{Login: "dependabot[bot]", Reason: BotReasonSuffix, Events: 1},
		{Login: "k8s-ci-robot", Reason: BotReasonKnown, Events: 1},
		{Login: "Renovate", Reason: BotReasonKnown, Events: 1},
		{Login: "web-flow", Reason: BotReasonKnown, Events: 1},
	}
	if !reflect.DeepEqual(res.Bots, want) {
		t.Errorf("bots:\n got %+v\nwant %+v", res.Bots, want)
	}
	if res.Manifest.Bots != int64(len(want)) {
		t.Errorf("manifest bots = %d", res.Manifest.Bots)
	}
}

// Same events in any order give the same tables.
func TestDeterministic(t *testing.T) {
	events := syntheticEvents(syntheticConfig{People: 300, Items: 1500, Comments: 8000, Commits: 1000, Seed: 7})
	first := analyze(t, events, Options{AsOf: syntheticAsOf})
	if len(first.Contributors) < 100 || len(first.Transitions) == 0 {
		t.Fatalf("synthetic data too small: %d contributors", len(first.Contributors))
	}
	r := rand.New(rand.NewPCG(1, 2))
	r.Shuffle(len(events), func(i, j int) { events[i], events[j] = events[j], events[i] })
	second := analyze(t, events, Options{AsOf: syntheticAsOf})
	if !reflect.DeepEqual(first, second) {
		t.Error("shuffled events gave different results")
	}
	for i := 1; i < len(first.Contributors); i++ {
		a, b := first.Contributors[i-1], first.Contributors[i]
		if a.Community > b.Community || (a.Community == b.Community && a.Login >= b.Login) {
			t.Fatalf("contributors out of order at %d: %s/%s then %s/%s", i, a.Community, a.Login, b.Community, b.Login)
		}
	}
}

// The funnel is a ladder: a step counts the people who met its own rule on
// some day, after they met the step before; "this stage or a higher one"
// is the classification of contributors.parquet, not the funnel.
func TestFunnel(t *testing.T) {
	events := []schema.Event{
		ev(schema.KindStar, "sam", ago(30)),
		// ana: first contact 100 days back, participation 40 days back.
		ev(schema.KindIssueOpened, "ana", ago(100), on(1, "ana")),
		ev(schema.KindPRMerged, "maint", ago(40), on(2, "ana")),
		// bob: starred first, first contact and participation 10 days back.
		ev(schema.KindStar, "bob", ago(200)),
		ev(schema.KindCommit, "bob", ago(10)),
		// cid: first contact 90 days back, participation 30 days back.
		ev(schema.KindIssueComment, "cid", ago(90), on(1, "ana")),
		ev(schema.KindRecognized, "cid", ago(30)),
		// maint merged others' pull requests (leadership's rule) but never
		// participated: at leadership now, yet on the ladder only as far
		// as first contact.
		ev(schema.KindPRMerged, "maint", ago(40), on(3, "ana")),
		// eve commented on three items of others (networked's rule) and
		// committed once: she never met sustained participation's rule,
		// so she stops at participation on the ladder.
		ev(schema.KindCommit, "eve", ago(60)),
		ev(schema.KindIssueComment, "eve", ago(50), on(1, "ana")),
		ev(schema.KindIssueComment, "eve", ago(49), on(2, "ana")),
		ev(schema.KindIssueComment, "eve", ago(48), on(3, "ana")),
		// dan committed in three months (sustained 70 days after his first
		// contact), then commented on three items of others (networked).
		ev(schema.KindCommit, "dan", ago(140)),
		ev(schema.KindCommit, "dan", ago(100)),
		ev(schema.KindCommit, "dan", ago(70)),
		ev(schema.KindReview, "dan", ago(30), on(1, "ana")),
		ev(schema.KindReview, "dan", ago(29), on(2, "ana")),
		ev(schema.KindReview, "dan", ago(28), on(3, "ana")),
	}
	res := analyze(t, events, Options{})
	if c := mustContributor(t, res, "eve"); c.Stage != StageNetworkedParticipation {
		t.Fatalf("eve at %s, want networked participation (the classification)", c.Stage)
	}
	type row struct {
		met, current, n int64
		median, prev    string
	}
	f := func(p *float64) string {
		if p == nil {
			return "null"
		}
		return fmt.Sprintf("%.3g", *p)
	}
	got := map[string]row{}
	for _, r := range res.Funnel {
		got[r.Stage] = row{r.EverMet, r.CurrentCount, r.MedianDaysN, f(r.MedianDaysFromFirstContact), f(r.ConversionFromPrevious)}
	}
	want := map[string]row{
		StageDiscovery:              {7, 1, 0, "null", "null"},
		StageFirstContact:           {6, 0, 0, "null", "0.857"},
		StageParticipation:          {5, 3, 5, "0", "0.833"}, // ana 60, cid 60, bob 0, eve 0, dan 0
		StageSustainedParticipation: {1, 0, 1, "70", "0.2"},  // dan
		StageNetworkedParticipation: {1, 2, 1, "112", "1"},   // dan; eve and dan at it now
		StageLeadership:             {0, 1, 0, "null", "0"},  // maint at it now, never on the ladder
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("funnel:\n got %+v\nwant %+v", got, want)
	}
	for i := 1; i < len(res.Funnel); i++ {
		if res.Funnel[i].EverMet > res.Funnel[i-1].EverMet {
			t.Errorf("%s met by %d, more than %s (%d)", res.Funnel[i].Stage, res.Funnel[i].EverMet, res.Funnel[i-1].Stage, res.Funnel[i-1].EverMet)
		}
	}
	if c := res.Funnel[3].ConversionFromFirstContact; c == nil || *c != 1.0/6 {
		t.Errorf("sustained participation from first contact = %v, want 1/6", c)
	}
	if len(res.Funnel) != len(Stages) || res.Funnel[0].Order != 0 || res.Funnel[5].Order != 5 {
		t.Errorf("funnel rows = %+v", res.Funnel)
	}
}
