// Package collect pulls a community's public GitHub activity through the
// REST API and writes it as Parquet tables: one raw table per kind of item
// and events.parquet, one row per action by a person (the raw tables of
// schema.Tables; see docs/schema.md).
//
// Collection is incremental and resumable: what was seen is kept in a state
// folder, a later run asks only for what changed (with ETags, so unchanged
// listings cost no quota), and a killed run resumes at the page it was on.
package collect

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/journeys-dev/journeys/collect/ghapi"
	"github.com/journeys-dev/journeys/collect/ghgraphql"
	"github.com/journeys-dev/journeys/events"
	"github.com/journeys-dev/journeys/internal/table"
	"github.com/journeys-dev/journeys/schema"
	"golang.org/x/sync/errgroup"
)

// A Community is a named set of repositories: "owner/name" entries, and
// "org:NAME" entries that stand for every public repository of an
// organisation (see expandOrgs), less Exclude (owner/name or globs) and,
// unless included, forks and archived repositories.
type Community struct {
	Name            string
	Repos           []string
	Exclude         []string
	IncludeForks    bool
	IncludeArchived bool
}

// Options configure Run.
type Options struct {
	// APIURL is the REST root as given (https://api.github.com/,
	// https://HOST/api/v3/); no prefix is added.
	APIURL string
	Token  string
	// Out is the output folder; StateDir defaults to Out/.state.
	Out      string
	StateDir string
	// Concurrency bounds the requests in flight (default 8, at most 100).
	Concurrency int
	// MaxRequests caps the requests that cost quota (0: no cap).
	MaxRequests int
	// MaxWait bounds a wait for the rate limit's reset; <0 waits as long as
	// needed, 0 does not wait.
	MaxWait time.Duration
	// DryRun estimates each repository's cost and writes nothing; the
	// estimate is printed to Report (nil: nowhere).
	DryRun      bool
	Report      io.Writer
	ToolVersion string
	Logger      *slog.Logger
	// Observer is told how the collection goes, to show it (nil: nobody
	// is).
	Observer   Observer
	HTTPClient *http.Client
	// Shard selects the part of the repositories this run collects (the
	// zero value: all of them); see Shard.
	Shard Shard
	// OrgListing, when set, is used for the org: entries instead of
	// asking GitHub (e.g. the orgs.json of an earlier run), so that
	// several runs see the same repositories.
	OrgListing *schema.OrgListing

	// VerifyAfter is how old the last whole walk of the issues, issue
	// comments or review comments may be before a run walks the listing
	// whole again to drop the items GitHub no longer lists (0: 7 days).
	VerifyAfter time.Duration

	// API is the route for the bulk: "rest" (the zero value), "graphql",
	// or "auto" (GraphQL when there is a token and the server reports a
	// GraphQL budget for it, else REST); see graphql.go. GraphQLURL
	// overrides the endpoint derived from APIURL.
	API        string
	GraphQLURL string

	// retryBase shortens the backoff in tests; rateLimitWait the waits
	// after rate limits that say nothing usable of when to retry.
	retryBase     time.Duration
	rateLimitWait time.Duration
}

// ErrBadCredentials: GitHub answered 401. Nothing is written.
var ErrBadCredentials = ghapi.ErrBadCredentials

// An UnreachableError: the API's host could not be reached at all; the run
// stops, as no repository would fare better.
type UnreachableError = ghapi.UnreachableError

// ErrSomeReposFailed: some repositories could not be collected (404,
// private, repeated faults); the others were collected and written.
var ErrSomeReposFailed = errors.New("some repositories could not be collected")

// A QuotaError: the primary rate limit or the request cap stopped the run
// before the end; the checkpoint is saved and a later run resumes.
type QuotaError = ghapi.QuotaError

