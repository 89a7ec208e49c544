// Package events derives the event stream, events.parquet, from the raw
// tables: one row per action by a person, from every source, in the one
// shape the analysis reads (docs/schema.md, events.parquet). The
// derivation is pure: it reads rows and returns rows, so that collection
// and a later re-derivation (journeys analyze --rederive) give the same
// events from the same raw tables.
//
// The package depends on schema alone.
package events

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"github.com/journeys-dev/journeys/schema"
)

// Version is the version of the rules that derive events from the raw
// tables. It is raised when a rule changes what events a raw table gives;
// collection.json records the version that derived events.parquet
// (events_version), and analyzing a folder derived under an older version
// derives its events again.
const Version = 1

// MinRawVersion is the oldest version of the raw tables
// (schema.RawVersion, collection.json's raw_version) that holds
// everything the derivation reads.
const MinRawVersion = 1

// Raw holds the rows of the raw tables events derive from. The other raw
// tables (repos, pull_requests) add nothing to the events: a repository
// that failed before it was ever collected has no rows, and so no events.
type Raw struct {
	Issues       []schema.Issue
	Comments     []schema.Comment
	Reviews      []schema.Review
	Commits      []schema.Commit
	Stargazers   []schema.Stargazer
	Forks        []schema.Fork
	IssueEvents  []schema.IssueEvent
	Recognitions []schema.Recognition
}

// item names an issue or pull request of a repository of a community.
type item struct {
	community, repo string
	number          int64
}

// deriver holds what the rules look up across tables.
type deriver struct {
	issues map[item]*schema.Issue
	// merges are the latest "merged" issue event of each pull request.
	merges map[item]*schema.IssueEvent
	out    []schema.Event
}

// Derive returns the events of the raw rows, in the order of
// events.parquet: community, repo, occurred_at, kind, source_id (rows
// equal in all of these keep the order of the tables).
func Derive(raw *Raw) []schema.Event {
	d := &deriver{issues: map[item]*schema.Issue{}, merges: map[item]*schema.IssueEvent{}}
	for i := range raw.Issues {
		it := &raw.Issues[i]
		d.issues[item{it.Community, it.Repo, it.Number}] = it
	}
	for i := range raw.IssueEvents {
		e := &raw.IssueEvents[i]
		if e.Event != "merged" || e.IssueIsPullRequest == nil { // an event of no issue names no pull request
			continue
		}
		k := item{e.Community, e.Repo, e.Number}
		if o := d.merges[k]; o == nil || e.CreatedAt.After(o.CreatedAt) || (e.CreatedAt.Equal(o.CreatedAt) && e.ID > o.ID) {
			d.merges[k] = e
		}
	}
	for i := range raw.Issues {
		d.issue(&raw.Issues[i])
	}
	for i := range raw.Comments {
		d.comment(&raw.Comments[i])
	}
	for i := range raw.Reviews {
		d.review(&raw.Reviews[i])
	}
	for i := range raw.Commits {
		d.commit(&raw.Commits[i])
	}
	for i := range raw.Stargazers {
		d.star(&raw.Stargazers[i])
	}
	for i := range raw.Forks {
		d.fork(&raw.Forks[i])
	}
	for i := range raw.IssueEvents {
		d.issueEvent(&raw.IssueEvents[i])
	}
	for i := range raw.Recognitions {
		d.recognition(&raw.Recognitions[i])
	}
	Sort(d.out)
	return d.out
}

// Sort puts events in the order of events.parquet: community, repo,
// occurred_at, kind, source_id. The sort is stable.
func Sort(ev []schema.Event) {
	slices.SortStableFunc(ev, func(a, b schema.Event) int {
		return cmp.Or(cmp.Compare(a.Community, b.Community), cmp.Compare(a.Repo, b.Repo),
			a.OccurredAt.Compare(b.OccurredAt), cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.SourceID, b.SourceID))
	})
}

// target sets what ev acted on: issue or pull request n of ev's
// repository, its author and whether it is a pull request as the issues
// table says (both null when the table does not list it).
func (d *deriver) target(ev *schema.Event, n int64) {
	ev.TargetNumber = &n
	if it := d.issues[item{ev.Community, ev.Repo, n}]; it != nil {
		ev.TargetAuthor = it.Author
		ev.TargetIsPullRequest = ptr(it.IsPullRequest)
	}
}

// issue gives an issue's or pull request's opening and a pull request's
// merge (by the actor of its latest "merged" issue event; null without
// one).
func (d *deriver) issue(it *schema.Issue) {
	ev := schema.Event{Community: it.Community, Repo: it.Repo, Actor: it.Author, ActorType: it.AuthorType, OccurredAt: it.CreatedAt.UTC()}
	ev.Kind, ev.SourceID = schema.KindIssueOpened, "issue:"+itoa(it.ID)
	if it.IsPullRequest {
		ev.Kind, ev.SourceID = schema.KindPROpened, "pr:"+itoa(it.ID)
	}
	d.target(&ev, it.Number)
	d.out = append(d.out, ev)
	if !it.IsPullRequest || it.MergedAt == nil {
		return
	}
	ev = schema.Event{Community: it.Community, Repo: it.Repo, Kind: schema.KindPRMerged, OccurredAt: it.MergedAt.UTC(),
		SourceID: "merge:" + itoa(it.Number)}
	if e := d.merges[item{it.Community, it.Repo, it.Number}]; e != nil {
		ev.Actor, ev.ActorType = e.Actor, e.ActorType
	}
	d.target(&ev, it.Number)
	d.out = append(d.out, ev)
}

