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

// reportGlossary is the glossary of r: the comparison section's columns
// too when r has one.
func reportGlossary(r *Report) []term {
	g := glossary(r.Model)
	if r.Compare != nil {
		g = append(g, compareTerms()...)
	}
	return g
}

// compareTerms define the columns of the comparison section.
func compareTerms() []term {
	return []term{
		{"Ladder conversion (communities compared)", "for each step, the people who reached it on the funnel's ladder as a share of those who reached the step before (funnel.parquet's conversion_from_previous), with both counts."},
		{"Newcomers (communities compared)", "people whose first contact (issue, pull request, comment, review or commit) came on or before the analysis date."},
		{"Participation within 90 days, participation within 365 days", "of the newcomers whose first contact is at least 90 (365) days before the analysis date, the share whose first own commit, own pull request merged, co-authored commit (unless count_coauthors is false) or listing in .all-contributorsrc in events.parquet came at most 90 (365) days after their first contact. Newcomers of the last 90 (365) days are left out (right-censoring): they have not had the time. Commits that the analysis tied to a login by email or name alone are not seen here."},
		{"Median days from first contact to participation (people)", "the funnel's median of the days from reaching first contact to reaching participation on its ladder; the number of people behind it in brackets."},
		{"First issues or PRs", "newcomers who opened an issue or pull request by the analysis date: their first one is the item timed."},
		{"Answered", "of those first items, the ones with a comment or review by someone else, not a bot, by the analysis date."},
		{"Median time to first response; median since the window opened (answered)", "the median time to first response over the answered first items: all of them, and those opened in the window (the number answered in brackets)."},
		{"Months after first contact (retention)", "k: the k-th calendar month after the month of a newcomer's first contact. Each cell is the share of the newcomers whose k-th month is over by the analysis date who acted (issue, pull request, comment, review or commit) in it, pooled over every month of first contact."},
		{"Active people (communities compared)", "people new or active at a month end (see New, Active), never those who never acted; in a period of a quarter or a year, the mean over its month ends. The share is of the community's own largest period on that axis; the mean people in brackets."},
		{"Period, months since first activity", "the calendar month, quarter or year; or the community's age, in months since its first month with anybody who acted (0 is that month). Long histories are binned into quarters (over 36 months) or years (over 144 months)."},
	}
}
