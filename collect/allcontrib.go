package collect

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/google/go-github/v57/github"
	"github.com/journeys-dev/journeys/collect/ghapi"
)

// acPath is the all-contributors specification file.
const acPath = ".all-contributorsrc"

// acVersionBudget bounds the older versions of .all-contributorsrc read
// per repository and run (GET .../contents/.all-contributorsrc?ref=SHA, one
// request each) to date the people listed. A person the bot's messages name
// costs about two versions (at the message's landing and just before, often
// shared with the neighbours), another about log2(versions): The Turing
// Way's 277 people over 594 first-parent versions cost 414. Versions read
// are kept in the state, so a later run goes on where the budget stopped.
const acVersionBudget = 1000

// fetchAllContributors reads .all-contributorsrc on the default branch
// (404: the repository has none), then the commits that changed it. The
// people listed are dated by dateACVersions once the default branch's
// commits are known too.
func (rc *repoCollector) fetchAllContributors(ctx context.Context) error {
	rc.mu.Lock()
	etag := ""
	if rc.st.AC != nil {
		etag = rc.st.AC.ETag
	}
	checked := &branchMark{Branch: rc.st.Repo.DefaultBranch, PushedAt: rc.st.Repo.PushedAt}
	branch := checked.Branch
	rc.mu.Unlock()
	resp, err := rc.get(ctx, ghapi.Request{Path: "repos/" + rc.repo + "/contents/" + acPath + "?ref=" + url.QueryEscape(branch), IfNoneMatch: etag})
	switch {
	case ghapi.IsNotFound(err):
		// A 404 costs quota every time it is asked: remember it was asked
		// at this push, so a run resumed before the next push does not ask
		// again.
		return rc.apply(&delta{AC: &acState{Exists: false}, ACChecked: checked})
	case err != nil:
		return fmt.Errorf("get %s of %s: %w", acPath, rc.repo, err)
	case !resp.NotModified:
		people, err := parseACFile(resp.Body)
		if err != nil {
			// A file that is not valid JSON lists no one GitHub-side either.
			rc.noteIncomplete(fmt.Sprintf("%s of %s is not valid JSON: %v", acPath, rc.repo, err))
		}
		if err := rc.apply(&delta{AC: &acState{ETag: resp.ETag(), Exists: true, People: people}}); err != nil {
			return err
		}
	}
	if err := rc.walk(ctx, listingOf(listACHistory)); err != nil {
		return err
	}
	return rc.apply(&delta{ACChecked: checked})
}

func (rc *repoCollector) noteIncomplete(s string) {
	rc.mu.Lock()
	rc.incomplete = append(rc.incomplete, s)
	rc.mu.Unlock()
}

// parseACFile decodes a contents API answer for .all-contributorsrc.
func parseACFile(body []byte) ([]acEntry, error) {
	var c github.RepositoryContent
	if err := json.Unmarshal(body, &c); err != nil {
		return nil, err
	}
	// go-github's GetContent decodes the base64 payload (line breaks
	// and all).
	text, err := c.GetContent()
	raw := []byte(text)
	if err != nil {
		return nil, fmt.Errorf("decode content: %w", err)
	}
	var f struct {
		Contributors []acEntry `json:"contributors"`
	}
	if err := json.Unmarshal(raw, &f); err != nil {
		return nil, err
	}
	out := f.Contributors[:0]
	for _, p := range f.Contributors {
		if p.Login != "" {
			out = append(out, p)
		}
	}
	return out, nil
}

// acVersionLogins returns the lowercased logins a version of the file
// lists, and false when the version is not valid JSON: the
// all-contributors tools cannot read such a file (common in history, after
// conflicts resolved by hand), so it lists no one and dates no one.
func acVersionLogins(body []byte) ([]string, bool) {
	people, err := parseACFile(body)
	if err != nil {
		return nil, false
	}
	out := make([]string, 0, len(people))
	for _, p := range people {
		out = append(out, strings.ToLower(p.Login))
	}
	return out, true
}

