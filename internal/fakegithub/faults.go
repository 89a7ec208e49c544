package fakegithub

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// FaultPlan says which requests a Server answers badly. It is deterministic:
// which requests fail depends only on their numbers (and Seed for Rate), not
// on timing. Requests are numbered from 1 in arrival order, all routes
// together, or per route when a Fault names one.
//
// For example, "every 7th request returns 502 once":
//
//	FaultPlan{Rules: []Fault{{Kind: ServerError, Status: 502, Every: 7}}}
//
// and "request 3 gets a secondary rate limit with Retry-After: 1":
//
//	FaultPlan{Rules: []Fault{{Kind: SecondaryRateLimit, On: []int64{3}, RetryAfter: 1}}}
type FaultPlan struct {
	// Seed drives the Rate of the rules.
	Seed int64
	// Latency delays every request by this much before it is answered.
	Latency time.Duration
	// Rules are tried in order; the first that matches a request decides
	// its answer.
	Rules []Fault
	// FailRepos answers every request about a repository ("owner/name",
	// any case) with a status: 404 (the default for 0, as for a private or
	// deleted repository), 403 or 451 (access blocked), or a 5xx.
	FailRepos map[string]int
}

// A FaultKind is what a Fault does to a request.
type FaultKind int

const (
	// ServerError answers 5xx (Status, default 502) with GitHub's body.
	ServerError FaultKind = iota + 1
	// SecondaryRateLimit answers 403 (or Status 429) with Retry-After and
	// the secondary rate limit message.
	SecondaryRateLimit
	// DropConnection closes the connection without answering.
	DropConnection
	// StaleQuota answers 403 (or Status 429) "API rate limit exceeded" with
	// X-RateLimit-Remaining: 0 and an X-RateLimit-Reset ResetIn from the
	// server's clock (default: now, a reset that is not in the future), as
	// a server whose clock is behind the client's does.
	StaleQuota
)

func (k FaultKind) String() string {
	switch k {
	case ServerError:
		return "server error"
	case SecondaryRateLimit:
		return "secondary rate limit"
	case DropConnection:
		return "dropped connection"
	case StaleQuota:
		return "stale quota"
	}
	return "FaultKind(" + strconv.Itoa(int(k)) + ")"
}

// A Fault selects requests by number and says how to answer them. A request
// matches when its number is in On, or falls in a burst (Every > 0: the
// Burst requests starting at each multiple of Every), or is drawn with
// probability Rate.
type Fault struct {
	Kind FaultKind
	// Route, when set, limits the fault to one route template (such as
	// "GET /repos/{owner}/{repo}/issues") and numbers requests within it.
	Route string
	// On lists request numbers (1-based).
	On []int64
	// Every and Burst: requests Every, Every+1, ..., Every+Burst-1, then
	// 2*Every, ... fail. Burst defaults to 1.
	Every int64
	Burst int64
	// Rate is the probability that any request fails, drawn from Seed and
	// the request number.
	Rate float64
	// Status overrides the status: 500, 502 (default), 503 or 504 for
	// ServerError; 403 (default) or 429 for SecondaryRateLimit.
	Status int
	// RetryAfter is the Retry-After of a secondary rate limit in seconds
	// (default 60).
	RetryAfter int
	// Body overrides the answer's body, for instance with the HTML page
	// GitHub's front ends send on some 502s.
	Body string
	// RetryAfterRaw, when set, is the Retry-After header as sent (such as
	// "0"), for SecondaryRateLimit and ServerError; NoRetryAfter sends none
	// with a secondary rate limit.
	RetryAfterRaw string
	NoRetryAfter  bool
	// ResetIn is how far from the server's clock StaleQuota puts
	// X-RateLimit-Reset (zero or negative: not in the future).
	ResetIn time.Duration
}

// match returns the first rule that selects the request, or nil.
func (p *FaultPlan) match(all, perRoute int64, route string) *Fault {
	for i := range p.Rules {
		f := &p.Rules[i]
		n := all
		if f.Route != "" {
			if f.Route != route {
				continue
			}
			n = perRoute
		}
		if f.selects(n, p.Seed) {
			return f
		}
	}
	return nil
}

