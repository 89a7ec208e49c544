package analyze

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"

	"github.com/journeys-dev/journeys/schema"
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
	// MethodMailmap: the .mailmap file maps the name and email to a proper
	// name and email, and those lead to exactly one login (as a noreply
	// address, an email GitHub links, a configured alias or the name on
	// linked commits).
	MethodMailmap = "mailmap"
	// MethodAlias: the configuration says the email, or the login GitHub
	// linked the commit to, is another login's (identities.aliases).
	MethodAlias = "alias"
	// MethodUnresolved: none of the above; the commit is in no journey.
	MethodUnresolved = "unresolved"
)

// How sure a resolution is (identities.parquet's confidence, and a
// contributor's identity_confidence: the weakest behind their commits).
const (
	// ConfidenceCertain: GitHub's own link, a noreply address, or what the
	// community declared (its .mailmap, the configuration's aliases).
	ConfidenceCertain = "certain"
	// ConfidenceLikely: the same email is linked to one login on other
	// commits.
	ConfidenceLikely = "likely"
	// ConfidenceGuess: only the author name matches a login's.
	ConfidenceGuess = "guess"
)

// confidence ranks a resolution method: 1 certain, 2 likely, 3 guess; 0
// for an unresolved author (no login, no confidence).
func confidence(method string) int8 {
	switch method {
	case MethodGitHubLink, MethodNoreply, MethodMailmap, MethodAlias:
		return 1
	case MethodSameEmail:
		return 2
	case MethodSameName:
		return 3
	}
	return 0
}

// confidenceNames are the names of confidence's ranks.
var confidenceNames = [...]string{1: ConfidenceCertain, 2: ConfidenceLikely, 3: ConfidenceGuess}

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
		if err != nil || n <= 0 || !noreplyLogin.MatchString(rest) {
			return 0, "", false
		}
		return n, rest, true
	}
	if !noreplyLogin.MatchString(local) {
		// Not an account's address: GitHub's hashed placeholders
		// ("sha256:…@users.noreply.github.com") and the like.
		return 0, "", false
	}
	return 0, local, true
}

