package allcontrib

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestBotMessagesNameLogins(t *testing.T) {
	tests := []struct {
		msg  string
		want []string
	}{
		{"docs: create .all-contributorsrc [skip ci]", nil},
		{"docs: add @Alice as a contributor", []string{"alice"}},
		{"docs: add bob as a contributor for code, and doc (#12)", []string{"bob"}},
		{"Merge pull request #9 from org/all-contributors/add-carol\n\ndocs: add carol as a contributor", []string{"carol", "carol"}},
		{"Revert \"docs: add dan as a contributor\"", nil},
		{"Squashed\n\n* docs: add erin as a contributor\n* docs: add Fay as a contributor for doc", []string{"erin", "fay"}},
	}
	for _, tt := range tests {
		if got := Mentions(tt.msg); !slices.Equal(got, tt.want) {
			t.Errorf("Mentions(%q) = %q, want %q", tt.msg, got, tt.want)
		}
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		name   string
		text   string
		logins []string // nil: not readable
	}{
		{"people with logins", `{"contributors":[{"login":"Alice","name":"A","contributions":["code"]},{"login":"bob","contributions":[]}]}`, []string{"alice", "bob"}},
		{"a person without a login is skipped", `{"contributors":[{"name":"Nobody"},{"login":"carol"}]}`, []string{"carol"}},
		{"no contributors key", `{"projectName":"x"}`, []string{}},
		{"a conflict left in the file", "{\n<<<<<<< HEAD\n\"login\": \"ann\"\n=======\n>>>>>>> b\n}", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Logins([]byte(tt.text))
			if ok != (tt.logins != nil) || !slices.Equal(got, tt.logins) {
				t.Errorf("Logins = %q, %v; want %q, %v", got, ok, tt.logins, tt.logins != nil)
			}
		})
	}
}

// TestFirstListedFollowsTheDefaultBranch: a person added on a side branch
// counts from the merge that landed it; a version that is not valid JSON
// lists no one; a bot message about a person listed before does not move
// their date; people added by hand are found by bisection.
func TestFirstListedFollowsTheDefaultBranch(t *testing.T) {
	at := func(h int) time.Time {
		return time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(h) * time.Hour)
	}
	commits := []Commit{
		{SHA: "f1", Date: at(1), Message: "docs: create .all-contributorsrc"},
		{SHA: "s1", Date: at(5), Message: "docs: update .all-contributorsrc [skip ci]", Parents: []string{"f1"}},
		{SHA: "f2", Date: at(10), Message: "Merge pull request #3 from org/all-contributors/add-bob\n\ndocs: add bob as a contributor", Parents: []string{"f1", "s1"}},
		{SHA: "f3", Date: at(20), Message: "Thank carol", Parents: []string{"f2"}},
		{SHA: "f4", Date: at(30), Message: "docs: add dan as a contributor (#9)", Parents: []string{"f3"}},
		{SHA: "f5", Date: at(40), Message: "docs: add alice as a contributor for doc (#10)", Parents: []string{"f4"}},
	}
	var changes []Change
	for _, sha := range []string{"f1", "s1", "f3", "f4", "f5"} { // f2 changed nothing on its own
		changes = append(changes, Change{SHA: sha})
	}
	versions := map[string][]string{
		"f1": {"alice"},
		"f2": {"alice", "bob"},
		"f3": {"alice", "bob", "carol"},
		"f4": nil, // not valid JSON
	}
	tl := NewTimeline(commits, changes)
	reads := 0
	version := func(i int) (map[string]bool, VersionState) {
		reads++
		logins := versions[tl.Points[i].SHA]
		if logins == nil {
			return nil, Unreadable
		}
		set := map[string]bool{}
		for _, l := range logins {
			set[l] = true
		}
		return set, Read
	}
	unknown := func(int) (map[string]bool, VersionState) { return nil, Unknown }
	got, by, exact := tl.FirstListed([]string{"alice", "bob", "carol", "dan", "erin"}, version, unknown)
	dates := map[string]time.Time{}
	for l, i := range got {
		dates[l] = tl.Points[i].Date
	}
	want := map[string]time.Time{"alice": at(1), "bob": at(10), "carol": at(20), "dan": at(40), "erin": at(40)}
	if !exact || len(dates) != len(want) {
		t.Fatalf("FirstListed = %v (exact %v), want %v", dates, exact, want)
	}
	for l, w := range want {
		if !dates[l].Equal(w) {
			t.Errorf("%s: first listed at %v, want %v", l, dates[l], w)
		}
	}
	// f4 could not be read: dan (named by its message) and erin (found by
	// bisection) were listed by f5, perhaps already at f4.
	for _, l := range []string{"alice", "bob", "carol", "dan", "erin"} {
		if want := l == "dan" || l == "erin"; by[l] != want {
			t.Errorf("%s: listed by (a bound) = %v, want %v", l, by[l], want)
		}
	}
	t.Logf("%d versions read for %d points", reads, len(tl.Points))
}

// TestChangesOffTheBranchAreDatedByThemselves: when the default branch's
// commits do not place a change (the commits listing was cut short), the
// changes are the points, by their own dates.
func TestChangesOffTheBranchAreDatedByThemselves(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2024, 1, d, 0, 0, 0, 0, time.UTC) }
	tl := NewTimeline([]Commit{{SHA: "a", Date: day(1)}}, []Change{
		{SHA: "c", Date: day(9), Message: "docs: add bo as a contributor"},
		{SHA: "b", Date: day(3)},
	})
	want := []Point{{SHA: "b", Date: day(3)}, {SHA: "c", Date: day(9)}}
	if !slices.Equal(tl.Points, want) {
		t.Errorf("points %v, want %v", tl.Points, want)
	}
	if i, ok := tl.hint["bo"]; !ok || i != 1 {
		t.Errorf("bo named at point %d (%v), want 1", i, ok)
	}
}

// FuzzMentions: any commit message names only lowercased logins it holds.
func FuzzMentions(f *testing.F) {
	f.Add("docs: add @Alice as a contributor\n\nMerge pull request #9 from org/all-contributors/add-carol")
	f.Add("docs: add bob[bot] as a contributor for code\n* docs: add Eve as a contributor")
	f.Add("Revert \"docs: add dan as a contributor\"\ndocs:add  x  as  a  contributor\nall-contributors/add-")
	f.Fuzz(func(t *testing.T, msg string) {
		for _, l := range Mentions(msg) {
			if l == "" || l != strings.ToLower(l) {
				t.Fatalf("named login %q: empty or not lowercased", l)
			}
			if !strings.Contains(strings.ToLower(msg), l) {
				t.Fatalf("named login %q that the message does not hold", l)
			}
		}
	})
}
