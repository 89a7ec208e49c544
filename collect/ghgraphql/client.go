// Package ghgraphql is the HTTP layer for GitHub's GraphQL API: it POSTs
// the queries in queries.go with the token, decodes the answers, keeps the
// points budget (every query asks for rateLimit, so each answer says what
// it cost and what is left), waits out secondary rate limits, and tells
// the caller when GitHub timed out or answered in part, so that the caller
// halves its page size and asks again (see Pager).
package ghgraphql

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/journeys-dev/journeys/collect/ghapi"
	"golang.org/x/oauth2"
)

// Endpoint returns the GraphQL endpoint that goes with a REST root:
// https://api.github.com/graphql for https://api.github.com/, and
// https://HOST/api/graphql for GitHub Enterprise Server's
// https://HOST/api/v3/.
func Endpoint(restRoot string) (string, error) {
	u, err := url.Parse(restRoot)
	if err != nil || u.Host == "" {
		return "", fmt.Errorf("API URL: want an absolute http(s) URL")
	}
	p := strings.TrimSuffix(u.Path, "/")
	p = strings.TrimSuffix(p, "/v3")
	u.Path = p + "/graphql"
	u.RawQuery, u.Fragment = "", ""
	return u.String(), nil
}

// Config configures a Client.
type Config struct {
	// URL is the GraphQL endpoint (see Endpoint).
	URL   string
	Token string
	// Concurrency bounds the queries in flight (default 4); secondary
	// rate limits lower it.
	Concurrency int
	// MaxPoints caps the points spent (0: no cap).
	MaxPoints int
	// MaxWait bounds a wait for the points budget's reset; <0 waits as
	// long as needed, 0 does not wait.
	MaxWait time.Duration
	// PointsPerMinute is GitHub's secondary limit on points (default 2000):
	// queries are paced to stay under it.
	PointsPerMinute int
	HTTPClient      *http.Client
	Logger          *slog.Logger
	UserAgent       string
	// Retries is how many times a server error or dropped connection is
	// retried (default 6), from RetryBase (default 1s), doubled each time.
	Retries   int
	RetryBase time.Duration
	// Timeout bounds one query (default 60s).
	Timeout time.Duration
	// RateLimitWait is the first wait after a secondary rate limit that
	// gives no Retry-After (default 1 minute).
	RateLimitWait time.Duration
}

// A Client sends GraphQL queries. It is safe for concurrent use.
type Client struct {
	cfg  Config
	http *http.Client
	log  *slog.Logger

	queries atomic.Int64
	points  atomic.Int64

	mu        sync.Mutex
	rate      Rate
	pauseTill time.Time
	// window holds the points spent in the last minute, for pacing.
	window []spend
	// capacity is the concurrency allowed now (lowered by secondary limits).
	capacity int
	inflight int
	freed    chan struct{}
}

type spend struct {
	at     time.Time
	points int
}

// Rate is the points budget as GitHub last reported it.
type Rate struct {
	Limit, Remaining, Used int
	Reset                  time.Time
	Known                  bool
}

// Cost is what one query cost, from its rateLimit field.
type Cost struct {
	Points, Nodes int
}

// New returns a Client for cfg.
func New(cfg Config) (*Client, error) {
	u, err := url.Parse(cfg.URL)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") || u.User != nil {
		return nil, errors.New("GraphQL URL: want an absolute http(s) URL without credentials")
	}
	if cfg.Token == "" {
		return nil, errors.New("GitHub's GraphQL API requires a token")
	}
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = 4
	}
	if cfg.PointsPerMinute <= 0 {
		cfg.PointsPerMinute = 2000
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
	inner := hc.Transport
	if inner == nil {
		inner = http.DefaultTransport
	}
	wrapped := *hc
	src := oauth2.StaticTokenSource(&oauth2.Token{AccessToken: cfg.Token, TokenType: "Bearer"})
	wrapped.Transport = &hostOnly{host: u.Host, authed: &oauth2.Transport{Source: src, Base: inner}, plain: inner}
	return &Client{cfg: cfg, http: &wrapped, log: log, capacity: cfg.Concurrency, freed: make(chan struct{})}, nil
}

