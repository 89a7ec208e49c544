package fakegithub

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
)

// The GraphQL endpoint: POST /graphql on github.com (POST /api/graphql
// under GitHub Enterprise Server's /api/v3), serving the same data as the
// REST routes. Its limits follow GitHub's "Rate limits and node limits for
// the GraphQL API": every connection needs first or last, 1 to 100; a
// query may ask for at most 500,000 nodes; a query costs the requests its
// connections need (each connection once per parent node), divided by 100
// and rounded, at least 1 point, out of a budget of GraphQLQuota points an
// hour per caller, reported in X-RateLimit-* headers with resource
// "graphql" and by the rateLimit field. Queries are parsed with gqlparser
// and executed over Data (see graphqlExec); fields the collector does not
// use are not served.

// GraphQLOptions configure the GraphQL endpoint.
type GraphQLOptions struct {
	// Quota is the points a token may spend per RateWindow (default 5000;
	// GitHub gives a GITHUB_TOKEN 1000). Requests without a token are
	// refused, as GitHub does.
	Quota int
	// TimeoutNodes, when > 0, answers a query that asks for more nodes
	// than this with GitHub's timeout (502, "We couldn't respond to your
	// request in time"), as a query that runs past GitHub's 10 seconds of
	// server time does.
	TimeoutNodes int
	// PartialErrorOn lists query numbers (1-based, GraphQL queries only)
	// answered with data whose repository is null and an error, as GitHub
	// answers a query that failed in part.
	PartialErrorOn []int64
	// TimeoutOn lists query numbers answered with the timeout.
	TimeoutOn []int64
	// Gone lists issue and pull request numbers that GraphQL no longer
	// resolves, as for an issue deleted after a REST listing read it.
	Gone []int64
	// Disabled answers 404, as a server without GraphQL does.
	Disabled bool
}

// GraphQLStats counts what the GraphQL endpoint answered.
type GraphQLStats struct {
	Queries  int64 // every POST received
	Points   int64 // points charged
	Nodes    int64 // nodes asked for
	Timeouts int64
	Partial  int64
	// ByOperation counts queries per operation name.
	ByOperation map[string]int64
}

// GraphQLStats returns a copy of the GraphQL counters.
func (s *Server) GraphQLStats() GraphQLStats {
	s.statsMu.Lock()
	defer s.statsMu.Unlock()
	st := s.gql
	st.ByOperation = map[string]int64{}
	for k, v := range s.gql.ByOperation {
		st.ByOperation[k] = v
	}
	return st
}

// graphQLPath is where the endpoint is mounted.
func (s *Server) graphQLPath() string {
	if s.opts.BasePath == "" {
		return "/graphql"
	}
	return strings.TrimSuffix(s.opts.BasePath, "/v3") + "/graphql"
}

type gqlRequest struct {
	Query         string         `json:"query"`
	OperationName string         `json:"operationName"`
	Variables     map[string]any `json:"variables"`
}

type gqlError struct {
	Type      string   `json:"type,omitempty"`
	Path      []string `json:"path,omitempty"`
	Message   string   `json:"message"`
	Locations []struct {
		Line   int `json:"line"`
		Column int `json:"column"`
	} `json:"locations,omitempty"`
}

type gqlResponse struct {
	Data   any        `json:"data,omitempty"`
	Errors []gqlError `json:"errors,omitempty"`
}

