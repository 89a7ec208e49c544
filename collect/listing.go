package collect

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/google/go-github/v57/github"
	"github.com/journeys-dev/journeys/collect/allcontrib"
)

// Listing names, as the state folder, the progress display and the dry
// run's manifest call them.
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

// listingPerPage is the page size every listing is walked with.
const listingPerPage = 100

// An order is how GitHub orders a listing's items, which says where an
// incremental walk (one after a complete walk) may stop.
type order int

const (
	// byUpdated: latest updated first. An incremental walk stops at the
	// first page holding an item updated before the listing's high-water
	// mark (see walker.mark).
	byUpdated order = iota + 1
	// newestFirst: newest first. An incremental walk stops at the first
	// page holding an item already stored (the listing's known rule).
	newestFirst
	// oldestFirst: oldest first, so new items land on the last page and a
	// removal shifts every later page: the listing is walked whole each
	// time, every page asked with its own ETag (walkStars).
	oldestFirst
)

// notModified is what a 304 on the first page of an incremental walk
// means.
type notModified int

const (
	// unchanged: the listing is as the last complete walk left it; there
	// is nothing to record.
	unchanged notModified = iota
	// branchUnchanged: the default branch is as the last walk left it;
	// the walk's branch mark is recorded (its pushed_at, say), so that the
	// next run knows the commits are current.
	branchUnchanged
)

// A listing describes one GitHub collection of a repository walked page by
// page through the REST API. Adding a listing is one entry in listings,
// plus its page decoder.
type listing struct {
	// name is the listing's key in the state folder and its name in the
	// progress display and the dry run's manifest.
	name string
	// path is the listing's path and fixed query, relative to
	// repos/OWNER/NAME/; {branch} stands for the default branch. sort is
	// the query that orders it, which the dry run leaves out when it
	// counts the items.
	path, sort string
	// accept is the media type asked ("": GitHub's default).
	accept string
	// order says where an incremental walk stops.
	order order
	// decode decodes one page into the delta of its items.
	decode func(body []byte) (*delta, error)
	// highWater, for a listing ordered byUpdated, is the latest
	// updated_at stored.
	highWater func(s *repoState) time.Time
	// known, for a listing ordered newestFirst, tells whether a decoded
	// page holds an item already stored (called with rc.mu held).
	known func(rc *repoCollector, d *delta) bool
	// verify: the listing is walked whole now and then (verify.go), to
	// drop the stored items GitHub no longer lists. dropUnseen drops them
	// at the end of such a walk, or of a tracked walk.
	verify     bool
	dropUnseen func(s *repoState, seen map[string]bool)
	// track: each walk records the keys it sees and, when it went over
	// the whole listing, drops the stored items it did not see (the
	// commits of the default branch, which a force push rewrites). The
	// walk keeps the branch it walked (branchMark).
	track bool
	// on304 is what a 304 on the first page of an incremental walk means.
	on304 notModified
	// label names the listing in the dry run's estimate ("": the dry run
	// leaves it out). size, when set, gives the item count from the
	// repository itself; otherwise the dry run asks the listing for one
	// item a page and reads the count off the last page's number.
	label string
	size  func(r *github.Repository) int64
}

// listings are the REST listings of a repository.
// The GraphQL route reads some of them through GraphQL instead
// (graphql.go).
var listings = []*listing{
	{
		name: listIssues, path: "issues?state=all", sort: "sort=updated&direction=desc",
		order: byUpdated, decode: decodeIssues, highWater: issuesHighWater,
		verify: true, dropUnseen: dropUnseenIssues, label: "issues and PRs",
	},
	{
		name: listComments, path: "issues/comments", sort: "sort=updated&direction=desc",
		order: byUpdated, decode: decodeComments, highWater: commentsHighWater,
		verify: true, dropUnseen: dropUnseenComments, label: "comments",
	},
	{
		name: listReviewComments, path: "pulls/comments", sort: "sort=updated&direction=desc",
		order: byUpdated, decode: decodeReviewComments, highWater: reviewCommentsHighWater,
		verify: true, dropUnseen: dropUnseenReviewComments, label: "review comments",
	},
	{
		name: listCommits, path: "commits?sha={branch}",
		order: newestFirst, decode: decodeCommits, known: knownCommit,
		track: true, dropUnseen: dropUnseenCommits, on304: branchUnchanged, label: "commits",
	},
	{
		name: listStars, path: "stargazers", accept: starAccept,
		order: oldestFirst, decode: decodeStars, label: "stargazers",
		size: func(r *github.Repository) int64 { return int64(r.GetStargazersCount()) },
	},
	{
		name: listForks, path: "forks", sort: "sort=newest",
		order: newestFirst, decode: decodeForks, known: knownFork, label: "forks",
	},
	{
		name: listEvents, path: "issues/events",
		order: newestFirst, decode: decodeEvents, known: knownEvent, label: "issue events",
	},
	{
		// The commits that changed .all-contributorsrc, walked after the
		// file itself (fetchAllContributors); the dry run counts them with
		// the file.
		name: listACHistory, path: "commits?sha={branch}&path=" + allcontrib.Path,
		order: newestFirst, decode: decodeACHistory, known: knownACCommit,
	},
}

// listingOf returns the listing named name, or nil (the GraphQL route's
// own listings have no descriptor).
func listingOf(name string) *listing {
	for _, l := range listings {
		if l.name == name {
			return l
		}
	}
	return nil
}

// verifiable tells whether a listing gets verification walks.
func verifiable(name string) bool {
	l := listingOf(name)
	return l != nil && l.verify
}

// url is the path of the listing's first page for repo (owner/name), whose
// default branch is branch, perPage items a page.
func (l *listing) url(repo, branch string, perPage int) string {
	return l.query(repo, branch, l.sort, "per_page="+strconv.Itoa(perPage))
}

