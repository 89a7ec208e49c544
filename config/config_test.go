package config_test

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/journeys-dev/journeys/config"
)

func TestParseValid(t *testing.T) {
	src := `
communities:
  - name: The Turing Way
    repos: [the-turing-way/the-turing-way]
  - name: BigScience
    repos:
      - bigscience-workshop/promptsource
      - bigscience-workshop/petals
model:
  sustained_months: 4
bots:
  include: ["*-automation"]
  exclude: [botanist]
`
	cfg, err := config.Parse(strings.NewReader(src), "journeys.yml")
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Communities) != 2 || cfg.Communities[1].Name != "BigScience" ||
		strings.Join(cfg.Communities[1].Repos, ",") != "bigscience-workshop/promptsource,bigscience-workshop/petals" {
		t.Errorf("communities = %+v", cfg.Communities)
	}
	if cfg.Model.SustainedMonths == nil || *cfg.Model.SustainedMonths != 4 || cfg.Model.WindowDays != nil {
		t.Errorf("model = %+v", cfg.Model)
	}
	if len(cfg.Bots.Include) != 1 || cfg.Bots.Exclude[0] != "botanist" {
		t.Errorf("bots = %+v", cfg.Bots)
	}
}

func TestParseErrorsNameFileLineAndKey(t *testing.T) {
	tests := []struct {
		name     string
		src      string
		wantLine int
		wantKey  string
		wantMsg  string
	}{
		{"unknown top-level key", "communities:\n  - name: A\n    repos: [a/b]\nmodle:\n  x: 1\n", 4, "modle", "unknown key"},
		{"unknown community key", "communities:\n  - name: A\n    repo: [a/b]\n", 3, "communities[0].repo", "unknown key"},
		{"repo not owner/name", "communities:\n  - name: A\n    repos:\n      - a/b\n      - just-a-name\n", 5, "communities[0].repos[1]", "not a repository"},
		{"repo with extra slash", "communities:\n  - name: A\n    repos: [a/b/c]\n", 3, "communities[0].repos[0]", "not a repository"},
		{"empty name", "communities:\n  - name: \"\"\n    repos: [a/b]\n", 2, "communities[0].name", "non-empty name"},
		{"missing name", "communities:\n  - repos: [a/b]\n", 2, "communities[0].name", "non-empty name"},
		{"duplicate name", "communities:\n  - name: A\n    repos: [a/b]\n  - name: a\n    repos: [c/d]\n", 4, "communities[1].name", "duplicate community name"},
		{"no repos", "communities:\n  - name: A\n    repos: []\n", 3, "communities[0].repos", "no repositories"},
		{"repo twice", "communities:\n  - name: A\n    repos: [a/b]\n  - name: B\n    repos: [A/B]\n", 5, "communities[1].repos[0]", "listed twice"},
		{"no communities", "model:\n  new_days: 30\n", 0, "communities", "no community"},
		{"bad threshold", "communities:\n  - name: A\n    repos: [a/b]\nmodel:\n  new_days: soon\n", 5, "model.new_days", "whole number"},
		{"unknown model key", "communities:\n  - name: A\n    repos: [a/b]\nmodel:\n  stars: 3\n", 5, "model.stars", "unknown key"},
		{"bad YAML", "communities:\n\t- name: A\n", 2, "", "invalid YAML"},
		{"communities not a list", "communities: yes\n", 1, "communities", "want a list"},
		{"empty file", "", 0, "", "empty"},
		{"unknown identities key", "communities:\n  - name: A\n    repos: [a/b]\nidentities:\n  mailmaps: x\n", 5, "identities.mailmaps", "unknown key"},
		{"missing mailmap file", "communities:\n  - name: A\n    repos: [a/b]\nidentities:\n  mailmap: no-such.mailmap\n", 5, "identities.mailmap", "cannot read"},
		{"empty mailmap", "communities:\n  - name: A\n    repos: [a/b]\nidentities:\n  mailmap: \"\"\n", 5, "identities.mailmap", "path of a .mailmap"},
		{"aliases not a list", "communities:\n  - name: A\n    repos: [a/b]\nidentities:\n  aliases: {login: a}\n", 5, "identities.aliases", "want a list"},
		{"alias without login", "communities:\n  - name: A\n    repos: [a/b]\nidentities:\n  aliases:\n    - also: [b]\n", 6, "identities.aliases[0].login", "needs the login"},
		{"alias bad login", "communities:\n  - name: A\n    repos: [a/b]\nidentities:\n  aliases:\n    - login: \"a b\"\n      also: [b]\n", 6, "identities.aliases[0].login", "not a GitHub login"},
		{"alias without also", "communities:\n  - name: A\n    repos: [a/b]\nidentities:\n  aliases:\n    - login: alice\n", 6, "identities.aliases[0].also", "list the other logins"},
		{"alias bad also", "communities:\n  - name: A\n    repos: [a/b]\nidentities:\n  aliases:\n    - login: alice\n      also: [alice-work, \"not an email\"]\n", 7, "identities.aliases[0].also[1]", "neither a GitHub login nor an email"},
		{"alias of itself", "communities:\n  - name: A\n    repos: [a/b]\nidentities:\n  aliases:\n    - login: alice\n      also: [ALICE]\n", 7, "identities.aliases[0].also[0]", "the login itself"},
		{"alias given twice", "communities:\n  - name: A\n    repos: [a/b]\nidentities:\n  aliases:\n    - login: alice\n      also: [a@x.org]\n    - login: bob\n      also: [b2, A@X.org]\n", 9, "identities.aliases[1].also[1]", "given twice"},
		{"alias login twice", "communities:\n  - name: A\n    repos: [a/b]\nidentities:\n  aliases:\n    - login: alice\n      also: [a2]\n    - login: Alice\n      also: [a3]\n", 8, "identities.aliases[1].login", "aliases twice"},
		{"alias chain", "communities:\n  - name: A\n    repos: [a/b]\nidentities:\n  aliases:\n    - login: alice\n      also: [bob]\n    - login: bob\n      also: [b2]\n", 8, "identities.aliases[1].login", "already an alias"},
		{"alias of an owner", "communities:\n  - name: A\n    repos: [a/b]\nidentities:\n  aliases:\n    - login: alice\n      also: [a2]\n    - login: bob\n      also: [alice]\n", 9, "identities.aliases[1].also[0]", "aliases of its own"},
		{"pseudonymize not a bool", "communities:\n  - name: A\n    repos: [a/b]\nprivacy:\n  pseudonymize: yes please\n", 5, "privacy.pseudonymize", "true or false"},
		{"pseudonymize quoted", "communities:\n  - name: A\n    repos: [a/b]\nprivacy:\n  pseudonymize: \"true\"\n", 5, "privacy.pseudonymize", "true or false"},
		{"exclude not a list", "communities:\n  - name: A\n    repos: [a/b]\nprivacy:\n  exclude: bob\n", 5, "privacy.exclude", "want a list"},
		{"exclude bad entry", "communities:\n  - name: A\n    repos: [a/b]\nprivacy:\n  exclude:\n    - bob\n    - \"Bob Smith\"\n", 7, "privacy.exclude[1]", "neither a GitHub login nor an email"},
		{"unknown privacy key", "communities:\n  - name: A\n    repos: [a/b]\nprivacy:\n  salt: x\n", 5, "privacy.salt", "unknown key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := config.Parse(strings.NewReader(tt.src), "journeys.yml")
			var ce *config.Error
			if !errors.As(err, &ce) {
				t.Fatalf("error = %v, want a *config.Error", err)
			}
			if ce.File != "journeys.yml" || ce.Line != tt.wantLine || ce.Key != tt.wantKey || !strings.Contains(ce.Msg, tt.wantMsg) {
				t.Errorf("got %q (line %d, key %q), want line %d, key %q, message containing %q",
					err, ce.Line, ce.Key, tt.wantLine, tt.wantKey, tt.wantMsg)
			}
			if !strings.HasPrefix(err.Error(), "journeys.yml") {
				t.Errorf("error %q does not start with the file name", err)
			}
		})
	}
}