// acAddRe matches the all-contributors bot's pull-request titles and commit
// messages on any line ("docs: add LOGIN as a contributor (for code, doc)",
// older "docs: add @LOGIN as a contributor"): squash subjects and merge
// bodies carry them. acBranchRe matches its branch names
// ("all-contributors/add-LOGIN") in merge subjects.
var (
	acAddRe    = regexp.MustCompile(`(?im)^\s*(?:[*-]\s*)?docs:\s*add\s+@?([a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\[bot\])?)\s+as\s+a\s+contributor`)
	acBranchRe = regexp.MustCompile(`(?i)all-contributors/add-([a-z0-9](?:[a-z0-9-]*[a-z0-9])?)\b`)
)

// acMentions returns the lowercased logins a commit message says the bot
// added.
func acMentions(msg string) []string {
	var out []string
	for _, m := range acAddRe.FindAllStringSubmatch(msg, -1) {
		out = append(out, strings.ToLower(m[1]))
	}
	for _, m := range acBranchRe.FindAllStringSubmatch(msg, -1) {
		out = append(out, strings.ToLower(m[1]))
	}
	return out
}

// An acPoint is a default-branch (first-parent) commit at which the file
// may have changed: one that changed it, or a merge that landed commits
// that did.
type acPoint struct {
	SHA  string
	Date time.Time // committer date
}

// acTimeline is the file's history as the default branch saw it: points
// oldest first, and per lowercased login the first point a bot message
// names it at.
type acTimeline struct {
	points []acPoint
	hint   map[string]int
}

// newACTimeline builds the timeline from the state's commits (all the
// default branch's, with parents and messages) and the commits that changed
// the file; it costs no request. Walking first parents from the head gives
// the commits that landed on the branch; a merge lands what its other
// parents reach that its first parent does not, so a commit made on a side
// branch counts from the merge that brought it in. When the commits do not
// place every commit that changed the file (a commit listing cut short),
// those commits are the points, by their own dates.
func newACTimeline(s *repoState) *acTimeline {
	tl := &acTimeline{hint: map[string]int{}}
	if s.AC == nil || len(s.AC.History) == 0 {
		return tl
	}
	chain := firstParentChain(s.Commits)
	landing := make(map[string]int, len(s.Commits))
	for k, c := range chain {
		landing[c.SHA] = k
		var stack []string
		for _, p := range c.Parents[min(1, len(c.Parents)):] {
			stack = append(stack, p.SHA)
		}
		for len(stack) > 0 {
			sha := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if _, ok := landing[sha]; ok {
				continue
			}
			pc := s.Commits[sha]
			if pc == nil {
				continue
			}
			landing[sha] = k
			for _, p := range pc.Parents {
				stack = append(stack, p.SHA)
			}
		}
	}
	at := map[int]bool{}
	for sha := range s.AC.History {
		k, ok := landing[sha]
		if !ok {
			return acTimelineByDate(s.AC)
		}
		at[k] = true
	}
	idx := make([]int, 0, len(at))
	for k := range at {
		idx = append(idx, k)
	}
	slices.Sort(idx)
	for _, k := range idx {
		tl.points = append(tl.points, acPoint{SHA: chain[k].SHA, Date: chain[k].Commit.Committer.Date})
	}
	// A bot message names a login at the first point at or after the
	// commit's landing.
	for sha, c := range s.Commits {
		k, ok := landing[sha]
		if !ok {
			continue
		}
		for _, l := range acMentions(c.Commit.Message) {
			i, _ := slices.BinarySearch(idx, k)
			if i == len(idx) {
				continue
			}
			if j, seen := tl.hint[l]; !seen || i < j {
				tl.hint[l] = i
			}
		}
	}
	return tl
}

