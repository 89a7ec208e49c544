// Package version says which build of journeys is running, for the
// command line and for the metadata written into every output file.
package version

import (
	"runtime/debug"
	"strings"
)

// stamp is set by release builds:
//
//	go build -ldflags "-X github.com/journeys-dev/journeys/internal/version.stamp=v1.2.3" ./cmd/journeys
var stamp = ""

// String returns this build's version: the stamped release tag; else the
// module version Go recorded (a tag, or a pseudo-version with the commit
// when built from a checkout); else the commit and whether the tree had
// changes ("devel+abc123def456" or "devel+abc123def456.dirty"). Without any
// of these (a test binary, a copy without .git) it is "devel+unknown", so
// it is never a bare "devel".
func String() string {
	if stamp != "" {
		return stamp
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "devel+unknown"
	}
	return fromBuildInfo(bi)
}

func fromBuildInfo(bi *debug.BuildInfo) string {
	var rev string
	dirty := false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		// Go 1.24+ stamps a checkout's build with a pseudo-version that
		// already names the commit, and "+dirty" for local changes.
		return v
	}
	if rev == "" {
		return "devel+unknown"
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	v := "devel+" + rev
	if dirty {
		v += ".dirty"
	}
	return v
}

// CreatedBy is the Parquet footer's created_by: the tool and its version,
// in the "name version X" form that readers parse.
func CreatedBy() string {
	return "journeys version " + strings.TrimSpace(String())
}
