package collect

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/journeys-dev/journeys/collect/allcontrib"
	"github.com/journeys-dev/journeys/internal/table"
)

// stateVersion changes when the state layout does; older state is ignored
// (the next run is then a full one).
const stateVersion = 1

// repoState is what the state folder keeps about one repository between
// runs: every item seen (keyed by id), and per listing the first page's ETag
// and where an interrupted walk stopped. Tables are built from it.
type repoState struct {
	Version  int                   `json:"version"`
	Repo     *apiRepo              `json:"repo,omitempty"`
	RepoETag string                `json:"repo_etag,omitempty"`
	Lists    map[string]*listState `json:"lists"`

	Issues         map[int64]*apiIssue      `json:"issues"`
	Comments       map[int64]*apiComment    `json:"comments"`
	ReviewComments map[int64]*apiComment    `json:"review_comments"`
	Reviews        map[int64]*apiReview     `json:"reviews"`
	ReviewMarks    map[int64]*reviewMark    `json:"review_marks"` // pull number ->
	Commits        map[string]*apiCommit    `json:"commits"`
	Stars          map[string]*apiStar      `json:"stars"` // login ->
	Forks          map[int64]*apiFork       `json:"forks"`
	Events         map[int64]*apiIssueEvent `json:"events"`
	AC             *acState                 `json:"all_contributors,omitempty"`
	// Seen holds, per listing whose walk drops the items it did not see
	// (the commits; issues and both comment listings during a
	// verification walk), the keys seen by the walk in progress.
	Seen map[string]map[string]bool `json:"seen,omitempty"`
	// Complete is set when a whole collection of the repository finished.
	Complete bool `json:"complete"`
}

// listState is one listing's progress.
type listState struct {
	// ETag is the first page's, from the last complete walk.
	ETag string `json:"etag,omitempty"`
	// Complete: one walk went to the end (later walks may stop at known items).
	Complete bool `json:"complete"`
	// Resume is the next page of an interrupted walk; PendingETag the first
	// page's ETag of that walk.
	Resume      string `json:"resume,omitempty"`
	PendingETag string `json:"pending_etag,omitempty"`
	// Incremental says whether the interrupted walk was an incremental one;
	// Mark is the high-water mark it stops below (see repoCollector.mark).
	Incremental bool      `json:"incremental,omitempty"`
	Mark        time.Time `json:"mark,omitzero"`
	// Pages holds per-page ETags and keys, for listings walked whole each
	// time (stargazers, which GitHub serves oldest first).
	Pages []pageMark `json:"pages,omitempty"`
	// Count is the item count the repository reported at the last walk.
	Count int64 `json:"count,omitempty"`
	// VerifiedAt is when the last whole walk of a listing sorted by
	// updated_at began (see verifyAfter); Pages then holds that of the
	// last verification walk. Verifying: the walk in progress is a
	// verification walk, begun at VerifyStart, whose pages so far are
	// Walked.
	VerifiedAt  time.Time  `json:"verified_at,omitzero"`
	Verifying   bool       `json:"verifying,omitempty"`
	VerifyStart time.Time  `json:"verify_start,omitzero"`
	Walked      []pageMark `json:"walked,omitempty"`
	branchMark
}

// completeState is a listing's state at the end of a walk: etag is the
// first page's, asked with the next walk; verified is when the walk began
// if it was a whole walk of a verifiable listing (zero: the last one's
// time stays, see setList); bm the default branch walked (tracked
// listings).
func completeState(etag string, verified time.Time, bm branchMark) *listState {
	return &listState{ETag: etag, Complete: true, VerifiedAt: verified, branchMark: bm}
}

// verifyingState is a listing's state during a verification walk begun at
// started, which goes on at next; etag is the last complete walk's first
// page's, pending this walk's.
func verifyingState(etag, next, pending string, started time.Time) *listState {
	return &listState{ETag: etag, Complete: true, Resume: next, PendingETag: pending, Verifying: true, VerifyStart: started}
}

// pagesState is the state of a listing walked whole page by page (the
// stargazers) at the end of a walk: its pages, and the item count the
// repository reported.
func pagesState(pages []pageMark, count int64) *listState {
	return &listState{Complete: true, Pages: pages, Count: count}
}

// pagesAt is ls, a listing walked whole page by page, during a walk that
// read pages so far and goes on at next.
func (ls *listState) pagesAt(next string, pages []pageMark) *listState {
	return &listState{Complete: ls.Complete, Resume: next, Pages: pages, Count: ls.Count}
}

