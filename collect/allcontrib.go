package collect

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/google/go-github/v57/github"
	"github.com/journeys-dev/journeys/collect/allcontrib"
	"github.com/journeys-dev/journeys/collect/ghapi"
)

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
	resp, err := rc.get(ctx, ghapi.Request{Path: "repos/" + rc.repo + "/contents/" + allcontrib.Path + "?ref=" + url.QueryEscape(branch), IfNoneMatch: etag})
	switch {
	case ghapi.IsNotFound(err):
		// A 404 costs quota every time it is asked: remember it was asked
		// at this push, so a run resumed before the next push does not ask
		// again.
		return rc.apply(&delta{AC: &acState{Exists: false}, ACChecked: checked})
	case err != nil:
		return fmt.Errorf("get %s of %s: %w", allcontrib.Path, rc.repo, err)
	case !resp.NotModified:
		people, err := parseACFile(resp.Body)
		if err != nil {
			// A file that is not valid JSON lists no one GitHub-side either.
			rc.noteIncomplete(fmt.Sprintf("%s of %s is not valid JSON: %v", allcontrib.Path, rc.repo, err))
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
	if err != nil {
		return nil, fmt.Errorf("decode content: %w", err)
	}
	return allcontrib.Parse([]byte(text))
}

// acVersionLogins is allcontrib.Logins for a contents API answer: false
// when the answer or the version it holds cannot be read.
func acVersionLogins(body []byte) ([]string, bool) {
	var c github.RepositoryContent
	if err := json.Unmarshal(body, &c); err != nil {
		return nil, false
	}
	text, err := c.GetContent()
	if err != nil {
		return nil, false
	}
	return allcontrib.Logins([]byte(text))
}

// acTimeline is the file's timeline from the state's commits (all the
// default branch's, with parents and messages) and the commits that
// changed the file; it costs no request.
func acTimeline(s *repoState) *allcontrib.Timeline {
	if s.AC == nil || len(s.AC.History) == 0 {
		return allcontrib.NewTimeline(nil, nil)
	}
	commits := make([]allcontrib.Commit, 0, len(s.Commits))
	for _, c := range s.Commits {
		ac := allcontrib.Commit{SHA: c.SHA, Date: c.Commit.Committer.Date, Message: c.Commit.Message}
		for _, p := range c.Parents {
			ac.Parents = append(ac.Parents, p.SHA)
		}
		commits = append(commits, ac)
	}
	changes := make([]allcontrib.Change, 0, len(s.AC.History))
	for _, c := range s.AC.History {
		changes = append(changes, allcontrib.Change{SHA: c.SHA, Date: c.Date, Message: c.Message})
	}
	return allcontrib.NewTimeline(commits, changes)
}

func acLoginsNow(ac *acState) []string {
	out := make([]string, 0, len(ac.People))
	for _, p := range ac.People {
		out = append(out, strings.ToLower(p.Login))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// cachedVersion reads versions from the state only.
func cachedVersion(tl *allcontrib.Timeline, ac *acState) allcontrib.Version {
	return func(i int) (map[string]bool, allcontrib.VersionState) {
		v, ok := ac.Read[tl.Points[i].SHA]
		switch {
		case !ok:
			return nil, allcontrib.Unknown
		case v.Unreadable:
			return nil, allcontrib.Unreadable
		}
		set := make(map[string]bool, len(v.Logins))
		for _, l := range v.Logins {
			set[l] = true
		}
		return set, allcontrib.Read
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
	tl := acTimeline(rc.st)
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
	version := func(i int) (map[string]bool, allcontrib.VersionState) {
		sha := tl.Points[i].SHA
		if v, ok := fetched[sha]; ok {
			return acVersionSet(v)
		}
		rc.mu.Lock()
		set, st := cached(i)
		rc.mu.Unlock()
		if st != allcontrib.Unknown {
			return set, st
		}
		if budget == 0 || ferr != nil {
			return nil, allcontrib.Unknown
		}
		budget--
		resp, err := rc.get(ctx, ghapi.Request{Path: "repos/" + rc.repo + "/contents/" + allcontrib.Path + "?ref=" + sha})
		v := &acReadVersion{}
		switch {
		case ghapi.IsNotFound(err):
			// The file was deleted there (or the server keeps no such version).
			v.Unreadable = true
		case err != nil:
			ferr = fmt.Errorf("read %s of %s at %s: %w", allcontrib.Path, rc.repo, sha, err)
			return nil, allcontrib.Unknown
		default:
			v.Logins, v.Unreadable = acVersionLogins(resp.Body)
			v.Unreadable = !v.Unreadable
		}
		fetched[sha] = v
		return acVersionSet(v)
	}
	known := func(i int) (map[string]bool, allcontrib.VersionState) {
		if v, ok := fetched[tl.Points[i].SHA]; ok {
			return acVersionSet(v)
		}
		rc.mu.Lock()
		defer rc.mu.Unlock()
		return cached(i)
	}
	_, by, exact := tl.FirstListed(logins, version, known)
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
			allcontrib.Path, rc.repo, n, plural(n, "person is", "people are")))
	} else if !exact {
		rc.noteIncomplete(fmt.Sprintf("%s of %s: the version budget (%d a run) did not date everyone; the next run goes on", allcontrib.Path, rc.repo, acVersionBudget))
	}
	return nil
}

func acVersionSet(v *acReadVersion) (map[string]bool, allcontrib.VersionState) {
	if v.Unreadable {
		return nil, allcontrib.Unreadable
	}
	set := make(map[string]bool, len(v.Logins))
	for _, l := range v.Logins {
		set[l] = true
	}
	return set, allcontrib.Read
}

// acFirstListed returns, per lowercased login listed now, when it was first
// listed on the default branch, from the state alone, and the logins for
// which that date is only a bound ("listed by").
func acFirstListed(s *repoState) (map[string]time.Time, map[string]bool) {
	tl := acTimeline(s)
	v := cachedVersion(tl, s.AC)
	first, by, _ := tl.FirstListed(acLoginsNow(s.AC), v, v)
	out := make(map[string]time.Time, len(first))
	for l, i := range first {
		out[l] = tl.Points[i].Date
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