// Run collects the communities' repositories and writes the tables and
// DIR/collection.json. Output appears only when the run gets to the end
// (all at once, by renames): a failed or killed run leaves the previous
// output as it was. A repository that fails is reported in the manifest
// and the error is ErrSomeReposFailed, with the others written.
func Run(ctx context.Context, communities []Community, opts Options) (*schema.Manifest, error) {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if opts.Concurrency <= 0 {
		opts.Concurrency = 8
	}
	opts.Concurrency = min(opts.Concurrency, 100)
	if opts.Out == "" && !opts.DryRun {
		return nil, errors.New("collect: no output folder given")
	}
	if opts.StateDir == "" {
		opts.StateDir = filepath.Join(opts.Out, ".state")
	}
	if err := checkCommunities(communities); err != nil {
		return nil, err
	}
	if opts.Token == "" {
		log.Warn("no GitHub token: GitHub then allows 60 requests an hour; set one to collect more than a tiny repository")
	}
	client, err := ghapi.New(ghapi.Config{
		BaseURL: opts.APIURL, Token: opts.Token, Concurrency: opts.Concurrency, MaxRequests: opts.MaxRequests,
		MaxWait: opts.MaxWait, HTTPClient: opts.HTTPClient, Logger: log, RetryBase: opts.retryBase,
		RateLimitWait: opts.rateLimitWait, MinRetryAfter: opts.rateLimitWait,
		UserAgent: "journeys/" + cmp.Or(opts.ToolVersion, "dev"),
	})
	if err != nil {
		return nil, err
	}
	communities, orgListing, err := expandOrgs(ctx, client, communities, opts.OrgListing, log)
	if err != nil {
		return nil, err
	}
	allCommunities := communities
	communities = opts.Shard.filter(communities)
	gql, err := newGQLRoute(ctx, client, opts, log)
	if err != nil {
		return nil, err
	}
	if opts.DryRun {
		return dryRun(ctx, client, communities, opts, gql != nil)
	}

	m := &schema.Manifest{ToolVersion: opts.ToolVersion, APIURL: client.Base(), StartedAt: time.Now().UTC(), Tables: map[string]int64{}}
	store := &stateStore{dir: opts.StateDir}

	// Each repository is collected once, even if several communities list
	// it, in any case (GitHub's names are case-insensitive): under the
	// spelling it is first given.
	var unique []string
	seen := map[string]bool{}
	for _, c := range communities {
		for _, r := range c.Repos {
			if k := repoKey(r); !seen[k] {
				seen[k] = true
				unique = append(unique, r)
			}
		}
	}
	results := make(map[string]*repoResult, len(unique))
	var mu sync.Mutex
	prog, counts := opts.Observer, &tally{}
	if prog == nil {
		prog = noObserver{}
	}
	prog.Begin(unique, func() Status { return status(counts, client, gql) })

	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(opts.Concurrency)
	for _, repo := range unique {
		g.Go(func() error {
			res, err := collectRepo(gctx, client, gql, store, repo, opts.Concurrency, opts.VerifyAfter, log, prog, counts)
			mu.Lock()
			results[repoKey(repo)] = res
			mu.Unlock()
			return err // only fatal errors: bad credentials, quota, cancellation, disk
		})
	}
	err = g.Wait()
	prog.End(ctx.Err() != nil)
	if err != nil {
		return nil, err
	}

	now := time.Now().UTC()
	var t tables
	m.Incomplete = []string{}
	for _, c := range sortedCommunities(communities) {
		for _, repo := range c.Repos {
			res := results[repoKey(repo)]
			rows := t.addRepo(c.Name, repo, res.state, res.failure, now)
			m.Repos = append(m.Repos, schema.RepoStatus{Community: c.Name, Repo: repo, Status: statusOf(res),
				Error: res.failure, Rows: rows, Requests: res.requests, Points: res.points})
		}
	}
	for _, repo := range unique {
		m.Incomplete = append(m.Incomplete, results[repoKey(repo)].incomplete...)
	}
	t.deriveEvents(m.Repos)
	m.RawVersion, m.EventsVersion = schema.RawVersion, events.Version
	// The manifest lists repositories in config order.
	m.Repos = configOrder(m.Repos, communities)
	if err := writeTables(opts.Out, &t); err != nil {
		return nil, err
	}
	m.Tables = t.counts()
	m.Requests, _, m.NotModified = client.Stats()
	m.API = "rest"
	if gql != nil {
		m.API = "graphql"
		m.GraphQLQueries, m.GraphQLPoints = gql.Stats()
	}
	m.FinishedAt = time.Now().UTC()
	if err := writeShardInfo(opts.Out, opts.Shard, allCommunities); err != nil {
		return nil, err
	}
	if err := writeOrgListing(opts.Out, orgListing); err != nil {
		return nil, err
	}
	if err := writeManifest(opts.Out, m); err != nil {
		return nil, err
	}
	var failed []string
	for _, r := range m.Repos {
		if r.Status == "failed" {
			failed = append(failed, r.Repo+": "+r.Error)
		}
	}
	if len(failed) > 0 {
		slices.Sort(failed)
		failed = slices.Compact(failed)
		return m, fmt.Errorf("%w (%d of %d): %s", ErrSomeReposFailed, len(failed), len(unique), strings.Join(failed, "; "))
	}
	return m, nil
}

type repoResult struct {
	state      *repoState
	failure    string
	requests   int64
	points     int64
	incomplete []string
}

func statusOf(r *repoResult) string {
	if r.failure != "" {
		return "failed"
	}
	return "ok"
}

