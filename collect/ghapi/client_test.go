package ghapi

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestLinkRel(t *testing.T) {
	link := `<https://api.github.com/repositories/1/issues?page=2&per_page=100>; rel="next", <https://api.github.com/repositories/1/issues?page=5&per_page=100>; rel="last"`
	tests := []struct{ rel, want string }{
		{"next", "https://api.github.com/repositories/1/issues?page=2&per_page=100"},
		{"last", "https://api.github.com/repositories/1/issues?page=5&per_page=100"},
		{"prev", ""},
	}
	for _, tt := range tests {
		if got := LinkRel(link, tt.rel); got != tt.want {
			t.Errorf("LinkRel(%s) = %q, want %q", tt.rel, got, tt.want)
		}
	}
}

func TestSecondaryWait(t *testing.T) {
	c, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	h := http.Header{}
	h.Set("Retry-After", "7")
	if d, ok := c.secondaryWait(h, "", 0); !ok || d != 7*time.Second {
		t.Errorf("Retry-After 7: %v %v", d, ok)
	}
	h.Set("Retry-After", "0")
	if d, ok := c.secondaryWait(h, "", 0); !ok || d != time.Second {
		t.Errorf("Retry-After 0: %v %v, want at least a second", d, ok)
	}
	msg := "You have exceeded a secondary rate limit. Please wait a few minutes."
	if d, ok := c.secondaryWait(http.Header{}, msg, 0); !ok || d != time.Minute {
		t.Errorf("message only: %v %v", d, ok)
	}
	if d, ok := c.secondaryWait(http.Header{}, msg, 2); !ok || d != 4*time.Minute {
		t.Errorf("message only, third retry: %v %v, want the minute doubled twice", d, ok)
	}
	stale := http.Header{}
	stale.Set("X-RateLimit-Remaining", "0")
	stale.Set("X-RateLimit-Reset", strconv.FormatInt(time.Now().Add(-time.Hour).Unix(), 10))
	if d, ok := c.secondaryWait(stale, msg, 0); !ok || d != time.Minute {
		t.Errorf("reset in the past: %v %v, want a minute", d, ok)
	}
	if _, ok := c.secondaryWait(http.Header{}, "Resource not accessible by integration", 0); ok {
		t.Error("a plain 403 taken for a secondary limit")
	}
}

func TestBaseURLIsUsedAsGiven(t *testing.T) {
	var path atomic.Value
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		path.Store(r.URL.Path + "?" + r.URL.RawQuery + " " + r.Header.Get("Authorization"))
		w.Write([]byte(`{}`))
	}))
	defer ts.Close()
	c, err := New(Config{BaseURL: ts.URL + "/api/v3", Token: "tkn"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Get(context.Background(), Request{Path: "repos/o/r/issues?state=all"}); err != nil {
		t.Fatal(err)
	}
	if got := path.Load().(string); got != "/api/v3/repos/o/r/issues?state=all Bearer tkn" {
		t.Errorf("request = %q", got)
	}
	if _, err := c.Get(context.Background(), Request{Path: "https://elsewhere.example/x"}); err == nil {
		t.Error("followed a URL on another host")
	}
}

func TestServerErrorsAreRetriedThenReported(t *testing.T) {
	var n atomic.Int64
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) <= 2 {
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		w.Write([]byte(`[]`))
	}))
	defer ts.Close()
	c, _ := New(Config{BaseURL: ts.URL, RetryBase: time.Millisecond, Retries: 3})
	if _, err := c.Get(context.Background(), Request{Path: "x"}); err != nil {
		t.Fatalf("two 502s then 200: %v", err)
	}
	n.Store(-100)
	_, err := c.Get(context.Background(), Request{Path: "x"})
	var se *StatusError
	if !errors.As(err, &se) || se.Code != http.StatusBadGateway || !strings.Contains(err.Error(), "giving up after 4 attempts") {
		t.Errorf("endless 502s: %v", err)
	}
}

