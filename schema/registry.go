package schema

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
)

// A Stage is the command that writes a table.
type Stage string

// Stages.
const (
	Collect Stage = "collect"
	Analyze Stage = "analyze"
)

// A Class says what a column holds about people, and so what publishing
// (pseudonymized output, docs/privacy.md) does with it.
type Class string

// Privacy classes. The zero Class is no class: publishing refuses a table
// with an unclassified column.
const (
	// Public: names nobody; published as it is.
	Public Class = "public"
	// Repository: a repository's "owner/name", public unless a person owns
	// it: published with the owner's login replaced by its pseudonym.
	Repository Class = "repository"
	// Login: GitHub logins; published as their pseudonyms.
	Login Class = "login"
	// Personal: names, emails and what else identifies a person and has
	// no pseudonym (a fork's "owner/name"); never published.
	Personal Class = "personal"
	// FreeText: text people wrote (titles, messages, labels, error
	// messages), which may name anyone; never published.
	FreeText Class = "free text"
)

// Classes lists the privacy classes, from the least to the most guarded.
var Classes = []Class{Public, Repository, Login, Personal, FreeText}

// A Column is one column of a table and its privacy class.
type Column struct {
	Name  string
	Class Class
	// Subject marks a Login column that names whose row it is (who acted,
	// authored or is listed): a person left out (privacy.exclude) takes
	// the row with them. A Login column that is not the subject only
	// mentions someone, and leaving them out removes the mention.
	Subject bool
}

// A Table is one Parquet table of the output folder.
type Table struct {
	// Name is the file's name without ".parquet", and the journeys.table
	// of its footer.
	Name  string
	Stage Stage
	// Row is the Go type of a row: its fields' `parquet` tags name the
	// columns (see internal/table).
	Row reflect.Type
	// Optional tables are written only when asked (sensitivity.parquet:
	// analyze --sensitivity).
	Optional bool
	// Partition lists the columns of the partitioned layout's folders
	// (TABLE/community=…/repo=…/), outermost first.
	Partition []string
	// Order is the row order, as docs/schema.md gives it.
	Order []string
	// Columns classifies every column, in the order of Row's fields.
	Columns []Column
}

// File is the table's file name: NAME.parquet.
func (t *Table) File() string { return t.Name + ".parquet" }

// Column returns the column called name.
func (t *Table) Column(name string) (Column, bool) {
	for _, c := range t.Columns {
		if c.Name == name {
			return c, true
		}
	}
	return Column{}, false
}

// Check reports a column of Row that Columns does not classify, a class
// that is no privacy class, and an entry of Columns that is no column of
// Row (or out of Row's order), naming the table and the column.
func (t *Table) Check() error {
	names, err := ColumnNames(t.Row)
	if err != nil {
		return fmt.Errorf("table %s: %w", t.Name, err)
	}
	classes := map[string]Class{}
	for _, c := range t.Columns {
		classes[c.Name] = c.Class
	}
	for _, n := range names {
		c, ok := classes[n]
		if !ok || c == "" {
			return fmt.Errorf("table %s: column %s has no privacy class", t.Name, n)
		}
		if !slices.Contains(Classes, c) {
			return fmt.Errorf("table %s: column %s: %q is no privacy class", t.Name, n, c)
		}
	}
	for i, c := range t.Columns {
		if !slices.Contains(names, c.Name) {
			return fmt.Errorf("table %s: column %s is classified but is no column of %v", t.Name, c.Name, t.Row)
		}
		if i >= len(names) || names[i] != c.Name {
			return fmt.Errorf("table %s: column %s is classified out of the order of %v's fields", t.Name, c.Name, t.Row)
		}
		if c.Subject && c.Class != Login {
			return fmt.Errorf("table %s: column %s is a subject but not a login column", t.Name, c.Name)
		}
	}
	for _, p := range t.Partition {
		if !slices.Contains(names, p) {
			return fmt.Errorf("table %s: partition column %s is no column", t.Name, p)
		}
	}
	return nil
}

