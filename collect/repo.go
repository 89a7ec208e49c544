package collect

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/go-github/v57/github"
	"github.com/journeys-dev/journeys/collect/ghapi"
	"golang.org/x/sync/errgroup"
)

// repoCollector collects one repository into its state.
type repoCollector struct {
	c        *ghapi.Client
	repo     string // owner/name
	st       *repoState
	mu       sync.Mutex // guards st
	j        *journal
	requests atomic.Int64
	// tally counts pages and items for the progress display (nil: none).
	tally   *tally
	workers int
	// incomplete notes what could not be collected, in words.
	incomplete []string
	// now is the clock (time.Now when nil); verifyAfter how old the last
	// whole walk of a listing sorted by updated_at may be before it is
	// walked whole again (0: defaultVerifyAfter).
	now         func() time.Time
	verifyAfter time.Duration
	// head is the default branch's newest commit at the end of the last
	// complete commits walk (guarded by mu): an incremental walk stops at
	// the page holding it.
	head string
	// gql, when set, collects the bulk through GraphQL (graphql.go).
	gql *gqlRoute
}

// apply records d in memory and in the journal.
func (rc *repoCollector) apply(d *delta) error {
	if rc.tally != nil {
		rc.tally.items.Add(d.items())
	}
	rc.mu.Lock()
	rc.st.apply(d)
	rc.mu.Unlock()
	if rc.j == nil {
		return nil
	}
	if err := rc.j.append(d); err != nil {
		return fmt.Errorf("checkpoint %s: %w", rc.repo, err)
	}
	return nil
}

func (rc *repoCollector) get(ctx context.Context, req ghapi.Request) (*ghapi.Response, error) {
	resp, err := rc.c.Get(ctx, req)
	if resp != nil {
		rc.requests.Add(1)
		if rc.tally != nil && !resp.NotModified {
			rc.tally.pages.Add(1)
		}
	}
	return resp, err
}

// collect fetches everything about the repository that changed since its
// state was saved.
func (rc *repoCollector) collect(ctx context.Context) error {
	if rc.gql != nil {
		return rc.collectGraphQL(ctx)
	}
	rc.mu.Lock()
	prev := rc.st.Repo
	rc.mu.Unlock()
	if err := rc.fetchRepo(ctx); err != nil {
		return err
	}
	// What was read whole of the default branch at this push is as it was.
	commitsRead, acRead := rc.branchRead(prev, listCommits)
	g, gctx := errgroup.WithContext(ctx)
	for _, l := range listings {
		switch l.name {
		case listIssues:
			// The reviews are listed per pull request, from the issues.
			g.Go(func() error {
				if err := rc.walk(gctx, l); err != nil {
					return err
				}
				return rc.fetchReviews(gctx)
			})
		case listCommits:
			g.Go(func() error {
				// .all-contributorsrc is dated from the default branch's
				// commits: both listings first, in parallel.
				h, hctx := errgroup.WithContext(gctx)
				if !commitsRead {
					h.Go(func() error { return rc.walk(hctx, l) })
				}
				if !acRead {
					h.Go(func() error { return rc.fetchAllContributors(hctx) })
				}
				if err := h.Wait(); err != nil {
					return err
				}
				return rc.dateACVersions(gctx)
			})
		case listACHistory:
			// Walked by fetchAllContributors, after the file.
		default:
			g.Go(func() error { return rc.walk(gctx, l) })
		}
	}
	if err := g.Wait(); err != nil {
		return err
	}
	return rc.apply(&delta{Complete: true})
}

// branchRead says which reads of the default branch are current for the
// repository just fetched, given the one stored before (prev): the commits
// (walked as listing commits) and .all-contributorsrc with the commits that
// changed it. Each is current when its last whole read was at the same
// branch and pushed_at, so a run cut short between them does not read
// again what it read (a missing file's 404 costs quota each time).
func (rc *repoCollector) branchRead(prev *apiRepo, commits string) (commitsRead, acRead bool) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	cur := rc.st.Repo
	at := func(m branchMark) bool {
		return m.Branch == cur.DefaultBranch && timeEqual(m.PushedAt, cur.PushedAt)
	}
	cl := rc.st.list(commits)
	commitsRead = rc.st.list(listCommits).Complete && cl.Resume == "" && at(rc.st.list(listCommits).branchMark)
	ac := rc.st.AC
	switch {
	case ac == nil:
	case ac.Checked != nil:
		acRead = at(*ac.Checked)
	default:
		// A state written before Checked was kept: the file is current
		// when the whole repository was, at an unchanged push.
		acRead = rc.st.Complete && prev != nil && prev.DefaultBranch == cur.DefaultBranch &&
			timeEqual(prev.PushedAt, cur.PushedAt) &&
			(!ac.Exists || rc.st.list(listACHistory).Complete && rc.st.list(listACHistory).Resume == "")
	}
	return commitsRead, acRead
}

