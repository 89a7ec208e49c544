package pipeline_test

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/journeys-dev/journeys/collect"
	"github.com/journeys-dev/journeys/config"
	"github.com/journeys-dev/journeys/dataset"
	"github.com/journeys-dev/journeys/internal/fakegithub"
	"github.com/journeys-dev/journeys/internal/fakegithub/fakegithubtest"
	"github.com/journeys-dev/journeys/pipeline"
	"github.com/journeys-dev/journeys/privacy"
)

const testToken = "ghp_pipelineTestToken0123456789"

var (
	asOf = time.Date(2023, 6, 30, 0, 0, 0, 0, time.UTC)
	now  = func() time.Time { return time.Date(2023, 7, 1, 12, 0, 0, 0, time.UTC) }
)

// testData is a small generated history of two repositories.
func testData() *fakegithub.Data {
	return fakegithub.Generate(fakegithub.GenerateOptions{Seed: 4, Repos: 2, Issues: 30, Commits: 20, Stars: 5, Forks: 2, AllContributors: true})
}

// writeConfig writes a config of one community with the fake's
// repositories and reads it back.
func writeConfig(t *testing.T, extra string) *config.Config {
	t.Helper()
	path := filepath.Join(t.TempDir(), "journeys.yml")
	text := "communities:\n  - name: Example\n    repos: [example-org/project-1, example-org/project-2]\n" + extra
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// baseOptions are the options of a run of steps against the API at
// apiURL, into a fresh output folder under dir.
func baseOptions(t *testing.T, apiURL, dir string, steps pipeline.Steps) pipeline.Options {
	t.Helper()
	return pipeline.Options{
		Config:      writeConfig(t, ""),
		Steps:       steps,
		Out:         filepath.Join(dir, "out"),
		AsOf:        asOf,
		APIURL:      apiURL,
		Token:       testToken,
		Limits:      pipeline.Limits{Concurrency: 4, MaxWait: -1},
		ToolVersion: "test",
		Now:         now,
	}
}

func pseudonymizer(t *testing.T) *privacy.Pseudonymizer {
	t.Helper()
	p, err := privacy.NewPseudonymizer([]byte("a-test-key-of-32-characters-long"))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func run(t *testing.T, opts pipeline.Options) *pipeline.Result {
	t.Helper()
	res, err := pipeline.Run(context.Background(), opts)
	if err != nil {
		t.Fatalf("run %+v: %v", opts.Steps, err)
	}
	return res
}

// files lists the files under dir, relative to it, with "/" separators.
func files(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) && path == dir {
			return fs.SkipAll
		}
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, path)
		out = append(out, filepath.ToSlash(rel))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

var (
	rawFiles      = []string{"repos.parquet", "issues.parquet", "pull_requests.parquet", "comments.parquet", "commits.parquet", "events.parquet", "collection.json"}
	analysisFiles = []string{"contributors.parquet", "contributor_months.parquet", "transitions.parquet", "funnel.parquet", "metrics.parquet", "analysis.json"}
	reportFiles   = []string{"report.md", "report.html"}
	layoutFiles   = []string{"manifest.json", "events/community=Example/repo=example-org%2Fproject-1/part-00000.parquet"}
)

// Each selection of steps writes what its steps write, in the folders
// the workspace says, and nothing else.
func TestStepsWriteTheirFolders(t *testing.T) {
	d := testData()
	ts, _ := fakegithubtest.NewTestServer(t, d, fakegithub.Options{})
	api := ts.URL + "/"
	type folder = string // "out" or "private"
	tests := []struct {
		name   string
		before []pipeline.Steps // run first, with the same options
		steps  pipeline.Steps
		tweak  func(*pipeline.Options)
		want   map[folder][]string
		absent map[folder][]string
	}{
		{name: "collect", steps: pipeline.Steps{Collect: true},
			want:   map[folder][]string{"out": append(rawFiles, ".state/example-org__project-1.json")},
			absent: map[folder][]string{"out": slices.Concat(analysisFiles, reportFiles, layoutFiles)}},
		{name: "all", steps: pipeline.All,
			want:   map[folder][]string{"out": slices.Concat(rawFiles, analysisFiles, reportFiles)},
			absent: map[folder][]string{"out": layoutFiles}},
		{name: "all, partitioned", steps: pipeline.All, tweak: func(o *pipeline.Options) { o.Layout = dataset.LayoutPartitioned },
			want: map[folder][]string{"out": slices.Concat(rawFiles, analysisFiles, reportFiles, layoutFiles,
				[]string{"contributors/community=Example/part-00000.parquet"})}},
		{name: "collect, partitioned", steps: pipeline.Steps{Collect: true}, tweak: func(o *pipeline.Options) { o.Layout = dataset.LayoutPartitioned },
			want:   map[folder][]string{"out": slices.Concat(rawFiles, layoutFiles)},
			absent: map[folder][]string{"out": {"contributors/community=Example/part-00000.parquet", "analysis.json"}}},
		{name: "analyze after collect", before: []pipeline.Steps{{Collect: true}}, steps: pipeline.Steps{Analyze: true},
			want:   map[folder][]string{"out": slices.Concat(rawFiles, analysisFiles)},
			absent: map[folder][]string{"out": reportFiles}},
		{name: "report after analysis", before: []pipeline.Steps{{Collect: true}, {Analyze: true}}, steps: pipeline.Steps{Report: true},
			want: map[folder][]string{"out": slices.Concat(rawFiles, analysisFiles, reportFiles)}},
		{name: "sensitivity", steps: pipeline.All, tweak: func(o *pipeline.Options) { o.Sensitivity = pipeline.SensitivityOn },
			want: map[folder][]string{"out": {"sensitivity.parquet"}}},
		{name: "dry run", steps: pipeline.Steps{Collect: true}, tweak: func(o *pipeline.Options) { o.DryRun = true; o.Estimate = &bytes.Buffer{} },
			absent: map[folder][]string{"out": slices.Concat(rawFiles, []string{".state/example-org__project-1.json"})}},
		{name: "collect, pseudonymized", steps: pipeline.Steps{Collect: true}, tweak: func(o *pipeline.Options) {
			o.Pseudonymize, o.Pseudonymizer = true, pseudonymizer(t)
		},
			want: map[folder][]string{"out": rawFiles, "private": append(rawFiles, ".state/example-org__project-1.json")},
			absent: map[folder][]string{"out": slices.Concat(analysisFiles, []string{".state/example-org__project-1.json"}),
				"private": analysisFiles}},
		{name: "all, pseudonymized", steps: pipeline.All, tweak: func(o *pipeline.Options) {
			o.Pseudonymize, o.Pseudonymizer = true, pseudonymizer(t)
		},
			want:   map[folder][]string{"out": slices.Concat(rawFiles, analysisFiles, reportFiles), "private": slices.Concat(rawFiles, analysisFiles)},
			absent: map[folder][]string{"out": {".state/example-org__project-1.json"}, "private": reportFiles}},
		{name: "publish again", before: []pipeline.Steps{pipeline.All}, steps: pipeline.Steps{Publish: true}, tweak: func(o *pipeline.Options) {
			o.Pseudonymize, o.Pseudonymizer = true, pseudonymizer(t)
		},
			want: map[folder][]string{"out": slices.Concat(rawFiles, analysisFiles)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := baseOptions(t, api, t.TempDir(), tt.steps)
			if tt.tweak != nil {
				tt.tweak(&opts)
			}
			for _, steps := range tt.before {
				before := opts
				before.Steps = steps
				run(t, before)
			}
			if tt.name == "publish again" {
				// Only the private folder is left: publishing writes
				// OUT again.
				if err := os.RemoveAll(opts.Out); err != nil {
					t.Fatal(err)
				}
			}
			res := run(t, opts)
			dirs := map[folder]string{"out": res.Workspace.Out, "private": res.Workspace.Private}
			for f, names := range tt.want {
				have := files(t, dirs[f])
				for _, name := range names {
					if !slices.Contains(have, name) {
						t.Errorf("%s lacks %s; it has %v", f, name, have)
					}
				}
			}
			for f, names := range tt.absent {
				have := files(t, dirs[f])
				for _, name := range names {
					if slices.Contains(have, name) {
						t.Errorf("%s has %s", f, name)
					}
				}
			}
			if _, err := os.Stat(res.Workspace.Out); tt.name == "dry run" && err == nil {
				t.Error("a dry run created the output folder")
			}
		})
	}
}

// The result says what each step did and where.
func TestResultSaysWhatWasDone(t *testing.T) {
	ts, _ := fakegithubtest.NewTestServer(t, testData(), fakegithub.Options{})
	dir := t.TempDir()
	opts := baseOptions(t, ts.URL+"/", dir, pipeline.All)
	opts.Layout = dataset.LayoutPartitioned
	res := run(t, opts)
	if res.Workspace.Out != opts.Out || res.Workspace.Data != opts.Out || res.Workspace.Private != "" {
		t.Errorf("workspace %+v", res.Workspace)
	}
	if !res.AsOf.Equal(asOf) {
		t.Errorf("as-of %v, want %v", res.AsOf, asOf)
	}
	if res.Collection == nil || len(res.Collection.Repos) != 2 {
		t.Errorf("collection manifest %+v", res.Collection)
	}
	if res.Analysis == nil || res.Analysis.EventsRead == 0 {
		t.Errorf("analysis manifest %+v", res.Analysis)
	}
	if res.Layout == nil || len(res.Layout.Tables) == 0 {
		t.Errorf("layout manifest %+v", res.Layout)
	}
	if md, _ := res.Workspace.Reports(); res.Report == nil || res.Report.MarkdownPath != md || len(res.Report.Headlines) != 1 {
		t.Errorf("report summary %+v", res.Report)
	}
	b, err := os.ReadFile(filepath.Join(opts.Out, "report.md"))
	if err != nil || !strings.Contains(string(b), "2023-06-30") {
		t.Errorf("report.md does not show the analysis date (%v)", err)
	}
}

// An analysis with another date rewrites the reports a run left, so that
// none shows another date than the tables; without reports it writes
// none.
func TestAnalysisRewritesTheReportsItFinds(t *testing.T) {
	ts, srv := fakegithubtest.NewTestServer(t, testData(), fakegithub.Options{})
	opts := baseOptions(t, ts.URL+"/", t.TempDir(), pipeline.All)
	run(t, opts)
	requests := srv.Stats().Requests
	again := opts
	again.Steps = pipeline.Steps{Analyze: true}
	again.AsOf = time.Date(2022, 12, 31, 0, 0, 0, 0, time.UTC)
	res := run(t, again)
	if res.Report == nil {
		t.Fatal("the reports were not rewritten")
	}
	if srv.Stats().Requests != requests {
		t.Error("the analysis sent requests")
	}
	for _, name := range reportFiles {
		b, err := os.ReadFile(filepath.Join(opts.Out, name))
		if err != nil || !strings.Contains(string(b), "2022-12-31") || strings.Contains(string(b), "2023-06-30") {
			t.Errorf("%s does not show the new date alone (%v)", name, err)
		}
	}
}

// A repository that fails is named in the error at the end; the others
// are still analyzed and reported.
func TestFailedRepositoryEndsTheRunAfterTheReport(t *testing.T) {
	ts, _ := fakegithubtest.NewTestServer(t, testData(), fakegithub.Options{})
	opts := baseOptions(t, ts.URL+"/", t.TempDir(), pipeline.All)
	opts.Config = writeConfig(t, "  - name: Other\n    repos: [example-org/no-such-repo]\n")
	res, err := pipeline.Run(context.Background(), opts)
	if !errors.Is(err, collect.ErrSomeReposFailed) {
		t.Fatalf("error %v, want ErrSomeReposFailed", err)
	}
	if res == nil || res.Analysis == nil || res.Report == nil {
		t.Fatalf("result %+v: the later steps did not run", res)
	}
}

// Options that cannot make a run are refused before anything is written.
func TestBadOptionsWriteNothing(t *testing.T) {
	tests := []struct {
		name  string
		tweak func(*pipeline.Options)
		want  string
	}{
		{"no config", func(o *pipeline.Options) { o.Config = nil }, "no config"},
		{"no output folder", func(o *pipeline.Options) { o.Out = "" }, "no output folder"},
		{"no steps", func(o *pipeline.Options) { o.Steps = pipeline.Steps{} }, "no step"},
		{"dry run and analyze", func(o *pipeline.Options) { o.DryRun = true }, "dry run"},
		{"report after collect alone", func(o *pipeline.Options) { o.Steps = pipeline.Steps{Collect: true, Report: true} }, "analyze step too"},
		{"bad layout", func(o *pipeline.Options) { o.Layout = "hive" }, `layout "hive"`},
		{"no API URL", func(o *pipeline.Options) { o.APIURL = "" }, "API URL"},
		{"bad concurrency", func(o *pipeline.Options) { o.Limits.Concurrency = 101 }, "concurrency"},
		{"publish without pseudonymizing", func(o *pipeline.Options) { o.Steps = pipeline.Steps{Publish: true} }, "nothing to publish"},
		{"no pseudonymizer", func(o *pipeline.Options) { o.Pseudonymize = true }, privacy.KeyEnv},
		{"private folder inside", func(o *pipeline.Options) {
			o.Pseudonymize, o.Pseudonymizer, o.PrivateDir = true, pseudonymizer(t), filepath.Join(o.Out, "raw")
		}, "inside the output folder"},
		{"missing mailmap", func(o *pipeline.Options) {
			o.Config.Identities.Mailmap = filepath.Join(t.TempDir(), "nope.mailmap")
		}, "identities.mailmap"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := baseOptions(t, "http://127.0.0.1:1/", t.TempDir(), pipeline.All)
			tt.tweak(&opts)
			res, err := pipeline.Run(context.Background(), opts)
			var oe *pipeline.OptionsError
			if !errors.As(err, &oe) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want an OptionsError saying %q", err, tt.want)
			}
			if res != nil {
				t.Errorf("result %+v for refused options", res)
			}
			if opts.Out != "" {
				if _, err := os.Stat(filepath.Dir(opts.Out)); err == nil && len(files(t, filepath.Dir(opts.Out))) > 0 {
					t.Errorf("refused options wrote %v", files(t, filepath.Dir(opts.Out)))
				}
			}
		})
	}
}

