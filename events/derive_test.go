package events

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/journeys-dev/journeys/schema"
)

var t0 = time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)

func at(h int) time.Time   { return t0.Add(time.Duration(h) * time.Hour) }
func atp(h int) *time.Time { v := at(h); return &v }
func s(v string) *string   { return &v }
func b(v bool) *bool       { return &v }
func n(v int64) *int64     { return &v }
func ev(e schema.Event) schema.Event {
	e.Community, e.Repo = "c", "o/r"
	return e
}

// issue is issue or pull request number of o/r, by author, opened at hour
// number.
func issue(number int64, author string, pr bool) schema.Issue {
	return schema.Issue{Community: "c", Repo: "o/r", Number: number, ID: 100 + number, IsPullRequest: pr, Author: s(author),
		AuthorType: s("User"), CreatedAt: at(int(number))}
}

// issueEvent is event id of o/r on item number, whose own issue (as the
// events listing serves it) is by issueAuthor.
func issueEvent(id, number int64, event, actor string, hour int, issueAuthor *string, issuePR *bool) schema.IssueEvent {
	return schema.IssueEvent{Community: "c", Repo: "o/r", ID: id, Number: number, Event: event, Actor: s(actor), ActorType: s("User"),
		CreatedAt: at(hour), IssueAuthor: issueAuthor, IssueIsPullRequest: issuePR}
}

