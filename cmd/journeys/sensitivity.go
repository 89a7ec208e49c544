package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/journeys-dev/journeys/analyze"
	"github.com/journeys-dev/journeys/config"
)

// sensitivityFlags say whether the analysis re-judges everyone under a grid
// of model variants (sensitivity.parquet), and which.
type sensitivityFlags struct {
	on bool
	// given reports whether --sensitivity was given; nil on the commands
	// without it.
	given func() bool
	// variants is the grid, set by prepareSensitivity; nil when off.
	variants []analyze.Variant
}

func (f *pipelineFlags) addSensitivity(cmd *cobra.Command) {
	cmd.Flags().BoolVar(&f.sens.on, "sensitivity", false,
		"also judge everyone under variants of the model, one threshold or switch moved at a time (sensitivity.parquet, and a table per community in the reports); "+
			"the config's sensitivity: section turns it on too and sets the values tried, --sensitivity=false turns it off")
	f.sens.given = func() bool { return cmd.Flags().Changed("sensitivity") }
}

// prepareSensitivity decides whether the sensitivity analysis runs (the
// flag when given, else whether the config has a sensitivity: section) and
// builds its grid, so that a value the rest of the model rules out is a
// config error, with its line, before anything is collected.
func (f *pipelineFlags) prepareSensitivity(cfg *config.Config) error {
	on := cfg.Sensitivity != nil
	if f.sens.given != nil && f.sens.given() {
		on = f.sens.on
	}
	f.sens.variants = nil
	if !on {
		return nil
	}
	base := modelFromConfig(cfg.Model)
	values := map[string][]int{}
	if cfg.Sensitivity != nil {
		for _, sv := range cfg.Sensitivity.Values {
			values[sv.Threshold] = sv.Values
		}
	}
	grid, err := analyze.SensitivityGrid(base, values)
	var se *analyze.SensitivityError
	if errors.As(err, &se) && cfg.Sensitivity != nil {
		for _, sv := range cfg.Sensitivity.Values {
			if sv.Threshold != se.Parameter {
				continue
			}
			msg := fmt.Sprintf("%d cannot be tried: %v", se.Value, se.Err)
			if se.Parameter == "active_days" || se.Parameter == "dormant_days" {
				msg = fmt.Sprintf("%d cannot be tried: active_days may not exceed dormant_days (the model has active_days %d, dormant_days %d)",
					se.Value, base.ActiveDays, base.DormantDays)
			}
			return cfg.SensitivityError(sv, msg)
		}
	}
	if err != nil {
		return &usageError{err}
	}
	f.sens.variants = grid
	return nil
}