// A step whose input is missing says which step writes it.
func TestMissingInputNamesTheStep(t *testing.T) {
	for _, tt := range []struct {
		steps       pipeline.Steps
		step, needs string
	}{
		{pipeline.Steps{Analyze: true}, "analyze", "collect"},
		{pipeline.Steps{Report: true}, "report", "analyze"},
	} {
		opts := baseOptions(t, "", t.TempDir(), tt.steps)
		if err := os.MkdirAll(opts.Out, 0o755); err != nil {
			t.Fatal(err)
		}
		_, err := pipeline.Run(context.Background(), opts)
		var me *pipeline.MissingError
		if !errors.As(err, &me) || me.Step != tt.step || me.Needs != tt.needs {
			t.Errorf("%+v: error %v, want a MissingError of %s needing %s", tt.steps, err, tt.step, tt.needs)
		}
	}
}

// cancelOn is a log handler that cancels a run when it logs msg.
type cancelOn struct {
	slog.Handler
	msg    string
	cancel context.CancelFunc
}

func (h cancelOn) Enabled(context.Context, slog.Level) bool { return true }

func (h cancelOn) Handle(ctx context.Context, r slog.Record) error {
	if r.Message == h.msg {
		h.cancel()
	}
	return nil
}

func (h cancelOn) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h cancelOn) WithGroup(string) slog.Handler      { return h }