// The identities and privacy sections: the mailmap path is taken relative
// to the configuration file.
func TestParseIdentitiesAndPrivacy(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "team.mailmap"), []byte("Ana <ana@example.org>\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	src := `communities:
  - name: A
    repos: [a/b]
identities:
  mailmap: team.mailmap
  aliases:
    - login: alice
      also: [alice-work, alice@uni.example]
    - login: bob
      also: [bob_old]
privacy:
  pseudonymize: true
  exclude: [carol, dan@example.org, "some-app[bot]"]
`
	cfgPath := filepath.Join(dir, "journeys.yml")
	cfg, err := config.Parse(strings.NewReader(src), cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Identities.Mailmap != filepath.Join(dir, "team.mailmap") {
		t.Errorf("mailmap = %q, want it beside the config", cfg.Identities.Mailmap)
	}
	want := []config.Alias{{Login: "alice", Also: []string{"alice-work", "alice@uni.example"}}, {Login: "bob", Also: []string{"bob_old"}}}
	if !reflect.DeepEqual(cfg.Identities.Aliases, want) {
		t.Errorf("aliases = %+v, want %+v", cfg.Identities.Aliases, want)
	}
	if !cfg.Privacy.Pseudonymize || strings.Join(cfg.Privacy.Exclude, ",") != "carol,dan@example.org,some-app[bot]" {
		t.Errorf("privacy = %+v", cfg.Privacy)
	}
	// Without the section, nothing is pseudonymized.
	cfg, err = config.Parse(strings.NewReader("communities:\n  - name: A\n    repos: [a/b]\n"), cfgPath)
	if err != nil || cfg.Privacy.Pseudonymize || cfg.Identities.Mailmap != "" {
		t.Errorf("defaults: %+v, %v", cfg, err)
	}
}

func FuzzParse(f *testing.F) {
	f.Add("communities:\n  - name: A\n    repos: [a/b]\n")
	f.Add("communities: [{name: x, repos: [a/b, c/d]}]\nbots: {include: ['*[bot]']}\n")
	f.Add("a: &x [*x]\n")
	f.Fuzz(func(t *testing.T, src string) {
		cfg, err := config.Parse(strings.NewReader(src), "fuzz.yml")
		if err == nil && len(cfg.Communities) == 0 {
			t.Fatal("a valid config must have a community")
		}
		if err != nil {
			var ce *config.Error
			if !errors.As(err, &ce) {
				t.Fatalf("error %v is not a *config.Error", err)
			}
		}
	})
}

// The README's config reference is a valid config.
func TestREADMEConfigIsValid(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(readme)
	start := strings.Index(text, "### Config\n\n```yaml\n")
	if start < 0 {
		t.Fatal("README has no ### Config section with a yaml block")
	}
	block := text[start+len("### Config\n\n```yaml\n"):]
	block = block[:strings.Index(block, "```")]
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, ".mailmap"), []byte("Alice <alice@uni.example> <a@old.example>\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "journeys.yml")
	if err := os.WriteFile(path, []byte(block), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.ReadFile(path)
	if err != nil {
		t.Fatalf("README config: %v", err)
	}
	if len(cfg.Communities) != 2 {
		t.Errorf("README config has %d communities, want 2", len(cfg.Communities))
	}
}

// The British spelling of a key, used before the tool settled on GitHub's
// American spelling, still works and says where it was used.
func TestOldSpellingIsAcceptedWithAWarning(t *testing.T) {
	src := "communities:\n  - name: A\n    repos: [a/b]\nprivacy:\n  pseudonymise: true\n"
	cfg, err := config.Parse(strings.NewReader(src), "old.yml")
	if err != nil {
		t.Fatal(err)
	}
	if !cfg.Privacy.Pseudonymize {
		t.Error("privacy.pseudonymise: true did not turn pseudonymization on")
	}
	if len(cfg.Deprecations) != 1 || !strings.Contains(cfg.Deprecations[0], "old.yml:5:") || !strings.Contains(cfg.Deprecations[0], "write pseudonymize") {
		t.Errorf("deprecations = %q, want one naming old.yml:5 and the new key", cfg.Deprecations)
	}
	cfg, err = config.Parse(strings.NewReader("communities:\n  - name: A\n    repos: [a/b]\nprivacy:\n  pseudonymize: true\n"), "new.yml")
	if err != nil || len(cfg.Deprecations) != 0 {
		t.Errorf("new spelling: %v, deprecations %q", err, cfg.Deprecations)
	}
}
