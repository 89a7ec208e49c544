package collect

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/journeys-dev/journeys/collect/ghapi"
	"github.com/journeys-dev/journeys/collect/ghgraphql"
	"golang.org/x/sync/errgroup"
)

// The GraphQL route (--api graphql) collects the bulk through GitHub's
// GraphQL API: issues and pull requests with their timelines (comments,
// reviews, issue events) and review threads, the default branch's history,
// stargazers and forks. The repository, .all-contributorsrc and its
// history stay on REST, as does the check of what changed: a warm run asks
// REST's conditional requests first (a 304 costs nothing) and spends
// GraphQL points only on the listings that changed. It writes the same
// state, so the same rows, as the REST route; the columns only one route
// can fill are in docs/schema.md ("Routes").

// State listing names of the GraphQL route (progress of its walks).
const (
	listGQLCommits = "graphql_commits"
	listGQLStars   = "graphql_stargazers"
	listGQLForks   = "graphql_forks"
	// Probes: the REST requests whose ETags tell whether a listing changed.
	listProbeStars = "probe_stargazers"
	listProbeForks = "probe_forks"
)

// gqlRoute holds what the GraphQL route shares across a repository's walks.
type gqlRoute struct {
	c *ghgraphql.Client
	// points counts the points this repository's queries cost.
	mu     sync.Mutex
	points int64
	// numbers indexes the stored issues by number (guarded by the
	// collector's mu; see byNumber).
	numbers  map[int64]int64
	numbered int
}

func (rc *repoCollector) query(ctx context.Context, q string, vars map[string]any, estimate int, out any) error {
	cost, err := rc.gql.c.Query(ctx, q, vars, estimate, out)
	rc.gql.mu.Lock()
	rc.gql.points += int64(cost.Points)
	rc.gql.mu.Unlock()
	if rc.tally != nil && err == nil {
		rc.tally.pages.Add(1)
	}
	return err
}

// timeoutRetries is how often a query that cannot be made smaller is
// sent again after a timeout or a partial answer.
const timeoutRetries = 3

// retryable: GitHub timed out or answered in part; asking for less, or
// again, may do.
func retryable(err error) bool {
	var pe *ghgraphql.PartialError
	return errors.Is(err, ghgraphql.ErrTimeout) || errors.As(err, &pe)
}

// queryPaged sends q with a page size from p, halving it on timeouts and
// partial answers.
func (rc *repoCollector) queryPaged(ctx context.Context, what string, p *ghgraphql.Pager, perItem int, q string, vars map[string]any, out func() any) error {
	for tries := 0; ; tries++ {
		vars["first"] = p.Size()
		err := rc.query(ctx, q, vars, ghgraphql.Points(p.Size(), perItem), out())
		if retryable(err) && (p.Failed() || tries < timeoutRetries) {
			continue
		}
		if err != nil {
			return fmt.Errorf("query %s of %s: %w", what, rc.repo, err)
		}
		p.Succeeded()
		return nil
	}
}

func (rc *repoCollector) ownerName() (string, string) {
	o, n, _ := strings.Cut(rc.repo, "/")
	return o, n
}

// collectGraphQL is collect for the GraphQL route. Every walk that does
// not need the repository begins with it: the issues listing (and the
// timelines of what it lists), the forks, and the commits when they must
// be walked whatever the repository says (a first run, or a walk cut
// short). The stargazers (paged by the repository's star count), a check
// of whether the commits are current and .all-contributorsrc wait for it.
func (rc *repoCollector) collectGraphQL(ctx context.Context) error {
	rc.mu.Lock()
	prev := rc.st.Repo
	commitsNow := !rc.st.list(listCommits).Complete || rc.st.list(listGQLCommits).Resume != ""
	rc.mu.Unlock()
	g, gctx := errgroup.WithContext(ctx)
	fetched := make(chan struct{})
	var repoErr error
	g.Go(func() error {
		defer close(fetched)
		// Not canceled by the others' errors: a repository that is gone
		// fails its listings too, and its own error says why.
		repoErr = rc.fetchRepo(ctx)
		return repoErr
	})
	// awaitRepo waits for the repository; false when it could not be
	// fetched (its error is the run's).
	awaitRepo := func() bool {
		select {
		case <-fetched:
			return repoErr == nil
		case <-gctx.Done():
			return false
		}
	}
	listed := make(chan struct{}) // closed once the issues listing is walked
	g.Go(func() error { return rc.gqlIssuesAndPulls(gctx, listed) })
	g.Go(func() error { return rc.gqlForks(gctx) })
	g.Go(func() error {
		// The stargazers are a short chain (the repository, then their
		// pages at once): they wait for the issues listing's pages, on
		// the longest chain, not to take the requests in flight those
		// need.
		if !awaitRepo() {
			return nil
		}
		select {
		case <-listed:
		case <-gctx.Done():
			return nil
		}
		return rc.gqlStars(gctx)
	})
	g.Go(func() error {
		// .all-contributorsrc is dated from the default branch's commits:
		// both first, in parallel.
		h, hctx := errgroup.WithContext(gctx)
		if commitsNow {
			h.Go(func() error { return rc.gqlCommits(hctx) })
		}
		if !awaitRepo() {
			return h.Wait()
		}
		commitsRead, acRead := rc.branchRead(prev, listGQLCommits)
		if !commitsNow && !commitsRead {
			h.Go(func() error { return rc.gqlCommits(hctx) })
		}
		if !acRead {
			h.Go(func() error { return rc.fetchAllContributors(hctx) })
		}
		if err := h.Wait(); err != nil {
			return err
		}
		return rc.dateACVersions(gctx)
	})
	err := g.Wait()
	if repoErr != nil {
		// What the other walks met (a 404) follows from it.
		return repoErr
	}
	if err != nil {
		return err
	}
	return rc.apply(&delta{Complete: true})
}