// countURL is the path the dry run counts the listing's items with: one
// item a page, unsorted.
func (l *listing) countURL(repo, branch string) string {
	return l.query(repo, branch, "per_page=1")
}

// query joins the listing's path and the query parts given.
func (l *listing) query(repo, branch string, parts ...string) string {
	p := "repos/" + repo + "/" + strings.ReplaceAll(l.path, "{branch}", url.QueryEscape(branch))
	for _, q := range parts {
		if q == "" {
			continue
		}
		if strings.Contains(p, "?") {
			p += "&" + q
		} else {
			p += "?" + q
		}
	}
	return p
}

// needsBranch tells whether the listing's path names the default branch.
func (l *listing) needsBranch() bool { return strings.Contains(l.path, "{branch}") }

// Page decoders.

func decodeIssues(body []byte) (*delta, error) {
	items, err := decodeList(body, fromIssue)
	return &delta{Issues: items}, err
}

func decodeComments(body []byte) (*delta, error) {
	items, err := decodeList(body, fromIssueComment)
	return &delta{Comments: items}, err
}

func decodeReviewComments(body []byte) (*delta, error) {
	items, err := decodeList(body, fromReviewComment)
	return &delta{ReviewComments: items}, err
}

func decodeCommits(body []byte) (*delta, error) {
	items, err := decodeList(body, fromCommit)
	return &delta{Commits: items}, err
}

func decodeForks(body []byte) (*delta, error) {
	items, err := decodeList(body, fromFork)
	return &delta{Forks: items}, err
}

func decodeEvents(body []byte) (*delta, error) {
	items, err := decodeList(body, fromEvent)
	return &delta{Events: items}, err
}

func decodeStars(body []byte) (*delta, error) {
	items, err := decodeList(body, fromStar)
	return &delta{Stars: items}, err
}

// decodeACHistory decodes a page of the commits that changed
// .all-contributorsrc.
func decodeACHistory(body []byte) (*delta, error) {
	items, err := decodeList(body, fromCommit)
	if err != nil {
		return nil, err
	}
	d := &delta{}
	for _, it := range items {
		d.ACHistory = append(d.ACHistory, &acCommit{SHA: it.SHA, Date: it.Commit.Committer.Date, Message: it.Commit.Message})
	}
	return d, nil
}

// High-water marks of the listings ordered byUpdated.

func issuesHighWater(s *repoState) time.Time {
	var hw time.Time
	for _, it := range s.Issues {
		hw = later(hw, it.UpdatedAt)
	}
	return hw
}

func commentsHighWater(s *repoState) time.Time { return latestComment(s.Comments) }

func reviewCommentsHighWater(s *repoState) time.Time { return latestComment(s.ReviewComments) }

func latestComment(m map[int64]*apiComment) time.Time {
	var hw time.Time
	for _, it := range m {
		hw = later(hw, it.UpdatedAt)
	}
	return hw
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// updatedBefore tells whether d holds an item of a listing ordered
// byUpdated updated before mark.
func (d *delta) updatedBefore(mark time.Time) bool {
	for _, it := range d.Issues {
		if it.UpdatedAt.Before(mark) {
			return true
		}
	}
	for _, cs := range [][]*apiComment{d.Comments, d.ReviewComments} {
		for _, it := range cs {
			if it.UpdatedAt.Before(mark) {
				return true
			}
		}
	}
	return false
}

// Known rules of the listings ordered newestFirst (rc.mu held).

// knownCommit: the walk stops at the page holding the last head seen:
// every stored commit is one of its ancestors, so still on the branch.
// Without it (history rewritten) the walk stops at a stored commit, or
// goes to the end.
func knownCommit(rc *repoCollector, d *delta) bool {
	for _, it := range d.Commits {
		if rc.head != "" && it.SHA == rc.head || rc.head == "" && rc.st.Commits[it.SHA] != nil {
			return true
		}
	}
	return false
}

func knownFork(rc *repoCollector, d *delta) bool {
	for _, it := range d.Forks {
		if rc.st.Forks[it.ID] != nil {
			return true
		}
	}
	return false
}

func knownEvent(rc *repoCollector, d *delta) bool {
	for _, it := range d.Events {
		if rc.st.Events[it.ID] != nil {
			return true
		}
	}
	return false
}

func knownACCommit(rc *repoCollector, d *delta) bool {
	for _, it := range d.ACHistory {
		if rc.st.AC != nil && rc.st.AC.History[it.SHA] != nil {
			return true
		}
	}
	return false
}

// What a whole walk that tracked the keys it saw drops at its end.

// dropUnseenCommits drops the commits no longer on the default branch.
func dropUnseenCommits(s *repoState, seen map[string]bool) {
	for sha := range s.Commits {
		if !seen[sha] {
			delete(s.Commits, sha)
			if s.AC != nil {
				s.AC.Dated = false
			}
		}
	}
}

// dropUnseenIssues drops the issues GitHub no longer lists, with their
// reviews.
func dropUnseenIssues(s *repoState, seen map[string]bool) {
	gone := map[int64]bool{}
	for id, v := range s.Issues {
		if !seen[idKey(id)] {
			gone[v.Number] = true
			delete(s.Issues, id)
		}
	}
	for id, r := range s.Reviews {
		if gone[r.Number] {
			delete(s.Reviews, id)
		}
	}
	for n := range gone {
		delete(s.ReviewMarks, n)
	}
}

func dropUnseenComments(s *repoState, seen map[string]bool) { dropUnseen(s.Comments, seen) }

func dropUnseenReviewComments(s *repoState, seen map[string]bool) {
	dropUnseen(s.ReviewComments, seen)
}
