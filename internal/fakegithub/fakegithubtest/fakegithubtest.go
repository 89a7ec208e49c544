// Package fakegithubtest starts fakegithub servers for tests. It imports
// testing and net/http/httptest, so only _test.go files may import it; the
// product code uses package fakegithub.
package fakegithubtest

import (
	"net/http/httptest"
	"testing"

	"github.com/journeys-dev/journeys/internal/fakegithub"
)

// NewTestServer starts fakegithub.New(d, opts) on a loopback httptest server
// and closes it when the test ends. Clients use ts.URL + opts.BasePath as
// the API base.
func NewTestServer(tb testing.TB, d *fakegithub.Data, opts fakegithub.Options) (*httptest.Server, *fakegithub.Server) {
	tb.Helper()
	s := fakegithub.New(d, opts)
	ts := httptest.NewServer(s)
	tb.Cleanup(ts.Close)
	return ts, s
}
