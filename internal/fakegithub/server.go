package fakegithub

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Documentation URLs GitHub puts in its error bodies.
const (
	docsRateLimit          = "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"
	docsSecondaryRateLimit = "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"
	docsAuthentication     = "https://docs.github.com/rest"
	docsGetRepository      = "https://docs.github.com/rest/repos/repos#get-a-repository"
	docsRoot               = "https://docs.github.com/rest"
)

// Options configure a Server. The zero value serves github.com's behaviour
// at the root path, accepts any token and allows 5000 requests an hour per
// token (60 without one).
type Options struct {
	// BasePath mounts the API under a prefix, as GitHub Enterprise Server
	// does with "/api/v3". Empty means the root.
	BasePath string
	// Tokens, when not empty, are the only tokens accepted: a request with
	// another token in its Authorization header ("Bearer X" or "token X")
	// answers 401 Bad credentials. A request without Authorization is
	// unauthenticated and gets UnauthenticatedQuota.
	Tokens []string
	// RequireToken answers a request without Authorization with 401
	// "Requires authentication", as GitHub Enterprise Server in private
	// mode (and github.com for endpoints that need a user) does.
	RequireToken bool
	// Quota is the number of requests a token may make per RateWindow
	// (default 5000).
	Quota int
	// UnauthenticatedQuota is the quota of requests without a token
	// (default 60).
	UnauthenticatedQuota int
	// RateWindow is how long a quota lasts before it resets (default one
	// hour). The window starts at a token's first request.
	RateWindow time.Duration
	// Now is the clock (default time.Now). Tests move it to reset quotas.
	Now func() time.Time
	// WebURL is the base of html_url fields (default "https://github.com").
	WebURL string
	// Faults injects errors, latency and dropped connections.
	Faults FaultPlan
	// PageLimits caps numbered pagination per route template ("GET
	// /repos/{owner}/{repo}/issues/events"; the key "" applies to every
	// listing), as GitHub does for large datasets: see PageLimit.
	PageLimits map[string]PageLimit
	// GraphQL configures the GraphQL endpoint (see graphql.go).
	GraphQL GraphQLOptions
	// NoIssueMergedAt serves the issues listing's pull_request objects
	// with a null merged_at, as GitHub did before 2022 and as older GitHub
	// Enterprise Server releases still do.
	NoIssueMergedAt bool
}

// Server is the fake GitHub REST API. It is an http.Handler; every method is
// safe for concurrent use.
type Server struct {
	opts   Options
	tokens map[string]int // token -> index in Options.Tokens

	mu      sync.RWMutex // guards data and the indexes
	data    *Data
	byName  map[string]*Repo // lower-case "owner/name"
	byID    map[int64]*Repo
	orgByID map[int64]string

	statsMu sync.Mutex
	stats   Stats
	routeN  map[string]int64 // requests seen per route, for route-scoped faults
	buckets map[string]*bucket
	reqSeq  int64
	// gql and gqlBuckets are the GraphQL endpoint's counters and points
	// budgets (guarded by statsMu).
	gql        GraphQLStats
	gqlBuckets map[string]*bucket
	// gqlIdx caches the GraphQL indexes of the data (graphql_exec.go),
	// dropped when it changes.
	gqlIdx gqlIndexCache
}

// Stats counts what a Server has answered.
type Stats struct {
	// Requests is every request received, faults included.
	Requests int64
	// Counted is the requests counted against a quota.
	Counted int64
	// NotModified is the 304 answers to If-None-Match.
	NotModified int64
	// Faults is the injected faults: dropped connections, 5xx answers,
	// secondary rate limits and FailRepos answers.
	Faults int64
	// RateLimited is the 403 answers for an exhausted quota.
	RateLimited int64
	// Routes counts requests per route template, such as
	// "GET /repos/{owner}/{repo}/issues". Requests made through
	// /repositories/{id}/... are counted under the /repos/{owner}/{repo}/...
	// template of the same endpoint; unknown paths under "GET (unknown)".
	Routes map[string]int64
	// Status counts answers per HTTP status (dropped connections are not
	// answers).
	Status map[int]int64
}