func (rc *repoCollector) fetchRepo(ctx context.Context) error {
	rc.mu.Lock()
	etag := ""
	if rc.st.Repo != nil {
		etag = rc.st.RepoETag
	}
	rc.mu.Unlock()
	resp, err := rc.get(ctx, ghapi.Request{Path: "repos/" + rc.repo, IfNoneMatch: etag})
	if err != nil {
		return fmt.Errorf("get repository %s: %w", rc.repo, err)
	}
	if resp.NotModified {
		return nil
	}
	var gr github.Repository
	if err := json.Unmarshal(resp.Body, &gr); err != nil {
		return fmt.Errorf("decode repository %s: %w", rc.repo, err)
	}
	r := fromRepo(&gr)
	if r.DefaultBranch == "" {
		return fmt.Errorf("repository %s: GitHub served no default branch", rc.repo)
	}
	return rc.apply(&delta{Repo: r, RepoETag: ptr(resp.ETag())})
}

// reviewsPerPage is the page size of the reviews listings.
const reviewsPerPage = 100

// fetchReviews lists the reviews of every pull request that is new or was
// updated since its reviews were last fetched.
func (rc *repoCollector) fetchReviews(ctx context.Context) error {
	type job struct {
		number int64
		mark   reviewMark
		etag   string
	}
	var jobs []job
	rc.mu.Lock()
	// GitHub lists reviews oldest first: once a pull request's reviews
	// fill the first page, a new one lands on a later page while the first
	// answers 304, so the ETag is only worth sending for a single page.
	stored := map[int64]int{}
	for _, r := range rc.st.Reviews {
		stored[r.Number]++
	}
	for _, it := range rc.st.Issues {
		if it.PullRequest == nil {
			continue
		}
		m := rc.st.ReviewMarks[it.Number]
		if m != nil && m.UpdatedAt.Equal(it.UpdatedAt) {
			continue
		}
		j := job{number: it.Number, mark: reviewMark{UpdatedAt: it.UpdatedAt}}
		if m != nil && stored[it.Number] < reviewsPerPage {
			j.etag, j.mark.ETag = m.ETag, m.ETag
		}
		jobs = append(jobs, j)
	}
	rc.mu.Unlock()
	slices.SortFunc(jobs, func(a, b job) int { return cmp.Compare(a.number, b.number) })
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(rc.workers)
	for _, jb := range jobs {
		g.Go(func() error {
			u := fmt.Sprintf("repos/%s/pulls/%d/reviews?per_page=%d", rc.repo, jb.number, reviewsPerPage)
			etag := jb.etag
			d := &delta{ReviewMarks: map[int64]*reviewMark{}}
			for page := 0; u != ""; page++ {
				resp, err := rc.get(gctx, ghapi.Request{Path: u, IfNoneMatch: etag})
				if err != nil {
					return fmt.Errorf("list reviews of %s#%d: %w", rc.repo, jb.number, err)
				}
				if resp.NotModified {
					break
				}
				if page == 0 {
					jb.mark.ETag = resp.ETag()
				}
				items, err := decodeList(resp.Body, fromReview)
				if err != nil {
					return fmt.Errorf("list reviews of %s#%d: decode: %w", rc.repo, jb.number, err)
				}
				for _, r := range items {
					r.Number = jb.number
				}
				d.Reviews = append(d.Reviews, items...)
				u, etag = resp.Next(), ""
			}
			m := jb.mark
			d.ReviewMarks[jb.number] = &m
			return rc.apply(d)
		})
	}
	return g.Wait()
}

// done is m at the end of its walk: the walk's head becomes the last one.
func (m branchMark) done() branchMark {
	return branchMark{Branch: m.Branch, Head: cmp.Or(m.PendingHead, m.Head), PushedAt: m.PushedAt}
}

func timeEqual(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return a.Equal(*b)
}
