package fakegithub

import (
	"cmp"
	"encoding/base64"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/vektah/gqlparser/v2/ast"
)

// graphqlExec executes one parsed query over the server's data (read
// lock held by the caller).
type graphqlExec struct {
	s    *Server
	doc  *ast.QueryDocument
	vars map[string]any
	who  caller
	rate gqlRate
	errs []gqlError
}

// A gqlIndexCache holds, per repository, its items by issue number, built
// on first use and kept until the data changes (Server.Mutate): the
// queries of a collection each read them.
type gqlIndexCache struct {
	mu  sync.Mutex
	idx map[*Repo]*repoIndex
}

func (c *gqlIndexCache) reset() {
	c.mu.Lock()
	c.idx = nil
	c.mu.Unlock()
}

// repoIndex is a repository's comments, reviews, events and review
// threads by issue number.
type repoIndex struct {
	comments map[int64][]*Comment
	reviews  map[int64][]*Review
	events   map[int64][]*IssueEvent
	threads  map[int64][]*gqlThread
}

func (ex *graphqlExec) index(r *Repo) *repoIndex {
	c := &ex.s.gqlIdx
	c.mu.Lock()
	defer c.mu.Unlock()
	if ix := c.idx[r]; ix != nil {
		return ix
	}
	ix := &repoIndex{comments: map[int64][]*Comment{}, reviews: map[int64][]*Review{}, events: map[int64][]*IssueEvent{}}
	for _, c := range r.Comments {
		ix.comments[c.IssueNumber] = append(ix.comments[c.IssueNumber], c)
	}
	for _, rv := range r.Reviews {
		ix.reviews[rv.PullNumber] = append(ix.reviews[rv.PullNumber], rv)
	}
	for _, e := range r.Events {
		ix.events[e.IssueNumber] = append(ix.events[e.IssueNumber], e)
	}
	ix.threads = allReviewThreads(r)
	if c.idx == nil {
		c.idx = map[*Repo]*repoIndex{}
	}
	c.idx[r] = ix
	return ix
}

// A gqlObject is a value of a GraphQL object type.
type gqlObject interface {
	typename() string
	field(ex *graphqlExec, f *ast.Field) (any, error)
}

func (ex *graphqlExec) run(sel ast.SelectionSet) (any, []gqlError) {
	out := ex.object(gqlQuery{}, sel, nil)
	return out, ex.errs
}

// fields flattens a selection set, fragments included whatever their type
// condition (for cost counting).
func (ex *graphqlExec) fields(sel ast.SelectionSet) []*ast.Field {
	var out []*ast.Field
	for _, s := range sel {
		switch x := s.(type) {
		case *ast.Field:
			out = append(out, x)
		case *ast.InlineFragment:
			out = append(out, ex.fields(x.SelectionSet)...)
		case *ast.FragmentSpread:
			if fd := ex.doc.Fragments.ForName(x.Name); fd != nil {
				out = append(out, ex.fields(fd.SelectionSet)...)
			}
		}
	}
	return out
}

// matches tells whether an object of type typ satisfies a fragment's type
// condition.
func matches(typ, cond string) bool {
	switch cond {
	case "", typ, "Node", "IssueTimelineItems", "PullRequestTimelineItems":
		return true
	case "Actor", "Assignee":
		return typ == "User" || typ == "Bot" || typ == "Organization" || typ == "Mannequin"
	case "Closer":
		return typ == "Commit" || typ == "PullRequest"
	}
	return false
}

func (ex *graphqlExec) object(o gqlObject, sel ast.SelectionSet, path []string) map[string]any {
	out := map[string]any{}
	var visit func(sel ast.SelectionSet)
	visit = func(sel ast.SelectionSet) {
		for _, s := range sel {
			switch x := s.(type) {
			case *ast.Field:
				key := cmp.Or(x.Alias, x.Name)
				if x.Name == "__typename" {
					out[key] = o.typename()
					continue
				}
				v, err := o.field(ex, x)
				if err != nil {
					typ := ""
					if strings.HasPrefix(err.Error(), "Could not resolve") {
						typ = "NOT_FOUND"
					}
					ex.errs = append(ex.errs, gqlError{Type: typ, Path: append(slices.Clone(path), key), Message: err.Error()})
					out[key] = nil
					continue
				}
				out[key] = ex.value(v, x.SelectionSet, append(slices.Clone(path), key))
			case *ast.InlineFragment:
				if matches(o.typename(), x.TypeCondition) {
					visit(x.SelectionSet)
				}
			case *ast.FragmentSpread:
				if fd := ex.doc.Fragments.ForName(x.Name); fd != nil && matches(o.typename(), fd.TypeCondition) {
					visit(fd.SelectionSet)
				}
			}
		}
	}
	visit(sel)
	return out
}