// New returns a server for d. The server owns d from then on: change it only
// through Mutate.
func New(d *Data, opts Options) *Server {
	if d == nil {
		d = &Data{}
	}
	opts.BasePath = strings.TrimRight(opts.BasePath, "/")
	if opts.BasePath != "" && !strings.HasPrefix(opts.BasePath, "/") {
		opts.BasePath = "/" + opts.BasePath
	}
	if opts.Quota <= 0 {
		opts.Quota = 5000
	}
	if opts.UnauthenticatedQuota <= 0 {
		opts.UnauthenticatedQuota = 60
	}
	if opts.RateWindow <= 0 {
		opts.RateWindow = time.Hour
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.WebURL == "" {
		opts.WebURL = "https://github.com"
	}
	opts.WebURL = strings.TrimRight(opts.WebURL, "/")
	s := &Server{
		opts:    opts,
		tokens:  make(map[string]int, len(opts.Tokens)),
		data:    d,
		routeN:  map[string]int64{},
		buckets: map[string]*bucket{},
		stats:   Stats{Routes: map[string]int64{}, Status: map[int]int64{}},
	}
	for i, t := range opts.Tokens {
		s.tokens[t] = i
	}
	s.reindex()
	return s
}

// Serve listens on addr (such as "127.0.0.1:0") and serves the API until ctx
// is done. It returns the API's base URL (with BasePath and a trailing
// slash, as go-github's WithEnterpriseURLs or BaseURL want it) once the
// listener is open.
func (s *Server) Serve(ctx context.Context, addr string) (string, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", fmt.Errorf("listen on %s: %w", addr, err)
	}
	return s.ServeListener(ctx, ln), nil
}

// ServeListener serves the API on ln with net/http's Server until ctx is
// done, then shuts the server down (which closes ln). It returns the API's
// base URL, as Serve does.
func (s *Server) ServeListener(ctx context.Context, ln net.Listener) string {
	hs := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = hs.Shutdown(shutdown)
	}()
	go func() { _ = hs.Serve(ln) }()
	return "http://" + ln.Addr().String() + s.opts.BasePath + "/"
}

// Mutate runs f with exclusive access to the served data, for tests that
// change it between runs (edit an issue, add comments, ...). Repositories
// added, renamed or removed by f are served from the next request on.
func (s *Server) Mutate(f func(*Data)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(s.data)
	s.reindexLocked()
}

// Stats returns a copy of the counters.
func (s *Server) Stats() Stats {
	s.statsMu.Lock()
	defer s.statsMu.Unlock()
	st := s.stats
	st.Routes = make(map[string]int64, len(s.stats.Routes))
	for k, v := range s.stats.Routes {
		st.Routes[k] = v
	}
	st.Status = make(map[int]int64, len(s.stats.Status))
	for k, v := range s.stats.Status {
		st.Status[k] = v
	}
	return st
}

func (s *Server) reindex() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reindexLocked()
}

func (s *Server) reindexLocked() {
	s.gqlIdx.reset()
	s.byName = make(map[string]*Repo, len(s.data.Repos))
	s.byID = make(map[int64]*Repo, len(s.data.Repos))
	for _, r := range s.data.Repos {
		s.byName[strings.ToLower(r.Owner+"/"+r.Name)] = r
		s.byID[r.ID] = r
	}
	s.orgByID = make(map[int64]string, len(s.data.Orgs))
	for org := range s.data.Orgs {
		s.orgByID[orgID(org)] = org
	}
}

// A response is what a route handler answers; ServeHTTP adds the headers
// every answer carries, the ETag and the quota accounting.
type response struct {
	status      int
	body        any    // marshalled as JSON when raw is nil
	raw         []byte // the body as is
	contentType string
	link        string
}

func jsonResponse(body any) response { return response{status: http.StatusOK, body: body} }

func errorResponse(status int, message, docURL string) response {
	return response{status: status, body: errorBody{Message: message, DocumentationURL: docURL, Status: strconv.Itoa(status)}}
}