// probe asks a REST listing's first page with the ETag of the last
// complete walk: changed is false on a 304 (free). etag is the new one, to
// keep once the walk it guards has ended.
func (rc *repoCollector) probe(ctx context.Context, name, path, accept string) (changed bool, etag string, err error) {
	rc.mu.Lock()
	ls := *rc.st.list(name)
	rc.mu.Unlock()
	if !ls.Complete {
		ls.ETag = ""
	}
	resp, err := rc.get(ctx, ghapi.Request{Path: path, Accept: accept, IfNoneMatch: ls.ETag})
	if err != nil {
		return false, "", fmt.Errorf("check %s of %s: %w", name, rc.repo, err)
	}
	if resp.NotModified {
		return false, ls.ETag, nil
	}
	return true, resp.ETag(), nil
}

func (rc *repoCollector) probeDone(name, etag string) error {
	return rc.apply(&delta{List: name, ListState: &listState{ETag: etag, Complete: true}})
}

// GraphQL payloads.

type gqlActor struct {
	Typename string `json:"__typename"`
	Login    string `json:"login"`
}

// user converts an actor: GraphQL names a bot "dependabot" where REST
// names it "dependabot[bot]".
func (a *gqlActor) user() *apiUser {
	if a == nil || a.Login == "" {
		return nil
	}
	login := a.Login
	if a.Typename == "Bot" && !strings.HasSuffix(login, "[bot]") {
		login += "[bot]"
	}
	return &apiUser{Login: login, Type: a.Typename}
}

type gqlPageInfo struct {
	HasNextPage bool   `json:"hasNextPage"`
	EndCursor   string `json:"endCursor"`
}

type gqlTimelineItem struct {
	Typename          string     `json:"__typename"`
	ID                string     `json:"id"`
	DatabaseID        int64      `json:"databaseId"`
	Author            *gqlActor  `json:"author"`
	Actor             *gqlActor  `json:"actor"`
	AuthorAssociation string     `json:"authorAssociation"`
	CreatedAt         time.Time  `json:"createdAt"`
	UpdatedAt         time.Time  `json:"updatedAt"`
	State             string     `json:"state"`
	SubmittedAt       *time.Time `json:"submittedAt"`
	Closer            *struct {
		Typename string `json:"__typename"`
		OID      string `json:"oid"`
	} `json:"closer"`
	Commit *struct {
		OID string `json:"oid"`
	} `json:"commit"`
	Label *struct {
		Name string `json:"name"`
	} `json:"label"`
	Assignee *gqlActor `json:"assignee"`
}

type gqlTimeline struct {
	PageInfo gqlPageInfo       `json:"pageInfo"`
	Nodes    []gqlTimelineItem `json:"nodes"`
}

type gqlReviewComment struct {
	DatabaseID        int64     `json:"databaseId"`
	Author            *gqlActor `json:"author"`
	AuthorAssociation string    `json:"authorAssociation"`
	CreatedAt         time.Time `json:"createdAt"`
	UpdatedAt         time.Time `json:"updatedAt"`
}

type gqlThreads struct {
	TotalCount int         `json:"totalCount"`
	PageInfo   gqlPageInfo `json:"pageInfo"`
	Nodes      []struct {
		ID       string `json:"id"`
		Comments struct {
			PageInfo gqlPageInfo        `json:"pageInfo"`
			Nodes    []gqlReviewComment `json:"nodes"`
		} `json:"comments"`
	} `json:"nodes"`
}

type gqlIssue struct {
	DatabaseID        int64      `json:"databaseId"`
	Number            int64      `json:"number"`
	Title             string     `json:"title"`
	State             string     `json:"state"`
	StateReason       *string    `json:"stateReason"`
	CreatedAt         time.Time  `json:"createdAt"`
	UpdatedAt         time.Time  `json:"updatedAt"`
	ClosedAt          *time.Time `json:"closedAt"`
	MergedAt          *time.Time `json:"mergedAt"`
	AuthorAssociation string     `json:"authorAssociation"`
	Author            *gqlActor  `json:"author"`
	Labels            struct {
		Nodes []struct {
			Name string `json:"name"`
		} `json:"nodes"`
	} `json:"labels"`
	Assignees struct {
		Nodes []gqlActor `json:"nodes"`
	} `json:"assignees"`
	TimelineItems gqlTimeline `json:"timelineItems"`
	ReviewThreads *gqlThreads `json:"reviewThreads"`
}

// gqlIssuesAndPulls walks REST's issues listing (a page of 100 a request,
// numbered pages in parallel, a 304 when nothing changed; incremental
// runs stop at the last run's high-water mark), then fetches through
// GraphQL, by number, what each new or updated issue and pull request
// holds: its timeline (comments, reviews, events) and review threads.
// An edit, a comment, a review or an event moves an issue's updated_at.
//
// A deleted comment, review or event may not: when the listing's walk was
// a verification walk (a whole one, every VerifyAfter; see verify.go),
// every timeline is fetched again, and what it no longer holds is dropped,
// as the REST route's verification walks of the comments listings do.
//
// listed is closed once the listing is walked.
func (rc *repoCollector) gqlIssuesAndPulls(ctx context.Context, listed chan<- struct{}) error {
	rc.mu.Lock()
	verified := rc.st.list(listIssues).VerifiedAt
	rc.mu.Unlock()
	err := rc.walk(ctx, listingOf(listIssues))
	close(listed)
	if err != nil {
		return err
	}
	rc.mu.Lock()
	verifying := !rc.st.list(listIssues).VerifiedAt.Equal(verified)
	rc.mu.Unlock()
	return rc.gqlNested(ctx, verifying)
}

