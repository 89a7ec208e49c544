package collect

import (
	"encoding/json"
	"fmt"
	"path/filepath"

	"github.com/journeys-dev/journeys/internal/table"
	"github.com/journeys-dev/journeys/schema"
)

func writeManifest(dir string, m *schema.Manifest) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("encode collection manifest: %w", err)
	}
	if err := table.WriteFileAtomic(filepath.Join(dir, schema.ManifestFile), append(b, '\n')); err != nil {
		return fmt.Errorf("write collection manifest: %w", err)
	}
	return nil
}