// noreplyLogin is what a login in a noreply address may be: GitHub logins
// hold only letters, digits and single hyphens (older ones also
// underscores), at most 39 characters; a bot's address ends in "[bot]".
var noreplyLogin = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,38}(\[bot\])?$`)

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

// IdentityRules are what a person tells the analysis about identities, on
// top of what GitHub links: a .mailmap and aliases. The zero value adds
// nothing.
type IdentityRules struct {
	// Mailmap rewrites commit names and emails to proper ones, as git's
	// .mailmap does; nil maps nothing.
	Mailmap *Mailmap
	// Aliases say that several logins or emails are one person.
	Aliases []Alias
}

// An Alias says that the logins and emails in Also are Login's. An alias
// login's events are counted as Login's everywhere; an alias email ties
// commits GitHub did not link to Login.
type Alias struct {
	Login string
	Also  []string
}

// identityRules are IdentityRules and the exclusions, normalised for lookups.
type identityRules struct {
	mailmap    *Mailmap
	loginAlias map[string]string // lower-case alias login -> login as configured
	emailAlias map[string]string // normalised email -> login as configured
	// excluded holds lower-case logins and normalised emails of people left
	// out of the analysis; excludedNames the names on their commits.
	excluded      map[string]bool
	excludedNames map[string]bool
}

func newIdentityRules(r IdentityRules, exclude []string) (*identityRules, error) {
	ir := &identityRules{mailmap: r.Mailmap, loginAlias: map[string]string{}, emailAlias: map[string]string{}}
	owner := map[string]string{}
	for _, a := range r.Aliases {
		login := strings.TrimSpace(a.Login)
		if login == "" || strings.Contains(login, "@") {
			return nil, fmt.Errorf("identity alias %q: want a login", a.Login)
		}
		owner[strings.ToLower(login)] = login
	}
	for _, a := range r.Aliases {
		login := strings.TrimSpace(a.Login)
		for _, x := range a.Also {
			x = strings.TrimSpace(x)
			if strings.Contains(x, "@") {
				e := normalizeEmail(x)
				if prev, ok := ir.emailAlias[e]; ok && !strings.EqualFold(prev, login) {
					return nil, fmt.Errorf("identity alias: %s is given for both %s and %s", x, prev, login)
				}
				ir.emailAlias[e] = login
				continue
			}
			lower := strings.ToLower(x)
			if lower == "" || lower == strings.ToLower(login) {
				continue
			}
			if _, ok := owner[lower]; ok {
				return nil, fmt.Errorf("identity alias: %s has aliases of its own and is also an alias of %s", x, login)
			}
			if prev, ok := ir.loginAlias[lower]; ok && !strings.EqualFold(prev, login) {
				return nil, fmt.Errorf("identity alias: %s is given for both %s and %s", x, prev, login)
			}
			ir.loginAlias[lower] = login
		}
	}
	for _, x := range exclude {
		x = strings.TrimSpace(x)
		if x == "" {
			continue
		}
		if ir.excluded == nil {
			ir.excluded = map[string]bool{}
		}
		if strings.Contains(x, "@") {
			ir.excluded[normalizeEmail(x)] = true
		} else {
			ir.excluded[strings.ToLower(x)] = true
		}
	}
	return ir, nil
}

// isAliasLogin reports whether login is configured as another login's.
func (ir *identityRules) isAliasLogin(login string) bool {
	if len(ir.loginAlias) == 0 {
		return false
	}
	_, ok := ir.loginAlias[strings.ToLower(login)]
	return ok
}

// excludedLogin reports whether login belongs to a person left out.
func (ir *identityRules) excludedLogin(login string) bool {
	return ir.excluded != nil && ir.excluded[strings.ToLower(login)]
}

// excludedEvent reports whether the event is an excluded person's: done by
// an excluded login or, for a commit, authored with an excluded email.
func (ir *identityRules) excludedEvent(ev *schema.Event) bool {
	if ir.excluded == nil {
		return false
	}
	if ev.Actor != nil && ir.excludedLogin(*ev.Actor) {
		return true
	}
	return ev.AuthorEmail != nil && ir.excluded[normalizeEmail(*ev.AuthorEmail)]
}

// excludeAuthor notes the name and email of an excluded person's commit,
// so that their other commits are left out too: by email, and by name when
// GitHub linked them to nobody. For an opt-out, leaving out too much is
// the safe side.
func (ir *identityRules) excludeAuthor(name, email string) {
	if e := normalizeEmail(email); e != "" && e != githubNoreply {
		ir.excluded[e] = true
	}
	if n := normalizeName(name); n != "" {
		if ir.excludedNames == nil {
			ir.excludedNames = map[string]bool{}
		}
		ir.excludedNames[n] = true
	}
}

// excludedAuthor reports whether an unlinked commit author is an excluded
// person's, by email or by a name seen on their commits.
func (ir *identityRules) excludedAuthor(name, email string) bool {
	if ir.excluded == nil {
		return false
	}
	return ir.excluded[normalizeEmail(email)] || ir.excludedNames[normalizeName(name)]
}

// learn records a commit whose author GitHub linked to login, under its
// own name and email and, when the mailmap rewrites them, under the proper
// ones.
func (b *builder) learn(community int32, name, email string, login int32) {
	b.links.learn(community, normalizeName(name), normalizeEmail(email), login)
	if b.ids.mailmap == nil {
		return
	}
	if pn, pe, ok := b.ids.mailmap.Map(name, email); ok {
		b.mapped.learn(community, normalizeName(pn), normalizeEmail(pe), login)
	}
}

// resolve ties a commit author GitHub did not link to a login, by the
// first rule that applies: alias email, noreply address, an email GitHub
// links elsewhere, the mailmap's proper identity, the name on linked
// commits. It never merges two logins by name alone: a name shared by
// several logins resolves nothing.
func (b *builder) resolve(community int32, name, email string) resolution {
	e := normalizeEmail(email)
	if login, ok := b.ids.emailAlias[e]; ok && e != "" {
		return resolution{b.login(login, false), MethodAlias}
	}
	if l, method := b.resolveEmail(e, b.links.email); l >= 0 {
		return resolution{l, method}
	}
	if b.ids.mailmap != nil {
		if pn, pe, ok := b.ids.mailmap.Map(name, email); ok {
			pe = normalizeEmail(pe)
			if login, ok := b.ids.emailAlias[pe]; ok && pe != "" {
				return resolution{b.login(login, false), MethodMailmap}
			}
			if l, _ := b.resolveEmail(pe, b.links.email); l >= 0 {
				return resolution{l, MethodMailmap}
			}
			if l, ok := b.mapped.email[pe]; ok && pe != "" && l != ambiguous {
				return resolution{l, MethodMailmap}
			}
			k := nameKey{community, normalizeName(pn)}
			if l := either(b.links.name, b.mapped.name, k); k.name != "" && l >= 0 {
				return resolution{l, MethodMailmap}
			}
		}
	}
	if n := normalizeName(name); n != "" {
		if l, ok := b.links.name[nameKey{community, n}]; ok && l != ambiguous {
			return resolution{l, MethodSameName}
		}
	}
	return resolution{-1, MethodUnresolved}
}

// resolveEmail ties a normalised email to a login: a noreply address, or
// an email linked to exactly one login. It returns -1 when neither applies.
func (b *builder) resolveEmail(e string, linked map[string]int32) (int32, string) {
	if e == githubNoreply {
		return b.login(webFlow, false), MethodNoreply
	}
	if id, login, ok := parseNoreply(e); ok {
		if l, found := b.links.noreplyID[id]; id > 0 && found && l != ambiguous {
			return l, MethodNoreply
		}
		return b.login(login, false), MethodNoreply
	}
	if l, ok := linked[e]; ok && e != "" && l != ambiguous {
		return l, MethodSameEmail
	}
	return -1, ""
}

// either looks k up in two link maps: the login both agree on (or the one
// that has it), -1 when neither has it or they disagree.
func either[K comparable](x, y map[K]int32, k K) int32 {
	lx, okx := x[k]
	ly, oky := y[k]
	switch {
	case okx && oky && lx != ly:
		return -1
	case okx && lx != ambiguous:
		return lx
	case oky && ly != ambiguous:
		return ly
	}
	return -1
}

// A Mailmap maps commit names and emails to proper ones, as git's .mailmap
// file does (see gitmailmap(5)). Emails and names match case-insensitively.
type Mailmap struct {
	entries map[mailmapKey]mailmapTarget
}

type mailmapKey struct {
	email string // normalised
	name  string // normalised; "" matches any name
}

type mailmapTarget struct {
	name, email string // "" keeps the commit's own
}

// ReadMailmap reads a .mailmap file.
func ReadMailmap(path string) (*Mailmap, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read mailmap: %w", err)
	}
	defer f.Close()
	return ParseMailmap(f, path)
}

// ParseMailmap reads a mailmap in git's format, one entry a line:
//
//	Proper Name <commit@email>
//	<proper@email> <commit@email>
//	Proper Name <proper@email> <commit@email>
//	Proper Name <proper@email> Commit Name <commit@email>
//
// Lines starting with # and blank lines are skipped, as is text after the
// last ">". file names the input in errors, which give the line.
func ParseMailmap(r io.Reader, file string) (*Mailmap, error) {
	m := &Mailmap{entries: map[mailmapKey]mailmapTarget{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		name1, email1, rest, ok := cutNameEmail(text)
		if !ok || email1 == "" {
			return nil, fmt.Errorf("%s:%d: not a mailmap entry: want \"Proper Name <proper@email> Commit Name <commit@email>\" or a shorter form", file, line)
		}
		name2, email2, _, two := cutNameEmail(rest)
		var k mailmapKey
		var t mailmapTarget
		if !two {
			if name1 == "" {
				return nil, fmt.Errorf("%s:%d: a single <email> needs a proper name before it", file, line)
			}
			k, t = mailmapKey{email: normalizeEmail(email1)}, mailmapTarget{name: name1}
		} else {
			k = mailmapKey{email: normalizeEmail(email2), name: normalizeName(name2)}
			t = mailmapTarget{name: name1, email: email1}
		}
		old := m.entries[k]
		if t.name == "" {
			t.name = old.name
		}
		if t.email == "" {
			t.email = old.email
		}
		m.entries[k] = t
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read mailmap %s: %w", file, err)
	}
	return m, nil
}

// cutNameEmail splits "Name <email> rest" into its parts; ok is false when
// there is no <...>.
func cutNameEmail(s string) (name, email, rest string, ok bool) {
	open := strings.IndexByte(s, '<')
	if open < 0 {
		return "", "", s, false
	}
	end := strings.IndexByte(s[open:], '>')
	if end < 0 {
		return "", "", s, false
	}
	return strings.TrimSpace(s[:open]), strings.TrimSpace(s[open+1 : open+end]), s[open+end+1:], true
}

// Len returns the number of entries.
func (m *Mailmap) Len() int {
	if m == nil {
		return 0
	}
	return len(m.entries)
}

// Map returns the proper name and email of a commit author; ok is false
// when no entry matches. An entry for both name and email wins over one for
// the email alone.
func (m *Mailmap) Map(name, email string) (properName, properEmail string, ok bool) {
	if m == nil || len(m.entries) == 0 {
		return name, email, false
	}
	e := normalizeEmail(email)
	t, found := m.entries[mailmapKey{email: e, name: normalizeName(name)}]
	if !found {
		t, found = m.entries[mailmapKey{email: e}]
	}
	if !found {
		return name, email, false
	}
	properName, properEmail = name, email
	if t.name != "" {
		properName = t.name
	}
	if t.email != "" {
		properEmail = t.email
	}
	return properName, properEmail, true
}

// methodExcluded marks, in the resolution cache, a commit resolved to a
// person left out; it is never written.
const methodExcluded = "excluded"