func (ex *graphqlExec) value(v any, sel ast.SelectionSet, path []string) any {
	switch x := v.(type) {
	case nil:
		return nil
	case gqlObject:
		if isNil(x) {
			return nil
		}
		return ex.object(x, sel, path)
	case []gqlObject:
		out := make([]any, 0, len(x))
		for i, o := range x {
			out = append(out, ex.object(o, sel, append(path, strconv.Itoa(i))))
		}
		return out
	case time.Time:
		return x.UTC().Format(time.RFC3339)
	case *time.Time:
		if x == nil {
			return nil
		}
		return x.UTC().Format(time.RFC3339)
	}
	return v
}

func isNil(o gqlObject) bool {
	switch x := o.(type) {
	case *gqlUser:
		return x == nil
	case *gqlIssue:
		return x == nil
	case *gqlRepo:
		return x == nil
	case *gqlCommit:
		return x == nil
	}
	return false
}

// arg returns a field argument's value, variables resolved.
func (ex *graphqlExec) arg(f *ast.Field, name string) any {
	a := f.Arguments.ForName(name)
	if a == nil {
		return nil
	}
	v, err := a.Value.Value(ex.vars)
	if err != nil {
		return nil
	}
	return v
}

func (ex *graphqlExec) intArg(f *ast.Field, name string) (int, bool) {
	switch v := ex.arg(f, name).(type) {
	case int64:
		return int(v), true
	case float64: // JSON variables
		return int(v), true
	case int:
		return v, true
	}
	return 0, false
}

func (ex *graphqlExec) strArg(f *ast.Field, name string) string {
	s, _ := ex.arg(f, name).(string)
	return s
}

func unknownField(typ string, f *ast.Field) error {
	return newGitHubError("Field '%s' doesn't exist on type '%s'", f.Name, typ)
}

// A connection is one page of a list.
type gqlConn struct {
	items   []gqlObject
	total   int
	start   int // offset of items[0]
	hasNext bool
	typ     string
}

func encodeGQLCursor(off int) string {
	return base64.StdEncoding.EncodeToString([]byte("cursor:v2:" + strconv.Itoa(off)))
}

func decodeGQLCursor(s string) (int, bool) {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return 0, false
	}
	n, err := strconv.Atoi(strings.TrimPrefix(string(b), "cursor:v2:"))
	return n, err == nil && strings.HasPrefix(string(b), "cursor:v2:")
}

// connection pages all by the field's first/last and after arguments.
func (ex *graphqlExec) connection(f *ast.Field, typ string, all []gqlObject) (*gqlConn, error) {
	start := 0
	if a := ex.strArg(f, "after"); a != "" {
		off, ok := decodeGQLCursor(a)
		if !ok {
			return nil, newGitHubError("`%s` does not appear to be a valid cursor.", a)
		}
		start = min(max(off, 0), len(all))
	}
	n, ok := ex.intArg(f, "first")
	if !ok {
		if l, ok := ex.intArg(f, "last"); ok {
			// last: the final n items.
			s := max(len(all)-l, start)
			return &gqlConn{items: all[s:], total: len(all), start: s, typ: typ}, nil
		}
		n = 0
	}
	end := min(start+n, len(all))
	return &gqlConn{items: all[start:end], total: len(all), start: start, hasNext: end < len(all), typ: typ}, nil
}

func (c *gqlConn) typename() string { return c.typ + "Connection" }

