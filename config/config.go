// Package config reads the YAML file that tells journeys which communities
// to study and how.
//
//	communities:
//	  - name: The Turing Way
//	    repos: [the-turing-way/the-turing-way]
//	  - name: BigScience
//	    repos: ["org:bigscience-workshop"] # every public repository of an organisation
//	    exclude: [bigscience-workshop/old-*] # owner/name or glob, for org: entries
//	    include_forks: false                  # default false
//	    include_archived: false               # default false
//	model:             # optional: the journey model's thresholds and switches
//	  sustained_months: 3
//	  count_coauthors: true    # co-authorships count as contributions
//	  wide_first_contact: true # any action (triage too) is first contact
//	sensitivity:       # optional: re-run the model with each threshold moved
//	  networked_items: [2, 5, 8] # instead of the default grid's values
//	  window_days: []            # left out
//	bots:              # optional: accounts to add to, or rescue from, the bot list
//	  include: [some-ci-account, "*-automation"]
//	  exclude: [a-human-with-bot-in-name]
//	identities:        # optional: who is who, beyond what GitHub links
//	  mailmap: .mailmap  # git's format; relative to this file
//	  aliases:
//	    - login: alice
//	      also: [alice-work, alice@uni.example]
//	privacy:           # optional
//	  pseudonymize: true # needs JOURNEYS_PSEUDONYM_KEY
//	  exclude: [bob, carol@example.org] # people left out
//
// Every mistake is reported with the file, the line and the key, as a
// *Error.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// Config is a parsed configuration file.
type Config struct {
	// Path is the file the configuration was read from ("" for a reader).
	Path        string
	Communities []Community
	// Model overrides the journey model's defaults; a nil field keeps the
	// default.
	Model      Model
	Bots       Bots
	Identities Identities
	Privacy    Privacy
	// Sensitivity is the sensitivity: section, nil when the file has none;
	// its presence turns the sensitivity analysis on.
	Sensitivity *Sensitivity
	// Deprecations says, one sentence each with the file and line, where
	// the file uses an old spelling that is still accepted.
	Deprecations []string
}

// A Community is a named group of repositories whose people share one
// journey.
type Community struct {
	Name string
	// Repos holds "owner/name" entries and "org:NAME" entries (every
	// public repository of organisation NAME, expanded at collection
	// time), in the order written.
	Repos []string
	// Exclude lists repositories ("owner/name" or a path.Match glob such
	// as "org/old-*", case-insensitive) left out of the org: expansions.
	Exclude []string
	// IncludeForks and IncludeArchived keep forks and archived
	// repositories in the org: expansions (default: left out).
	IncludeForks    bool
	IncludeArchived bool
}

// Model holds the model thresholds set in the config. Nil means "default".
type Model struct {
	WindowDays        *int
	SustainedMonths   *int
	NetworkedItems    *int
	LeadershipMerges  *int
	LeadershipTriaged *int
	NewDays           *int
	ActiveDays        *int
	DormantDays       *int
	// The switches (both true by default).
	CountCoauthors   *bool
	WideFirstContact *bool
}

// Sensitivity is the sensitivity: section: which values the sensitivity
// analysis tries for some thresholds instead of its default grid's.
type Sensitivity struct {
	// Values are the section's entries, in the order written.
	Values []SensitivityValues
}

// SensitivityValues are the values of one threshold a sensitivity analysis
// tries.
type SensitivityValues struct {
	// Threshold is a key of model: (a threshold, not a switch).
	Threshold string
	// Values are whole numbers of at least 1, each once; none leaves the
	// threshold out of the grid.
	Values []int
	// Line is the entry's line in the file, for a problem found later (a
	// value the rest of the model rules out): see Error.
	Line int
}

// Bots adjusts which accounts are set aside as bots: Include adds logins or
// glob patterns (path.Match syntax, e.g. "*-ci"), Exclude rescues accounts
// the built-in rules would flag.
type Bots struct {
	Include []string
	Exclude []string
}

// Identities says who is who beyond what GitHub links.
type Identities struct {
	// Mailmap is the path of a .mailmap file (git's format), relative to
	// the working folder: a relative path in the file is taken relative
	// to the configuration file's folder. "" means none.
	Mailmap string
	// Aliases say that several logins or emails are one person.
	Aliases []Alias
}

// An Alias says that the logins and emails in Also are Login's.
type Alias struct {
	Login string
	Also  []string
}

// Privacy says how people's data is published.
type Privacy struct {
	// Pseudonymize replaces every login by a keyed pseudonym and drops
	// names, emails and free text from the output.
	Pseudonymize bool
	// Exclude lists people (logins or emails) who asked to be left out.
	Exclude []string
}

