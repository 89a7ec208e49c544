// Package sql ships the journey stage model as SQL (DuckDB dialect), for
// notebooks and warehouses: Stages computes the contributors table at an
// analysis date from events.parquet and identities.parquet. A test keeps it
// equivalent to the Go analysis, row for row.
package sql

import _ "embed"

// Stages is the text of stages.sql; its header says which views and
// variables it expects.
//
//go:embed stages.sql
var Stages string
