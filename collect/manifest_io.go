package collect

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/journeys-dev/journeys/internal/table"
)

// ReadManifest reads DIR/collection.json.
func ReadManifest(dir string) (*Manifest, error) {
	b, err := os.ReadFile(filepath.Join(dir, ManifestFile))
	if err != nil {
		return nil, fmt.Errorf("read collection manifest: %w", err)
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("read %s: %w", filepath.Join(dir, ManifestFile), err)
	}
	return &m, nil
}

func writeManifest(dir string, m *Manifest) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("encode collection manifest: %w", err)
	}
	if err := table.WriteFileAtomic(filepath.Join(dir, ManifestFile), append(b, '\n')); err != nil {
		return fmt.Errorf("write collection manifest: %w", err)
	}
	return nil
}