// An Error is a problem at a place in a configuration file.
type Error struct {
	File string
	Line int
	Key  string // the key at fault, e.g. "communities[1].repos[0]"
	Msg  string
}

// SensitivityError returns the error, at the line of the entry sv of the
// sensitivity: section, of one of its values that is found wrong after
// parsing (e.g. active_days above dormant_days).
func (c *Config) SensitivityError(sv SensitivityValues, msg string) *Error {
	return &Error{File: c.Path, Line: sv.Line, Key: "sensitivity." + sv.Threshold, Msg: msg}
}

func (e *Error) Error() string {
	file := e.File
	if file == "" {
		file = "config"
	}
	if e.Line > 0 {
		file = fmt.Sprintf("%s:%d", file, e.Line)
	}
	if e.Key != "" {
		return fmt.Sprintf("%s: %s: %s", file, e.Key, e.Msg)
	}
	return fmt.Sprintf("%s: %s", file, e.Msg)
}

// ReadFile reads and validates the configuration file at name.
func ReadFile(name string) (*Config, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	defer f.Close()
	return Parse(f, name)
}

// Parse reads and validates a configuration; file names it in errors.
func Parse(r io.Reader, file string) (*Config, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read config %s: %w", file, err)
	}
	p := &parser{file: file}
	var doc yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &Error{File: file, Msg: "the file is empty; it needs a communities: list"}
		}
		return nil, p.yamlError(err)
	}
	cfg := &Config{Path: file}
	if err := p.root(&doc, cfg); err != nil {
		return nil, err
	}
	cfg.Deprecations = p.deprecations
	return cfg, nil
}

type parser struct {
	file         string
	deprecations []string
}

// deprecatedKeys maps old spellings of keys, still accepted, to the key
// they mean now.
var deprecatedKeys = map[string]string{
	"pseudonymise": "pseudonymize",
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

func (p *parser) yamlError(err error) error {
	if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
		var line int
		fmt.Sscan(m[1], &line)
		return &Error{File: p.file, Line: line, Msg: "invalid YAML: " + m[2]}
	}
	return &Error{File: p.file, Msg: "invalid YAML: " + strings.TrimPrefix(err.Error(), "yaml: ")}
}

func (p *parser) errorf(n *yaml.Node, key, format string, args ...any) error {
	line := 0
	if n != nil {
		line = n.Line
	}
	return &Error{File: p.file, Line: line, Key: key, Msg: fmt.Sprintf(format, args...)}
}

// fields walks a mapping node, calling fn for each key, and rejects keys
// that are not in known.
func (p *parser) fields(n *yaml.Node, where string, known []string, fn func(key string, k, v *yaml.Node) error) error {
	if n.Kind != yaml.MappingNode {
		return p.errorf(n, where, "want a mapping (key: value), got %s", kindName(n))
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		full := k.Value
		if where != "" {
			full = where + "." + k.Value
		}
		if now, ok := deprecatedKeys[k.Value]; ok && contains(known, now) {
			p.deprecations = append(p.deprecations, fmt.Sprintf("%s:%d: %s is an old spelling of %s; it still works, but write %s", p.file, k.Line, full, now, now))
			k.Value = now
		}
		if !contains(known, k.Value) {
			return p.errorf(k, full, "unknown key (known keys here: %s)", strings.Join(known, ", "))
		}
		if seen[k.Value] {
			return p.errorf(k, full, "key given twice")
		}
		seen[k.Value] = true
		if err := fn(k.Value, k, v); err != nil {
			return err
		}
	}
	return nil
}