// pageKeysOf is the keys of every page of pages.
func pageKeysOf(pages []pageMark) []string {
	keys := []string{}
	for _, p := range pages {
		keys = append(keys, p.Keys...)
	}
	return keys
}

// branchMark is what a walk of the default branch's commits keeps.
type branchMark struct {
	// Branch is the default branch walked; Head its newest commit at the
	// end of the last complete walk, PendingHead that of the walk in
	// progress.
	Branch      string `json:"branch,omitempty"`
	Head        string `json:"head,omitempty"`
	PendingHead string `json:"pending_head,omitempty"`
	// Verify: the walk in progress is a whole one that drops, at its end,
	// the stored commits it did not see (the default branch was renamed,
	// or its last head is not known).
	Verify bool `json:"verify,omitempty"`
	// PushedAt is the repository's pushed_at when the walk began: a run
	// killed after reading a newer one still walks the commits next time.
	PushedAt *time.Time `json:"pushed_at,omitempty"`
}

type pageMark struct {
	URL  string   `json:"url"`
	ETag string   `json:"etag"`
	Keys []string `json:"keys"`
}

// reviewMark says when a pull request's reviews were last fetched.
type reviewMark struct {
	UpdatedAt time.Time `json:"updated_at"`
	ETag      string    `json:"etag,omitempty"`
}

// acState is what is known of .all-contributorsrc.
type acState struct {
	ETag    string               `json:"etag,omitempty"`
	Exists  bool                 `json:"exists"`
	People  []acEntry            `json:"people,omitempty"`
	History map[string]*acCommit `json:"history,omitempty"` // sha ->
	// Read holds the older versions read, by the default-branch commit
	// they were read at.
	Read map[string]*acReadVersion `json:"read_versions,omitempty"`
	// Dated: the people listed now are dated exactly from History, Read
	// and the commits (no version is missing).
	Dated bool `json:"dated,omitempty"`
	// Checked is the default branch and pushed_at at which the file, and
	// the commits that changed it, were last read whole (empty in states
	// written before it was kept).
	Checked *branchMark `json:"checked,omitempty"`
}

// acReadVersion is one older version of .all-contributorsrc.
type acReadVersion struct {
	Logins     []string `json:"logins,omitempty"` // lowercased
	Unreadable bool     `json:"unreadable,omitempty"`
}

// acEntry is a person the file lists.
type acEntry = allcontrib.Entry

type acCommit struct {
	SHA     string    `json:"sha"`
	Date    time.Time `json:"date"`
	Message string    `json:"message"`
}

func newRepoState() *repoState {
	return &repoState{
		Version:        stateVersion,
		Lists:          map[string]*listState{},
		Issues:         map[int64]*apiIssue{},
		Comments:       map[int64]*apiComment{},
		ReviewComments: map[int64]*apiComment{},
		Reviews:        map[int64]*apiReview{},
		ReviewMarks:    map[int64]*reviewMark{},
		Commits:        map[string]*apiCommit{},
		Stars:          map[string]*apiStar{},
		Forks:          map[int64]*apiFork{},
		Events:         map[int64]*apiIssueEvent{},
	}
}

func (s *repoState) list(name string) *listState {
	ls := s.Lists[name]
	if ls == nil {
		ls = &listState{}
		s.Lists[name] = ls
	}
	return ls
}