func notFound(docURL string) response {
	return errorResponse(http.StatusNotFound, "Not Found", docURL)
}

type errorBody struct {
	Message          string `json:"message"`
	DocumentationURL string `json:"documentation_url"`
	Status           string `json:"status,omitempty"`
}

// ServeHTTP answers one API request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s.serveGraphQL(w, r) {
		return
	}
	path, mounted := strings.CutPrefix(r.URL.Path, s.opts.BasePath)
	if !mounted || (path != "" && path[0] != '/') {
		path = "" // outside the API: answered 404 below
		if strings.HasPrefix(r.URL.Path, "/raw/") {
			path = r.URL.Path // download_url of the contents API
		}
	}
	rt, params := s.match(r.Method, path)
	name := r.Method + " (unknown)"
	if rt != nil {
		name = rt.name
	}
	reqN, routeN := s.count(name)

	if d := s.opts.Faults.Latency; d > 0 {
		select {
		case <-time.After(d):
		case <-r.Context().Done():
			return
		}
	}
	if f := s.opts.Faults.match(reqN, routeN, name); f != nil {
		s.fault(w, r, f)
		return
	}

	who, resp, ok := s.authenticate(r)
	if !ok {
		// GitHub answers bad credentials with the caller's
		// unauthenticated quota in the headers.
		s.write(w, r, s.bucketFor(s.anonymous(r)), resp, false)
		return
	}
	b := s.bucketFor(who)
	if rt == nil {
		s.write(w, r, b, notFound(docsRoot), true)
		return
	}
	if rt.free {
		s.write(w, r, b, s.handle(r, rt, params, who, b), false)
		return
	}
	if s.exhausted(b) {
		s.statsMu.Lock()
		s.stats.RateLimited++
		s.statsMu.Unlock()
		msg := "API rate limit exceeded for " + who.subject() + ". " +
			"(But here's the good news: Authenticated requests get a higher rate limit. Check out the documentation for more details.)"
		if who.token {
			msg = fmt.Sprintf("API rate limit exceeded for %s. If you reach out to GitHub Support for help, please include the request ID %s and timestamp %s.",
				who.subject(), requestID(reqN), s.opts.Now().UTC().Format("2006-01-02 15:04:05 MST"))
		}
		s.write(w, r, b, response{status: http.StatusForbidden, body: errorBody{Message: msg, DocumentationURL: docsRateLimit + "#about-rate-limits"}}, false)
		return
	}
	s.write(w, r, b, s.handle(r, rt, params, who, b), true)
}

