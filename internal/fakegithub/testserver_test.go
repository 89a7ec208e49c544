package fakegithub

import (
	"net/http/httptest"
	"testing"
)

// newTestServer starts New(d, opts) on a loopback httptest server and closes
// it when the test ends, as fakegithubtest.NewTestServer does for the other
// packages' tests (which this package's own tests cannot import).
func newTestServer(tb testing.TB, d *Data, opts Options) (*httptest.Server, *Server) {
	tb.Helper()
	s := New(d, opts)
	ts := httptest.NewServer(s)
	tb.Cleanup(ts.Close)
	return ts, s
}
