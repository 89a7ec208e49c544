package analyze

import (
	"strings"
	"testing"
	"time"

	"github.com/journeys-dev/journeys/schema"
)

// Each rule is judged at its boundaries, for person "ana".
func TestStageRules(t *testing.T) {
	merged := func(daysAgo int, n int64) schema.Event {
		return ev(schema.KindPRMerged, "maint", ago(daysAgo), on(n, "ana"))
	}
	comment := func(daysAgo int, n int64, by string) schema.Event {
		return ev(schema.KindIssueComment, "ana", ago(daysAgo), on(n, by))
	}
	triage := func(kind schema.Kind, daysAgo int, n int64, by string) schema.Event {
		return ev(kind, "ana", ago(daysAgo), on(n, by))
	}
	tests := []struct {
		name   string
		events []schema.Event
		stage  string
		reason string // a part of stage_reason
	}{
		{"a star is discovery", []schema.Event{ev(schema.KindStar, "ana", ago(3))}, StageDiscovery, "starred 1 repository, and nothing else"},
		{"a fork is discovery", []schema.Event{ev(schema.KindFork, "ana", ago(3))}, StageDiscovery, "forked 1 repository"},
		{"an issue is first contact", []schema.Event{ev(schema.KindStar, "ana", ago(9)), ev(schema.KindIssueOpened, "ana", ago(3), on(1, "ana"))}, StageFirstContact, "opened 1 issue"},
		{"an unmerged pull request is first contact", []schema.Event{ev(schema.KindPROpened, "ana", ago(3), on(1, "ana"))}, StageFirstContact, "opened 1 pull request"},
		{"a review is first contact", []schema.Event{ev(schema.KindReview, "ana", ago(3), on(1, "bob"))}, StageFirstContact, "reviewed 1 time"},
		{"a comment on an own issue is first contact", []schema.Event{comment(3, 1, "ana")}, StageFirstContact, "commented 1 time"},
		{"a labelling alone is first contact", []schema.Event{triage(schema.KindLabeled, 3, 1, "bob")}, StageFirstContact, "labelled or assigned 1 time"},
		{"an own merged pull request is participation", []schema.Event{merged(3, 1)}, StageParticipation, "authored 1 merged pull request"},
		{"a linked commit is participation", []schema.Event{ev(schema.KindCommit, "ana", ago(3), author("Ana", "ana@example.org"))}, StageParticipation, "authored 1 default-branch commit"},
		{"a co-authorship is participation", []schema.Event{ev(schema.KindCommitCoauthor, "ana", ago(3), author("Ana", "ana@example.org"))}, StageParticipation, "co-authored 1 default-branch commit"},
		{"an all-contributors listing is participation", []schema.Event{ev(schema.KindRecognized, "ana", ago(3))}, StageParticipation, "listed in .all-contributorsrc"},
		{"participation never expires", []schema.Event{merged(2000, 1)}, StageParticipation, ""},

		{"2 contribution months are not sustained", []schema.Event{merged(3, 1), merged(40, 2), merged(41, 3)}, StageParticipation, ""},
		{"3 contribution months are sustained", []schema.Event{merged(3, 1), merged(40, 2), merged(80, 3)}, StageSustainedParticipation, "in 3 distinct calendar months in the last 12 months"},
		{"commits count as contribution months", []schema.Event{
			ev(schema.KindCommit, "ana", ago(3)), ev(schema.KindCommit, "ana", ago(40)), ev(schema.KindCommitCoauthor, "ana", ago(80))}, StageSustainedParticipation, ""},
		{"a month 365 days back is inside the window", []schema.Event{merged(3, 1), merged(40, 2), merged(365, 3)}, StageSustainedParticipation, ""},
		{"a month 366 days back is outside the window", []schema.Event{merged(3, 1), merged(40, 2), merged(366, 3)}, StageParticipation, ""},
		{"someone else's merged pull request is no contribution month", []schema.Event{merged(3, 1), merged(40, 2), ev(schema.KindPRMerged, "maint", ago(80), on(3, "bob"))}, StageParticipation, ""},

		{"comments on 2 items by others are not networked", []schema.Event{comment(1, 1, "bob"), comment(2, 2, "cid"), comment(3, 3, "ana")}, StageFirstContact, ""},
		{"comments and reviews on 3 items by others are networked", []schema.Event{comment(1, 1, "bob"), comment(2, 2, "cid"),
			ev(schema.KindReview, "ana", ago(3), on(3, "bob"))}, StageNetworkedParticipation, "reviewed or commented on 3 issues or pull requests by others in the last 12 months"},
		{"review comments count", []schema.Event{comment(1, 1, "bob"), comment(2, 2, "cid"), ev(schema.KindReviewComment, "ana", ago(3), on(3, "bob"))}, StageNetworkedParticipation, ""},
		{"3 comments on one item are one item", []schema.Event{comment(1, 1, "bob"), comment(2, 1, "bob"), comment(3, 1, "bob")}, StageFirstContact, ""},
		{"an item 365 days back counts", []schema.Event{comment(1, 1, "bob"), comment(2, 2, "cid"), comment(365, 3, "dan")}, StageNetworkedParticipation, ""},
		{"an item 366 days back does not", []schema.Event{comment(1, 1, "bob"), comment(2, 2, "cid"), comment(366, 3, "dan")}, StageFirstContact, ""},
		{"a comment on an item by an unknown author is not on someone else's", []schema.Event{comment(1, 1, "bob"), comment(2, 2, "cid"), comment(3, 3, "")}, StageFirstContact, ""},
		{"items are told apart by repository", []schema.Event{comment(1, 1, "bob"), comment(2, 2, "cid"),
			func() schema.Event { e := comment(3, 1, "bob"); e.Repo = "o/other"; return e }()}, StageNetworkedParticipation, ""},

		{"merging a pull request by someone else is leadership", []schema.Event{ev(schema.KindPRMerged, "ana", ago(3), on(7, "bob"))}, StageLeadership, "merged 1 pull request by others in the last 12 months"},
		{"merging an own pull request is not", []schema.Event{ev(schema.KindPRMerged, "ana", ago(3), on(7, "ana"))}, StageParticipation, "authored 1 merged pull request"},
		{"merging a pull request by an unknown author is not", []schema.Event{ev(schema.KindPRMerged, "ana", ago(3), on(7, ""))}, StageFirstContact, ""},
		{"a merge 365 days back counts", []schema.Event{ev(schema.KindPRMerged, "ana", ago(365), on(7, "bob"))}, StageLeadership, ""},
		{"a merge 366 days back does not", []schema.Event{ev(schema.KindPRMerged, "ana", ago(366), on(7, "bob"))}, StageFirstContact, ""},
		{"triaging 5 items by others is leadership", []schema.Event{
			triage(schema.KindLabeled, 1, 1, "bob"), triage(schema.KindIssueClosed, 2, 2, "bob"), triage(schema.KindLabeled, 3, 3, "cid"),
			triage(schema.KindIssueClosed, 4, 4, "cid"), triage(schema.KindLabeled, 5, 5, "dan")}, StageLeadership, "closed or labelled 5 issues or pull requests by others"},
		{"triaging 4 items by others is not", []schema.Event{
			triage(schema.KindLabeled, 1, 1, "bob"), triage(schema.KindIssueClosed, 2, 2, "bob"), triage(schema.KindLabeled, 3, 3, "cid"),
			triage(schema.KindIssueClosed, 4, 4, "cid"), triage(schema.KindLabeled, 5, 5, "ana")}, StageFirstContact, ""},
		{"5 labels on one item are one item", []schema.Event{
			triage(schema.KindLabeled, 1, 1, "bob"), triage(schema.KindLabeled, 2, 1, "bob"), triage(schema.KindLabeled, 3, 1, "bob"),
			triage(schema.KindIssueClosed, 4, 1, "bob"), triage(schema.KindLabeled, 5, 1, "bob")}, StageFirstContact, ""},
		{"assigning is no triage", []schema.Event{
			triage(schema.KindAssigned, 1, 1, "bob"), triage(schema.KindAssigned, 2, 2, "bob"), triage(schema.KindAssigned, 3, 3, "cid"),
			triage(schema.KindAssigned, 4, 4, "cid"), triage(schema.KindAssigned, 5, 5, "dan")}, StageFirstContact, ""},
		{"each rule is judged on its own", []schema.Event{ev(schema.KindStar, "ana", ago(3)), ev(schema.KindPRMerged, "ana", ago(3), on(7, "bob"))}, StageLeadership, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := analyze(t, tt.events, Options{})
			c := mustContributor(t, res, "ana")
			if c.Stage != tt.stage {
				t.Errorf("stage = %s (%s), want %s", c.Stage, c.StageReason, tt.stage)
			}
			if !strings.Contains(c.StageReason, tt.reason) {
				t.Errorf("stage_reason = %q, want it to contain %q", c.StageReason, tt.reason)
			}
		})
	}
}

