// Package ghapi is the HTTP layer that collection uses to talk to GitHub's
// REST API: it authenticates (golang.org/x/oauth2, the token sent only to
// the API's own host), retries transient faults with backoff, honours the
// primary and secondary rate limits, caps spending, counts requests and
// keeps the token out of every error and log line.
//
// Payloads are decoded by the caller into go-github's types
// (github.com/google/go-github/v57/github); error bodies and GET /rate_limit
// are decoded here with go-github's ErrorResponse and RateLimits. The
// requests themselves are not sent through go-github's github.Client: that
// client refuses every request, without asking, once it has seen
// X-RateLimit-Remaining: 0 (unless each context carries BypassRateLimitCheck)
// and reports a 304 Not Modified as an error, while collection needs to
// wait for resets itself, share one quota between concurrent requests, and
// treat 304s (free on GitHub) as answers. It also follows Link headers as
// GitHub gives them, which go-github reduces to page numbers.
package ghapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/go-github/v57/github"
	"golang.org/x/oauth2"
)

// ErrBadCredentials is returned when GitHub answers 401: the token is wrong,
// expired or revoked. Collection stops at once.
var ErrBadCredentials = errors.New("GitHub rejected the token (401 Bad credentials): check that it is current and not revoked, or create a new one at https://github.com/settings/tokens")

// ErrTokenRequired is returned when GitHub answers 401 to a request sent
// without a token: this API (GitHub Enterprise Server, or an endpoint that
// needs authentication) wants one. It matches ErrBadCredentials with
// errors.Is, as both stop the run.
var ErrTokenRequired = &tokenRequired{}

type tokenRequired struct{}

func (*tokenRequired) Error() string {
	return "GitHub requires a token for this request (401, and no token was sent): set GITHUB_TOKEN (or GH_TOKEN) to a token with read access to the repositories, e.g. GITHUB_TOKEN=$(gh auth token), or create one at https://github.com/settings/tokens"
}

func (*tokenRequired) Is(target error) bool { return target == ErrBadCredentials }

// An UnreachableError says that the API's host could not be reached at all
// (connection refused, no such host, no route) after a few quick tries:
// no repository would fare better, so the run stops.
type UnreachableError struct {
	URL string // the API root
	Err error
}

func (e *UnreachableError) Error() string {
	return fmt.Sprintf("cannot reach the API at %s: %v; check --api-url (or $GITHUB_API_URL) and the network", e.URL, e.Err)
}

func (e *UnreachableError) Unwrap() error { return e.Err }

// unreachableTries is how many times a request is sent before a host that
// never answered is declared unreachable.
const unreachableTries = 3