func (p *parser) root(doc *yaml.Node, cfg *Config) error {
	n := doc
	if n.Kind == yaml.DocumentNode && len(n.Content) == 1 {
		n = n.Content[0]
	}
	var communities *yaml.Node
	err := p.fields(n, "", []string{"communities", "model", "sensitivity", "bots", "identities", "privacy"}, func(key string, k, v *yaml.Node) error {
		switch key {
		case "communities":
			communities = k
			return p.communities(v, cfg)
		case "model":
			return p.model(v, &cfg.Model)
		case "sensitivity":
			var on bool
			if v.Kind == yaml.ScalarNode && v.Tag == "!!bool" && v.Decode(&on) == nil {
				if on {
					cfg.Sensitivity = &Sensitivity{} // the default grid
				}
				return nil
			}
			cfg.Sensitivity = &Sensitivity{}
			return p.sensitivity(v, cfg.Sensitivity)
		case "bots":
			return p.bots(v, &cfg.Bots)
		case "identities":
			return p.identities(v, &cfg.Identities)
		case "privacy":
			return p.privacy(v, &cfg.Privacy)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if communities == nil || len(cfg.Communities) == 0 {
		return p.errorf(communities, "communities", "no community: list at least one, with a name and repos")
	}
	return nil
}

// repoPattern is GitHub's rule for owner and repository names.
var repoPattern = regexp.MustCompile(`^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}$`)

// orgPattern is GitHub's rule for an organisation login, after "org:".
var orgPattern = regexp.MustCompile(`^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$`)

// OrgPrefix marks a repos entry that stands for every public repository of
// an organisation: "org:NAME".
const OrgPrefix = "org:"

func (p *parser) communities(n *yaml.Node, cfg *Config) error {
	if n.Kind != yaml.SequenceNode {
		return p.errorf(n, "communities", "want a list of communities, got %s", kindName(n))
	}
	names := map[string]int{}
	repos := map[string]string{}
	for i, item := range n.Content {
		where := fmt.Sprintf("communities[%d]", i)
		var c Community
		var nameNode, reposNode *yaml.Node
		err := p.fields(item, where, []string{"name", "repos", "exclude", "include_forks", "include_archived"}, func(key string, k, v *yaml.Node) error {
			switch key {
			case "name":
				nameNode = v
				if v.Kind != yaml.ScalarNode {
					return p.errorf(v, where+".name", "want a text, got %s", kindName(v))
				}
				c.Name = strings.TrimSpace(v.Value)
			case "repos":
				reposNode = v
				if v.Kind != yaml.SequenceNode {
					return p.errorf(v, where+".repos", "want a list of owner/name, got %s", kindName(v))
				}
				for j, r := range v.Content {
					key := fmt.Sprintf("%s.repos[%d]", where, j)
					if org, isOrg := strings.CutPrefix(r.Value, OrgPrefix); isOrg && r.Kind == yaml.ScalarNode {
						if !orgPattern.MatchString(org) {
							return p.errorf(r, key, "%q is not an organisation of the form org:NAME", r.Value)
						}
					} else if r.Kind != yaml.ScalarNode || !repoPattern.MatchString(r.Value) {
						return p.errorf(r, key, "%q is not a repository of the form owner/name (or org:NAME for a whole organisation)", r.Value)
					}
					if other, dup := repos[strings.ToLower(r.Value)]; dup {
						return p.errorf(r, key, "%s is listed twice (also in %s)", r.Value, other)
					}
					repos[strings.ToLower(r.Value)] = where
					c.Repos = append(c.Repos, r.Value)
				}
			case "exclude":
				list, err := p.strings(v, where+".exclude")
				if err != nil {
					return err
				}
				for j, pat := range list {
					if _, err := path.Match(pat, ""); err != nil || strings.Count(pat, "/") != 1 {
						return p.errorf(v.Content[j], fmt.Sprintf("%s.exclude[%d]", where, j), "%q is not owner/name or a glob such as owner/prefix-*", pat)
					}
				}
				c.Exclude = list
			case "include_forks", "include_archived":
				var b bool
				if v.Kind != yaml.ScalarNode || v.Decode(&b) != nil {
					return p.errorf(v, where+"."+key, "want true or false, got %s", kindName(v))
				}
				if key == "include_forks" {
					c.IncludeForks = b
				} else {
					c.IncludeArchived = b
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		if c.Name == "" {
			at := nameNode
			if at == nil {
				at = item
			}
			return p.errorf(at, where+".name", "a community needs a non-empty name")
		}
		if first, dup := names[strings.ToLower(c.Name)]; dup {
			return p.errorf(nameNode, where+".name", "duplicate community name %q (also communities[%d])", c.Name, first)
		}
		names[strings.ToLower(c.Name)] = i
		if len(c.Repos) == 0 {
			at := reposNode
			if at == nil {
				at = item
			}
			return p.errorf(at, where+".repos", "community %q lists no repositories", c.Name)
		}
		cfg.Communities = append(cfg.Communities, c)
	}
	return nil
}

// thresholdKeys are the model: keys that take a whole number.
var thresholdKeys = []string{"window_days", "sustained_months", "networked_items", "leadership_merges",
	"leadership_triaged", "new_days", "active_days", "dormant_days"}

func (p *parser) model(n *yaml.Node, m *Model) error {
	switches := map[string]**bool{
		"count_coauthors":    &m.CountCoauthors,
		"wide_first_contact": &m.WideFirstContact,
	}
	targets := map[string]**int{
		"window_days":        &m.WindowDays,
		"sustained_months":   &m.SustainedMonths,
		"networked_items":    &m.NetworkedItems,
		"leadership_merges":  &m.LeadershipMerges,
		"leadership_triaged": &m.LeadershipTriaged,
		"new_days":           &m.NewDays,
		"active_days":        &m.ActiveDays,
		"dormant_days":       &m.DormantDays,
	}
	known := make([]string, 0, len(targets)+len(switches))
	for k := range targets {
		known = append(known, k)
	}
	for k := range switches {
		known = append(known, k)
	}
	sort.Strings(known)
	return p.fields(n, "model", known, func(key string, k, v *yaml.Node) error {
		if sw, ok := switches[key]; ok {
			var b bool
			if v.Kind != yaml.ScalarNode || v.Tag != "!!bool" || v.Decode(&b) != nil {
				return p.errorf(v, "model."+key, "want true or false, got %s", kindName(v))
			}
			*sw = &b
			return nil
		}
		var x int
		// The tag check: yaml.v3 would decode 182.5 as 182.
		if v.Kind != yaml.ScalarNode || v.Tag != "!!int" || v.Decode(&x) != nil || x < 1 {
			return p.errorf(v, "model."+key, "want a whole number of at least 1, got %q", v.Value)
		}
		*targets[key] = &x
		return nil
	})
}

// sensitivity reads the sensitivity: section: a mapping of thresholds to
// lists of whole numbers. An empty section (sensitivity:, {} or true) turns
// the analysis on with the default grid; false leaves it off.
func (p *parser) sensitivity(n *yaml.Node, s *Sensitivity) error {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return nil
	}
	return p.fields(n, "sensitivity", thresholdKeys, func(key string, k, v *yaml.Node) error {
		where := "sensitivity." + key
		if v.Kind != yaml.SequenceNode {
			return p.errorf(v, where, "want a list of whole numbers, such as [2, 5], got %s", kindName(v))
		}
		sv := SensitivityValues{Threshold: key, Values: []int{}, Line: k.Line}
		for i, x := range v.Content {
			var val int
			if x.Kind != yaml.ScalarNode || x.Tag != "!!int" || x.Decode(&val) != nil || val < 1 {
				return p.errorf(x, fmt.Sprintf("%s[%d]", where, i), "want a whole number of at least 1, got %s", kindName(x))
			}
			for j, prev := range sv.Values {
				if prev == val {
					return p.errorf(x, fmt.Sprintf("%s[%d]", where, i), "%d is given twice (also %s[%d])", val, where, j)
				}
			}
			sv.Values = append(sv.Values, val)
		}
		s.Values = append(s.Values, sv)
		return nil
	})
}

func (p *parser) bots(n *yaml.Node, b *Bots) error {
	return p.fields(n, "bots", []string{"include", "exclude"}, func(key string, k, v *yaml.Node) error {
		list, err := p.strings(v, "bots."+key)
		if err != nil {
			return err
		}
		for i, pat := range list {
			if _, err := path.Match(pat, ""); err != nil {
				return p.errorf(v.Content[i], fmt.Sprintf("bots.%s[%d]", key, i), "bad pattern %q: %v", pat, err)
			}
		}
		if key == "include" {
			b.Include = list
		} else {
			b.Exclude = list
		}
		return nil
	})
}

// loginPattern accepts GitHub logins, including older ones with
// underscores, and GitHub Apps' "[bot]" accounts.
var loginPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{0,38}(\[bot\])?$`)

// emailPattern is a loose check: something@something, no spaces or <>.
var emailPattern = regexp.MustCompile(`^[^@\s<>]+@[^@\s<>]+$`)

func (p *parser) identities(n *yaml.Node, id *Identities) error {
	return p.fields(n, "identities", []string{"mailmap", "aliases"}, func(key string, k, v *yaml.Node) error {
		switch key {
		case "mailmap":
			if v.Kind != yaml.ScalarNode || v.Tag == "!!null" || strings.TrimSpace(v.Value) == "" {
				return p.errorf(v, "identities.mailmap", "want the path of a .mailmap file, got %s", kindName(v))
			}
			file := strings.TrimSpace(v.Value)
			if !filepath.IsAbs(file) && p.file != "" {
				file = filepath.Join(filepath.Dir(p.file), file)
			}
			st, err := os.Stat(file)
			if err != nil {
				return p.errorf(v, "identities.mailmap", "cannot read %s: %v", file, errors.Unwrap(err))
			}
			if st.IsDir() {
				return p.errorf(v, "identities.mailmap", "%s is a folder, not a .mailmap file", file)
			}
			id.Mailmap = file
		case "aliases":
			return p.aliases(v, &id.Aliases)
		}
		return nil
	})
}

func (p *parser) aliases(n *yaml.Node, out *[]Alias) error {
	if n.Kind != yaml.SequenceNode {
		return p.errorf(n, "identities.aliases", "want a list of {login, also}, got %s", kindName(n))
	}
	owners := map[string]string{} // lower-case login -> where
	taken := map[string]string{}  // lower-case alias -> where
	for i, item := range n.Content {
		where := fmt.Sprintf("identities.aliases[%d]", i)
		var a Alias
		var loginNode, alsoNode *yaml.Node
		err := p.fields(item, where, []string{"login", "also"}, func(key string, k, v *yaml.Node) error {
			switch key {
			case "login":
				loginNode = v
				if v.Kind != yaml.ScalarNode || !loginPattern.MatchString(strings.TrimSpace(v.Value)) {
					return p.errorf(v, where+".login", "%s is not a GitHub login", kindName(v))
				}
				a.Login = strings.TrimSpace(v.Value)
			case "also":
				alsoNode = v
				list, err := p.strings(v, where+".also")
				if err != nil {
					return err
				}
				for j, x := range list {
					if !loginPattern.MatchString(x) && !emailPattern.MatchString(x) {
						return p.errorf(v.Content[j], fmt.Sprintf("%s.also[%d]", where, j), "%q is neither a GitHub login nor an email", x)
					}
				}
				a.Also = list
			}
			return nil
		})
		if err != nil {
			return err
		}
		if a.Login == "" {
			return p.errorf(item, where+".login", "an alias needs the login of the person")
		}
		if len(a.Also) == 0 {
			at := alsoNode
			if at == nil {
				at = item
			}
			return p.errorf(at, where+".also", "list the other logins or emails of %s", a.Login)
		}
		lower := strings.ToLower(a.Login)
		if other, dup := owners[lower]; dup {
			return p.errorf(loginNode, where+".login", "%s has aliases twice (also %s): merge the two entries", a.Login, other)
		}
		if other, dup := taken[lower]; dup {
			return p.errorf(loginNode, where+".login", "%s is already an alias in %s", a.Login, other)
		}
		owners[lower] = where
		for j, x := range a.Also {
			key := fmt.Sprintf("%s.also[%d]", where, j)
			lx := strings.ToLower(x)
			if lx == lower {
				return p.errorf(alsoNode.Content[j], key, "%s is the login itself", x)
			}
			if other, dup := owners[lx]; dup {
				return p.errorf(alsoNode.Content[j], key, "%s has aliases of its own (%s)", x, other)
			}
			if other, dup := taken[lx]; dup {
				return p.errorf(alsoNode.Content[j], key, "%s is given twice (also in %s)", x, other)
			}
			taken[lx] = where
		}
		*out = append(*out, a)
	}
	return nil
}

func (p *parser) privacy(n *yaml.Node, pr *Privacy) error {
	return p.fields(n, "privacy", []string{"pseudonymize", "exclude"}, func(key string, k, v *yaml.Node) error {
		switch key {
		case "pseudonymize":
			var b bool
			if v.Kind != yaml.ScalarNode || v.Tag != "!!bool" || v.Decode(&b) != nil {
				return p.errorf(v, "privacy.pseudonymize", "want true or false, got %s", kindName(v))
			}
			pr.Pseudonymize = b
		case "exclude":
			list, err := p.strings(v, "privacy.exclude")
			if err != nil {
				return err
			}
			for i, x := range list {
				if !loginPattern.MatchString(x) && !emailPattern.MatchString(x) {
					return p.errorf(v.Content[i], fmt.Sprintf("privacy.exclude[%d]", i), "%q is neither a GitHub login nor an email", x)
				}
			}
			pr.Exclude = list
		}
		return nil
	})
}

func (p *parser) strings(n *yaml.Node, where string) ([]string, error) {
	if n.Kind != yaml.SequenceNode {
		return nil, p.errorf(n, where, "want a list, got %s", kindName(n))
	}
	var out []string
	for i, s := range n.Content {
		if s.Kind != yaml.ScalarNode || strings.TrimSpace(s.Value) == "" {
			return nil, p.errorf(s, fmt.Sprintf("%s[%d]", where, i), "want a non-empty text")
		}
		out = append(out, strings.TrimSpace(s.Value))
	}
	return out, nil
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return "nothing"
		}
		return fmt.Sprintf("%q", n.Value)
	case yaml.AliasNode:
		return "an alias"
	}
	return "nothing"
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
