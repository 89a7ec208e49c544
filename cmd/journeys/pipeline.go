package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/journeys-dev/journeys/collect"
	"github.com/journeys-dev/journeys/config"
	"github.com/journeys-dev/journeys/dataset"
	"github.com/journeys-dev/journeys/internal/progress"
	"github.com/journeys-dev/journeys/pipeline"
)

// defaultAPIURL is GitHub's REST root, used when neither --api-url nor
// $GITHUB_API_URL says otherwise.
const defaultAPIURL = "https://api.github.com/"

// pipelineFlags are the flags of run, collect, analyze and report. Each
// command registers the ones it uses.
type pipelineFlags struct {
	configPath  string
	out         string
	apiURL      string
	asOf        string
	stateDir    string
	concurrency int
	maxRequests int
	maxWait     time.Duration
	verifyEvery time.Duration
	dryRun      bool
	api         string // --api graphql|rest|auto
	graphqlURL  string // --graphql-url
	shard       string // collect --shard K/N
	orgRepos    string // --org-repos FILE: a pinned orgs.json
	layout      string // --layout flat|partitioned
	rederive    bool   // analyze --rederive

	priv privacyFlags // --pseudonymize, --exclude-file

	sens sensitivityFlags // --sensitivity and the config's sensitivity: section

	// set by demo: extra notes for the report on what the source lacks,
	// and the token of its local API (instead of the environment's)
	notes []string
	token string
}

func (f *pipelineFlags) addCommon(cmd *cobra.Command) {
	cmd.Flags().StringVarP(&f.configPath, "config", "c", "", "the YAML config file: communities and their repositories (required)")
	cmd.Flags().StringVarP(&f.out, "out", "o", "journeys-out", "the output folder: Parquet tables, reports and collection state")
}

func (f *pipelineFlags) addCollect(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.apiURL, "api-url", "", "GitHub's REST API root (default $GITHUB_API_URL, else "+defaultAPIURL+"); for GitHub Enterprise: https://HOST/api/v3/")
	cmd.Flags().StringVar(&f.api, "api", collect.APIAuto, "the API for the bulk of the collection: graphql (GitHub's GraphQL API, which needs a token: a fraction of REST's cost), rest, or auto (graphql when there is a token and the server offers it)")
	cmd.Flags().StringVar(&f.graphqlURL, "graphql-url", "", "GitHub's GraphQL endpoint (default: the one of --api-url: https://api.github.com/graphql, https://HOST/api/graphql for GitHub Enterprise)")
	cmd.Flags().StringVar(&f.stateDir, "state", "", "where the incremental collection state is kept (default OUT/.state)")
	cmd.Flags().IntVar(&f.concurrency, "concurrency", 8, "requests in flight at once (1 to 100)")
	cmd.Flags().IntVar(&f.maxRequests, "max-requests", 0, "stop after this many requests that count against the quota, saving the checkpoint (0: no cap)")
	cmd.Flags().DurationVar(&f.maxWait, "max-wait", -1, "longest wait for the rate limit to reset before saving the checkpoint and exiting with status 75 (default: wait as long as needed)")
	cmd.Flags().Lookup("max-wait").DefValue = "0s" // hides "(default -1ns)": the usage says it in words
	cmd.Flags().DurationVar(&f.verifyEvery, "verify-every", 7*24*time.Hour, "how old the last whole walk of the issues and comments listings may be before a run walks them whole again, to drop what was deleted or transferred on GitHub (pages unchanged since cost no quota)")
	cmd.Flags().StringVar(&f.orgRepos, "org-repos", "", "expand the config's org: entries from this orgs.json (written by an earlier collection) instead of listing the organisations again; shards given the same file collect exactly the same repositories")
}

func (f *pipelineFlags) addAsOf(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.asOf, "as-of", "", "the analysis date, YYYY-MM-DD (default: today, UTC); fixes a research run's results")
}

// load reads the config, turning a missing --config into a usage error,
// and warns of the old spellings it uses.
func (f *pipelineFlags) load() (*config.Config, error) {
	if f.configPath == "" {
		return nil, &usageError{errors.New("--config is required: a YAML file listing communities and their repositories (see README)")}
	}
	cfg, err := config.ReadFile(f.configPath)
	if err != nil {
		var ce *config.Error
		if errors.As(err, &ce) {
			return nil, err
		}
		return nil, &usageError{err}
	}
	for _, d := range cfg.Deprecations {
		slog.Warn(d)
	}
	return cfg, nil
}

