package analyze

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"time"
)

// ManifestFile is the name, inside the output folder, of the JSON file that
// says how the analysis was run.
const ManifestFile = "analysis.json"

// A Manifest is the content of DIR/analysis.json.
type Manifest struct {
	ToolVersion string    `json:"tool_version"`
	AsOf        time.Time `json:"as_of"`
	Model       Model     `json:"model"`
	// ModelHash is Model.Hash(), also in every analysis table's metadata.
	ModelHash   string   `json:"model_hash"`
	Communities []string `json:"communities"`
	// EventsRead counts the rows of events.parquet the analysis read.
	EventsRead int64 `json:"events_read"`
	// Contributors counts journeys: (community, login) pairs that are not bots.
	Contributors int64 `json:"contributors"`
	// Bots counts accounts set aside as bots.
	Bots int64 `json:"bots"`
	// UnresolvedCommits counts commits (and co-author credits) whose author
	// could not be tied to a login; they are in no journey.
	UnresolvedCommits    int64 `json:"unresolved_commits"`
	UnresolvedIdentities int64 `json:"unresolved_identities"`
	Pseudonymized        bool  `json:"pseudonymized"`
	// IgnoredEvents counts events read but not used, by reason:
	// "after_as_of", "before_1970", "no_actor" (nobody to credit) or "unknown_kind:KIND".
	IgnoredEvents map[string]int64 `json:"ignored_events"`
}

// A Model holds the thresholds of the journey model. DefaultModel returns
// the defaults documented in docs/analysis.md; the config's model: section
// overrides them.
type Model struct {
	// WindowDays is "the last 12 months": the days before the date judged.
	WindowDays int `json:"window_days"`
	// SustainedMonths: distinct calendar months with an own merged pull
	// request or default-branch commit, within the window.
	SustainedMonths int `json:"sustained_months"`
	// NetworkedItems: distinct issues or pull requests by others reviewed or
	// commented on, within the window.
	NetworkedItems int `json:"networked_items"`
	// LeadershipMerges: pull requests by others merged, within the window.
	LeadershipMerges int `json:"leadership_merges"`
	// LeadershipTriaged: distinct issues or pull requests by others closed
	// or labelled, within the window.
	LeadershipTriaged int `json:"leadership_triaged"`
	// NewDays, ActiveDays, DormantDays bound the activity states.
	NewDays     int `json:"new_days"`
	ActiveDays  int `json:"active_days"`
	DormantDays int `json:"dormant_days"`
}

// Hash identifies the thresholds: "sha256:" and the hex digest of their
// JSON encoding (the fields of analysis.json's "model", in order). Two
// analyses with the same hash used the same model.
func (m Model) Hash() string {
	b, _ := json.Marshal(m) // a struct of ints always encodes
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// DefaultModel returns the default thresholds.
func DefaultModel() Model {
	return Model{
		WindowDays:        365,
		SustainedMonths:   3,
		NetworkedItems:    3,
		LeadershipMerges:  1,
		LeadershipTriaged: 5,
		NewDays:           90,
		ActiveDays:        180,
		DormantDays:       365,
	}
}
