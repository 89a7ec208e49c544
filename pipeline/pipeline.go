// Package pipeline runs the steps of journeys in their one order on a
// workspace of folders it owns: collect the raw tables and
// events.parquet (or derive events.parquet again from the raw tables of
// an earlier collection), leave out the excluded people, analyze, publish the
// pseudonymized copy, lay the tables out as partitioned datasets, and
// write the reports. Every caller (the command line, a test, a service)
// selects steps and gives options; the pipeline decides the rest.
package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/journeys-dev/journeys/analyze"
	"github.com/journeys-dev/journeys/collect"
	"github.com/journeys-dev/journeys/dataset"
	"github.com/journeys-dev/journeys/events"
	"github.com/journeys-dev/journeys/privacy"
	"github.com/journeys-dev/journeys/report"
	"github.com/journeys-dev/journeys/schema"
)

// A Result is what a run did. Run returns it with its error too, saying
// how far the run got.
type Result struct {
	Workspace Workspace
	// AsOf is the analysis date the run used (or would have).
	AsOf time.Time
	// Collection is the collection's manifest (a dry run's estimate has
	// none); nil without the collect step or when it failed.
	Collection *schema.Manifest
	// Analysis is the analysis's manifest; nil without the analyze step.
	Analysis *analyze.Manifest
	// Layout is the partitioned layout's manifest; nil when none was
	// written.
	Layout *dataset.Manifest
	// Report says what the reports hold; nil when none was written.
	Report *report.Summary
}

// A Pipeline is a run made ready: its options checked and everything
// derived from them (the workspace, the model, the exclusions) computed.
// It does not change afterwards.
type Pipeline struct {
	opts           Options
	ws             Workspace
	asOf           time.Time
	log            *slog.Logger
	pseudonymizing bool
	layout         string
	exclude        *privacy.Exclusions
	model          analyze.Model
	identities     analyze.IdentityRules
	variants       []analyze.Variant
	communities    []collect.Community
}

// Run checks opts and runs the steps they select (New, then Pipeline.Run).
func Run(ctx context.Context, opts Options) (*Result, error) {
	p, err := New(opts)
	if err != nil {
		return nil, err
	}
	return p.Run(ctx)
}

// New checks opts and prepares the run, doing nothing yet. A problem with
// the options (or with the config they hold) is an *OptionsError, or the
// config's *config.Error.
func New(opts Options) (*Pipeline, error) {
	if opts.Config == nil {
		return nil, optionsError("no config given")
	}
	if opts.Out == "" {
		return nil, optionsError("no output folder given")
	}
	steps := opts.Steps
	if steps == (Steps{}) {
		return nil, &OptionsError{errNoSteps}
	}
	if opts.DryRun && steps != (Steps{Collect: true}) {
		return nil, optionsError("a dry run only estimates a collection: select the collect step alone")
	}
	if steps.Collect && steps.Report && !steps.Analyze {
		return nil, optionsError("a report after a collection needs the analyze step too, or it would describe an older analysis")
	}
	layout, err := dataset.ParseLayout(opts.Layout)
	if err != nil {
		return nil, &OptionsError{err}
	}
	if steps.Collect {
		if opts.APIURL == "" {
			return nil, optionsError("collect: no API URL given")
		}
		if c := opts.Limits.Concurrency; c < 0 || c > 100 {
			return nil, optionsError("concurrency must be between 1 and 100, not %d", c)
		}
		if opts.VerifyAfter < 0 {
			return nil, optionsError("the verification interval may not be negative, not %s", opts.VerifyAfter)
		}
	}
	// The options are the caller's: keep copies of what may be shared.
	opts.Exclude = slices.Clone(opts.Exclude)
	opts.Notes = slices.Clone(opts.Notes)
	p := &Pipeline{opts: opts, pseudonymizing: opts.pseudonymizing(), layout: layout, log: opts.Logger}
	if p.log == nil {
		p.log = slog.New(slog.DiscardHandler)
	}
	p.ws = newWorkspace(opts.Out, opts.StateDir, opts.PrivateDir, p.pseudonymizing)
	if p.pseudonymizing && steps.NeedsPseudonymizer() {
		if opts.Pseudonymizer == nil {
			return nil, &OptionsError{fmt.Errorf("pseudonymizing: %w", privacy.ErrNoKey)}
		}
		inside, err := privacy.Inside(p.ws.Private, p.ws.Out)
		if err != nil {
			return nil, &OptionsError{err}
		}
		if inside {
			return nil, &OptionsError{&PrivateFolderError{Private: p.ws.Private, Out: p.ws.Out}}
		}
	}
	if opts.Rederive && (!steps.Analyze || steps.Collect) {
		return nil, optionsError("deriving the events again is part of the analyze step alone: a collection derives them anyway")
	}
	if steps.Publish && !p.pseudonymizing {
		return nil, optionsError("nothing to publish: publishing writes a pseudonymized copy of the private folder, and the run does not pseudonymize")
	}
	if err := p.prepareAnalysis(); err != nil {
		return nil, err
	}
	p.asOf = opts.AsOf
	if p.asOf.IsZero() {
		now := time.Now
		if opts.Now != nil {
			now = opts.Now
		}
		t := now().UTC()
		p.asOf = time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	}
	for _, c := range opts.Config.Communities {
		p.communities = append(p.communities, collect.Community{Name: c.Name, Repos: c.Repos, Exclude: c.Exclude,
			IncludeForks: c.IncludeForks, IncludeArchived: c.IncludeArchived})
	}
	return p, nil
}

