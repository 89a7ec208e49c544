// Package allcontrib reads the all-contributors specification file,
// .all-contributorsrc (https://allcontributors.org/docs/en/specification),
// and dates when each person it lists was first listed, from the default
// branch's history and the older versions of the file. It does no I/O:
// collect fetches what it asks for.
package allcontrib

import (
	"encoding/json"
	"regexp"
	"strings"
)

// Path is the file's path at the repository's root.
const Path = ".all-contributorsrc"

// An Entry is one person the file lists: a GitHub login, perhaps a name,
// and the contribution types ("code", "doc", ...).
type Entry struct {
	Login         string   `json:"login"`
	Name          string   `json:"name,omitempty"`
	Contributions []string `json:"contributions"`
}

// Parse reads one version of the file: the people it lists with a login.
// An error says the version is not valid JSON.
func Parse(text []byte) ([]Entry, error) {
	var f struct {
		Contributors []Entry `json:"contributors"`
	}
	if err := json.Unmarshal(text, &f); err != nil {
		return nil, err
	}
	out := f.Contributors[:0]
	for _, p := range f.Contributors {
		if p.Login != "" {
			out = append(out, p)
		}
	}
	return out, nil
}

// Logins returns the lowercased logins a version of the file lists, and
// false when the version is not valid JSON: the all-contributors tools
// cannot read such a file (common in history, after conflicts resolved by
// hand), so it lists no one and dates no one.
func Logins(text []byte) ([]string, bool) {
	people, err := Parse(text)
	if err != nil {
		return nil, false
	}
	out := make([]string, 0, len(people))
	for _, p := range people {
		out = append(out, strings.ToLower(p.Login))
	}
	return out, true
}

// addRe matches the all-contributors bot's pull-request titles and commit
// messages on any line ("docs: add LOGIN as a contributor (for code, doc)",
// older "docs: add @LOGIN as a contributor"): squash subjects and merge
// bodies carry them. branchRe matches its branch names
// ("all-contributors/add-LOGIN") in merge subjects.
var (
	addRe    = regexp.MustCompile(`(?im)^\s*(?:[*-]\s*)?docs:\s*add\s+@?([a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\[bot\])?)\s+as\s+a\s+contributor`)
	branchRe = regexp.MustCompile(`(?i)all-contributors/add-([a-z0-9](?:[a-z0-9-]*[a-z0-9])?)\b`)
)

// Mentions returns the lowercased logins a commit message says the bot
// added.
func Mentions(msg string) []string {
	var out []string
	for _, m := range addRe.FindAllStringSubmatch(msg, -1) {
		out = append(out, strings.ToLower(m[1]))
	}
	for _, m := range branchRe.FindAllStringSubmatch(msg, -1) {
		out = append(out, strings.ToLower(m[1]))
	}
	return out
}