// serveGraphQL answers r when it is for the GraphQL endpoint and reports
// whether it was.
func (s *Server) serveGraphQL(w http.ResponseWriter, r *http.Request) bool {
	if r.URL.Path != s.graphQLPath() {
		return false
	}
	const route = "POST /graphql"
	reqN, _ := s.count(route)
	if s.opts.GraphQL.Disabled || r.Method != http.MethodPost {
		s.write(w, r, nil, notFound(docsRoot), false)
		return true
	}
	s.statsMu.Lock()
	s.gql.Queries++
	qn := s.gql.Queries
	s.statsMu.Unlock()
	if d := s.opts.Faults.Latency; d > 0 {
		select {
		case <-time.After(d):
		case <-r.Context().Done():
			return true
		}
	}
	if f := s.opts.Faults.match(reqN, qn, route); f != nil {
		s.fault(w, r, f)
		return true
	}
	who, resp, ok := s.authenticate(r)
	if !ok || !who.token {
		if ok {
			resp = errorResponse(http.StatusUnauthorized, "This endpoint requires you to be authenticated.", "https://docs.github.com/graphql/guides/forming-calls-with-graphql#authenticating-with-graphql")
		}
		s.write(w, r, nil, resp, false)
		return true
	}
	var req gqlRequest
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&req); err != nil {
		s.write(w, r, nil, errorResponse(http.StatusBadRequest, "Problems parsing JSON", "https://docs.github.com/graphql"), false)
		return true
	}
	b := s.gqlBucketFor(who)
	doc, err := parser.ParseQuery(&ast.Source{Input: req.Query})
	if err != nil {
		s.writeGQL(w, r, b, 0, gqlResponse{Errors: []gqlError{{Type: "SYNTAX", Message: err.Error()}}})
		return true
	}
	op := pickOperation(doc, req.OperationName)
	if op == nil {
		s.writeGQL(w, r, b, 0, gqlResponse{Errors: []gqlError{{Message: "No operation named " + strconv.Quote(req.OperationName)}}})
		return true
	}
	s.statsMu.Lock()
	if s.gql.ByOperation == nil {
		s.gql.ByOperation = map[string]int64{}
	}
	s.gql.ByOperation[op.Name]++
	s.statsMu.Unlock()
	ex := &graphqlExec{s: s, doc: doc, vars: req.Variables, who: who}
	cost, nodes, lerr := ex.cost(op.SelectionSet)
	if lerr != nil {
		s.writeGQL(w, r, b, 0, gqlResponse{Errors: []gqlError{{Type: "MAX_NODE_LIMIT_EXCEEDED", Message: lerr.Error()}}})
		return true
	}
	if s.gqlExhausted(b, cost) {
		s.writeGQL(w, r, b, 0, gqlResponse{Errors: []gqlError{{Type: "RATE_LIMITED",
			Message: fmt.Sprintf("API rate limit already exceeded for user ID %d.", who.userID)}}})
		return true
	}
	if slicesContains(s.opts.GraphQL.TimeoutOn, qn) || s.opts.GraphQL.TimeoutNodes > 0 && nodes > s.opts.GraphQL.TimeoutNodes {
		s.statsMu.Lock()
		s.gql.Timeouts++
		s.statsMu.Unlock()
		// GitHub charges what the query would have cost.
		s.chargeGQL(b, cost, nodes)
		s.writeGQLStatus(w, r, b, http.StatusBadGateway, gqlResponse{Data: nil, Errors: []gqlError{{
			Message: "We couldn't respond to your request in time. Sorry about that. Please try resubmitting your request and contact us if the problem persists."}}})
		return true
	}
	s.chargeGQL(b, cost, nodes)
	ex.rate = s.gqlSnapshot(b, cost, nodes)
	s.mu.RLock()
	data, errs := ex.run(op.SelectionSet)
	s.mu.RUnlock()
	if slicesContains(s.opts.GraphQL.PartialErrorOn, qn) {
		s.statsMu.Lock()
		s.gql.Partial++
		s.statsMu.Unlock()
		if m, ok := data.(map[string]any); ok {
			for k := range m {
				if k != "rateLimit" {
					m[k] = nil
				}
			}
		}
		errs = append(errs, gqlError{Message: "Something went wrong while executing your query. This may be the result of a timeout, or it could be a GitHub bug. Please try again."})
	}
	s.writeGQL(w, r, b, cost, gqlResponse{Data: data, Errors: errs})
	return true
}

func slicesContains(xs []int64, x int64) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

func pickOperation(doc *ast.QueryDocument, name string) *ast.OperationDefinition {
	for _, op := range doc.Operations {
		if name == "" || op.Name == name {
			if op.Operation != ast.Query {
				return nil
			}
			return op
		}
	}
	return nil
}

func (s *Server) writeGQL(w http.ResponseWriter, r *http.Request, b *bucket, _ int, resp gqlResponse) {
	s.writeGQLStatus(w, r, b, http.StatusOK, resp)
}