func (c *gqlConn) field(ex *graphqlExec, f *ast.Field) (any, error) {
	switch f.Name {
	case "totalCount":
		return c.total, nil
	case "nodes":
		out := make([]gqlObject, 0, len(c.items))
		for _, it := range c.items {
			if e, ok := it.(*gqlStarEdge); ok {
				out = append(out, e.user)
				continue
			}
			out = append(out, it)
		}
		return out, nil
	case "edges":
		out := make([]gqlObject, 0, len(c.items))
		for i, it := range c.items {
			out = append(out, &gqlEdge{node: it, cursor: encodeGQLCursor(c.start + i + 1)})
		}
		return out, nil
	case "pageInfo":
		end := ""
		if len(c.items) > 0 {
			end = encodeGQLCursor(c.start + len(c.items))
		}
		return &gqlPageInfo{hasNext: c.hasNext, end: end, hasPrev: c.start > 0}, nil
	}
	return nil, unknownField(c.typename(), f)
}

type gqlEdge struct {
	node   gqlObject
	cursor string
}

func (e *gqlEdge) typename() string { return "Edge" }
func (e *gqlEdge) field(ex *graphqlExec, f *ast.Field) (any, error) {
	switch f.Name {
	case "cursor":
		return e.cursor, nil
	case "node":
		if s, ok := e.node.(*gqlStarEdge); ok {
			return s.user, nil
		}
		return e.node, nil
	case "starredAt":
		if s, ok := e.node.(*gqlStarEdge); ok {
			return s.at, nil
		}
	}
	return nil, unknownField("Edge", f)
}

type gqlPageInfo struct {
	hasNext, hasPrev bool
	end              string
}

func (p *gqlPageInfo) typename() string { return "PageInfo" }
func (p *gqlPageInfo) field(ex *graphqlExec, f *ast.Field) (any, error) {
	switch f.Name {
	case "hasNextPage":
		return p.hasNext, nil
	case "hasPreviousPage":
		return p.hasPrev, nil
	case "endCursor":
		if p.end == "" {
			return nil, nil
		}
		return p.end, nil
	case "startCursor":
		return nil, nil
	}
	return nil, unknownField("PageInfo", f)
}

type gqlQuery struct{}

func (gqlQuery) typename() string { return "Query" }
func (gqlQuery) field(ex *graphqlExec, f *ast.Field) (any, error) {
	switch f.Name {
	case "rateLimit":
		return &gqlRateLimit{r: ex.rate}, nil
	case "repository":
		r := ex.s.byName[strings.ToLower(ex.strArg(f, "owner")+"/"+ex.strArg(f, "name"))]
		if r == nil || r.Private {
			return nil, newGitHubError("Could not resolve to a Repository with the name '%s/%s'.", ex.strArg(f, "owner"), ex.strArg(f, "name"))
		}
		if _, failed := ex.s.opts.Faults.failRepo(r.Owner + "/" + r.Name); failed {
			return nil, newGitHubError("Could not resolve to a Repository with the name '%s/%s'.", r.Owner, r.Name)
		}
		return &gqlRepo{r: r}, nil
	case "node":
		return ex.node(ex.strArg(f, "id"))
	}
	return nil, unknownField("Query", f)
}

// node finds a review thread by its ID (the only node type collection
// asks for by ID).
func (ex *graphqlExec) node(id string) (gqlObject, error) {
	b, err := base64.StdEncoding.DecodeString(id)
	kind, n, ok := "", int64(0), false
	if err == nil {
		if _, rest, found := strings.Cut(string(b), ":"); found {
			i := strings.IndexAny(rest, "0123456789")
			if i > 0 {
				kind = rest[:i]
				n, err = strconv.ParseInt(rest[i:], 10, 64)
				ok = err == nil
			}
		}
	}
	if ok && kind == "PullRequestReviewThread" {
		for _, r := range ex.s.data.Repos {
			for _, c := range r.ReviewComments {
				if c.ID == n {
					for _, th := range reviewThreads(r, c.PullNumber) {
						if th.comments[0].ID == n {
							return th, nil
						}
					}
				}
			}
		}
	}
	return nil, newGitHubError("Could not resolve to a node with the global id of '%s'", id)
}

type gqlRateLimit struct{ r gqlRate }

