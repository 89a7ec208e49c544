package collect

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/journeys-dev/journeys/collect/ghapi"
	"golang.org/x/sync/errgroup"
)

// walk follows a listing's pages from the first, or from where an
// interrupted walk stopped. When a complete walk happened before, the
// first page is asked with its ETag (a 304 means nothing changed and costs
// no quota) and the walk stops at the first page holding known, unchanged
// items, by the listing's order. A listing ordered oldestFirst is walked
// by walkStars, a verification walk by walkVerify.
func (rc *repoCollector) walk(ctx context.Context, l *listing) error {
	branch := ""
	if l.needsBranch() {
		rc.mu.Lock()
		branch = rc.st.Repo.DefaultBranch
		rc.mu.Unlock()
	}
	first := l.url(rc.repo, branch, listingPerPage)
	if l.order == oldestFirst {
		return rc.walkStars(ctx, l, first)
	}
	return rc.walkFrom(ctx, l, first, true)
}

// A walker is one walk of a listing in progress (walkFrom, walkParallel):
// the page to ask next, and what the listing's state becomes at each
// checkpoint and at the end.
type walker struct {
	l *listing
	// first is the first page; u the page to ask next ("": the walk is
	// over), with etag as its If-None-Match.
	first, u, etag string
	// pending is this walk's first page's ETag, kept when the walk ends.
	pending string
	// incremental: a complete walk happened before, so a page may stop
	// the walk at known items; mark is the high-water mark of a listing
	// ordered byUpdated. An item strictly older than the latest updated_at
	// stored when the walk began was not changed since, while one with
	// the same updated_at (GitHub's timestamps are whole seconds) may have
	// been changed after it was read. Zero: stop nowhere.
	incremental bool
	mark        time.Time
	// fresh: the walk began at the first page (it is not a resumed one).
	fresh bool
	// stored is the listing's state when the walk began.
	stored listState
	// bm is the default branch the walk follows (tracked listings).
	bm branchMark
	// verified is when this walk began, when it is a whole walk of a
	// verifiable listing, as good as a verification walk (zero: keep the
	// last one's time).
	verified time.Time
}

// startWalk begins a walk of l from first, or resumes the interrupted one.
// verify says a verification walk is due instead (walkVerify).
func (rc *repoCollector) startWalk(l *listing, first string) (w *walker, verify bool) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	ls := *rc.st.list(l.name)
	if ls.Verifying || ls.Complete && ls.Resume == "" && rc.verifyDue(l, &ls) {
		return nil, true
	}
	w = &walker{l: l, first: first, u: first, stored: ls, bm: ls.branchMark, fresh: ls.Resume == ""}
	if l.track && ls.Resume == "" {
		// At its end the walk drops the stored commits it did not see,
		// unless it stopped at the last head seen.
		w.bm = branchMark{Branch: rc.st.Repo.DefaultBranch, Head: ls.Head, PushedAt: rc.st.Repo.PushedAt}
		// A renamed default branch, or an unknown last head: walk the
		// whole branch and keep only what is on it.
		w.bm.Verify = ls.Complete && (ls.Branch != w.bm.Branch || ls.Head == "")
	}
	if l.track {
		rc.head = w.bm.Head
	}
	w.incremental = ls.Complete && !w.bm.Verify
	if w.incremental {
		w.etag = ls.ETag
	}
	if !w.incremental && l.verify {
		w.verified = rc.clock()
	}
	switch {
	case ls.Resume != "":
		w.u, w.etag, w.pending, w.incremental, w.mark = ls.Resume, "", ls.PendingETag, ls.Incremental, ls.Mark
	case w.incremental && l.highWater != nil:
		w.mark = l.highWater(rc.st)
	}
	return w, false
}

// stops tells whether the decoded page d ends an incremental walk: it
// holds an item the last walks saw unchanged.
func (rc *repoCollector) stops(w *walker, d *delta) bool {
	if !w.incremental {
		return false
	}
	switch w.l.order {
	case byUpdated:
		return d.updatedBefore(w.mark)
	case newestFirst:
		rc.mu.Lock()
		defer rc.mu.Unlock()
		return w.l.known(rc, d)
	}
	return false
}

// atFirst tells whether the page asked is the walk's first.
func (w *walker) atFirst() bool { return w.u == w.first }

// advance moves the walk to page next ("": the walk is over), asked
// without an ETag: only the first page has one worth sending.
func (w *walker) advance(next string) { w.u, w.etag = next, "" }

