// Package sql ships the journey stage model as SQL (DuckDB dialect), for
// notebooks and warehouses: Stages computes the contributors table at an
// analysis date from events.parquet and identities.parquet, Cohorts the
// cohort survival table (cohorts.parquet) and Metrics the CHAOSS metrics
// (metrics.parquet) from the same. Tests keep them equivalent to the Go
// analysis, row for row.
package sql

import (
	_ "embed"
	"strings"
)

// Stages is the text of stages.sql; its header says which views and
// variables it expects.
//
//go:embed stages.sql
var Stages string

//go:embed cohorts.sql
var cohortSteps string

// Cohorts computes cohorts.parquet: stages.sql's events, identities, facts
// and bots, continued by cohorts.sql. Its header says which views and
// variables it expects (those of stages.sql but the thresholds).
var Cohorts = stagesUpTo("people AS (") + cohortSteps

//go:embed funnel.sql
var funnelSteps string

// Funnel computes funnel.parquet's rows (all but the conversions, which are
// quotients of its columns): stages.sql's judgement of every person's rules,
// up to its current stage, continued by funnel.sql. Its header says how.
var Funnel = stagesUpTo("current AS (") + funnelSteps

//go:embed metrics.sql
var metricSteps string

// Metrics computes metrics.parquet, the CHAOSS metrics by community and
// month: stages.sql's events, identities, facts and bots, continued by
// metrics.sql. Its header says which views and variables it expects.
var Metrics = stagesUpTo("people AS (") + metricSteps

// stagesUpTo is stages.sql up to the line that starts its step named in
// step: the steps before it, which cohorts.sql and funnel.sql continue.
func stagesUpTo(step string) string {
	i := strings.Index(Stages, "\n"+step)
	if i < 0 {
		panic("stages.sql has no step " + step)
	}
	return Stages[:i+1]
}