// unreachable reports whether err says that nothing answered at the
// network level: a refused connection, an unknown host, no route.
func unreachable(err error) bool {
	var dns *net.DNSError
	if errors.As(err, &dns) {
		return true
	}
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// A QuotaError says the primary rate limit (or the request cap) stopped the
// run: the quota is spent until Reset and waiting that long was not allowed.
type QuotaError struct {
	// Reset is when GitHub restores the quota; zero when the cap was the
	// run's own MaxRequests.
	Reset time.Time
	// Limit and Used are the quota figures GitHub last reported.
	Limit, Used int
	// MaxRequests is set when the run's own request cap was reached.
	MaxRequests int
}

func (e *QuotaError) Error() string {
	if e.MaxRequests > 0 {
		return fmt.Sprintf("request cap reached: %d requests spent (raise --max-requests or run again to resume)", e.MaxRequests)
	}
	return fmt.Sprintf("GitHub API quota exhausted (%d of %d used) until %s, in %s; run again after that to resume",
		e.Used, e.Limit, e.Reset.UTC().Format(time.RFC3339), time.Until(e.Reset).Round(time.Second))
}

// A StatusError is a response with an unexpected HTTP status.
type StatusError struct {
	Code    int
	URL     string // without query secrets; the token is never in a URL
	Message string // GitHub's "message" field, if any
}

func (e *StatusError) Error() string {
	if e.Message != "" {
		return fmt.Sprintf("GET %s: %d %s", e.URL, e.Code, e.Message)
	}
	return fmt.Sprintf("GET %s: %d %s", e.URL, e.Code, http.StatusText(e.Code))
}

// IsNotFound tells whether err is a 404 (or a 451/410 that hides a resource).
func IsNotFound(err error) bool {
	var se *StatusError
	return errors.As(err, &se) && (se.Code == http.StatusNotFound || se.Code == http.StatusGone || se.Code == http.StatusUnavailableForLegalReasons)
}

// Config configures a Client.
type Config struct {
	// BaseURL is the REST root, used as given ("https://api.github.com/").
	BaseURL string
	Token   string
	// Concurrency bounds the requests in flight; secondary rate limits lower it.
	Concurrency int
	// MaxRequests caps the requests that cost quota (0: no cap).
	MaxRequests int
	// MaxWait bounds a wait for the primary rate limit's reset; <0 waits as
	// long as needed, 0 does not wait.
	MaxWait    time.Duration
	HTTPClient *http.Client
	Logger     *slog.Logger
	UserAgent  string
	// Retries is how many times a transient fault is retried (default 6);
	// RetryBase the first backoff (default 1s), doubled each time, with jitter.
	Retries   int
	RetryBase time.Duration
	// Timeout bounds one request (default 60s).
	Timeout time.Duration
	// RateLimitRetries bounds how many times one request is sent again
	// after a rate limit (403/429) answer (default 8): the request then
	// fails.
	RateLimitRetries int
	// MinRetryAfter is the shortest wait a Retry-After header is taken
	// for (default 1s; a "0" would resend at once).
	MinRetryAfter time.Duration
	// RateLimitWait is the first wait after a secondary rate limit that
	// gives no usable Retry-After, or a primary one whose reset is not in
	// the future (default 1 minute, as GitHub asks); it doubles with each
	// retry.
	RateLimitWait time.Duration
}

// A Client sends GET requests to GitHub. It is safe for concurrent use.
type Client struct {
	cfg    Config
	base   *url.URL
	http   *http.Client
	log    *slog.Logger
	sem    *limiter
	sent   atomic.Int64 // requests answered
	spent  atomic.Int64 // requests that cost quota (not 304)
	notMod atomic.Int64

	mu sync.Mutex
	// rate is the primary limit as the server last reported it: its own
	// figures, never lowered by local bookkeeping.
	rate Rate
	// inflight is the requests sent and not answered yet. Each may cost a
	// unit of quota that rate does not show yet, so at most
	// rate.Remaining-inflight more are sent.
	inflight int
	// answered is closed (and replaced) whenever a request in flight ends:
	// requests waiting for the quota figures to settle wait on it.
	answered  chan struct{}
	pauseTill time.Time // secondary limit: no request before this
	// resetWait is the reset that requests are waiting for, if any.
	resetWait time.Time
	// loggedReset is the reset last announced in the log.
	loggedReset time.Time
}

// Rate is the primary rate limit as GitHub last reported it.
type Rate struct {
	Limit, Remaining, Used int
	Reset                  time.Time
	Known                  bool
}

// New returns a Client for cfg.
func New(cfg Config) (*Client, error) {
	raw := cfg.BaseURL
	if raw == "" {
		raw = "https://api.github.com/"
	}
	if !strings.HasSuffix(raw, "/") {
		raw += "/"
	}
	base, err := url.Parse(raw)
	if err == nil && base.User != nil {
		// Never echo the user info: it may hold a token.
		return nil, fmt.Errorf("API URL %s://%s%s: credentials in the URL are not accepted; give the token separately",
			base.Scheme, base.Host, base.Path)
	}
	if err != nil || base.Host == "" || (base.Scheme != "http" && base.Scheme != "https") {
		shown := strconv.Quote(cfg.BaseURL)
		if strings.Contains(cfg.BaseURL, "@") {
			shown = "(not shown: it may hold credentials)"
		}
		return nil, fmt.Errorf("API URL %s: want an absolute http(s) URL without credentials", shown)
	}
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = 8
	}
	if cfg.Retries <= 0 {
		cfg.Retries = 6
	}
	if cfg.RetryBase <= 0 {
		cfg.RetryBase = time.Second
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 60 * time.Second
	}
	if cfg.RateLimitRetries <= 0 {
		cfg.RateLimitRetries = 8
	}
	if cfg.MinRetryAfter <= 0 {
		cfg.MinRetryAfter = time.Second
	}
	if cfg.RateLimitWait <= 0 {
		cfg.RateLimitWait = time.Minute
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = "journeys"
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = http.DefaultClient
	}
	// Wrap the transport so that the token is added only to requests for
	// the API's own host, never to a redirect elsewhere.
	inner := hc.Transport
	if inner == nil {
		inner = http.DefaultTransport
	}
	wrapped := *hc
	wrapped.Transport = newAuthTransport(inner, cfg.Token, base.Host)
	return &Client{cfg: cfg, base: base, http: &wrapped, log: log, sem: newLimiter(cfg.Concurrency),
		answered: make(chan struct{})}, nil
}

