package collect

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/go-github/v57/github"
	"github.com/journeys-dev/journeys/collect/ghapi"
	"golang.org/x/sync/errgroup"
)

// Listing names, as the state folder and progress display call them.
const (
	listIssues         = "issues"
	listComments       = "comments"
	listReviewComments = "review_comments"
	listCommits        = "commits"
	listStars          = "stargazers"
	listForks          = "forks"
	listEvents         = "issue_events"
	listACHistory      = "all_contributors_history"
)

const starAccept = "application/vnd.github.star+json"

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
	// marks holds, per listing walked incrementally by updated_at, the
	// latest updated_at stored when the walk began (guarded by mu).
	marks map[string]time.Time
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

// highWater returns the latest updated_at stored of a listing sorted by
// updated_at (zero for the others), with rc.mu held.
func (rc *repoCollector) highWater(name string) time.Time {
	var hw time.Time
	switch name {
	case listIssues:
		for _, it := range rc.st.Issues {
			hw = later(hw, it.UpdatedAt)
		}
	case listComments:
		for _, it := range rc.st.Comments {
			hw = later(hw, it.UpdatedAt)
		}
	case listReviewComments:
		for _, it := range rc.st.ReviewComments {
			hw = later(hw, it.UpdatedAt)
		}
	}
	return hw
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// mark is the high-water mark of an incremental walk of a listing sorted
// by updated_at, newest first: an item strictly older than the latest
// updated_at stored when the walk began was not changed since, while one
// with the same updated_at (GitHub's timestamps are whole seconds) may
// have been changed after it was read. Zero: stop nowhere.
func (rc *repoCollector) mark(name string) time.Time {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return rc.marks[name]
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
	// Nothing was pushed since the last complete collection: the default
	// branch's commits and .all-contributorsrc are as they were.
	commitsRead, acRead := rc.branchRead(prev, listCommits)
	p := "repos/" + rc.repo + "/"
	branch := url.QueryEscape(rc.st.Repo.DefaultBranch)
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		if err := rc.walk(gctx, listIssues, p+"issues?state=all&sort=updated&direction=desc&per_page=100", "", rc.issuesPage); err != nil {
			return err
		}
		return rc.fetchReviews(gctx)
	})
	g.Go(func() error {
		return rc.walk(gctx, listComments, p+"issues/comments?sort=updated&direction=desc&per_page=100", "", rc.commentsPage(false))
	})
	g.Go(func() error {
		return rc.walk(gctx, listReviewComments, p+"pulls/comments?sort=updated&direction=desc&per_page=100", "", rc.commentsPage(true))
	})
	g.Go(func() error {
		// .all-contributorsrc is dated from the default branch's commits:
		// both listings first, in parallel.
		h, hctx := errgroup.WithContext(gctx)
		if !commitsRead {
			h.Go(func() error {
				return rc.walk(hctx, listCommits, p+"commits?sha="+branch+"&per_page=100", "", rc.commitsPage)
			})
		}
		if !acRead {
			h.Go(func() error { return rc.fetchAllContributors(hctx) })
		}
		if err := h.Wait(); err != nil {
			return err
		}
		return rc.dateACVersions(gctx)
	})
	g.Go(func() error {
		return rc.walkStars(gctx, p+"stargazers?per_page=100")
	})
	g.Go(func() error {
		return rc.walk(gctx, listForks, p+"forks?sort=newest&per_page=100", "", rc.forksPage)
	})
	g.Go(func() error {
		return rc.walk(gctx, listEvents, p+"issues/events?per_page=100", "", rc.eventsPage)
	})
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

// A pageFunc decodes one page. incremental says a complete walk happened
// before, so the page may stop the walk at known items.
type pageFunc func(body []byte, incremental bool) (d *delta, stop bool, err error)

