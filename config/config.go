// Package config reads the YAML file that tells journeys which communities
// to study and how.
//
//	communities:
//	  - name: The Turing Way
//	    repos: [the-turing-way/the-turing-way]
//	model:             # optional: the journey model's thresholds
//	  sustained_months: 3
//	bots:              # optional: accounts to add to, or rescue from, the bot list
//	  include: [some-ci-account, "*-automation"]
//	  exclude: [a-human-with-bot-in-name]
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
	Model Model
	Bots  Bots
}

// A Community is a named group of repositories whose people share one
// journey.
type Community struct {
	Name  string
	Repos []string // "owner/name"
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
}

// Bots adjusts which accounts are set aside as bots: Include adds logins or
// glob patterns (path.Match syntax, e.g. "*-ci"), Exclude rescues accounts
// the built-in rules would flag.
type Bots struct {
	Include []string
	Exclude []string
}

// An Error is a problem at a place in a configuration file.
type Error struct {
	File string
	Line int
	Key  string // the key at fault, e.g. "communities[1].repos[0]"
	Msg  string
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
	return cfg, nil
}

type parser struct{ file string }

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
	err := p.fields(n, "", []string{"communities", "model", "bots"}, func(key string, k, v *yaml.Node) error {
		switch key {
		case "communities":
			communities = k
			return p.communities(v, cfg)
		case "model":
			return p.model(v, &cfg.Model)
		case "bots":
			return p.bots(v, &cfg.Bots)
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
		err := p.fields(item, where, []string{"name", "repos"}, func(key string, k, v *yaml.Node) error {
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
					if r.Kind != yaml.ScalarNode || !repoPattern.MatchString(r.Value) {
						return p.errorf(r, key, "%q is not a repository of the form owner/name", r.Value)
					}
					if other, dup := repos[strings.ToLower(r.Value)]; dup {
						return p.errorf(r, key, "%s is listed twice (also in %s)", r.Value, other)
					}
					repos[strings.ToLower(r.Value)] = where
					c.Repos = append(c.Repos, r.Value)
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

func (p *parser) model(n *yaml.Node, m *Model) error {
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
	known := make([]string, 0, len(targets))
	for k := range targets {
		known = append(known, k)
	}
	sort.Strings(known)
	return p.fields(n, "model", known, func(key string, k, v *yaml.Node) error {
		var x int
		if v.Kind != yaml.ScalarNode || v.Decode(&x) != nil || x < 1 {
			return p.errorf(v, "model."+key, "want a whole number of at least 1, got %q", v.Value)
		}
		*targets[key] = &x
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