// hostAuth sends requests for the API's host through oauth2's Transport,
// which adds "Authorization: Bearer TOKEN", and every other request (a
// redirect elsewhere, a download URL on another host) without it.
type hostAuth struct {
	host   string
	authed http.RoundTripper
	plain  http.RoundTripper
}

func newAuthTransport(inner http.RoundTripper, token, host string) http.RoundTripper {
	if token == "" {
		return inner
	}
	src := oauth2.StaticTokenSource(&oauth2.Token{AccessToken: token, TokenType: "Bearer"})
	return &hostAuth{host: host, authed: &oauth2.Transport{Source: src, Base: inner}, plain: inner}
}

func (t *hostAuth) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Host == t.host {
		return t.authed.RoundTrip(req)
	}
	return t.plain.RoundTrip(req)
}

// Stats returns the requests answered, those that cost quota, and the 304s.
func (c *Client) Stats() (sent, spent, notModified int64) {
	return c.sent.Load(), c.spent.Load(), c.notMod.Load()
}

// Rate returns the primary rate limit as last reported.
func (c *Client) Rate() Rate {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.rate
}

// A Request is one GET.
type Request struct {
	// Path is relative to the base URL ("repos/o/r/issues?state=all") or an
	// absolute URL on the same host (a Link header's next page).
	Path string
	// Accept defaults to application/vnd.github+json.
	Accept      string
	IfNoneMatch string
}

// A Response is a successful (2xx or 304) answer.
type Response struct {
	Status      int
	NotModified bool
	Header      http.Header
	Body        []byte
	URL         string // the request URL, absolute
	base        *url.URL
}

// Next returns the rel="next" URL of the Link header, or "". A URL on the
// API host comes back relative to the API root ("repositories/1/issues?page=2"),
// so that a checkpoint that stores it stays valid when the same API is
// reached at another address (a new port, http instead of https).
func (r *Response) Next() string {
	return relative(r.base, LinkRel(r.Header.Get("Link"), "next"))
}

// relative returns link relative to the API root base when it is on the API
// host under the root's path; otherwise link unchanged (Client.URL refuses
// to follow a link to another host).
func relative(base *url.URL, link string) string {
	u, err := url.Parse(link)
	if link == "" || base == nil || err != nil || !u.IsAbs() || u.Host != base.Host || u.User != nil {
		return link
	}
	rest, ok := strings.CutPrefix(u.EscapedPath(), base.EscapedPath())
	if !ok {
		return link
	}
	if u.RawQuery != "" {
		rest += "?" + u.RawQuery
	}
	return rest
}

// ETag returns the response's ETag.
func (r *Response) ETag() string { return r.Header.Get("ETag") }

// LinkRel returns the URL of the given rel in a Link header value.
func LinkRel(link, rel string) string {
	for _, part := range strings.Split(link, ",") {
		segs := strings.Split(part, ";")
		if len(segs) < 2 {
			continue
		}
		u := strings.TrimSpace(segs[0])
		if !strings.HasPrefix(u, "<") || !strings.HasSuffix(u, ">") {
			continue
		}
		for _, s := range segs[1:] {
			s = strings.TrimSpace(s)
			if s == `rel="`+rel+`"` || s == "rel="+rel {
				return u[1 : len(u)-1]
			}
		}
	}
	return ""
}

// URL resolves a request path against the base URL.
func (c *Client) URL(path string) (*url.URL, error) {
	u, err := url.Parse(path)
	if err != nil {
		return nil, fmt.Errorf("bad request path %q: %w", path, err)
	}
	if u.IsAbs() {
		if u.Host != c.base.Host {
			return nil, fmt.Errorf("refusing to follow %s: not the API host", u.Redacted())
		}
		return u, nil
	}
	return c.base.ResolveReference(&url.URL{Path: c.base.Path + strings.TrimPrefix(u.Path, "/"), RawQuery: u.RawQuery}), nil
}

