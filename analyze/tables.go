package analyze

import "time"

// The rows of the tables the analysis writes are in package schema
// (documented column by column in docs/schema.md and docs/analysis.md).

// Journey stages, lowest first. A contributor's stage at a date is the
// highest stage whose rule holds then.
const (
	StageDiscovery              = "discovery"
	StageFirstContact           = "first_contact"
	StageParticipation          = "participation"
	StageSustainedParticipation = "sustained_participation"
	StageNetworkedParticipation = "networked_participation"
	StageLeadership             = "leadership"
)

// Stages lists the stages in order, lowest first.
var Stages = []string{
	StageDiscovery, StageFirstContact, StageParticipation,
	StageSustainedParticipation, StageNetworkedParticipation, StageLeadership,
}

// Activity states.
const (
	StateNew     = "new"
	StateActive  = "active"
	StateDormant = "dormant"
	StateChurned = "churned"
)

// Evidence names the event behind a stage, so that it can be joined to
// events.parquet (kind, repo, target_number or the SHA in source_id, and
// the day of occurred_at); the event_* columns of transitions.parquet and
// contributors.parquet. All nil when none is known.
type Evidence struct {
	// Role is "met" (the event made the stage's rule hold) or "expired"
	// (for a drop: the event whose leaving the window ended the higher
	// stage's rule).
	Role, Kind, Repo *string
	// Number is the issue or pull request; SHA the commit.
	Number *int64
	SHA    *string
	// At is the event's day, at 00:00 UTC: the model judges by day.
	At *time.Time
}