// walk follows a listing's pages from first, or from where an interrupted
// walk stopped. When a complete walk happened before, the first page is
// asked with its ETag (a 304 means nothing changed and costs no quota) and
// the walk stops at the first page holding known, unchanged items: every
// listing walked this way serves the newest (or latest updated) first.
func (rc *repoCollector) walk(ctx context.Context, name, first, accept string, page pageFunc) error {
	return rc.walkFrom(ctx, name, first, accept, page, true)
}

// walkFrom is walk; parallel allows fetching numbered pages in parallel
// (off when GitHub refused a deep page number and the walk goes on by
// following next links one at a time).
func (rc *repoCollector) walkFrom(ctx context.Context, name, first, accept string, page pageFunc, parallel bool) error {
	rc.mu.Lock()
	ls := *rc.st.list(name)
	if ls.Verifying || ls.Complete && ls.Resume == "" && rc.verifyDue(name, &ls) {
		rc.mu.Unlock()
		return rc.walkVerify(ctx, name, first, accept, page)
	}
	// The commits walk is tracked: at its end the stored commits it did
	// not see are dropped, unless it stopped at the last head seen.
	track := name == listCommits
	bm := ls.branchMark
	if track && ls.Resume == "" {
		bm = branchMark{Branch: rc.st.Repo.DefaultBranch, Head: ls.Head, PushedAt: rc.st.Repo.PushedAt}
		// A renamed default branch, or an unknown last head: walk the
		// whole branch and keep only what is on it.
		bm.Verify = ls.Complete && (ls.Branch != bm.Branch || ls.Head == "")
	}
	if track {
		rc.head = bm.Head
	}
	rc.mu.Unlock()
	u, etag, pending, incremental := first, "", "", ls.Complete && !bm.Verify
	if incremental {
		etag = ls.ETag
	}
	// A whole walk of a listing sorted by updated_at is as good as a
	// verification walk (zero: keep the last one's time).
	var verified time.Time
	if !incremental && verifiable(name) {
		verified = rc.clock()
	}
	fresh := ls.Resume == ""
	mark := time.Time{}
	if ls.Resume != "" {
		u, etag, pending, incremental, mark = ls.Resume, "", ls.PendingETag, ls.Incremental, ls.Mark
	} else if incremental {
		rc.mu.Lock()
		mark = rc.highWater(name)
		rc.mu.Unlock()
	}
	rc.mu.Lock()
	if rc.marks == nil {
		rc.marks = map[string]time.Time{}
	}
	rc.marks[name] = mark
	rc.mu.Unlock()
	for u != "" {
		resp, err := rc.get(ctx, ghapi.Request{Path: u, Accept: accept, IfNoneMatch: etag})
		var se *ghapi.StatusError
		if errors.As(err, &se) && se.Code == http.StatusConflict && u == first {
			// "Git Repository is empty": no commits to list.
			return rc.apply(&delta{List: name, ListState: &listState{Complete: true, branchMark: branchMark{Branch: bm.Branch, PushedAt: bm.PushedAt}},
				ResetSeen: track, DropUnseen: track})
		}
		if pageRefused(err) && u != first {
			// GitHub pages this listing no further: keep what was read.
			rc.noteIncomplete(fmt.Sprintf("%s of %s is truncated: GitHub refused to page further (%v)", name, rc.repo, se))
			return rc.apply(&delta{List: name, ListState: &listState{ETag: pending, Complete: true, VerifiedAt: verified, branchMark: bm.done()}, ResetSeen: track})
		}
		if err != nil {
			return fmt.Errorf("list %s of %s: %w", name, rc.repo, err)
		}
		if resp.NotModified {
			if track {
				// The branch is as the last walk left it.
				ls.branchMark = bm.done()
				return rc.apply(&delta{List: name, ListState: &ls})
			}
			return nil
		}
		if u == first {
			pending = resp.ETag()
		}
		d, stop, err := page(resp.Body, incremental)
		if err != nil {
			return fmt.Errorf("list %s of %s: decode %s: %w", name, rc.repo, u, err)
		}
		if u == first && len(d.Commits) > 0 {
			bm.PendingHead = d.Commits[0].SHA
		}
		d.Track, d.ResetSeen = track, track && fresh && u == first
		next := resp.Next()
		if stop {
			next = ""
		}
		if parallel && !incremental && next != "" {
			// A whole walk whose page count the last link tells: the
			// other pages are fetched in parallel.
			if urls := pageURLs(next, resp.Header.Get("Link")); urls != nil {
				d.List = name
				d.ListState = &listState{ETag: ls.ETag, Complete: ls.Complete, Resume: next, PendingETag: pending, branchMark: bm}
				if err := rc.apply(d); err != nil {
					return err
				}
				return rc.walkParallel(ctx, name, accept, urls, pending, bm, verified, page)
			}
		}
		d.List = name
		if next == "" {
			d.ListState = &listState{ETag: pending, Complete: true, VerifiedAt: verified, branchMark: bm.done()}
			// A walk that did not stop at the last head went over the
			// whole branch: what it did not see is no longer on it.
			d.DropUnseen = track && !stop
		} else {
			d.ListState = &listState{ETag: ls.ETag, Complete: ls.Complete, Resume: next, PendingETag: pending, Incremental: incremental, Mark: mark, branchMark: bm}
		}
		if err := rc.apply(d); err != nil {
			return err
		}
		u, etag = next, ""
	}
	return nil
}

