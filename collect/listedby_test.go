package collect

import (
	"strings"
	"testing"

	"github.com/journeys-dev/journeys/internal/fakegithub"
	"github.com/journeys-dev/journeys/schema"
)

// When GitHub no longer serves an older version of .all-contributorsrc
// (the contents API answers 404 for ?ref=OLD_SHA, as after a history
// rewrite), the people it would have dated are dated "listed by" the next
// version read, and collection.json says how many.
func TestUnservedListingVersionsDateAsListedBy(t *testing.T) {
	r := widget()
	delete(r.FileHistory, "c4") // the version that first lists bob
	h := newHarness(t, &fakegithub.Data{Repos: []*fakegithub.Repo{r}}, fakegithub.Options{})
	m, err, _ := h.run([]Community{{Name: "w", Repos: []string{"acme/widget"}}}, h.options())
	if err != nil {
		t.Fatal(err)
	}
	by := map[string]bool{}
	for _, rec := range read[schema.Recognition](t, h.out, "recognitions") {
		by[rec.Login] = rec.FirstListedBy
	}
	// c4 might have listed bob, and carol too: both are dated by c5.
	if !by["bob"] || !by["carol"] || by["alice"] {
		t.Errorf("listed by (a bound): %v; want bob and carol", by)
	}
	note := strings.Join(m.Incomplete, "\n")
	if !strings.Contains(note, "2 people are dated as listed by") {
		t.Errorf("collection.json's incomplete notes do not say it:\n%s", note)
	}
}