// Get sends req, retrying transient faults and waiting out rate limits.
func (c *Client) Get(ctx context.Context, req Request) (*Response, error) {
	u, err := c.URL(req.Path)
	if err != nil {
		return nil, err
	}
	shown := u.Redacted()
	attempt, limited := 0, 0
	for {
		resp, body, err := c.send(ctx, u, req)
		if err != nil {
			var qe *QuotaError
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			if errors.As(err, &qe) {
				return nil, err
			}
			attempt++
			if attempt >= unreachableTries && c.sent.Load() == 0 && unreachable(err) {
				return nil, &UnreachableError{URL: c.base.Redacted(), Err: errors.New(c.scrub(rootCause(err).Error()))}
			}
			if attempt > c.cfg.Retries {
				return nil, fmt.Errorf("GET %s: giving up after %d attempts: %s", shown, attempt, c.scrub(err.Error()))
			}
			d := c.backoff(attempt)
			c.log.Warn("request failed; retrying", "url", shown, "attempt", attempt, "wait", d, "error", c.scrub(err.Error()))
			if err := sleep(ctx, d); err != nil {
				return nil, err
			}
			continue
		}
		switch code := resp.StatusCode; {
		case code == http.StatusNotModified:
			return &Response{Status: code, NotModified: true, Header: resp.Header, URL: u.String(), base: c.base}, nil
		case code >= 200 && code < 300:
			return &Response{Status: code, Header: resp.Header, Body: body, URL: u.String(), base: c.base}, nil
		case code == http.StatusUnauthorized:
			if c.cfg.Token == "" {
				return nil, ErrTokenRequired
			}
			return nil, ErrBadCredentials
		case code == http.StatusForbidden || code == http.StatusTooManyRequests:
			e := apiError(body)
			msg := e.Message
			if secondaryDoc(e.DocumentationURL) {
				msg = "secondary rate limit: " + msg
			}
			wait, secondary := c.secondaryWait(resp.Header, msg, limited)
			primary := !secondary && resp.Header.Get("X-RateLimit-Remaining") == "0"
			if !secondary && !primary {
				return nil, &StatusError{Code: code, URL: shown, Message: c.scrub(e.Message)}
			}
			limited++
			if limited > c.cfg.RateLimitRetries {
				return nil, fmt.Errorf("GET %s: giving up: still rate limited after %d retries: %w", shown, limited-1,
					&StatusError{Code: code, URL: shown, Message: c.scrub(e.Message)})
			}
			if secondary {
				n := c.sem.lower()
				c.log.Warn("secondary rate limit: waiting and lowering concurrency",
					"url", shown, "wait", wait, "concurrency", n)
				c.pause(wait)
				continue
			}
			// The primary limit: reserve waits for a reset in the future
			// (or returns a QuotaError). A reset that is not in the future
			// (clock skew, a missing header) would resend at once: wait
			// as for a secondary limit instead.
			if reset := headerReset(resp.Header); !reset.After(time.Now()) {
				wait := c.limitBackoff(limited)
				c.log.Warn("primary rate limit reached with no reset ahead: waiting", "url", shown, "wait", wait)
				c.pause(wait)
			}
			continue
		case code >= 500 || code == http.StatusRequestTimeout:
			attempt++
			if attempt > c.cfg.Retries {
				return nil, fmt.Errorf("GET %s: giving up after %d attempts: %w", shown, attempt,
					&StatusError{Code: code, URL: shown, Message: c.scrub(apiError(body).Message)})
			}
			d := c.backoff(attempt)
			if ra, ok := c.retryAfter(resp.Header); ok {
				d = ra
			}
			c.log.Warn("server error; retrying", "url", shown, "status", code, "attempt", attempt, "wait", d)
			if err := sleep(ctx, d); err != nil {
				return nil, err
			}
			continue
		default:
			return nil, &StatusError{Code: code, URL: shown, Message: c.scrub(apiError(body).Message)}
		}
	}
}

