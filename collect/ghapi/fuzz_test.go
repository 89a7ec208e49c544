package ghapi

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// FuzzLinkRel: any Link header is read without panicking, a URL found is
// one the header holds, and a well-formed next link is always found.
func FuzzLinkRel(f *testing.F) {
	f.Add(`<https://api.github.com/repositories/1/issues?page=2&per_page=100>; rel="next", <https://api.github.com/repositories/1/issues?page=5&per_page=100>; rel="last"`, "https://api.github.com/repositories/9/pulls?page=3")
	f.Add(`<a>; rel=next`, "b")
	f.Add(`<>; rel="next"`, "")
	f.Add(`<https://x/?a=1,2>; rel="next"`, "u")
	f.Add(";;,,<<>>; rel=\"\"", "\x00")
	f.Fuzz(func(t *testing.T, link, u string) {
		for _, rel := range []string{"next", "last", "prev", "first", ""} {
			got := LinkRel(link, rel)
			if got != "" && !strings.Contains(link, "<"+got+">") {
				t.Fatalf("LinkRel(%q, %q) = %q: not a URL of the header", link, rel, got)
			}
		}
		if strings.ContainsAny(u, ",;<>") {
			return
		}
		header := "<" + u + `>; rel="next", ` + link
		if got := LinkRel(header, "next"); got != u {
			t.Fatalf("LinkRel(%q, next) = %q, want %q", header, got, u)
		}
	})
}

// FuzzSecondaryWait: any Retry-After, rate-limit headers and message give a
// wait between zero and an hour (plus the second added to a reset); a
// number of seconds up to an hour is honoured exactly.
func FuzzSecondaryWait(f *testing.F) {
	f.Add("60", "", "", "You have exceeded a secondary rate limit.")
	f.Add("", "0", "1700000000", "You have exceeded a secondary rate limit.")
	f.Add("Wed, 21 Oct 2015 07:28:00 GMT", "", "", "")
	f.Add("99999999999999", "", "", "")
	f.Add("-1", "0", "-99999999999", "abuse detection")
	f.Add("", "0", "9223372036854775807", "secondary rate limit")
	f.Add("18446744074", "", "", "")
	f.Add("Fri, 31 Dec 9999 23:59:59 GMT", "", "", "")
	f.Add(" 7 ", "12", "x", "API rate limit exceeded")
	c, err := New(Config{})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, retryAfter, remaining, reset, msg string) {
		h := http.Header{}
		h.Set("Retry-After", retryAfter)
		h.Set("X-RateLimit-Remaining", remaining)
		h.Set("X-RateLimit-Reset", reset)
		wait, ok := c.secondaryWait(h, msg, 0)
		if wait < 0 || wait > time.Hour+time.Second {
			t.Fatalf("secondaryWait(Retry-After %q, remaining %q, reset %q, %q) = %v: out of [0, 1h]", retryAfter, remaining, reset, msg, wait)
		}
		if !ok && wait != 0 {
			t.Fatalf("not a secondary limit, yet a wait of %v", wait)
		}
		// A Retry-After the header holds as a small number of seconds is
		// honoured to the second, and "0" taken as one second.
		if s, err := strconv.Atoi(strings.TrimSpace(h.Get("Retry-After"))); err == nil && s >= 0 && s <= 3600 {
			if !ok || wait != time.Duration(max(s, 1))*time.Second {
				t.Fatalf("Retry-After %q: wait %v (%v), want %ds", retryAfter, wait, ok, s)
			}
		}
	})
}

// FuzzRateHeaders: whatever X-RateLimit-* headers say, the client records
// them without panicking and, allowed no wait, decides at once: it sends or
// it stops with a QuotaError; it never sleeps.
func FuzzRateHeaders(f *testing.F) {
	f.Add("5000", "4999", "1", "1700000000", "core")
	f.Add("60", "0", "60", strconv.FormatInt(time.Now().Add(time.Hour).Unix(), 10), "")
	f.Add("0", "0", "0", "0", "")
	f.Add("-5", "-1", "x", "9223372036854775807", "core")
	f.Add("30", "0", "30", "-9223372036854775808", "search")
	f.Fuzz(func(t *testing.T, limit, remaining, used, reset, resource string) {
		c, err := New(Config{BaseURL: "https://api.github.com/", MaxWait: 0})
		if err != nil {
			t.Fatal(err)
		}
		h := http.Header{}
		h.Set("X-RateLimit-Limit", limit)
		h.Set("X-RateLimit-Remaining", remaining)
		h.Set("X-RateLimit-Used", used)
		h.Set("X-RateLimit-Reset", reset)
		h.Set("X-RateLimit-Resource", resource)
		c.noteRate(h)
		c.noteRate(h) // the same answer twice, as concurrent pages give
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		err = c.reserve(ctx)
		var qe *QuotaError
		switch {
		case err == nil:
		case errors.As(err, &qe):
			if qe.Error() == "" {
				t.Fatal("empty quota message")
			}
		default:
			t.Fatalf("headers %q/%q/%q/%q/%q: reserve = %v, want nil or a QuotaError", limit, remaining, used, reset, resource, err)
		}
	})
}
