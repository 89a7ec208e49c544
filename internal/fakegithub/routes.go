package fakegithub

import (
	"cmp"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// A route is one endpoint. Repository routes match both
// /repos/{owner}/{repo}/... and /repositories/{id}/... (the form GitHub's
// Link headers use); segs is then the part after that prefix.
type route struct {
	name   string // the template counted in Stats, "GET /repos/{owner}/{repo}/issues"
	repo   bool
	segs   []string // literal segments, "{name}", or a final "{name...}"
	free   bool     // not counted against the quota
	handle func(*call) response
}

var routes = []*route{
	repoRoute("", getRepo),
	repoRoute("/issues", listIssues),
	repoRoute("/issues/comments", listIssueComments),
	repoRoute("/issues/events", listIssueEvents),
	repoRoute("/pulls", listPulls),
	repoRoute("/pulls/comments", listReviewComments),
	repoRoute("/pulls/{pull_number}/reviews", listReviews),
	repoRoute("/commits", listCommits),
	repoRoute("/stargazers", listStargazers),
	repoRoute("/forks", listForks),
	// GitHub's template names the path {path}, for the root listing too.
	{name: "GET /repos/{owner}/{repo}/contents/{path}", repo: true, segs: split("/contents"), handle: getContents},
	{name: "GET /repos/{owner}/{repo}/contents/{path}", repo: true, segs: split("/contents/{path...}"), handle: getContents},
	{name: "GET /orgs/{org}/repos", segs: split("/orgs/{org}/repos"), handle: listOrgRepos},
	{name: "GET /orgs/{org}/repos", segs: split("/organizations/{org_id}/repos"), handle: listOrgRepos},
	{name: "GET /rate_limit", segs: split("/rate_limit"), free: true, handle: getRateLimit},
	{name: "GET /user", segs: split("/user"), handle: getUser},
	{name: "GET /raw/{owner}/{repo}/{ref}/{path}", segs: split("/raw/{owner}/{repo}/{ref}/{path...}"), free: true, handle: getRaw},
}

func repoRoute(suffix string, h func(*call) response) *route {
	return &route{name: "GET /repos/{owner}/{repo}" + suffix, repo: true, segs: split(suffix), handle: h}
}

func split(p string) []string {
	p = strings.Trim(p, "/")
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}

// match finds the route of a request path (BasePath removed) and its
// parameters.
func (s *Server) match(method, path string) (*route, map[string]string) {
	if method != http.MethodGet && method != http.MethodHead {
		return nil, nil
	}
	if path == "" {
		return nil, nil
	}
	segs := strings.Split(strings.TrimPrefix(path, "/"), "/")
	if n := len(segs); n > 0 && segs[n-1] == "" && !(n >= 2 && segs[n-2] == "contents") {
		segs = segs[:n-1] // a trailing slash
	}
	params := map[string]string{}
	var rest []string
	switch {
	case len(segs) >= 3 && segs[0] == "repos":
		params["owner"], params["repo"], rest = segs[1], segs[2], segs[3:]
	case len(segs) >= 2 && segs[0] == "repositories":
		params["id"], rest = segs[1], segs[2:]
	}
	for _, rt := range routes {
		in := segs
		if rt.repo {
			if len(params) == 0 {
				continue
			}
			in = rest
		}
		if matchSegs(rt.segs, in, params) {
			if rt.repo {
				params["rest"] = strings.Join(rest, "/")
			}
			return rt, params
		}
	}
	return nil, nil
}

func matchSegs(pattern, in []string, params map[string]string) bool {
	for i, p := range pattern {
		if name, ok := strings.CutSuffix(p, "...}"); ok {
			params[name[1:]] = strings.Join(in[i:], "/")
			return true
		}
		if i >= len(in) {
			return false
		}
		if strings.HasPrefix(p, "{") {
			params[p[1:len(p)-1]] = in[i]
		} else if p != in[i] {
			return false
		}
	}
	return len(pattern) == len(in)
}

// A call is one request being answered.
type call struct {
	s      *Server
	r      *http.Request
	q      url.Values
	params map[string]string
	who    caller
	bucket *bucket
	u      urls
	repo   *Repo // for repository routes
	route  string
}

// handle answers a matched request with the data read-locked.
func (s *Server) handle(r *http.Request, rt *route, params map[string]string, who caller, b *bucket) response {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	host := scheme + "://" + r.Host
	c := &call{
		s: s, r: r, q: r.URL.Query(), params: params, who: who, bucket: b, route: rt.name,
		u: urls{api: host + s.opts.BasePath, web: s.opts.WebURL, raw: host + "/raw"},
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if rt.repo {
		var repo *Repo
		if id, ok := params["id"]; ok {
			n, err := strconv.ParseInt(id, 10, 64)
			if err == nil {
				repo = s.byID[n]
			}
		} else {
			repo = s.byName[strings.ToLower(params["owner"]+"/"+params["repo"])]
		}
		if repo == nil || repo.Private {
			return notFound(docsGetRepository)
		}
		if resp, failed := s.opts.Faults.failRepo(repo.Owner + "/" + repo.Name); failed {
			s.statsMu.Lock()
			s.stats.Faults++
			s.statsMu.Unlock()
			return resp
		}
		c.repo = repo
	}
	return rt.handle(c)
}

// listBase is the absolute URL GitHub's Link headers use for a repository
// listing: /repositories/{id}/...
func (c *call) listBase() string {
	return fmt.Sprintf("%s/repositories/%d/%s", c.u.api, c.repo.ID, c.params["rest"])
}

// page answers a listing: the requested page of items, mapped to payloads.
func page[T, P any](c *call, items []T, base string, payload func(T) P) response {
	start, end, link, refused := c.paginate(len(items), base)
	if refused != nil {
		return *refused
	}
	pg := items[start:end]
	out := make([]P, 0, len(pg))
	for _, it := range pg {
		out = append(out, payload(it))
	}
	return response{status: http.StatusOK, body: out, link: link}
}

// since parses an ISO 8601 since/until parameter; ok is false when absent.
// A malformed value answers 422 as GitHub does.
func (c *call) timeParam(name string) (t time.Time, ok bool, bad *response) {
	v := c.q.Get(name)
	if v == "" {
		return time.Time{}, false, nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05Z0700", "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t, true, nil
		}
	}
	resp := errorResponse(http.StatusUnprocessableEntity, "Invalid value for parameter '"+name+"'", docsRoot)
	return time.Time{}, false, &resp
}

// direction returns whether the listing is in descending order.
func (c *call) descending(def string) bool {
	d := c.q.Get("direction")
	if d != "asc" && d != "desc" {
		d = def
	}
	return d == "desc"
}

func order(desc bool, v int) int {
	if desc {
		return -v
	}
	return v
}

func getRepo(c *call) response {
	return jsonResponse(c.u.fullRepo(c.s.data, c.repo))
}

// listIssues serves GET /repos/{owner}/{repo}/issues: issues and pull
// requests, state=open by default, filtered by labels and since (updated at
// or after), sorted by created (default), updated or comments, desc by
// default.
func listIssues(c *call) response {
	state := c.q.Get("state")
	if state != "closed" && state != "all" {
		state = "open"
	}
	since, hasSince, bad := c.timeParam("since")
	if bad != nil {
		return *bad
	}
	var labels []string
	if v := c.q.Get("labels"); v != "" {
		for _, l := range strings.Split(v, ",") {
			labels = append(labels, strings.TrimSpace(l))
		}
	}
	creator := c.q.Get("creator")
	items := make([]*Issue, 0, len(c.repo.Issues))
	for _, is := range c.repo.Issues {
		if state != "all" && is.State != state {
			continue
		}
		if hasSince && is.UpdatedAt.Before(since) {
			continue
		}
		if creator != "" && !strings.EqualFold(creator, is.User.Login) {
			continue
		}
		if !hasLabels(is.Labels, labels) {
			continue
		}
		items = append(items, is)
	}
	desc := c.descending("desc")
	sortKey := c.q.Get("sort")
	slices.SortFunc(items, func(a, b *Issue) int {
		var v int
		switch sortKey {
		case "updated":
			v = a.UpdatedAt.Compare(b.UpdatedAt)
		case "comments":
			v = cmp.Compare(a.Comments, b.Comments)
		default:
			v = a.CreatedAt.Compare(b.CreatedAt)
		}
		if v == 0 {
			v = cmp.Compare(a.Number, b.Number)
		}
		return order(desc, v)
	})
	return page(c, items, c.listBase(), func(is *Issue) issuePayload {
		p := c.u.issue(c.repo, is)
		if p.PullRequest != nil && c.s.opts.NoIssueMergedAt {
			p.PullRequest.MergedAt = nil
		}
		return p
	})
}

func hasLabels(have, want []string) bool {
	for _, w := range want {
		found := false
		for _, h := range have {
			if strings.EqualFold(h, w) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// listIssueComments serves GET /repos/{owner}/{repo}/issues/comments:
// ascending by ID unless sort (created|updated) and direction say
// otherwise; since keeps comments updated at or after it.
func listIssueComments(c *call) response {
	since, hasSince, bad := c.timeParam("since")
	if bad != nil {
		return *bad
	}
	items := make([]*Comment, 0, len(c.repo.Comments))
	for _, cm := range c.repo.Comments {
		if hasSince && cm.UpdatedAt.Before(since) {
			continue
		}
		items = append(items, cm)
	}
	sortByTimes(c, items, func(x *Comment) (time.Time, time.Time, int64) { return x.CreatedAt, x.UpdatedAt, x.ID })
	prs := c.s.pullNumbers(c.repo)
	return page(c, items, c.listBase(), func(cm *Comment) commentPayload {
		return c.u.comment(c.repo, cm, prs[cm.IssueNumber])
	})
}

// sortByTimes orders comment listings: by ID without sort; with sort
// (created|updated), by that time in direction (asc by default).
func sortByTimes[T any](c *call, items []T, key func(T) (created, updated time.Time, id int64)) {
	sortKey := c.q.Get("sort")
	desc := false
	if sortKey != "" {
		desc = c.descending("asc")
	}
	slices.SortFunc(items, func(a, b T) int {
		ac, au, aid := key(a)
		bc, bu, bid := key(b)
		var v int
		switch sortKey {
		case "updated":
			v = au.Compare(bu)
		case "created":
			v = ac.Compare(bc)
		}
		if v == 0 {
			v = cmp.Compare(aid, bid)
		}
		return order(desc, v)
	})
}

func (s *Server) pullNumbers(r *Repo) map[int64]bool {
	m := make(map[int64]bool)
	for _, is := range r.Issues {
		if is.PullRequest != nil {
			m[is.Number] = true
		}
	}
	return m
}

func (s *Server) issueByNumber(r *Repo) map[int64]*Issue {
	m := make(map[int64]*Issue, len(r.Issues))
	for _, is := range r.Issues {
		m[is.Number] = is
	}
	return m
}

// listIssueEvents serves GET /repos/{owner}/{repo}/issues/events, newest
// first.
func listIssueEvents(c *call) response {
	items := slices.Clone(c.repo.Events)
	slices.SortFunc(items, func(a, b *IssueEvent) int {
		if v := b.CreatedAt.Compare(a.CreatedAt); v != 0 {
			return v
		}
		return cmp.Compare(b.ID, a.ID)
	})
	issues := c.s.issueByNumber(c.repo)
	return page(c, items, c.listBase(), func(e *IssueEvent) issueEventPayload {
		return c.u.issueEvent(c.repo, e, issues[e.IssueNumber])
	})
}

// listPulls serves GET /repos/{owner}/{repo}/pulls: state=open by default,
// sort created (default), updated, popularity or long-running, desc by
// default.
func listPulls(c *call) response {
	state := c.q.Get("state")
	if state != "closed" && state != "all" {
		state = "open"
	}
	var items []*Issue
	for _, is := range c.repo.Issues {
		if is.PullRequest != nil && (state == "all" || is.State == state) {
			items = append(items, is)
		}
	}
	sortKey := c.q.Get("sort")
	desc := c.descending("desc")
	slices.SortFunc(items, func(a, b *Issue) int {
		var v int
		switch sortKey {
		case "updated":
			v = a.UpdatedAt.Compare(b.UpdatedAt)
		case "popularity":
			v = cmp.Compare(a.Comments, b.Comments)
		case "long-running":
			v = b.CreatedAt.Compare(a.CreatedAt)
		default:
			v = a.CreatedAt.Compare(b.CreatedAt)
		}
		if v == 0 {
			v = cmp.Compare(a.Number, b.Number)
		}
		return order(desc, v)
	})
	return page(c, items, c.listBase(), func(is *Issue) pullPayload { return c.u.pull(c.s.data, c.repo, is) })
}

// listReviewComments serves GET /repos/{owner}/{repo}/pulls/comments, ordered
// like the issue comments.
func listReviewComments(c *call) response {
	since, hasSince, bad := c.timeParam("since")
	if bad != nil {
		return *bad
	}
	items := make([]*ReviewComment, 0, len(c.repo.ReviewComments))
	for _, cm := range c.repo.ReviewComments {
		if hasSince && cm.UpdatedAt.Before(since) {
			continue
		}
		items = append(items, cm)
	}
	sortByTimes(c, items, func(x *ReviewComment) (time.Time, time.Time, int64) { return x.CreatedAt, x.UpdatedAt, x.ID })
	return page(c, items, c.listBase(), func(cm *ReviewComment) reviewCommentPayload {
		return c.u.reviewComment(c.repo, cm)
	})
}

// listReviews serves GET /repos/{owner}/{repo}/pulls/{number}/reviews in
// chronological order. Pending reviews are only visible to their authors,
// so never listed. An issue number that is not a pull request is 404.
func listReviews(c *call) response {
	n, err := strconv.ParseInt(c.params["pull_number"], 10, 64)
	is := c.s.issueByNumber(c.repo)[n]
	if err != nil || is == nil || is.PullRequest == nil {
		return notFound("https://docs.github.com/rest/pulls/reviews#list-reviews-for-a-pull-request")
	}
	var items []*Review
	for _, rv := range c.repo.Reviews {
		if rv.PullNumber == n && rv.State != "PENDING" {
			items = append(items, rv)
		}
	}
	slices.SortFunc(items, func(a, b *Review) int { return cmp.Compare(a.ID, b.ID) })
	return page(c, items, c.listBase(), func(rv *Review) reviewPayload { return c.u.review(c.repo, rv) })
}

// listCommits serves GET /repos/{owner}/{repo}/commits: the history of sha
// (default branch, or a commit SHA), filtered by path, author (login or
// email), since and until (committer date), newest first. An empty
// repository answers 409.
func listCommits(c *call) response {
	if len(c.repo.Commits) == 0 {
		return errorResponse(http.StatusConflict, "Git Repository is empty.", "https://docs.github.com/rest/commits/commits#list-commits")
	}
	since, hasSince, bad := c.timeParam("since")
	if bad != nil {
		return *bad
	}
	until, hasUntil, bad := c.timeParam("until")
	if bad != nil {
		return *bad
	}
	items := c.repo.Commits
	if sha := c.q.Get("sha"); sha != "" && sha != defaultBranch(c.repo) {
		var ok bool
		items, ok = ancestors(c.repo.Commits, sha)
		if !ok {
			return errorResponse(http.StatusNotFound, "No commit found for SHA: "+sha, "https://docs.github.com/rest/commits/commits#list-commits")
		}
	}
	path := strings.Trim(c.q.Get("path"), "/")
	author := c.q.Get("author")
	out := make([]*Commit, 0, len(items))
	for _, cm := range items {
		date := committerDate(cm)
		if hasSince && date.Before(since) || hasUntil && date.After(until) {
			continue
		}
		if path != "" && !touches(cm, path) {
			continue
		}
		if author != "" && !strings.EqualFold(author, cm.AuthorEmail) && (cm.Author == nil || !strings.EqualFold(author, cm.Author.Login)) {
			continue
		}
		out = append(out, cm)
	}
	slices.SortFunc(out, func(a, b *Commit) int {
		if v := committerDate(b).Compare(committerDate(a)); v != 0 {
			return v
		}
		return strings.Compare(a.SHA, b.SHA)
	})
	return page(c, out, c.listBase(), func(cm *Commit) commitPayload { return c.u.commit(c.repo, cm) })
}

func defaultBranch(r *Repo) string {
	if r.DefaultBranch == "" {
		return "main"
	}
	return r.DefaultBranch
}

func committerDate(c *Commit) time.Time {
	if c.CommitterDate.IsZero() {
		return c.AuthorDate
	}
	return c.CommitterDate
}

func touches(c *Commit, path string) bool {
	for _, p := range c.Paths {
		if p == path || strings.HasPrefix(p, path+"/") {
			return true
		}
	}
	return false
}

// ancestors returns the commits reachable from sha (a full SHA or a prefix
// of at least 7 digits) through parents.
func ancestors(all []*Commit, sha string) ([]*Commit, bool) {
	bySHA := make(map[string]*Commit, len(all))
	var start *Commit
	for _, c := range all {
		bySHA[c.SHA] = c
		if c.SHA == sha || len(sha) >= 7 && strings.HasPrefix(c.SHA, sha) {
			start = c
		}
	}
	if start == nil {
		return nil, false
	}
	seen := map[string]bool{start.SHA: true}
	out := []*Commit{start}
	for i := 0; i < len(out); i++ {
		for _, p := range out[i].Parents {
			if pc := bySHA[p]; pc != nil && !seen[p] {
				seen[p] = true
				out = append(out, pc)
			}
		}
	}
	return out, true
}

// listStargazers serves GET /repos/{owner}/{repo}/stargazers, oldest star
// first: users, or {starred_at, user} with the star+json media type.
func listStargazers(c *call) response {
	items := slices.Clone(c.repo.Stargazers)
	slices.SortStableFunc(items, func(a, b *Star) int { return a.StarredAt.Compare(b.StarredAt) })
	if strings.Contains(c.r.Header.Get("Accept"), "application/vnd.github.star+json") ||
		strings.Contains(c.r.Header.Get("Accept"), "application/vnd.github.v3.star+json") {
		resp := page(c, items, c.listBase(), func(st *Star) stargazerPayload {
			return stargazerPayload{StarredAt: timestamp(st.StarredAt), User: c.u.userPtr(&st.User)}
		})
		return resp
	}
	return page(c, items, c.listBase(), func(st *Star) simpleUser { return c.u.user(st.User) })
}

// listForks serves GET /repos/{owner}/{repo}/forks, sort newest (default),
// oldest, stargazers or watchers.
func listForks(c *call) response {
	items := slices.Clone(c.repo.Forks)
	oldest := c.q.Get("sort") == "oldest"
	slices.SortFunc(items, func(a, b *Fork) int {
		v := a.CreatedAt.Compare(b.CreatedAt)
		if v == 0 {
			v = cmp.Compare(a.ID, b.ID)
		}
		return order(!oldest, v)
	})
	return page(c, items, c.listBase(), func(f *Fork) repoPayload { return c.u.forkRepo(c.repo, f) })
}

// files returns the tree at ref: the default branch's Files, or an older
// version from FileHistory when ref is a commit SHA there.
func files(r *Repo, ref string) (map[string][]byte, bool) {
	if ref == "" || ref == defaultBranch(r) || ref == "HEAD" {
		return r.Files, true
	}
	if f, ok := r.FileHistory[ref]; ok {
		return f, true
	}
	for sha, f := range r.FileHistory {
		if len(ref) >= 7 && strings.HasPrefix(sha, ref) {
			return f, true
		}
	}
	return nil, false
}

// getContents serves GET /repos/{owner}/{repo}/contents/{path}?ref=: a file
// (base64 content), or a directory listing; the raw media type gets the
// bytes.
func getContents(c *call) response {
	ref := c.q.Get("ref")
	tree, ok := files(c.repo, ref)
	if !ok {
		return errorResponse(http.StatusNotFound, "No commit found for the ref "+ref, "https://docs.github.com/rest/repos/contents#get-repository-content")
	}
	if ref == "" {
		ref = defaultBranch(c.repo)
	}
	p := strings.Trim(c.params["path"], "/")
	if data, ok := tree[p]; ok && p != "" {
		if accept := c.r.Header.Get("Accept"); strings.Contains(accept, ".raw") {
			return response{status: http.StatusOK, raw: data, contentType: "application/vnd.github.raw; charset=utf-8"}
		}
		return jsonResponse(c.u.content(c.repo, ref, p, data, true))
	}
	// A directory: its files and subdirectories, by name.
	entries := map[string][]byte{}
	dirs := map[string]bool{}
	prefix := p + "/"
	if p == "" {
		prefix = ""
	}
	for path, data := range tree {
		rest, ok := strings.CutPrefix(path, prefix)
		if !ok {
			continue
		}
		if dir, _, isDir := strings.Cut(rest, "/"); isDir {
			dirs[prefix+dir] = true
		} else {
			entries[path] = data
		}
	}
	if len(entries) == 0 && len(dirs) == 0 {
		if p == "" {
			return errorResponse(http.StatusNotFound, "This repository is empty.", "https://docs.github.com/rest/repos/contents#get-repository-content")
		}
		return notFound("https://docs.github.com/rest/repos/contents#get-repository-content")
	}
	var list []contentPayload
	for d := range dirs {
		list = append(list, c.u.content(c.repo, ref, d, nil, false))
	}
	for path, data := range entries {
		list = append(list, c.u.content(c.repo, ref, path, data, false))
	}
	sort.Slice(list, func(i, j int) bool { return list[i].Name < list[j].Name })
	return jsonResponse(list)
}

// getRaw serves file bytes at the download_url of the contents API (on
// github.com raw.githubusercontent.com, on GitHub Enterprise /raw/ on the
// same host).
func getRaw(c *call) response {
	repo := c.s.byName[strings.ToLower(c.params["owner"]+"/"+c.params["repo"])]
	if repo == nil || repo.Private {
		return response{status: http.StatusNotFound, raw: []byte("404: Not Found"), contentType: "text/plain; charset=utf-8"}
	}
	tree, ok := files(repo, c.params["ref"])
	data, found := tree[c.params["path"]]
	if !ok || !found {
		return response{status: http.StatusNotFound, raw: []byte("404: Not Found"), contentType: "text/plain; charset=utf-8"}
	}
	return response{status: http.StatusOK, raw: data, contentType: "text/plain; charset=utf-8"}
}

// listOrgRepos serves GET /orgs/{org}/repos: the organisation's public
// repositories, filtered by type (all, public, forks, sources; private and
// member list nothing here) and sorted by created (default), updated,
// pushed or full_name (asc by default for full_name, else desc).
func listOrgRepos(c *call) response {
	org, ok := c.params["org"], false
	if id, isID := c.params["org_id"]; isID {
		n, _ := strconv.ParseInt(id, 10, 64)
		org, ok = c.s.orgByID[n]
	} else {
		for name := range c.s.data.Orgs {
			if strings.EqualFold(name, org) {
				org, ok = name, true
			}
		}
	}
	if !ok {
		return notFound("https://docs.github.com/rest/repos/repos#list-organization-repositories")
	}
	typ := c.q.Get("type")
	var items []*Repo
	for _, full := range c.s.data.Orgs[org] {
		r := c.s.byName[strings.ToLower(full)]
		if r == nil || r.Private {
			continue
		}
		switch typ {
		case "private", "member":
			continue
		case "forks":
			if !r.Fork {
				continue
			}
		case "sources":
			if r.Fork {
				continue
			}
		}
		items = append(items, r)
	}
	sortKey := c.q.Get("sort")
	def := "desc"
	if sortKey == "full_name" {
		def = "asc"
	}
	desc := c.descending(def)
	slices.SortFunc(items, func(a, b *Repo) int {
		var v int
		switch sortKey {
		case "full_name":
			v = strings.Compare(strings.ToLower(a.Owner+"/"+a.Name), strings.ToLower(b.Owner+"/"+b.Name))
		case "updated":
			v = a.UpdatedAt.Compare(b.UpdatedAt)
		case "pushed":
			v = a.PushedAt.Compare(b.PushedAt)
		default:
			v = a.CreatedAt.Compare(b.CreatedAt)
		}
		if v == 0 {
			v = cmp.Compare(a.ID, b.ID)
		}
		return order(desc, v)
	})
	base := fmt.Sprintf("%s/organizations/%d/repos", c.u.api, orgID(org))
	return page(c, items, base, func(r *Repo) repoPayload { return c.u.repo(repoShapeOf(c.s.data, r)) })
}

// getRateLimit serves GET /rate_limit, which costs no quota.
func getRateLimit(c *call) response {
	core := c.s.snapshot(c.bucket)
	search := c.s.otherLimit(10)
	if c.who.token {
		search = c.s.otherLimit(30)
	}
	graphql := c.s.otherLimit(0)
	if c.who.token {
		graphql = c.s.otherLimit(5000)
	}
	return jsonResponse(struct {
		Resources map[string]rateLimit `json:"resources"`
		Rate      rateLimit            `json:"rate"`
	}{
		Resources: map[string]rateLimit{
			"core":                        core,
			"search":                      search,
			"graphql":                     graphql,
			"integration_manifest":        c.s.otherLimit(5000),
			"source_import":               c.s.otherLimit(100),
			"actions_runner_registration": c.s.otherLimit(10000),
			"scim":                        c.s.otherLimit(15000),
			"dependency_snapshots":        c.s.otherLimit(100),
			"code_search":                 c.s.otherLimit(10),
		},
		Rate: core,
	})
}

// getUser serves GET /user, the token's account.
func getUser(c *call) response {
	if !c.who.token {
		return errorResponse(http.StatusUnauthorized, "Requires authentication", "https://docs.github.com/rest/users/users#get-the-authenticated-user")
	}
	return jsonResponse(c.u.privateUser(c.who))
}
