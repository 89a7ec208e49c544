package analyze

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"time"

	"github.com/journeys-dev/journeys/schema"
)

// ManifestFile is the name, inside the output folder, of the JSON file that
// says how the analysis was run.
const ManifestFile = schema.AnalysisManifestFile

// ModelVersion is the version of the journey model's rules: what each stage
// and activity state means and what each threshold of Model counts
// (docs/analysis.md). It is written into analysis.json ("model_version") and
// into every analysis table's footer (journeys.model_version). Model.Hash
// tells the threshold values apart; ModelVersion tells the rules apart.
//
// It is raised whenever a stage rule, an activity state's rule or the
// meaning of a threshold changes (a fix that changes what a rule counts
// included), so that two analyses with the same version and model hash
// judge the same events alike. A new default value does not raise it (the
// model hash differs), nor does a new table or column; changes to identity
// resolution or the bot list are told by tool_version.
//
//   - 1: the first versioned model: six stages, each the highest whose rule
//     holds at the date judged, and four activity states, as docs/analysis.md
//     describes them.
const ModelVersion = "1"

// A Manifest is the content of DIR/analysis.json.
type Manifest struct {
	ToolVersion string    `json:"tool_version"`
	AsOf        time.Time `json:"as_of"`
	Model       Model     `json:"model"`
	// ModelHash is Model.Hash(), also in every analysis table's metadata.
	ModelHash string `json:"model_hash"`
	// ModelVersion is ModelVersion, also in every analysis table's metadata.
	ModelVersion string   `json:"model_version"`
	Communities  []string `json:"communities"`
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

	// The two switches of docs/analysis.md ("Two switches"). Their zero
	// value is the default rule (count_coauthors: true, wide_first_contact:
	// true); in JSON, and so in Hash, each appears only when set, as the
	// config writes it: "count_coauthors": false, "wide_first_contact": false.
	//
	// IgnoreCoauthors (count_coauthors: false): a co-authorship
	// (commit_coauthor) gives no participation and no contribution month;
	// it is still an action.
	IgnoreCoauthors bool `json:"-"`
	// NarrowFirstContact (wide_first_contact: false): first contact needs
	// an issue or pull request opened, a comment, a review or a
	// (co-)authored commit; closing, reopening, labelling, assigning and
	// merging alone are not first contact.
	NarrowFirstContact bool `json:"-"`
}

// Hash identifies the thresholds: "sha256:" and the hex digest of their
// JSON encoding (the fields of analysis.json's "model", in order). Two
// analyses with the same hash used the same model.
func (m Model) Hash() string {
	b, _ := json.Marshal(m) // ints and two booleans always encode
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// MarshalJSON writes the thresholds, then each switch field that is set, as
// the configuration spells it ("count_coauthors": false): a model with
// neither set encodes (and hashes) as it did before the switches existed.
func (m Model) MarshalJSON() ([]byte, error) {
	type plain Model // without these methods
	b, err := json.Marshal(plain(m))
	if err != nil {
		return nil, err
	}
	var extra []byte
	if m.IgnoreCoauthors {
		extra = append(extra, `,"count_coauthors":false`...)
	}
	if m.NarrowFirstContact {
		extra = append(extra, `,"wide_first_contact":false`...)
	}
	if len(extra) == 0 {
		return b, nil
	}
	return append(append(b[:len(b)-1:len(b)-1], extra...), '}'), nil
}

// UnmarshalJSON reads what MarshalJSON writes; a switch absent (as in an
// analysis.json written before the switches) is at its default, true.
func (m *Model) UnmarshalJSON(b []byte) error {
	type plain Model
	var aux struct {
		plain
		CountCoauthors   *bool `json:"count_coauthors"`
		WideFirstContact *bool `json:"wide_first_contact"`
	}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	*m = Model(aux.plain)
	m.IgnoreCoauthors = aux.CountCoauthors != nil && !*aux.CountCoauthors
	m.NarrowFirstContact = aux.WideFirstContact != nil && !*aux.WideFirstContact
	return nil
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
