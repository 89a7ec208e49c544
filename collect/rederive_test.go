package collect

import (
	"bytes"
	"context"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"testing"

	"github.com/journeys-dev/journeys/events"
	"github.com/journeys-dev/journeys/internal/fakegithub"
	"github.com/journeys-dev/journeys/schema"
)

// Deriving the events again from the raw tables a collection wrote gives
// the events.parquet it wrote, byte for byte, and the same counts in
// collection.json, on both routes.
func TestRederiveGivesTheCollectedEvents(t *testing.T) {
	cases := []struct {
		name    string
		data    func() *fakegithub.Data
		cs      []Community
		graphql bool
	}{
		{"fixture", fixture, community, false},
		{"fixture over GraphQL", fixture, community, true},
		{"generated", func() *fakegithub.Data {
			return fakegithub.Generate(fakegithub.GenerateOptions{Seed: 3, Repos: 2, Issues: 150, AllContributors: true})
		}, []Community{{Name: "gen", Repos: []string{"example-org/project-1", "example-org/project-2"}}}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, c.data(), fakegithub.Options{})
			opts := h.options()
			if c.graphql {
				opts = h.gqlOptions()
			}
			collected, err, _ := h.run(c.cs, opts)
			if err != nil && !errors.Is(err, ErrSomeReposFailed) {
				t.Fatalf("Run: %v", err)
			}
			if collected.RawVersion != schema.RawVersion || collected.EventsVersion != events.Version {
				t.Errorf("collection.json: raw_version %d, events_version %d", collected.RawVersion, collected.EventsVersion)
			}
			path := filepath.Join(h.out, schema.Events.File())
			want := readBytes(t, path)
			if err := os.Remove(path); err != nil {
				t.Fatal(err)
			}
			m, err := Rederive(context.Background(), h.out)
			if err != nil {
				t.Fatalf("Rederive: %v", err)
			}
			if got := readBytes(t, path); !bytes.Equal(got, want) {
				t.Errorf("events.parquet derived again differs from the collected one (%d and %d bytes)", len(got), len(want))
			}
			if !maps.Equal(m.Tables, collected.Tables) {
				t.Errorf("tables %v, collected %v", m.Tables, collected.Tables)
			}
			for i, r := range m.Repos {
				if !maps.Equal(r.Rows, collected.Repos[i].Rows) {
					t.Errorf("%s: rows %v, collected %v", r.Repo, r.Rows, collected.Repos[i].Rows)
				}
			}
			if m.EventsVersion != events.Version {
				t.Errorf("events_version %d", m.EventsVersion)
			}
		})
	}
}

// A folder collected before the raw tables held everything events derive
// from is not derived from: its events would lose fork ids and targets.
func TestRederiveRefusesOldRawTables(t *testing.T) {
	h := newHarness(t, fixture(), fakegithub.Options{})
	if _, err, _ := h.run(community, h.options()); err != nil && !errors.Is(err, ErrSomeReposFailed) {
		t.Fatal(err)
	}
	m, err := schema.ReadManifest(h.out)
	if err != nil {
		t.Fatal(err)
	}
	m.RawVersion, m.EventsVersion = 0, 0
	if err := writeManifest(h.out, m); err != nil {
		t.Fatal(err)
	}
	before := readBytes(t, filepath.Join(h.out, schema.Events.File()))
	if _, err := Rederive(context.Background(), h.out); !errors.Is(err, ErrNotDerivable) {
		t.Fatalf("Rederive = %v, want ErrNotDerivable", err)
	}
	if !bytes.Equal(readBytes(t, filepath.Join(h.out, schema.Events.File())), before) {
		t.Error("events.parquet changed")
	}
}

func readBytes(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
