package analyze

import (
	"context"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/journeys-dev/journeys/internal/table"

	"github.com/journeys-dev/journeys/schema"
)

// testAsOf is the analysis date of the rule tests.
var testAsOf = time.Date(2024, 6, 30, 0, 0, 0, 0, time.UTC)

// ago returns noon of the day n days before testAsOf.
func ago(n int) time.Time { return testAsOf.AddDate(0, 0, -n).Add(12 * time.Hour) }

type evOpt func(*schema.Event)

// on sets the target: an issue or pull request number and its author
// ("" for unknown).
func on(number int64, author string) evOpt {
	return func(e *schema.Event) {
		e.TargetNumber = &number
		if author != "" {
			e.TargetAuthor = &author
		}
	}
}

func in(community string) evOpt { return func(e *schema.Event) { e.Community = community } }

func botType() evOpt { return func(e *schema.Event) { e.ActorType = ptr("Bot") } }

// author sets a commit's author name and email.
func author(name, email string) evOpt {
	return func(e *schema.Event) { e.AuthorName, e.AuthorEmail = &name, &email }
}

// ev builds an event of kind by actor ("" for none) at t, in community
// "c" and repository "o/r".
func ev(kind schema.Kind, actor string, t time.Time, opts ...evOpt) schema.Event {
	e := schema.Event{Community: "c", Repo: "o/r", Kind: kind, OccurredAt: t, SourceID: string(kind) + t.String()}
	if actor != "" {
		e.Actor = &actor
		e.ActorType = ptr("User")
	}
	for _, o := range opts {
		o(&e)
	}
	return e
}

func analyze(t *testing.T, events []schema.Event, opts Options) *Result {
	t.Helper()
	if opts.AsOf.IsZero() {
		opts.AsOf = testAsOf
	}
	res, err := Analyze(events, opts)
	if err != nil {
		t.Fatalf("Analyze: %v", err)
	}
	return res
}

func findContributor(res *Result, community, login string) *schema.Contributor {
	for i := range res.Contributors {
		c := &res.Contributors[i]
		if c.Community == community && c.Login == login {
			return c
		}
	}
	return nil
}

// mustContributor returns the row of login in community "c".
func mustContributor(t *testing.T, res *Result, login string) *schema.Contributor {
	t.Helper()
	c := findContributor(res, "c", login)
	if c == nil {
		t.Fatalf("no contributor %q; have %+v", login, res.Contributors)
	}
	return c
}

func str(p *string) string {
	if p == nil {
		return "<nil>"
	}
	return *p
}

// checkRunWrites runs the whole analysis (Run) on events and checks that
// file holds want, what Analyze returned, with the analysis' footer.
func checkRunWrites[T any](t *testing.T, events []schema.Event, opts Options, file string, want []T) {
	t.Helper()
	dir := t.TempDir()
	if err := table.WriteFile(filepath.Join(dir, schema.Events.File()), events); err != nil {
		t.Fatal(err)
	}
	opts.Logger = slog.New(slog.DiscardHandler)
	if _, err := Run(context.Background(), dir, opts); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, file)
	checkTable(t, path, want)
	md, err := table.Metadata(path)
	if err != nil {
		t.Fatal(err)
	}
	if md[table.MetaTable] != table.TableName(path) || md[table.MetaAnalysisDate] != opts.AsOf.Format(time.DateOnly) || md[table.MetaModelHash] != DefaultModel().Hash() {
		t.Errorf("%s footer: %v", file, md)
	}
}