// options maps the flags to the options of a run of steps, checking them
// all before anything is done: a bad one is a usage error.
func (g *globals) options(f *pipelineFlags, steps pipeline.Steps) (pipeline.Options, error) {
	cfg, err := f.load()
	if err != nil {
		return pipeline.Options{}, err
	}
	o := pipeline.Options{
		Config:      cfg,
		Steps:       steps,
		Out:         f.out,
		Layout:      f.layout,
		Notes:       f.notes,
		ToolVersion: toolVersion(),
		Logger:      g.logger,
	}
	if err := f.privacyOptions(&o); err != nil {
		return o, err
	}
	o.Sensitivity = f.sens.option()
	o.Rederive = f.rederive
	if f.asOf != "" {
		d, err := time.Parse("2006-01-02", f.asOf)
		if err != nil {
			return o, &usageError{fmt.Errorf("--as-of %q: want a date as YYYY-MM-DD", f.asOf)}
		}
		o.AsOf = d
	}
	if steps.Collect {
		if err := g.collectOptions(f, &o); err != nil {
			return o, err
		}
	}
	if _, err := dataset.ParseLayout(f.layout); err != nil {
		return o, &usageError{fmt.Errorf("--layout: %w", err)}
	}
	return o, nil
}

// collectOptions maps the flags of a collection.
func (g *globals) collectOptions(f *pipelineFlags, o *pipeline.Options) error {
	if f.verifyEvery < 0 {
		return &usageError{fmt.Errorf("--verify-every must be a duration such as 168h, not %s", f.verifyEvery)}
	}
	if f.concurrency < 1 || f.concurrency > 100 {
		return &usageError{fmt.Errorf("--concurrency must be between 1 and 100, not %d", f.concurrency)}
	}
	if err := f.checkAPIURL(); err != nil {
		return err
	}
	o.APIURL = f.resolveAPIURL()
	o.API, o.GraphQLURL = f.api, f.graphqlURL
	o.Token = f.tokenOrEnv()
	o.Limits = pipeline.Limits{Concurrency: f.concurrency, MaxRequests: f.maxRequests, MaxWait: f.maxWait}
	o.VerifyAfter = f.verifyEvery
	o.DryRun = f.dryRun
	o.Estimate = g.stdout
	if err := f.scaleOut(o); err != nil {
		return err
	}
	if !g.quiet && g.logFormat != "json" {
		// With JSON logs every line on stderr is a record: no display.
		o.Progress = progress.New(g.stderr, g.logOut)
	}
	return nil
}

// runPipeline runs steps with the options the flags give, prints what the
// reports say, and turns what the pipeline reports into what a person
// typing the command needs to read.
func (g *globals) runPipeline(ctx context.Context, f *pipelineFlags, steps pipeline.Steps) error {
	opts, err := g.options(f, steps)
	if err != nil {
		return err
	}
	res, err := pipeline.Run(ctx, opts)
	if res != nil && res.Report != nil {
		fmt.Fprintf(g.stdout, "Wrote %s and %s\n", res.Report.MarkdownPath, res.Report.HTMLPath)
		for _, line := range res.Report.Headlines {
			fmt.Fprintf(g.stdout, "  %s\n", line)
		}
	}
	return f.explain(err)
}

// explain rewrites the pipeline's errors in the command line's terms: the
// flags to change, the command to run first.
func (f *pipelineFlags) explain(err error) error {
	var pe *pipeline.PrivateFolderError
	var oe *pipeline.OptionsError
	var me *pipeline.MissingError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &pe):
		return &usageError{fmt.Errorf("--pseudonymize: the private folder %s (--state) is inside the output folder %s, which is meant to be shared: choose a folder outside it", pe.Private, pe.Out)}
	case errors.As(err, &oe):
		return &usageError{err}
	case errors.As(err, &me) && me.Step == "analyze":
		return fmt.Errorf("analyze: no collected activity in %s (events.parquet is missing): run 'journeys collect --config %s --out %s' first", f.out, f.configPath, f.out)
	case errors.As(err, &me) && me.Step == "report":
		return fmt.Errorf("report: no analysis in %s (analysis.json is missing): run 'journeys analyze --config %s --out %s' first, or 'journeys run' for every step",
			f.out, f.configPath, f.out)
	}
	return err
}

// resolveAPIURL picks the REST root: the flag, then $GITHUB_API_URL (set by
// GitHub Actions), then api.github.com.
func (f *pipelineFlags) resolveAPIURL() string {
	u := f.apiURL
	if u == "" {
		u = os.Getenv("GITHUB_API_URL")
	}
	if u == "" {
		u = defaultAPIURL
	}
	return u
}

