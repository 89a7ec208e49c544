package analyze

import (
	"strconv"
	"strings"
)

// How a commit author (or co-author) was tied to a login: the method column
// of identities.parquet.
const (
	// MethodGitHubLink: GitHub linked the commit's email to an account
	// (the event's actor is set).
	MethodGitHubLink = "github_link"
	// MethodNoreply: the email is a GitHub noreply address,
	// ID+login@users.noreply.github.com or login@users.noreply.github.com
	// (or noreply@github.com, which belongs to web-flow).
	MethodNoreply = "noreply"
	// MethodSameEmail: GitHub links the same email to exactly one login
	// on another commit.
	MethodSameEmail = "same_email"
	// MethodSameName: the author name is the name on linked commits of
	// exactly one login in the community.
	MethodSameName = "same_name"
	// MethodUnresolved: none of the above; the commit is in no journey.
	MethodUnresolved = "unresolved"
)

const (
	noreplyDomain = "@users.noreply.github.com"
	githubNoreply = "noreply@github.com"
	webFlow       = "web-flow"
)

// parseNoreply splits a GitHub noreply address into its account id (0 when
// the address has the older login-only form) and login. ok is false for any
// other address. email must be lower case.
func parseNoreply(email string) (id int64, login string, ok bool) {
	local, found := strings.CutSuffix(email, noreplyDomain)
	if !found || local == "" {
		return 0, "", false
	}
	if num, rest, plus := strings.Cut(local, "+"); plus {
		n, err := strconv.ParseInt(num, 10, 64)
		if err != nil || n <= 0 || rest == "" {
			return 0, "", false
		}
		return n, rest, true
	}
	return 0, local, true
}

// normalizeName folds an author name for comparison: lower case, with runs
// of white space collapsed to one space and trimmed.
func normalizeName(name string) string {
	return strings.ToLower(strings.Join(strings.Fields(name), " "))
}

// normalizeEmail folds an email for comparison.
func normalizeEmail(email string) string {
	return strings.ToLower(strings.TrimSpace(email))
}

// identityKey identifies one identities.parquet row.
type identityKey struct {
	community int32
	name      string
	email     string
	login     int32 // -1: none
	method    string
}

// ambiguous marks a link shared by several logins.
const ambiguous = -2

// links collects what linked commits say about emails and names.
type links struct {
	// email (normalised) -> login id, or ambiguous. All communities: GitHub
	// links an email to one account everywhere.
	email map[string]int32
	// noreply account id -> login id, or ambiguous, from linked commits
	// whose email is an ID+login noreply address (covers renamed accounts).
	noreplyID map[int64]int32
	// community + normalised name -> login id, or ambiguous.
	name map[nameKey]int32
}

type nameKey struct {
	community int32
	name      string
}

func newLinks() *links {
	return &links{
		email:     make(map[string]int32),
		noreplyID: make(map[int64]int32),
		name:      make(map[nameKey]int32),
	}
}

func setLink[K comparable](m map[K]int32, k K, login int32) {
	if old, ok := m[k]; !ok {
		m[k] = login
	} else if old != login {
		m[k] = ambiguous
	}
}

// learn records a commit whose author GitHub linked to login.
func (l *links) learn(community int32, name, email string, login int32) {
	if email != "" && email != githubNoreply {
		setLink(l.email, email, login)
		if id, _, ok := parseNoreply(email); ok && id > 0 {
			setLink(l.noreplyID, id, login)
		}
	}
	if name != "" {
		setLink(l.name, nameKey{community, name}, login)
	}
}
