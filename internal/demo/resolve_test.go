package demo

import (
	"testing"

	"github.com/journeys-dev/journeys/internal/fakegithub"
)

func TestNoreplyLoginReadsBothAddressForms(t *testing.T) {
	tests := []struct {
		email string
		login string
		id    int64
		ok    bool
	}{
		{"44771837+sgibson91@users.noreply.github.com", "sgibson91", 44771837, true},
		{"alexmorley@users.noreply.github.com", "alexmorley", 0, true},
		{"LouiseABowler@users.noreply.github.com", "LouiseABowler", 0, true},
		{"46447321+allcontributors[bot]@users.noreply.github.com", "allcontributors[bot]", 46447321, true},
		{"allcontributors[bot]@users.noreply.github.com", "allcontributors[bot]", 0, true},
		{"  r-j-arnold@users.noreply.github.com ", "r-j-arnold", 0, true},
		{"noreply@github.com", "", 0, false},
		{"someone@example.org", "", 0, false},
		{"sha256:d6874cb3895379ec9875b6d2d9c90d305e91b8114ce4db0808b2ec72ffd85f83", "", 0, false},
		{"a.b@c.org@users.noreply.github.com", "", 0, false},
		{"-dash@users.noreply.github.com", "", 0, false},
	}
	for _, tt := range tests {
		login, id, ok := noreplyLogin(tt.email)
		if login != tt.login || id != tt.id || ok != tt.ok {
			t.Errorf("noreplyLogin(%q) = %q, %d, %v; want %q, %d, %v", tt.email, login, id, ok, tt.login, tt.id, tt.ok)
		}
	}
}

type pair struct{ name, email string }

type rcEntry struct {
	login, name string
	id          int64
	atHead      bool
}

func newTestResolver(pairs []pair, entries []rcEntry, known ...string) *resolver {
	r := newResolver()
	for _, p := range pairs {
		r.observe(p.name, p.email)
	}
	for _, e := range entries {
		r.listed(e.login, e.name, e.id, e.atHead)
	}
	for _, k := range known {
		r.knownLogin(k)
	}
	r.finish()
	return r
}

func TestResolverLinksEmailsToLogins(t *testing.T) {
	tests := []struct {
		name    string
		pairs   []pair
		entries []rcEntry
		known   []string
		email   string
		want    string // "" = unresolved
	}{
		{
			name:  "ID+login no-reply address",
			email: "44771837+sgibson91@users.noreply.github.com",
			want:  "sgibson91",
		},
		{
			name:  "login no-reply address",
			email: "alexmorley@users.noreply.github.com",
			want:  "alexmorley",
		},
		{
			name:  "address whose name a no-reply commit links",
			pairs: []pair{{"Becky Arnold", "r-j-arnold@users.noreply.github.com"}, {"Becky Arnold", "sha256:aa"}},
			email: "sha256:aa",
			want:  "r-j-arnold",
		},
		{
			name:    "address whose name .all-contributorsrc links",
			pairs:   []pair{{"Patricia Herterich", "sha256:bb"}},
			entries: []rcEntry{{login: "pherterich", name: "Patricia Herterich"}},
			email:   "sha256:bb",
			want:    "pherterich",
		},
		{
			name: "name shared by two logins stays unresolved",
			pairs: []pair{
				{"Esther", "esther-a@users.noreply.github.com"},
				{"Esther", "esther-b@users.noreply.github.com"},
				{"Esther", "sha256:cc"},
			},
			email: "sha256:cc",
		},
		{
			name: "address used under names of two different logins stays unresolved",
			pairs: []pair{
				{"Ann", "ann@users.noreply.github.com"}, {"Bob", "bob@users.noreply.github.com"},
				{"Ann", "sha256:dd"}, {"Bob", "sha256:dd"},
			},
			email: "sha256:dd",
		},
		{
			name: "ambiguous name does not spoil an unambiguous one",
			pairs: []pair{
				{"Esther", "esther-a@users.noreply.github.com"}, {"Esther", "esther-b@users.noreply.github.com"},
				{"Esther Plomp", "esther-a@users.noreply.github.com"},
				{"Esther", "sha256:ee"}, {"Esther Plomp", "sha256:ee"},
			},
			email: "sha256:ee",
			want:  "esther-a",
		},
		{
			name:    "name that is itself a listed login",
			pairs:   []pair{{"HeidiSeibold", "sha256:ff"}},
			entries: []rcEntry{{login: "HeidiSeibold", name: "Heidi Seibold", atHead: true}},
			email:   "sha256:ff",
			want:    "HeidiSeibold",
		},
		{
			name:  "name that is a fork owner's login, ignoring case",
			pairs: []pair{{"jdoe", "sha256:11"}},
			known: []string{"JDoe"},
			email: "sha256:11",
			want:  "JDoe",
		},
		{
			name:  "unknown name stays unresolved",
			pairs: []pair{{"Jaydev", "sha256:22"}},
			email: "sha256:22",
		},
		{
			name:  "GitHub's web-flow address is no person's",
			pairs: []pair{{"GitHub", "noreply@github.com"}},
			email: "noreply@github.com",
		},
		{
			name:    "login spelled as .all-contributorsrc at HEAD spells it",
			pairs:   []pair{{"Kirstie Whitaker", "kirstiejane@users.noreply.github.com"}},
			entries: []rcEntry{{login: "KirstieJane", name: "Kirstie Whitaker", atHead: true}},
			email:   "kirstiejane@users.noreply.github.com",
			want:    "KirstieJane",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newTestResolver(tt.pairs, tt.entries, tt.known...)
			got, ok := r.login(tt.email)
			if ok != (tt.want != "") || got != tt.want {
				t.Errorf("login(%q) = %q, %v; want %q", tt.email, got, ok, tt.want)
			}
		})
	}
}