// checkAPIURL refuses an --api-url (or $GITHUB_API_URL) that is not an
// absolute http(s) URL: a usage error, before anything is done.
func (f *pipelineFlags) checkAPIURL() error {
	raw := f.resolveAPIURL()
	u, err := url.Parse(raw)
	if err == nil && u.User != nil {
		return &usageError{errors.New("--api-url: credentials in the URL are not accepted; give the token in GITHUB_TOKEN")}
	}
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		hint := ""
		if !strings.Contains(raw, "://") {
			hint = fmt.Sprintf(" (did you mean https://%s/?)", strings.TrimSuffix(raw, "/"))
			if h := strings.ToLower(strings.TrimSuffix(raw, "/")); h == "github.com" || h == "www.github.com" {
				hint = " (github.com is GitHub's website; its REST API root is " + defaultAPIURL + ")"
			}
		}
		return &usageError{fmt.Errorf("--api-url %q: want the absolute URL of GitHub's REST API root, such as %s or https://HOST/api/v3/ for GitHub Enterprise Server%s",
			raw, defaultAPIURL, hint)}
	}
	if h := strings.ToLower(u.Hostname()); h == "github.com" || h == "www.github.com" {
		return &usageError{fmt.Errorf("--api-url %q is GitHub's website; its REST API root is %s", raw, defaultAPIURL)}
	}
	return nil
}

// token returns the GitHub token from the environment: GITHUB_TOKEN, else
// GH_TOKEN. It is handed to the collector and never printed.
func token() string {
	if t := strings.TrimSpace(os.Getenv("GITHUB_TOKEN")); t != "" {
		return t
	}
	return strings.TrimSpace(os.Getenv("GH_TOKEN"))
}

func (f *pipelineFlags) tokenOrEnv() string {
	if f.token != "" {
		return f.token
	}
	return token()
}

func newRunCmd(g *globals) *cobra.Command {
	f := &pipelineFlags{}
	cmd := &cobra.Command{
		Use:   "run --config FILE [--out DIR] [--api-url URL] [--as-of YYYY-MM-DD]",
		Short: "Collect, analyze and report, in one go",
		Long: `run collects the configured repositories' activity from GitHub's REST API,
infers every contributor's journey, and writes Parquet tables and reports to
the output folder. The token is read from GITHUB_TOKEN, else GH_TOKEN; without
one, GitHub allows 60 requests an hour.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return g.runPipeline(cmd.Context(), f, pipeline.All)
		},
	}
	f.addCommon(cmd)
	f.addPrivacy(cmd, true)
	f.addCollect(cmd)
	f.addAsOf(cmd)
	f.addSensitivity(cmd)
	f.addLayout(cmd)
	return cmd
}

func newCollectCmd(g *globals) *cobra.Command {
	f := &pipelineFlags{}
	cmd := &cobra.Command{
		Use:   "collect --config FILE [--out DIR]",
		Short: "Collect the configured repositories' activity into Parquet tables",
		Long: `collect fetches the activity of every configured repository from GitHub's REST
API and writes the raw tables and events.parquet to the output folder. A
second run fetches only what changed. With --dry-run it only estimates what a
run would cost.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return g.runPipeline(cmd.Context(), f, pipeline.Steps{Collect: true})
		},
	}
	f.addCommon(cmd)
	f.addPrivacy(cmd, true)
	f.addCollect(cmd)
	cmd.Flags().BoolVar(&f.dryRun, "dry-run", false, "estimate each repository's request cost and the quota left; collect nothing")
	cmd.Flags().StringVar(&f.shard, "shard", "", "collect only shard K of N (K/N, 1 <= K <= N): the repositories whose stable name hash falls in it; combine the N outputs with 'journeys merge'")
	f.addLayout(cmd)
	return cmd
}

func newAnalyzeCmd(g *globals) *cobra.Command {
	f := &pipelineFlags{}
	cmd := &cobra.Command{
		Use:   "analyze --config FILE [--out DIR] [--as-of YYYY-MM-DD]",
		Short: "Infer contributor journeys from collected activity",
		Long: `analyze reads OUT/events.parquet, written by collect, and writes the journey
tables (contributors, contributor_months, transitions, funnel, identities,
bots, cohorts, metrics; with --sensitivity also sensitivity). Re-run it with other
--as-of dates or model thresholds without collecting again.

With --rederive it first derives OUT/events.parquet again from the raw tables
beside it; it does so by itself when events.parquet was derived by older rules
than this build's (collection.json's events_version).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			// The pipeline rewrites the reports an earlier run left.
			return g.runPipeline(cmd.Context(), f, pipeline.Steps{Analyze: true})
		},
	}
	f.addCommon(cmd)
	f.addPrivacy(cmd, true)
	f.addAsOf(cmd)
	f.addSensitivity(cmd)
	f.addLayout(cmd)
	cmd.Flags().BoolVar(&f.rederive, "rederive", false, "derive events.parquet again from the raw tables in OUT before analyzing (done by itself when its events were derived by an older version)")
	return cmd
}

func newReportCmd(g *globals) *cobra.Command {
	f := &pipelineFlags{}
	cmd := &cobra.Command{
		Use:   "report --config FILE [--out DIR]",
		Short: "Write the Markdown and HTML summary reports from the analysis",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return g.runPipeline(cmd.Context(), f, pipeline.Steps{Report: true})
		},
	}
	f.addCommon(cmd)
	f.addPrivacy(cmd, false)
	return cmd
}
