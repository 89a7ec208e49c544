package analyze

import (
	"strings"
	"testing"

	"github.com/journeys-dev/journeys/schema"
)

func TestCommitAuthorsAreResolved(t *testing.T) {
	commit := func(actor, name, email string, opts ...evOpt) schema.Event {
		return ev(schema.KindCommit, actor, ago(5), append([]evOpt{author(name, email)}, opts...)...)
	}
	events := []schema.Event{
		commit("ana", "Ana Lima", "ana@corp.example"),
		commit("bob", "Bob", "12345+bob@users.noreply.github.com"),
		commit("sam1", "Sam", "sam1@example.org"),
		commit("sam2", "Sam", "sam2@example.org"),
		commit("", "Carla", "999+Carla@users.noreply.github.com"),
		commit("", "Dan", "dan@users.noreply.github.com"),
		commit("", "Bob", "12345+oldbob@users.noreply.github.com"), // renamed account, same id
		commit("", "A. Lima", "ANA@corp.example"),
		commit("", "ana  lima", "ana.lima@home.example"),
		ev(schema.KindCommitCoauthor, "", ago(4), author("Ana", "ana@corp.example")),
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

// Every resolution says how sure it is, and every contributor how sure the
// weakest tie behind their commits is, and how many commits rest on a name.
func TestIdentityConfidence(t *testing.T) {
	commit := func(actor, name, email string) schema.Event {
		return ev(schema.KindCommit, actor, ago(5), author(name, email))
	}
	events := []schema.Event{
		commit("ana", "Ana Lima", "ana@corp.example"),
		commit("", "A. Lima", "ANA@corp.example"),        // likely: the same email
		commit("", "ana  lima", "ana.lima@home.example"), // guess: the same name
		commit("", "ana lima", "ana.lima@home.example"),
		commit("bob", "Bob", "bob@example.org"),
		commit("", "Dan", "dan@users.noreply.github.com"),
		commit("", "Zed", "zed@nowhere.example"),
		ev(schema.KindIssueComment, "eve", ago(3), on(1, "ana")),
	}
	res := analyze(t, events, Options{})
	wantID := map[string]string{
		"ana@corp.example": ConfidenceCertain, "ANA@corp.example": ConfidenceLikely,
		"ana.lima@home.example": ConfidenceGuess, "bob@example.org": ConfidenceCertain,
		"dan@users.noreply.github.com": ConfidenceCertain, "zed@nowhere.example": "<nil>",
	}
	for _, id := range res.Identities {
		if w, ok := wantID[id.Email]; ok && str(id.Confidence) != w {
			t.Errorf("%s (%s): confidence %s, want %s", id.Email, id.Method, str(id.Confidence), w)
		}
	}
	type want struct {
		confidence string
		guessed    int64
	}
	for login, w := range map[string]want{
		"ana": {ConfidenceGuess, 2}, "bob": {ConfidenceCertain, 0}, "dan": {ConfidenceCertain, 0}, "eve": {"<nil>", 0},
	} {
		c := mustContributor(t, res, login)
		if str(c.IdentityConfidence) != w.confidence || c.CommitsGuessed != w.guessed {
			t.Errorf("%s: identity confidence %s, %d guessed; want %s, %d", login, str(c.IdentityConfidence), c.CommitsGuessed, w.confidence, w.guessed)
		}
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
		// GitHub's hashed placeholder is no account: ':' is not in logins.
		{"sha256:3f8a9c0d1e2b@users.noreply.github.com", 0, "", false},
		{"12345+a.b@users.noreply.github.com", 0, "", false},
		{"49699333+dependabot[bot]@users.noreply.github.com", 49699333, "dependabot[bot]", true},
	}
	for _, tt := range tests {
		id, login, ok := parseNoreply(tt.email)
		if id != tt.id || login != tt.login || ok != tt.ok {
			t.Errorf("parseNoreply(%q) = %d, %q, %v; want %d, %q, %v", tt.email, id, login, ok, tt.id, tt.login, tt.ok)
		}
	}
}

func TestParseMailmap(t *testing.T) {
	const text = `# a comment
Ana Lima <ana@corp.example>
<ana@corp.example> <ana@old.example>
Bob Stone <bob@new.example> <BOB@old.example>
Carla <carla@new.example> Carla Work <carla@work.example>   # trailing text is ignored

`
	m, err := ParseMailmap(strings.NewReader(text), ".mailmap")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, email       string
		wantName, wantEml string
		ok                bool
	}{
		{"A. Lima", "ANA@corp.example", "Ana Lima", "ANA@corp.example", true},     // name only
		{"Ana", "ana@old.example", "Ana", "ana@corp.example", true},               // email only
		{"Bobby", "bob@old.example", "Bob Stone", "bob@new.example", true},        // both, any name
		{"carla work", "carla@work.example", "Carla", "carla@new.example", true},  // name and email must match
		{"Someone", "carla@work.example", "Someone", "carla@work.example", false}, // name differs
		{"Dan", "dan@example.org", "Dan", "dan@example.org", false},
	}
	for _, tt := range tests {
		n, e, ok := m.Map(tt.name, tt.email)
		if n != tt.wantName || e != tt.wantEml || ok != tt.ok {
			t.Errorf("Map(%q, %q) = %q, %q, %v; want %q, %q, %v", tt.name, tt.email, n, e, ok, tt.wantName, tt.wantEml, tt.ok)
		}
	}
	if m.Len() != 4 {
		t.Errorf("Len = %d, want 4", m.Len())
	}
}

func TestParseMailmapErrorsNameTheLine(t *testing.T) {
	for _, text := range []string{"ok <a@b.example>\nno email here\n", "ok <a@b.example>\n<only@email.example>\n", "ok <a@b.example>\nBroken <a@b\n"} {
		_, err := ParseMailmap(strings.NewReader(text), "team.mailmap")
		if err == nil || !strings.Contains(err.Error(), "team.mailmap:2:") {
			t.Errorf("ParseMailmap(%q) error = %v, want one at team.mailmap:2", text, err)
		}
	}
}

// The mailmap and aliases tie commits the built-in rules cannot, and each
// identity row names the rule that did it.
func TestMailmapAndAliasesResolveCommits(t *testing.T) {
	commit := func(actor, name, email string) schema.Event {
		return ev(schema.KindCommit, actor, ago(5), author(name, email))
	}
	mm, err := ParseMailmap(strings.NewReader(`Ana Lima <ana@corp.example> <ana@home.example>
<123+bob@users.noreply.github.com> <bob@laptop.local>
Carla Dias <carla@uni.example>
`), ".mailmap")
	if err != nil {
		t.Fatal(err)
	}
	events := []schema.Event{
		commit("ana", "Ana Lima", "ana@corp.example"),
		commit("carla", "Carla Dias", "carla@lab.example"),
		commit("", "ana", "ana@home.example"),                             // mailmap -> an email GitHub links
		commit("", "Bob", "bob@laptop.local"),                             // mailmap -> a noreply address
		commit("", "C. Dias", "carla@uni.example"),                        // mailmap name -> the name on linked commits
		commit("", "Dee", "dee@uni.example"),                              // alias email
		commit("dee-work", "Dee", "dee@work.example"),                     // GitHub links it to an alias login
		ev(schema.KindIssueOpened, "dee-work", ago(4), on(9, "dee-work")), // alias login: counted as dee's
		ev(schema.KindPRMerged, "ana", ago(3), on(10, "DEE-WORK")),
		commit("", "Ana Lima", "ana@elsewhere.example"), // plain same_name still works
	}
	res := analyze(t, events, Options{Identities: IdentityRules{
		Mailmap: mm,
		Aliases: []Alias{{Login: "dee", Also: []string{"dee-work", "DEE@uni.example"}}},
	}})
	want := map[string][2]string{
		"ana@home.example":      {"ana", MethodMailmap},
		"bob@laptop.local":      {"bob", MethodMailmap},
		"carla@uni.example":     {"carla", MethodMailmap},
		"dee@uni.example":       {"dee", MethodAlias},
		"dee@work.example":      {"dee", MethodAlias},
		"ana@elsewhere.example": {"ana", MethodSameName},
		"ana@corp.example":      {"ana", MethodGitHubLink},
	}
	for _, id := range res.Identities {
		w, ok := want[id.Email]
		if !ok {
			continue
		}
		delete(want, id.Email)
		if str(id.Login) != w[0] || id.Method != w[1] {
			t.Errorf("%s: got %s by %s, want %s by %s", id.Email, str(id.Login), id.Method, w[0], w[1])
		}
	}
	for e := range want {
		t.Errorf("no identity row for %s", e)
	}
	if findContributor(res, "c", "dee-work") != nil {
		t.Error("the alias login dee-work has a journey of its own")
	}
	dee := mustContributor(t, res, "dee")
	if dee.Commits != 2 || dee.IssuesOpened != 1 || dee.PullRequestsMerged != 1 {
		t.Errorf("dee: %d commits, %d issues, %d merged; want 2, 1, 1", dee.Commits, dee.IssuesOpened, dee.PullRequestsMerged)
	}
	if res.Manifest.UnresolvedCommits != 0 {
		t.Errorf("unresolved commits = %d, want 0", res.Manifest.UnresolvedCommits)
	}
}

// Two logins sharing a name are never merged by name, even through the
// mailmap's proper name.
func TestMailmapNeverMergesByAmbiguousName(t *testing.T) {
	mm, err := ParseMailmap(strings.NewReader("Sam <sam@shared.example>\n"), ".mailmap")
	if err != nil {
		t.Fatal(err)
	}
	events := []schema.Event{
		ev(schema.KindCommit, "sam1", ago(5), author("Sam", "sam1@example.org")),
		ev(schema.KindCommit, "sam2", ago(5), author("Sam", "sam2@example.org")),
		ev(schema.KindCommit, "", ago(5), author("S.", "sam@shared.example")),
	}
	res := analyze(t, events, Options{Identities: IdentityRules{Mailmap: mm}})
	for _, id := range res.Identities {
		if id.Email == "sam@shared.example" && (id.Login != nil || id.Method != MethodUnresolved) {
			t.Errorf("ambiguous name resolved: %+v", id)
		}
	}
}

// People who asked to be left out have no journey, no identity row and no
// credit from others' actions on their items; others keep theirs.
func TestExcludedPeopleLeaveNoTrace(t *testing.T) {
	events := []schema.Event{
		ev(schema.KindCommit, "zoe", ago(9), author("Zoe Q", "zoe@corp.example")),
		ev(schema.KindCommit, "", ago(8), author("Zoe Q", "zoe@home.example")), // same name -> zoe: still left out
		ev(schema.KindCommit, "", ago(8), author("Z", "zq@private.example")),   // excluded by email
		ev(schema.KindPRMerged, "ana", ago(3), on(4, "zoe")),
		ev(schema.KindIssueComment, "Zoe", ago(2), on(5, "ana")),
		ev(schema.KindPROpened, "ana", ago(3), on(6, "ana")),
	}
	res := analyze(t, events, Options{Exclude: []string{"ZOE", "zq@Private.example"}})
	if findContributor(res, "c", "zoe") != nil || findContributor(res, "c", "Zoe") != nil {
		t.Error("zoe has a journey")
	}
	for _, id := range res.Identities {
		if str(id.Login) == "zoe" || strings.Contains(id.Email, "zoe") || strings.Contains(id.Email, "zq@") {
			t.Errorf("identity row of an excluded person: %+v", id)
		}
	}
	if c := mustContributor(t, res, "ana"); c.Stage != StageFirstContact {
		t.Errorf("ana: stage %s, want first_contact (a merge of an unknown author's pull request is no leadership)", c.Stage)
	}
	if n := res.Manifest.IgnoredEvents["excluded"]; n != 4 {
		t.Errorf("ignored excluded events = %d, want 4", n)
	}
}

func TestAliasConflictsAreErrors(t *testing.T) {
	for _, aliases := range [][]Alias{
		{{Login: "a", Also: []string{"x"}}, {Login: "b", Also: []string{"X"}}},
		{{Login: "a", Also: []string{"b"}}, {Login: "b", Also: []string{"c"}}},
		{{Login: "a", Also: []string{"m@x.example"}}, {Login: "b", Also: []string{"M@x.example"}}},
	} {
		if _, err := Analyze(nil, Options{AsOf: testAsOf, Identities: IdentityRules{Aliases: aliases}}); err == nil {
			t.Errorf("aliases %+v: no error", aliases)
		}
	}
}