// A delta is one change to a repoState: the items of one page and the
// listing's new progress. Deltas are appended to the repository's journal
// as they happen, so that a killed run resumes at the page it was on.
//
// A delta is also the journal's record on disk, field for field: the
// commands it carries (Renew, KeepStars, ResetSeen, Track, DropUnseen,
// Complete) are replayed when a state folder is loaded as much as its
// items are, so there is no part of it that lives in memory only. Its
// JSON names are part of the state folder's format, which later versions
// read (testdata/state-v1).
type delta struct {
	List      string     `json:"list,omitempty"`
	ListState *listState `json:"list_state,omitempty"`

	Repo     *apiRepo `json:"repo,omitempty"`
	RepoETag *string  `json:"repo_etag,omitempty"`

	// Renew lists issue numbers whose comments, review comments, reviews
	// and events this delta replaces (an issue's whole timeline, read
	// again): the stored ones are dropped first.
	Renew          []int64                   `json:"renew,omitempty"`
	Issues         []*apiIssue               `json:"issues,omitempty"`
	Comments       []*apiComment             `json:"comments,omitempty"`
	ReviewComments []*apiComment             `json:"review_comments,omitempty"`
	Reviews        []*apiReview              `json:"reviews,omitempty"`
	ReviewMarks    map[int64]*reviewMark     `json:"review_marks,omitempty"`
	Commits        []*apiCommit              `json:"commits,omitempty"`
	Stars          []*apiStar                `json:"stars,omitempty"`
	Forks          []*apiFork                `json:"forks,omitempty"`
	Events         []*apiIssueEvent          `json:"events,omitempty"`
	AC             *acState                  `json:"all_contributors,omitempty"`
	ACHistory      []*acCommit               `json:"all_contributors_history,omitempty"`
	ACVersions     map[string]*acReadVersion `json:"all_contributors_read,omitempty"`
	ACDated        bool                      `json:"all_contributors_dated,omitempty"`
	// ACChecked: .all-contributorsrc and its history were read whole at
	// this branch and pushed_at.
	ACChecked *branchMark `json:"all_contributors_checked,omitempty"`
	// KeepStars, when set, drops the stargazers not listed (a whole walk
	// of the stargazers finished).
	KeepStars []string `json:"keep_stars,omitempty"`
	DropStars bool     `json:"drop_stars,omitempty"`
	// ResetSeen forgets the keys seen by an earlier walk of List; Track
	// records the items of this delta of List's kind (and SeenKeys) as
	// seen by the walk of List; DropUnseen (the walk ended) drops the
	// stored items of that kind it did not see (with an issue, its
	// reviews).
	SeenKeys []string `json:"seen_keys,omitempty"`
	// Page is one page of a verification walk of List: appended to the
	// walk's pages, which become the listing's Pages when it ends.
	Page       *pageMark `json:"page,omitempty"`
	ResetSeen  bool      `json:"reset_seen,omitempty"`
	Track      bool      `json:"track,omitempty"`
	DropUnseen bool      `json:"drop_unseen,omitempty"`
	Complete   bool      `json:"complete,omitempty"`
}

// items is the number of items d brings, for the progress display.
func (d *delta) items() int64 {
	n := len(d.Issues) + len(d.Comments) + len(d.ReviewComments) + len(d.Reviews) + len(d.Commits) +
		len(d.Stars) + len(d.Forks) + len(d.Events) + len(d.ACHistory)
	if d.Repo != nil {
		n++
	}
	return int64(n)
}

func (s *repoState) apply(d *delta) {
	if d.List != "" && d.ListState != nil {
		s.setList(d)
	}
	if d.Repo != nil {
		s.Repo = d.Repo
	}
	if d.RepoETag != nil {
		s.RepoETag = *d.RepoETag
	}
	if len(d.Renew) > 0 {
		s.renew(d.Renew)
	}
	for _, v := range d.Issues {
		s.Issues[v.ID] = v
	}
	for _, v := range d.Comments {
		s.Comments[v.ID] = v
	}
	for _, v := range d.ReviewComments {
		s.ReviewComments[v.ID] = v
	}
	for _, v := range d.Reviews {
		s.Reviews[v.ID] = v
	}
	for k, v := range d.ReviewMarks {
		s.ReviewMarks[k] = v
	}
	for _, v := range d.Commits {
		// A commit new to the state may land a change of the file.
		if s.AC != nil && s.Commits[v.SHA] == nil {
			s.AC.Dated = false
		}
		s.Commits[v.SHA] = v
	}
	s.applySeen(d)
	for _, v := range d.Stars {
		if v.User != nil {
			s.Stars[v.User.Login] = v
		}
	}
	if d.KeepStars != nil || d.DropStars {
		keep := make(map[string]bool, len(d.KeepStars))
		for _, l := range d.KeepStars {
			keep[l] = true
		}
		for l := range s.Stars {
			if !keep[l] {
				delete(s.Stars, l)
			}
		}
	}
	for _, v := range d.Forks {
		s.Forks[v.ID] = v
	}
	for _, v := range d.Events {
		s.Events[v.ID] = v
	}
	if d.AC != nil {
		// A new version of the file keeps the history known, and must be
		// dated again.
		h, v := map[string]*acCommit{}, map[string]*acReadVersion{}
		if s.AC != nil && d.AC.Exists {
			h, v = s.AC.History, s.AC.Read
		}
		// A copy: d is journaled after the lock is let go, and must not
		// share the state's maps.
		ac := *d.AC
		ac.History, ac.Read, ac.Dated = h, v, false
		s.AC = &ac
	}
	if s.AC != nil {
		if s.AC.History == nil {
			s.AC.History = map[string]*acCommit{}
		}
		if s.AC.Read == nil {
			s.AC.Read = map[string]*acReadVersion{}
		}
		for _, c := range d.ACHistory {
			if s.AC.History[c.SHA] == nil {
				s.AC.Dated = false
			}
			s.AC.History[c.SHA] = c
		}
		for k, v := range d.ACVersions {
			s.AC.Read[k] = v
		}
		if d.ACDated {
			s.AC.Dated = true
		}
		if d.ACChecked != nil {
			s.AC.Checked = d.ACChecked
		}
	}

	if d.Complete {
		s.Complete = true
	}
}

