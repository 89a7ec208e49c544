package report

import (
	"fmt"
	"time"

	"github.com/journeys-dev/journeys/analyze"
	"github.com/journeys-dev/journeys/schema"
)

// The fixture is a small, fixed dataset of two communities, built in
// memory: people with a stage history, and the events behind it.

var fixtureAsOf = time.Date(2024, 6, 30, 0, 0, 0, 0, time.UTC)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 12, 0, 0, 0, time.UTC) }

func ptr[T any](v T) *T { return &v }

// A fixturePerson is one login's stage history in one community.
type fixturePerson struct {
	community, login string
	stages           []stageAt // in time order
	churned          bool
}

type stageAt struct {
	at    time.Time
	stage string
}

// fixtureBuilder turns people and events into the analysis tables.
type fixtureBuilder struct {
	asOf   time.Time
	people []fixturePerson
	events []schema.Event
	seq    int
}

func (b *fixtureBuilder) person(community, login string, stages ...stageAt) {
	b.people = append(b.people, fixturePerson{community: community, login: login, stages: stages})
}

func (b *fixtureBuilder) event(community, repo, actor string, kind schema.Kind, at time.Time, number int64, targetAuthor string) {
	b.seq++
	e := schema.Event{Community: community, Repo: repo, Actor: ptr(actor), ActorType: ptr("User"), Kind: kind,
		OccurredAt: at, SourceID: fmt.Sprintf("e%d", b.seq)}
	if len(actor) > 5 && actor[len(actor)-5:] == "[bot]" {
		e.ActorType = ptr("Bot")
	}
	if number > 0 {
		e.TargetNumber = ptr(number)
		e.TargetAuthor = ptr(targetAuthor)
		e.TargetIsPullRequest = ptr(kind == schema.KindPROpened || kind == schema.KindReview || kind == schema.KindReviewComment)
	}
	b.events = append(b.events, e)
}

func (b *fixtureBuilder) input() Input {
	in := Input{Events: b.events}
	type ck struct{ community, stage string }
	ever := map[ck]int64{}
	current := map[ck]int64{}
	communities := []string{}
	seen := map[string]bool{}
	for _, p := range b.people {
		if !seen[p.community] {
			seen[p.community] = true
			communities = append(communities, p.community)
		}
		last := p.stages[len(p.stages)-1]
		state := ptr(analyze.StateActive)
		if p.churned {
			state = ptr(analyze.StateChurned)
		}
		in.Contributors = append(in.Contributors, schema.Contributor{
			Community: p.community, Login: p.login, Stage: last.stage, State: state,
			FirstActivityAt: p.stages[0].at, LastActivityAt: last.at, StageReachedAt: last.at,
			StageReason: "fixture",
		})
		top := 0
		var from *string
		for _, s := range p.stages {
			in.Transitions = append(in.Transitions, schema.Transition{Community: p.community, Login: p.login, FromStage: from, ToStage: s.stage, At: s.at})
			from = ptr(s.stage)
			top = max(top, stageIndex(s.stage))
		}
		for i := 0; i <= top; i++ {
			ever[ck{p.community, analyze.Stages[i]}]++
		}
		current[ck{p.community, last.stage}]++
		// One snapshot per month end, from the first stage to the analysis date.
		for m := monthIndex(p.stages[0].at); m <= monthIndex(b.asOf); m++ {
			end := monthStart(m + 1).Add(-time.Second)
			stage := ""
			for _, s := range p.stages {
				if !s.at.After(end) {
					stage = s.stage
				}
			}
			st := ptr(analyze.StateActive)
			if p.churned && m == monthIndex(b.asOf) {
				st = ptr(analyze.StateChurned)
			}
			in.Months = append(in.Months, schema.ContributorMonth{Community: p.community, Login: p.login, Month: monthStart(m), Stage: stage, State: st})
		}
	}
	for _, c := range communities {
		for i, s := range analyze.Stages {
			row := schema.FunnelRow{Community: c, Stage: s, Order: int64(i), EverMet: ever[ck{c, s}], CurrentCount: current[ck{c, s}]}
			if i >= 2 && row.EverMet > 0 {
				row.MedianDaysFromFirstContact = ptr(float64(30 * (i - 1)))
				row.MedianDaysN = row.EverMet
			}
			if contacts := ever[ck{c, analyze.StageFirstContact}]; i >= 2 && contacts > 0 {
				row.ConversionFromFirstContact = ptr(float64(row.EverMet) / float64(contacts))
			}
			in.Funnel = append(in.Funnel, row)
		}
	}
	in.Analysis = analyze.Manifest{ToolVersion: "v0.3.0", AsOf: b.asOf, Model: analyze.DefaultModel(), Communities: communities,
		EventsRead: int64(len(b.events)), Bots: 1, UnresolvedCommits: 4, UnresolvedIdentities: 2}
	in.ConfigPath = "journeys.yaml"
	in.ToolVersion = "v0.3.0"
	in.GeneratedAt = time.Date(2024, 7, 1, 8, 30, 0, 0, time.UTC)
	return in
}