// acTimelineByDate is the timeline of the commits that changed the file,
// by committer date, for when the default branch's commits are not known.
func acTimelineByDate(ac *acState) *acTimeline {
	tl := &acTimeline{hint: map[string]int{}}
	hist := make([]*acCommit, 0, len(ac.History))
	for _, c := range ac.History {
		hist = append(hist, c)
	}
	slices.SortFunc(hist, func(a, b *acCommit) int { return cmp.Or(a.Date.Compare(b.Date), cmp.Compare(a.SHA, b.SHA)) })
	for i, c := range hist {
		tl.points = append(tl.points, acPoint{SHA: c.SHA, Date: c.Date})
		for _, l := range acMentions(c.Message) {
			if _, seen := tl.hint[l]; !seen {
				tl.hint[l] = i
			}
		}
	}
	return tl
}

// firstParentChain returns the default branch's first-parent chain, oldest
// first. The head is the commit no other commit has as parent (the newest
// such one, should the listing hold several).
func firstParentChain(commits map[string]*apiCommit) []*apiCommit {
	hasChild := make(map[string]bool, len(commits))
	for _, c := range commits {
		for _, p := range c.Parents {
			hasChild[p.SHA] = true
		}
	}
	var head *apiCommit
	for sha, c := range commits {
		if hasChild[sha] {
			continue
		}
		if head == nil || cmp.Or(c.Commit.Committer.Date.Compare(head.Commit.Committer.Date), cmp.Compare(c.SHA, head.SHA)) > 0 {
			head = c
		}
	}
	var chain []*apiCommit
	seen := map[string]bool{}
	for c := head; c != nil && !seen[c.SHA]; {
		seen[c.SHA] = true
		chain = append(chain, c)
		if len(c.Parents) == 0 {
			break
		}
		c = commits[c.Parents[0].SHA]
	}
	slices.Reverse(chain)
	return chain
}

// acVersionState says what is known of the file's version at a point.
type acVersionState int

const (
	acRead       acVersionState = iota // read: the logins are known
	acUnreadable                       // not valid JSON, or not served
	acUnknown                          // not read (budget spent, or a fault)
)

// acVersion returns the logins the file lists at point i.
type acVersion func(i int) (map[string]bool, acVersionState)