func TestActivityStates(t *testing.T) {
	tests := []struct {
		name        string
		first, last int // days before the analysis date
		want        string
	}{
		{"first action 90 days back is new", 90, 90, StateNew},
		{"first action 91 days back is no longer new", 91, 91, StateActive},
		{"last action 180 days back is active", 400, 180, StateActive},
		{"last action 181 days back is dormant", 400, 181, StateDormant},
		{"last action 365 days back is dormant", 400, 365, StateDormant},
		{"last action 366 days back is churned", 400, 366, StateChurned},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			events := []schema.Event{
				ev(schema.KindIssueOpened, "ana", ago(tt.first), on(1, "ana")),
				ev(schema.KindIssueComment, "ana", ago(tt.last), on(1, "ana")),
				// Neither a star nor a listing is an action.
				ev(schema.KindStar, "ana", ago(1)),
				ev(schema.KindRecognized, "ana", ago(1)),
			}
			c := mustContributor(t, analyze(t, events, Options{}), "ana")
			if got := str(c.State); got != tt.want {
				t.Errorf("state = %s, want %s", got, tt.want)
			}
		})
	}
	t.Run("stars and listings alone give no state", func(t *testing.T) {
		res := analyze(t, []schema.Event{ev(schema.KindStar, "ana", ago(1)), ev(schema.KindRecognized, "ana", ago(1))}, Options{})
		if c := mustContributor(t, res, "ana"); c.State != nil {
			t.Errorf("state = %s, want null", *c.State)
		}
	})
}