// writeGQLStatus writes a GraphQL answer with the graphql resource's
// X-RateLimit-* headers. GraphQL answers carry no ETag.
func (s *Server) writeGQLStatus(w http.ResponseWriter, r *http.Request, b *bucket, status int, resp gqlResponse) {
	body, err := json.Marshal(resp)
	if err != nil {
		body = []byte(`{"errors":[{"message":"Server Error"}]}`)
		status = http.StatusInternalServerError
	}
	h := w.Header()
	h.Set("Server", "GitHub.com")
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("X-GitHub-Request-Id", requestID(s.seq()))
	if b != nil {
		s.statsMu.Lock()
		b.roll(s.opts.Now(), s.opts.RateWindow)
		h.Set("X-RateLimit-Limit", strconv.Itoa(b.limit))
		h.Set("X-RateLimit-Remaining", strconv.Itoa(max(b.limit-b.used, 0)))
		h.Set("X-RateLimit-Reset", strconv.FormatInt(b.reset.Unix(), 10))
		h.Set("X-RateLimit-Used", strconv.Itoa(b.used))
		h.Set("X-RateLimit-Resource", "graphql")
		s.statsMu.Unlock()
	}
	s.statsMu.Lock()
	s.stats.Status[status]++
	s.statsMu.Unlock()
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// gqlBucketFor returns the caller's GraphQL points budget.
func (s *Server) gqlBucketFor(c caller) *bucket {
	s.statsMu.Lock()
	defer s.statsMu.Unlock()
	if s.gqlBuckets == nil {
		s.gqlBuckets = map[string]*bucket{}
	}
	b := s.gqlBuckets[c.key]
	if b == nil {
		limit := s.opts.GraphQL.Quota
		if limit <= 0 {
			limit = 5000
		}
		b = &bucket{limit: limit}
		s.gqlBuckets[c.key] = b
	}
	return b
}

// gqlExhausted: the points left do not cover cost.
func (s *Server) gqlExhausted(b *bucket, cost int) bool {
	s.statsMu.Lock()
	defer s.statsMu.Unlock()
	b.roll(s.opts.Now(), s.opts.RateWindow)
	return b.used+cost > b.limit
}

func (s *Server) chargeGQL(b *bucket, cost, nodes int) {
	s.statsMu.Lock()
	defer s.statsMu.Unlock()
	b.roll(s.opts.Now(), s.opts.RateWindow)
	b.used += cost
	s.gql.Points += int64(cost)
	s.gql.Nodes += int64(nodes)
}

// gqlRate is what the rateLimit field reports.
type gqlRate struct {
	cost, nodes, limit, used, remaining int
	reset                               time.Time
}

func (s *Server) gqlSnapshot(b *bucket, cost, nodes int) gqlRate {
	s.statsMu.Lock()
	defer s.statsMu.Unlock()
	return gqlRate{cost: cost, nodes: nodes, limit: b.limit, used: b.used, remaining: max(b.limit-b.used, 0), reset: b.reset}
}

// maxNodes is GitHub's node limit per call.
const maxNodes = 500_000

// cost computes a query's point cost and node count as GitHub's
// documentation does: a connection is asked once per node of its parent
// connections; nodes multiply down the tree.
func (ex *graphqlExec) cost(sel ast.SelectionSet) (cost, nodes int, err error) {
	var requests float64
	var n float64
	var walk func(sel ast.SelectionSet, mult float64, typ string) error
	walk = func(sel ast.SelectionSet, mult float64, typ string) error {
		for _, f := range ex.fields(sel) {
			if f.Name == "rateLimit" {
				continue
			}
			if !isConnection(f) {
				if err := walk(f.SelectionSet, mult, ""); err != nil {
					return err
				}
				continue
			}
			first, hasFirst := ex.intArg(f, "first")
			last, hasLast := ex.intArg(f, "last")
			if !hasFirst && !hasLast {
				if selectsNodes(ex, f) {
					return newGitHubError("You must provide a `first` or `last` value to properly paginate the `%s` connection.", f.Name)
				}
				first = 0
			}
			if hasLast && !hasFirst {
				first = last
			}
			if first < 0 || first > 100 {
				return newGitHubError("Requesting %d records on the `%s` connection exceeds the `first` limit of 100 records.", first, f.Name)
			}
			requests += mult
			n += mult * float64(first)
			if err := walk(f.SelectionSet, mult*float64(first), ""); err != nil {
				return err
			}
		}
		return nil
	}
	if err := walk(sel, 1, "Query"); err != nil {
		return 0, 0, err
	}
	if n > maxNodes {
		return 0, 0, newGitHubError("By the time this query traverses to the nodes connection, it is requesting up to %d possible nodes which exceeds the maximum limit of %d.", int(n), maxNodes)
	}
	return max(1, int(math.Round(requests/100))), int(n), nil
}

// isConnection: a field selecting nodes, edges, pageInfo or totalCount.
func isConnection(f *ast.Field) bool {
	for _, s := range f.SelectionSet {
		if sf, ok := s.(*ast.Field); ok {
			switch sf.Name {
			case "nodes", "edges", "pageInfo", "totalCount":
				return true
			}
		}
	}
	return false
}

func selectsNodes(ex *graphqlExec, f *ast.Field) bool {
	for _, sf := range ex.fields(f.SelectionSet) {
		if sf.Name == "nodes" || sf.Name == "edges" {
			return true
		}
	}
	return false
}

// A githubError is an error message worded as GitHub words it (capitals,
// full stops and all), served in a GraphQL answer's errors.
type githubError string

func (e githubError) Error() string { return string(e) }

func newGitHubError(format string, args ...any) error {
	return githubError(fmt.Sprintf(format, args...))
}
