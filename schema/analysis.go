package schema

import "time"

// The types in this file are the rows of the tables the analysis writes
// (see Tables; docs/analysis.md describes the model behind them).

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
	// IdentityConfidence is the weakest confidence of the resolutions
	// that tie commits (own or co-authored) to this person: certain,
	// likely or guess; nil when no commit is theirs.
	IdentityConfidence *string `parquet:"identity_confidence,dict"`
	// CommitsGuessed counts their commits tied by author name alone.
	CommitsGuessed int64 `parquet:"commits_guessed"`
	// The event that last satisfied the current stage's rule (see
	// Evidence; event_role is "met").
	EventRole   *string    `parquet:"event_role,dict"`
	EventKind   *string    `parquet:"event_kind,dict"`
	EventRepo   *string    `parquet:"event_repo,dict"`
	EventNumber *int64     `parquet:"event_number"`
	EventSHA    *string    `parquet:"event_sha"`
	EventAt     *time.Time `parquet:"event_at"`
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
	// The event that caused the change (see Evidence).
	EventRole   *string    `parquet:"event_role,dict"`
	EventKind   *string    `parquet:"event_kind,dict"`
	EventRepo   *string    `parquet:"event_repo,dict"`
	EventNumber *int64     `parquet:"event_number"`
	EventSHA    *string    `parquet:"event_sha"`
	EventAt     *time.Time `parquet:"event_at"`
}

// A FunnelRow is one row of funnel.parquet: per community and stage.
type FunnelRow struct {
	Community string `parquet:"community,dict"`
	Stage     string `parquet:"stage,dict"`
	// Order is the stage's position, 0 for discovery.
	Order int64 `parquet:"stage_order"`
	// EverMet counts the people who climbed the ladder to this step: met
	// its own rule on some day, on or after the day they met the step
	// before (docs/analysis.md, "The funnel"). Each step's EverMet is at
	// most the previous step's.
	EverMet int64 `parquet:"ever_met"`
	// CurrentCount counts the people at this stage on the analysis date
	// (the highest stage whose rule holds, as in contributors.parquet).
	CurrentCount int64 `parquet:"current"`
	// ConversionFromPrevious is EverMet over the previous step's EverMet;
	// nil for discovery or when the previous step is empty.
	ConversionFromPrevious *float64 `parquet:"conversion_from_previous"`
	// ConversionFromFirstContact is EverMet over first contact's EverMet,
	// for the steps above first contact (star-only people, who dominate
	// discovery, left out of the denominator).
	ConversionFromFirstContact *float64 `parquet:"conversion_from_first_contact"`
	// MedianDaysFromFirstContact is the median of the days from meeting
	// first contact to meeting this step, over the MedianDaysN people who
	// met it; nil for discovery and first contact, and when nobody met it.
	MedianDaysFromFirstContact *float64 `parquet:"median_days_from_first_contact"`
	MedianDaysN                int64    `parquet:"median_days_n"`
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
	Method string `parquet:"method,dict"`
	// Confidence is certain, likely or guess (see the Confidence
	// constants); nil for an unresolved author.
	Confidence *string `parquet:"confidence,dict"`
	Commits    int64   `parquet:"commits"`
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

// A CohortRow is one row of cohorts.parquet: of the people of a community
// whose first contact (first action) was in calendar month CohortMonth, how
// many acted again in month CohortMonth + K (docs/analysis.md, "Cohort
// survival").
type CohortRow struct {
	Community string `parquet:"community,dict"`
	// CohortMonth is the first day of the cohort's month.
	CohortMonth time.Time `parquet:"cohort_month,date"`
	// K is the number of months after the cohort month, 1 to CohortMonths.
	K          int64 `parquet:"k"`
	CohortSize int64 `parquet:"cohort_size"`
	// StillActing counts the people of the cohort with an action in month
	// CohortMonth + K, and Share is StillActing / CohortSize; both are nil
	// (censored) when that month is not over at the analysis date.
	StillActing *int64   `parquet:"still_acting"`
	Share       *float64 `parquet:"share"`
}

// A SensitivityRow is one row of sensitivity.parquet: under one variant of
// the model (the baseline, or one threshold or switch changed), how many
// people of a community are at a stage and how many reached its step
// (docs/analysis.md, "Sensitivity analysis").
type SensitivityRow struct {
	Community string `parquet:"community,dict"`
	// Variant is "baseline" or PARAMETER=VALUE, e.g. "networked_items=5".
	Variant string `parquet:"variant,dict"`
	// Parameter and Value are the config key changed and its value in the
	// variant ("5", "false"); nil for the baseline.
	Parameter *string `parquet:"parameter,dict"`
	Value     *string `parquet:"value,dict"`
	// Baseline is true for the analysis's own model.
	Baseline bool   `parquet:"baseline"`
	Stage    string `parquet:"stage,dict"`
	// Order is the stage's position, 0 for discovery.
	Order int64 `parquet:"stage_order"`
	// AtStage counts the people at this stage on the analysis date, as
	// funnel.parquet's current does.
	AtStage int64 `parquet:"at_stage"`
	// EverReached counts the people who reached this step of the funnel's
	// ladder, as funnel.parquet's ever_met does.
	EverReached int64 `parquet:"ever_reached"`
	// StateNew ... StateChurned split AtStage by activity state on the
	// analysis date (the rest have no action); summed over the stages they
	// count the people in each state.
	StateNew     int64 `parquet:"state_new"`
	StateActive  int64 `parquet:"state_active"`
	StateDormant int64 `parquet:"state_dormant"`
	StateChurned int64 `parquet:"state_churned"`
}

// A MetricRow is one row of metrics.parquet: one CHAOSS metric of one
// community in one calendar month (docs/analysis.md, "Metrics table").
type MetricRow struct {
	Community string `parquet:"community,dict"`
	// Period is the first day of the month.
	Period time.Time `parquet:"period,date"`
	// Metric is one of Metrics.
	Metric string `parquet:"metric,dict"`
	// Value is nil where the metric is undefined (a median of nothing, a
	// ratio over no pull requests).
	Value *float64 `parquet:"value"`
	// Count is the n behind Value: the items, pull requests or people it
	// is computed over; for a count, the count itself.
	Count *int64 `parquet:"count"`
	// DefinitionURL is the metric's CHAOSS page.
	DefinitionURL string `parquet:"definition_url,dict"`
}