// pageWindow is how many pages of one listing are fetched at once before
// they are checkpointed together (a killed run fetches them again).
const pageWindow = 16

// walkParallel fetches the pages of a whole walk, urls in order, a window
// at a time in parallel (the client bounds the requests in flight), and
// applies each window in page order.
//
// GitHub refuses deep page numbers of some large listings (422): from the
// last page it served, the walk then goes on by following its next link,
// one page at a time, which GitHub may give as a cursor.
func (rc *repoCollector) walkParallel(ctx context.Context, name, accept string, urls []string, pending string, bm branchMark, verified time.Time, page pageFunc) error {
	track := name == listCommits
	// next is the rel="next" link of the last page applied.
	next := urls[0]
	for start := 0; start < len(urls); start += pageWindow {
		win := urls[start:min(start+pageWindow, len(urls))]
		deltas := make([]*delta, len(win))
		nexts := make([]string, len(win))
		g, gctx := errgroup.WithContext(ctx)
		for i, u := range win {
			g.Go(func() error {
				resp, err := rc.get(gctx, ghapi.Request{Path: u, Accept: accept})
				if pageRefused(err) {
					return nil // deltas[i] stays nil
				}
				if err != nil {
					return fmt.Errorf("list %s of %s: %w", name, rc.repo, err)
				}
				d, _, err := page(resp.Body, false)
				if err != nil {
					return fmt.Errorf("list %s of %s: decode %s: %w", name, rc.repo, u, err)
				}
				deltas[i], nexts[i] = d, resp.Next()
				return nil
			})
		}
		if err := g.Wait(); err != nil {
			return err
		}
		for i, d := range deltas {
			if d == nil {
				// Page start+i was refused: go on from the last page served.
				if next == "" {
					return rc.apply(&delta{List: name, ListState: &listState{ETag: pending, Complete: true, VerifiedAt: verified, branchMark: bm.done()}, ResetSeen: track})
				}
				rc.mu.Lock()
				ls := *rc.st.list(name)
				rc.mu.Unlock()
				ls.Resume, ls.PendingETag, ls.Incremental = next, pending, false
				if err := rc.apply(&delta{List: name, ListState: &ls}); err != nil {
					return err
				}
				return rc.walkFrom(ctx, name, "", accept, page, false)
			}
			d.List, d.Track = name, track
			if start+i == len(urls)-1 {
				d.ListState = &listState{ETag: pending, Complete: true, VerifiedAt: verified, branchMark: bm.done()}
				d.DropUnseen = track
			} else {
				d.ListState = &listState{Resume: urls[start+i+1], PendingETag: pending, branchMark: bm}
			}
			if err := rc.apply(d); err != nil {
				return err
			}
			next = nexts[i]
		}
	}
	return nil
}

