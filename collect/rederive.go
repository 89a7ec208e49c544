package collect

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"

	"github.com/journeys-dev/journeys/events"
	"github.com/journeys-dev/journeys/internal/table"
	"github.com/journeys-dev/journeys/schema"
)

// ErrNotDerivable: the raw tables of a folder were collected before they
// held everything events derive from (collection.json's raw_version is
// older than events.MinRawVersion); only a new collection can give its
// events again.
var ErrNotDerivable = errors.New("the raw tables were collected before they held everything events derive from: collect again")

// ErrPeopleLeftOut: people were left out of the raw tables of a folder
// (privacy.exclude, collection.json's people_left_out). Their rows are
// gone, and with them what others' events on their items derive from (a
// merge of their pull request, the co-authors of their commits, whether
// the item commented on is a pull request): the events derived from what
// is left are not those that leaving them out of the events gave. A new
// collection derives the events from whole tables, then leaves them out.
var ErrPeopleLeftOut = errors.New("people were left out of the raw tables, which no longer give the events of others on their items: collect again")

// NotDerivable says why the raw tables of the folder whose manifest is m
// cannot give its events again, or "" when they can.
func NotDerivable(m *schema.Manifest) string {
	switch {
	case m.RawVersion < events.MinRawVersion:
		return fmt.Sprintf("its raw tables were collected before they held everything events derive from (raw_version %d, need %d); collect again", m.RawVersion, events.MinRawVersion)
	case m.PeopleLeftOut:
		return "people were left out of its raw tables (privacy.exclude), and the events of others on their items cannot be derived from what is left; collect again"
	}
	return ""
}

// ReadRaw reads the raw tables of dir that events derive from.
func ReadRaw(ctx context.Context, dir string) (*events.Raw, error) {
	var raw events.Raw
	for _, r := range []struct {
		t    *schema.Table
		read func(path string) error
	}{
		{schema.Issues, func(p string) (err error) { raw.Issues, err = table.ReadFile[schema.Issue](p); return }},
		{schema.Comments, func(p string) (err error) { raw.Comments, err = table.ReadFile[schema.Comment](p); return }},
		{schema.Reviews, func(p string) (err error) { raw.Reviews, err = table.ReadFile[schema.Review](p); return }},
		{schema.Commits, func(p string) (err error) { raw.Commits, err = table.ReadFile[schema.Commit](p); return }},
		{schema.Stargazers, func(p string) (err error) { raw.Stargazers, err = table.ReadFile[schema.Stargazer](p); return }},
		{schema.Forks, func(p string) (err error) { raw.Forks, err = table.ReadFile[schema.Fork](p); return }},
		{schema.IssueEvents, func(p string) (err error) { raw.IssueEvents, err = table.ReadFile[schema.IssueEvent](p); return }},
		{schema.Recognitions, func(p string) (err error) { raw.Recognitions, err = table.ReadFile[schema.Recognition](p); return }},
	} {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := r.read(filepath.Join(dir, r.t.File())); err != nil {
			return nil, fmt.Errorf("read %s: %w", r.t.Name, err)
		}
	}
	return &raw, nil
}

// Rederive derives events.parquet again from the raw tables of dir, a
// collection's output folder, and records it in dir's collection.json
// (the events' row counts and events_version). The file is replaced
// atomically: a killed run leaves the old events or the new ones. Raw
// tables older than events.MinRawVersion give ErrNotDerivable, and raw
// tables that people were left out of ErrPeopleLeftOut.
func Rederive(ctx context.Context, dir string) (*schema.Manifest, error) {
	m, err := schema.ReadManifest(dir)
	if err != nil {
		return nil, fmt.Errorf("derive events of %s: %w", dir, err)
	}
	if m.RawVersion < events.MinRawVersion {
		return nil, fmt.Errorf("derive events of %s: raw_version %d, derivation needs %d: %w", dir, m.RawVersion, events.MinRawVersion, ErrNotDerivable)
	}
	if m.PeopleLeftOut {
		return nil, fmt.Errorf("derive events of %s: %w", dir, ErrPeopleLeftOut)
	}
	raw, err := ReadRaw(ctx, dir)
	if err != nil {
		return nil, fmt.Errorf("derive events of %s: %w", dir, err)
	}
	t := tables{Events: events.Derive(raw)}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := table.WriteFile(filepath.Join(dir, schema.Events.File()), t.Events); err != nil {
		return nil, fmt.Errorf("derive events of %s: %w", dir, err)
	}
	for i := range m.Repos {
		delete(m.Repos[i].Rows, schema.Events.Name)
	}
	t.countEvents(m.Repos)
	if m.Tables == nil {
		m.Tables = map[string]int64{}
	}
	m.Tables[schema.Events.Name] = int64(len(t.Events))
	m.EventsVersion = events.Version
	if err := writeManifest(dir, m); err != nil {
		return nil, fmt.Errorf("derive events of %s: %w", dir, err)
	}
	return m, nil
}