func TestDerive(t *testing.T) {
	merged := issue(2, "bob", true)
	merged.MergedAt = atp(50)
	cases := []struct {
		name string
		raw  Raw
		want []schema.Event
	}{
		{
			name: "an issue and a pull request are opened, targeting themselves",
			raw:  Raw{Issues: []schema.Issue{issue(1, "ann", false), issue(2, "bob", true)}},
			want: []schema.Event{
				ev(schema.Event{Actor: s("ann"), ActorType: s("User"), Kind: schema.KindIssueOpened, OccurredAt: at(1),
					TargetNumber: n(1), TargetAuthor: s("ann"), TargetIsPullRequest: b(false), SourceID: "issue:101"}),
				ev(schema.Event{Actor: s("bob"), ActorType: s("User"), Kind: schema.KindPROpened, OccurredAt: at(2),
					TargetNumber: n(2), TargetAuthor: s("bob"), TargetIsPullRequest: b(true), SourceID: "pr:102"}),
			},
		},
		{
			name: "a merge is by the actor of the latest merged event, the greater id on a tie",
			raw: Raw{Issues: []schema.Issue{merged}, IssueEvents: []schema.IssueEvent{
				issueEvent(7, 2, "merged", "early", 40, s("bob"), b(true)),
				issueEvent(9, 2, "merged", "tie-high", 45, s("bob"), b(true)),
				issueEvent(8, 2, "merged", "tie-low", 45, s("bob"), b(true)),
				issueEvent(10, 2, "merged", "no-issue", 60, nil, nil), // an event of no issue names no pull request
			}},
			want: []schema.Event{
				ev(schema.Event{Actor: s("bob"), ActorType: s("User"), Kind: schema.KindPROpened, OccurredAt: at(2),
					TargetNumber: n(2), TargetAuthor: s("bob"), TargetIsPullRequest: b(true), SourceID: "pr:102"}),
				ev(schema.Event{Actor: s("tie-high"), ActorType: s("User"), Kind: schema.KindPRMerged, OccurredAt: at(50),
					TargetNumber: n(2), TargetAuthor: s("bob"), TargetIsPullRequest: b(true), SourceID: "merge:2"}),
			},
		},
		{
			name: "a merge without a merged event has no actor",
			raw:  Raw{Issues: []schema.Issue{merged}},
			want: []schema.Event{
				ev(schema.Event{Actor: s("bob"), ActorType: s("User"), Kind: schema.KindPROpened, OccurredAt: at(2),
					TargetNumber: n(2), TargetAuthor: s("bob"), TargetIsPullRequest: b(true), SourceID: "pr:102"}),
				ev(schema.Event{Kind: schema.KindPRMerged, OccurredAt: at(50),
					TargetNumber: n(2), TargetAuthor: s("bob"), TargetIsPullRequest: b(true), SourceID: "merge:2"}),
			},
		},
		{
			name: "comments target their item; a review comment is always on a pull request",
			raw: Raw{Comments: []schema.Comment{
				{Community: "c", Repo: "o/r", Kind: schema.KindIssueComment, ID: 1, Number: 5, Author: s("cy"), CreatedAt: at(10)},
				{Community: "c", Repo: "o/r", Kind: schema.KindReviewComment, ID: 2, Number: 5, Author: s("cy"), CreatedAt: at(11)},
			}},
			want: []schema.Event{
				ev(schema.Event{Actor: s("cy"), Kind: schema.KindIssueComment, OccurredAt: at(10), TargetNumber: n(5), SourceID: "comment:1"}),
				ev(schema.Event{Actor: s("cy"), Kind: schema.KindReviewComment, OccurredAt: at(11), TargetNumber: n(5),
					TargetIsPullRequest: b(true), SourceID: "review_comment:2"}),
			},
		},
		{
			name: "a pending review is no event",
			raw: Raw{Issues: []schema.Issue{issue(2, "bob", true)}, Reviews: []schema.Review{
				{Community: "c", Repo: "o/r", ID: 3, Number: 2, Author: s("dee"), State: "PENDING"},
				{Community: "c", Repo: "o/r", ID: 4, Number: 2, Author: s("dee"), AuthorType: s("User"), State: "APPROVED", SubmittedAt: atp(20)},
			}},
			want: []schema.Event{
				ev(schema.Event{Actor: s("bob"), ActorType: s("User"), Kind: schema.KindPROpened, OccurredAt: at(2),
					TargetNumber: n(2), TargetAuthor: s("bob"), TargetIsPullRequest: b(true), SourceID: "pr:102"}),
				ev(schema.Event{Actor: s("dee"), ActorType: s("User"), Kind: schema.KindReview, OccurredAt: at(20), TargetNumber: n(2),
					TargetAuthor: s("bob"), TargetIsPullRequest: b(true), Detail: s("APPROVED"), SourceID: "review:4"}),
			},
		},
		{
			name: "a commit credits its author, and each co-author in message order",
			raw: Raw{Commits: []schema.Commit{{Community: "c", Repo: "o/r", SHA: "abc", AuthorName: "Ann", AuthorEmail: "ann@x",
				AuthorDate: at(3), CommitterDate: at(4), AuthorLogin: s("ann"), AuthorType: s("User"),
				CoAuthorNames: []string{"Zed", "Bo"}, CoAuthorEmails: []string{"zed@x", "bo@x"}}}},
			want: []schema.Event{
				ev(schema.Event{Actor: s("ann"), ActorType: s("User"), Kind: schema.KindCommit, OccurredAt: at(3),
					AuthorName: s("Ann"), AuthorEmail: s("ann@x"), SourceID: "commit:abc"}),
				ev(schema.Event{Kind: schema.KindCommitCoauthor, OccurredAt: at(3), AuthorName: s("Zed"), AuthorEmail: s("zed@x"),
					SourceID: "commit:abc:coauthor:1"}),
				ev(schema.Event{Kind: schema.KindCommitCoauthor, OccurredAt: at(3), AuthorName: s("Bo"), AuthorEmail: s("bo@x"),
					SourceID: "commit:abc:coauthor:2"}),
			},
		},
		{
			name: "a star and a fork",
			raw: Raw{
				Stargazers: []schema.Stargazer{{Community: "c", Repo: "o/r", Login: "eve", UserType: "User", StarredAt: at(5)}},
				Forks:      []schema.Fork{{Community: "c", Repo: "o/r", ForkRepo: "fay/r", Owner: "fay", OwnerType: "User", CreatedAt: at(6), ID: 77}},
			},
			want: []schema.Event{
				ev(schema.Event{Actor: s("eve"), ActorType: s("User"), Kind: schema.KindStar, OccurredAt: at(5), SourceID: "star:eve"}),
				ev(schema.Event{Actor: s("fay"), ActorType: s("User"), Kind: schema.KindFork, OccurredAt: at(6), Detail: s("fay/r"), SourceID: "fork:77"}),
			},
		},
		{
			name: "issue events: four kinds give events, their detail the label or the assignee",
			raw: Raw{IssueEvents: []schema.IssueEvent{
				issueEvent(1, 9, "closed", "gus", 30, s("hal"), b(false)),
				issueEvent(2, 9, "reopened", "gus", 31, s("hal"), b(false)),
				func() schema.IssueEvent {
					e := issueEvent(3, 9, "labeled", "gus", 32, s("hal"), b(false))
					e.Label = s("bug")
					return e
				}(),
				func() schema.IssueEvent {
					e := issueEvent(4, 9, "assigned", "gus", 33, s("hal"), b(false))
					e.Assignee = s("ivy")
					return e
				}(),
				issueEvent(5, 9, "unlabeled", "gus", 34, s("hal"), b(false)),
				issueEvent(6, 9, "referenced", "gus", 35, s("hal"), b(false)),
			}},
			want: []schema.Event{
				ev(schema.Event{Actor: s("gus"), ActorType: s("User"), Kind: schema.KindIssueClosed, OccurredAt: at(30), TargetNumber: n(9),
					TargetAuthor: s("hal"), TargetIsPullRequest: b(false), SourceID: "event:1"}),
				ev(schema.Event{Actor: s("gus"), ActorType: s("User"), Kind: schema.KindIssueReopened, OccurredAt: at(31), TargetNumber: n(9),
					TargetAuthor: s("hal"), TargetIsPullRequest: b(false), SourceID: "event:2"}),
				ev(schema.Event{Actor: s("gus"), ActorType: s("User"), Kind: schema.KindLabeled, OccurredAt: at(32), TargetNumber: n(9),
					TargetAuthor: s("hal"), TargetIsPullRequest: b(false), Detail: s("bug"), SourceID: "event:3"}),
				ev(schema.Event{Actor: s("gus"), ActorType: s("User"), Kind: schema.KindAssigned, OccurredAt: at(33), TargetNumber: n(9),
					TargetAuthor: s("hal"), TargetIsPullRequest: b(false), Detail: s("ivy"), SourceID: "event:4"}),
			},
		},
		{
			name: "an issue event's target: the issues table's item, else its own issue",
			raw: Raw{
				Issues: []schema.Issue{issue(1, "ann", false), {Community: "c", Repo: "o/r", Number: 2, ID: 102, IsPullRequest: false, CreatedAt: at(2)}},
				IssueEvents: []schema.IssueEvent{
					issueEvent(1, 1, "closed", "gus", 30, s("listed-differently"), b(true)), // the table wins
					issueEvent(2, 2, "closed", "gus", 31, s("ghost"), b(true)),              // listed with no author: its own issue
					issueEvent(3, 3, "closed", "gus", 32, s("kim"), b(true)),                // not listed: its own issue
					issueEvent(4, 0, "closed", "gus", 33, nil, nil),                         // no issue at all
				},
			},
			want: []schema.Event{
				ev(schema.Event{Actor: s("ann"), ActorType: s("User"), Kind: schema.KindIssueOpened, OccurredAt: at(1),
					TargetNumber: n(1), TargetAuthor: s("ann"), TargetIsPullRequest: b(false), SourceID: "issue:101"}),
				ev(schema.Event{Kind: schema.KindIssueOpened, OccurredAt: at(2), TargetNumber: n(2), TargetIsPullRequest: b(false), SourceID: "issue:102"}),
				ev(schema.Event{Actor: s("gus"), ActorType: s("User"), Kind: schema.KindIssueClosed, OccurredAt: at(30), TargetNumber: n(1),
					TargetAuthor: s("ann"), TargetIsPullRequest: b(false), SourceID: "event:1"}),
				ev(schema.Event{Actor: s("gus"), ActorType: s("User"), Kind: schema.KindIssueClosed, OccurredAt: at(31), TargetNumber: n(2),
					TargetAuthor: s("ghost"), TargetIsPullRequest: b(true), SourceID: "event:2"}),
				ev(schema.Event{Actor: s("gus"), ActorType: s("User"), Kind: schema.KindIssueClosed, OccurredAt: at(32), TargetNumber: n(3),
					TargetAuthor: s("kim"), TargetIsPullRequest: b(true), SourceID: "event:3"}),
				ev(schema.Event{Actor: s("gus"), ActorType: s("User"), Kind: schema.KindIssueClosed, OccurredAt: at(33), TargetNumber: n(0),
					SourceID: "event:4"}),
			},
		},
		{
			name: "a recognition is dated when first listed; without that date it gives no event",
			raw: Raw{Recognitions: []schema.Recognition{
				{Community: "c", Repo: "o/r", Login: "Lee", Contributions: []string{"code", "doc"}, FirstListedAt: atp(70)},
				{Community: "c", Repo: "o/r", Login: "max", Contributions: []string{"bug"}},
				{Community: "c", Repo: "o/r", Login: "ned", FirstListedAt: atp(71), FirstListedBy: true},
			}},
			want: []schema.Event{
				ev(schema.Event{Actor: s("Lee"), Kind: schema.KindRecognized, OccurredAt: at(70), Detail: s("code,doc"), SourceID: "all-contributors:Lee"}),
				ev(schema.Event{Actor: s("ned"), Kind: schema.KindRecognized, OccurredAt: at(71), Detail: s(""), SourceID: "all-contributors:ned"}),
			},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			checkEvents(t, Derive(&c.raw), c.want)
		})
	}
}