// firstListed returns, per lowercased login, the first point whose version
// lists it; the logins whose point is only a bound (by: the versions before
// it, back to one that does not list the login, could not be read, so the
// login was first listed at that point or earlier); and whether every answer is exact (false when a version it
// needed was unknown; the answer is then the earliest point known to list
// the login, or its bot message's). The newest point's version is the
// file on the default branch now, which lists every login.
//
// It assumes a login stays listed once listed (the file is only added to):
// a login the bot's messages name is checked at its point and at the
// readable version just before; the others, and those whose check fails,
// are found by bisecting the points, sharing each version read between
// logins.
//
// known answers like version, but only from versions already read.
func (tl *acTimeline) firstListed(logins []string, version, known acVersion) (map[string]int, map[string]bool, bool) {
	n := len(tl.points)
	out := make(map[string]int, len(logins))
	by := map[string]bool{}
	exact := true
	if n == 0 {
		return out, by, true
	}
	get := func(i int) (map[string]bool, acVersionState) {
		if i == n-1 {
			return nil, acRead // handled by listed
		}
		return version(i)
	}
	listed := func(set map[string]bool, i int, l string) bool { return i == n-1 || set[l] }
	type span struct{ lo, hi int } // not listed at lo (-1: before all), listed at hi
	groups := map[span][]string{}
	for _, l := range logins {
		i, ok := tl.hint[l]
		if !ok {
			groups[span{-1, n - 1}] = append(groups[span{-1, n - 1}], l)
			continue
		}
		// The first readable version at or after the message.
		j, st, set := i, acUnreadable, map[string]bool(nil)
		for ; j < n; j++ {
			if set, st = get(j); st != acUnreadable {
				break
			}
		}
		if st == acUnknown {
			out[l], exact = i, false
			continue
		}
		if !listed(set, j, l) {
			groups[span{j, n - 1}] = append(groups[span{j, n - 1}], l)
			continue
		}
		// Not listed by the readable version before?
		p, pst, pset := i-1, acUnreadable, map[string]bool(nil)
		for ; p >= 0; p-- {
			if pset, pst = get(p); pst != acUnreadable {
				break
			}
		}
		switch {
		case p >= 0 && pst == acUnknown:
			out[l], exact = j, false
		case p >= 0 && pset[l]:
			groups[span{-1, p}] = append(groups[span{-1, p}], l)
		default:
			out[l] = j
			// Unreadable versions between the last one not listing l
			// (or the file's start) and j: l was listed by j.
			by[l] = j-p > 1
		}
	}
	var solve func(lo, hi int, s []string)
	solve = func(lo, hi int, s []string) {
		if len(s) == 0 {
			return
		}
		// A readable version strictly between lo and hi, from the middle out.
		mid, st, set := -1, acUnreadable, map[string]bool(nil)
		c := (lo + hi) / 2
		for d := 0; mid < 0 && (c+d < hi || c-d > lo); d++ {
			for k, m := range [2]int{c + d, c - d} {
				if k == 1 && d == 0 || m <= lo || m >= hi {
					continue
				}
				if set, st = get(m); st != acUnreadable {
					mid = m
					break
				}
			}
		}
		if mid < 0 || st == acUnknown {
			for _, l := range s {
				out[l] = hi
				// Only unreadable versions between lo and hi: listed by hi.
				by[l] = mid < 0 && hi-lo > 1
			}
			exact = exact && mid < 0
			return
		}
		var in, notIn []string
		for _, l := range s {
			if listed(set, mid, l) {
				in = append(in, l)
			} else {
				notIn = append(notIn, l)
			}
		}
		solve(lo, mid, in)
		solve(mid, hi, notIn)
	}
	// Narrow each span with the versions already read (for the messages'
	// checks), so that the bisection reads few more.
	refined := map[span][]string{}
	for sp, s := range groups {
		for _, l := range s {
			lo, hi := sp.lo, sp.hi
			for i := lo + 1; i < hi; i++ {
				if set, st := known(i); st == acRead && set[l] {
					hi = i
					break
				}
			}
			for i := hi - 1; i > lo; i-- {
				if set, st := known(i); st == acRead && !set[l] {
					lo = i
					break
				}
			}
			refined[span{lo, hi}] = append(refined[span{lo, hi}], l)
		}
	}
	groups = refined
	spans := make([]span, 0, len(groups))
	for sp := range groups {
		spans = append(spans, sp)
	}
	slices.SortFunc(spans, func(a, b span) int { return cmp.Or(cmp.Compare(a.lo, b.lo), cmp.Compare(a.hi, b.hi)) })
	for _, sp := range spans {
		s := groups[sp]
		slices.Sort(s)
		solve(sp.lo, sp.hi, s)
	}
	return out, by, exact
}