// gqlNested fetches the timelines and review threads of the issues and
// pull requests updated since theirs were fetched (all of them when all),
// many a query (packed so that a query costs one point), in parallel.
func (rc *repoCollector) gqlNested(ctx context.Context, all bool) error {
	var issues, pulls []int64
	rc.mu.Lock()
	for _, it := range rc.st.Issues {
		if m := rc.st.ReviewMarks[it.Number]; !all && m != nil && m.UpdatedAt.Equal(it.UpdatedAt) {
			continue
		}
		if it.PullRequest != nil {
			pulls = append(pulls, it.Number)
		} else {
			issues = append(issues, it.Number)
		}
	}
	rc.mu.Unlock()
	slices.Sort(issues)
	slices.Sort(pulls)
	// The pull requests' batches first: the review threads past their
	// first are finished once those are in, without waiting for the
	// issues' batches (issues have no review threads).
	var mu sync.Mutex
	var held []gqlIssue
	// A batch's error cancels the others and the threads.
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var g errgroup.Group
	g.SetLimit(max(1, rc.workers))
	batch := func(issues, pulls []int64) error {
		h, err := rc.gqlNumbers(ctx, issues, pulls)
		mu.Lock()
		held = append(held, h...)
		mu.Unlock()
		if err != nil {
			cancel(err)
		}
		return err
	}
	var pullsIn sync.WaitGroup
	threads := make(chan error, 1)
	pbs := batches(pulls, (ghgraphql.OnePoint-1)/ghgraphql.PullConnections)
	pullsIn.Add(len(pbs))
	go func() {
		pullsIn.Wait()
		mu.Lock()
		h := held
		mu.Unlock()
		threads <- rc.gqlFinishHeld(ctx, h)
	}()
	for _, b := range pbs {
		g.Go(func() error {
			defer pullsIn.Done()
			return batch(nil, b)
		})
	}
	for _, b := range batches(issues, (ghgraphql.OnePoint-1)/ghgraphql.IssueConnections) {
		g.Go(func() error { return batch(b, nil) })
	}
	err := g.Wait()
	if terr := <-threads; err == nil {
		err = terr
	}
	return err
}