// hostOnly sends the token to the endpoint's host only.
type hostOnly struct {
	host          string
	authed, plain http.RoundTripper
}

func (t *hostOnly) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Host == t.host {
		return t.authed.RoundTrip(req)
	}
	return t.plain.RoundTrip(req)
}

// Stats returns the queries answered and the points they cost.
func (c *Client) Stats() (queries, points int64) { return c.queries.Load(), c.points.Load() }

// Rate returns the points budget as last reported.
func (c *Client) Rate() Rate {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.rate
}

// ErrTimeout: GitHub gave up on the query (502/504, "We couldn't respond to
// your request in time"): ask for less.
var ErrTimeout = errors.New("GitHub's GraphQL API timed out")

// A PartialError: GitHub answered the query in part, with errors.
type PartialError struct{ Messages []string }

func (e *PartialError) Error() string {
	return "GitHub's GraphQL API answered in part: " + strings.Join(e.Messages, "; ")
}

// A QueryError: GitHub refused the query (NOT_FOUND, a bad argument, ...).
type QueryError struct {
	Type     string
	Messages []string
}

func (e *QueryError) Error() string {
	return "GraphQL query refused: " + strings.Join(e.Messages, "; ")
}

// IsNotFound tells whether err says the repository (or node) does not
// resolve.
func IsNotFound(err error) bool {
	var qe *QueryError
	return errors.As(err, &qe) && (qe.Type == "NOT_FOUND" || len(qe.Messages) > 0 && strings.HasPrefix(qe.Messages[0], "Could not resolve"))
}

type gqlError struct {
	Type    string `json:"type"`
	Message string `json:"message"`
}

type envelope struct {
	Data   json.RawMessage `json:"data"`
	Errors []gqlError      `json:"errors"`
}

type rateData struct {
	RateLimit *struct {
		Cost      int       `json:"cost"`
		Remaining int       `json:"remaining"`
		Limit     int       `json:"limit"`
		Used      int       `json:"used"`
		ResetAt   time.Time `json:"resetAt"`
		NodeCount int       `json:"nodeCount"`
	} `json:"rateLimit"`
}

