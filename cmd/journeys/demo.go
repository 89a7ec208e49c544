package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/journeys-dev/journeys/collect"
	"github.com/journeys-dev/journeys/dataset"
	"github.com/journeys-dev/journeys/internal/demo"
	"github.com/journeys-dev/journeys/internal/fakegithub"
	"github.com/journeys-dev/journeys/internal/table"
	"github.com/journeys-dev/journeys/pipeline"
)

func newDemoCmd(g *globals) *cobra.Command {
	out := "journeys-demo"
	layout := dataset.LayoutFlat
	cmd := &cobra.Command{
		Use:   "demo [--out DIR]",
		Short: "Run the whole pipeline offline on real history of The Turing Way",
		Long: `demo serves real, public activity of The Turing Way (November 2018 to July
2021, derived from its git history and shipped inside journeys) through a
GitHub-compatible API on a loopback port, and runs "journeys run" against it:
the real collection, analysis and report, with no token and no network.

Git history holds commits, pull requests and .all-contributorsrc, not issues,
comments, reviews, stars or forks; the report says so.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if _, err := dataset.ParseLayout(layout); err != nil {
				return &usageError{fmt.Errorf("--layout: %w", err)}
			}
			return g.demo(cmd.Context(), out, layout)
		},
	}
	cmd.Flags().StringVarP(&out, "out", "o", out, "the output folder")
	cmd.Flags().StringVar(&layout, "layout", layout, `"flat", or "partitioned" to write each table as a Hive-partitioned dataset too (as "journeys run" does)`)
	return cmd
}

func (g *globals) demo(ctx context.Context, out, layout string) error {
	start := time.Now()
	data, err := demo.Data()
	if err != nil {
		return fmt.Errorf("demo: load the fixture: %w", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("demo: listen on loopback: %w", err)
	}
	// The local API gets a token of its own, made up for this run: a token
	// from the environment is never sent to it.
	localToken := "demo-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	srv := &http.Server{
		Handler:           fakegithub.New(data, fakegithub.Options{Tokens: []string{localToken}}),
		ReadHeaderTimeout: 10 * time.Second,
	}
	go srv.Serve(ln)
	defer srv.Close()
	apiURL := "http://" + ln.Addr().String() + "/"
	g.logger.Info("serving The Turing Way's history through a local GitHub-compatible API", "url", apiURL)

	if err := os.MkdirAll(out, 0o755); err != nil {
		return fmt.Errorf("demo: create output folder: %w", err)
	}
	// The config is written beside the output, so that the reports can name
	// it and a person can re-run any step by hand.
	cfgPath := filepath.Join(out, "journeys-demo.yml")
	if err := table.WriteFileAtomic(cfgPath, []byte(demo.Config())); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	f := &pipelineFlags{
		configPath:  cfgPath,
		out:         out,
		apiURL:      apiURL,
		asOf:        demo.AsOf().Format("2006-01-02"),
		concurrency: 8,
		api:         collect.APIAuto, // GraphQL, as a run with a token does
		maxWait:     -1,
		notes:       demo.Limitations(),
		token:       localToken,
		layout:      layout,
		// The demo shows the sensitivity analysis too.
		sens: sensitivityFlags{on: true, given: func() bool { return true }},
	}
	if err := g.runPipeline(ctx, f, pipeline.All); err != nil {
		if errors.Is(err, context.Canceled) {
			return err
		}
		return fmt.Errorf("demo: %w", err)
	}
	fmt.Fprintf(g.stdout, "Demo finished in %.1fs. Output in %s/: Parquet tables (see docs/schema.md), report.md and report.html\n",
		time.Since(start).Seconds(), out)
	return nil
}