// checkpoint is the listing's state once the page before next is applied:
// the last complete walk's ETag and completeness stay, with where this
// walk goes on.
func (w *walker) checkpoint(next string) *listState {
	return &listState{ETag: w.stored.ETag, Complete: w.stored.Complete, Resume: next, PendingETag: w.pending,
		Incremental: w.incremental, Mark: w.mark, branchMark: w.bm}
}

// windowCheckpoint is the listing's state once a page of a parallel window
// is applied, next being the page after it (walkParallel: a whole walk,
// which asks no first page with an ETag).
func (w *walker) windowCheckpoint(next string) *listState {
	return &listState{Resume: next, PendingETag: w.pending, branchMark: w.bm}
}

// finish is the listing's state at the end of the walk.
func (w *walker) finish() *listState {
	return completeState(w.pending, w.verified, w.bm.done())
}

// truncated is the delta that ends a walk GitHub refused to page further:
// what was read is kept, and nothing is dropped.
func (w *walker) truncated() *delta {
	return &delta{List: w.l.name, ListState: w.finish(), ResetSeen: w.l.track}
}

// empty is the delta that ends the walk of a listing GitHub has nothing
// to list for (an empty repository's commits): complete, and a tracked
// listing drops what it stored.
func (w *walker) empty() *delta {
	return &delta{List: w.l.name, ListState: completeState("", time.Time{}, branchMark{Branch: w.bm.Branch, PushedAt: w.bm.PushedAt}),
		ResetSeen: w.l.track, DropUnseen: w.l.track}
}

// branchUnchanged is the delta that ends a walk whose first page answered
// 304 when that means the branch is as the last walk left it: the
// listing's state is kept, with the branch mark of this walk.
func (w *walker) branchUnchanged() *delta {
	ls := w.stored
	ls.branchMark = w.bm.done()
	return &delta{List: w.l.name, ListState: &ls}
}

// walkFrom is walk, not verifying; parallel allows fetching numbered
// pages in parallel (off when GitHub refused a deep page number and the
// walk goes on by following next links one at a time).
func (rc *repoCollector) walkFrom(ctx context.Context, l *listing, first string, parallel bool) error {
	w, verify := rc.startWalk(l, first)
	if verify {
		return rc.walkVerify(ctx, l, first)
	}
	for w.u != "" {
		resp, err := rc.get(ctx, ghapi.Request{Path: w.u, Accept: l.accept, IfNoneMatch: w.etag})
		var se *ghapi.StatusError
		if errors.As(err, &se) && se.Code == http.StatusConflict && w.atFirst() {
			// "Git Repository is empty": no commits to list.
			return rc.apply(w.empty())
		}
		if pageRefused(err) && !w.atFirst() {
			// GitHub pages this listing no further: keep what was read.
			rc.noteIncomplete(fmt.Sprintf("%s of %s is truncated: GitHub refused to page further (%v)", l.name, rc.repo, se))
			return rc.apply(w.truncated())
		}
		if err != nil {
			return fmt.Errorf("list %s of %s: %w", l.name, rc.repo, err)
		}
		if resp.NotModified {
			if l.on304 == unchanged {
				return nil
			}
			return rc.apply(w.branchUnchanged())
		}
		if w.atFirst() {
			w.pending = resp.ETag()
		}
		d, err := l.decode(resp.Body)
		if err != nil {
			return fmt.Errorf("list %s of %s: decode %s: %w", l.name, rc.repo, w.u, err)
		}
		stop := rc.stops(w, d)
		if l.track && w.atFirst() && len(d.Commits) > 0 {
			w.bm.PendingHead = d.Commits[0].SHA
		}
		d.List, d.Track, d.ResetSeen = l.name, l.track, l.track && w.fresh && w.atFirst()
		next := resp.Next()
		if stop {
			next = ""
		}
		if parallel && !w.incremental && next != "" {
			// A whole walk whose page count the last link tells: the
			// other pages are fetched in parallel.
			if urls := pageURLs(next, resp.Header.Get("Link")); urls != nil {
				d.ListState = w.checkpoint(next)
				if err := rc.apply(d); err != nil {
					return err
				}
				return rc.walkParallel(ctx, w, urls)
			}
		}
		if next == "" {
			d.ListState = w.finish()
			// A walk that did not stop at the last head went over the
			// whole branch: what it did not see is no longer on it.
			d.DropUnseen = l.track && !stop
		} else {
			d.ListState = w.checkpoint(next)
		}
		if err := rc.apply(d); err != nil {
			return err
		}
		w.advance(next)
	}
	return nil
}

