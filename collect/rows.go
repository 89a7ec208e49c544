package collect

import (
	"cmp"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/journeys-dev/journeys/schema"
)

// tables holds every output table's rows.
type tables struct {
	Repos        []schema.Repo
	Issues       []schema.Issue
	PullRequests []schema.PullRequest
	Comments     []schema.Comment
	Reviews      []schema.Review
	Commits      []schema.Commit
	Stargazers   []schema.Stargazer
	Forks        []schema.Fork
	IssueEvents  []schema.IssueEvent
	Recognitions []schema.Recognition
	Events       []schema.Event
}

// counts returns the row count of each table, by table name.
func (t *tables) counts() map[string]int64 {
	rows, _ := t.byTable()
	out := make(map[string]int64, len(rows))
	for _, r := range rows {
		out[r.table.Name] = int64(r.rows.Len())
	}
	return out
}

// tableRows are the rows of one raw table of the registry.
type tableRows struct {
	table *schema.Table
	rows  reflect.Value // a slice of table.Row
}

// byTable pairs every raw table of the registry (schema.Of(schema.Collect)),
// in its order, with the field of t that holds its rows.
func (t *tables) byTable() ([]tableRows, error) {
	v := reflect.ValueOf(t).Elem()
	var out []tableRows
	for _, tb := range schema.Of(schema.Collect) {
		n := len(out)
		for i := range v.NumField() {
			if f := v.Field(i); f.Kind() == reflect.Slice && f.Type().Elem() == tb.Row {
				out = append(out, tableRows{tb, f})
			}
		}
		if len(out) != n+1 {
			return nil, fmt.Errorf("collect: %d lists of rows for table %s", len(out)-n, tb.Name)
		}
	}
	return out, nil
}

// coAuthorRe matches a Co-authored-by trailer, tolerant of case and spacing.
var coAuthorRe = regexp.MustCompile(`(?im)^[ \t]*co-authored-by[ \t]*:[ \t]*([^\r\n<>]*?)[ \t]*<[ \t]*([^<>\r\n]*?)[ \t]*>[ \t]*$`)

// coAuthors parses the Co-authored-by trailers of a commit message.
func coAuthors(msg string) (names, emails []string) {
	for _, m := range coAuthorRe.FindAllStringSubmatch(strings.ReplaceAll(msg, "\r\n", "\n"), -1) {
		names = append(names, strings.TrimSpace(m[1]))
		emails = append(emails, strings.TrimSpace(m[2]))
	}
	return names, emails
}