// A run interrupted (its ctx cancelled) at any point stops there with
// context.Canceled and leaves no half-written file: what the steps that
// finished wrote is whole, what the others would have written is not
// there, and an earlier output is left as it was.
func TestInterruptedRunLeavesNoHalfWrittenOutput(t *testing.T) {
	d := testData()
	tests := []struct {
		name string
		// cancel after this many API requests, or when this is logged
		afterRequests int64
		onLog         string
		want, absent  []string
	}{
		{name: "before the run", afterRequests: 0, absent: slices.Concat(rawFiles, analysisFiles, reportFiles)},
		{name: "while collecting", afterRequests: 10, absent: slices.Concat(rawFiles, analysisFiles, reportFiles)},
		{name: "after collecting", onLog: "collected", want: rawFiles, absent: slices.Concat(analysisFiles, reportFiles)},
		{name: "after analyzing", onLog: "analyzed", want: slices.Concat(rawFiles, analysisFiles), absent: reportFiles},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var requests atomic.Int64
			fake := fakegithub.New(d, fakegithub.Options{})
			ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if requests.Add(1) > tt.afterRequests && tt.onLog == "" {
					cancel()
				}
				fake.ServeHTTP(w, r)
			}))
			defer ts.Close()
			opts := baseOptions(t, ts.URL+"/", t.TempDir(), pipeline.All)
			opts.Layout = dataset.LayoutPartitioned
			opts.Logger = slog.New(cancelOn{Handler: slog.DiscardHandler, msg: tt.onLog, cancel: cancel})
			if tt.name == "before the run" {
				cancel()
			}
			_, err := pipeline.Run(ctx, opts)
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("error %v, want context.Canceled", err)
			}
			have := files(t, opts.Out)
			for _, name := range tt.want {
				if !slices.Contains(have, name) {
					t.Errorf("%s is missing", name)
				}
			}
			for _, name := range tt.absent {
				if slices.Contains(have, name) {
					t.Errorf("%s was written", name)
				}
			}
			checkWhole(t, opts.Out)
		})
	}

	// An interrupted second collection leaves the first one's output
	// byte for byte.
	t.Run("over an earlier output", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		var requests atomic.Int64
		var armed atomic.Bool
		fake := fakegithub.New(d, fakegithub.Options{})
		ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if armed.Load() && requests.Add(1) > 5 {
				cancel()
			}
			fake.ServeHTTP(w, r)
		}))
		defer ts.Close()
		opts := baseOptions(t, ts.URL+"/", t.TempDir(), pipeline.All)
		run(t, opts)
		before := snapshot(t, opts.Out)
		// Everything walks whole again, so that the run has requests to
		// be interrupted in.
		opts.VerifyAfter = time.Nanosecond
		opts.AsOf = asOf.AddDate(0, -1, 0)
		armed.Store(true)
		if _, err := pipeline.Run(ctx, opts); !errors.Is(err, context.Canceled) {
			t.Fatalf("error %v, want context.Canceled", err)
		}
		after := snapshot(t, opts.Out)
		for name, b := range before {
			if !bytes.Equal(after[name], b) {
				t.Errorf("%s changed", name)
			}
		}
		for name := range after {
			if _, ok := before[name]; !ok {
				t.Errorf("%s appeared", name)
			}
		}
		checkWhole(t, opts.Out)
	})
}

