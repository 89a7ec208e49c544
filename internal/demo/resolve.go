package demo

import (
	"hash/fnv"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/journeys-dev/journeys/internal/fakegithub"
)

// GitHub's own accounts as its API serves them.
var (
	// webFlow is the committer GitHub links to commits made in its web UI
	// (committer "GitHub <noreply@github.com>").
	webFlow = fakegithub.User{Login: "web-flow", ID: 19864447, Type: "User"}
	// ghost stands for an account GitHub no longer knows.
	ghost = fakegithub.User{Login: "ghost", ID: 10137, Type: "User"}
)

const webFlowEmail = "noreply@github.com"

var noreplyRE = regexp.MustCompile(`(?i)^(?:(\d+)\+)?([a-z0-9][a-z0-9-]*(?:\[bot\])?)@users\.noreply\.github\.com$`)

// noreplyLogin returns the login embedded in a GitHub no-reply address,
// "ID+login@users.noreply.github.com" or "login@users.noreply.github.com",
// and the account ID when the address carries one (else 0).
func noreplyLogin(email string) (login string, id int64, ok bool) {
	m := noreplyRE.FindStringSubmatch(strings.TrimSpace(email))
	if m == nil {
		return "", 0, false
	}
	if m[1] != "" {
		id, _ = strconv.ParseInt(m[1], 10, 64)
	}
	return m[2], id, true
}

// A resolver links e-mail addresses to GitHub logins the way the demo's
// doc comment describes. Add everything with observe, listed and
// knownLogin, then call finish before login.
type resolver struct {
	nameLogins map[string]map[string]bool // trimmed name -> lowercase logins
	emailNames map[string]map[string]bool // email -> trimmed names
	spellings  map[string][]string        // lowercase login -> spellings seen
	preferred  map[string]string          // lowercase login -> spelling from .all-contributorsrc at HEAD
	noreply    map[string]noreplyResult   // email -> noreplyLogin's answer
	ids        map[string]int64           // lowercase login -> account ID seen in the data
	finished   bool
}

func newResolver() *resolver {
	return &resolver{
		nameLogins: map[string]map[string]bool{},
		emailNames: map[string]map[string]bool{},
		spellings:  map[string][]string{},
		preferred:  map[string]string{},
		ids:        map[string]int64{},
		noreply:    map[string]noreplyResult{},
	}
}

type noreplyResult struct {
	login string
	id    int64
	ok    bool
}

// noreplyLogin is the package's noreplyLogin, remembered per address.
func (r *resolver) noreplyLogin(email string) (string, int64, bool) {
	res, seen := r.noreply[email]
	if !seen {
		res.login, res.id, res.ok = noreplyLogin(email)
		r.noreply[email] = res
	}
	return res.login, res.id, res.ok
}

func addTo(m map[string]map[string]bool, k, v string) {
	s := m[k]
	if s == nil {
		s = map[string]bool{}
		m[k] = s
	}
	s[v] = true
}

func (r *resolver) spelled(login string) {
	low := strings.ToLower(login)
	if !slices.Contains(r.spellings[low], login) {
		r.spellings[low] = append(r.spellings[low], login)
	}
}

func (r *resolver) seenID(login string, id int64) {
	low := strings.ToLower(login)
	if old, ok := r.ids[low]; id > 0 && (!ok || id < old) {
		r.ids[low] = id
	}
}

// observe records that a person used name with email (a commit author or
// committer, a pull request's commit author).
func (r *resolver) observe(name, email string) {
	name = strings.TrimSpace(name)
	if name == "" {
		return
	}
	addTo(r.emailNames, email, name)
	if login, id, ok := r.noreplyLogin(email); ok {
		addTo(r.nameLogins, name, strings.ToLower(login))
		r.spelled(login)
		r.seenID(login, id)
	}
}

// listed records an .all-contributorsrc entry. atHead marks the file's
// current version, whose spelling of the login wins; id is the account ID
// from the entry's avatar URL, or 0.
func (r *resolver) listed(login, name string, id int64, atHead bool) {
	if login == "" {
		return
	}
	r.spelled(login)
	if atHead {
		r.preferred[strings.ToLower(login)] = login
		r.seenID(login, id)
	}
	if name = strings.TrimSpace(name); name != "" {
		addTo(r.nameLogins, name, strings.ToLower(login))
	}
}

// knownLogin records a login seen elsewhere (the owner of a fork a pull
// request came from).
func (r *resolver) knownLogin(login string) {
	r.spelled(login)
}

// finish applies the last rule: a name that is itself a known login
// (ignoring case) names that login.
func (r *resolver) finish() {
	for _, names := range r.emailNames {
		for name := range names {
			low := strings.ToLower(name)
			if _, ok := r.spellings[low]; ok {
				addTo(r.nameLogins, name, low)
			}
		}
	}
	r.finished = true
}

// login returns the account GitHub would link to a commit's e-mail: the
// no-reply login, or else the one login that all the address's names point
// to, each name pointing to exactly one login. ok is false when the
// address links to no account or to more than one.
func (r *resolver) login(email string) (string, bool) {
	if !r.finished {
		panic("demo: resolver used before finish")
	}
	if login, _, ok := r.noreplyLogin(email); ok {
		return r.canonical(login), true
	}
	if email == "" || email == webFlowEmail {
		return "", false
	}
	found := ""
	for name := range r.emailNames[email] {
		logins := r.nameLogins[name]
		if len(logins) != 1 {
			continue
		}
		for l := range logins {
			if found != "" && found != l {
				return "", false
			}
			found = l
		}
	}
	if found == "" {
		return "", false
	}
	return r.canonical(found), true
}

// canonical is the spelling GitHub serves for a login: the one in
// .all-contributorsrc at HEAD (written from the API), else the smallest
// spelling seen.
func (r *resolver) canonical(login string) string {
	low := strings.ToLower(login)
	if p, ok := r.preferred[low]; ok {
		return p
	}
	if s := r.spellings[low]; len(s) > 0 {
		return slices.Min(s)
	}
	return login
}

// user is the account for a login: the ID the data shows (a no-reply
// address's "ID+" prefix or an avatar URL), else a stable hash of the
// lowercase login above the range GitHub has used; type Bot for "[bot]"
// logins.
func (r *resolver) user(login string) fakegithub.User {
	login = r.canonical(login)
	low := strings.ToLower(login)
	switch low {
	case webFlow.Login:
		return webFlow
	case ghost.Login:
		return ghost
	}
	u := fakegithub.User{Login: login, ID: r.ids[low], Type: "User"}
	if u.ID == 0 {
		u.ID = hashedID(low)
	}
	if strings.HasSuffix(low, "[bot]") {
		u.Type = "Bot"
	}
	return u
}

// hashedID maps a lowercase login to an ID in [2^32, 2^33), where no real
// GitHub account ID is.
func hashedID(low string) int64 {
	h := fnv.New32a()
	h.Write([]byte(low))
	return 1<<32 + int64(h.Sum32())
}

var avatarIDRE = regexp.MustCompile(`githubusercontent\.com/u/(\d+)`)

// avatarID is the account ID in an avatars.githubusercontent.com URL, or 0.
func avatarID(url string) int64 {
	m := avatarIDRE.FindStringSubmatch(url)
	if m == nil {
		return 0
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	return id
}