// Events come out in the order of events.parquet, whatever the tables'
// order: community, repo, occurred_at, kind, source_id.
func TestDeriveSortsEvents(t *testing.T) {
	raw := Raw{
		Stargazers: []schema.Stargazer{
			{Community: "b", Repo: "o/r", Login: "z", StarredAt: at(1)},
			{Community: "a", Repo: "o/s", Login: "y", StarredAt: at(1)},
			{Community: "a", Repo: "o/r", Login: "x", StarredAt: at(2)},
			{Community: "a", Repo: "o/r", Login: "w", StarredAt: at(2)},
		},
		Forks:   []schema.Fork{{Community: "a", Repo: "o/r", Owner: "v", CreatedAt: at(2), ID: 1}},
		Commits: []schema.Commit{{Community: "a", Repo: "o/r", SHA: "s", AuthorDate: at(0), CommitterDate: at(9)}},
	}
	var got []string
	for _, e := range Derive(&raw) {
		got = append(got, fmt.Sprintf("%s %s %d %s %s", e.Community, e.Repo, e.OccurredAt.Sub(t0)/time.Hour, e.Kind, e.SourceID))
	}
	want := []string{
		"a o/r 0 commit commit:s",
		"a o/r 2 fork fork:1",
		"a o/r 2 star star:w",
		"a o/r 2 star star:x",
		"a o/s 1 star star:y",
		"b o/r 1 star star:z",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("order:\n got %q\nwant %q", got, want)
	}
}