func TestUnauthorizedIsBadCredentials(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusUnauthorized)
		w.Write([]byte(`{"message":"Bad credentials"}`))
	}))
	defer ts.Close()
	c, _ := New(Config{BaseURL: ts.URL, Token: "secret-token-value"})
	_, err := c.Get(context.Background(), Request{Path: "x"})
	if !errors.Is(err, ErrBadCredentials) || strings.Contains(err.Error(), "secret-token-value") {
		t.Errorf("err = %v", err)
	}
}

func TestTokenGoesOnlyToTheAPIHost(t *testing.T) {
	var elsewhere atomic.Value
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		elsewhere.Store(r.Header.Get("Authorization"))
		w.Write([]byte(`{}`))
	}))
	defer other.Close()
	var api atomic.Value
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		api.Store(r.Header.Get("Authorization"))
		http.Redirect(w, r, other.URL+"/download", http.StatusFound)
	}))
	defer ts.Close()
	c, _ := New(Config{BaseURL: ts.URL, Token: "tkn"})
	if _, err := c.Get(context.Background(), Request{Path: "repos/o/r"}); err != nil {
		t.Fatal(err)
	}
	if got := api.Load(); got != "Bearer tkn" {
		t.Errorf("the API host got Authorization %q, want the token", got)
	}
	if got := elsewhere.Load(); got != "" {
		t.Errorf("a redirect to another host got Authorization %q", got)
	}
}

// TestNextIsRelativeToTheAPIRoot: a next link on the API host comes back
// relative to the API root, and resolves to the same URL; any other link
// comes back as given (and Client.URL refuses other hosts).
func TestNextIsRelativeToTheAPIRoot(t *testing.T) {
	tests := []struct{ base, link, want string }{
		{"https://api.github.com/", "https://api.github.com/repositories/1/issues?per_page=100&page=2", "repositories/1/issues?per_page=100&page=2"},
		{"https://ghe.example.org/api/v3/", "https://ghe.example.org/api/v3/repositories/1/issues?page=2", "repositories/1/issues?page=2"},
		{"http://127.0.0.1:8080/", "http://127.0.0.1:8080/repositories/1/stargazers?page=3", "repositories/1/stargazers?page=3"},
		{"https://ghe.example.org/api/v3/", "https://ghe.example.org/other/repositories/1?page=2", "https://ghe.example.org/other/repositories/1?page=2"},
		{"https://api.github.com/", "https://evil.example.org/repositories/1?page=2", "https://evil.example.org/repositories/1?page=2"},
		{"https://api.github.com/", "", ""},
	}
	for _, tt := range tests {
		c, err := New(Config{BaseURL: tt.base})
		if err != nil {
			t.Fatal(err)
		}
		h := http.Header{}
		if tt.link != "" {
			h.Set("Link", "<"+tt.link+`>; rel="next"`)
		}
		r := &Response{Header: h, base: c.base}
		got := r.Next()
		if got != tt.want {
			t.Errorf("base %s: Next() = %q, want %q", tt.base, got, tt.want)
		}
		if got == "" || got == tt.link {
			continue
		}
		if u, err := c.URL(got); err != nil || u.String() != tt.link {
			t.Errorf("base %s: URL(%q) = %v, %v; want %s", tt.base, got, u, err, tt.link)
		}
	}
}

func TestRoundWait(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{0, "0s"},
		{1500 * time.Millisecond, "2s"},
		{119 * time.Second, "1m59s"},
		{38*time.Minute + 20*time.Second, "38m"},
		{62 * time.Minute, "1h2m"},
		{2*time.Hour + 10*time.Second, "2h"},
	}
	for _, tt := range tests {
		if got := RoundWait(tt.d); got != tt.want {
			t.Errorf("RoundWait(%v) = %q, want %q", tt.d, got, tt.want)
		}
	}
}