// gqlFinishHeld finishes the review threads of the pull requests that
// overflowed their first page, together, and applies their timelines.
func (rc *repoCollector) gqlFinishHeld(ctx context.Context, held []gqlIssue) error {
	if len(held) == 0 {
		return nil
	}
	slices.SortFunc(held, func(a, b gqlIssue) int { return cmpInt(a.Number, b.Number) })
	done, _, err := rc.gqlFinishThreads(ctx, held, true)
	if err != nil {
		return err
	}
	d := &delta{ReviewMarks: map[int64]*reviewMark{}}
	for i := range done {
		rc.addTimeline(d, &done[i], true)
		d.Renew = append(d.Renew, done[i].Number)
	}
	return rc.apply(d)
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func batches(ns []int64, size int) [][]int64 {
	var out [][]int64
	for len(ns) > 0 {
		n := min(size, len(ns))
		out = append(out, ns[:n])
		ns = ns[n:]
	}
	return out
}

// gqlNumbers fetches one batch and applies what it holds; it returns the
// pull requests whose review threads overflowed, to be finished later. A
// timeout or a partial answer splits the batch in two.
func (rc *repoCollector) gqlNumbers(ctx context.Context, issues, pulls []int64) (held []gqlIssue, err error) {
	owner, repo := rc.ownerName()
	requests := len(issues)*ghgraphql.IssueConnections + len(pulls)*ghgraphql.PullConnections
	var out struct {
		Repository map[string]*gqlIssue `json:"repository"`
	}
	q, vars := ghgraphql.NumbersQuery(len(issues), len(pulls)), ghgraphql.NumbersVars(owner, repo, issues, pulls)
	for tries := 0; ; tries++ {
		err = rc.query(ctx, q, vars, ghgraphql.Points(1, requests-1), &out)
		if !retryable(err) || len(issues)+len(pulls) > 1 || tries >= timeoutRetries {
			break
		}
	}
	if retryable(err) && len(issues)+len(pulls) > 1 {
		for _, half := range [][2][]int64{{issues[:len(issues)/2], pulls[:len(pulls)/2]}, {issues[len(issues)/2:], pulls[len(pulls)/2:]}} {
			if len(half[0])+len(half[1]) == 0 {
				continue
			}
			h, err := rc.gqlNumbers(ctx, half[0], half[1])
			held = append(held, h...)
			if err != nil {
				return held, err
			}
		}
		return held, nil
	}
	if qe := (*ghgraphql.QueryError)(nil); errors.As(err, &qe) && qe.Type == "NOT_FOUND" && out.Repository != nil {
		// Some numbers no longer resolve (deleted, or transferred since
		// the listing): the others are in the answer.
		err = nil
	}
	if err != nil {
		return nil, fmt.Errorf("query timelines of %s: %w", rc.repo, err)
	}
	d := &delta{ReviewMarks: map[int64]*reviewMark{}, Renew: slices.Concat(issues, pulls)}
	add := func(alias string, n int64, pull bool) error {
		it := out.Repository[alias]
		if it == nil {
			// Deleted or transferred since the listing: nothing to
			// read (the next verification walk of the issues drops it).
			rc.addTimeline(d, &gqlIssue{Number: n}, pull)
			return nil
		}
		it.Number = n
		if err := rc.gqlFinishIssue(ctx, it, pull); err != nil {
			return err
		}
		if th := it.ReviewThreads; th != nil && th.PageInfo.HasNextPage {
			held = append(held, *it)
			return nil
		}
		if err := rc.gqlFinishThreadComments(ctx, it); err != nil {
			return err
		}
		rc.addTimeline(d, it, pull)
		return nil
	}
	for i, n := range issues {
		if err := add(fmt.Sprintf("i%d", i), n, false); err != nil {
			return held, err
		}
	}
	for i, n := range pulls {
		if err := add(fmt.Sprintf("p%d", i), n, true); err != nil {
			return held, err
		}
	}
	return held, rc.apply(d)
}

// gqlFinishIssue fetches what overflowed the first page of an issue's
// timeline and review threads: follow-up queries for just that node.
func (rc *repoCollector) gqlFinishIssue(ctx context.Context, it *gqlIssue, pull bool) error {
	owner, repo := rc.ownerName()
	for tl := &it.TimelineItems; tl.PageInfo.HasNextPage; {
		q := ghgraphql.IssueTimelineQuery
		if pull {
			q = ghgraphql.PullTimelineQuery
		}
		var out struct {
			Repository *struct {
				Issue       *struct{ TimelineItems gqlTimeline } `json:"issue"`
				PullRequest *struct{ TimelineItems gqlTimeline } `json:"pullRequest"`
			} `json:"repository"`
		}
		vars := map[string]any{"owner": owner, "name": repo, "number": it.Number, "after": tl.PageInfo.EndCursor}
		if err := rc.queryPaged(ctx, "timeline", ghgraphql.NewPager(100), 0, q, vars, func() any { return &out }); err != nil {
			return err
		}
		var more *gqlTimeline
		if r := out.Repository; r != nil && r.Issue != nil {
			more = &r.Issue.TimelineItems
		} else if r != nil && r.PullRequest != nil {
			more = &r.PullRequest.TimelineItems
		}
		if more == nil {
			return fmt.Errorf("query timeline of %s#%d: no items in the answer", rc.repo, it.Number)
		}
		tl.Nodes = append(tl.Nodes, more.Nodes...)
		tl.PageInfo = more.PageInfo
	}
	return nil
}

// gqlFinishThreads fetches the review threads that overflowed the first
// page of the pull requests items, several pull requests a query (just
// the threads missing, packed so that a query costs one point), then the
// comments that overflowed a thread's first page.
//
// Unless final, only full queries are sent: done are the pull requests
// finished, rest those left for a later call.
func (rc *repoCollector) gqlFinishThreads(ctx context.Context, items []gqlIssue, final bool) (done, rest []gqlIssue, err error) {
	for {
		// Pack the pull requests into queries of at most one point each.
		type batch struct {
			items []*gqlIssue
			sizes []int
			used  int
		}
		var bs []batch
		cur := batch{used: 1}
		for i := range items {
			th := items[i].ReviewThreads
			if th == nil || !th.PageInfo.HasNextPage {
				continue
			}
			n := min(100, max(1, th.TotalCount-len(th.Nodes)))
			if len(cur.items) > 0 && cur.used+1+n > ghgraphql.OnePoint-1 {
				bs, cur = append(bs, cur), batch{used: 1}
			}
			cur.items, cur.sizes, cur.used = append(cur.items, &items[i]), append(cur.sizes, n), cur.used+1+n
		}
		if final && len(cur.items) > 0 {
			bs = append(bs, cur)
		}
		if len(bs) == 0 {
			break
		}
		g, gctx := errgroup.WithContext(ctx)
		for _, b := range bs {
			g.Go(func() error { return rc.threadsBatch(gctx, b.items, b.sizes, 0) })
		}
		if err := g.Wait(); err != nil {
			return nil, nil, err
		}
	}
	for k := range items {
		th := items[k].ReviewThreads
		if th != nil && th.PageInfo.HasNextPage {
			rest = append(rest, items[k])
			continue
		}
		if err := rc.gqlFinishThreadComments(ctx, &items[k]); err != nil {
			return nil, nil, err
		}
		done = append(done, items[k])
	}
	return done, rest, nil
}

// threadsBatch asks the next review threads of several pull requests, n
// of them for items[i] after its cursor; a timeout or a partial answer
// splits the batch in two.
func (rc *repoCollector) threadsBatch(ctx context.Context, items []*gqlIssue, sizes []int, tries int) error {
	owner, repo := rc.ownerName()
	numbers := make([]int64, len(items))
	vars := map[string]any{"owner": owner, "name": repo}
	requests := 0
	for i, it := range items {
		numbers[i] = it.Number
		vars[fmt.Sprintf("n%d", i)] = sizes[i]
		vars[fmt.Sprintf("a%d", i)] = it.ReviewThreads.PageInfo.EndCursor
		requests += 1 + sizes[i]
	}
	var out struct {
		Repository map[string]*struct {
			ReviewThreads gqlThreads `json:"reviewThreads"`
		} `json:"repository"`
	}
	err := rc.query(ctx, ghgraphql.ThreadsQuery(numbers), vars, ghgraphql.Points(1, requests), &out)
	if retryable(err) && len(items) > 1 {
		h := len(items) / 2
		if err := rc.threadsBatch(ctx, items[:h], sizes[:h], 0); err != nil {
			return err
		}
		return rc.threadsBatch(ctx, items[h:], sizes[h:], 0)
	}
	if retryable(err) && tries < timeoutRetries {
		return rc.threadsBatch(ctx, items, sizes, tries+1)
	}
	if err != nil {
		return fmt.Errorf("query review threads of %s: %w", rc.repo, err)
	}
	for i, it := range items {
		got := out.Repository[fmt.Sprintf("p%d", i)]
		if got == nil {
			return fmt.Errorf("query review threads of %s#%d: no threads in the answer", rc.repo, it.Number)
		}
		it.ReviewThreads.Nodes = append(it.ReviewThreads.Nodes, got.ReviewThreads.Nodes...)
		it.ReviewThreads.PageInfo = got.ReviewThreads.PageInfo
	}
	return nil
}

// gqlFinishThreadComments fetches the comments that overflowed the first
// page of a pull request's review threads.
func (rc *repoCollector) gqlFinishThreadComments(ctx context.Context, it *gqlIssue) error {
	th := it.ReviewThreads
	if th == nil {
		return nil
	}
	for i := range th.Nodes {
		cs := &th.Nodes[i].Comments
		for cs.PageInfo.HasNextPage {
			var out struct {
				Node *struct {
					Comments struct {
						PageInfo gqlPageInfo        `json:"pageInfo"`
						Nodes    []gqlReviewComment `json:"nodes"`
					} `json:"comments"`
				} `json:"node"`
			}
			vars := map[string]any{"id": th.Nodes[i].ID, "after": cs.PageInfo.EndCursor}
			if err := rc.queryPaged(ctx, "review comments", ghgraphql.NewPager(100), 0, ghgraphql.ThreadCommentsQuery, vars, func() any { return &out }); err != nil {
				return err
			}
			if out.Node == nil {
				return fmt.Errorf("query review comments of %s#%d: no thread in the answer", rc.repo, it.Number)
			}
			cs.Nodes = append(cs.Nodes, out.Node.Comments.Nodes...)
			cs.PageInfo = out.Node.Comments.PageInfo
		}
	}
	return nil
}

// eventName is REST's issue event name for a timeline item type:
// LabeledEvent is "labeled", HeadRefDeletedEvent "head_ref_deleted",
// RenamedTitleEvent "renamed"; false for items that are not events.
func eventName(typename string) (string, bool) {
	if typename == "RenamedTitleEvent" {
		return "renamed", true
	}
	base, ok := strings.CutSuffix(typename, "Event")
	if !ok || base == "" {
		return "", false
	}
	var b strings.Builder
	for i, r := range base {
		if i > 0 && r >= 'A' && r <= 'Z' {
			b.WriteByte('_')
		}
		b.WriteRune(r)
	}
	return strings.ToLower(b.String()), true
}

// addTimeline adds what an issue's (or pull request's) timeline and
// review threads hold to d, and marks them fetched at the issue's
// updated_at.
func (rc *repoCollector) addTimeline(d *delta, it *gqlIssue, pull bool) {
	rc.mu.Lock()
	var author *apiUser
	updated := time.Time{}
	if is := rc.st.Issues[rc.byNumber()[it.Number]]; is != nil {
		author, updated = is.User, is.UpdatedAt
	}
	rc.mu.Unlock()
	d.ReviewMarks[it.Number] = &reviewMark{UpdatedAt: updated}
	n := strconv.FormatInt(it.Number, 10)
	for i := range it.TimelineItems.Nodes {
		ti := &it.TimelineItems.Nodes[i]
		switch ti.Typename {
		case "IssueComment":
			d.Comments = append(d.Comments, &apiComment{ID: ti.DatabaseID, IssueURL: "issues/" + n, User: ti.Author.user(),
				AuthorAssociation: ti.AuthorAssociation, CreatedAt: ti.CreatedAt, UpdatedAt: ti.UpdatedAt})
		case "PullRequestReview":
			d.Reviews = append(d.Reviews, &apiReview{ID: ti.DatabaseID, Number: it.Number, User: ti.Author.user(),
				State: ti.State, SubmittedAt: ti.SubmittedAt})
		default:
			ev, ok := eventName(ti.Typename)
			if !ok {
				continue
			}
			e := &apiIssueEvent{ID: nodeDatabaseID(ti.ID), Actor: ti.Actor.user(), Event: ev, CreatedAt: ti.CreatedAt,
				Assignee: ti.Assignee.user()}
			if ti.Commit != nil && ti.Commit.OID != "" {
				e.CommitID = ptr(ti.Commit.OID)
			}
			if ti.Closer != nil && ti.Closer.OID != "" {
				e.CommitID = ptr(ti.Closer.OID)
			}
			if ti.Label != nil {
				e.Label = &struct {
					Name string `json:"name"`
				}{Name: ti.Label.Name}
			}
			e.Issue = &struct {
				Number      int64    `json:"number"`
				User        *apiUser `json:"user"`
				PullRequest *struct {
					URL string `json:"url"`
				} `json:"pull_request,omitempty"`
			}{Number: it.Number, User: author}
			if pull {
				e.Issue.PullRequest = &struct {
					URL string `json:"url"`
				}{URL: "pulls/" + n}
			}
			d.Events = append(d.Events, e)
		}
	}
	if th := it.ReviewThreads; th != nil {
		for _, t := range th.Nodes {
			for _, c := range t.Comments.Nodes {
				d.ReviewComments = append(d.ReviewComments, &apiComment{ID: c.DatabaseID, PullRequestURL: "pulls/" + n,
					User: c.Author.user(), AuthorAssociation: c.AuthorAssociation, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt})
			}
		}
	}
}

// byNumber maps the stored issues' numbers to their ids, with rc.mu
// held; the index is rebuilt when the issues stored changed in number.
func (rc *repoCollector) byNumber() map[int64]int64 {
	if rc.gql.numbers == nil || rc.gql.numbered != len(rc.st.Issues) {
		rc.gql.numbers = make(map[int64]int64, len(rc.st.Issues))
		for id, is := range rc.st.Issues {
			rc.gql.numbers[is.Number] = id
		}
		rc.gql.numbered = len(rc.st.Issues)
	}
	return rc.gql.numbers
}

// nodeDatabaseID reads the database id in a global node ID: the legacy
// form is base64 of "0NN:TypeNAME<id>"; the current form is
// PREFIX_base64url(msgpack array), whose last element is the id. Another
// form gets a stable id derived from the node ID.
func nodeDatabaseID(id string) int64 {
	if b, err := base64.StdEncoding.DecodeString(id); err == nil {
		if _, rest, ok := strings.Cut(string(b), ":"); ok {
			i := len(rest)
			for i > 0 && rest[i-1] >= '0' && rest[i-1] <= '9' {
				i--
			}
			if n, err := strconv.ParseInt(rest[i:], 10, 64); err == nil {
				return n
			}
		}
	}
	if _, enc, ok := strings.Cut(id, "_"); ok {
		if b, err := base64.RawURLEncoding.DecodeString(enc); err == nil {
			if n, ok := msgpackLastInt(b); ok {
				return n
			}
		}
	}
	var h uint64 = 1469598103934665603
	for i := 0; i < len(id); i++ {
		h ^= uint64(id[i])
		h *= 1099511628211
	}
	return int64(h >> 1)
}

// msgpackLastInt reads a msgpack array of integers and returns its last.
func msgpackLastInt(b []byte) (int64, bool) {
	if len(b) == 0 || b[0]&0xf0 != 0x90 {
		return 0, false
	}
	n := int(b[0] & 0x0f)
	b = b[1:]
	var last int64
	for range n {
		if len(b) == 0 {
			return 0, false
		}
		switch c := b[0]; {
		case c < 0x80:
			last, b = int64(c), b[1:]
		case c == 0xcc && len(b) >= 2:
			last, b = int64(b[1]), b[2:]
		case c == 0xcd && len(b) >= 3:
			last, b = int64(b[1])<<8|int64(b[2]), b[3:]
		case c == 0xce && len(b) >= 5:
			last, b = int64(b[1])<<24|int64(b[2])<<16|int64(b[3])<<8|int64(b[4]), b[5:]
		case c == 0xcf && len(b) >= 9:
			var v uint64
			for _, x := range b[1:9] {
				v = v<<8 | uint64(x)
			}
			last, b = int64(v), b[9:]
		default:
			return 0, false
		}
	}
	return last, true
}

type gqlHistory struct {
	TotalCount int             `json:"totalCount"`
	PageInfo   gqlPageInfo     `json:"pageInfo"`
	Nodes      []gqlCommitNode `json:"nodes"`
}

type gqlCommitsPage struct {
	Repository *struct {
		CreatedAt        time.Time  `json:"createdAt"`
		PushedAt         *time.Time `json:"pushedAt"`
		DefaultBranchRef *struct {
			Name   string `json:"name"`
			Target *struct {
				History *gqlHistory `json:"history"`
			} `json:"target"`
		} `json:"defaultBranchRef"`
	} `json:"repository"`
}

type gqlCommitNode struct {
	OID     string `json:"oid"`
	Message string `json:"message"`
	Author  struct {
		Name  string    `json:"name"`
		Email string    `json:"email"`
		Date  time.Time `json:"date"`
		User  *struct {
			Login string `json:"login"`
		} `json:"user"`
	} `json:"author"`
	Committer struct {
		Name  string    `json:"name"`
		Email string    `json:"email"`
		Date  time.Time `json:"date"`
		User  *struct {
			Login string `json:"login"`
		} `json:"user"`
	} `json:"committer"`
	Parents struct {
		TotalCount int `json:"totalCount"`
		Nodes      []struct {
			OID string `json:"oid"`
		} `json:"nodes"`
	} `json:"parents"`
}

// commit converts a history node.
func (n *gqlCommitNode) commit() *apiCommit {
	c := &apiCommit{SHA: n.OID}
	c.Commit.Author = apiGitPerson{Name: n.Author.Name, Email: n.Author.Email, Date: n.Author.Date}
	c.Commit.Committer = apiGitPerson{Name: n.Committer.Name, Email: n.Committer.Email, Date: n.Committer.Date}
	c.Commit.Message = n.Message
	c.Author = gitActorUser(n.Author.User, n.Author.Email)
	c.Committer = gitActorUser(n.Committer.User, n.Committer.Email)
	// The first ten parents by SHA (the first parent is what the history
	// of .all-contributorsrc follows); more are counted.
	for i := range n.Parents.TotalCount {
		sha := ""
		if i < len(n.Parents.Nodes) {
			sha = n.Parents.Nodes[i].OID
		}
		c.Parents = append(c.Parents, struct {
			SHA string `json:"sha"`
		}{SHA: sha})
	}
	return c
}

// botNoreplyRE matches a bot's no-reply address,
// "ID+name[bot]@users.noreply.github.com".
var botNoreplyRE = regexp.MustCompile(`(?i)^(?:\d+\+)?([a-z0-9][a-z0-9-]*\[bot\])@users\.noreply\.github\.com$`)

// gitActorUser is the account GitHub links to a commit's email: GraphQL's
// GitActor.user, a User; a bot (which GitActor.user cannot be) by its
// no-reply address, as REST links it.
func gitActorUser(u *struct {
	Login string `json:"login"`
}, email string) *apiUser {
	if u != nil && u.Login != "" {
		return &apiUser{Login: u.Login, Type: "User"}
	}
	if m := botNoreplyRE.FindStringSubmatch(strings.TrimSpace(email)); m != nil {
		return &apiUser{Login: m[1], Type: "Bot"}
	}
	return nil
}

// gqlCommits walks the default branch's history, newest first: whole the
// first time (then the commits it did not see are dropped), later down to
// the last head seen. A whole walk may begin before the repository is
// fetched: the branch, its last push and the repository's creation come
// with each page.
func (rc *repoCollector) gqlCommits(ctx context.Context) error {
	rc.mu.Lock()
	ls := *rc.st.list(listCommits)
	gs := *rc.st.list(listGQLCommits)
	head := ""
	switch {
	case gs.Resume != "":
		head = gs.Head
	case ls.Complete && rc.st.Repo != nil && ls.Branch == rc.st.Repo.DefaultBranch:
		// An incremental walk (begun once the repository was fetched).
		head = ls.Head
	}
	rc.mu.Unlock()
	fresh := gs.Resume == ""
	owner, repo := rc.ownerName()
	cursor := gs.Resume
	pager := ghgraphql.NewPager(100)
	pending := gs.PendingHead
	var branch string
	var pushedAt *time.Time
	for {
		vars := map[string]any{"owner": owner, "name": repo}
		if cursor != "" {
			vars["after"] = cursor
		}
		var out gqlCommitsPage
		if err := rc.queryPaged(ctx, "commits", pager, 1, ghgraphql.CommitsQuery, vars, func() any { out = gqlCommitsPage{}; return &out }); err != nil {
			return err
		}
		if out.Repository == nil {
			return fmt.Errorf("query commits of %s: no repository in the answer", rc.repo)
		}
		if branch == "" {
			pushedAt = out.Repository.PushedAt
		}
		ref := out.Repository.DefaultBranchRef
		if ref == nil || ref.Target == nil || ref.Target.History == nil {
			// An empty repository: no commits, and the branch its
			// REST answer names.
			rc.mu.Lock()
			if r := rc.st.Repo; r != nil {
				branch = r.DefaultBranch
			}
			rc.mu.Unlock()
			return rc.apply(&delta{List: listCommits, ListState: &listState{Complete: true, branchMark: branchMark{Branch: branch, PushedAt: pushedAt}},
				ResetSeen: true, DropUnseen: true})
		}
		branch = ref.Name
		h := ref.Target.History
		d := &delta{List: listCommits, Track: true, ResetSeen: fresh && cursor == ""}
		stop := false
		for _, n := range h.Nodes {
			if head != "" && n.OID == head {
				stop = true
			}
			d.Commits = append(d.Commits, n.commit())
		}
		if cursor == "" && len(h.Nodes) > 0 {
			pending = h.Nodes[0].OID
		}
		next := h.PageInfo.EndCursor
		if stop || !h.PageInfo.HasNextPage {
			next = ""
		}
		if next == "" {
			d.ListState = &listState{Complete: true, branchMark: branchMark{Branch: branch, Head: pending, PushedAt: pushedAt}}
			d.DropUnseen = !stop
			if err := rc.apply(d); err != nil {
				return err
			}
			return rc.apply(&delta{List: listGQLCommits, ListState: &listState{Complete: true}})
		}
		if err := rc.apply(d); err != nil {
			return err
		}
		if cursor == "" && fresh && head == "" && h.TotalCount-len(h.Nodes) > commitRangeMin {
			// A whole walk of a long history: the rest in date ranges,
			// in parallel; when they do not add up to the count, on by
			// cursor.
			seen := map[string]bool{}
			for _, n := range h.Nodes {
				seen[n.OID] = true
			}
			ok, err := rc.gqlCommitRanges(ctx, out.Repository.CreatedAt, h, seen)
			if err != nil {
				return err
			}
			if ok {
				return rc.apply(&delta{List: listCommits, ListState: &listState{Complete: true, branchMark: branchMark{Branch: branch, Head: pending, PushedAt: pushedAt}},
					DropUnseen: true})
			}
		}
		if err := rc.apply(&delta{List: listGQLCommits, ListState: &listState{Resume: next, branchMark: branchMark{Head: head, PendingHead: pending}}}); err != nil {
			return err
		}
		cursor = next
	}
}

// commitRangeMin is the fewest commits past the first page worth walking
// in parallel date ranges.
const commitRangeMin = 200

// commitRangesMax bounds the ranges of a parallel history walk.
const commitRangesMax = 16

// gqlCommitRanges walks the history older than its first page in date
// ranges, in parallel: from the repository's creation to the first page's
// oldest committer date, evenly (a range's bounds overlap its neighbours'
// by a second, and the first and last are open), each walked by cursor.
// There are about as many ranges as pages left (up to commitRangesMax), so
// that each range is about a page: its last page is partial, so the walk
// costs about as many points as pages either way, and the longest chain of
// queries is short. It reports whether the commits seen add up to the
// history's count; when they do not (dates out of order), the caller
// walks on by cursor.
func (rc *repoCollector) gqlCommitRanges(ctx context.Context, created time.Time, first *gqlHistory, seen map[string]bool) (bool, error) {
	oldest := first.Nodes[len(first.Nodes)-1].Committer.Date
	for _, n := range first.Nodes {
		if n.Committer.Date.Before(oldest) {
			oldest = n.Committer.Date
		}
	}
	if created.IsZero() || !created.Before(oldest) {
		return false, nil
	}
	rest := first.TotalCount - len(first.Nodes)
	k := min(commitRangesMax, max(2, (rest+99)/100))
	step := oldest.Sub(created) / time.Duration(k)
	owner, repo := rc.ownerName()
	var mu sync.Mutex
	g, gctx := errgroup.WithContext(ctx)
	for i := range k {
		g.Go(func() error {
			vars := map[string]any{"owner": owner, "name": repo}
			if i > 0 {
				vars["since"] = created.Add(time.Duration(i) * step).UTC().Format(time.RFC3339)
			}
			if i < k-1 {
				vars["until"] = created.Add(time.Duration(i+1)*step + time.Second).UTC().Format(time.RFC3339)
			}
			pager := ghgraphql.NewPager(100)
			for {
				var out gqlCommitsPage
				if err := rc.queryPaged(gctx, "commits", pager, 1, ghgraphql.CommitsQuery, vars, func() any { out = gqlCommitsPage{}; return &out }); err != nil {
					return err
				}
				ref := out.Repository
				if ref == nil || ref.DefaultBranchRef == nil || ref.DefaultBranchRef.Target == nil || ref.DefaultBranchRef.Target.History == nil {
					return fmt.Errorf("query commits of %s: no history in the answer", rc.repo)
				}
				h := ref.DefaultBranchRef.Target.History
				d := &delta{List: listCommits, Track: true}
				mu.Lock()
				for _, n := range h.Nodes {
					seen[n.OID] = true
					d.Commits = append(d.Commits, n.commit())
				}
				mu.Unlock()
				if err := rc.apply(d); err != nil {
					return err
				}
				if !h.PageInfo.HasNextPage {
					return nil
				}
				vars["after"] = h.PageInfo.EndCursor
			}
		})
	}
	if err := g.Wait(); err != nil {
		return false, err
	}
	return len(seen) >= first.TotalCount, nil
}

// starPagesMax is how deep REST's stargazers listing is paged by number
// (GitHub refuses deeper pages); the stargazers of a repository with more
// are walked through GraphQL, by cursor.
const starPagesMax = 400

// gqlStars lists the stargazers through REST's numbered pages, all at
// once: the repository's star count tells how many there are. GitHub
// lists them oldest first, so the last page holds the newest star: asked
// with its ETag, a 304 at an unchanged count means nothing changed (free).
// A cursor walk through GraphQL (serial, a query a page) takes over past
// starPagesMax pages, or when GitHub refuses a page.
func (rc *repoCollector) gqlStars(ctx context.Context) error {
	rc.mu.Lock()
	count := rc.st.Repo.StargazersCount
	unchanged := int64(len(rc.st.Stars)) == count && rc.st.list(listGQLStars).Complete && rc.st.list(listGQLStars).Count == count
	probe := *rc.st.list(listProbeStars)
	rc.mu.Unlock()
	pages := int(max(1, (count+99)/100))
	if pages > starPagesMax {
		if unchanged {
			return nil
		}
		return rc.gqlStarsByCursor(ctx, count)
	}
	url := func(p int) string {
		return "repos/" + rc.repo + "/stargazers?per_page=100&page=" + strconv.Itoa(p)
	}
	bodies := make([][]byte, pages)
	var etag string
	if unchanged && probe.Complete && probe.ETag == "" {
		// Last walked by cursor (GitHub refused a page): the count decides.
		return nil
	}
	if unchanged && probe.Complete {
		resp, err := rc.get(ctx, ghapi.Request{Path: url(pages), Accept: starAccept, IfNoneMatch: probe.ETag})
		if err != nil {
			return fmt.Errorf("check stargazers of %s: %w", rc.repo, err)
		}
		if resp.NotModified {
			return nil
		}
		bodies[pages-1], etag = resp.Body, resp.ETag()
	}
	var refused atomic.Bool
	g, gctx := errgroup.WithContext(ctx)
	for p := range pages {
		if bodies[p] != nil {
			continue
		}
		g.Go(func() error {
			resp, err := rc.get(gctx, ghapi.Request{Path: url(p + 1), Accept: starAccept})
			if pageRefused(err) {
				refused.Store(true)
				return nil
			}
			if err != nil {
				return fmt.Errorf("list stargazers of %s: %w", rc.repo, err)
			}
			bodies[p] = resp.Body
			if p == pages-1 {
				etag = resp.ETag()
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	if refused.Load() {
		return rc.gqlStarsByCursor(ctx, count)
	}
	d := &delta{List: listGQLStars, KeepStars: []string{}, DropStars: true, ListState: &listState{Complete: true, Count: count}}
	for p, b := range bodies {
		items, err := decodeList(b, fromStar)
		if err != nil {
			return fmt.Errorf("list stargazers of %s: decode %s: %w", rc.repo, url(p+1), err)
		}
		for _, it := range items {
			if it.User != nil {
				d.KeepStars = append(d.KeepStars, it.User.Login)
			}
		}
		d.Stars = append(d.Stars, items...)
	}
	if err := rc.apply(d); err != nil {
		return err
	}
	return rc.probeDone(listProbeStars, etag)
}

// gqlStarsByCursor walks the stargazers through GraphQL, newest first, a
// query a page, keeping only those seen.
func (rc *repoCollector) gqlStarsByCursor(ctx context.Context, count int64) error {
	rc.mu.Lock()
	ls := *rc.st.list(listGQLStars)
	rc.mu.Unlock()
	owner, repo := rc.ownerName()
	pager := ghgraphql.NewPager(100)
	var keep []string
	var cursor string
	for {
		vars := map[string]any{"owner": owner, "name": repo}
		if cursor != "" {
			vars["after"] = cursor
		}
		var out struct {
			Repository *struct {
				Stargazers struct {
					PageInfo gqlPageInfo `json:"pageInfo"`
					Edges    []struct {
						StarredAt time.Time `json:"starredAt"`
						Node      *gqlActor `json:"node"`
					} `json:"edges"`
				} `json:"stargazers"`
			} `json:"repository"`
		}
		if err := rc.queryPaged(ctx, "stargazers", pager, 0, ghgraphql.StargazersQuery, vars, func() any { return &out }); err != nil {
			return err
		}
		if out.Repository == nil {
			return fmt.Errorf("query stargazers of %s: no repository in the answer", rc.repo)
		}
		sg := out.Repository.Stargazers
		d := &delta{List: listGQLStars}
		for _, e := range sg.Edges {
			if e.Node == nil {
				continue
			}
			u := &apiUser{Login: e.Node.Login, Type: "User"}
			d.Stars = append(d.Stars, &apiStar{StarredAt: e.StarredAt, User: u})
			keep = append(keep, u.Login)
		}
		if !sg.PageInfo.HasNextPage {
			d.KeepStars, d.DropStars = append([]string{}, keep...), true
			d.ListState = &listState{Complete: true, Count: count}
			if err := rc.apply(d); err != nil {
				return err
			}
			// No page of REST's to check next time: the count decides.
			return rc.probeDone(listProbeStars, "")
		}
		d.ListState = &listState{Complete: ls.Complete, Count: ls.Count}
		if err := rc.apply(d); err != nil {
			return err
		}
		cursor = sg.PageInfo.EndCursor
	}
}

// gqlForks walks the forks newest first when the REST probe of the newest
// fork changed, down to the first fork already known.
func (rc *repoCollector) gqlForks(ctx context.Context) error {
	changed, etag, err := rc.probe(ctx, listProbeForks, "repos/"+rc.repo+"/forks?sort=newest&per_page=1", "")
	if err != nil {
		return err
	}
	rc.mu.Lock()
	ls := *rc.st.list(listGQLForks)
	rc.mu.Unlock()
	if !changed && ls.Complete {
		return nil
	}
	owner, repo := rc.ownerName()
	pager := ghgraphql.NewPager(100)
	cursor := ls.Resume
	for {
		vars := map[string]any{"owner": owner, "name": repo}
		if cursor != "" {
			vars["after"] = cursor
		}
		var out struct {
			Repository *struct {
				Forks struct {
					PageInfo gqlPageInfo `json:"pageInfo"`
					Nodes    []struct {
						DatabaseID    int64     `json:"databaseId"`
						NameWithOwner string    `json:"nameWithOwner"`
						CreatedAt     time.Time `json:"createdAt"`
						Owner         *gqlActor `json:"owner"`
					} `json:"nodes"`
				} `json:"forks"`
			} `json:"repository"`
		}
		if err := rc.queryPaged(ctx, "forks", pager, 0, ghgraphql.ForksQuery, vars, func() any { return &out }); err != nil {
			return err
		}
		if out.Repository == nil {
			return fmt.Errorf("query forks of %s: no repository in the answer", rc.repo)
		}
		fk := out.Repository.Forks
		d := &delta{List: listGQLForks}
		stop := false
		rc.mu.Lock()
		for _, n := range fk.Nodes {
			if ls.Complete && rc.st.Forks[n.DatabaseID] != nil {
				stop = true
			}
			d.Forks = append(d.Forks, &apiFork{ID: n.DatabaseID, FullName: n.NameWithOwner, Owner: n.Owner.user(), CreatedAt: n.CreatedAt})
		}
		rc.mu.Unlock()
		next := fk.PageInfo.EndCursor
		if stop || !fk.PageInfo.HasNextPage {
			next = ""
		}
		if next == "" {
			d.ListState = &listState{Complete: true}
			if err := rc.apply(d); err != nil {
				return err
			}
			return rc.probeDone(listProbeForks, etag)
		}
		d.ListState = &listState{Complete: ls.Complete, Resume: next}
		if err := rc.apply(d); err != nil {
			return err
		}
		cursor = next
	}
}

// gqlEndpoint resolves the GraphQL endpoint: override, else the one that
// goes with the REST root.
func gqlEndpoint(restRoot, override string) (string, error) {
	if override != "" {
		if _, err := url.Parse(override); err != nil {
			return "", fmt.Errorf("--graphql-url: %w", err)
		}
		return override, nil
	}
	return ghgraphql.Endpoint(restRoot)
}
