package report

import (
	"fmt"

	"github.com/journeys-dev/journeys/analyze"
)

// A term is one entry of the reports' glossary.
type term struct {
	Name, Definition string
}

// glossary defines every stage, state and column the reports use, with the
// analysis' own thresholds.
func glossary(m analyze.Model) []term {
	w := fmt.Sprintf("in the %d days before the date judged", m.WindowDays)
	return []term{
		{stageLabel(analyze.StageDiscovery), "starred or forked a repository, and no other stage's rule holds."},
		{stageLabel(analyze.StageFirstContact), "acted on the community's issues or pull requests: opened one, commented, reviewed, closed, labelled, reopened, assigned or merged."},
		{stageLabel(analyze.StageParticipation), "authored a merged pull request, authored or co-authored a default-branch commit, or is listed in .all-contributorsrc."},
		{stageLabel(analyze.StageSustainedParticipation), fmt.Sprintf("own merged work (pull requests, commits) in at least %d distinct calendar months %s.", m.SustainedMonths, w)},
		{stageLabel(analyze.StageNetworkedParticipation), fmt.Sprintf("reviewed or commented on at least %d issues or pull requests of others %s.", m.NetworkedItems, w)},
		{stageLabel(analyze.StageLeadership), fmt.Sprintf("merged at least %d pull request(s) of others, or closed or labelled at least %d items of others, %s.", m.LeadershipMerges, m.LeadershipTriaged, w)},
		{"Stage (now at stage)", "the highest stage whose rule holds on the date judged; a person can be at a stage without meeting the rules below it."},
		{"Reached (funnel)", "met the step's own rule on some day, after reaching the step before: each step counts at most the people of the step before."},
		{"Conversion", "the share of the step before (or of first contact) who reached the step."},
		{"Median days from first contact", "the median of the days from reaching first contact to reaching the step; the number of people behind it in brackets."},
		{"New", fmt.Sprintf("first action at most %d days before the date.", m.NewDays)},
		{"Active", fmt.Sprintf("last action at most %d days before the date, and not new.", m.ActiveDays)},
		{"Dormant", fmt.Sprintf("last action %d to %d days before the date.", m.ActiveDays+1, m.DormantDays)},
		{"Churned", fmt.Sprintf("last action more than %d days before the date.", m.DormantDays)},
		{"Never acted", "seen only through stars, forks, a listing in .all-contributorsrc or their pull request merged by someone else: no state."},
		{"Newcomers", "people whose first contact (issue, pull request, comment, review or commit) was in the month."},
		{"First issue or PR", "people who opened their first issue or pull request in the month, whether or not it was their first contact: someone who commented in an earlier month is among that month's newcomers and counts here, so this column can exceed Newcomers."},
		{"Time to first response", "hours from a newcomer's first issue or pull request to the first comment or review by someone else who is not a bot; unanswered items are left out of the medians."},
	}
}
