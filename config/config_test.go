package config_test

import (
	"errors"
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