// ColumnNames returns the columns of the row type typ: the names in its
// exported fields' `parquet` tags, in field order.
func ColumnNames(typ reflect.Type) ([]string, error) {
	if typ == nil || typ.Kind() != reflect.Struct {
		return nil, fmt.Errorf("row type %v is not a struct", typ)
	}
	var out []string
	for i := range typ.NumField() {
		f := typ.Field(i)
		tag, ok := f.Tag.Lookup("parquet")
		if !ok || tag == "-" || !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		out = append(out, name)
	}
	return out, nil
}

// Lookup returns the table called name ("events", not "events.parquet").
func Lookup(name string) (*Table, bool) {
	for _, t := range Tables {
		if t.Name == name {
			return t, true
		}
	}
	return nil, false
}

// Of returns the tables of a stage, in the order of Tables.
func Of(stage Stage) []*Table {
	var out []*Table
	for _, t := range Tables {
		if t.Stage == stage {
			out = append(out, t)
		}
	}
	return out
}

func col(name string, class Class) Column { return Column{Name: name, Class: class} }

// subject is a Login column naming whose row it is.
func subject(name string) Column { return Column{Name: name, Class: Login, Subject: true} }

// where are the columns every raw table begins with.
func where() []Column { return []Column{col("community", Public), col("repo", Repository)} }

func cols(lists ...[]Column) []Column { return slices.Concat(lists...) }

var (
	rawPartition      = []string{"community", "repo"}
	analysisPartition = []string{"community"}
)

