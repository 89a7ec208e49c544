// Package ghapi is the HTTP layer that collection uses to talk to GitHub's
// REST API: it authenticates, retries transient faults with backoff, honours
// the primary and secondary rate limits, caps spending, counts requests and
// keeps the token out of every error and log line.
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
)

// ErrBadCredentials is returned when GitHub answers 401: the token is wrong,
// expired or revoked. Collection stops at once.
var ErrBadCredentials = errors.New("GitHub rejected the token (401 Bad credentials): check that it is current and not revoked, or create a new one at https://github.com/settings/tokens")

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

	mu        sync.Mutex
	rate      Rate
	pauseTill time.Time // secondary limit: no request before this
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
	if err != nil || base.Host == "" || (base.Scheme != "http" && base.Scheme != "https") {
		return nil, fmt.Errorf("API URL %q: want an absolute http(s) URL", cfg.BaseURL)
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
	wrapped.Transport = &authTransport{inner: inner, token: cfg.Token, host: base.Host}
	return &Client{cfg: cfg, base: base, http: &wrapped, log: log, sem: newLimiter(cfg.Concurrency)}, nil
}

type authTransport struct {
	inner http.RoundTripper
	token string
	host  string
}

func (t *authTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if t.token != "" && req.URL.Host == t.host {
		req = req.Clone(req.Context())
		req.Header.Set("Authorization", "Bearer "+t.token)
	}
	return t.inner.RoundTrip(req)
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
}

// Next returns the rel="next" URL of the Link header, or "".
func (r *Response) Next() string { return LinkRel(r.Header.Get("Link"), "next") }

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
	attempt := 0
	for {
		if err := c.waitBeforeSend(ctx); err != nil {
			return nil, err
		}
		if c.cfg.MaxRequests > 0 && c.spent.Load() >= int64(c.cfg.MaxRequests) {
			return nil, &QuotaError{MaxRequests: c.cfg.MaxRequests}
		}
		resp, body, err := c.do(ctx, u, req)
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			attempt++
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
		c.sent.Add(1)
		if resp.StatusCode != http.StatusNotModified {
			c.spent.Add(1)
		}
		c.noteRate(resp.Header)
		if resp.StatusCode == http.StatusNotModified {
			c.mu.Lock()
			if c.rate.Known && c.rate.Remaining < c.rate.Limit && resp.Header.Get("X-RateLimit-Remaining") == "" {
				c.rate.Remaining++
			}
			c.mu.Unlock()
		}
		switch code := resp.StatusCode; {
		case code == http.StatusNotModified:
			c.notMod.Add(1)
			return &Response{Status: code, NotModified: true, Header: resp.Header, URL: u.String()}, nil
		case code >= 200 && code < 300:
			return &Response{Status: code, Header: resp.Header, Body: body, URL: u.String()}, nil
		case code == http.StatusUnauthorized:
			return nil, ErrBadCredentials
		case code == http.StatusForbidden || code == http.StatusTooManyRequests:
			msg := apiMessage(body)
			if wait, ok := secondaryWait(resp.Header, msg); ok {
				n := c.sem.lower()
				c.log.Warn("secondary rate limit: waiting as told and lowering concurrency",
					"url", shown, "wait", wait, "concurrency", n)
				c.pause(wait)
				continue
			}
			if resp.Header.Get("X-RateLimit-Remaining") == "0" {
				// The primary limit: waitBeforeSend will wait for the reset
				// or return a QuotaError.
				continue
			}
			return nil, &StatusError{Code: code, URL: shown, Message: c.scrub(msg)}
		case code >= 500 || code == http.StatusRequestTimeout:
			attempt++
			if attempt > c.cfg.Retries {
				return nil, fmt.Errorf("GET %s: giving up after %d attempts: %w", shown, attempt,
					&StatusError{Code: code, URL: shown, Message: c.scrub(apiMessage(body))})
			}
			d := c.backoff(attempt)
			c.log.Warn("server error; retrying", "url", shown, "status", code, "attempt", attempt, "wait", d)
			if err := sleep(ctx, d); err != nil {
				return nil, err
			}
			continue
		default:
			return nil, &StatusError{Code: code, URL: shown, Message: c.scrub(apiMessage(body))}
		}
	}
}

