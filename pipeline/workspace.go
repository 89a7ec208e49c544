package pipeline

import (
	"cmp"
	"path/filepath"

	"github.com/journeys-dev/journeys/analyze"
	"github.com/journeys-dev/journeys/report"
	"github.com/journeys-dev/journeys/schema"
)

// A Workspace is the folders a run reads and writes.
type Workspace struct {
	// Out is the output folder, the one to share: the tables (when
	// pseudonymizing, their pseudonymized copy), the partitioned datasets
	// and manifest.json, report.md and report.html.
	Out string
	// Private is the private folder when pseudonymizing, else "".
	Private string
	// Data is where collect writes the raw tables, collection.json and
	// events.parquet, and analyze its tables and analysis.json: Private
	// when pseudonymizing, else Out.
	Data string
	// State is the incremental collection state: inside Private when
	// pseudonymizing.
	State string
}

// newWorkspace lays the folders out: out is the output folder, state
// the collection state folder and private the private folder (either
// "" for its default).
func newWorkspace(out, state, private string, pseudonymizing bool) Workspace {
	if !pseudonymizing {
		return Workspace{Out: out, Data: out, State: cmp.Or(state, filepath.Join(out, ".state"))}
	}
	private = cmp.Or(private, filepath.Clean(out)+".private")
	return Workspace{Out: out, Private: private, Data: private, State: filepath.Join(private, ".state")}
}

// Events is the path of events.parquet, which analyze reads.
func (w Workspace) Events() string { return filepath.Join(w.Data, schema.Events.File()) }

// Analysis is the path of the analysis.json the reports are built from.
func (w Workspace) Analysis() string { return filepath.Join(w.Out, analyze.ManifestFile) }

// Reports are the paths of report.md and report.html.
func (w Workspace) Reports() (markdown, html string) {
	return filepath.Join(w.Out, report.MarkdownFile), filepath.Join(w.Out, report.HTMLFile)
}
