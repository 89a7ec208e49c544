// Package report turns the tables of an analysis into a Markdown summary
// (fit for a GitHub Actions job summary or a pull request) and a
// self-contained HTML report with charts.
package report

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/journeys-dev/journeys/internal/table"
	"github.com/journeys-dev/journeys/schema"
)

// Names of the files Run reads and writes inside the output folder.
const (
	MarkdownFile = "report.md"
	HTMLFile     = "report.html"
)

// Options are the settings of Run.
type Options struct {
	// ConfigPath is the configuration file the run used, as the reports
	// name it.
	ConfigPath  string
	ToolVersion string
	// Pseudonymized withholds every name from the reports.
	Pseudonymized bool
	// Now returns the time the reports say they were generated; time.Now
	// when nil.
	Now    func() time.Time
	Logger *slog.Logger
	// Notes say what the data source does not hold (e.g. the offline
	// demo's git history has no issues); both reports list them under
	// what is incomplete.
	Notes []string
}

// eventColumns are the columns of events.parquet the report reads.
var eventColumns = []string{"community", "repo", "actor", "actor_type", "kind", "occurred_at", "target_number"}

// A Summary is what Run tells the caller.
type Summary struct {
	// Headlines has one line per community, e.g. "The Turing Way: 412
	// people; 230 reached participation, 31 now at leadership".
	Headlines []string
	// MarkdownPath and HTMLPath are the files written.
	MarkdownPath string
	HTMLPath     string
}

// Run reads the tables and manifests in dir, builds the report and writes
// dir/report.md and dir/report.html, each atomically.
func Run(ctx context.Context, dir string, opts Options) (*Summary, error) {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	in := Input{ConfigPath: opts.ConfigPath, ToolVersion: opts.ToolVersion, Pseudonymized: opts.Pseudonymized, GeneratedAt: now(), Notes: opts.Notes}

	if err := readJSON(filepath.Join(dir, schema.AnalysisManifestFile), &in.Analysis, true); err != nil {
		return nil, err
	}
	if err := readJSON(filepath.Join(dir, schema.ManifestFile), &in.Collection, false); err != nil {
		return nil, err
	}
	var err error
	read := func(name string, required bool, fn func(path string) error) {
		if err != nil {
			return
		}
		if cerr := ctx.Err(); cerr != nil {
			err = cerr
			return
		}
		path := filepath.Join(dir, name)
		if _, serr := os.Stat(path); serr != nil && errors.Is(serr, fs.ErrNotExist) && !required {
			log.Info("table absent, left out of the report", "table", name)
			return
		}
		if ferr := fn(path); ferr != nil {
			err = fmt.Errorf("read table for the report: %w", ferr)
		}
	}
	read(schema.Contributors.File(), true, func(p string) (e error) { in.Contributors, e = table.ReadFile[schema.Contributor](p); return })
	read(schema.ContributorMonths.File(), true, func(p string) (e error) {
		in.Months, e = table.ReadFile[schema.ContributorMonth](p)
		return
	})
	read(schema.Transitions.File(), true, func(p string) (e error) { in.Transitions, e = table.ReadFile[schema.Transition](p); return })
	read(schema.Funnel.File(), true, func(p string) (e error) { in.Funnel, e = table.ReadFile[schema.FunnelRow](p); return })
	read(schema.Bots.File(), false, func(p string) (e error) { in.Bots, e = table.ReadFile[schema.Bot](p); return })
	read(schema.Sensitivity.File(), false, func(p string) error {
		// Only the sensitivity analysis of this very analysis.
		md, err := table.Metadata(p)
		if err != nil {
			return err
		}
		if md[table.MetaModelHash] != in.Analysis.ModelHash || md[table.MetaAnalysisDate] != in.Analysis.AsOf.UTC().Format(time.DateOnly) {
			log.Warn("sensitivity.parquet is of another analysis (date or model), left out of the report", "table", p)
			return nil
		}
		in.Sensitivity, err = table.ReadFile[schema.SensitivityRow](p)
		return err
	})
	if err != nil {
		return nil, err
	}
	// Events are folded batch by batch: there may be millions.
	idx := newEventIndex(in.Bots)
	read(schema.Events.File(), true, func(p string) error {
		return table.ScanColumns(p, eventColumns, func(batch []schema.Event) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			idx.add(batch)
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	log.Debug("report inputs read", "contributors", len(in.Contributors), "months", len(in.Months), "transitions", len(in.Transitions))

	r, err := build(in, idx)
	if err != nil {
		return nil, err
	}
	s := &Summary{MarkdownPath: filepath.Join(dir, MarkdownFile), HTMLPath: filepath.Join(dir, HTMLFile)}
	for _, c := range r.Communities {
		s.Headlines = append(s.Headlines, c.Headline)
	}
	var md, page bytes.Buffer
	if err := WriteMarkdown(&md, r); err != nil {
		return nil, fmt.Errorf("write %s: %w", s.MarkdownPath, err)
	}
	if err := WriteHTML(&page, r); err != nil {
		return nil, fmt.Errorf("write %s: %w", s.HTMLPath, err)
	}
	if err := table.WriteFileAtomic(s.MarkdownPath, md.Bytes()); err != nil {
		return nil, err
	}
	if err := table.WriteFileAtomic(s.HTMLPath, page.Bytes()); err != nil {
		return nil, err
	}
	log.Info("report written", "markdown", s.MarkdownPath, "html", s.HTMLPath, "markdown_bytes", md.Len(), "html_bytes", page.Len())
	return s, nil
}

func readJSON(path string, v any, required bool) error {
	b, err := os.ReadFile(path)
	if err != nil {
		if !required && errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return fmt.Errorf("read %s: %w", path, err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	return nil
}