// fixture returns the fixed dataset of the golden tests.
func fixture() Input {
	b := &fixtureBuilder{asOf: fixtureAsOf}
	const tw, lab = "The Turing Way", "Example Lab"
	const twRepo, twDocs, labRepo = "the-turing-way/the-turing-way", "the-turing-way/docs", "example-lab/tool"

	// The Turing Way: two leaders of long standing, a steady contributor,
	// newcomers of the last year, stargazers.
	b.person(tw, "ada", stageAt{day(2022, 1, 10), analyze.StageFirstContact}, stageAt{day(2022, 2, 1), analyze.StageParticipation},
		stageAt{day(2022, 6, 1), analyze.StageSustainedParticipation}, stageAt{day(2023, 1, 15), analyze.StageLeadership})
	b.person(tw, "grace", stageAt{day(2022, 3, 5), analyze.StageParticipation}, stageAt{day(2023, 3, 1), analyze.StageNetworkedParticipation},
		stageAt{day(2023, 9, 1), analyze.StageLeadership})
	b.person(tw, "linus", stageAt{day(2023, 2, 2), analyze.StageFirstContact}, stageAt{day(2023, 5, 2), analyze.StageParticipation},
		stageAt{day(2023, 10, 2), analyze.StageSustainedParticipation})
	b.person(tw, "margaret", stageAt{day(2023, 8, 20), analyze.StageFirstContact}, stageAt{day(2023, 11, 3), analyze.StageParticipation})
	b.person(tw, "alan", stageAt{day(2023, 12, 5), analyze.StageFirstContact})
	b.person(tw, "barbara", stageAt{day(2024, 2, 14), analyze.StageFirstContact}, stageAt{day(2024, 4, 1), analyze.StageParticipation})
	b.person(tw, "ken", stageAt{day(2024, 5, 9), analyze.StageFirstContact})
	b.person(tw, "dennis", stageAt{day(2022, 5, 1), analyze.StageParticipation}, stageAt{day(2023, 5, 1), analyze.StageFirstContact})
	b.people[len(b.people)-1].churned = true
	for i, d := range []time.Time{day(2023, 7, 1), day(2023, 11, 11), day(2024, 1, 20), day(2024, 3, 3), day(2024, 6, 1)} {
		b.person(tw, fmt.Sprintf("star%d", i+1), stageAt{d, analyze.StageDiscovery})
	}

	// Events behind The Turing Way's journeys.
	ev := b.event
	ev(tw, twRepo, "ada", schema.KindPROpened, day(2022, 1, 10), 1, "ada")
	ev(tw, twRepo, "ada", schema.KindCommit, day(2022, 2, 1), 0, "")
	ev(tw, twRepo, "grace", schema.KindIssueOpened, day(2022, 3, 5), 2, "grace")
	ev(tw, twRepo, "ada", schema.KindIssueComment, day(2022, 3, 6), 2, "grace")
	ev(tw, twRepo, "dennis", schema.KindIssueOpened, day(2022, 5, 1), 3, "dennis")
	ev(tw, twRepo, "linus", schema.KindIssueOpened, day(2023, 2, 2), 10, "linus")
	ev(tw, twRepo, "linus", schema.KindIssueComment, day(2023, 2, 2).Add(time.Hour), 10, "linus") // own comment: not a response
	ev(tw, twRepo, "grace", schema.KindIssueComment, day(2023, 2, 3), 10, "linus")
	ev(tw, twRepo, "linus", schema.KindPROpened, day(2023, 5, 2), 11, "linus")
	ev(tw, twRepo, "linus", schema.KindCommit, day(2023, 6, 2), 0, "")
	ev(tw, twRepo, "linus", schema.KindCommit, day(2023, 10, 2), 0, "")
	ev(tw, twDocs, "margaret", schema.KindPROpened, day(2023, 8, 20), 5, "margaret")
	ev(tw, twDocs, "welcome[bot]", schema.KindIssueComment, day(2023, 8, 20).Add(time.Minute), 5, "margaret") // bot: not a response
	ev(tw, twDocs, "ada", schema.KindReview, day(2023, 8, 22), 5, "margaret")
	ev(tw, twDocs, "margaret", schema.KindIssueComment, day(2023, 9, 3), 5, "margaret")
	ev(tw, twDocs, "margaret", schema.KindPROpened, day(2023, 11, 3), 6, "margaret")
	ev(tw, twRepo, "alan", schema.KindIssueOpened, day(2023, 12, 5), 20, "alan")
	ev(tw, twRepo, "grace", schema.KindIssueComment, day(2023, 12, 5).Add(5*time.Hour), 20, "alan")
	ev(tw, twRepo, "barbara", schema.KindIssueOpened, day(2024, 2, 14), 21, "barbara")
	ev(tw, twRepo, "ada", schema.KindIssueComment, day(2024, 2, 20), 21, "barbara")
	ev(tw, twRepo, "barbara", schema.KindPROpened, day(2024, 4, 1), 22, "barbara")
	ev(tw, twRepo, "barbara", schema.KindIssueComment, day(2024, 5, 1), 21, "barbara")
	ev(tw, twRepo, "ken", schema.KindIssueOpened, day(2024, 5, 9), 23, "ken") // unanswered
	ev(tw, twRepo, "ada", schema.KindIssueComment, day(2024, 6, 10), 2, "grace")
	ev(tw, twRepo, "grace", schema.KindReview, day(2024, 6, 12), 22, "barbara")
	for i, d := range []time.Time{day(2023, 7, 1), day(2023, 11, 11), day(2024, 1, 20), day(2024, 3, 3), day(2024, 6, 1)} {
		ev(tw, twRepo, fmt.Sprintf("star%d", i+1), schema.KindStar, d, 0, "")
	}

	// Example Lab: small, young.
	b.person(lab, "hedy", stageAt{day(2023, 9, 1), analyze.StageParticipation}, stageAt{day(2024, 1, 1), analyze.StageSustainedParticipation})
	b.person(lab, "radia", stageAt{day(2024, 1, 15), analyze.StageFirstContact}, stageAt{day(2024, 3, 1), analyze.StageParticipation})
	b.person(lab, "star6", stageAt{day(2024, 4, 4), analyze.StageDiscovery})
	ev(lab, labRepo, "hedy", schema.KindPROpened, day(2023, 9, 1), 1, "hedy")
	ev(lab, labRepo, "hedy", schema.KindCommit, day(2023, 12, 1), 0, "")
	ev(lab, labRepo, "radia", schema.KindIssueOpened, day(2024, 1, 15), 2, "radia")
	ev(lab, labRepo, "hedy", schema.KindIssueComment, day(2024, 1, 18), 2, "radia")
	ev(lab, labRepo, "radia", schema.KindPROpened, day(2024, 3, 1), 3, "radia")
	ev(lab, labRepo, "hedy", schema.KindReviewComment, day(2024, 3, 2), 3, "radia")
	ev(lab, labRepo, "star6", schema.KindStar, day(2024, 4, 4), 0, "")

	in := b.input()
	in.Bots = []schema.Bot{{Login: "welcome[bot]", Reason: "type"}}
	in.Sensitivity = fixtureSensitivity(in, tw)
	in.Collection = schema.Manifest{
		ToolVersion: "v0.3.0", APIURL: "https://api.github.com/",
		StartedAt: day(2024, 6, 30), FinishedAt: day(2024, 6, 30).Add(12 * time.Minute),
		Repos: []schema.RepoStatus{
			{Community: tw, Repo: twRepo, Status: "ok", Rows: map[string]int64{"events": 27}, Requests: 40},
			{Community: tw, Repo: twDocs, Status: "ok", Rows: map[string]int64{"events": 5}, Requests: 12},
			{Community: tw, Repo: "the-turing-way/gone", Status: "failed", Error: "GET /repos/the-turing-way/gone: 404 Not Found", Rows: map[string]int64{}},
			{Community: lab, Repo: labRepo, Status: "ok", Rows: map[string]int64{"events": 7}, Requests: 9},
		},
		Tables:     map[string]int64{"issues": 12, "comments": 9, "events": 39, "commits": 4},
		Requests:   61,
		Incomplete: []string{"reviews of 1 pull request failed"},
	}
	return in
}