func (g *gqlRateLimit) typename() string { return "RateLimit" }
func (g *gqlRateLimit) field(ex *graphqlExec, f *ast.Field) (any, error) {
	switch f.Name {
	case "cost":
		return g.r.cost, nil
	case "nodeCount":
		return g.r.nodes, nil
	case "limit":
		return g.r.limit, nil
	case "used":
		return g.r.used, nil
	case "remaining":
		return g.r.remaining, nil
	case "resetAt":
		return g.r.reset, nil
	}
	return nil, unknownField("RateLimit", f)
}

type gqlRepo struct{ r *Repo }

func (g *gqlRepo) typename() string { return "Repository" }
func (g *gqlRepo) field(ex *graphqlExec, f *ast.Field) (any, error) {
	r := g.r
	switch f.Name {
	case "id":
		return nodeID("Repository", r.ID), nil
	case "databaseId":
		return r.ID, nil
	case "nameWithOwner":
		return r.Owner + "/" + r.Name, nil
	case "createdAt":
		return r.CreatedAt, nil
	case "pushedAt":
		// As REST's pushed_at: the last update when never pushed.
		if r.PushedAt.IsZero() {
			return r.UpdatedAt, nil
		}
		return r.PushedAt, nil
	case "issues", "pullRequests":
		wantPR := f.Name == "pullRequests"
		var since time.Time
		if fb, ok := ex.arg(f, "filterBy").(map[string]any); ok && !wantPR {
			if s, ok := fb["since"].(string); ok && s != "" {
				t, err := time.Parse(time.RFC3339, s)
				if err != nil {
					return nil, newGitHubError("Argument 'since' on InputObject 'IssueFilters' has an invalid value (%q).", s)
				}
				since = t
			}
		}
		var items []*Issue
		for _, is := range r.Issues {
			if (is.PullRequest != nil) == wantPR && !is.UpdatedAt.Before(since) {
				items = append(items, is)
			}
		}
		field, desc := "CREATED_AT", false
		if ob, ok := ex.arg(f, "orderBy").(map[string]any); ok {
			field, _ = ob["field"].(string)
			desc = ob["direction"] == "DESC"
		}
		slices.SortFunc(items, func(a, b *Issue) int {
			v := 0
			switch field {
			case "UPDATED_AT":
				v = a.UpdatedAt.Compare(b.UpdatedAt)
			case "COMMENTS":
				v = cmp.Compare(a.Comments, b.Comments)
			default:
				v = a.CreatedAt.Compare(b.CreatedAt)
			}
			return order(desc, cmp.Or(v, cmp.Compare(a.Number, b.Number)))
		})
		objs := make([]gqlObject, len(items))
		for i, is := range items {
			objs[i] = &gqlIssue{r: r, is: is}
		}
		typ := "Issue"
		if wantPR {
			typ = "PullRequest"
		}
		return ex.connection(f, typ, objs)
	case "issue", "pullRequest", "issueOrPullRequest":
		n, _ := ex.intArg(f, "number")
		for _, is := range r.Issues {
			if is.Number == int64(n) && !slicesContains(ex.s.opts.GraphQL.Gone, is.Number) {
				if f.Name == "issue" && is.PullRequest != nil || f.Name == "pullRequest" && is.PullRequest == nil {
					break
				}
				return &gqlIssue{r: r, is: is}, nil
			}
		}
		kind := "Issue"
		if f.Name == "pullRequest" {
			kind = "PullRequest"
		}
		return nil, newGitHubError("Could not resolve to a%s %s with the number of %d.", map[bool]string{true: "n", false: ""}[kind == "Issue"], kind, n)
	case "defaultBranchRef":
		if len(r.Commits) == 0 {
			return nil, nil
		}
		return &gqlRef{r: r}, nil
	case "stargazers":
		items := slices.Clone(r.Stargazers)
		desc := false
		if ob, ok := ex.arg(f, "orderBy").(map[string]any); ok {
			desc = ob["direction"] == "DESC"
		}
		slices.SortStableFunc(items, func(a, b *Star) int {
			return order(desc, cmp.Or(a.StarredAt.Compare(b.StarredAt), cmp.Compare(a.User.Login, b.User.Login)))
		})
		objs := make([]gqlObject, len(items))
		for i, st := range items {
			objs[i] = &gqlStarEdge{user: &gqlUser{u: st.User}, at: st.StarredAt}
		}
		return ex.connection(f, "Stargazer", objs)
	case "forks":
		items := slices.Clone(r.Forks)
		desc := false
		if ob, ok := ex.arg(f, "orderBy").(map[string]any); ok {
			desc = ob["direction"] == "DESC"
		}
		slices.SortFunc(items, func(a, b *Fork) int {
			return order(desc, cmp.Or(a.CreatedAt.Compare(b.CreatedAt), cmp.Compare(a.ID, b.ID)))
		})
		objs := make([]gqlObject, len(items))
		for i, fk := range items {
			objs[i] = &gqlFork{parent: r, f: fk}
		}
		return ex.connection(f, "Repository", objs)
	case "object":
		return ex.object_(r, ex.strArg(f, "expression"))
	}
	return nil, unknownField("Repository", f)
}