// acLoginsNow returns the lowercased logins the file lists now, sorted.
func acLoginsNow(ac *acState) []string {
	out := make([]string, 0, len(ac.People))
	for _, p := range ac.People {
		out = append(out, strings.ToLower(p.Login))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// cachedVersion reads versions from the state only.
func cachedVersion(tl *acTimeline, ac *acState) acVersion {
	return func(i int) (map[string]bool, acVersionState) {
		v, ok := ac.Read[tl.points[i].SHA]
		switch {
		case !ok:
			return nil, acUnknown
		case v.Unreadable:
			return nil, acUnreadable
		}
		set := make(map[string]bool, len(v.Logins))
		for _, l := range v.Logins {
			set[l] = true
		}
		return set, acRead
	}
}

// dateACVersions reads the older versions of the file that dating the
// people listed needs (at most acVersionBudget this run) and keeps them in
// the state; acFirstListed then answers from the state alone.
func (rc *repoCollector) dateACVersions(ctx context.Context) error {
	rc.mu.Lock()
	ac := rc.st.AC
	if ac == nil || !ac.Exists || ac.Dated {
		rc.mu.Unlock()
		return nil
	}
	tl := newACTimeline(rc.st)
	logins := acLoginsNow(ac)
	cached := cachedVersion(tl, ac)
	rc.mu.Unlock()
	budget := acVersionBudget
	fetched := map[string]*acReadVersion{}
	if rc.gql != nil {
		pre, err := rc.gqlACVersions(ctx, tl, cached)
		if err != nil {
			return err
		}
		fetched = pre
	}
	var ferr error
	version := func(i int) (map[string]bool, acVersionState) {
		sha := tl.points[i].SHA
		if v, ok := fetched[sha]; ok {
			return acVersionSet(v)
		}
		rc.mu.Lock()
		set, st := cached(i)
		rc.mu.Unlock()
		if st != acUnknown {
			return set, st
		}
		if budget == 0 || ferr != nil {
			return nil, acUnknown
		}
		budget--
		resp, err := rc.get(ctx, ghapi.Request{Path: "repos/" + rc.repo + "/contents/" + acPath + "?ref=" + sha})
		v := &acReadVersion{}
		switch {
		case ghapi.IsNotFound(err):
			// The file was deleted there (or the server keeps no such version).
			v.Unreadable = true
		case err != nil:
			ferr = fmt.Errorf("read %s of %s at %s: %w", acPath, rc.repo, sha, err)
			return nil, acUnknown
		default:
			v.Logins, v.Unreadable = acVersionLogins(resp.Body)
			v.Unreadable = !v.Unreadable
		}
		fetched[sha] = v
		return acVersionSet(v)
	}
	known := func(i int) (map[string]bool, acVersionState) {
		if v, ok := fetched[tl.points[i].SHA]; ok {
			return acVersionSet(v)
		}
		rc.mu.Lock()
		defer rc.mu.Unlock()
		return cached(i)
	}
	_, by, exact := tl.firstListed(logins, version, known)
	if len(fetched) > 0 || exact {
		if err := rc.apply(&delta{ACVersions: fetched, ACDated: exact}); err != nil {
			return err
		}
	}
	if ferr != nil {
		var se *ghapi.StatusError
		if !errors.As(ferr, &se) {
			return ferr // quota, cancellation, bad credentials: stop the run
		}
		rc.noteIncomplete(ferr.Error())
	} else if n := countTrue(by); n > 0 && exact {
		rc.noteIncomplete(fmt.Sprintf("%s of %s: older versions could not be read (GitHub did not serve them, or they were not valid JSON), so %d %s dated as listed by, not since, the first version read that lists them (first_listed_by in recognitions.parquet)",
			acPath, rc.repo, n, plural(n, "person is", "people are")))
	} else if !exact {
		rc.noteIncomplete(fmt.Sprintf("%s of %s: the version budget (%d a run) did not date everyone; the next run goes on", acPath, rc.repo, acVersionBudget))
	}
	return nil
}

func acVersionSet(v *acReadVersion) (map[string]bool, acVersionState) {
	if v.Unreadable {
		return nil, acUnreadable
	}
	set := make(map[string]bool, len(v.Logins))
	for _, l := range v.Logins {
		set[l] = true
	}
	return set, acRead
}

// acFirstListed returns, per lowercased login listed now, when it was first
// listed on the default branch, from the state alone, and the logins for
// which that date is only a bound ("listed by").
func acFirstListed(s *repoState) (map[string]time.Time, map[string]bool) {
	tl := newACTimeline(s)
	v := cachedVersion(tl, s.AC)
	first, by, _ := tl.firstListed(acLoginsNow(s.AC), v, v)
	out := make(map[string]time.Time, len(first))
	for l, i := range first {
		out[l] = tl.points[i].Date
	}
	return out, by
}

func countTrue(m map[string]bool) int {
	n := 0
	for _, v := range m {
		if v {
			n++
		}
	}
	return n
}
