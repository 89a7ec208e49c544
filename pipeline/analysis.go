package pipeline

import (
	"errors"
	"fmt"

	"github.com/journeys-dev/journeys/analyze"
	"github.com/journeys-dev/journeys/config"
	"github.com/journeys-dev/journeys/privacy"
)

// prepareAnalysis derives from the config and the options what the
// analysis (and the leaving out before it) works with: the exclusion
// list, the identity rules, the model and the sensitivity grid. A value
// the rest of the model rules out is a config error, with its line,
// before any step runs, whichever steps are selected.
func (p *Pipeline) prepareAnalysis() error {
	cfg := p.opts.Config
	entries := append(append([]string(nil), cfg.Privacy.Exclude...), p.opts.Exclude...)
	p.exclude = privacy.NewExclusions(entries)
	for _, a := range cfg.Identities.Aliases {
		p.identities.Aliases = append(p.identities.Aliases, analyze.Alias{Login: a.Login, Also: a.Also})
	}
	if cfg.Identities.Mailmap != "" {
		mm, err := analyze.ReadMailmap(cfg.Identities.Mailmap)
		if err != nil {
			return &OptionsError{fmt.Errorf("identities.mailmap: %w", err)}
		}
		p.identities.Mailmap = mm
	}
	p.model = modelFromConfig(cfg.Model)
	variants, err := sensitivityGrid(cfg, p.model, p.opts.Sensitivity)
	if err != nil {
		return err
	}
	p.variants = variants
	return nil
}

// modelFromConfig overlays the config's thresholds on the default model.
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

// sensitivityGrid returns the model variants of the sensitivity analysis,
// nil when it is off.
func sensitivityGrid(cfg *config.Config, base analyze.Model, s Sensitivity) ([]analyze.Variant, error) {
	on := cfg.Sensitivity != nil
	switch s {
	case SensitivityOn:
		on = true
	case SensitivityOff:
		on = false
	}
	if !on {
		return nil, nil
	}
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
			return nil, cfg.SensitivityError(sv, msg)
		}
	}
	if err != nil {
		return nil, &OptionsError{err}
	}
	return grid, nil
}