func TestThresholdsComeFromTheModel(t *testing.T) {
	m := DefaultModel()
	m.LeadershipMerges = 2
	m.SustainedMonths = 2
	events := []schema.Event{
		ev(schema.KindPRMerged, "ana", ago(3), on(7, "bob")),
		ev(schema.KindPRMerged, "maint", ago(3), on(8, "ana")),
		ev(schema.KindPRMerged, "maint", ago(60), on(9, "ana")),
	}
	c := mustContributor(t, analyze(t, events, Options{Model: m}), "ana")
	if c.Stage != StageSustainedParticipation {
		t.Errorf("stage = %s, want %s", c.Stage, StageSustainedParticipation)
	}
}

func TestOptionsAreChecked(t *testing.T) {
	if _, err := Analyze(nil, Options{}); err != ErrNoAsOf {
		t.Errorf("no as-of: err = %v, want ErrNoAsOf", err)
	}
	m := DefaultModel()
	m.WindowDays = 0
	if _, err := Analyze(nil, Options{AsOf: testAsOf, Model: m}); err == nil || !strings.Contains(err.Error(), "window_days") {
		t.Errorf("bad model: err = %v, want it to name window_days", err)
	}
	if _, err := Analyze(nil, Options{AsOf: testAsOf, Bots: BotRules{Include: []string{"[bad"}}}); err == nil {
		t.Error("bad bot pattern: no error")
	}
}

func TestEventsAfterTheAnalysisDateAreIgnored(t *testing.T) {
	events := []schema.Event{
		ev(schema.KindStar, "ana", ago(10)),
		ev(schema.KindIssueOpened, "ana", testAsOf.Add(23*time.Hour+59*time.Minute), on(1, "ana")), // same day: counts
		ev(schema.KindPRMerged, "ana", testAsOf.AddDate(0, 0, 1), on(2, "bob")),                    // next day: ignored
	}
	res := analyze(t, events, Options{})
	if c := mustContributor(t, res, "ana"); c.Stage != StageFirstContact {
		t.Errorf("stage = %s, want %s", c.Stage, StageFirstContact)
	}
	if got := res.Manifest.IgnoredEvents["after_as_of"]; got != 1 {
		t.Errorf("ignored after_as_of = %d, want 1", got)
	}
	if res.Manifest.EventsRead != 3 {
		t.Errorf("events read = %d, want 3", res.Manifest.EventsRead)
	}
}

func TestLoginsAreCaseInsensitive(t *testing.T) {
	events := []schema.Event{
		ev(schema.KindRecognized, "anasmith", ago(10)), // typed by hand in .all-contributorsrc
		ev(schema.KindIssueOpened, "AnaSmith", ago(5), on(1, "AnaSmith")),
	}
	res := analyze(t, events, Options{})
	if len(res.Contributors) != 1 {
		t.Fatalf("contributors = %+v, want one", res.Contributors)
	}
	if c := res.Contributors[0]; c.Login != "AnaSmith" || c.Stage != StageParticipation {
		t.Errorf("got %s at %s, want AnaSmith at participation", c.Login, c.Stage)
	}
}
