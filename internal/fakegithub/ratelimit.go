package fakegithub

import (
	"net/http"
	"strconv"
	"time"
)

// A bucket is one caller's primary ("core") quota: limit requests per
// window, the window starting at the first request after the previous one
// ended, as GitHub's X-RateLimit-Reset moves.
type bucket struct {
	limit int
	used  int
	reset time.Time
}

// bucketFor returns c's quota, creating it on first use.
func (s *Server) bucketFor(c caller) *bucket {
	s.statsMu.Lock()
	defer s.statsMu.Unlock()
	b := s.buckets[c.key]
	if b == nil {
		limit := s.opts.UnauthenticatedQuota
		if c.token {
			limit = s.opts.Quota
		}
		b = &bucket{limit: limit}
		s.buckets[c.key] = b
	}
	return b
}

// roll starts a new window when the current one is over. statsMu held.
func (b *bucket) roll(now time.Time, window time.Duration) {
	if b.reset.IsZero() || !now.Before(b.reset) {
		b.used = 0
		b.reset = now.Add(window).Truncate(time.Second)
		if b.reset.Before(now) || b.reset.Equal(now) {
			b.reset = b.reset.Add(time.Second)
		}
	}
}

// exhausted reports whether b has no request left in its window.
func (s *Server) exhausted(b *bucket) bool {
	s.statsMu.Lock()
	defer s.statsMu.Unlock()
	b.roll(s.opts.Now(), s.opts.RateWindow)
	return b.used >= b.limit
}

// account counts one request against b when spend is set and writes the
// X-RateLimit-* headers as they stand after it.
func (s *Server) account(h http.Header, b *bucket, spend bool) {
	s.statsMu.Lock()
	defer s.statsMu.Unlock()
	b.roll(s.opts.Now(), s.opts.RateWindow)
	if spend {
		b.used++
		s.stats.Counted++
	}
	remaining := max(b.limit-b.used, 0)
	h.Set("X-RateLimit-Limit", strconv.Itoa(b.limit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(remaining))
	h.Set("X-RateLimit-Reset", strconv.FormatInt(b.reset.Unix(), 10))
	h.Set("X-RateLimit-Used", strconv.Itoa(b.used))
	h.Set("X-RateLimit-Resource", "core")
}

// rateLimit is one entry of GET /rate_limit.
type rateLimit struct {
	Limit     int   `json:"limit"`
	Used      int   `json:"used"`
	Remaining int   `json:"remaining"`
	Reset     int64 `json:"reset"`
}

// snapshot returns b as GET /rate_limit reports it.
func (s *Server) snapshot(b *bucket) rateLimit {
	s.statsMu.Lock()
	defer s.statsMu.Unlock()
	b.roll(s.opts.Now(), s.opts.RateWindow)
	return rateLimit{Limit: b.limit, Used: b.used, Remaining: max(b.limit-b.used, 0), Reset: b.reset.Unix()}
}

// otherLimit is a full, untouched quota for the resources other than core.
func (s *Server) otherLimit(limit int) rateLimit {
	return rateLimit{Limit: limit, Remaining: limit, Reset: s.opts.Now().Add(s.opts.RateWindow).Unix()}
}