// The raw tables, written by collect.
var (
	Repos = &Table{
		Name: "repos", Stage: Collect, Row: reflect.TypeFor[Repo](), Partition: rawPartition,
		Order: []string{"community", "repo"},
		Columns: cols(where(), []Column{
			col("id", Public), col("owner_type", Public), col("default_branch", Public),
			col("created_at", Public), col("pushed_at", Public), col("fork", Public), col("archived", Public),
			col("stargazers_count", Public), col("forks_count", Public), col("has_all_contributors", Public),
			col("status", Public), col("error", FreeText), col("collected_at", Public),
		}),
	}
	Issues = &Table{
		Name: "issues", Stage: Collect, Row: reflect.TypeFor[Issue](), Partition: rawPartition,
		Order: []string{"community", "repo", "number"},
		Columns: cols(where(), []Column{
			col("number", Public), col("id", Public), col("is_pull_request", Public), col("title", FreeText),
			col("state", Public), col("state_reason", Public), subject("author"), col("author_type", Public),
			col("author_association", Public), col("labels", FreeText), col("assignees", Login),
			col("comments", Public), col("created_at", Public), col("updated_at", Public),
			col("closed_at", Public), col("merged_at", Public),
		}),
	}
	PullRequests = &Table{
		Name: "pull_requests", Stage: Collect, Row: reflect.TypeFor[PullRequest](), Partition: rawPartition,
		Order: []string{"community", "repo", "number"},
		Columns: cols(where(), []Column{
			col("number", Public), subject("author"), col("state", Public), col("created_at", Public),
			col("closed_at", Public), col("merged", Public), col("merged_at", Public), col("merged_by", Login),
			col("merge_commit_sha", Public),
		}),
	}
	Comments = &Table{
		Name: "comments", Stage: Collect, Row: reflect.TypeFor[Comment](), Partition: rawPartition,
		Order: []string{"community", "repo", "kind", "id"},
		Columns: cols(where(), []Column{
			col("kind", Public), col("id", Public), col("number", Public), subject("author"),
			col("author_type", Public), col("author_association", Public), col("created_at", Public),
			col("updated_at", Public),
		}),
	}
	Reviews = &Table{
		Name: "reviews", Stage: Collect, Row: reflect.TypeFor[Review](), Partition: rawPartition,
		Order: []string{"community", "repo", "number", "id"},
		Columns: cols(where(), []Column{
			col("id", Public), col("number", Public), subject("author"), col("author_type", Public),
			col("state", Public), col("submitted_at", Public),
		}),
	}
	Commits = &Table{
		Name: "commits", Stage: Collect, Row: reflect.TypeFor[Commit](), Partition: rawPartition,
		Order: []string{"community", "repo", "committer_date", "sha"},
		Columns: cols(where(), []Column{
			col("sha", Public), col("author_name", Personal), col("author_email", Personal),
			col("author_date", Public), col("committer_name", Personal), col("committer_email", Personal),
			col("committer_date", Public), subject("author_login"), col("author_type", Public),
			col("committer_login", Login), col("parent_count", Public), col("message", FreeText),
			col("co_author_names", Personal), col("co_author_emails", Personal),
		}),
	}
	Stargazers = &Table{
		Name: "stargazers", Stage: Collect, Row: reflect.TypeFor[Stargazer](), Partition: rawPartition,
		Order: []string{"community", "repo", "starred_at", "login"},
		Columns: cols(where(), []Column{
			subject("login"), col("user_type", Public), col("starred_at", Public),
		}),
	}
	Forks = &Table{
		Name: "forks", Stage: Collect, Row: reflect.TypeFor[Fork](), Partition: rawPartition,
		Order: []string{"community", "repo", "created_at", "id"},
		Columns: cols(where(), []Column{
			col("fork_full_name", Personal), subject("owner"), col("owner_type", Public), col("created_at", Public),
			col("id", Public),
		}),
	}
	IssueEvents = &Table{
		Name: "issue_events", Stage: Collect, Row: reflect.TypeFor[IssueEvent](), Partition: rawPartition,
		Order: []string{"community", "repo", "created_at", "id"},
		Columns: cols(where(), []Column{
			col("id", Public), col("number", Public), col("event", Public), subject("actor"),
			col("actor_type", Public), col("created_at", Public), col("label", FreeText), col("assignee", Login),
			col("commit_id", Public), col("issue_author", Login), col("issue_is_pull_request", Public),
		}),
	}
	Recognitions = &Table{
		Name: "recognitions", Stage: Collect, Row: reflect.TypeFor[Recognition](), Partition: rawPartition,
		Order: []string{"community", "repo", "login (case-insensitive)"},
		Columns: cols(where(), []Column{
			subject("login"), col("name", Personal), col("contributions", Public),
			col("first_listed_at", Public), col("first_listed_by", Public),
		}),
	}
	// Events: detail is free text in general; Kind.DetailClass says what
	// it is for each kind. source_id holds the login of a star and a
	// recognition (star:LOGIN, all-contributors:LOGIN).
	Events = &Table{
		Name: "events", Stage: Collect, Row: reflect.TypeFor[Event](), Partition: rawPartition,
		Order: []string{"community", "repo", "occurred_at", "kind", "source_id"},
		Columns: cols(where(), []Column{
			subject("actor"), col("actor_type", Public), col("kind", Public), col("occurred_at", Public),
			col("target_number", Public), col("target_author", Login), col("target_is_pull_request", Public),
			col("detail", FreeText), col("author_name", Personal), col("author_email", Personal),
			col("source_id", Login),
		}),
	}
)

// evidence are the event_* columns of contributors and transitions.
func evidence() []Column {
	return []Column{
		col("event_role", Public), col("event_kind", Public), col("event_repo", Repository),
		col("event_number", Public), col("event_sha", Public), col("event_at", Public),
	}
}