// object_ serves Repository.object(expression: "REF:PATH") for files:
// the default branch ("HEAD") or a commit SHA in FileHistory.
func (ex *graphqlExec) object_(r *Repo, expr string) (gqlObject, error) {
	ref, path, ok := strings.Cut(expr, ":")
	if !ok {
		return nil, nil
	}
	tree, found := files(r, ref)
	if !found {
		return nil, nil
	}
	data, found := tree[path]
	if !found {
		return nil, nil
	}
	return &gqlBlob{data: data}, nil
}

type gqlBlob struct{ data []byte }

func (b *gqlBlob) typename() string { return "Blob" }
func (b *gqlBlob) field(ex *graphqlExec, f *ast.Field) (any, error) {
	switch f.Name {
	case "text":
		return string(b.data), nil
	case "oid":
		return blobSHA(b.data), nil
	case "byteSize":
		return len(b.data), nil
	case "isTruncated":
		return false, nil
	}
	return nil, unknownField("Blob", f)
}

type gqlStarEdge struct {
	user *gqlUser
	at   time.Time
}

func (e *gqlStarEdge) typename() string { return "StargazerEdge" }
func (e *gqlStarEdge) field(ex *graphqlExec, f *ast.Field) (any, error) {
	return nil, unknownField("StargazerEdge", f)
}

type gqlFork struct {
	parent *Repo
	f      *Fork
}

func (g *gqlFork) typename() string { return "Repository" }
func (g *gqlFork) field(ex *graphqlExec, f *ast.Field) (any, error) {
	name := cmp.Or(g.f.Name, g.parent.Name)
	switch f.Name {
	case "databaseId":
		if g.f.ID == 0 {
			return stableID("repo", g.f.Owner.Login+"/"+g.f.Name), nil
		}
		return g.f.ID, nil
	case "nameWithOwner":
		return g.f.Owner.Login + "/" + name, nil
	case "name":
		return name, nil
	case "createdAt":
		return g.f.CreatedAt, nil
	case "owner":
		return &gqlUser{u: g.f.Owner}, nil
	}
	return nil, unknownField("Repository", f)
}

// gqlUser is an account: User, Bot (whose login GraphQL serves without
// REST's "[bot]" suffix) or Organization.
type gqlUser struct{ u User }

func userRef(u *User) gqlObject {
	if u == nil || u.Login == "" {
		return nil
	}
	return &gqlUser{u: *u}
}

func (g *gqlUser) typename() string {
	switch g.u.Type {
	case "Bot":
		return "Bot"
	case "Organization":
		return "Organization"
	}
	return "User"
}

func (g *gqlUser) field(ex *graphqlExec, f *ast.Field) (any, error) {
	switch f.Name {
	case "login":
		if g.u.Type == "Bot" {
			return strings.TrimSuffix(g.u.Login, "[bot]"), nil
		}
		return g.u.Login, nil
	case "databaseId":
		return userID(g.u), nil
	case "id":
		return nodeID(g.typename(), userID(g.u)), nil
	}
	return nil, unknownField(g.typename(), f)
}

type gqlLabel struct{ name string }

func (l *gqlLabel) typename() string { return "Label" }
func (l *gqlLabel) field(ex *graphqlExec, f *ast.Field) (any, error) {
	if f.Name == "name" {
		return l.name, nil
	}
	return nil, unknownField("Label", f)
}

type gqlIssue struct {
	r  *Repo
	is *Issue
}

func (g *gqlIssue) typename() string {
	if g.is.PullRequest != nil {
		return "PullRequest"
	}
	return "Issue"
}