func TestResolverUsers(t *testing.T) {
	r := newTestResolver(
		[]pair{
			{"sgibson91", "44771837+sgibson91@users.noreply.github.com"},
			{"allcontributors[bot]", "46447321+allcontributors[bot]@users.noreply.github.com"},
		},
		[]rcEntry{{login: "rainsworth", name: "Rachael Ainsworth", id: avatarID("https://avatars3.githubusercontent.com/u/10600877?v=4"), atHead: true}},
	)
	tests := []struct {
		login string
		want  fakegithub.User
	}{
		{"sgibson91", fakegithub.User{Login: "sgibson91", ID: 44771837, Type: "User"}},
		{"allcontributors[bot]", fakegithub.User{Login: "allcontributors[bot]", ID: 46447321, Type: "Bot"}},
		{"RAINSWORTH", fakegithub.User{Login: "rainsworth", ID: 10600877, Type: "User"}},
		{"web-flow", webFlow},
		{"ghost", ghost},
	}
	for _, tt := range tests {
		if got := r.user(tt.login); got != tt.want {
			t.Errorf("user(%q) = %+v, want %+v", tt.login, got, tt.want)
		}
	}
	u := r.user("someone-new")
	if u.ID < 1<<32 || u.ID >= 1<<33 || u.Type != "User" {
		t.Errorf("user without a known ID = %+v, want a hashed ID in [2^32, 2^33)", u)
	}
	if again := r.user("Someone-New"); again.ID != u.ID {
		t.Errorf("hashed ID depends on case: %d and %d", u.ID, again.ID)
	}
}

func TestPRAuthorRules(t *testing.T) {
	r := newTestResolver([]pair{
		{"Ann", "ann@users.noreply.github.com"},
		{"Bob", "bob@users.noreply.github.com"},
	}, nil)
	tests := []struct {
		name string
		pr   fixturePR
		want string
	}{
		{"fork owner of the merge message", fixturePR{mergeOwner: "Carol", head: "ann@users.noreply.github.com"}, "Carol"},
		{"organisation branch: head commit author", fixturePR{mergeOwner: "alan-turing-institute", head: "ann@users.noreply.github.com"}, "ann"},
		{"renamed organisation, any case", fixturePR{mergeOwner: "The-Turing-Way", head: "bob@users.noreply.github.com"}, "bob"},
		{"squash commit author", fixturePR{squash: "bob@users.noreply.github.com", head: "ann@users.noreply.github.com"}, "bob"},
		{"unlinked head: most frequent linked commit author", fixturePR{head: "sha256:00", authors: []authorCount{{"ann@users.noreply.github.com", 1}, {"bob@users.noreply.github.com", 3}}}, "bob"},
		{"nothing linked: ghost", fixturePR{head: "sha256:00"}, "ghost"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := prAuthor(tt.pr.build(), r); got != tt.want {
				t.Errorf("prAuthor = %q, want %q", got, tt.want)
			}
		})
	}
}
