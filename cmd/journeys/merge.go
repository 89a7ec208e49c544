package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/journeys-dev/journeys/collect"
	"github.com/journeys-dev/journeys/dataset"
	"github.com/journeys-dev/journeys/pipeline"
	"github.com/journeys-dev/journeys/schema"
)

func (f *pipelineFlags) addLayout(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.layout, "layout", dataset.LayoutFlat, `"flat": one Parquet file per table; "partitioned": also each table as a Hive-partitioned dataset (TABLE/community=…/repo=…/part-N.parquet) with manifest.json, for DuckDB, Spark, Trino or BigQuery`)
}

// scaleOut sets the shard and the pinned organisation listing of a
// collection from the flags.
func (f *pipelineFlags) scaleOut(o *pipeline.Options) error {
	if f.shard != "" {
		s, err := collect.ParseShard(f.shard)
		if err != nil {
			return &usageError{fmt.Errorf("--shard: %w", err)}
		}
		o.Shard = s
	}
	if f.orgRepos != "" {
		l, err := schema.ReadOrgListing(f.orgRepos)
		if err != nil {
			return &usageError{fmt.Errorf("--org-repos: %w", err)}
		}
		o.OrgListing = l
	}
	return nil
}

func newMergeCmd(g *globals) *cobra.Command {
	f := &pipelineFlags{}
	cmd := &cobra.Command{
		Use:   "merge --out DIR SHARD_DIR...",
		Short: "Combine the outputs of sharded collections into one folder",
		Long: `merge combines the output folders of 'journeys collect --shard K/N' jobs (or of
collections of different repositories) into one folder: every raw table and
events.parquet, concatenated in the documented row order, and one
collection.json. 'journeys analyze' and 'journeys report' then run on it.

A shard whose folder is missing, or whose collection did not finish, is
named in the merged collection.json (its repositories are listed as failed)
and so in the report; merge then exits with status 1, the merged folder
written and usable.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if f.out == "" {
				return &usageError{errors.New("--out is required")}
			}
			if _, err := dataset.ParseLayout(f.layout); err != nil {
				return &usageError{fmt.Errorf("--layout: %w", err)}
			}
			m, err := pipeline.Merge(cmd.Context(), pipeline.MergeOptions{
				Out: f.out, Dirs: args, Layout: f.layout, ConfigPath: f.configPath,
				ToolVersion: toolVersion(), Logger: g.logger,
			})
			if m == nil {
				return err
			}
			fmt.Fprintf(g.stdout, "Merged %d folders into %s: %d repositories, %d events\n", len(args), f.out, len(m.Repos), m.Tables[schema.Events.Name])
			return err
		},
	}
	cmd.Flags().StringVarP(&f.out, "out", "o", "", "the merged output folder (required)")
	cmd.Flags().StringVarP(&f.configPath, "config", "c", "", "the config file the shards used (optional: its hash goes into manifest.json)")
	f.addLayout(cmd)
	return cmd
}