// send takes one of the Concurrency slots, then one unit of quota
// (reserve), then sends the request and settles the quota with the answer.
// Taking the slot first matters: a request waiting for a slot holds no
// quota, so the requests waiting never make the quota look spent.
func (c *Client) send(ctx context.Context, u *url.URL, req Request) (*http.Response, []byte, error) {
	if err := c.sem.acquire(ctx); err != nil {
		return nil, nil, err
	}
	defer c.sem.release()
	if err := c.reserve(ctx); err != nil {
		return nil, nil, err
	}
	resp, body, err := c.do(ctx, u, req)
	c.settle(resp)
	return resp, body, err
}

// do sends one request and reads the whole body: a connection dropped
// mid-body is an error to retry, like a dropped connection.
func (c *Client) do(ctx context.Context, u *url.URL, req Request) (*http.Response, []byte, error) {
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	hr, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, nil, err
	}
	accept := req.Accept
	if accept == "" {
		accept = "application/vnd.github+json"
	}
	hr.Header.Set("Accept", accept)
	hr.Header.Set("X-GitHub-Api-Version", "2022-11-28")
	hr.Header.Set("User-Agent", c.cfg.UserAgent)
	if req.IfNoneMatch != "" {
		hr.Header.Set("If-None-Match", req.IfNoneMatch)
	}
	resp, err := c.http.Do(hr)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp, nil, fmt.Errorf("reading body: %w", err)
	}
	if cl := resp.ContentLength; cl >= 0 && int64(len(body)) != cl {
		return resp, nil, fmt.Errorf("reading body: %w", io.ErrUnexpectedEOF)
	}
	return resp, body, nil
}

func (c *Client) backoff(attempt int) time.Duration {
	d := c.cfg.RetryBase << (attempt - 1)
	if max := 64 * c.cfg.RetryBase; d > max {
		d = max
	}
	// Full jitter in [d/2, d).
	return d/2 + time.Duration(rand.Int64N(int64(d/2)+1))
}

// reserve waits until one more request may be sent and counts it in
// flight: after a secondary-limit pause, and while the quota the server
// last reported, less the requests in flight, is spent. When it is spent
// with requests still in flight, their answers (a 304 costs nothing, and
// the server's own figures replace the estimate) are awaited first; only
// with nothing in flight is the quota known to be spent, and then reserve
// waits for the reset, bounded by MaxWait, or returns a QuotaError.
func (c *Client) reserve(ctx context.Context) error {
	for {
		c.mu.Lock()
		if pause := time.Until(c.pauseTill); pause > 0 {
			c.mu.Unlock()
			if err := sleep(ctx, pause); err != nil {
				return err
			}
			continue
		}
		if max := int64(c.cfg.MaxRequests); max > 0 && c.spent.Load()+int64(c.inflight) >= max {
			if c.inflight == 0 {
				c.mu.Unlock()
				return &QuotaError{MaxRequests: c.cfg.MaxRequests}
			}
			if err := c.awaitAnswer(ctx); err != nil {
				return err
			}
			continue
		}
		r := c.rate
		if !r.Known || r.Remaining-c.inflight > 0 {
			c.inflight++
			c.mu.Unlock()
			return nil
		}
		if c.inflight > 0 {
			if err := c.awaitAnswer(ctx); err != nil {
				return err
			}
			continue
		}
		wait := time.Until(r.Reset) + time.Second
		if r.Reset.IsZero() || wait <= time.Second {
			// The reset is past: the next answer tells the new quota.
			c.rate = renewed(r)
			c.mu.Unlock()
			continue
		}
		if c.cfg.MaxWait >= 0 && wait > c.cfg.MaxWait {
			c.mu.Unlock()
			used := r.Used
			if used == 0 {
				used = r.Limit - r.Remaining
			}
			return &QuotaError{Reset: r.Reset, Limit: r.Limit, Used: used}
		}
		first := !c.loggedReset.Equal(r.Reset)
		c.loggedReset, c.resetWait = r.Reset, r.Reset
		c.mu.Unlock()
		if first {
			c.log.Warn("primary rate limit reached: waiting for the reset",
				"until", r.Reset.UTC().Format(time.RFC3339), "wait", wait.Round(time.Second))
		}
		err := sleep(ctx, wait)
		c.mu.Lock()
		if c.resetWait.Equal(r.Reset) {
			c.resetWait = time.Time{}
		}
		if c.rate == r {
			c.rate = renewed(r)
		}
		c.mu.Unlock()
		if err != nil {
			return err
		}
	}
}