// Workspace returns the folders the run reads and writes.
func (p *Pipeline) Workspace() Workspace { return p.ws }

// Run runs the selected steps in the pipeline's order:
//
//  1. collect: the raw tables and events.parquet into the data folder;
//     or, before analyzing what an earlier run collected, derive
//     events.parquet again from the raw tables when asked
//     (Options.Rederive) or when it was derived by older rules;
//  2. leave out the excluded people there (after collecting, or before
//     analyzing or publishing what an earlier run collected);
//  3. analyze;
//  4. publish the pseudonymized copy into the output folder, when
//     pseudonymizing, after the last step that writes tables;
//  5. lay the tables out as partitioned datasets, when asked, then;
//  6. report, or rewrite the reports an earlier run left when the
//     analysis changed.
//
// A collection where some repositories failed (collect.ErrSomeReposFailed)
// still goes through the later steps, and Run returns its error at the
// end. A cancelled ctx stops the run before the next step; what each step
// writes appears whole or not at all.
func (p *Pipeline) Run(ctx context.Context) (*Result, error) {
	steps := p.opts.Steps
	res := &Result{Workspace: p.ws, AsOf: p.asOf}
	var failed error // some repositories could not be collected
	if steps.Collect {
		if err := p.prepareCollect(ctx); err != nil {
			return res, err
		}
		m, err := p.collect(ctx)
		res.Collection = m
		switch {
		case err == nil:
		case errors.Is(err, collect.ErrSomeReposFailed) && m != nil && !p.opts.DryRun:
			failed = fmt.Errorf("collect: %w", err)
		default:
			return res, fmt.Errorf("collect: %w", err)
		}
		if p.opts.DryRun {
			return res, nil
		}
		if err := p.leaveOut(ctx); err != nil {
			return res, fmt.Errorf("collect: %w", err)
		}
		if !steps.Analyze {
			if err := p.share(ctx, res, time.Time{}); err != nil {
				return res, err
			}
		}
		if failed == nil {
			p.log.Info("collected", "out", p.ws.Out, "requests", m.Requests, "not_modified", m.NotModified)
		}
	}
	if steps.Analyze {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		if !steps.Collect {
			if err := p.derive(ctx); err != nil {
				return res, fmt.Errorf("analyze: %w", err)
			}
		}
		if _, err := os.Stat(p.ws.Events()); err != nil {
			return res, &MissingError{Step: "analyze", Needs: "collect", Dir: p.ws.Data, File: schema.Events.File()}
		}
		if !steps.Collect {
			if err := p.leaveOut(ctx); err != nil {
				return res, fmt.Errorf("analyze: %w", err)
			}
		}
		m, err := p.analyze(ctx)
		if err != nil {
			return res, fmt.Errorf("analyze: %w", err)
		}
		res.Analysis = m
		if err := p.share(ctx, res, p.asOf); err != nil {
			return res, err
		}
		p.log.Info("analyzed", "as_of", p.asOf.Format(time.DateOnly), "events", m.EventsRead, "bots", m.Bots, "unresolved_commits", m.UnresolvedCommits)
		if cm, err := schema.ReadManifest(p.ws.Data); err == nil {
			for _, w := range report.AsOfWarnings(*m, *cm) {
				p.log.Warn(w)
			}
		}
	}
	if steps.Publish && !steps.Collect && !steps.Analyze {
		if err := p.leaveOut(ctx); err != nil {
			return res, fmt.Errorf("publish: %w", err)
		}
		if err := p.share(ctx, res, time.Time{}); err != nil {
			return res, err
		}
	}
	if steps.Report || steps.Analyze && p.reportsExist() {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		if !steps.Report {
			p.log.Info("rewriting the reports for the new analysis", "out", p.ws.Out)
		}
		s, err := p.report(ctx)
		if err != nil {
			return res, err
		}
		res.Report = s
	}
	return res, failed
}