// snapshot returns the bytes of every output file under dir, leaving out
// the collection state (a checkpoint a later run resumes from).
func snapshot(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, name := range files(t, dir) {
		if strings.HasPrefix(name, ".state/") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		out[name] = b
	}
	return out
}

// checkWhole fails on temporary files left under dir and on Parquet
// files that do not read.
func checkWhole(t *testing.T, dir string) {
	t.Helper()
	for _, name := range files(t, dir) {
		if strings.Contains(name, "tmp") {
			t.Errorf("temporary file left: %s", name)
			continue
		}
		if strings.HasSuffix(name, ".parquet") {
			b, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := parquet.OpenFile(bytes.NewReader(b), int64(len(b))); err != nil {
				t.Errorf("%s does not read: %v", name, err)
			}
		}
	}
}

// The options are read once: changing the caller's copy after New does
// not change the run.
func TestOptionsAreReadOnce(t *testing.T) {
	ts, _ := fakegithubtest.NewTestServer(t, testData(), fakegithub.Options{})
	opts := baseOptions(t, ts.URL+"/", t.TempDir(), pipeline.All)
	notes := []string{"The source holds no stars."}
	opts.Notes = notes
	p, err := pipeline.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	notes[0] = "changed afterwards"
	opts.Out = filepath.Join(t.TempDir(), "elsewhere")
	res, err := p.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if res.Workspace.Out == opts.Out {
		t.Error("the run followed a changed output folder")
	}
	md, err := os.ReadFile(res.Report.MarkdownPath)
	if err != nil || !strings.Contains(string(md), "The source holds no stars.") || strings.Contains(string(md), "changed afterwards") {
		t.Errorf("report.md does not hold the note as given to New (%v)", err)
	}
}

