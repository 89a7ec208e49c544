package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/journeys-dev/journeys/analyze"
	"github.com/journeys-dev/journeys/config"
	"github.com/journeys-dev/journeys/privacy"
)

// privacyFlags are the people-data settings of a command: from its flags,
// then completed from the config by prepare.
type privacyFlags struct {
	command      string // the command's name: collect, analyze, run or report
	pseudonymize bool
	excludeFile  string

	// set by prepare
	exclude       *privacy.Exclusions
	identities    analyze.IdentityRules
	pseudonymizer *privacy.Pseudonymizer
	private       string // the private folder, when pseudonymizing
}

// addPrivacy registers --pseudonymize (and, for commands that read
// activity, --exclude-file).
func (f *pipelineFlags) addPrivacy(cmd *cobra.Command) {
	f.priv.command = cmd.Name()
	cmd.Flags().BoolVar(&f.priv.pseudonymize, "pseudonymize", false,
		"replace every login by a keyed pseudonym (key in $"+privacy.KeyEnv+") and leave names, emails and free text out of OUT; raw data stays in the private folder (--state, default OUT.private)")
	if cmd.Name() != "report" {
		cmd.Flags().StringVar(&f.priv.excludeFile, "exclude-file", "", "leave out the people in FILE (one login or email a line), as privacy.exclude in the config does")
	}
}

// prepare completes the privacy settings from the config and checks them
// before anything is done: the exclusion list, the mailmap, the key.
func (f *pipelineFlags) preparePrivacy(cfg *config.Config) error {
	p := &f.priv
	p.pseudonymize = p.pseudonymize || cfg.Privacy.Pseudonymize
	entries := append([]string(nil), cfg.Privacy.Exclude...)
	if p.excludeFile != "" {
		more, err := privacy.ReadExcludeFile(p.excludeFile)
		if err != nil {
			return &usageError{fmt.Errorf("--exclude-file: %w", err)}
		}
		entries = append(entries, more...)
	}
	p.exclude = privacy.NewExclusions(entries)
	p.identities = analyze.IdentityRules{}
	for _, a := range cfg.Identities.Aliases {
		p.identities.Aliases = append(p.identities.Aliases, analyze.Alias{Login: a.Login, Also: a.Also})
	}
	if cfg.Identities.Mailmap != "" {
		mm, err := analyze.ReadMailmap(cfg.Identities.Mailmap)
		if err != nil {
			return &usageError{fmt.Errorf("identities.mailmap: %w", err)}
		}
		p.identities.Mailmap = mm
	}
	if !p.pseudonymize || p.command == "report" {
		return nil
	}
	key, err := privacy.KeyFromEnv()
	if err != nil {
		return &usageError{fmt.Errorf("--pseudonymize: %w", err)}
	}
	if p.pseudonymizer, err = privacy.NewPseudonymizer(key); err != nil {
		return &usageError{err}
	}
	p.private = f.stateDir
	if p.private == "" {
		p.private = filepath.Clean(f.out) + ".private"
	}
	inside, err := privacy.Inside(p.private, f.out)
	if err != nil {
		return &usageError{err}
	}
	if inside {
		return &usageError{fmt.Errorf("--pseudonymize: the private folder %s (--state) is inside the output folder %s, which is meant to be shared: choose a folder outside it", p.private, f.out)}
	}
	return nil
}

// dataDir is where collect writes the raw tables and analyze its tables:
// the private folder when pseudonymizing, else the output folder.
func (f *pipelineFlags) dataDir() string {
	if f.priv.private != "" {
		return f.priv.private
	}
	return f.out
}

// collectStateDir is the collection state folder: inside the private
// folder when pseudonymizing.
func (f *pipelineFlags) collectStateDir() string {
	if f.priv.private != "" {
		return filepath.Join(f.priv.private, ".state")
	}
	return f.stateDir
}

// moveStateOut moves the state an earlier run without pseudonymization
// kept in OUT/.state into the private folder, so that no raw API data
// stays in the folder to be shared.
func (g *globals) moveStateOut(f *pipelineFlags) error {
	if f.priv.private == "" {
		return nil
	}
	old := filepath.Join(f.out, ".state")
	if _, err := os.Stat(old); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	dst := f.collectStateDir()
	if _, err := os.Stat(dst); err == nil {
		return fmt.Errorf("%s holds raw data from an earlier run without pseudonymization, and %s exists too: delete %s (or move it elsewhere) before publishing %s", old, dst, old, f.out)
	}
	if err := os.MkdirAll(f.priv.private, 0o700); err != nil {
		return fmt.Errorf("create the private folder: %w", err)
	}
	if err := os.Rename(old, dst); err != nil {
		return fmt.Errorf("move %s into the private folder: %w", old, err)
	}
	g.logger.Info("moved the collection state out of the output folder", "from", old, "to", dst)
	return nil
}

// leaveOut removes the excluded people's rows from the raw tables of the
// data folder.
func (g *globals) leaveOut(ctx context.Context, f *pipelineFlags) error {
	if f.priv.exclude.Empty() {
		return nil
	}
	removed, err := privacy.FilterDir(ctx, f.dataDir(), f.priv.exclude)
	if err != nil {
		return err
	}
	var total int64
	for _, n := range removed {
		total += n
	}
	g.logger.Info("left out excluded people", "people", len(f.priv.exclude.Entries()), "rows_removed", total)
	return nil
}

// publish writes the pseudonymized copy of the private folder into OUT.
func (g *globals) publish(ctx context.Context, f *pipelineFlags) error {
	if f.priv.pseudonymizer == nil {
		return nil
	}
	err := privacy.Publish(ctx, f.priv.private, f.out, privacy.PublishOptions{Pseudonymizer: f.priv.pseudonymizer, Logger: g.logger})
	if err != nil {
		return err
	}
	g.logger.Info("pseudonymized output published; the raw data stays private", "out", f.out, "private", f.priv.private)
	return nil
}

// reportConfigName is how the report names the config: only its file name
// when pseudonymizing (a path may hold a person's name).
func (f *pipelineFlags) reportConfigName() string {
	if f.priv.pseudonymize {
		return filepath.Base(f.configPath)
	}
	return f.configPath
}

// afterCollect leaves the excluded people out of the fresh raw tables
// and, for the collect command, publishes them when pseudonymizing.
func (g *globals) afterCollect(ctx context.Context, f *pipelineFlags) error {
	if f.dryRun {
		return nil
	}
	if err := g.leaveOut(ctx, f); err != nil {
		return fmt.Errorf("collect: %w", err)
	}
	if f.priv.command == "collect" {
		return g.publish(ctx, f)
	}
	return nil
}

// beforeAnalyze leaves the excluded people out of the raw tables before
// the analysis reads them (collect already did it within run).
func (g *globals) beforeAnalyze(ctx context.Context, f *pipelineFlags) error {
	if f.priv.command != "analyze" {
		return nil
	}
	if err := g.leaveOut(ctx, f); err != nil {
		return fmt.Errorf("analyze: %w", err)
	}
	return nil
}
