package pipeline

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/journeys-dev/journeys/dataset"
	"github.com/journeys-dev/journeys/schema"
)

// MergeOptions say what Merge combines, and how the result is laid out.
type MergeOptions struct {
	// Out is the merged output folder; Dirs the folders of the
	// collections (or of the shards of one) to combine.
	Out  string
	Dirs []string
	// Layout is dataset.LayoutFlat (or "") or dataset.LayoutPartitioned.
	Layout string
	// ConfigPath, when set, is hashed into the layout's manifest.json.
	ConfigPath  string
	ToolVersion string
	// Logger receives what Merge does; nil discards it.
	Logger *slog.Logger
}

// Merge combines the collections of opts.Dirs into opts.Out (see
// dataset.Merge) and lays the result out when the layout is partitioned,
// so that analyze and report then run on it. The manifest is set when the
// merged folder was written and laid out; the error then wraps
// dataset.ErrIncomplete if some shards or repositories are missing.
func Merge(ctx context.Context, opts MergeOptions) (*schema.Manifest, error) {
	layout, err := dataset.ParseLayout(opts.Layout)
	if err != nil {
		return nil, &OptionsError{err}
	}
	if opts.Out == "" {
		return nil, optionsError("no output folder given")
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	m, mergeErr := dataset.Merge(ctx, opts.Out, opts.Dirs, dataset.MergeOptions{Logger: log})
	if m == nil {
		return nil, fmt.Errorf("merge: %w", mergeErr)
	}
	if layout == dataset.LayoutPartitioned {
		if _, err := layOut(ctx, opts.Out, opts.ConfigPath, opts.ToolVersion, time.Time{}, log); err != nil {
			return nil, err
		}
	}
	if mergeErr != nil {
		return m, fmt.Errorf("merge: %w", mergeErr)
	}
	return m, nil
}