// collectRepo collects one repository. A repository-level failure (404,
// repeated faults) is in the result; the error is only for what must stop
// the whole run.
func collectRepo(ctx context.Context, client *ghapi.Client, gql *ghgraphql.Client, store *stateStore, repo string, workers int, verifyAfter time.Duration, log *slog.Logger, prog Observer, counts *tally) (*repoResult, error) {
	st, err := store.load(repo)
	if err != nil {
		return &repoResult{failure: err.Error()}, err
	}
	j := store.journal(repo)
	rc := &repoCollector{c: client, repo: repo, st: st, j: j, workers: workers, tally: counts, verifyAfter: verifyAfter}
	if gql != nil {
		rc.gql = &gqlRoute{c: gql}
	}
	prog.RepoStarted(repo)
	err = rc.collect(ctx)
	cerr := j.close()
	res := &repoResult{state: st, requests: rc.requests.Load(), incomplete: rc.incomplete}
	if rc.gql != nil {
		res.points = rc.gql.points
	}
	var qe *QuotaError
	var pe *fs.PathError
	var ue *UnreachableError
	switch {
	case err == nil:
		if cerr != nil {
			return res, cerr
		}
		if err := store.save(repo, st); err != nil {
			return res, err
		}
		prog.RepoFinished(repo, false)
		return res, nil
	case errors.Is(err, ErrBadCredentials), errors.As(err, &qe), errors.As(err, &ue), ctx.Err() != nil:
		// The journal keeps what was fetched: the next run resumes there.
		return res, err
	case errors.As(err, &pe):
		// A local file could not be written (a full disk, a read-only
		// folder): no other repository would fare better.
		return res, err
	default:
		res.failure = failureReason(err)
		log.Error("repository failed; going on with the others", "repo", repo, "error", res.failure)
		prog.RepoFinished(repo, true)
		// Keep what was fetched for the next run.
		if serr := store.save(repo, st); serr != nil {
			return res, serr
		}
		return res, nil
	}
}

// failureReason is what repos.parquet, collection.json and the report say
// of a repository that failed: the error and, for a 404, what to check.
func failureReason(err error) string {
	msg := err.Error()
	var se *ghapi.StatusError
	if errors.As(err, &se) && se.Code == http.StatusNotFound {
		msg += " (check the spelling of owner/name; a private repository needs a token that can read it; a renamed or transferred repository is followed automatically)"
	}
	return msg
}

func checkCommunities(cs []Community) error {
	names := map[string]bool{}
	for _, c := range cs {
		if c.Name == "" {
			return errors.New("collect: a community has no name")
		}
		if names[c.Name] {
			return fmt.Errorf("collect: community %q is given twice", c.Name)
		}
		names[c.Name] = true
		for _, r := range c.Repos {
			if org, isOrg := strings.CutPrefix(r, OrgPrefix); isOrg {
				if org == "" || strings.ContainsAny(org, "/ ?#%\\") {
					return fmt.Errorf("collect: community %q: %q is not \"org:NAME\"", c.Name, r)
				}
				continue
			}
			o, n, ok := strings.Cut(r, "/")
			if !ok || o == "" || n == "" || strings.Contains(n, "/") || strings.ContainsAny(r, " ?#%\\") {
				return fmt.Errorf("collect: community %q: repository %q is not \"owner/name\"", c.Name, r)
			}
		}
	}
	return nil
}

func sortedCommunities(cs []Community) []Community {
	out := make([]Community, len(cs))
	for i, c := range cs {
		out[i] = Community{Name: c.Name, Repos: slices.Clone(c.Repos)}
		// One repository given twice in different case is one repository.
		slices.SortStableFunc(out[i].Repos, func(a, b string) int { return strings.Compare(repoKey(a), repoKey(b)) })
		out[i].Repos = slices.CompactFunc(out[i].Repos, strings.EqualFold)
	}
	slices.SortFunc(out, func(a, b Community) int { return strings.Compare(a.Name, b.Name) })
	return out
}

func configOrder(rs []schema.RepoStatus, cs []Community) []schema.RepoStatus {
	idx := map[[2]string]int{}
	for _, r := range rs {
		idx[[2]string{r.Community, r.Repo}] = len(idx)
	}
	var out []schema.RepoStatus
	done := map[[2]string]bool{}
	for _, c := range cs {
		for _, r := range c.Repos {
			k := [2]string{c.Name, r}
			if i, ok := idx[k]; ok && !done[k] {
				done[k] = true
				out = append(out, rs[i])
			}
		}
	}
	return out
}

// repoKey is a repository's identity: GitHub's owner and repository names
// are case-insensitive.
func repoKey(repo string) string { return strings.ToLower(repo) }

// writeTables writes every table into a fresh temporary folder inside out,
// then moves the files into place.
func writeTables(out string, t *tables) error {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return fmt.Errorf("create output folder: %w", err)
	}
	tmp, err := os.MkdirTemp(out, ".collect-tmp-*")
	if err != nil {
		return fmt.Errorf("create output folder: %w", err)
	}
	defer os.RemoveAll(tmp)
	rows, err := t.byTable()
	if err != nil {
		return err
	}
	var g errgroup.Group
	g.SetLimit(4)
	for _, r := range rows {
		g.Go(func() error {
			w, err := table.CreateType(filepath.Join(tmp, r.table.File()), r.table.Row)
			if err == nil {
				if err = w.Write(r.rows); err != nil {
					w.Abort()
				} else {
					err = w.Close()
				}
			}
			if err != nil {
				return fmt.Errorf("write %s: %w", r.table.File(), err)
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	for _, r := range rows {
		if err := os.Rename(filepath.Join(tmp, r.table.File()), filepath.Join(out, r.table.File())); err != nil {
			return fmt.Errorf("move %s into place: %w", r.table.File(), err)
		}
	}
	return syncDir(out)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
