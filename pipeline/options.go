package pipeline

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/journeys-dev/journeys/collect"
	"github.com/journeys-dev/journeys/config"
	"github.com/journeys-dev/journeys/privacy"
	"github.com/journeys-dev/journeys/schema"
)

// Steps selects what a run does. The order is the pipeline's, whatever is
// selected: collect, leave out the excluded people, analyze, publish, lay
// out, report.
type Steps struct {
	// Collect fetches the activity from GitHub's REST API into the raw
	// tables and events.parquet, and leaves out the excluded people.
	Collect bool
	// Analyze infers the journeys from events.parquet into the analysis
	// tables and analysis.json, first deriving events.parquet again from
	// the raw tables when asked (Options.Rederive) or when it was derived
	// by older rules. Reports an earlier run left in the
	// output folder are rewritten, so that none shows another analysis
	// date than the tables.
	Analyze bool
	// Publish writes the pseudonymized copy of the private folder into
	// the output folder. It needs pseudonymization, and follows Collect
	// and Analyze whenever pseudonymizing: selected alone it publishes
	// again what the private folder holds.
	Publish bool
	// Report writes report.md and report.html from the analysis.
	Report bool
}

// All is every step: what "journeys run" does.
var All = Steps{Collect: true, Analyze: true, Report: true}

// NeedsPseudonymizer reports whether steps, pseudonymizing, need
// Options.Pseudonymizer: every step but Report writes tables, and so
// publishes them.
func (s Steps) NeedsPseudonymizer() bool { return s.Collect || s.Analyze || s.Publish }

// Sensitivity says whether the analysis also judges everyone under a grid
// of model variants (sensitivity.parquet).
type Sensitivity int

const (
	// SensitivityFromConfig: on when the config has a sensitivity:
	// section.
	SensitivityFromConfig Sensitivity = iota
	// SensitivityOn: on, with the config's values when it gives some.
	SensitivityOn
	// SensitivityOff: off, whatever the config says.
	SensitivityOff
)

// Limits bound what a collection spends.
type Limits struct {
	// Concurrency is the number of requests in flight (0: 8; at most 100).
	Concurrency int
	// MaxRequests caps the requests that count against the quota; the
	// run then stops with a collect.QuotaError, its checkpoint saved (0:
	// no cap).
	MaxRequests int
	// MaxWait bounds a wait for the rate limit's reset: below zero the
	// run waits as long as needed, zero does not wait.
	MaxWait time.Duration
}

