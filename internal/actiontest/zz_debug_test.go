package actiontest

import (
	"fmt"
	"testing"
	"time"

	"github.com/journeys-dev/journeys/internal/fakegithub"
)

func TestZZDebugQuota(t *testing.T) {
	ts, _ := fakegithub.NewTestServer(t, community(), fakegithub.Options{
		Tokens: []string{testToken}, Quota: 12, RateWindow: 2 * time.Second,
	})
	cache := &fakeCache{dir: t.TempDir()}
	for i := range 3 {
		_, res := runAction(t, cache, ts.URL, fmt.Sprint(3001+i), map[string]string{"args": "--max-wait 0s --concurrency 2 -v"})
		t.Logf("RUN %d\n%s", i, res.log)
		time.Sleep(2 * time.Second)
	}
}