func strOrNil(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// addRepo appends the rows of one repository (collected, or failed with
// err) to t. It returns the repository's row counts.
func (t *tables) addRepo(community, repo string, s *repoState, failure string, now time.Time) map[string]int64 {
	before := t.counts()
	row := schema.Repo{Community: community, Repo: repo, Status: "ok", CollectedAt: now}
	if failure != "" {
		row.Status, row.Error = "failed", ptr(failure)
	}
	if s != nil && s.Repo != nil {
		r := s.Repo
		row.ID, row.DefaultBranch, row.CreatedAt, row.PushedAt = ptr(r.ID), ptr(r.DefaultBranch), ptr(r.CreatedAt.UTC()), utcPtr(r.PushedAt)
		row.Fork, row.Archived, row.Stars, row.Forks = ptr(r.Fork), ptr(r.Archived), ptr(r.StargazersCount), ptr(r.ForksCount)
		row.OwnerType = strOrNil(r.OwnerType)
		row.HasContributorsFile = ptr(s.AC != nil && s.AC.Exists)
	}
	t.Repos = append(t.Repos, row)
	// A failed repository contributes only what a past complete run saw.
	if s == nil || s.Repo == nil || (failure != "" && !s.Complete) {
		return diff(t.counts(), before)
	}

	base := schema.Event{Community: community, Repo: repo}
	issueByNum := make(map[int64]*apiIssue, len(s.Issues))
	for _, it := range s.Issues {
		issueByNum[it.Number] = it
	}
	target := func(ev *schema.Event, n int64) {
		ev.TargetNumber = ptr(n)
		if it := issueByNum[n]; it != nil {
			ev.TargetAuthor = it.User.login()
			ev.TargetIsPullRequest = ptr(it.PullRequest != nil)
		}
	}

	// Merges: merged_at from the issues listing, who merged from the
	// repository's "merged" issue events (the latest one per pull request).
	mergedEv := map[int64]*apiIssueEvent{}
	for _, e := range s.Events {
		if e.Event != "merged" || e.Issue == nil {
			continue
		}
		n := e.Issue.Number
		if o := mergedEv[n]; o == nil || e.CreatedAt.After(o.CreatedAt) || (e.CreatedAt.Equal(o.CreatedAt) && e.ID > o.ID) {
			mergedEv[n] = e
		}
	}

	for _, it := range sortedValues(s.Issues, func(a, b *apiIssue) int { return cmp.Compare(a.Number, b.Number) }) {
		isPR := it.PullRequest != nil
		var merged *time.Time
		if isPR {
			merged = utcPtr(it.PullRequest.MergedAt)
			// Servers that predate pull_request.merged_at in the issues
			// listing still record the merge as an issue event, dated
			// when the merge happened.
			if e := mergedEv[it.Number]; merged == nil && e != nil && it.State == "closed" {
				merged = utcPtr(&e.CreatedAt)
			}
		}
		labels, assignees := []string{}, []string{}
		for _, l := range it.Labels {
			labels = append(labels, l.Name)
		}
		for _, a := range it.Assignees {
			assignees = append(assignees, a.Login)
		}
		t.Issues = append(t.Issues, schema.Issue{
			Community: community, Repo: repo, Number: it.Number, ID: it.ID, IsPullRequest: isPR,
			Title: it.Title, State: it.State, StateReason: it.StateReason,
			Author: it.User.login(), AuthorType: it.User.typ(), AuthorAssociation: strOrNil(it.AuthorAssociation),
			Labels: labels, Assignees: assignees, CommentCount: it.Comments,
			CreatedAt: it.CreatedAt.UTC(), UpdatedAt: it.UpdatedAt.UTC(), ClosedAt: utcPtr(it.ClosedAt), MergedAt: merged,
		})
		ev := base
		ev.Actor, ev.ActorType, ev.OccurredAt = it.User.login(), it.User.typ(), it.CreatedAt.UTC()
		ev.Kind, ev.SourceID = schema.KindIssueOpened, "issue:"+itoa(it.ID)
		if isPR {
			ev.Kind, ev.SourceID = schema.KindPROpened, "pr:"+itoa(it.ID)
		}
		target(&ev, it.Number)
		t.Events = append(t.Events, ev)
		if !isPR {
			continue
		}
		pr := schema.PullRequest{Community: community, Repo: repo, Number: it.Number, Author: it.User.login(), State: it.State,
			CreatedAt: it.CreatedAt.UTC(), ClosedAt: utcPtr(it.ClosedAt), Merged: merged != nil, MergedAt: merged}
		if e := mergedEv[it.Number]; e != nil && merged != nil {
			pr.MergedBy, pr.MergeCommitSHA = e.Actor.login(), e.CommitID
		}
		t.PullRequests = append(t.PullRequests, pr)
		if merged != nil {
			ev := base
			ev.Kind, ev.OccurredAt, ev.SourceID = schema.KindPRMerged, *merged, "merge:"+itoa(it.Number)
			if e := mergedEv[it.Number]; e != nil {
				ev.Actor, ev.ActorType = e.Actor.login(), e.Actor.typ()
			}
			target(&ev, it.Number)
			t.Events = append(t.Events, ev)
		}
	}

	addComments := func(m map[int64]*apiComment, kind schema.Kind, prefix string) {
		for _, c := range sortedValues(m, func(a, b *apiComment) int { return cmp.Compare(a.ID, b.ID) }) {
			n := c.number()
			t.Comments = append(t.Comments, schema.Comment{Community: community, Repo: repo, Kind: kind, ID: c.ID, Number: n,
				Author: c.User.login(), AuthorType: c.User.typ(), AuthorAssociation: strOrNil(c.AuthorAssociation),
				CreatedAt: c.CreatedAt.UTC(), UpdatedAt: c.UpdatedAt.UTC()})
			ev := base
			ev.Actor, ev.ActorType, ev.Kind, ev.OccurredAt, ev.SourceID = c.User.login(), c.User.typ(), kind, c.CreatedAt.UTC(), prefix+itoa(c.ID)
			target(&ev, n)
			if kind == schema.KindReviewComment {
				ev.TargetIsPullRequest = ptr(true)
			}
			t.Events = append(t.Events, ev)
		}
	}
	addComments(s.Comments, schema.KindIssueComment, "comment:")
	addComments(s.ReviewComments, schema.KindReviewComment, "review_comment:")

	for _, r := range sortedValues(s.Reviews, func(a, b *apiReview) int {
		return cmp.Or(cmp.Compare(a.Number, b.Number), cmp.Compare(a.ID, b.ID))
	}) {
		t.Reviews = append(t.Reviews, schema.Review{Community: community, Repo: repo, ID: r.ID, Number: r.Number,
			Author: r.User.login(), AuthorType: r.User.typ(), State: r.State, SubmittedAt: utcPtr(r.SubmittedAt)})
		if r.SubmittedAt == nil { // a pending review is not an action yet
			continue
		}
		ev := base
		ev.Actor, ev.ActorType, ev.Kind, ev.OccurredAt = r.User.login(), r.User.typ(), schema.KindReview, r.SubmittedAt.UTC()
		ev.Detail, ev.SourceID = ptr(r.State), "review:"+itoa(r.ID)
		target(&ev, r.Number)
		ev.TargetIsPullRequest = ptr(true)
		t.Events = append(t.Events, ev)
	}

	for _, c := range sortedValues(s.Commits, func(a, b *apiCommit) int {
		return cmp.Or(a.Commit.Committer.Date.Compare(b.Commit.Committer.Date), cmp.Compare(a.SHA, b.SHA))
	}) {
		names, emails := coAuthors(c.Commit.Message)
		if names == nil {
			names, emails = []string{}, []string{}
		}
		a, cm := c.Commit.Author, c.Commit.Committer
		t.Commits = append(t.Commits, schema.Commit{Community: community, Repo: repo, SHA: c.SHA,
			AuthorName: a.Name, AuthorEmail: a.Email, AuthorDate: a.Date.UTC(),
			CommitterName: cm.Name, CommitterEmail: cm.Email, CommitterDate: cm.Date.UTC(),
			AuthorLogin: c.Author.login(), AuthorType: c.Author.typ(), CommitterLogin: c.Committer.login(),
			ParentCount: int64(len(c.Parents)), Message: c.Commit.Message, CoAuthorNames: names, CoAuthorEmails: emails})
		ev := base
		ev.Actor, ev.ActorType, ev.Kind, ev.OccurredAt = c.Author.login(), c.Author.typ(), schema.KindCommit, a.Date.UTC()
		ev.AuthorName, ev.AuthorEmail, ev.SourceID = ptr(a.Name), ptr(a.Email), "commit:"+c.SHA
		t.Events = append(t.Events, ev)
		for i := range names {
			ev := base
			ev.Kind, ev.OccurredAt = schema.KindCommitCoauthor, a.Date.UTC()
			ev.AuthorName, ev.AuthorEmail = ptr(names[i]), ptr(emails[i])
			ev.SourceID = "commit:" + c.SHA + ":coauthor:" + strconv.Itoa(i+1)
			t.Events = append(t.Events, ev)
		}
	}

	for _, st := range sortedValues(s.Stars, func(a, b *apiStar) int {
		return cmp.Or(a.StarredAt.Compare(b.StarredAt), cmp.Compare(a.User.Login, b.User.Login))
	}) {
		t.Stargazers = append(t.Stargazers, schema.Stargazer{Community: community, Repo: repo, Login: st.User.Login,
			UserType: st.User.Type, StarredAt: st.StarredAt.UTC()})
		ev := base
		ev.Actor, ev.ActorType, ev.Kind, ev.OccurredAt, ev.SourceID = st.User.login(), st.User.typ(), schema.KindStar, st.StarredAt.UTC(), "star:"+st.User.Login
		t.Events = append(t.Events, ev)
	}

	for _, f := range sortedValues(s.Forks, func(a, b *apiFork) int {
		return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), cmp.Compare(a.ID, b.ID))
	}) {
		var owner, otype string
		if f.Owner != nil {
			owner, otype = f.Owner.Login, f.Owner.Type
		}
		t.Forks = append(t.Forks, schema.Fork{Community: community, Repo: repo, ForkRepo: f.FullName, Owner: owner,
			OwnerType: otype, CreatedAt: f.CreatedAt.UTC()})
		ev := base
		ev.Actor, ev.ActorType, ev.Kind, ev.OccurredAt = f.Owner.login(), f.Owner.typ(), schema.KindFork, f.CreatedAt.UTC()
		ev.Detail, ev.SourceID = ptr(f.FullName), "fork:"+itoa(f.ID)
		t.Events = append(t.Events, ev)
	}

	for _, e := range sortedValues(s.Events, func(a, b *apiIssueEvent) int {
		return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), cmp.Compare(a.ID, b.ID))
	}) {
		var n int64
		if e.Issue != nil {
			n = e.Issue.Number
		}
		row := schema.IssueEvent{Community: community, Repo: repo, ID: e.ID, Number: n, Event: e.Event,
			Actor: e.Actor.login(), ActorType: e.Actor.typ(), CreatedAt: e.CreatedAt.UTC(), CommitID: e.CommitID,
			Assignee: e.Assignee.login()}
		if e.Label != nil {
			row.Label = ptr(e.Label.Name)
		}
		t.IssueEvents = append(t.IssueEvents, row)
		kind, detail := schema.Kind(""), (*string)(nil)
		switch e.Event {
		case "closed":
			kind = schema.KindIssueClosed
		case "reopened":
			kind = schema.KindIssueReopened
		case "labeled":
			kind, detail = schema.KindLabeled, row.Label
		case "assigned":
			kind, detail = schema.KindAssigned, row.Assignee
		default:
			continue
		}
		ev := base
		ev.Actor, ev.ActorType, ev.Kind, ev.OccurredAt = row.Actor, row.ActorType, kind, row.CreatedAt
		ev.Detail, ev.SourceID = detail, "event:"+itoa(e.ID)
		target(&ev, n)
		if ev.TargetAuthor == nil && e.Issue != nil {
			ev.TargetAuthor = e.Issue.User.login()
			ev.TargetIsPullRequest = ptr(e.Issue.PullRequest != nil)
		}
		t.Events = append(t.Events, ev)
	}

	if s.AC != nil && s.AC.Exists {
		first, by := acFirstListed(s)
		people := slices.Clone(s.AC.People)
		slices.SortStableFunc(people, func(a, b acEntry) int { return cmp.Compare(strings.ToLower(a.Login), strings.ToLower(b.Login)) })
		for _, p := range people {
			contrib := p.Contributions
			if contrib == nil {
				contrib = []string{}
			}
			rec := schema.Recognition{Community: community, Repo: repo, Login: p.Login, Name: strOrNil(p.Name), Contributions: contrib}
			if at, ok := first[strings.ToLower(p.Login)]; ok {
				rec.FirstListedAt = ptr(at.UTC())
				rec.FirstListedBy = by[strings.ToLower(p.Login)]
				ev := base
				ev.Actor, ev.Kind, ev.OccurredAt = ptr(p.Login), schema.KindRecognized, at.UTC()
				ev.Detail, ev.SourceID = ptr(strings.Join(contrib, ",")), "all-contributors:"+p.Login
				t.Events = append(t.Events, ev)
			}
			t.Recognitions = append(t.Recognitions, rec)
		}
	}
	return diff(t.counts(), before)
}

// sortEvents puts events in their documented order: community, repo,
// occurred_at, kind, source_id.
func sortEvents(ev []schema.Event) {
	slices.SortFunc(ev, func(a, b schema.Event) int {
		return cmp.Or(cmp.Compare(a.Community, b.Community), cmp.Compare(a.Repo, b.Repo),
			a.OccurredAt.Compare(b.OccurredAt), cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.SourceID, b.SourceID))
	})
}

func diff(after, before map[string]int64) map[string]int64 {
	out := map[string]int64{}
	for k, v := range after {
		if d := v - before[k]; d != 0 {
			out[k] = d
		}
	}
	return out
}

func sortedValues[K comparable, V any](m map[K]V, less func(a, b V) int) []V {
	out := make([]V, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	slices.SortFunc(out, less)
	return out
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