// comment gives an issue comment or a review comment (always on a pull
// request).
func (d *deriver) comment(c *schema.Comment) {
	prefix := "comment:"
	if c.Kind == schema.KindReviewComment {
		prefix = "review_comment:"
	}
	ev := schema.Event{Community: c.Community, Repo: c.Repo, Actor: c.Author, ActorType: c.AuthorType, Kind: c.Kind,
		OccurredAt: c.CreatedAt.UTC(), SourceID: prefix + itoa(c.ID)}
	d.target(&ev, c.Number)
	if c.Kind == schema.KindReviewComment {
		ev.TargetIsPullRequest = ptr(true)
	}
	d.out = append(d.out, ev)
}

// review gives a submitted review; a pending one (no submitted_at) is
// not an action yet.
func (d *deriver) review(r *schema.Review) {
	if r.SubmittedAt == nil {
		return
	}
	ev := schema.Event{Community: r.Community, Repo: r.Repo, Actor: r.Author, ActorType: r.AuthorType, Kind: schema.KindReview,
		OccurredAt: r.SubmittedAt.UTC(), Detail: ptr(r.State), SourceID: "review:" + itoa(r.ID)}
	d.target(&ev, r.Number)
	ev.TargetIsPullRequest = ptr(true)
	d.out = append(d.out, ev)
}

// commit gives a commit, credited to its linked author login (or to its
// author's name and email), and one event per Co-authored-by trailer.
func (d *deriver) commit(c *schema.Commit) {
	at := c.AuthorDate.UTC()
	d.out = append(d.out, schema.Event{Community: c.Community, Repo: c.Repo, Actor: c.AuthorLogin, ActorType: c.AuthorType,
		Kind: schema.KindCommit, OccurredAt: at, AuthorName: ptr(c.AuthorName), AuthorEmail: ptr(c.AuthorEmail),
		SourceID: "commit:" + c.SHA})
	for i, name := range c.CoAuthorNames {
		var email string
		if i < len(c.CoAuthorEmails) {
			email = c.CoAuthorEmails[i]
		}
		d.out = append(d.out, schema.Event{Community: c.Community, Repo: c.Repo, Kind: schema.KindCommitCoauthor, OccurredAt: at,
			AuthorName: ptr(name), AuthorEmail: ptr(email), SourceID: "commit:" + c.SHA + ":coauthor:" + strconv.Itoa(i+1)})
	}
}

func (d *deriver) star(s *schema.Stargazer) {
	d.out = append(d.out, schema.Event{Community: s.Community, Repo: s.Repo, Actor: strOrNil(s.Login), ActorType: strOrNil(s.UserType),
		Kind: schema.KindStar, OccurredAt: s.StarredAt.UTC(), SourceID: "star:" + s.Login})
}

func (d *deriver) fork(f *schema.Fork) {
	d.out = append(d.out, schema.Event{Community: f.Community, Repo: f.Repo, Actor: strOrNil(f.Owner), ActorType: strOrNil(f.OwnerType),
		Kind: schema.KindFork, OccurredAt: f.CreatedAt.UTC(), Detail: ptr(f.ForkRepo), SourceID: "fork:" + itoa(f.ID)})
}

// issueEvent gives a closed, reopened, labeled or assigned issue event;
// the other event types give none. Its target is the issues table's item,
// else (an item the table does not list, or lists without an author) the
// event's own issue as the events listing served it.
func (d *deriver) issueEvent(e *schema.IssueEvent) {
	ev := schema.Event{Community: e.Community, Repo: e.Repo, Actor: e.Actor, ActorType: e.ActorType, OccurredAt: e.CreatedAt.UTC(),
		SourceID: "event:" + itoa(e.ID)}
	switch e.Event {
	case "closed":
		ev.Kind = schema.KindIssueClosed
	case "reopened":
		ev.Kind = schema.KindIssueReopened
	case "labeled":
		ev.Kind, ev.Detail = schema.KindLabeled, e.Label
	case "assigned":
		ev.Kind, ev.Detail = schema.KindAssigned, e.Assignee
	default:
		return
	}
	d.target(&ev, e.Number)
	if ev.TargetAuthor == nil && e.IssueIsPullRequest != nil {
		ev.TargetAuthor, ev.TargetIsPullRequest = e.IssueAuthor, e.IssueIsPullRequest
	}
	d.out = append(d.out, ev)
}

// recognition gives a listing in .all-contributorsrc, dated when the
// person was first listed; without that date it gives none.
func (d *deriver) recognition(r *schema.Recognition) {
	if r.FirstListedAt == nil {
		return
	}
	d.out = append(d.out, schema.Event{Community: r.Community, Repo: r.Repo, Actor: ptr(r.Login), Kind: schema.KindRecognized,
		OccurredAt: r.FirstListedAt.UTC(), Detail: ptr(strings.Join(r.Contributions, ",")), SourceID: "all-contributors:" + r.Login})
}

func ptr[T any](v T) *T { return &v }

func strOrNil(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