// applySeen records which items the walk of d.List saw and, at its end,
// drops the others by the listing's rule (dropUnseen): commits no longer
// on the default branch, issues and comments GitHub no longer lists.
func (s *repoState) applySeen(d *delta) {
	if d.List == "" {
		return
	}
	if d.ResetSeen {
		delete(s.Seen, d.List)
	}
	if d.Track {
		if s.Seen == nil {
			s.Seen = map[string]map[string]bool{}
		}
		seen := s.Seen[d.List]
		if seen == nil {
			seen = map[string]bool{}
			s.Seen[d.List] = seen
		}
		for _, v := range d.Commits {
			seen[v.SHA] = true
		}
		for _, v := range d.Issues {
			seen[idKey(v.ID)] = true
		}
		for _, v := range d.Comments {
			seen[idKey(v.ID)] = true
		}
		for _, v := range d.ReviewComments {
			seen[idKey(v.ID)] = true
		}
		for _, k := range d.SeenKeys {
			seen[k] = true
		}
	}
	if d.DropUnseen {
		if l := listingOf(d.List); l != nil && l.dropUnseen != nil {
			l.dropUnseen(s, s.Seen[d.List])
		}
		delete(s.Seen, d.List)
	}
}

// renew drops the comments, review comments, reviews and events of the
// issues numbered ns.
func (s *repoState) renew(ns []int64) {
	drop := make(map[int64]bool, len(ns))
	for _, n := range ns {
		drop[n] = true
	}
	for id, c := range s.Comments {
		if drop[c.number()] {
			delete(s.Comments, id)
		}
	}
	for id, c := range s.ReviewComments {
		if drop[c.number()] {
			delete(s.ReviewComments, id)
		}
	}
	for id, r := range s.Reviews {
		if drop[r.Number] {
			delete(s.Reviews, id)
		}
	}
	for id, e := range s.Events {
		if e.Issue != nil && drop[e.Issue.Number] {
			delete(s.Events, id)
		}
	}
}

func dropUnseen[V any](m map[int64]V, seen map[string]bool) {
	for id := range m {
		if !seen[idKey(id)] {
			delete(m, id)
		}
	}
}

// idKey is an item id as the seen keys and page marks spell it.
func idKey(id int64) string { return strconv.FormatInt(id, 10) }

// setList replaces d.List's progress with d.ListState (a copy: the delta
// is journaled as it is). The pages of the last verification walk, and
// when it was, carry over until a verification walk ends; the pages of a
// verification walk in progress build up one delta at a time.
func (s *repoState) setList(d *delta) {
	old := s.list(d.List)
	ls := *d.ListState
	if verifiable(d.List) {
		if ls.Pages == nil {
			ls.Pages = old.Pages
		}
		if ls.VerifiedAt.IsZero() {
			ls.VerifiedAt = old.VerifiedAt
		}
		if ls.Verifying {
			ls.Walked = old.Walked
		}
		if d.Page != nil {
			if ls.Verifying {
				ls.Walked = append(slices.Clip(ls.Walked), *d.Page)
			} else {
				ls.Pages = append(slices.Clip(old.Walked), *d.Page)
			}
		}
	}
	s.Lists[d.List] = &ls
}

// stateStore keeps each repository's state in DIR/<owner>__<name>.json, with
// the changes since in DIR/<owner>__<name>.journal (JSON lines, each synced
// to disk before the run goes on).
type stateStore struct {
	dir string
}

func stateKey(repo string) string {
	return strings.ReplaceAll(repo, "/", "__")
}

