package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/journeys-dev/journeys/analyze"
	"github.com/journeys-dev/journeys/collect"
	"github.com/journeys-dev/journeys/config"
	"github.com/journeys-dev/journeys/report"
	"github.com/journeys-dev/journeys/schema"
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
	shard       string // collect --shard K/N
	orgRepos    string // --org-repos FILE: a pinned orgs.json
	layout      string // --layout flat|partitioned
	// deferLayout: run lays out the partitioned tables once, after analyze
	deferLayout bool

	priv privacyFlags // --pseudonymize, --exclude-file and what the config adds

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

// load reads the config, turning a missing --config into a usage error.
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
	if err := f.preparePrivacy(cfg); err != nil {
		return nil, err
	}
	if err := f.prepareSensitivity(cfg); err != nil {
		return nil, err
	}
	return cfg, nil
}

// analysisDate parses --as-of; the default is today (UTC).
func (f *pipelineFlags) analysisDate() (time.Time, error) {
	if f.asOf == "" {
		now := time.Now().UTC()
		return time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC), nil
	}
	d, err := time.Parse("2006-01-02", f.asOf)
	if err != nil {
		return time.Time{}, &usageError{fmt.Errorf("--as-of %q: want a date as YYYY-MM-DD", f.asOf)}
	}
	return d, nil
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
			return g.runAll(cmd.Context(), f)
		},
	}
	f.addCommon(cmd)
	f.addPrivacy(cmd)
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
			cfg, err := f.load()
			if err != nil {
				return err
			}
			_, err = g.collect(cmd.Context(), f, cfg)
			return err
		},
	}
	f.addCommon(cmd)
	f.addPrivacy(cmd)
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
--as-of dates or model thresholds without collecting again.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := f.load()
			if err != nil {
				return err
			}
			if err := g.analyze(cmd.Context(), f, cfg); err != nil {
				return err
			}
			return g.refreshReports(cmd.Context(), f)
		},
	}
	f.addCommon(cmd)
	f.addPrivacy(cmd)
	f.addAsOf(cmd)
	f.addSensitivity(cmd)
	f.addLayout(cmd)
	return cmd
}

func newReportCmd(g *globals) *cobra.Command {
	f := &pipelineFlags{}
	cmd := &cobra.Command{
		Use:   "report --config FILE [--out DIR]",
		Short: "Write the Markdown and HTML summary reports from the analysis",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if _, err := f.load(); err != nil {
				return err
			}
			return g.report(cmd.Context(), f)
		},
	}
	f.addCommon(cmd)
	f.addPrivacy(cmd)
	return cmd
}

// runAll is "journeys run": collect, then analyze and report what was
// collected even when some repositories failed, and end non-zero then.
func (g *globals) runAll(ctx context.Context, f *pipelineFlags) error {
	cfg, err := f.load()
	if err != nil {
		return err
	}
	if _, err := f.analysisDate(); err != nil {
		return err
	}
	f.deferLayout = true
	_, collectErr := g.collect(ctx, f, cfg)
	if collectErr != nil && !errors.Is(collectErr, collect.ErrSomeReposFailed) {
		return collectErr
	}
	if err := g.analyze(ctx, f, cfg); err != nil {
		return err
	}
	if err := g.report(ctx, f); err != nil {
		return err
	}
	return collectErr
}

func (g *globals) collect(ctx context.Context, f *pipelineFlags, cfg *config.Config) (*schema.Manifest, error) {
	if f.verifyEvery < 0 {
		return nil, &usageError{fmt.Errorf("--verify-every must be a duration such as 168h, not %s", f.verifyEvery)}
	}
	if f.concurrency < 1 || f.concurrency > 100 {
		return nil, &usageError{fmt.Errorf("--concurrency must be between 1 and 100, not %d", f.concurrency)}
	}
	if err := f.checkAPIURL(); err != nil {
		return nil, err
	}
	if !f.dryRun {
		if err := os.MkdirAll(f.out, 0o755); err != nil {
			return nil, fmt.Errorf("create output folder: %w", err)
		}
	}
	communities := make([]collect.Community, len(cfg.Communities))
	for i, c := range cfg.Communities {
		communities[i] = collect.Community{Name: c.Name, Repos: c.Repos, Exclude: c.Exclude,
			IncludeForks: c.IncludeForks, IncludeArchived: c.IncludeArchived}
	}
	opts := collect.Options{
		APIURL:      f.resolveAPIURL(),
		Token:       f.tokenOrEnv(),
		Out:         f.dataDir(),
		StateDir:    f.collectStateDir(),
		Concurrency: f.concurrency,
		MaxRequests: f.maxRequests,
		MaxWait:     f.maxWait,
		VerifyAfter: f.verifyEvery,
		DryRun:      f.dryRun,
		Report:      g.stdout,
		ToolVersion: toolVersion(),
		Logger:      g.logger,
	}
	if err := f.scaleOut(&opts); err != nil {
		return nil, err
	}
	if !g.quiet && g.logFormat != "json" {
		// With JSON logs every line on stderr is a record: no display.
		opts.Progress, opts.LogOutput = g.stderr, g.logOut
	}
	if err := g.moveStateOut(f); err != nil {
		return nil, err
	}
	m, err := collect.Run(ctx, communities, opts)
	if err == nil || (m != nil && errors.Is(err, collect.ErrSomeReposFailed)) {
		if perr := g.afterCollect(ctx, f); perr != nil {
			return m, perr
		}
	}
	if err != nil && (m == nil || f.dryRun || !errors.Is(err, collect.ErrSomeReposFailed)) {
		return m, fmt.Errorf("collect: %w", err)
	}
	if lerr := g.layOut(ctx, f, time.Time{}); lerr != nil {
		return m, lerr
	}
	if err != nil {
		return m, fmt.Errorf("collect: %w", err)
	}
	if m != nil && !f.dryRun {
		g.logger.Info("collected", "out", f.out, "requests", m.Requests, "not_modified", m.NotModified)
	}
	return m, nil
}