// Query sends query with vars and decodes its data into out. estimate is
// the points the caller expects it to cost (see PageCost), used to keep
// within the budget and the per-minute limit before sending.
func (c *Client) Query(ctx context.Context, query string, vars map[string]any, estimate int, out any) (Cost, error) {
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		return Cost{}, err
	}
	estimate = max(estimate, 1)
	attempt, limited := 0, 0
	for {
		if err := c.reserve(ctx, estimate); err != nil {
			return Cost{}, err
		}
		status, h, b, err := c.post(ctx, body)
		c.release()
		if err != nil {
			if ctx.Err() != nil {
				return Cost{}, ctx.Err()
			}
			attempt++
			if attempt > c.cfg.Retries {
				return Cost{}, fmt.Errorf("POST %s: giving up after %d attempts: %s", c.cfg.URL, attempt, c.scrub(err.Error()))
			}
			if err := sleep(ctx, c.backoff(attempt)); err != nil {
				return Cost{}, err
			}
			continue
		}
		c.noteHeaders(h)
		var env envelope
		_ = json.Unmarshal(b, &env)
		timedOut := status == http.StatusBadGateway || status == http.StatusGatewayTimeout
		for _, e := range env.Errors {
			if strings.Contains(e.Message, "couldn't respond to your request in time") {
				timedOut = true
			}
		}
		switch {
		case status == http.StatusUnauthorized:
			return Cost{}, ghapi.ErrBadCredentials
		case timedOut:
			c.queries.Add(1)
			return Cost{}, ErrTimeout
		case status == http.StatusForbidden || status == http.StatusTooManyRequests:
			msg := strings.ToLower(string(b))
			ra, hasRA := retryAfter(h)
			if !hasRA && !strings.Contains(msg, "secondary rate limit") && !strings.Contains(msg, "abuse") {
				if h.Get("X-RateLimit-Remaining") == "0" {
					if err := c.waitReset(ctx); err != nil {
						return Cost{}, err
					}
					continue
				}
				return Cost{}, fmt.Errorf("POST %s: %d %s", c.cfg.URL, status, c.scrub(strings.TrimSpace(string(b))))
			}
			limited++
			if limited > 8 {
				return Cost{}, fmt.Errorf("POST %s: still rate limited after %d retries", c.cfg.URL, limited-1)
			}
			if !hasRA {
				ra = c.cfg.RateLimitWait << min(limited-1, 4)
			}
			c.lower()
			c.log.Warn("GraphQL secondary rate limit: waiting and lowering concurrency", "wait", ra)
			c.pause(ra)
			continue
		case status >= 500:
			attempt++
			if attempt > c.cfg.Retries {
				return Cost{}, fmt.Errorf("POST %s: giving up after %d attempts: %d", c.cfg.URL, attempt, status)
			}
			if err := sleep(ctx, c.backoff(attempt)); err != nil {
				return Cost{}, err
			}
			continue
		case status != http.StatusOK:
			return Cost{}, fmt.Errorf("POST %s: %d %s", c.cfg.URL, status, c.scrub(strings.TrimSpace(string(b))))
		}
		c.queries.Add(1)
		var rd rateData
		_ = json.Unmarshal(env.Data, &rd)
		cost := Cost{}
		if rl := rd.RateLimit; rl != nil {
			cost = Cost{Points: rl.Cost, Nodes: rl.NodeCount}
			c.points.Add(int64(rl.Cost))
			c.noteRate(Rate{Limit: rl.Limit, Remaining: rl.Remaining, Used: rl.Used, Reset: rl.ResetAt, Known: true}, rl.Cost)
		}
		if len(env.Errors) > 0 {
			var msgs []string
			typ := ""
			for _, e := range env.Errors {
				msgs = append(msgs, c.scrub(e.Message))
				typ = cmp(typ, e.Type)
			}
			if typ == "RATE_LIMITED" {
				if err := c.waitReset(ctx); err != nil {
					return cost, err
				}
				continue
			}
			hasData := len(env.Data) > 0 && string(env.Data) != "null"
			if hasData && out != nil {
				// What did resolve, for callers that can use part of
				// an answer (NOT_FOUND for one of many aliases).
				_ = json.Unmarshal(env.Data, out)
			}
			if isNotFoundMsgs(msgs) && typ == "" {
				typ = "NOT_FOUND"
			}
			if !hasData || typ != "" && typ != "INTERNAL" || rd.RateLimit == nil {
				return cost, &QueryError{Type: typ, Messages: msgs}
			}
			return cost, &PartialError{Messages: msgs}
		}
		if out != nil {
			if err := json.Unmarshal(env.Data, out); err != nil {
				return cost, fmt.Errorf("decode GraphQL answer: %w", err)
			}
		}
		return cost, nil
	}
}

func isNotFoundMsgs(msgs []string) bool {
	for _, m := range msgs {
		if strings.HasPrefix(m, "Could not resolve") {
			return true
		}
	}
	return false
}

func cmp(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func (c *Client) post(ctx context.Context, body []byte) (int, http.Header, []byte, error) {
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.cfg.URL, bytes.NewReader(body))
	if err != nil {
		return 0, nil, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.cfg.UserAgent)
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, nil, nil, fmt.Errorf("reading body: %w", err)
	}
	return resp.StatusCode, resp.Header, b, nil
}

// reserve waits for a concurrency slot, the end of a secondary-limit
// pause, room in the per-minute points window and in the budget.
func (c *Client) reserve(ctx context.Context, estimate int) error {
	for {
		c.mu.Lock()
		now := time.Now()
		if d := c.pauseTill.Sub(now); d > 0 {
			c.mu.Unlock()
			if err := sleep(ctx, d); err != nil {
				return err
			}
			continue
		}
		if max := c.cfg.MaxPoints; max > 0 && int(c.points.Load())+estimate > max {
			c.mu.Unlock()
			return &ghapi.QuotaError{MaxRequests: max}
		}
		if r := c.rate; r.Known && r.Remaining < estimate && r.Reset.After(now) {
			c.mu.Unlock()
			if err := c.waitReset(ctx); err != nil {
				return err
			}
			continue
		}
		// The per-minute window.
		keep := c.window[:0]
		sum := 0
		for _, s := range c.window {
			if now.Sub(s.at) < time.Minute {
				keep = append(keep, s)
				sum += s.points
			}
		}
		c.window = keep
		if sum+estimate > c.cfg.PointsPerMinute && len(keep) > 0 {
			d := time.Minute - now.Sub(keep[0].at)
			c.mu.Unlock()
			if err := sleep(ctx, d); err != nil {
				return err
			}
			continue
		}
		if c.inflight >= c.capacity {
			ch := c.freed
			c.mu.Unlock()
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-ch:
			}
			continue
		}
		c.inflight++
		c.window = append(c.window, spend{at: now, points: estimate})
		c.mu.Unlock()
		return nil
	}
}

