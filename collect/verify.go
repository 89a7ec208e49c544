package collect

import (
	"context"
	"fmt"
	"time"

	"github.com/journeys-dev/journeys/collect/ghapi"
)

// defaultVerifyAfter is how old the last whole walk of issues, issue
// comments or review comments may be before the next run walks the listing
// whole again (a verification walk) to drop what GitHub no longer lists:
// deleted or transferred issues and pull requests (with their reviews),
// deleted comments. An incremental walk stops at known items, so it cannot
// see them go.
const defaultVerifyAfter = 7 * 24 * time.Hour

func (rc *repoCollector) clock() time.Time {
	if rc.now != nil {
		return rc.now().UTC()
	}
	return time.Now().UTC()
}

// verifyDue tells whether the listing's last whole walk is old enough for
// a verification walk.
func (rc *repoCollector) verifyDue(l *listing, ls *listState) bool {
	if !l.verify {
		return false
	}
	after := rc.verifyAfter
	if after <= 0 {
		after = defaultVerifyAfter
	}
	return rc.clock().Sub(ls.VerifiedAt) >= after
}

// walkVerify walks a listing whole, from page 1, asking each page with the
// ETag it had at the last verification walk (a 304 costs no quota and
// stands for the ids the page held), and tracks the ids seen. At the end
// the stored items not seen are dropped, unless the first page changed
// during the walk: an item updated meanwhile moves to the front, behind
// the walk, and would be missed; the walk is then made again next run.
// A killed walk resumes at its page.
func (rc *repoCollector) walkVerify(ctx context.Context, l *listing, first string) error {
	name := l.name
	rc.mu.Lock()
	ls := *rc.st.list(name)
	rc.mu.Unlock()
	old := map[string]int{}
	for i, p := range ls.Pages {
		old[p.URL] = i
	}
	u, pending, started, fresh := first, "", rc.clock(), true
	if ls.Verifying && ls.Resume != "" {
		u, pending, started, fresh = ls.Resume, ls.PendingETag, ls.VerifyStart, false
	}
	for u != "" {
		i, had := old[u]
		etag := ""
		if had {
			etag = ls.Pages[i].ETag
		}
		resp, err := rc.get(ctx, ghapi.Request{Path: u, Accept: l.accept, IfNoneMatch: etag})
		if pageRefused(err) && u != first {
			// GitHub pages this listing no further: nothing can be dropped.
			rc.noteIncomplete(fmt.Sprintf("%s of %s is truncated: GitHub refused to page further (%v)", name, rc.repo, err))
			return rc.apply(&delta{List: name, ListState: completeState(pending, started, branchMark{}), ResetSeen: true})
		}
		if err != nil {
			return fmt.Errorf("verify %s of %s: %w", name, rc.repo, err)
		}
		d := &delta{List: name, Track: true, ResetSeen: fresh && u == first}
		mark := pageMark{URL: u, ETag: resp.ETag()}
		next := ""
		if resp.NotModified && !had {
			return fmt.Errorf("verify %s of %s: %s answered 304 to a request without If-None-Match", name, rc.repo, u)
		}
		if resp.NotModified {
			// A 304 carries no Link header: the next page is the stored one.
			mark = ls.Pages[i]
			d.SeenKeys = mark.Keys
			if i+1 < len(ls.Pages) {
				next = ls.Pages[i+1].URL
			}
		} else {
			pd, err := l.decode(resp.Body)
			if err != nil {
				return fmt.Errorf("verify %s of %s: decode %s: %w", name, rc.repo, u, err)
			}
			d.Issues, d.Comments, d.ReviewComments = pd.Issues, pd.Comments, pd.ReviewComments
			mark.Keys = pageKeys(pd)
			next = resp.Next()
		}
		if u == first {
			pending = mark.ETag
		}
		d.Page = &mark
		if next != "" {
			d.ListState = verifyingState(ls.ETag, next, pending, started)
			if err := rc.apply(d); err != nil {
				return err
			}
			u = next
			continue
		}
		moved := false
		if u != first {
			again, err := rc.get(ctx, ghapi.Request{Path: first, Accept: l.accept, IfNoneMatch: pending})
			if err != nil {
				return fmt.Errorf("verify %s of %s: %w", name, rc.repo, err)
			}
			moved = !again.NotModified
		}
		if moved {
			// Keep what was read; verify again next run (the last time
			// stays), and forget what this walk saw.
			d.ListState = completeState(pending, time.Time{}, branchMark{})
			if err := rc.apply(d); err != nil {
				return err
			}
			return rc.apply(&delta{List: name, ResetSeen: true})
		}
		d.ListState = completeState(pending, started, branchMark{})
		d.DropUnseen = true
		return rc.apply(d)
	}
	return nil
}

// pageKeys are the ids of a page's items, as the seen keys spell them.
func pageKeys(d *delta) []string {
	keys := []string{}
	for _, v := range d.Issues {
		keys = append(keys, idKey(v.ID))
	}
	for _, v := range d.Comments {
		keys = append(keys, idKey(v.ID))
	}
	for _, v := range d.ReviewComments {
		keys = append(keys, idKey(v.ID))
	}
	return keys
}
