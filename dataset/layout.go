package dataset

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/journeys-dev/journeys/internal/table"
	"github.com/journeys-dev/journeys/schema"
)

// SchemaVersion is the version of the tables' schema recorded in
// manifest.json, as in every file's journeys.schema_version.
const SchemaVersion = table.SchemaVersion

// ManifestFile is the name, inside the output folder, of the description
// of the partitioned datasets.
const ManifestFile = "manifest.json"

// A Manifest is the content of manifest.json.
type Manifest struct {
	SchemaVersion int    `json:"schema_version"`
	ToolVersion   string `json:"tool_version"`
	// ConfigSHA256 is the SHA-256 of the configuration file's bytes ("" if
	// none was given).
	ConfigSHA256 string `json:"config_sha256"`
	// AnalysisDate is the analysis date (YYYY-MM-DD) of the analysis
	// tables; null when only collected tables are laid out.
	AnalysisDate *string `json:"analysis_date"`
	// Layout is "hive": TABLE/key=value/.../part-N.parquet, values escaped
	// as EscapePathValue does, partition columns only in the path.
	Layout string               `json:"layout"`
	Tables map[string]TableInfo `json:"tables"`
	// Repos gives each repository's status and rows per table, from
	// collection.json.
	Repos []schema.RepoStatus `json:"repos"`
}

// PartitionOptions configure WritePartitioned.
type PartitionOptions struct {
	ToolVersion string
	// ConfigPath is hashed into the manifest when set.
	ConfigPath string
	// AnalysisDate, when set, says the analysis tables are current and are
	// laid out too; otherwise only the collected tables are, and stale
	// partitioned analysis tables are removed.
	AnalysisDate time.Time
}

// ConfigHash returns the hex SHA-256 of a file's bytes.
func ConfigHash(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("hash config: %w", err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}

// WritePartitioned writes every table of dir (the flat TABLE.parquet files,
// which stay as they are) a second time as a Hive-partitioned dataset
// DIR/TABLE/community=…/repo=…/part-N.parquet (by community alone for the
// analysis tables; bots/ has no partition), and DIR/manifest.json. Each
// dataset replaces the previous one whole, by a rename.
func WritePartitioned(ctx context.Context, dir string, opts PartitionOptions) (*Manifest, error) {
	m := &Manifest{SchemaVersion: SchemaVersion, ToolVersion: opts.ToolVersion, Layout: "hive", Tables: map[string]TableInfo{}, Repos: []schema.RepoStatus{}}
	if opts.ConfigPath != "" {
		h, err := ConfigHash(opts.ConfigPath)
		if err != nil {
			return nil, err
		}
		m.ConfigSHA256 = h
	}
	if cm, err := schema.ReadManifest(dir); err == nil {
		m.Repos = cm.Repos
	} else {
		return nil, fmt.Errorf("partitioned layout: %w", err)
	}
	// The raw tables; the analysis tables when they are current (an
	// optional one when its flat file is there); the datasets of the
	// others are stale.
	var tables, stale []*schema.Table
	if !opts.AnalysisDate.IsZero() {
		d := opts.AnalysisDate.UTC().Format("2006-01-02")
		m.AnalysisDate = &d
	}
	for _, t := range schema.Tables {
		switch {
		case t.Stage == schema.Collect:
			tables = append(tables, t)
		case opts.AnalysisDate.IsZero():
			stale = append(stale, t)
		case t.Optional:
			if _, err := os.Stat(filepath.Join(dir, t.File())); err != nil {
				stale = append(stale, t)
				continue
			}
			tables = append(tables, t)
		default:
			tables = append(tables, t)
		}
	}
	tmp, err := os.MkdirTemp(dir, ".partition-tmp-*")
	if err != nil {
		return nil, fmt.Errorf("partitioned layout: %w", err)
	}
	defer os.RemoveAll(tmp)
	for _, t := range tables {
		src := filepath.Join(dir, t.File())
		if _, err := os.Stat(src); err != nil {
			return nil, fmt.Errorf("partitioned layout: %s is missing in %s", t.File(), dir)
		}
		info, err := partitionTable(ctx, src, filepath.Join(tmp, t.Name), t.Partition)
		if err != nil {
			return nil, fmt.Errorf("partitioned layout of %s: %w", t.Name, err)
		}
		info.Path = t.Name
		m.Tables[t.Name] = info
	}
	for _, t := range tables {
		if err := replaceDir(filepath.Join(tmp, t.Name), filepath.Join(dir, t.Name), tmp); err != nil {
			return nil, fmt.Errorf("partitioned layout: %w", err)
		}
	}
	for _, t := range stale {
		if err := os.RemoveAll(filepath.Join(dir, t.Name)); err != nil {
			return nil, fmt.Errorf("partitioned layout: remove stale %s/: %w", t.Name, err)
		}
	}
	if err := writeJSON(filepath.Join(dir, ManifestFile), m); err != nil {
		return nil, fmt.Errorf("partitioned layout: %w", err)
	}
	return m, nil
}

// replaceDir moves the folder src to dst, replacing dst whole: the old one
// is moved aside (into trash) first, then removed.
func replaceDir(src, dst, trash string) error {
	old := filepath.Join(trash, ".old-"+filepath.Base(dst))
	if err := os.Rename(dst, old); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("move the previous %s aside: %w", dst, err)
	}
	if err := os.Rename(src, dst); err != nil {
		return fmt.Errorf("move %s into place: %w", dst, err)
	}
	return nil
}

func writeJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("encode %s: %w", filepath.Base(path), err)
	}
	if err := table.WriteFileAtomic(path, append(b, '\n')); err != nil {
		return fmt.Errorf("write %s: %w", filepath.Base(path), err)
	}
	return nil
}