func (c *Client) release() {
	c.mu.Lock()
	c.inflight--
	close(c.freed)
	c.freed = make(chan struct{})
	c.mu.Unlock()
}

func (c *Client) lower() {
	c.mu.Lock()
	if c.capacity > 1 {
		c.capacity /= 2
	}
	c.mu.Unlock()
}

func (c *Client) pause(d time.Duration) {
	c.mu.Lock()
	if t := time.Now().Add(d); t.After(c.pauseTill) {
		c.pauseTill = t
	}
	c.mu.Unlock()
}

// noteRate records the budget an answer reported and corrects the
// per-minute window's estimate with the real cost.
func (c *Client) noteRate(r Rate, cost int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	cur := c.rate
	if !cur.Known || r.Reset.After(cur.Reset) || r.Reset.Equal(cur.Reset) && r.Remaining < cur.Remaining {
		c.rate = r
	}
	if n := len(c.window); n > 0 && cost > 0 {
		c.window[n-1].points = cost
	}
}

// noteHeaders reads the graphql resource's X-RateLimit-* headers.
func (c *Client) noteHeaders(h http.Header) {
	if h.Get("X-RateLimit-Resource") != "graphql" || h.Get("X-RateLimit-Remaining") == "" {
		return
	}
	r := Rate{Known: true}
	r.Remaining, _ = strconv.Atoi(h.Get("X-RateLimit-Remaining"))
	r.Limit, _ = strconv.Atoi(h.Get("X-RateLimit-Limit"))
	r.Used, _ = strconv.Atoi(h.Get("X-RateLimit-Used"))
	if s, err := strconv.ParseInt(h.Get("X-RateLimit-Reset"), 10, 64); err == nil {
		r.Reset = time.Unix(s, 0)
	}
	c.noteRate(r, 0)
}

// waitReset waits for the points budget's reset, bounded by MaxWait, or
// returns a QuotaError.
func (c *Client) waitReset(ctx context.Context) error {
	r := c.Rate()
	wait := time.Until(r.Reset) + time.Second
	if r.Reset.IsZero() || wait <= time.Second {
		c.mu.Lock()
		c.rate = Rate{}
		c.mu.Unlock()
		return sleep(ctx, time.Second)
	}
	if c.cfg.MaxWait >= 0 && wait > c.cfg.MaxWait {
		return &ghapi.QuotaError{Reset: r.Reset, Limit: r.Limit, Used: r.Limit - r.Remaining}
	}
	c.log.Warn("GraphQL points budget spent: waiting for the reset", "until", r.Reset.UTC().Format(time.RFC3339))
	if err := sleep(ctx, wait); err != nil {
		return err
	}
	c.mu.Lock()
	c.rate = Rate{}
	c.mu.Unlock()
	return nil
}

func retryAfter(h http.Header) (time.Duration, bool) {
	s, err := strconv.Atoi(strings.TrimSpace(h.Get("Retry-After")))
	if err != nil || s < 0 {
		return 0, false
	}
	return max(time.Duration(min(s, 3600))*time.Second, 10*time.Millisecond), true
}

func (c *Client) backoff(attempt int) time.Duration {
	d := c.cfg.RetryBase << min(attempt-1, 6)
	return d/2 + time.Duration(rand.Int64N(int64(d/2)+1))
}

func (c *Client) scrub(s string) string {
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