// prepareCollect creates the output folder (a dry run writes nothing)
// and moves an earlier collection state out of it when pseudonymizing.
func (p *Pipeline) prepareCollect(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if !p.opts.DryRun {
		if err := os.MkdirAll(p.ws.Out, 0o755); err != nil {
			return fmt.Errorf("create output folder: %w", err)
		}
	}
	return p.moveStateOut()
}

// collect runs the collection into the data folder.
func (p *Pipeline) collect(ctx context.Context) (*schema.Manifest, error) {
	o := p.opts
	return collect.Run(ctx, p.communities, collect.Options{
		APIURL:      o.APIURL,
		API:         o.API,
		GraphQLURL:  o.GraphQLURL,
		Token:       o.Token,
		Out:         p.ws.Data,
		StateDir:    p.ws.State,
		Concurrency: o.Limits.Concurrency,
		MaxRequests: o.Limits.MaxRequests,
		MaxWait:     o.Limits.MaxWait,
		VerifyAfter: o.VerifyAfter,
		DryRun:      o.DryRun,
		Report:      o.Estimate,
		ToolVersion: o.ToolVersion,
		Logger:      p.log,
		Observer:    o.Progress,
		Shard:       o.Shard,
		OrgListing:  o.OrgListing,
	})
}

// moveStateOut moves the state an earlier run without pseudonymization
// kept in OUT/.state into the private folder, so that no raw API data
// stays in the folder to be shared.
func (p *Pipeline) moveStateOut() error {
	if !p.pseudonymizing {
		return nil
	}
	old := filepath.Join(p.ws.Out, ".state")
	if _, err := os.Stat(old); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	dst := p.ws.State
	if _, err := os.Stat(dst); err == nil {
		return fmt.Errorf("%s holds raw data from an earlier run without pseudonymization, and %s exists too: delete %s (or move it elsewhere) before publishing %s", old, dst, old, p.ws.Out)
	}
	if err := os.MkdirAll(p.ws.Private, 0o700); err != nil {
		return fmt.Errorf("create the private folder: %w", err)
	}
	if err := os.Rename(old, dst); err != nil {
		return fmt.Errorf("move %s into the private folder: %w", old, err)
	}
	p.log.Info("moved the collection state out of the output folder", "from", old, "to", dst)
	return nil
}

// derive derives events.parquet again from the raw tables of the data
// folder when asked (Options.Rederive), or when collection.json says its
// events were derived by older rules than this build's (events.Version)
// and the raw tables can give them again. A folder with no collection is
// left to the analysis to report.
func (p *Pipeline) derive(ctx context.Context) error {
	m, err := schema.ReadManifest(p.ws.Data)
	if errors.Is(err, fs.ErrNotExist) {
		if p.opts.Rederive {
			return &MissingError{Step: "analyze", Needs: "collect", Dir: p.ws.Data, File: schema.Events.File()}
		}
		return nil
	}
	if err != nil {
		if p.opts.Rederive {
			return err
		}
		return nil
	}
	if !p.opts.Rederive {
		if m.EventsVersion >= events.Version {
			return nil
		}
		if why := collect.NotDerivable(m); why != "" {
			p.log.Info("events.parquet was derived by older rules, and cannot be derived again: "+why,
				"events_version", m.EventsVersion, "version", events.Version)
			return nil
		}
		p.log.Info("events.parquet was derived by older rules: deriving it again from the raw tables",
			"events_version", m.EventsVersion, "version", events.Version)
	}
	m, err = collect.Rederive(ctx, p.ws.Data)
	if err != nil {
		return err
	}
	p.log.Info("derived the events again from the raw tables", "dir", p.ws.Data, "events", m.Tables[schema.Events.Name])
	return nil
}