// The analysis tables, written by analyze.
var (
	Contributors = &Table{
		Name: "contributors", Stage: Analyze, Row: reflect.TypeFor[Contributor](), Partition: analysisPartition,
		Order: []string{"community", "login"},
		Columns: cols([]Column{
			col("community", Public), subject("login"), col("stage", Public), col("state", Public),
			col("first_activity_at", Public), col("last_activity_at", Public), col("first_contact_at", Public),
			col("stage_reached_at", Public), col("stage_reason", Public), col("stars", Public),
			col("forks", Public), col("issues_opened", Public), col("prs_opened", Public),
			col("comments", Public), col("reviews", Public), col("own_prs_merged", Public),
			col("commits", Public), col("co_authored_commits", Public), col("recognized", Public),
			col("contribution_months_12m", Public), col("others_items_engaged_12m", Public),
			col("others_prs_merged_12m", Public), col("others_items_triaged_12m", Public),
			col("identity_confidence", Public), col("commits_guessed", Public),
		}, evidence()),
	}
	ContributorMonths = &Table{
		Name: "contributor_months", Stage: Analyze, Row: reflect.TypeFor[ContributorMonth](), Partition: analysisPartition,
		Order: []string{"community", "login", "month"},
		Columns: []Column{
			col("community", Public), subject("login"), col("month", Public), col("stage", Public), col("state", Public),
		},
	}
	Transitions = &Table{
		Name: "transitions", Stage: Analyze, Row: reflect.TypeFor[Transition](), Partition: analysisPartition,
		Order: []string{"community", "login", "at"},
		Columns: cols([]Column{
			col("community", Public), subject("login"), col("from_stage", Public), col("to_stage", Public), col("at", Public),
		}, evidence()),
	}
	Funnel = &Table{
		Name: "funnel", Stage: Analyze, Row: reflect.TypeFor[FunnelRow](), Partition: analysisPartition,
		Order: []string{"community", "stage_order"},
		Columns: []Column{
			col("community", Public), col("stage", Public), col("stage_order", Public), col("ever_met", Public),
			col("current", Public), col("conversion_from_previous", Public), col("conversion_from_first_contact", Public),
			col("median_days_from_first_contact", Public), col("median_days_n", Public),
		},
	}
	Identities = &Table{
		Name: "identities", Stage: Analyze, Row: reflect.TypeFor[Identity](), Partition: analysisPartition,
		Order: []string{"community", "login (null last)", "email", "name", "method"},
		Columns: []Column{
			col("community", Public), col("name", Personal), col("email", Personal), subject("login"),
			col("method", Public), col("confidence", Public), col("commits", Public),
		},
	}
	Bots = &Table{
		Name: "bots", Stage: Analyze, Row: reflect.TypeFor[Bot](),
		Order:   []string{"login"},
		Columns: []Column{subject("login"), col("reason", Public), col("events", Public)},
	}
	Cohorts = &Table{
		Name: "cohorts", Stage: Analyze, Row: reflect.TypeFor[CohortRow](), Partition: analysisPartition,
		Order: []string{"community", "cohort_month", "k"},
		Columns: []Column{
			col("community", Public), col("cohort_month", Public), col("k", Public), col("cohort_size", Public),
			col("still_acting", Public), col("share", Public),
		},
	}
	Sensitivity = &Table{
		Name: "sensitivity", Stage: Analyze, Row: reflect.TypeFor[SensitivityRow](), Optional: true, Partition: analysisPartition,
		Order: []string{"community", "variant (the baseline, then grid order)", "stage_order"},
		Columns: []Column{
			col("community", Public), col("variant", Public), col("parameter", Public), col("value", Public),
			col("baseline", Public), col("stage", Public), col("stage_order", Public), col("at_stage", Public),
			col("ever_reached", Public), col("state_new", Public), col("state_active", Public),
			col("state_dormant", Public), col("state_churned", Public),
		},
	}
	Metrics = &Table{
		Name: "metrics", Stage: Analyze, Row: reflect.TypeFor[MetricRow](), Partition: analysisPartition,
		Order: []string{"community", "period", "metric"},
		Columns: []Column{
			col("community", Public), col("period", Public), col("metric", Public), col("value", Public),
			col("count", Public), col("definition_url", Public),
		},
	}
)

// Tables lists every table: the raw tables in the order collect writes
// them, then the analysis tables. Merging, the partitioned layout,
// leaving people out, publishing, the report and docs/schema.md follow it.
var Tables = []*Table{
	Repos, Issues, PullRequests, Comments, Reviews, Commits, Stargazers, Forks, IssueEvents, Recognitions, Events,
	Contributors, ContributorMonths, Transitions, Funnel, Identities, Bots, Cohorts, Sensitivity, Metrics,
}