func (f *Fault) selects(n, seed int64) bool {
	if slices.Contains(f.On, n) {
		return true
	}
	if f.Every > 0 && n >= f.Every && n%f.Every < max(f.Burst, 1) {
		return true
	}
	if f.Rate > 0 {
		var buf [16]byte
		binary.LittleEndian.PutUint64(buf[:8], uint64(seed))
		binary.LittleEndian.PutUint64(buf[8:], uint64(n))
		sum := sha256.Sum256(buf[:])
		u := float64(binary.LittleEndian.Uint64(sum[:8])>>11) / (1 << 53)
		return u < f.Rate
	}
	return false
}

// fault answers a request as f says.
func (s *Server) fault(w http.ResponseWriter, r *http.Request, f *Fault) {
	s.statsMu.Lock()
	s.stats.Faults++
	s.statsMu.Unlock()
	switch f.Kind {
	case DropConnection:
		hj, ok := w.(http.Hijacker)
		if !ok {
			panic(http.ErrAbortHandler) // closes the stream on HTTP/2
		}
		conn, _, err := hj.Hijack()
		if err == nil {
			_ = conn.Close()
		}
		return
	case SecondaryRateLimit:
		status := f.Status
		if status == 0 {
			status = http.StatusForbidden
		}
		retry := f.RetryAfter
		if retry <= 0 {
			retry = 60
		}
		switch {
		case f.NoRetryAfter:
		case f.RetryAfterRaw != "":
			w.Header().Set("Retry-After", f.RetryAfterRaw)
		default:
			w.Header().Set("Retry-After", strconv.Itoa(retry))
		}
		who, _, ok := s.authenticate(r)
		var b *bucket
		if ok {
			b = s.bucketFor(who)
		}
		resp := response{status: status, body: errorBody{
			Message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. " +
				"If you reach out to GitHub Support for help, please include the request ID " + requestID(s.seq()) + ".",
			DocumentationURL: docsSecondaryRateLimit,
		}}
		if f.Body != "" {
			resp.raw = []byte(f.Body)
		}
		s.write(w, r, b, resp, false)
	case StaleQuota:
		status := f.Status
		if status == 0 {
			status = http.StatusForbidden
		}
		h := w.Header()
		h.Set("X-RateLimit-Limit", "5000")
		h.Set("X-RateLimit-Remaining", "0")
		h.Set("X-RateLimit-Used", "5000")
		h.Set("X-RateLimit-Reset", strconv.FormatInt(s.opts.Now().Add(f.ResetIn).Unix(), 10))
		h.Set("X-RateLimit-Resource", "core")
		s.write(w, r, nil, errorResponse(status, "API rate limit exceeded for user ID 1.", docsRateLimit+"#about-rate-limits"), false)
	default:
		status := f.Status
		if status == 0 {
			status = http.StatusBadGateway
		}
		if f.RetryAfterRaw != "" {
			w.Header().Set("Retry-After", f.RetryAfterRaw)
		}
		resp := response{status: status, body: serverErrorBody(status)}
		if f.Body != "" {
			resp.raw = []byte(f.Body)
			if strings.HasPrefix(strings.TrimSpace(f.Body), "<") {
				resp.contentType = "text/html; charset=utf-8"
			}
		}
		s.write(w, r, nil, resp, false)
	}
}

func serverErrorBody(status int) any {
	switch status {
	case http.StatusServiceUnavailable:
		return struct {
			Message string `json:"message"`
		}{"Service Unavailable"}
	case http.StatusGatewayTimeout:
		return struct {
			Message string `json:"message"`
		}{"We couldn't respond to your request in time. Sorry about that. Please try resubmitting your request and contact us if the problem persists."}
	}
	return struct {
		Message string `json:"message"`
	}{"Server Error"}
}

// failRepo returns the answer FailRepos gives for repo, if any.
func (p *FaultPlan) failRepo(fullName string) (response, bool) {
	if len(p.FailRepos) == 0 {
		return response{}, false
	}
	for name, status := range p.FailRepos {
		if !strings.EqualFold(name, fullName) {
			continue
		}
		switch {
		case status == 0 || status == http.StatusNotFound:
			return notFound(docsGetRepository), true
		case status == http.StatusForbidden || status == http.StatusUnavailableForLegalReasons:
			return errorResponse(status, "Repository access blocked", "https://docs.github.com/rest/repos/repos#get-a-repository"), true
		case status >= 500:
			return response{status: status, body: serverErrorBody(status)}, true
		default:
			return errorResponse(status, fmt.Sprintf("%d %s", status, http.StatusText(status)), docsRoot), true
		}
	}
	return response{}, false
}
