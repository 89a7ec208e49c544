package collect

import (
	"cmp"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/journeys-dev/journeys/collect/ghapi"
)

// acPath is the all-contributors specification file.
const acPath = ".all-contributorsrc"

// acVersionBudget bounds the older versions of .all-contributorsrc fetched
// per repository and run to date people the bot's messages do not name.
// Versions fetched are kept in the state, so later runs refine further.
const acVersionBudget = 64

// fetchAllContributors reads .all-contributorsrc on the default branch
// (404: the repository has none), then the commits that changed it.
func (rc *repoCollector) fetchAllContributors(ctx context.Context) error {
	rc.mu.Lock()
	etag := ""
	if rc.st.AC != nil {
		etag = rc.st.AC.ETag
	}
	branch := rc.st.Repo.DefaultBranch
	rc.mu.Unlock()
	resp, err := rc.get(ctx, ghapi.Request{Path: "repos/" + rc.repo + "/contents/" + acPath + "?ref=" + url.QueryEscape(branch), IfNoneMatch: etag})
	switch {
	case ghapi.IsNotFound(err):
		return rc.apply(&delta{AC: &acState{Exists: false}})
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
	if err := rc.walk(ctx, listACHistory, "repos/"+rc.repo+"/commits?sha="+url.QueryEscape(branch)+"&path="+acPath+"&per_page=100", "", rc.acHistoryPage); err != nil {
		return err
	}
	return rc.dateACVersions(ctx)
}

func (rc *repoCollector) noteIncomplete(s string) {
	rc.mu.Lock()
	rc.incomplete = append(rc.incomplete, s)
	rc.mu.Unlock()
}

func (rc *repoCollector) acHistoryPage(body []byte, incremental bool) (*delta, bool, error) {
	var items []*apiCommit
	if err := json.Unmarshal(body, &items); err != nil {
		return nil, false, err
	}
	d := &delta{}
	stop := false
	rc.mu.Lock()
	for _, it := range items {
		if incremental && rc.st.AC != nil && rc.st.AC.History[it.SHA] != nil {
			stop = true
		}
		d.ACHistory = append(d.ACHistory, &acCommit{SHA: it.SHA, Date: it.Commit.Committer.Date, Message: it.Commit.Message})
	}
	rc.mu.Unlock()
	return d, stop, nil
}

// parseACFile decodes a contents API answer for .all-contributorsrc.
func parseACFile(body []byte) ([]acEntry, error) {
	var c apiContent
	if err := json.Unmarshal(body, &c); err != nil {
		return nil, err
	}
	raw, err := base64.StdEncoding.DecodeString(strings.NewReplacer("\n", "", "\r", "").Replace(c.Content))
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

var acLoginRe = regexp.MustCompile(`"login"\s*:\s*"([^"]+)"`)

// acLogins returns the logins a version of the file lists; a version that
// is not valid JSON (common in history, after hand-resolved conflicts) is
// read leniently.
func acLogins(body []byte) []string {
	people, err := parseACFile(body)
	if err == nil {
		out := make([]string, 0, len(people))
		for _, p := range people {
			out = append(out, strings.ToLower(p.Login))
		}
		return out
	}
	var c apiContent
	if json.Unmarshal(body, &c) != nil {
		return nil
	}
	raw, _ := base64.StdEncoding.DecodeString(strings.NewReplacer("\n", "", "\r", "").Replace(c.Content))
	var out []string
	for _, m := range acLoginRe.FindAllSubmatch(raw, -1) {
		out = append(out, strings.ToLower(string(m[1])))
	}
	return out
}

// acAddRe matches the all-contributors bot's commit messages ("docs: add
// LOGIN as a contributor (for code, doc)", older "docs: add @LOGIN as a
// contributor") and its branch names ("all-contributors/add-LOGIN") in
// merge messages.
var (
	acAddRe    = regexp.MustCompile(`(?i)^\s*docs:\s*add\s+@?([a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\[bot\])?)\s+as\s+a\s+contributor`)
	acBranchRe = regexp.MustCompile(`(?i)all-contributors/add-([a-z0-9](?:[a-z0-9-]*[a-z0-9])?)\b`)
)

// acFirstListed dates each listed person: the earliest bot commit that says
// it added them, else the first version of the file that lists them, found
// by bisecting the file's history (versions fetched are cached; at most
// acVersionBudget new ones per run). A person the bisection could not pin
// down within the budget gets the earliest version known to list them.
func (rc *repoCollector) dateACVersions(ctx context.Context) error {
	rc.mu.Lock()
	ac := rc.st.AC
	if ac == nil || !ac.Exists || len(ac.People) == 0 {
		rc.mu.Unlock()
		return nil
	}
	hist := acOrdered(ac.History)
	cached := make(map[string][]string, len(ac.Versions))
	for k, v := range ac.Versions {
		cached[k] = v
	}
	pending := map[string]bool{}
	for _, p := range ac.People {
		pending[strings.ToLower(p.Login)] = true
	}
	rc.mu.Unlock()
	for l := range acMessageDates(hist) {
		delete(pending, l)
	}
	if len(pending) == 0 || len(hist) == 0 {
		return nil
	}
	budget := acVersionBudget
	fetched := map[string][]string{}
	var ferr error
	version := func(i int) (map[string]bool, bool) {
		sha := hist[i].SHA
		v, ok := cached[sha]
		if !ok {
			if budget == 0 || ferr != nil {
				return nil, false
			}
			budget--
			resp, err := rc.get(ctx, ghapi.Request{Path: "repos/" + rc.repo + "/contents/" + acPath + "?ref=" + sha})
			switch {
			case ghapi.IsNotFound(err):
				v = []string{}
			case err != nil:
				ferr = err
				return nil, false
			default:
				v = acLogins(resp.Body)
				if v == nil {
					v = []string{}
				}
			}
			cached[sha], fetched[sha] = v, v
		}
		set := make(map[string]bool, len(v))
		for _, l := range v {
			set[l] = true
		}
		return set, true
	}
	logins := make([]string, 0, len(pending))
	for l := range pending {
		logins = append(logins, l)
	}
	slices.Sort(logins)
	var solve func(lo, hi int, s []string)
	solve = func(lo, hi int, s []string) {
		if len(s) == 0 || hi-lo <= 1 {
			return
		}
		mid := (lo + hi) / 2
		set, ok := version(mid)
		if !ok {
			return
		}
		var in, out []string
		for _, l := range s {
			if set[l] {
				in = append(in, l)
			} else {
				out = append(out, l)
			}
		}
		solve(lo, mid, in)
		solve(mid, hi, out)
	}
	solve(-1, len(hist)-1, logins)
	if ferr != nil {
		rc.noteIncomplete(fmt.Sprintf("older versions of %s of %s: %v", acPath, rc.repo, ferr))
	}
	if len(fetched) == 0 {
		return ferr
	}
	return rc.apply(&delta{ACVersions: fetched})
}

// acOrdered returns the file's commits oldest first.
func acOrdered(h map[string]*acCommit) []*acCommit {
	out := make([]*acCommit, 0, len(h))
	for _, c := range h {
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b *acCommit) int {
		if c := a.Date.Compare(b.Date); c != 0 {
			return c
		}
		return cmp.Compare(a.SHA, b.SHA)
	})
	return out
}

// acMessageDates returns, per lowercased login, the earliest date a commit
// message says the login was added.
func acMessageDates(hist []*acCommit) map[string]time.Time {
	out := map[string]time.Time{}
	for _, c := range hist {
		for _, re := range []*regexp.Regexp{acAddRe, acBranchRe} {
			if m := re.FindStringSubmatch(c.Message); m != nil {
				l := strings.ToLower(m[1])
				if t, ok := out[l]; !ok || c.Date.Before(t) {
					out[l] = c.Date
				}
			}
		}
	}
	return out
}

// acFirstListed returns, per lowercased login, when it was first listed:
// from the bot's messages, else the earliest cached version listing it.
func acFirstListed(ac *acState) map[string]time.Time {
	hist := acOrdered(ac.History)
	out := acMessageDates(hist)
	for _, c := range hist {
		for _, l := range ac.Versions[c.SHA] {
			if _, ok := out[l]; !ok {
				out[l] = c.Date
			}
		}
	}
	// The newest commit's version is the file on the default branch now.
	if n := len(hist); n > 0 {
		for _, p := range ac.People {
			l := strings.ToLower(p.Login)
			if _, ok := out[l]; !ok {
				out[l] = hist[n-1].Date
			}
		}
	}
	return out
}
