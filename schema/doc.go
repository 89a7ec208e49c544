// Package schema holds the data that flows between the stages of journeys:
// the rows of the raw tables collect writes (with Event and its Kind), the
// rows of the analysis tables, and the JSON files beside them
// (collection.json, shard.json, orgs.json).
//
// Tables is the one registry of the tables: each one's file name, the
// stage that writes it, its row type, partition columns, row order, and the
// privacy class of every column. Merging, the partitioned layout, leaving
// people out, publishing pseudonymized output, the report and
// docs/schema.md follow it; a column without a privacy class stops
// publishing.
//
// The package is a leaf: it imports nothing of the project, so that every
// stage can read the others' output without linking them.
package schema