// load reads a repository's state and replays its journal. A missing or
// outdated state is a fresh one.
func (st *stateStore) load(repo string) (*repoState, error) {
	s := newRepoState()
	base := filepath.Join(st.dir, stateKey(repo))
	b, err := os.ReadFile(base + ".json")
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return nil, fmt.Errorf("read state of %s: %w", repo, err)
	default:
		loaded := newRepoState()
		if err := json.Unmarshal(b, loaded); err != nil {
			return nil, fmt.Errorf("read state of %s (delete %s to start afresh): %w", repo, base+".json", err)
		}
		if loaded.Version == stateVersion {
			s = loaded
			fillMaps(s)
		}
	}
	j, err := os.ReadFile(base + ".journal")
	if errors.Is(err, fs.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read journal of %s: %w", repo, err)
	}
	good := 0
	for good < len(j) {
		n := bytes.IndexByte(j[good:], '\n')
		if n < 0 {
			break
		}
		var d delta
		if err := json.Unmarshal(j[good:good+n], &d); err != nil {
			break
		}
		s.apply(&d)
		good += n + 1
	}
	if good < len(j) {
		// A line cut short by a kill: drop it (its page is fetched again),
		// so that what the next run appends is read back.
		if err := os.Truncate(base+".journal", int64(good)); err != nil {
			return nil, fmt.Errorf("repair journal of %s: %w", repo, err)
		}
	}
	return s, nil
}

func fillMaps(s *repoState) {
	n := newRepoState()
	if s.Lists == nil {
		s.Lists = n.Lists
	}
	if s.Issues == nil {
		s.Issues = n.Issues
	}
	if s.Comments == nil {
		s.Comments = n.Comments
	}
	if s.ReviewComments == nil {
		s.ReviewComments = n.ReviewComments
	}
	if s.Reviews == nil {
		s.Reviews = n.Reviews
	}
	if s.ReviewMarks == nil {
		s.ReviewMarks = n.ReviewMarks
	}
	if s.Commits == nil {
		s.Commits = n.Commits
	}
	if s.Stars == nil {
		s.Stars = n.Stars
	}
	if s.Forks == nil {
		s.Forks = n.Forks
	}
	if s.Events == nil {
		s.Events = n.Events
	}
}

// journal is the journal file of one repository, created at the first
// change (a run that changes nothing writes nothing). Each append returns
// once its line is synced to disk; appends made while a sync runs share
// the next one (group commit), so parallel pages do not queue on fsync.
type journal struct {
	mu      sync.Mutex
	synced  *sync.Cond // signalled when a sync ends
	path    string
	f       *os.File
	written int64 // bytes written
	durable int64 // bytes synced
	syncing bool
}

func (st *stateStore) journal(repo string) *journal {
	j := &journal{path: filepath.Join(st.dir, stateKey(repo)+".journal")}
	j.synced = sync.NewCond(&j.mu)
	return j
}

func (j *journal) append(d *delta) error {
	b, err := json.Marshal(d)
	if err != nil {
		return err
	}
	b = append(b, '\n')
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.f == nil {
		if err := os.MkdirAll(filepath.Dir(j.path), 0o700); err != nil {
			return fmt.Errorf("create state folder: %w", err)
		}
		f, err := os.OpenFile(j.path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
		if err != nil {
			return fmt.Errorf("open journal: %w", err)
		}
		j.f = f
	}
	if _, err := j.f.Write(b); err != nil {
		return fmt.Errorf("write journal: %w", err)
	}
	j.written += int64(len(b))
	mine := j.written
	for j.durable < mine {
		if j.syncing {
			j.synced.Wait()
			continue
		}
		j.syncing = true
		target, f := j.written, j.f
		j.mu.Unlock()
		err := f.Sync()
		j.mu.Lock()
		j.syncing = false
		j.synced.Broadcast()
		if err != nil {
			return fmt.Errorf("sync journal: %w", err)
		}
		j.durable = max(j.durable, target)
	}
	return nil
}

func (j *journal) close() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	for j.syncing {
		j.synced.Wait()
	}
	if j.f == nil {
		return nil
	}
	err := j.f.Close()
	j.f = nil
	return err
}

// save writes a repository's whole state atomically and empties its journal.
func (st *stateStore) save(repo string, s *repoState) error {
	if err := os.MkdirAll(st.dir, 0o700); err != nil {
		return fmt.Errorf("create state folder: %w", err)
	}
	b, err := json.Marshal(s)
	if err != nil {
		return fmt.Errorf("encode state of %s: %w", repo, err)
	}
	base := filepath.Join(st.dir, stateKey(repo))
	if err := table.WriteFileAtomic(base+".json", b); err != nil {
		return fmt.Errorf("save state of %s: %w", repo, err)
	}
	if err := os.Remove(base + ".journal"); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("save state of %s: %w", repo, err)
	}
	return nil
}