// An excluded person's rows left out of the raw tables (privacy.FilterDir)
// take their events with them, and the events of others on their items
// lose only the target's author, as when the events are filtered: an
// issue event on their issue falls back to the event's own issue, whose
// author the exclusion nulled.
func TestDeriveFromFilteredTables(t *testing.T) {
	full := Raw{
		Issues:      []schema.Issue{issue(1, "xavier", false)},
		IssueEvents: []schema.IssueEvent{issueEvent(1, 1, "closed", "gus", 30, s("xavier"), b(false))},
		Reviews:     []schema.Review{{Community: "c", Repo: "o/r", ID: 4, Number: 1, Author: s("dee"), State: "COMMENTED", SubmittedAt: atp(20)}},
	}
	// What leaving xavier out does to the raw tables: his issue goes, the
	// mention of him in the event's own issue is nulled.
	filtered := Raw{
		IssueEvents: []schema.IssueEvent{issueEvent(1, 1, "closed", "gus", 30, nil, b(false))},
		Reviews:     full.Reviews,
	}
	// What leaving him out does to the derived events.
	var want []schema.Event
	for _, e := range Derive(&full) {
		if e.Actor != nil && *e.Actor == "xavier" {
			continue
		}
		if e.TargetAuthor != nil && *e.TargetAuthor == "xavier" {
			e.TargetAuthor = nil
		}
		want = append(want, e)
	}
	checkEvents(t, Derive(&filtered), want)
}

func checkEvents(t *testing.T, got, want []schema.Event) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%d events, want %d", len(got), len(want))
	}
	for i := range max(len(got), len(want)) {
		var g, w string
		if i < len(got) {
			g = describe(got[i])
		}
		if i < len(want) {
			w = describe(want[i])
		}
		if g != w {
			t.Errorf("event %d:\n got %s\nwant %s", i, g, w)
		}
	}
}

// describe spells out every field of e, pointers followed.
func describe(e schema.Event) string {
	v := reflect.ValueOf(e)
	out := ""
	for i := range v.NumField() {
		f := v.Field(i)
		if f.Kind() == reflect.Pointer {
			if f.IsNil() {
				out += fmt.Sprintf("%s=nil ", v.Type().Field(i).Name)
				continue
			}
			f = f.Elem()
		}
		out += fmt.Sprintf("%s=%v ", v.Type().Field(i).Name, f.Interface())
	}
	return out
}