// pageWindow is how many pages of one listing are fetched at once before
// they are checkpointed together (a killed run fetches them again).
const pageWindow = 16

// walkParallel goes on with the whole walk w: it fetches the pages urls,
// in order, a window at a time in parallel (the client bounds the requests
// in flight), and applies each window in page order.
//
// GitHub refuses deep page numbers of some large listings (422): from the
// last page it served, the walk then goes on by following its next link,
// one page at a time, which GitHub may give as a cursor.
func (rc *repoCollector) walkParallel(ctx context.Context, w *walker, urls []string) error {
	l := w.l
	// next is the rel="next" link of the last page applied.
	next := urls[0]
	for start := 0; start < len(urls); start += pageWindow {
		win := urls[start:min(start+pageWindow, len(urls))]
		deltas := make([]*delta, len(win))
		nexts := make([]string, len(win))
		g, gctx := errgroup.WithContext(ctx)
		for i, u := range win {
			g.Go(func() error {
				resp, err := rc.get(gctx, ghapi.Request{Path: u, Accept: l.accept})
				if pageRefused(err) {
					return nil // deltas[i] stays nil
				}
				if err != nil {
					return fmt.Errorf("list %s of %s: %w", l.name, rc.repo, err)
				}
				d, err := l.decode(resp.Body)
				if err != nil {
					return fmt.Errorf("list %s of %s: decode %s: %w", l.name, rc.repo, u, err)
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
					return rc.apply(w.truncated())
				}
				rc.mu.Lock()
				ls := *rc.st.list(l.name)
				rc.mu.Unlock()
				ls.Resume, ls.PendingETag, ls.Incremental = next, w.pending, false
				if err := rc.apply(&delta{List: l.name, ListState: &ls}); err != nil {
					return err
				}
				return rc.walkFrom(ctx, l, "", false)
			}
			d.List, d.Track = l.name, l.track
			if start+i == len(urls)-1 {
				d.ListState = w.finish()
				d.DropUnseen = l.track
			} else {
				d.ListState = w.windowCheckpoint(urls[start+i+1])
			}
			if err := rc.apply(d); err != nil {
				return err
			}
			next = nexts[i]
		}
	}
	return nil
}

// walkStars walks the stargazers (listing l, from first), which GitHub
// serves oldest first, so new stars are on the last page and an unstar
// shifts every later page. When the repository's star count and the last
// page are unchanged (304) nothing is fetched; otherwise every page is
// asked again with its ETag, and pages that answer 304 keep their stored
// stargazers.
func (rc *repoCollector) walkStars(ctx context.Context, l *listing, first string) error {
	rc.mu.Lock()
	ls := *rc.st.list(l.name)
	count := rc.st.Repo.StargazersCount
	known := int64(len(rc.st.Stars))
	rc.mu.Unlock()
	if ls.Complete && ls.Resume == "" && len(ls.Pages) > 0 && ls.Count == count && known == count {
		last := ls.Pages[len(ls.Pages)-1]
		resp, err := rc.get(ctx, ghapi.Request{Path: last.URL, Accept: l.accept, IfNoneMatch: last.ETag})
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
		resp, err := rc.get(ctx, ghapi.Request{Path: u, Accept: l.accept, IfNoneMatch: etag})
		if pageRefused(err) && u != first {
			// GitHub caps how far the stargazers are paged: keep what was read.
			rc.noteIncomplete(fmt.Sprintf("%s of %s is truncated: GitHub refused to page further (%v)", l.name, rc.repo, err))
			return rc.apply(&delta{List: l.name, KeepStars: pageKeysOf(pages), DropStars: true, ListState: pagesState(pages, count)})
		}
		if err != nil {
			return fmt.Errorf("list stargazers of %s: %w", rc.repo, err)
		}
		d := &delta{List: l.name}
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
			pd, err := l.decode(resp.Body)
			if err != nil {
				return fmt.Errorf("list stargazers of %s: decode %s: %w", rc.repo, u, err)
			}
			for _, it := range pd.Stars {
				if it.User != nil {
					mark.Keys = append(mark.Keys, it.User.Login)
				}
			}
			d.Stars = pd.Stars
		}
		pages = append(pages, mark)
		if next == "" {
			d.KeepStars, d.DropStars = pageKeysOf(pages), true
			d.ListState = pagesState(pages, count)
		} else {
			d.ListState = ls.pagesAt(next, pages)
		}
		if err := rc.apply(d); err != nil {
			return err
		}
		u = next
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
