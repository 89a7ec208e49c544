package main

import (
	"github.com/spf13/cobra"

	"github.com/journeys-dev/journeys/pipeline"
)

// sensitivityFlags say whether the analysis re-judges everyone under a grid
// of model variants (sensitivity.parquet).
type sensitivityFlags struct {
	on bool
	// given reports whether --sensitivity was given; nil on the commands
	// without it.
	given func() bool
}

func (f *pipelineFlags) addSensitivity(cmd *cobra.Command) {
	cmd.Flags().BoolVar(&f.sens.on, "sensitivity", false,
		"also judge everyone under variants of the model, one threshold or switch moved at a time (sensitivity.parquet, and a table per community in the reports); "+
			"the config's sensitivity: section turns it on too and sets the values tried, --sensitivity=false turns it off")
	f.sens.given = func() bool { return cmd.Flags().Changed("sensitivity") }
}

// option is the flag's choice: the config's when --sensitivity is not
// given.
func (s sensitivityFlags) option() pipeline.Sensitivity {
	switch {
	case s.given == nil || !s.given():
		return pipeline.SensitivityFromConfig
	case s.on:
		return pipeline.SensitivityOn
	default:
		return pipeline.SensitivityOff
	}
}