// Merge combines the shards of a collection and lays the result out.
func TestMergeLaysOutTheShards(t *testing.T) {
	ts, _ := fakegithubtest.NewTestServer(t, testData(), fakegithub.Options{})
	dir := t.TempDir()
	var shards []string
	for k := 1; k <= 2; k++ {
		opts := baseOptions(t, ts.URL+"/", t.TempDir(), pipeline.Steps{Collect: true})
		s, err := collect.ParseShard(string(rune('0'+k)) + "/2")
		if err != nil {
			t.Fatal(err)
		}
		opts.Shard = s
		run(t, opts)
		shards = append(shards, opts.Out)
	}
	out := filepath.Join(dir, "merged")
	m, err := pipeline.Merge(context.Background(), pipeline.MergeOptions{Out: out, Dirs: shards, Layout: dataset.LayoutPartitioned, ToolVersion: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Repos) != 2 {
		t.Errorf("merged %d repositories, want 2", len(m.Repos))
	}
	have := files(t, out)
	for _, name := range slices.Concat(rawFiles, layoutFiles) {
		if !slices.Contains(have, name) {
			t.Errorf("the merged folder lacks %s", name)
		}
	}
	if _, err := pipeline.Merge(context.Background(), pipeline.MergeOptions{Out: out, Dirs: shards, Layout: "hive"}); !errors.As(err, new(*pipeline.OptionsError)) {
		t.Errorf("a bad layout: error %v, want an OptionsError", err)
	}
}
