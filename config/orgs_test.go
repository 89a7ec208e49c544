package config

import (
	"errors"
	"strings"
	"testing"
)

func TestOrgEntries(t *testing.T) {
	cfg, err := Parse(strings.NewReader(`communities:
  - name: BigScience
    repos: ["org:bigscience-workshop", bigscience-workshop/petals]
    exclude: [bigscience-workshop/old-*]
    include_forks: true
`), "c.yml")
	if err != nil {
		t.Fatal(err)
	}
	c := cfg.Communities[0]
	if strings.Join(c.Repos, ",") != "org:bigscience-workshop,bigscience-workshop/petals" ||
		strings.Join(c.Exclude, ",") != "bigscience-workshop/old-*" || !c.IncludeForks || c.IncludeArchived {
		t.Errorf("parsed %+v", c)
	}
}

func TestOrgEntryErrorsNameFileLineAndKey(t *testing.T) {
	for _, tc := range []struct{ yaml, want string }{
		{"communities:\n  - name: A\n    repos: [\"org:bad/name\"]\n", "c.yml:3: communities[0].repos[0]: \"org:bad/name\" is not an organisation"},
		{"communities:\n  - name: A\n    repos: [\"org:x\"]\n    exclude: [nosslash]\n", "c.yml:4: communities[0].exclude[0]: \"nosslash\" is not owner/name or a glob"},
		{"communities:\n  - name: A\n    repos: [\"org:x\"]\n    include_forks: maybe\n", "c.yml:4: communities[0].include_forks: want true or false"},
		{"communities:\n  - name: A\n    repos: [\"org:x\"]\n  - name: B\n    repos: [\"org:X\"]\n", "c.yml:5: communities[1].repos[0]: org:X is listed twice"},
	} {
		_, err := Parse(strings.NewReader(tc.yaml), "c.yml")
		var ce *Error
		if !errors.As(err, &ce) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("error %v, want one containing %q", err, tc.want)
		}
	}
}