// write serialises resp, answers 304 when If-None-Match matches its ETag,
// and otherwise counts the request against b's quota when counts is set.
func (s *Server) write(w http.ResponseWriter, r *http.Request, b *bucket, resp response, counts bool) {
	body := resp.raw
	if body == nil && resp.body != nil {
		buf := bufPool.Get().(*bytes.Buffer)
		buf.Reset()
		defer bufPool.Put(buf)
		enc := json.NewEncoder(buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(resp.body); err != nil {
			resp = errorResponse(http.StatusInternalServerError, "Server Error", docsRoot)
			body = []byte(`{"message":"Server Error"}`)
		} else {
			body = bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
		}
	}
	h := w.Header()
	h.Set("Server", "GitHub.com")
	h.Set("Date", s.opts.Now().UTC().Format(http.TimeFormat))
	ct := resp.contentType
	if ct == "" {
		ct = "application/json; charset=utf-8"
	}
	h.Set("Content-Type", ct)
	h.Set("X-GitHub-Media-Type", "github.v3; format=json")
	h.Set("X-GitHub-Api-Version-Selected", "2022-11-28")
	h.Set("X-GitHub-Request-Id", requestID(s.seq()))
	h.Set("Access-Control-Expose-Headers", "ETag, Link, Location, Retry-After, X-GitHub-OTP, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Used, X-RateLimit-Resource, X-RateLimit-Reset, X-OAuth-Scopes, X-Accepted-OAuth-Scopes, X-Poll-Interval, X-GitHub-Media-Type, X-GitHub-SSO, X-GitHub-Request-Id, Deprecation, Sunset")
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Vary", "Accept, Authorization, Cookie, X-GitHub-OTP")
	if resp.link != "" {
		h.Set("Link", resp.link)
	}
	status := resp.status
	if status == http.StatusOK {
		h.Set("Cache-Control", "private, max-age=60, s-maxage=60")
		etag := weakETag(body)
		h.Set("ETag", etag)
		if etagMatches(r.Header.Get("If-None-Match"), etag) {
			status = http.StatusNotModified
			counts = false
			body = nil
		}
	}
	if b != nil {
		s.account(h, b, counts)
	}
	s.statsMu.Lock()
	s.stats.Status[status]++
	if status == http.StatusNotModified {
		s.stats.NotModified++
	}
	s.statsMu.Unlock()
	if status == http.StatusNotModified {
		h.Del("Content-Type")
		w.WriteHeader(status)
		return
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}

// bufPool holds encoding buffers: listings of 100 items are hundreds of
// kilobytes, like GitHub's.
var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// count records a request for route and returns its number among all
// requests and among the route's requests, both 1-based.
func (s *Server) count(route string) (all, perRoute int64) {
	s.statsMu.Lock()
	defer s.statsMu.Unlock()
	s.stats.Requests++
	s.stats.Routes[route]++
	s.routeN[route]++
	return s.stats.Requests, s.routeN[route]
}

func (s *Server) seq() int64 {
	s.statsMu.Lock()
	defer s.statsMu.Unlock()
	s.reqSeq++
	return s.reqSeq
}

func requestID(n int64) string {
	return fmt.Sprintf("%04X:%05X:%07X:%07X:%08X", n%0xFFFF, n%0xFFFFF, n, n*7, n*13)
}

func weakETag(body []byte) string {
	sum := sha256.Sum256(body)
	return `W/"` + hex.EncodeToString(sum[:]) + `"`
}

// etagMatches reports whether an If-None-Match header names etag, comparing
// weakly (W/ prefixes ignored), as GitHub does.
func etagMatches(header, etag string) bool {
	if header == "" {
		return false
	}
	want := strings.TrimPrefix(etag, "W/")
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || strings.TrimPrefix(t, "W/") == want {
			return true
		}
	}
	return false
}

// A caller is who a request comes from.
type caller struct {
	token  bool
	key    string // bucket key; never the token itself
	userID int64
	login  string
	addr   string
}

func (c caller) subject() string {
	if c.token {
		return fmt.Sprintf("user ID %d", c.userID)
	}
	return c.addr
}

// anonymous is the caller of a request without a token: its IP address.
func (s *Server) anonymous(r *http.Request) caller {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	return caller{key: "ip:" + host, addr: host}
}

// authenticate resolves the Authorization header. ok is false when the
// request must be answered with resp (401).
func (s *Server) authenticate(r *http.Request) (c caller, resp response, ok bool) {
	auth := r.Header.Get("Authorization")
	if auth == "" && s.opts.RequireToken {
		return caller{}, errorResponse(http.StatusUnauthorized, "Requires authentication", docsAuthentication), false
	}
	if auth == "" {
		return s.anonymous(r), response{}, true
	}
	scheme, tok, _ := strings.Cut(auth, " ")
	tok = strings.TrimSpace(tok)
	switch strings.ToLower(scheme) {
	case "bearer", "token":
	default:
		tok = ""
	}
	sum := sha256.Sum256([]byte(tok))
	idx, known := s.tokens[tok]
	if tok == "" || (len(s.tokens) > 0 && !known) {
		return caller{}, errorResponse(http.StatusUnauthorized, "Bad credentials", docsAuthentication), false
	}
	if len(s.tokens) == 0 {
		idx = int(sum[0])<<8 | int(sum[1])
	}
	return caller{
		token:  true,
		key:    "token:" + hex.EncodeToString(sum[:8]),
		userID: 9000000 + int64(idx) + 1,
		login:  fmt.Sprintf("user%d", idx+1),
	}, response{}, true
}