// pageRefused tells whether err is GitHub's 422 for a page it will not
// serve ("Pagination with the page parameter is not supported for large
// datasets", or the capped stargazers listing).
func pageRefused(err error) bool {
	var se *ghapi.StatusError
	return errors.As(err, &se) && se.Code == http.StatusUnprocessableEntity
}

// pageURLs returns the URLs of the pages from next to the last one the Link
// header names, when both carry a page number (GitHub's numbered
// pagination); nil otherwise.
func pageURLs(next, link string) []string {
	last := ghapi.LinkRel(link, "last")
	nu, err1 := url.Parse(next)
	lu, err2 := url.Parse(last)
	if last == "" || err1 != nil || err2 != nil {
		return nil
	}
	from, err1 := strconv.Atoi(nu.Query().Get("page"))
	to, err2 := strconv.Atoi(lu.Query().Get("page"))
	if err1 != nil || err2 != nil || from < 1 || to < from || to-from > 100_000 {
		return nil
	}
	var out []string
	for p := from; p <= to; p++ {
		q := nu.Query()
		q.Set("page", strconv.Itoa(p))
		u := *nu
		u.RawQuery = q.Encode()
		out = append(out, u.String())
	}
	return out
}

func (rc *repoCollector) issuesPage(body []byte, incremental bool) (*delta, bool, error) {
	items, err := decodeList(body, fromIssue)
	if err != nil {
		return nil, false, err
	}
	stop := false
	if incremental {
		mark := rc.mark(listIssues)
		for _, it := range items {
			stop = stop || it.UpdatedAt.Before(mark)
		}
	}
	return &delta{Issues: items}, stop, nil
}

func (rc *repoCollector) commentsPage(review bool) pageFunc {
	return func(body []byte, incremental bool) (*delta, bool, error) {
		var items []*apiComment
		var err error
		if review {
			items, err = decodeList(body, fromReviewComment)
		} else {
			items, err = decodeList(body, fromIssueComment)
		}
		if err != nil {
			return nil, false, err
		}
		stop := false
		if incremental {
			mark := rc.mark(listComments)
			if review {
				mark = rc.mark(listReviewComments)
			}
			for _, it := range items {
				stop = stop || it.UpdatedAt.Before(mark)
			}
		}
		if review {
			return &delta{ReviewComments: items}, stop, nil
		}
		return &delta{Comments: items}, stop, nil
	}
}

func (rc *repoCollector) commitsPage(body []byte, incremental bool) (*delta, bool, error) {
	items, err := decodeList(body, fromCommit)
	if err != nil {
		return nil, false, err
	}
	stop := false
	if incremental {
		// The walk stops at the page holding the last head seen: every
		// stored commit is one of its ancestors, so still on the branch.
		// Without it (history rewritten) the walk goes to the end.
		rc.mu.Lock()
		for _, it := range items {
			if rc.head != "" && it.SHA == rc.head || rc.head == "" && rc.st.Commits[it.SHA] != nil {
				stop = true
			}
		}
		rc.mu.Unlock()
	}
	return &delta{Commits: items}, stop, nil
}

func (rc *repoCollector) forksPage(body []byte, incremental bool) (*delta, bool, error) {
	items, err := decodeList(body, fromFork)
	if err != nil {
		return nil, false, err
	}
	stop := false
	if incremental {
		rc.mu.Lock()
		for _, it := range items {
			if rc.st.Forks[it.ID] != nil {
				stop = true
			}
		}
		rc.mu.Unlock()
	}
	return &delta{Forks: items}, stop, nil
}

