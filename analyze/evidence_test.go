package analyze

import (
	"testing"

	"github.com/journeys-dev/journeys/schema"
)

// Every transition names the event that caused it, and every contributor
// the event that last met their stage's rule, in keys that join to
// events.parquet.
func TestEvidenceNamesTheEvents(t *testing.T) {
	commit := ev(schema.KindCommit, "ana", ago(40))
	commit.SourceID = "commit:abc123"
	events := []schema.Event{
		ev(schema.KindIssueOpened, "ana", ago(100), on(1, "ana")),
		commit,
		// maint merged ana's pull request long ago: leadership, which
		// ended when the merge left the 12-month window.
		ev(schema.KindPRMerged, "maint", ago(500), on(2, "ana")),
	}
	res := analyze(t, events, Options{})
	str := func(p *string) string {
		if p == nil {
			return "<nil>"
		}
		return *p
	}
	num := func(p *int64) int64 {
		if p == nil {
			return -1
		}
		return *p
	}
	ana := mustContributor(t, res, "ana")
	if str(ana.EventRole) != RoleMet || str(ana.EventKind) != string(schema.KindCommit) || str(ana.EventRepo) != "o/r" ||
		str(ana.EventSHA) != "abc123" || ana.EventNumber != nil || ana.EventAt == nil || !ana.EventAt.Equal(dateOf(dayOf(ago(40)))) {
		t.Errorf("ana's evidence: %s %s %s %s %v %v", str(ana.EventRole), str(ana.EventKind), str(ana.EventRepo), str(ana.EventSHA), ana.EventNumber, ana.EventAt)
	}
	type step struct {
		to, role, kind string
		number         int64
	}
	var got []step
	for _, tr := range res.Transitions {
		if tr.Login == "maint" || tr.Login == "ana" {
			got = append(got, step{tr.Login + ":" + tr.ToStage, str(tr.EventRole), str(tr.EventKind), num(tr.EventNumber)})
		}
	}
	want := []step{
		// ana's own merged pull request, long ago, was her participation.
		{"ana:" + StageParticipation, RoleMet, string(schema.KindPRMerged), 2},
		{"maint:" + StageLeadership, RoleMet, string(schema.KindPRMerged), 2},
		{"maint:" + StageFirstContact, RoleExpired, string(schema.KindPRMerged), 2},
	}
	if len(got) != len(want) {
		t.Fatalf("transitions %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("transition %d: %+v, want %+v", i, got[i], want[i])
		}
	}
}