// pullID is a pull request's own ID (the pulls API's id), which differs
// from its issue's.
func pullID(is *Issue) int64 { return is.ID + 1_000_000_000 }

func (g *gqlIssue) field(ex *graphqlExec, f *ast.Field) (any, error) {
	is := g.is
	pr := is.PullRequest
	switch f.Name {
	case "databaseId":
		if pr != nil {
			return pullID(is), nil
		}
		return is.ID, nil
	case "id":
		if pr != nil {
			return nodeID("PullRequest", pullID(is)), nil
		}
		return nodeID("Issue", is.ID), nil
	case "number":
		return is.Number, nil
	case "title":
		return is.Title, nil
	case "state":
		if pr != nil && pr.MergedAt != nil {
			return "MERGED", nil
		}
		return strings.ToUpper(is.State), nil
	case "stateReason":
		if is.StateReason == "" || pr != nil {
			return nil, nil
		}
		return strings.ToUpper(is.StateReason), nil
	case "createdAt":
		return is.CreatedAt, nil
	case "updatedAt":
		return is.UpdatedAt, nil
	case "closedAt":
		return is.ClosedAt, nil
	case "mergedAt":
		if pr == nil {
			return nil, unknownField("Issue", f)
		}
		return pr.MergedAt, nil
	case "authorAssociation":
		return association(is.AuthorAssociation), nil
	case "author":
		return userRef(&is.User), nil
	case "labels":
		objs := make([]gqlObject, len(is.Labels))
		for i, l := range is.Labels {
			objs[i] = &gqlLabel{name: l}
		}
		return ex.connection(f, "Label", objs)
	case "assignees":
		objs := make([]gqlObject, len(is.Assignees))
		for i := range is.Assignees {
			objs[i] = &gqlUser{u: is.Assignees[i]}
		}
		return ex.connection(f, "User", objs)
	case "timelineItems":
		return ex.connection(f, g.typename()+"TimelineItems", ex.timeline(g.r, is, f))
	case "reviewThreads":
		if pr == nil {
			return nil, unknownField("Issue", f)
		}
		ths := ex.index(g.r).threads[is.Number]
		objs := make([]gqlObject, len(ths))
		for i, th := range ths {
			objs[i] = th
		}
		return ex.connection(f, "PullRequestReviewThread", objs)
	}
	return nil, unknownField(g.typename(), f)
}

// typeEnum is a timeline item type's itemTypes value: ClosedEvent ->
// CLOSED_EVENT.
func typeEnum(typ string) string {
	var b strings.Builder
	for i, r := range typ {
		if i > 0 && r >= 'A' && r <= 'Z' {
			b.WriteByte('_')
		}
		b.WriteRune(r)
	}
	return strings.ToUpper(b.String())
}

// timeline is an issue's or pull request's timeline: its comments,
// submitted reviews and events, oldest first, of the types asked for.
func (ex *graphqlExec) timeline(r *Repo, is *Issue, f *ast.Field) []gqlObject {
	want := map[string]bool{}
	if l, ok := ex.arg(f, "itemTypes").([]any); ok {
		for _, v := range l {
			if s, ok := v.(string); ok {
				want[s] = true
			}
		}
	}
	type item struct {
		at  time.Time
		id  int64
		obj gqlObject
	}
	var items []item
	add := func(at time.Time, id int64, o gqlObject) {
		if len(want) == 0 || want[typeEnum(o.typename())] {
			items = append(items, item{at, id, o})
		}
	}
	ix := ex.index(r)
	for _, c := range ix.comments[is.Number] {
		add(c.CreatedAt, c.ID, &gqlComment{c: c})
	}
	if is.PullRequest != nil {
		for _, rv := range ix.reviews[is.Number] {
			if rv.State != "PENDING" && rv.SubmittedAt != nil {
				add(*rv.SubmittedAt, rv.ID, &gqlReview{rv: rv})
			}
		}
	}
	for _, e := range ix.events[is.Number] {
		if e.Event != "merged" || is.PullRequest != nil {
			add(e.CreatedAt, e.ID, &gqlEvent{e: e})
		}
	}
	slices.SortStableFunc(items, func(a, b item) int { return cmp.Or(a.at.Compare(b.at), cmp.Compare(a.id, b.id)) })
	out := make([]gqlObject, len(items))
	for i, it := range items {
		out[i] = it.obj
	}
	return out
}