func (rc *repoCollector) eventsPage(body []byte, incremental bool) (*delta, bool, error) {
	items, err := decodeList(body, fromEvent)
	if err != nil {
		return nil, false, err
	}
	stop := false
	if incremental {
		rc.mu.Lock()
		for _, it := range items {
			if rc.st.Events[it.ID] != nil {
				stop = true
			}
		}
		rc.mu.Unlock()
	}
	return &delta{Events: items}, stop, nil
}

// walkStars walks the stargazers, which GitHub serves oldest first, so new
// stars are on the last page and an unstar shifts every later page. When
// the repository's star count and the last page are unchanged (304) nothing
// is fetched; otherwise every page is asked again with its ETag, and pages
// that answer 304 keep their stored stargazers.
func (rc *repoCollector) walkStars(ctx context.Context, first string) error {
	rc.mu.Lock()
	ls := *rc.st.list(listStars)
	count := rc.st.Repo.StargazersCount
	known := int64(len(rc.st.Stars))
	rc.mu.Unlock()
	if ls.Complete && ls.Resume == "" && len(ls.Pages) > 0 && ls.Count == count && known == count {
		last := ls.Pages[len(ls.Pages)-1]
		resp, err := rc.get(ctx, ghapi.Request{Path: last.URL, Accept: starAccept, IfNoneMatch: last.ETag})
		if err != nil {
			return fmt.Errorf("list stargazers of %s: %w", rc.repo, err)
		}
		if resp.NotModified {
			return nil
		}
	}
	old := map[string]pageMark{}
	for _, p := range ls.Pages {
		old[p.URL] = p
	}
	var pages []pageMark
	u := first
	if ls.Resume != "" {
		u, pages = ls.Resume, ls.Pages
	}
	for u != "" {
		prev, had := old[u]
		etag := ""
		if had {
			etag = prev.ETag
		}
		resp, err := rc.get(ctx, ghapi.Request{Path: u, Accept: starAccept, IfNoneMatch: etag})
		if pageRefused(err) && u != first {
			// GitHub caps how far the stargazers are paged: keep what was read.
			rc.noteIncomplete(fmt.Sprintf("%s of %s is truncated: GitHub refused to page further (%v)", listStars, rc.repo, err))
			keep := []string{}
			for _, p := range pages {
				keep = append(keep, p.Keys...)
			}
			return rc.apply(&delta{List: listStars, KeepStars: keep, DropStars: true,
				ListState: &listState{Complete: true, Pages: pages, Count: count}})
		}
		if err != nil {
			return fmt.Errorf("list stargazers of %s: %w", rc.repo, err)
		}
		d := &delta{List: listStars}
		mark := pageMark{URL: u, ETag: resp.ETag()}
		next := resp.Next()
		if resp.NotModified {
			mark = prev
			// A 304 carries no Link header: the next page is the stored one.
			next = ""
			for i, p := range ls.Pages {
				if p.URL == u && i+1 < len(ls.Pages) {
					next = ls.Pages[i+1].URL
				}
			}
		} else {
			items, err := decodeList(resp.Body, fromStar)
			if err != nil {
				return fmt.Errorf("list stargazers of %s: decode %s: %w", rc.repo, u, err)
			}
			for _, it := range items {
				if it.User != nil {
					mark.Keys = append(mark.Keys, it.User.Login)
				}
			}
			d.Stars = items
		}
		pages = append(pages, mark)
		if next == "" {
			keep := []string{}
			for _, p := range pages {
				keep = append(keep, p.Keys...)
			}
			d.KeepStars, d.DropStars = keep, true
			d.ListState = &listState{Complete: true, Pages: pages, Count: count}
		} else {
			d.ListState = &listState{Complete: ls.Complete, Resume: next, Pages: pages, Count: ls.Count}
		}
		if err := rc.apply(d); err != nil {
			return err
		}
		u = next
	}
	return nil
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
