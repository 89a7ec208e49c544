package analyze

import "time"

// The types in this file are the rows of the tables the analysis writes
// (documented column by column in docs/analysis.md).

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

// A Contributor is one row of contributors.parquet: one person's journey in
// one community, judged at the analysis date.
type Contributor struct {
	Community       string     `parquet:"community,dict"`
	Login           string     `parquet:"login"`
	Stage           string     `parquet:"stage,dict"`
	State           *string    `parquet:"state,dict"`
	FirstActivityAt time.Time  `parquet:"first_activity_at"`
	LastActivityAt  time.Time  `parquet:"last_activity_at"`
	FirstContactAt  *time.Time `parquet:"first_contact_at"`
	StageReachedAt  time.Time  `parquet:"stage_reached_at"`
	StageReason     string     `parquet:"stage_reason"`

	// The counts behind the rules (all time unless "12m": the 365 days
	// before the analysis date).
	Stars              int64 `parquet:"stars"`
	Forks              int64 `parquet:"forks"`
	IssuesOpened       int64 `parquet:"issues_opened"`
	PullRequestsOpened int64 `parquet:"prs_opened"`
	Comments           int64 `parquet:"comments"`
	Reviews            int64 `parquet:"reviews"`
	PullRequestsMerged int64 `parquet:"own_prs_merged"`
	Commits            int64 `parquet:"commits"`
	// CoAuthoredCommits counts default-branch commits whose message
	// credits the person in a Co-authored-by trailer.
	CoAuthoredCommits    int64 `parquet:"co_authored_commits"`
	Recognized           bool  `parquet:"recognized"`
	ContributionMonths12 int64 `parquet:"contribution_months_12m"`
	OthersItemsEngaged12 int64 `parquet:"others_items_engaged_12m"`
	OthersPRsMerged12    int64 `parquet:"others_prs_merged_12m"`
	OthersItemsTriaged12 int64 `parquet:"others_items_triaged_12m"`
}

// A ContributorMonth is one row of contributor_months.parquet: the stage and
// state at one month end (or at the analysis date, for the last row).
type ContributorMonth struct {
	Community string    `parquet:"community,dict"`
	Login     string    `parquet:"login"`
	Month     time.Time `parquet:"month,date"`
	Stage     string    `parquet:"stage,dict"`
	State     *string   `parquet:"state,dict"`
}

// A Transition is one row of transitions.parquet: a change of stage, up or
// down, between two consecutive snapshots. FromStage is nil for a person's
// first appearance.
type Transition struct {
	Community string    `parquet:"community,dict"`
	Login     string    `parquet:"login"`
	FromStage *string   `parquet:"from_stage,dict"`
	ToStage   string    `parquet:"to_stage,dict"`
	At        time.Time `parquet:"at"`
}

// A FunnelRow is one row of funnel.parquet: per community and stage.
type FunnelRow struct {
	Community string `parquet:"community,dict"`
	Stage     string `parquet:"stage,dict"`
	// Order is the stage's position, 0 for discovery.
	Order        int64 `parquet:"stage_order"`
	EverReached  int64 `parquet:"ever_reached"`
	CurrentCount int64 `parquet:"current"`
	// MedianDaysFromFirstContact is nil when nobody who reached the stage
	// had a first contact before reaching it.
	MedianDaysFromFirstContact *float64 `parquet:"median_days_from_first_contact"`
}

// An Identity is one row of identities.parquet: a commit author (or
// co-author) name and email, and the login it was resolved to.
type Identity struct {
	Community string  `parquet:"community,dict"`
	Name      string  `parquet:"name"`
	Email     string  `parquet:"email"`
	Login     *string `parquet:"login"`
	// Method is github_link, alias, noreply, same_email, mailmap,
	// same_name or unresolved.
	Method  string `parquet:"method,dict"`
	Commits int64  `parquet:"commits"`
}

// A Bot is one row of bots.parquet: an account set aside as a bot, and why.
type Bot struct {
	Login string `parquet:"login"`
	// Reason is type_bot, bot_suffix, known_list or config_pattern.
	Reason string `parquet:"reason,dict"`
	// Events counts the events (up to the analysis date) the account did,
	// or authored as a resolved commit author, in all communities.
	Events int64 `parquet:"events"`
}
