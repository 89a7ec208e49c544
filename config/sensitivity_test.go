package config_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/journeys-dev/journeys/config"
)

const oneCommunity = "communities:\n  - name: A\n    repos: [a/b]\n"

func TestParseModelSwitchesAndSensitivity(t *testing.T) {
	src := oneCommunity + `model:
  count_coauthors: false
  wide_first_contact: true
sensitivity:
  networked_items: [5, 2, 8]
  window_days: []
  active_days:
    - 90
`
	cfg, err := config.Parse(strings.NewReader(src), "journeys.yml")
	if err != nil {
		t.Fatal(err)
	}
	if m := cfg.Model; m.CountCoauthors == nil || *m.CountCoauthors || m.WideFirstContact == nil || !*m.WideFirstContact {
		t.Errorf("model switches = %v, %v", m.CountCoauthors, m.WideFirstContact)
	}
	want := &config.Sensitivity{Values: []config.SensitivityValues{
		{Threshold: "networked_items", Values: []int{5, 2, 8}, Line: 8},
		{Threshold: "window_days", Values: []int{}, Line: 9},
		{Threshold: "active_days", Values: []int{90}, Line: 10},
	}}
	if !reflect.DeepEqual(cfg.Sensitivity, want) {
		t.Errorf("sensitivity = %+v, want %+v", cfg.Sensitivity, want)
	}
	e := cfg.SensitivityError(cfg.Sensitivity.Values[2], "too long")
	if got := e.Error(); got != "journeys.yml:10: sensitivity.active_days: too long" {
		t.Errorf("SensitivityError = %q", got)
	}

	// Without the section, the analysis is off; an empty one, or true,
	// turns it on with the default grid; false leaves it off.
	for src, on := range map[string]bool{
		"":                         false,
		"sensitivity:\n":           true,
		"sensitivity: {}\n":        true,
		"sensitivity: true\n":      true,
		"sensitivity: false\n":     false,
		"model:\n  new_days: 30\n": false,
	} {
		cfg, err := config.Parse(strings.NewReader(oneCommunity+src), "journeys.yml")
		if err != nil {
			t.Fatalf("%q: %v", src, err)
		}
		if (cfg.Sensitivity != nil) != on || on && len(cfg.Sensitivity.Values) != 0 {
			t.Errorf("%q: sensitivity = %+v, want on = %v with the default grid", src, cfg.Sensitivity, on)
		}
	}
}

func TestSensitivityErrorsNameFileLineAndKey(t *testing.T) {
	tests := []struct {
		name     string
		src      string
		wantLine int
		wantKey  string
		wantMsg  string
	}{
		{"a fractional threshold", "model:\n  active_days: 182.5\n", 5, "model.active_days", "whole number"},
		{"a switch that is not a boolean", "model:\n  count_coauthors: yes\n", 5, "model.count_coauthors", "true or false"},
		{"a switch given a number", "model:\n  wide_first_contact: 1\n", 5, "model.wide_first_contact", "true or false"},
		{"unknown threshold", "sensitivity:\n  networked: [5]\n", 5, "sensitivity.networked", "unknown key"},
		{"a switch is no threshold", "sensitivity:\n  count_coauthors: [false]\n", 5, "sensitivity.count_coauthors", "unknown key"},
		{"not a list", "sensitivity:\n  networked_items: 5\n", 5, "sensitivity.networked_items", "want a list"},
		{"not a mapping", "sensitivity: [networked_items]\n", 4, "sensitivity", "want a mapping"},
		{"zero", "sensitivity:\n  leadership_merges: [2, 0]\n", 5, "sensitivity.leadership_merges[1]", "at least 1"},
		{"a fraction", "sensitivity:\n  window_days:\n    - 30\n    - 182.5\n", 7, "sensitivity.window_days[1]", "whole number"},
		{"a word", "sensitivity:\n  new_days: [soon]\n", 5, "sensitivity.new_days[0]", "whole number"},
		{"a value twice", "sensitivity:\n  sustained_months:\n    - 2\n    - 4\n    - 2\n", 8, "sensitivity.sustained_months[2]", "given twice"},
		{"a key twice", "sensitivity:\n  new_days: [30]\n  new_days: [60]\n", 6, "sensitivity.new_days", "given twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := config.Parse(strings.NewReader(oneCommunity+tt.src), "journeys.yml")
			var ce *config.Error
			if !errors.As(err, &ce) {
				t.Fatalf("err = %v, want a *config.Error", err)
			}
			if ce.File != "journeys.yml" || ce.Line != tt.wantLine || ce.Key != tt.wantKey || !strings.Contains(ce.Msg, tt.wantMsg) {
				t.Errorf("got %s (line %d, key %q), want line %d, key %q, a message with %q", err, ce.Line, ce.Key, tt.wantLine, tt.wantKey, tt.wantMsg)
			}
		})
	}
}
