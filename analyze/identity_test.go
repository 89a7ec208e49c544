package analyze

import (
	"testing"

	"github.com/journeys-dev/journeys/collect"
)

func TestCommitAuthorsAreResolved(t *testing.T) {
	commit := func(actor, name, email string, opts ...evOpt) collect.Event {
		return ev(collect.KindCommit, actor, ago(5), append([]evOpt{author(name, email)}, opts...)...)
	}
	events := []collect.Event{
		commit("ana", "Ana Lima", "ana@corp.example"),
		commit("bob", "Bob", "12345+bob@users.noreply.github.com"),
		commit("sam1", "Sam", "sam1@example.org"),
		commit("sam2", "Sam", "sam2@example.org"),
		commit("", "Carla", "999+Carla@users.noreply.github.com"),
		commit("", "Dan", "dan@users.noreply.github.com"),
		commit("", "Bob", "12345+oldbob@users.noreply.github.com"), // renamed account, same id
		commit("", "A. Lima", "ANA@corp.example"),
		commit("", "ana  lima", "ana.lima@home.example"),
		ev(collect.KindCommitCoauthor, "", ago(4), author("Ana", "ana@corp.example")),
		commit("", "Sam", "sam@shared.example"),                     // two logins named Sam: never merged by name
		commit("", "Zed", "zed@nowhere.example"),                    // nothing links it
		commit("", "Zed", "zed@nowhere.example"),                    // nothing links it
		commit("", "Ana Lima", "al@elsewhere.example", in("other")), // names count within a community only
		commit("", "Ana Lima", "ana@corp.example", in("other")),     // emails count everywhere
	}
	res := analyze(t, events, Options{})
	type got struct{ login, method string }
	want := map[string]got{
		"c ana@corp.example":                      {"ana", MethodGitHubLink},
		"c 12345+bob@users.noreply.github.com":    {"bob", MethodGitHubLink},
		"c 999+Carla@users.noreply.github.com":    {"carla", MethodNoreply},
		"c dan@users.noreply.github.com":          {"dan", MethodNoreply},
		"c 12345+oldbob@users.noreply.github.com": {"bob", MethodNoreply},
		"c ANA@corp.example":                      {"ana", MethodSameEmail},
		"c ana.lima@home.example":                 {"ana", MethodSameName},
		"c sam@shared.example":                    {"<nil>", MethodUnresolved},
		"c zed@nowhere.example":                   {"<nil>", MethodUnresolved},
		"other al@elsewhere.example":              {"<nil>", MethodUnresolved},
		"other ana@corp.example":                  {"ana", MethodSameEmail},
	}
	seen := map[string]bool{}
	for _, id := range res.Identities {
		key := id.Community + " " + id.Email
		if id.Email == "ana@corp.example" && id.Name == "Ana" {
			if id.Method != MethodSameEmail || str(id.Login) != "ana" || id.Commits != 1 {
				t.Errorf("co-author row = %+v, want ana by same_email", id)
			}
			continue
		}
		w, ok := want[key]
		if !ok {
			continue
		}
		seen[key] = true
		if str(id.Login) != w.login || id.Method != w.method {
			t.Errorf("%s: got %s by %s, want %s by %s", key, str(id.Login), id.Method, w.login, w.method)
		}
		if key == "c zed@nowhere.example" && id.Commits != 2 {
			t.Errorf("zed commits = %d, want 2", id.Commits)
		}
	}
	for k := range want {
		if !seen[k] {
			t.Errorf("no identity row for %s", k)
		}
	}
	if res.Manifest.UnresolvedCommits != 4 || res.Manifest.UnresolvedIdentities != 3 {
		t.Errorf("unresolved commits %d, identities %d; want 4 and 3",
			res.Manifest.UnresolvedCommits, res.Manifest.UnresolvedIdentities)
	}
	if c := mustContributor(t, res, "ana"); c.Commits != 3 || c.CoAuthoredCommits != 1 {
		t.Errorf("ana: %d commits, %d co-authored; want 3 and 1", c.Commits, c.CoAuthoredCommits)
	}
	if c := mustContributor(t, res, "bob"); c.Commits != 2 {
		t.Errorf("bob: %d commits, want 2", c.Commits)
	}
	for _, login := range []string{"carla", "dan"} {
		if c := mustContributor(t, res, login); c.Stage != StageParticipation {
			t.Errorf("%s: stage %s, want participation", login, c.Stage)
		}
	}
	// Unresolved rows sort last within their community.
	last := res.Identities[0]
	for _, id := range res.Identities {
		if id.Community != "c" {
			break
		}
		if last.Login == nil && id.Login != nil {
			t.Errorf("resolved row %+v after an unresolved one", id)
		}
		last = id
	}
}

func TestParseNoreply(t *testing.T) {
	tests := []struct {
		email string
		id    int64
		login string
		ok    bool
	}{
		{"12345+ana@users.noreply.github.com", 12345, "ana", true},
		{"ana@users.noreply.github.com", 0, "ana", true},
		{"ana-b@users.noreply.github.com", 0, "ana-b", true},
		{"x+ana@users.noreply.github.com", 0, "", false},
		{"12345+@users.noreply.github.com", 0, "", false},
		{"@users.noreply.github.com", 0, "", false},
		{"ana@example.org", 0, "", false},
		{"noreply@github.com", 0, "", false},
	}
	for _, tt := range tests {
		id, login, ok := parseNoreply(tt.email)
		if id != tt.id || login != tt.login || ok != tt.ok {
			t.Errorf("parseNoreply(%q) = %d, %q, %v; want %d, %q, %v", tt.email, id, login, ok, tt.id, tt.login, tt.ok)
		}
	}
}
