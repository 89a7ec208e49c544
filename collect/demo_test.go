package collect

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/journeys-dev/journeys/internal/demo"
	"github.com/journeys-dev/journeys/internal/fakegithub"
	"github.com/journeys-dev/journeys/schema"
)

// The Turing Way's recognitions are dated as its default branch's history
// dates them (internal/demo/testdata/expected.json, computed from the raw
// git data by another route), in one run, and a second run costs nothing.
func TestDemoRecognitionsFirstListed(t *testing.T) {
	if testing.Short() {
		t.Skip("collects the whole demo repository")
	}
	d, err := demo.Data()
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile("../internal/demo/testdata/expected.json")
	if err != nil {
		t.Fatal(err)
	}
	var want struct {
		FirstListed map[string]string `json:"first_listed"`
	}
	if err := json.Unmarshal(b, &want); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, d, fakegithub.Options{})
	cs := []Community{{Name: "tw", Repos: []string{demo.Owner + "/" + demo.Name}}}
	before := h.srv.Stats().Routes["GET /repos/{owner}/{repo}/contents/{path}"]
	if _, err, spent := h.run(cs, h.options()); err != nil {
		t.Fatal(err)
	} else {
		t.Logf("first run: %d requests, %d of them reading .all-contributorsrc", spent,
			h.srv.Stats().Routes["GET /repos/{owner}/{repo}/contents/{path}"]-before)
	}
	recs := read[schema.Recognition](t, h.out, "recognitions")
	wrong := 0
	for _, r := range recs {
		w := want.FirstListed[strings.ToLower(r.Login)]
		if r.FirstListedAt == nil || r.FirstListedAt.UTC().Format(time.RFC3339) != w {
			wrong++
			if wrong <= 10 {
				t.Errorf("%s first listed at %v, want %s", r.Login, r.FirstListedAt, w)
			}
		}
	}
	if wrong > 0 || len(recs) != 277 {
		t.Errorf("%d of %d recognitions dated wrong", wrong, len(recs))
	}
	first := snapshot(t, h.out)
	if _, err, spent := h.run(cs, h.options()); err != nil || spent != 0 {
		t.Errorf("second run: %v, %d quota requests, want 0", err, spent)
	}
	sameTables(t, first, snapshot(t, h.out))
}