// do sends one request and reads the whole body: a connection dropped
// mid-body is an error to retry, like a dropped connection.
func (c *Client) do(ctx context.Context, u *url.URL, req Request) (*http.Response, []byte, error) {
	if err := c.sem.acquire(ctx); err != nil {
		return nil, nil, err
	}
	defer c.sem.release()
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
		return nil, nil, fmt.Errorf("reading body: %w", err)
	}
	if cl := resp.ContentLength; cl >= 0 && int64(len(body)) != cl {
		return nil, nil, fmt.Errorf("reading body: %w", io.ErrUnexpectedEOF)
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

func (c *Client) noteRate(h http.Header) {
	rem := h.Get("X-RateLimit-Remaining")
	if rem == "" {
		return
	}
	r := Rate{Known: true}
	r.Remaining, _ = strconv.Atoi(rem)
	r.Limit, _ = strconv.Atoi(h.Get("X-RateLimit-Limit"))
	r.Used, _ = strconv.Atoi(h.Get("X-RateLimit-Used"))
	if s, err := strconv.ParseInt(h.Get("X-RateLimit-Reset"), 10, 64); err == nil {
		r.Reset = time.Unix(s, 0)
	}
	if res := h.Get("X-RateLimit-Resource"); res != "" && res != "core" {
		return // search, graphql, ... have their own quotas
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	// Answers arrive out of order: within one quota window, the lowest
	// remaining count (which includes the requests reserved since) wins.
	if c.rate.Known && (c.rate.Reset.Equal(r.Reset) || c.rate.Reset.IsZero()) && c.rate.Remaining < r.Remaining {
		r.Remaining = c.rate.Remaining
	}
	c.rate = r
}

// SetRate records a rate limit read from GET /rate_limit.
func (c *Client) SetRate(r Rate) {
	c.mu.Lock()
	c.rate = r
	c.mu.Unlock()
}

func (c *Client) pause(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if t := time.Now().Add(d); t.After(c.pauseTill) {
		c.pauseTill = t
	}
}

// waitBeforeSend waits out a secondary-limit pause and, when the primary
// quota is spent, its reset (bounded by MaxWait).
func (c *Client) waitBeforeSend(ctx context.Context) error {
	for {
		c.mu.Lock()
		pause := time.Until(c.pauseTill)
		r := c.rate
		c.mu.Unlock()
		if pause > 0 {
			if err := sleep(ctx, pause); err != nil {
				return err
			}
			continue
		}
		if !r.Known {
			return nil
		}
		if r.Remaining > 0 {
			// Reserve one request of the quota, so that concurrent
			// requests do not overdraw it.
			c.mu.Lock()
			if c.rate != r {
				c.mu.Unlock()
				continue
			}
			c.rate.Remaining--
			c.mu.Unlock()
			return nil
		}
		wait := time.Until(r.Reset) + time.Second
		if wait <= time.Second {
			// The reset is past: the next response will tell the new quota.
			c.mu.Lock()
			if c.rate == r {
				c.rate = renewed(r)
			}
			c.mu.Unlock()
			continue
		}
		if c.cfg.MaxWait >= 0 && wait > c.cfg.MaxWait {
			return &QuotaError{Reset: r.Reset, Limit: r.Limit, Used: r.Used}
		}
		c.mu.Lock()
		first := !c.loggedReset.Equal(r.Reset)
		c.loggedReset = r.Reset
		c.mu.Unlock()
		if first {
			c.log.Warn("primary rate limit reached: waiting for the reset",
				"until", r.Reset.UTC().Format(time.RFC3339), "wait", wait.Round(time.Second))
		}
		if err := sleep(ctx, wait); err != nil {
			return err
		}
		c.mu.Lock()
		if c.rate == r {
			c.rate = renewed(r)
		}
		c.mu.Unlock()
	}
}

// secondaryWait tells whether a 403/429 is a secondary rate limit and how
// long GitHub says to wait: Retry-After when given, else a minute (GitHub's
// documented minimum), or until X-RateLimit-Reset when that is sooner known.
func secondaryWait(h http.Header, msg string) (time.Duration, bool) {
	if ra := h.Get("Retry-After"); ra != "" {
		// Capped at an hour (the quota window): a larger value would
		// overflow, or stall a scheduled run for days.
		if s, err := strconv.Atoi(strings.TrimSpace(ra)); err == nil && s >= 0 {
			return time.Duration(min(s, 3600)) * time.Second, true
		}
		if t, err := http.ParseTime(ra); err == nil {
			return min(max(time.Until(t), 0), time.Hour), true
		}
	}
	lm := strings.ToLower(msg)
	if strings.Contains(lm, "secondary rate limit") || strings.Contains(lm, "abuse") {
		if h.Get("X-RateLimit-Remaining") == "0" {
			if s, err := strconv.ParseInt(h.Get("X-RateLimit-Reset"), 10, 64); err == nil {
				return min(max(time.Until(time.Unix(s, 0)), 0), time.Hour) + time.Second, true
			}
		}
		return time.Minute, true
	}
	return 0, false
}

func apiMessage(body []byte) string {
	var m struct {
		Message string `json:"message"`
	}
	if jsonUnmarshal(body, &m) == nil {
		return m.Message
	}
	return ""
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
