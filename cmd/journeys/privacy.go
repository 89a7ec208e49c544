package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/journeys-dev/journeys/pipeline"
	"github.com/journeys-dev/journeys/privacy"
)

// privacyFlags are the people-data flags of a command.
type privacyFlags struct {
	pseudonymize bool
	excludeFile  string
}

// addPrivacy registers --pseudonymize and, for the commands that read
// activity (withExclude), --exclude-file.
func (f *pipelineFlags) addPrivacy(cmd *cobra.Command, withExclude bool) {
	cmd.Flags().BoolVar(&f.priv.pseudonymize, "pseudonymize", false,
		"replace every login by a keyed pseudonym (key in $"+privacy.KeyEnv+") and leave names, emails and free text out of OUT; raw data stays in the private folder (--state, default OUT.private)")
	if withExclude {
		cmd.Flags().StringVar(&f.priv.excludeFile, "exclude-file", "", "leave out the people in FILE (one login or email a line), as privacy.exclude in the config does")
	}
}

// privacyOptions maps the people-data flags: the exclusion file's
// entries and, when pseudonymizing with steps that write tables, the key
// from the environment and where the private folder is (--state).
func (f *pipelineFlags) privacyOptions(o *pipeline.Options) error {
	if f.priv.excludeFile != "" {
		more, err := privacy.ReadExcludeFile(f.priv.excludeFile)
		if err != nil {
			return &usageError{fmt.Errorf("--exclude-file: %w", err)}
		}
		o.Exclude = more
	}
	pseudonymize := f.priv.pseudonymize || o.Config.Privacy.Pseudonymize
	o.Pseudonymize = pseudonymize
	if !pseudonymize {
		o.StateDir = f.stateDir
		return nil
	}
	o.PrivateDir = f.stateDir
	if !o.Steps.NeedsPseudonymizer() {
		return nil
	}
	key, err := privacy.KeyFromEnv()
	if err != nil {
		return &usageError{fmt.Errorf("--pseudonymize: %w", err)}
	}
	if o.Pseudonymizer, err = privacy.NewPseudonymizer(key); err != nil {
		return &usageError{err}
	}
	return nil
}