// leaveOut removes the excluded people's rows from the raw tables of the
// data folder.
func (p *Pipeline) leaveOut(ctx context.Context) error {
	if p.exclude.Empty() {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	removed, err := privacy.FilterDir(ctx, p.ws.Data, p.exclude)
	if err != nil {
		return err
	}
	var total int64
	for _, n := range removed {
		total += n
	}
	p.log.Info("left out excluded people", "people", len(p.exclude.Entries()), "rows_removed", total)
	return nil
}

func (p *Pipeline) analyze(ctx context.Context) (*analyze.Manifest, error) {
	return analyze.Run(ctx, p.ws.Data, analyze.Options{
		AsOf:        p.asOf,
		Model:       p.model,
		Bots:        analyze.BotRules{Include: p.opts.Config.Bots.Include, Exclude: p.opts.Config.Bots.Exclude},
		Identities:  p.identities,
		Exclude:     p.exclude.Entries(),
		ToolVersion: p.opts.ToolVersion,
		Logger:      p.log,
		Sensitivity: p.variants,
	})
}

// share makes the output folder show the data folder after a step that
// wrote tables: it publishes the pseudonymized copy when pseudonymizing,
// then lays the tables out when the layout is partitioned (the analysis
// tables too when asOf is set).
func (p *Pipeline) share(ctx context.Context, res *Result, asOf time.Time) error {
	if p.pseudonymizing {
		if err := ctx.Err(); err != nil {
			return err
		}
		err := privacy.Publish(ctx, p.ws.Private, p.ws.Out, privacy.PublishOptions{Pseudonymizer: p.opts.Pseudonymizer, Logger: p.log})
		if err != nil {
			return err
		}
		p.log.Info("pseudonymized output published; the raw data stays private", "out", p.ws.Out, "private", p.ws.Private)
	}
	if p.layout != dataset.LayoutPartitioned {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	m, err := layOut(ctx, p.ws.Out, p.opts.Config.Path, p.opts.ToolVersion, asOf, p.log)
	if err != nil {
		return err
	}
	res.Layout = m
	return nil
}

// layOut writes the partitioned datasets of dir and their manifest.json.
func layOut(ctx context.Context, dir, configPath, toolVersion string, asOf time.Time, log *slog.Logger) (*dataset.Manifest, error) {
	m, err := dataset.WritePartitioned(ctx, dir, dataset.PartitionOptions{
		ToolVersion: toolVersion, ConfigPath: configPath, AnalysisDate: asOf,
	})
	if err != nil {
		return nil, err
	}
	log.Info("partitioned datasets written", "out", dir, "tables", len(m.Tables), "manifest", filepath.Join(dir, dataset.ManifestFile))
	return m, nil
}

// reportsExist reports whether an earlier run left a report in the
// output folder.
func (p *Pipeline) reportsExist() bool {
	md, html := p.ws.Reports()
	for _, name := range []string{md, html} {
		if _, err := os.Stat(name); err == nil {
			return true
		}
	}
	return false
}

func (p *Pipeline) report(ctx context.Context) (*report.Summary, error) {
	if _, err := os.Stat(p.ws.Analysis()); errors.Is(err, fs.ErrNotExist) {
		return nil, &MissingError{Step: "report", Needs: "analyze", Dir: p.ws.Out, File: analyze.ManifestFile}
	}
	// A path may hold a person's name: pseudonymized reports name only
	// the config's file.
	name := p.opts.Config.Path
	if p.pseudonymizing {
		name = filepath.Base(name)
	}
	s, err := report.Run(ctx, p.ws.Out, report.Options{
		ConfigPath:    name,
		ToolVersion:   p.opts.ToolVersion,
		Logger:        p.log,
		Notes:         p.opts.Notes,
		Pseudonymized: p.pseudonymizing,
		Now:           p.opts.Now,
	})
	if err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	return s, nil
}
