package table

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/parquet/file"

	"github.com/journeys-dev/journeys/internal/version"
)

// SchemaVersion is the version of the tables' schema (docs/schema.md). It
// is raised whenever a column is renamed, removed or changes meaning, or a
// value of a documented set is renamed; adding a column does not raise it.
//
//   - 1: the first published schema.
//   - 2: event kind and contributors column "recognised" became
//     "recognized" (GitHub's American spelling, as in "labeled"); repos.parquet's id, owner_type and created_at are null
//     for a repository that could not be read; string columns are plain
//     strings to Arrow readers (no dictionary type); every file carries the
//     journeys.* metadata.
const SchemaVersion = 2

// Key-value metadata every table's footer carries (docs/schema.md).
const (
	MetaSchemaVersion = "journeys.schema_version" // SchemaVersion, as a decimal
	MetaVersion       = "journeys.version"        // the version of journeys that wrote it
	MetaTable         = "journeys.table"          // the table's name: "events" for events.parquet
	// Analysis tables also carry these three.
	MetaAnalysisDate = "journeys.analysis_date" // the --as-of date, YYYY-MM-DD
	MetaModelHash    = "journeys.model_hash"    // "sha256:…" of the model's thresholds
	MetaModelVersion = "journeys.model_version" // the version of the model's rules (analyze.ModelVersion)
)

// TableName is the table's name for the file at path: its base name
// without ".parquet".
func TableName(path string) string {
	return strings.TrimSuffix(filepath.Base(path), ".parquet")
}

// fileMetadata is the footer metadata of table name: the keys every file
// gets, and extra (which cannot override them).
func fileMetadata(name string, extra map[string]string) map[string]string {
	kv := make(map[string]string, len(extra)+3)
	for k, v := range extra {
		kv[k] = v
	}
	kv[MetaSchemaVersion] = strconv.Itoa(SchemaVersion)
	kv[MetaVersion] = version.String()
	kv[MetaTable] = name
	return kv
}

// Metadata returns the key-value metadata in the footer of the Parquet file
// at path (ARROW:schema included).
func Metadata(path string) (map[string]string, error) {
	pf, err := file.OpenParquetFile(path, false)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	defer pf.Close()
	kv := map[string]string{}
	md := pf.MetaData().KeyValueMetadata()
	for i, k := range md.Keys() {
		kv[k] = md.Values()[i]
	}
	return kv, nil
}

// Inherited returns the metadata of the file at path that a table derived
// from it keeps (the journeys.* keys other than those every file gets
// anew), as an Option for Create.
func Inherited(path string) (Option, error) {
	kv, err := Metadata(path)
	if err != nil {
		return nil, err
	}
	keep := map[string]string{}
	for k, v := range kv {
		if strings.HasPrefix(k, "journeys.") && k != MetaSchemaVersion && k != MetaVersion && k != MetaTable {
			keep[k] = v
		}
	}
	return WithMetadata(keep), nil
}

// DerivedMetadata returns what a file derived from the table pf as it is
// (a part of its partitioned dataset) carries: pf's journeys.* metadata,
// with journeys.version this build's, and the columns pf
// dictionary-encodes.
func DerivedMetadata(pf *file.Reader) (map[string]string, []string) {
	kv := map[string]string{}
	md := pf.MetaData().KeyValueMetadata()
	for i, k := range md.Keys() {
		if strings.HasPrefix(k, "journeys.") {
			kv[k] = md.Values()[i]
		}
	}
	kv[MetaVersion] = version.String()
	var dict []string
	if pf.NumRowGroups() > 0 {
		rg := pf.MetaData().RowGroup(0)
		for i := 0; i < rg.NumColumns(); i++ {
			if cc, err := rg.ColumnChunk(i); err == nil && cc.HasDictionaryPage() {
				dict = append(dict, pf.MetaData().Schema.Column(i).Name())
			}
		}
	}
	return kv, dict
}