type gqlComment struct{ c *Comment }

func (g *gqlComment) typename() string { return "IssueComment" }
func (g *gqlComment) field(ex *graphqlExec, f *ast.Field) (any, error) {
	c := g.c
	switch f.Name {
	case "id":
		return nodeID("IssueComment", c.ID), nil
	case "databaseId":
		return c.ID, nil
	case "author":
		return userRef(&c.User), nil
	case "authorAssociation":
		return association(c.AuthorAssociation), nil
	case "createdAt":
		return c.CreatedAt, nil
	case "updatedAt":
		return c.UpdatedAt, nil
	case "body":
		return c.Body, nil
	}
	return nil, unknownField("IssueComment", f)
}

type gqlReview struct{ rv *Review }

func (g *gqlReview) typename() string { return "PullRequestReview" }
func (g *gqlReview) field(ex *graphqlExec, f *ast.Field) (any, error) {
	rv := g.rv
	switch f.Name {
	case "id":
		return nodeID("PullRequestReview", rv.ID), nil
	case "databaseId":
		return rv.ID, nil
	case "author":
		return userRef(&rv.User), nil
	case "state":
		return rv.State, nil
	case "submittedAt":
		return rv.SubmittedAt, nil
	}
	return nil, unknownField("PullRequestReview", f)
}

type gqlEvent struct{ e *IssueEvent }

func (g *gqlEvent) typename() string {
	if g.e.Event == "renamed" {
		return "RenamedTitleEvent"
	}
	return eventKind(g.e.Event)
}

// eventKinds memoizes eventNodeKind: every timeline item asks it.
var eventKinds sync.Map

func eventKind(event string) string {
	if k, ok := eventKinds.Load(event); ok {
		return k.(string)
	}
	k := eventNodeKind(event)
	eventKinds.Store(event, k)
	return k
}
func (g *gqlEvent) field(ex *graphqlExec, f *ast.Field) (any, error) {
	e := g.e
	switch f.Name {
	case "id":
		return nodeID(eventKind(e.Event), e.ID), nil
	case "actor":
		return userRef(e.Actor), nil
	case "createdAt":
		return e.CreatedAt, nil
	case "label":
		return &gqlLabel{name: e.Label}, nil
	case "assignee":
		return userRef(e.Assignee), nil
	case "commit", "closer":
		if e.CommitID == "" {
			return nil, nil
		}
		return &gqlCommit{oid: e.CommitID}, nil
	}
	return nil, unknownField(g.typename(), f)
}

// A review thread is the review comments of one pull request on one path.
type gqlThread struct {
	comments []*ReviewComment
}

func reviewThreads(r *Repo, pull int64) []*gqlThread { return allReviewThreads(r)[pull] }

// allReviewThreads groups a repository's review comments into threads,
// by pull request.
func allReviewThreads(r *Repo) map[int64][]*gqlThread {
	type key struct {
		pull int64
		path string
	}
	byKey := map[key]*gqlThread{}
	out := map[int64][]*gqlThread{}
	cs := slices.Clone(r.ReviewComments)
	slices.SortFunc(cs, func(a, b *ReviewComment) int { return cmp.Compare(a.ID, b.ID) })
	for _, c := range cs {
		k := key{c.PullNumber, c.Path}
		th := byKey[k]
		if th == nil {
			th = &gqlThread{}
			byKey[k] = th
			out[c.PullNumber] = append(out[c.PullNumber], th)
		}
		th.comments = append(th.comments, c)
	}
	return out
}

func (g *gqlThread) typename() string { return "PullRequestReviewThread" }
func (g *gqlThread) field(ex *graphqlExec, f *ast.Field) (any, error) {
	switch f.Name {
	case "id":
		return nodeID("PullRequestReviewThread", g.comments[0].ID), nil
	case "comments":
		objs := make([]gqlObject, len(g.comments))
		for i, c := range g.comments {
			objs[i] = &gqlReviewComment{c: c}
		}
		return ex.connection(f, "PullRequestReviewComment", objs)
	case "path":
		return g.comments[0].Path, nil
	}
	return nil, unknownField("PullRequestReviewThread", f)
}