func (g *globals) analyze(ctx context.Context, f *pipelineFlags, cfg *config.Config) error {
	asOf, err := f.analysisDate()
	if err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(f.dataDir(), schema.Events.File())); err != nil {
		return fmt.Errorf("analyze: no collected activity in %s (events.parquet is missing): run 'journeys collect --config %s --out %s' first", f.out, f.configPath, f.out)
	}
	opts := analyze.Options{
		AsOf:        asOf,
		Model:       modelFromConfig(cfg.Model),
		Bots:        analyze.BotRules{Include: cfg.Bots.Include, Exclude: cfg.Bots.Exclude},
		Identities:  f.priv.identities,
		Exclude:     f.priv.exclude.Entries(),
		ToolVersion: toolVersion(),
		Logger:      g.logger,
		Sensitivity: f.sens.variants,
	}
	if err := g.beforeAnalyze(ctx, f); err != nil {
		return err
	}
	m, err := analyze.Run(ctx, f.dataDir(), opts)
	if err != nil {
		return fmt.Errorf("analyze: %w", err)
	}
	if err := g.publish(ctx, f); err != nil {
		return err
	}
	f.deferLayout = false
	if err := g.layOut(ctx, f, asOf); err != nil {
		return err
	}
	g.logger.Info("analyzed", "as_of", asOf.Format("2006-01-02"), "events", m.EventsRead, "bots", m.Bots, "unresolved_commits", m.UnresolvedCommits)
	if cm, err := schema.ReadManifest(f.dataDir()); err == nil {
		for _, w := range report.AsOfWarnings(*m, *cm) {
			g.logger.Warn(w)
		}
	}
	return nil
}

// refreshReports rewrites the reports an earlier run left in the output
// folder, so that no report shows another analysis date than the tables.
func (g *globals) refreshReports(ctx context.Context, f *pipelineFlags) error {
	for _, name := range []string{"report.md", "report.html"} {
		if _, err := os.Stat(filepath.Join(f.out, name)); err == nil {
			g.logger.Info("rewriting the reports for the new analysis", "out", f.out)
			return g.report(ctx, f)
		}
	}
	return nil
}

func (g *globals) report(ctx context.Context, f *pipelineFlags) error {
	if _, err := os.Stat(filepath.Join(f.out, schema.AnalysisManifestFile)); errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("report: no analysis in %s (analysis.json is missing): run 'journeys analyze --config %s --out %s' first, or 'journeys run' for every step",
			f.out, f.configPath, f.out)
	}
	opts := report.Options{
		ConfigPath:    f.reportConfigName(),
		ToolVersion:   toolVersion(),
		Logger:        g.logger,
		Notes:         f.notes,
		Pseudonymized: f.priv.pseudonymize,
	}
	s, err := report.Run(ctx, f.out, opts)
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	fmt.Fprintf(g.stdout, "Wrote %s and %s\n", filepath.Join(f.out, "report.md"), filepath.Join(f.out, "report.html"))
	for _, line := range s.Headlines {
		fmt.Fprintf(g.stdout, "  %s\n", line)
	}
	return nil
}

// modelFromConfig overlays the config's thresholds on the defaults.
func modelFromConfig(c config.Model) analyze.Model {
	m := analyze.DefaultModel()
	set := func(dst *int, v *int) {
		if v != nil {
			*dst = *v
		}
	}
	set(&m.WindowDays, c.WindowDays)
	set(&m.SustainedMonths, c.SustainedMonths)
	set(&m.NetworkedItems, c.NetworkedItems)
	set(&m.LeadershipMerges, c.LeadershipMerges)
	set(&m.LeadershipTriaged, c.LeadershipTriaged)
	set(&m.NewDays, c.NewDays)
	set(&m.ActiveDays, c.ActiveDays)
	set(&m.DormantDays, c.DormantDays)
	if c.CountCoauthors != nil {
		m.IgnoreCoauthors = !*c.CountCoauthors
	}
	if c.WideFirstContact != nil {
		m.NarrowFirstContact = !*c.WideFirstContact
	}
	return m
}