// Options say everything a run does. Run reads them once, before any
// step; nothing changes them while it runs.
type Options struct {
	// Config is the configuration: communities, model, bots, identities,
	// privacy and sensitivity. Required. Its Path names it in the reports
	// and is hashed into the partitioned layout's manifest.json.
	Config *config.Config
	// Steps selects the steps.
	Steps Steps

	// Out is the output folder: the tables, the partitioned datasets and
	// the reports; when pseudonymizing, only the pseudonymized copy.
	// Required.
	Out string
	// StateDir is where the incremental collection state is kept
	// (default Out/.state). When pseudonymizing it is inside the private
	// folder instead, and StateDir is not used.
	StateDir string
	// PrivateDir is the private folder when pseudonymizing (default
	// Out.private): the raw tables, the analysis and the collection
	// state, none of which is shared. It may not be inside Out.
	PrivateDir string

	// AsOf is the analysis date; the zero time means today (UTC, by
	// Now).
	AsOf time.Time
	// Sensitivity turns the sensitivity analysis on or off; its values
	// are the config's sensitivity: section's, else the defaults.
	Sensitivity Sensitivity
	// Rederive derives events.parquet again from the raw tables of the
	// data folder before analyzing (Steps.Analyze without Steps.Collect,
	// which derives the events itself). Without it, the analysis derives
	// them again only when collection.json says they were derived by
	// older rules than this build's (events.Version).
	Rederive bool
	// Layout is dataset.LayoutFlat (or "") or dataset.LayoutPartitioned,
	// which lays the tables out as Hive-partitioned datasets too after
	// the steps that write tables.
	Layout string

	// Exclude lists people left out (logins or emails), in addition to
	// the config's privacy.exclude.
	Exclude []string
	// Pseudonymize keeps the raw data in the private folder and
	// publishes a pseudonymized copy into Out; the config's
	// privacy.pseudonymize turns it on too.
	Pseudonymize bool
	// Pseudonymizer makes the pseudonyms: required when pseudonymizing
	// with steps that write tables (Steps.NeedsPseudonymizer).
	Pseudonymizer *privacy.Pseudonymizer

	// APIURL is the REST root of GitHub (or of a compatible API), as
	// given: required with Steps.Collect.
	APIURL string
	// API is the route of the collection's bulk: "graphql", "rest" or
	// "auto" (GraphQL when there is a token with a GraphQL budget); empty
	// is REST. GraphQLURL overrides the GraphQL endpoint that follows
	// APIURL.
	API, GraphQLURL string
	// Token is sent to the API; it is never printed or written.
	Token  string
	Limits Limits
	// VerifyAfter is how old the last whole walk of the issues and
	// comments listings may be before a collection walks them whole
	// again (0: 7 days).
	VerifyAfter time.Duration
	// DryRun estimates what collecting would cost, printed to Estimate,
	// and writes nothing. Only with Steps.Collect alone.
	DryRun bool
	// Shard selects the part of the repositories collected (the zero
	// value: all).
	Shard collect.Shard
	// OrgListing, when set, expands the config's org: entries instead of
	// listing the organisations again.
	OrgListing *schema.OrgListing

	// Notes say what the data source lacks; the reports list them.
	Notes []string
	// ToolVersion is recorded in what the run writes.
	ToolVersion string
	// Logger receives what the steps do; nil discards it.
	Logger *slog.Logger
	// Progress is told how the collection goes, to show it (see
	// internal/progress); nil shows nothing.
	Progress collect.Observer
	// Estimate receives a dry run's estimate; nil prints it nowhere.
	Estimate io.Writer
	// Now is the clock of the default analysis date and of the reports'
	// generation time; nil means time.Now.
	Now func() time.Time
}

// pseudonymizing reports whether the run keeps the raw data private and
// publishes a pseudonymized copy: Options.Pseudonymize or the config's
// privacy.pseudonymize.
func (o *Options) pseudonymizing() bool {
	return o.Pseudonymize || o.Config != nil && o.Config.Privacy.Pseudonymize
}

// An OptionsError says the options cannot make a run: nothing was done.
type OptionsError struct{ Err error }

func (e *OptionsError) Error() string { return e.Err.Error() }
func (e *OptionsError) Unwrap() error { return e.Err }

func optionsError(format string, args ...any) error {
	return &OptionsError{fmt.Errorf(format, args...)}
}

// A PrivateFolderError says the private folder is inside the output
// folder, which is meant to be shared. Run returns it wrapped in an
// OptionsError.
type PrivateFolderError struct{ Private, Out string }

func (e *PrivateFolderError) Error() string {
	return fmt.Sprintf("the private folder %s is inside the output folder %s, which is meant to be shared: choose a folder outside it", e.Private, e.Out)
}

// A MissingError says a step found no input in the workspace: the step
// that writes it has not run there.
type MissingError struct {
	// Step is the step that looked ("analyze", "report"); Needs the step
	// that writes what is missing ("collect", "analyze").
	Step, Needs string
	// Dir is the folder looked in; File the file missing there.
	Dir, File string
}

func (e *MissingError) Error() string {
	return fmt.Sprintf("%s: %s is missing in %s: the %s step has not run there", e.Step, e.File, e.Dir, e.Needs)
}

// errNoSteps: Options.Steps selects nothing.
var errNoSteps = errors.New("no step selected: choose among collect, analyze, publish and report")