type gqlReviewComment struct{ c *ReviewComment }

func (g *gqlReviewComment) typename() string { return "PullRequestReviewComment" }
func (g *gqlReviewComment) field(ex *graphqlExec, f *ast.Field) (any, error) {
	c := g.c
	switch f.Name {
	case "id":
		return nodeID("PullRequestReviewComment", c.ID), nil
	case "databaseId":
		return c.ID, nil
	case "author":
		return userRef(&c.User), nil
	case "authorAssociation":
		return association(c.AuthorAssociation), nil
	case "createdAt":
		return c.CreatedAt, nil
	case "updatedAt":
		return c.UpdatedAt, nil
	}
	return nil, unknownField("PullRequestReviewComment", f)
}

type gqlRef struct{ r *Repo }

func (g *gqlRef) typename() string { return "Ref" }
func (g *gqlRef) field(ex *graphqlExec, f *ast.Field) (any, error) {
	switch f.Name {
	case "name":
		return defaultBranch(g.r), nil
	case "target":
		return &gqlCommit{r: g.r, head: true}, nil
	}
	return nil, unknownField("Ref", f)
}

// gqlCommit is a commit: the default branch's head (whose history is the
// branch's commits, newest first, as the REST listing orders them), one of
// its commits, or only an oid (an event's commit).
type gqlCommit struct {
	r    *Repo
	c    *Commit
	head bool
	oid  string
}

func (g *gqlCommit) typename() string { return "Commit" }
func (g *gqlCommit) field(ex *graphqlExec, f *ast.Field) (any, error) {
	switch f.Name {
	case "oid":
		if g.c != nil {
			return g.c.SHA, nil
		}
		return g.oid, nil
	case "history":
		if !g.head {
			return nil, unknownField("Commit", f)
		}
		var items []*Commit
		since, _ := time.Parse(time.RFC3339, ex.strArg(f, "since"))
		until, _ := time.Parse(time.RFC3339, ex.strArg(f, "until"))
		for _, c := range g.r.Commits {
			d := committerDate(c)
			if !since.IsZero() && d.Before(since) || !until.IsZero() && d.After(until) {
				continue
			}
			items = append(items, c)
		}
		slices.SortFunc(items, func(a, b *Commit) int {
			return cmp.Or(committerDate(b).Compare(committerDate(a)), strings.Compare(a.SHA, b.SHA))
		})
		objs := make([]gqlObject, len(items))
		for i, c := range items {
			objs[i] = &gqlCommit{r: g.r, c: c}
		}
		return ex.connection(f, "CommitHistory", objs)
	}
	c := g.c
	if c == nil {
		return nil, unknownField("Commit", f)
	}
	switch f.Name {
	case "message":
		return c.Message, nil
	case "committedDate":
		return committerDate(c), nil
	case "author":
		return &gqlGitActor{name: c.AuthorName, email: c.AuthorEmail, date: c.AuthorDate, user: c.Author}, nil
	case "committer":
		return &gqlGitActor{name: c.CommitterName, email: c.CommitterEmail, date: committerDate(c), user: c.Committer}, nil
	case "parents":
		objs := make([]gqlObject, len(c.Parents))
		for i, p := range c.Parents {
			objs[i] = &gqlCommit{oid: p}
		}
		return ex.connection(f, "Commit", objs)
	}
	return nil, unknownField("Commit", f)
}

// gqlGitActor is a commit's author or committer; user is the account
// GitHub links to the email: a User only (GitActor.user is of type User, so
// a bot account is null here, where REST names it).
type gqlGitActor struct {
	name, email string
	date        time.Time
	user        *User
}

func (g *gqlGitActor) typename() string { return "GitActor" }
func (g *gqlGitActor) field(ex *graphqlExec, f *ast.Field) (any, error) {
	switch f.Name {
	case "name":
		return g.name, nil
	case "email":
		return g.email, nil
	case "date":
		return g.date.Format(time.RFC3339), nil
	case "user":
		if g.user == nil || g.user.Type == "Bot" || g.user.Type == "Organization" {
			return nil, nil
		}
		return &gqlUser{u: *g.user}, nil
	}
	return nil, unknownField("GitActor", f)
}