// awaitAnswer waits, with c.mu held on entry and released on return, until
// a request in flight is answered.
func (c *Client) awaitAnswer(ctx context.Context) error {
	ch := c.answered
	c.mu.Unlock()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-ch:
		return nil
	}
}

// settle ends a reserved request: resp is its answer, or nil when none
// came. A 304 costs no quota on GitHub; its unit is given back by simply
// not counting it, since the server's figures are what rate holds.
func (c *Client) settle(resp *http.Response) {
	if resp != nil {
		c.sent.Add(1)
		if resp.StatusCode == http.StatusNotModified {
			c.notMod.Add(1)
		} else {
			c.spent.Add(1)
		}
		c.noteRate(resp.Header)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.inflight--
	close(c.answered)
	c.answered = make(chan struct{})
}

// noteRate records the rate-limit headers of an answer.
func (c *Client) noteRate(h http.Header) {
	if r, ok := headerRate(h); ok {
		c.mu.Lock()
		c.mergeRate(r)
		c.mu.Unlock()
	}
}

// headerRate reads the X-RateLimit-* headers of the "core" resource (search,
// graphql, ... have quotas of their own).
func headerRate(h http.Header) (Rate, bool) {
	rem := h.Get("X-RateLimit-Remaining")
	if rem == "" {
		return Rate{}, false
	}
	if res := h.Get("X-RateLimit-Resource"); res != "" && res != "core" {
		return Rate{}, false
	}
	r := Rate{Known: true}
	r.Remaining, _ = strconv.Atoi(rem)
	r.Limit, _ = strconv.Atoi(h.Get("X-RateLimit-Limit"))
	r.Used, _ = strconv.Atoi(h.Get("X-RateLimit-Used"))
	if s, err := strconv.ParseInt(h.Get("X-RateLimit-Reset"), 10, 64); err == nil && s > 0 {
		r.Reset = time.Unix(s, 0)
	}
	return r, true
}

// mergeRate takes in figures the server reported, with c.mu held. Answers
// to concurrent requests arrive in any order: within one quota window the
// server's count only goes down, so the lowest remaining is the latest; a
// later window (a later reset) replaces an earlier one, and figures from a
// window already over are ignored.
func (c *Client) mergeRate(r Rate) {
	cur := c.rate
	switch {
	case !cur.Known:
	case cur.Reset.IsZero():
		// The quota was assumed renewed: only figures of the new window
		// count.
		if !r.Reset.IsZero() && !r.Reset.After(time.Now()) {
			return
		}
	case r.Reset.Equal(cur.Reset):
		if r.Remaining > cur.Remaining {
			return
		}
	case r.Reset.Before(cur.Reset):
		return
	}
	c.rate = r
}

// SetRate records a rate limit read from GET /rate_limit.
func (c *Client) SetRate(r Rate) {
	c.mu.Lock()
	c.mergeRate(r)
	c.mu.Unlock()
}

// A Wait is a pause that every request is held by.
type Wait struct {
	// Reason is "secondary rate limit" or "quota reset".
	Reason string
	Until  time.Time
}

// RoundWait rounds a wait for people to read: seconds under two minutes,
// whole minutes beyond ("38m", "1h2m", "2h").
func RoundWait(d time.Duration) string {
	if d < 2*time.Minute {
		return d.Round(time.Second).String()
	}
	s := strings.TrimSuffix(d.Round(time.Minute).String(), "0s")
	if h, ok := strings.CutSuffix(s, "h0m"); ok {
		return h + "h"
	}
	return s
}

// Waiting returns the pause requests are held by now, if any: a secondary
// rate limit's, or the primary quota's reset.
func (c *Client) Waiting() (Wait, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := time.Now()
	if c.pauseTill.After(now) {
		return Wait{Reason: "secondary rate limit", Until: c.pauseTill}, true
	}
	if !c.resetWait.IsZero() {
		return Wait{Reason: "quota reset", Until: c.resetWait}, true
	}
	return Wait{}, false
}

func (c *Client) pause(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if t := time.Now().Add(d); t.After(c.pauseTill) {
		c.pauseTill = t
	}
}

// secondaryWait tells whether a 403/429 is a secondary rate limit and how
// long to wait before the retry'th retry (0 for the first), as GitHub's
// docs say: Retry-After when given (at least MinRetryAfter); else, with
// X-RateLimit-Remaining: 0 and a reset ahead, until that reset; else
// RateLimitWait, doubled with each retry. A 403/429 with a Retry-After is
// a secondary limit whatever its message.
func (c *Client) secondaryWait(h http.Header, msg string, retry int) (time.Duration, bool) {
	if d, ok := c.retryAfter(h); ok {
		return d, true
	}
	lm := strings.ToLower(msg)
	if !strings.Contains(lm, "secondary rate limit") && !strings.Contains(lm, "abuse") {
		return 0, false
	}
	if h.Get("X-RateLimit-Remaining") == "0" {
		if until := time.Until(headerReset(h)); until > 0 {
			return min(until, time.Hour) + time.Second, true
		}
	}
	return c.limitBackoff(retry + 1), true
}

// retryAfter reads a Retry-After header (seconds or an HTTP date): at
// least MinRetryAfter, at most an hour (the quota window: a larger value
// would overflow, or stall a scheduled run for days).
func (c *Client) retryAfter(h http.Header) (time.Duration, bool) {
	ra := strings.TrimSpace(h.Get("Retry-After"))
	if ra == "" {
		return 0, false
	}
	var d time.Duration
	if s, err := strconv.Atoi(ra); err == nil && s >= 0 {
		d = time.Duration(min(s, 3600)) * time.Second
	} else if t, err := http.ParseTime(ra); err == nil {
		d = min(time.Until(t), time.Hour)
	} else {
		return 0, false
	}
	return max(d, c.cfg.MinRetryAfter), true
}

// limitBackoff is the wait before the n'th retry (from 1) after a rate
// limit that says nothing usable of when to retry: RateLimitWait, doubled
// each time, at most 16 times as long.
func (c *Client) limitBackoff(n int) time.Duration {
	return c.cfg.RateLimitWait << min(max(n-1, 0), 4)
}

// headerReset reads X-RateLimit-Reset; zero when absent or zero.
func headerReset(h http.Header) time.Time {
	if s, err := strconv.ParseInt(h.Get("X-RateLimit-Reset"), 10, 64); err == nil && s > 0 {
		return time.Unix(s, 0)
	}
	return time.Time{}
}

// apiError decodes an error body ({"message": ..., "documentation_url": ...})
// into go-github's ErrorResponse; a body that is not one gives an empty one.
func apiError(body []byte) *github.ErrorResponse {
	var e github.ErrorResponse
	if jsonUnmarshal(body, &e) != nil {
		return &github.ErrorResponse{}
	}
	return &e
}

// secondaryDoc tells whether an error's documentation_url points at the
// secondary rate limits, as go-github's CheckResponse reads it.
func secondaryDoc(u string) bool {
	return strings.HasSuffix(u, "secondary-rate-limits") || strings.HasSuffix(u, "#abuse-rate-limits")
}

// scrub removes the token from s, for errors built from server or transport text.
func (c *Client) scrub(s string) string {
	if c.cfg.Token == "" {
		return s
	}
	return strings.ReplaceAll(s, c.cfg.Token, "[token]")
}

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// IsTransient tells whether err is a network fault worth retrying at a
// higher level (timeouts, dropped connections).
func IsTransient(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) || errors.Is(err, io.ErrUnexpectedEOF)
}

// Base returns the REST root requests are sent to.
func (c *Client) Base() string { return c.base.String() }

// renewed is the quota assumed once r's reset has passed: the whole limit,
// in a window whose reset the next answer will tell.
func renewed(r Rate) Rate {
	return Rate{Known: true, Limit: r.Limit, Remaining: max(r.Limit, 1)}
}

// rootCause is the innermost error of a chain of wrapped ones: for a
// failed dial, "connect: connection refused" rather than the whole request.
func rootCause(err error) error {
	for {
		var op *net.OpError
		if errors.As(err, &op) && op.Err != nil {
			return op.Err
		}
		u := errors.Unwrap(err)
		if u == nil {
			return err
		}
		err = u
	}
}
