package allcontrib

import (
	"cmp"
	"slices"
	"time"
)

// A Commit is one of the default branch's commits: its parents' SHAs
// (first parent first), committer date and message.
type Commit struct {
	SHA     string
	Parents []string
	Date    time.Time
	Message string
}

// A Change is a commit that changed the file (GitHub's commits listing
// with path=.all-contributorsrc), reachable from the default branch.
type Change struct {
	SHA     string
	Date    time.Time // committer date
	Message string
}

// A Point is a default-branch (first-parent) commit at which the file may
// have changed: one that changed it, or a merge that landed commits that
// did.
type Point struct {
	SHA  string
	Date time.Time // committer date
}

// A Timeline is the file's history as the default branch saw it: Points
// oldest first, and per lowercased login the first point a bot message
// names it at.
type Timeline struct {
	Points []Point
	hint   map[string]int
}

// NewTimeline builds the timeline from the default branch's commits (all
// of them, with parents and messages) and the commits that changed the
// file. Walking first parents from the head gives the commits that landed
// on the branch; a merge lands what its other parents reach that its first
// parent does not, so a commit made on a side branch counts from the merge
// that brought it in. When the commits do not place every change (a
// commit listing cut short), the changes are the points, by their own
// dates.
func NewTimeline(commits []Commit, changes []Change) *Timeline {
	tl := &Timeline{hint: map[string]int{}}
	if len(changes) == 0 {
		return tl
	}
	bySHA := make(map[string]*Commit, len(commits))
	for i := range commits {
		bySHA[commits[i].SHA] = &commits[i]
	}
	chain := firstParentChain(bySHA)
	landing := make(map[string]int, len(commits))
	for k, c := range chain {
		landing[c.SHA] = k
		stack := slices.Clone(c.Parents[min(1, len(c.Parents)):])
		for len(stack) > 0 {
			sha := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if _, ok := landing[sha]; ok {
				continue
			}
			pc := bySHA[sha]
			if pc == nil {
				continue
			}
			landing[sha] = k
			stack = append(stack, pc.Parents...)
		}
	}
	at := map[int]bool{}
	for _, ch := range changes {
		k, ok := landing[ch.SHA]
		if !ok {
			return timelineByDate(changes)
		}
		at[k] = true
	}
	idx := make([]int, 0, len(at))
	for k := range at {
		idx = append(idx, k)
	}
	slices.Sort(idx)
	for _, k := range idx {
		tl.Points = append(tl.Points, Point{SHA: chain[k].SHA, Date: chain[k].Date})
	}
	// A bot message names a login at the first point at or after the
	// commit's landing.
	for _, c := range commits {
		k, ok := landing[c.SHA]
		if !ok {
			continue
		}
		for _, l := range Mentions(c.Message) {
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

// timelineByDate is the timeline of the changes by committer date, for
// when the default branch's commits do not place them.
func timelineByDate(changes []Change) *Timeline {
	tl := &Timeline{hint: map[string]int{}}
	hist := slices.Clone(changes)
	slices.SortFunc(hist, func(a, b Change) int { return cmp.Or(a.Date.Compare(b.Date), cmp.Compare(a.SHA, b.SHA)) })
	for i, c := range hist {
		tl.Points = append(tl.Points, Point{SHA: c.SHA, Date: c.Date})
		for _, l := range Mentions(c.Message) {
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
func firstParentChain(commits map[string]*Commit) []*Commit {
	hasChild := make(map[string]bool, len(commits))
	for _, c := range commits {
		for _, p := range c.Parents {
			hasChild[p] = true
		}
	}
	var head *Commit
	for sha, c := range commits {
		if hasChild[sha] {
			continue
		}
		if head == nil || cmp.Or(c.Date.Compare(head.Date), cmp.Compare(c.SHA, head.SHA)) > 0 {
			head = c
		}
	}
	var chain []*Commit
	seen := map[string]bool{}
	for c := head; c != nil && !seen[c.SHA]; {
		seen[c.SHA] = true
		chain = append(chain, c)
		if len(c.Parents) == 0 {
			break
		}
		c = commits[c.Parents[0]]
	}
	slices.Reverse(chain)
	return chain
}

// A VersionState says what is known of the file's version at a point.
type VersionState int

const (
	Read       VersionState = iota // read: the logins are known
	Unreadable                     // not valid JSON, or not served
	Unknown                        // not read (budget spent, or a fault)
)

// A Version returns the lowercased logins the file lists at point i.
type Version func(i int) (map[string]bool, VersionState)

// FirstListed returns, per lowercased login, the index of the first point
// whose version lists it; the logins whose point is only a bound (by: the
// versions before it, back to one that does not list the login, could not
// be read, so the login was first listed at that point or earlier); and
// whether every answer is exact (false when a version it needed was
// unknown; the answer is then the earliest point known to list the login,
// or its bot message's). The newest point's version is the file on the
// default branch now, which lists every login.
//
// It assumes a login stays listed once listed (the file is only added to):
// a login the bot's messages name is checked at its point and at the
// readable version just before; the others, and those whose check fails,
// are found by bisecting the points, sharing each version read between
// logins.
//
// known answers like version, but only from versions already read.
func (tl *Timeline) FirstListed(logins []string, version, known Version) (map[string]int, map[string]bool, bool) {
	n := len(tl.Points)
	out := make(map[string]int, len(logins))
	by := map[string]bool{}
	exact := true
	if n == 0 {
		return out, by, true
	}
	get := func(i int) (map[string]bool, VersionState) {
		if i == n-1 {
			return nil, Read // handled by listed
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
		j, st, set := i, Unreadable, map[string]bool(nil)
		for ; j < n; j++ {
			if set, st = get(j); st != Unreadable {
				break
			}
		}
		if st == Unknown {
			out[l], exact = i, false
			continue
		}
		if !listed(set, j, l) {
			groups[span{j, n - 1}] = append(groups[span{j, n - 1}], l)
			continue
		}
		// Not listed by the readable version before?
		p, pst, pset := i-1, Unreadable, map[string]bool(nil)
		for ; p >= 0; p-- {
			if pset, pst = get(p); pst != Unreadable {
				break
			}
		}
		switch {
		case p >= 0 && pst == Unknown:
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
		mid, st, set := -1, Unreadable, map[string]bool(nil)
		c := (lo + hi) / 2
		for d := 0; mid < 0 && (c+d < hi || c-d > lo); d++ {
			for k, m := range [2]int{c + d, c - d} {
				if k == 1 && d == 0 || m <= lo || m >= hi {
					continue
				}
				if set, st = get(m); st != Unreadable {
					mid = m
					break
				}
			}
		}
		if mid < 0 || st == Unknown {
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
				if set, st := known(i); st == Read && set[l] {
					hi = i
					break
				}
			}
			for i := hi - 1; i > lo; i-- {
				if set, st := known(i); st == Read && !set[l] {
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
