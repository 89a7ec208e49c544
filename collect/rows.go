package collect

import (
	"cmp"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/journeys-dev/journeys/events"
	"github.com/journeys-dev/journeys/schema"
)

// tables holds every output table's rows: the raw tables addRepo builds
// from the collection's state, and the events derived from them.
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

// addRepo appends the raw rows of one repository (collected, or failed
// with err) to t. It returns the repository's row counts. Its events are
// derived from these rows afterwards (deriveEvents).
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
		if !isPR {
			continue
		}
		pr := schema.PullRequest{Community: community, Repo: repo, Number: it.Number, Author: it.User.login(), State: it.State,
			CreatedAt: it.CreatedAt.UTC(), ClosedAt: utcPtr(it.ClosedAt), Merged: merged != nil, MergedAt: merged}
		if e := mergedEv[it.Number]; e != nil && merged != nil {
			pr.MergedBy, pr.MergeCommitSHA = e.Actor.login(), e.CommitID
		}
		t.PullRequests = append(t.PullRequests, pr)
	}

	addComments := func(m map[int64]*apiComment, kind schema.Kind) {
		for _, c := range sortedValues(m, func(a, b *apiComment) int { return cmp.Compare(a.ID, b.ID) }) {
			n := c.number()
			t.Comments = append(t.Comments, schema.Comment{Community: community, Repo: repo, Kind: kind, ID: c.ID, Number: n,
				Author: c.User.login(), AuthorType: c.User.typ(), AuthorAssociation: strOrNil(c.AuthorAssociation),
				CreatedAt: c.CreatedAt.UTC(), UpdatedAt: c.UpdatedAt.UTC()})
		}
	}
	addComments(s.Comments, schema.KindIssueComment)
	addComments(s.ReviewComments, schema.KindReviewComment)

	for _, r := range sortedValues(s.Reviews, func(a, b *apiReview) int {
		return cmp.Or(cmp.Compare(a.Number, b.Number), cmp.Compare(a.ID, b.ID))
	}) {
		t.Reviews = append(t.Reviews, schema.Review{Community: community, Repo: repo, ID: r.ID, Number: r.Number,
			Author: r.User.login(), AuthorType: r.User.typ(), State: r.State, SubmittedAt: utcPtr(r.SubmittedAt)})
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
	}

	for _, st := range sortedValues(s.Stars, func(a, b *apiStar) int {
		return cmp.Or(a.StarredAt.Compare(b.StarredAt), cmp.Compare(a.User.Login, b.User.Login))
	}) {
		t.Stargazers = append(t.Stargazers, schema.Stargazer{Community: community, Repo: repo, Login: st.User.Login,
			UserType: st.User.Type, StarredAt: st.StarredAt.UTC()})
	}

	for _, f := range sortedValues(s.Forks, func(a, b *apiFork) int {
		return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), cmp.Compare(a.ID, b.ID))
	}) {
		var owner, otype string
		if f.Owner != nil {
			owner, otype = f.Owner.Login, f.Owner.Type
		}
		t.Forks = append(t.Forks, schema.Fork{Community: community, Repo: repo, ForkRepo: f.FullName, Owner: owner,
			OwnerType: otype, CreatedAt: f.CreatedAt.UTC(), ID: f.ID})
	}

	for _, e := range sortedValues(s.Events, func(a, b *apiIssueEvent) int {
		return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), cmp.Compare(a.ID, b.ID))
	}) {
		row := schema.IssueEvent{Community: community, Repo: repo, ID: e.ID, Event: e.Event,
			Actor: e.Actor.login(), ActorType: e.Actor.typ(), CreatedAt: e.CreatedAt.UTC(), CommitID: e.CommitID,
			Assignee: e.Assignee.login()}
		if e.Issue != nil {
			row.Number, row.IssueAuthor, row.IssueIsPullRequest = e.Issue.Number, e.Issue.User.login(), ptr(e.Issue.PullRequest != nil)
		}
		if e.Label != nil {
			row.Label = ptr(e.Label.Name)
		}
		t.IssueEvents = append(t.IssueEvents, row)
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
			}
			t.Recognitions = append(t.Recognitions, rec)
		}
	}
	return diff(t.counts(), before)
}

// raw returns the raw rows events derive from.
func (t *tables) raw() *events.Raw {
	return &events.Raw{Issues: t.Issues, Comments: t.Comments, Reviews: t.Reviews, Commits: t.Commits,
		Stargazers: t.Stargazers, Forks: t.Forks, IssueEvents: t.IssueEvents, Recognitions: t.Recognitions}
}

// deriveEvents derives t's events from its raw rows, and adds each
// repository's event count to its status in repos.
func (t *tables) deriveEvents(repos []schema.RepoStatus) {
	t.Events = events.Derive(t.raw())
	t.countEvents(repos)
}

// countEvents adds each repository's count of t's events to its status in
// repos (none when it has none).
func (t *tables) countEvents(repos []schema.RepoStatus) {
	n := map[[2]string]int64{}
	for _, e := range t.Events {
		n[[2]string{e.Community, e.Repo}]++
	}
	for i := range repos {
		r := &repos[i]
		if c := n[[2]string{r.Community, r.Repo}]; c > 0 {
			if r.Rows == nil {
				r.Rows = map[string]int64{}
			}
			r.Rows[schema.Events.Name] = c
		}
	}
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
