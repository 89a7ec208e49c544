package analyze

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/journeys-dev/journeys/schema"
)

// Stage indexes, as in Stages.
const (
	sDiscovery = iota
	sFirstContact
	sParticipation
	sSustained
	sNetworked
	sLeadership
	numStages
)

var stateNames = [...]string{StateNew, StateActive, StateDormant, StateChurned}

// A sink receives the rows of the per-person tables as they are produced,
// in table order.
type sink struct {
	contributor func(schema.Contributor) error
	month       func(schema.ContributorMonth) error
	transition  func(schema.Transition) error
}

// counts are what a person's facts add up to at one date.
type counts struct {
	byKind [numFactKinds]int64
	// Windowed: over the facts of the last WindowDays days.
	months, engaged, othersMerged, triaged int64
}

// sweeper walks one person's facts in day order, keeping the sliding-window
// counters, and judges the stage at every day something changes.
type sweeper struct {
	m    Model
	asOf int32
	// Scratch counters, all zero between persons.
	monthCount  []int32 // by month - baseMonth
	baseMonth   int32
	engageCount []int32 // by item
	triageCount []int32 // by item
	// quiet sweeps build no rows and judge no month end, only the days
	// something changes and the analysis date (the sensitivity analysis).
	quiet bool
	// describe names the event behind a fact, for the evidence columns;
	// nil: no evidence.
	describe func(f uint64, role string) Evidence
	// before orders facts of one day and kind for the evidence, whatever
	// the order events were read in.
	before func(x, y uint64) bool
}

func newSweeper(m Model, asOf, firstDay int32, nItems uint32) *sweeper {
	base := monthOf(firstDay)
	return &sweeper{
		m: m, asOf: asOf,
		monthCount:  make([]int32, monthOf(asOf)-base+1),
		baseMonth:   base,
		engageCount: make([]int32, nItems),
		triageCount: make([]int32, nItems),
	}
}

// windowKind says how a fact enters the sliding window.
func (s *sweeper) windowKind(f uint64) int {
	switch factKind(f) {
	case fCoauthor:
		if s.m.IgnoreCoauthors {
			return 0
		}
		return 1 // a contribution month
	case fOwnMerged, fCommit:
		return 1 // a contribution month
	case fComment, fReviewComment, fReview:
		if factOthers(f) {
			return 2 // engagement with someone else's item
		}
	case fMerge:
		if factOthers(f) {
			return 3 // merged someone else's pull request
		}
	case fClose, fLabel:
		if factOthers(f) {
			return 4 // triaged someone else's item
		}
	}
	return 0
}

func (s *sweeper) enter(c *counts, f uint64) {
	switch s.windowKind(f) {
	case 1:
		i := monthOf(factDay(f)) - s.baseMonth
		if s.monthCount[i] == 0 {
			c.months++
		}
		s.monthCount[i]++
	case 2:
		i := factItem(f)
		if s.engageCount[i] == 0 {
			c.engaged++
		}
		s.engageCount[i]++
	case 3:
		c.othersMerged++
	case 4:
		i := factItem(f)
		if s.triageCount[i] == 0 {
			c.triaged++
		}
		s.triageCount[i]++
	}
}

func (s *sweeper) leave(c *counts, f uint64) {
	switch s.windowKind(f) {
	case 1:
		i := monthOf(factDay(f)) - s.baseMonth
		s.monthCount[i]--
		if s.monthCount[i] == 0 {
			c.months--
		}
	case 2:
		i := factItem(f)
		s.engageCount[i]--
		if s.engageCount[i] == 0 {
			c.engaged--
		}
	case 3:
		c.othersMerged--
	case 4:
		i := factItem(f)
		s.triageCount[i]--
		if s.triageCount[i] == 0 {
			c.triaged--
		}
	}
}

// stage judges the rules on counts, highest stage first.
func (s *sweeper) stage(c *counts) int {
	switch {
	case s.leads(c):
		return sLeadership
	case s.networked(c):
		return sNetworked
	case s.sustained(c):
		return sSustained
	case s.participated(c):
		return sParticipation
	case s.contacted(c):
		return sFirstContact
	case c.byKind[fStar]+c.byKind[fFork] > 0, s.m.NarrowFirstContact && wideOnly(c) > 0:
		// Narrow first contact: closing, labelling and the like alone are
		// discovery (seen, but no first contact by that rule).
		return sDiscovery
	}
	return -1
}

func (s *sweeper) leads(c *counts) bool {
	return c.othersMerged >= int64(s.m.LeadershipMerges) || c.triaged >= int64(s.m.LeadershipTriaged)
}

func (s *sweeper) networked(c *counts) bool { return c.engaged >= int64(s.m.NetworkedItems) }

func (s *sweeper) sustained(c *counts) bool { return c.months >= int64(s.m.SustainedMonths) }

// meets reports whether the ladder step st's own rule holds on counts c
// (docs/analysis.md, "The funnel"). Unlike stage, it judges one rule: a
// person can meet networked participation's rule without sustained
// participation's.
func (s *sweeper) meets(st int, c *counts) bool {
	switch st {
	case sDiscovery:
		return true // the funnel's entry: anyone with a record at all
	case sFirstContact:
		// An action, or a listing: a contribution the community recorded,
		// often made off GitHub.
		return s.contacted(c) || c.byKind[fRecognized] > 0
	case sParticipation:
		return s.participated(c)
	case sSustained:
		return s.sustained(c)
	case sNetworked:
		return s.networked(c)
	case sLeadership:
		return s.leads(c)
	}
	return false
}

func (s *sweeper) participated(c *counts) bool {
	n := c.byKind[fOwnMerged] + c.byKind[fCommit] + c.byKind[fRecognized]
	if !s.m.IgnoreCoauthors {
		n += c.byKind[fCoauthor]
	}
	return n > 0
}

func (s *sweeper) contacted(c *counts) bool {
	for k := range numFactKinds {
		if isAction(k) && c.byKind[k] > 0 && (!s.m.NarrowFirstContact || isContact(k)) {
			return true
		}
	}
	return false
}

// wideOnly counts the actions that are first contact only when it is wide:
// merging, closing, labelling, reopening and assigning.
func wideOnly(c *counts) int64 {
	return c.byKind[fMerge] + c.byKind[fClose] + c.byKind[fLabel] + c.byKind[fReopen] + c.byKind[fAssign]
}

// isContact reports whether a fact kind is first contact when the model's
// first contact is narrow (wide_first_contact: false): one's own issue or
// pull request, comment, review or (co-)authored commit.
func isContact(k uint8) bool {
	switch k {
	case fIssueOpened, fPROpened, fComment, fReviewComment, fReview, fCommit, fCoauthor:
		return true
	}
	return false
}

// state returns the activity state at day d (index into stateNames), or
// -1 when the person has no action yet.
func (s *sweeper) state(d, firstAction, lastAction int32) int {
	if firstAction > d || lastAction < 0 {
		return -1
	}
	switch age := d - lastAction; {
	case d-firstAction <= int32(s.m.NewDays):
		return 0
	case age <= int32(s.m.ActiveDays):
		return 1
	case age <= int32(s.m.DormantDays):
		return 2
	}
	return 3
}

// journey is the outcome of one person's sweep that the funnel needs.
type journey struct {
	current int
	maxEver int
	// reached[s]: the first day a stage at least s held; -1: never.
	reached [numStages]int32
	// ladder[s]: the first day the person met step s's own rule, on or
	// after ladder[s-1]; -1: never (and so for every step above).
	ladder [numStages]int32
	// state is the activity state at the analysis date (index into
	// stateNames); -1: no action.
	state int
}

// sweep judges one person (facts sorted) and emits their rows.
func (s *sweeper) sweep(p *personInfo, community, login string, facts []uint64, out *sink) (journey, error) {
	j := journey{current: -1, maxEver: -1}
	for i := range j.reached {
		j.reached[i], j.ladder[i] = -1, -1
	}
	climbed := 0 // the ladder steps met so far
	var c counts
	w := int32(s.m.WindowDays)
	firstAction := int32(math.MaxInt32)
	if p.firstActionAt != math.MaxInt64 {
		firstAction = dayOf(dateTime(p.firstActionAt))
	}
	lastAction := int32(-1)
	snap := min(monthEnd(monthOf(factDay(facts[0]))), s.asOf)
	if s.quiet {
		snap = s.asOf
	}
	cur, lastSnapStage := -1, -1
	// ev keeps the facts behind each rule, for the evidence columns.
	track := s.describe != nil && !s.quiet
	var ev evidenceTracker
	n := len(facts)
	i, r := 0, 0
	for {
		d := snap
		if i < n {
			d = min(d, factDay(facts[i]))
		}
		for r < i && s.windowKind(facts[r]) == 0 {
			r++
		}
		if r < i {
			d = min(d, factDay(facts[r])+w+1)
		}
		// Facts older than the window leave it, then the day's facts enter.
		for r < i {
			f := facts[r]
			if s.windowKind(f) != 0 {
				if factDay(f)+w >= d {
					break
				}
				s.leave(&c, f)
				if track {
					ev.note(s, f, &ev.left)
				}
			}
			r++
		}
		for i < n && factDay(facts[i]) == d {
			f := facts[i]
			c.byKind[factKind(f)]++
			if isAction(factKind(f)) {
				lastAction = d
			}
			s.enter(&c, f)
			if track {
				ev.note(s, f, &ev.met)
			}
			i++
		}
		for climbed < numStages && s.meets(climbed, &c) {
			j.ladder[climbed] = d
			climbed++
		}
		st := s.stage(&c)
		if st != cur {
			if track {
				ev.change(st, cur)
			}
			cur = st
			for k := j.maxEver + 1; k <= st; k++ {
				j.reached[k] = d
			}
			j.maxEver = max(j.maxEver, st)
		}
		if d == snap {
			if st >= 0 && !s.quiet {
				row := schema.ContributorMonth{Community: community, Login: login, Month: dateOf(d), Stage: Stages[st]}
				if x := s.state(d, firstAction, lastAction); x >= 0 {
					row.State = &stateNames[x]
				}
				if err := out.month(row); err != nil {
					return j, err
				}
				if st != lastSnapStage {
					t := schema.Transition{Community: community, Login: login, ToStage: Stages[st], At: dateOf(d)}
					if lastSnapStage >= 0 {
						t.FromStage = &Stages[lastSnapStage]
					}
					if track {
						e := s.describe(ev.cause, ev.causeRole)
						t.EventRole, t.EventKind, t.EventRepo, t.EventNumber, t.EventSHA, t.EventAt = e.Role, e.Kind, e.Repo, e.Number, e.SHA, e.At
					}
					if err := out.transition(t); err != nil {
						return j, err
					}
					lastSnapStage = st
				}
			}
			if snap == s.asOf {
				break
			}
			snap = min(monthEnd(monthOf(snap)+1), s.asOf)
		}
	}
	// Reset the scratch counters still held by facts in the window.
	final := c
	for ; r < n; r++ {
		if s.windowKind(facts[r]) != 0 {
			s.leave(&c, facts[r])
		}
	}
	j.current = cur
	j.state = s.state(s.asOf, firstAction, lastAction)
	if cur < 0 || s.quiet {
		return j, nil
	}
	c = final
	row := schema.Contributor{
		Community:            community,
		Login:                login,
		Stage:                Stages[cur],
		FirstActivityAt:      dateTime(p.firstAt),
		LastActivityAt:       dateTime(p.lastAt),
		StageReachedAt:       dateOf(j.reached[cur]),
		StageReason:          reason(cur, &c, s.m),
		Stars:                c.byKind[fStar],
		Forks:                c.byKind[fFork],
		IssuesOpened:         c.byKind[fIssueOpened],
		PullRequestsOpened:   c.byKind[fPROpened],
		Comments:             c.byKind[fComment] + c.byKind[fReviewComment],
		Reviews:              c.byKind[fReview],
		PullRequestsMerged:   c.byKind[fOwnMerged],
		Commits:              c.byKind[fCommit],
		CoAuthoredCommits:    c.byKind[fCoauthor],
		Recognized:           c.byKind[fRecognized] > 0,
		ContributionMonths12: c.months,
		OthersItemsEngaged12: c.engaged,
		OthersPRsMerged12:    c.othersMerged,
		OthersItemsTriaged12: c.triaged,
		CommitsGuessed:       int64(p.guessed),
	}
	if p.weakest > 0 {
		row.IdentityConfidence = &confidenceNames[p.weakest]
	}
	if x := s.state(s.asOf, firstAction, lastAction); x >= 0 {
		row.State = &stateNames[x]
	}
	if track && ev.has[cur] {
		e := s.describe(ev.met[cur], RoleMet)
		row.EventRole, row.EventKind, row.EventRepo, row.EventNumber, row.EventSHA, row.EventAt = e.Role, e.Kind, e.Repo, e.Number, e.SHA, e.At
	}
	if p.firstActionAt != math.MaxInt64 {
		t := dateTime(p.firstActionAt)
		row.FirstContactAt = &t
	}
	return j, out.contributor(row)
}

func plural(n int64, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// reason says, in words, why the rule of stage st holds.
func reason(st int, c *counts, m Model) string {
	w := fmt.Sprintf("in the last %d days", m.WindowDays)
	if m.WindowDays == 365 {
		w = "in the last 12 months"
	}
	var parts []string
	switch st {
	case sLeadership:
		if c.othersMerged >= int64(m.LeadershipMerges) {
			parts = append(parts, "merged "+plural(c.othersMerged, "pull request", "pull requests")+" by others")
		}
		if c.triaged >= int64(m.LeadershipTriaged) {
			parts = append(parts, "closed or labelled "+plural(c.triaged, "issue or pull request", "issues or pull requests")+" by others")
		}
		return strings.Join(parts, " and ") + " " + w
	case sNetworked:
		return "reviewed or commented on " + plural(c.engaged, "issue or pull request", "issues or pull requests") + " by others " + w
	case sSustained:
		return "had a merged pull request or a default-branch commit in " + plural(c.months, "calendar month", "distinct calendar months") + " " + w
	case sParticipation:
		if n := c.byKind[fOwnMerged]; n > 0 {
			parts = append(parts, "authored "+plural(n, "merged pull request", "merged pull requests"))
		}
		if n := c.byKind[fCommit]; n > 0 {
			parts = append(parts, "authored "+plural(n, "default-branch commit", "default-branch commits"))
		}
		if n := c.byKind[fCoauthor]; n > 0 && !m.IgnoreCoauthors {
			parts = append(parts, "co-authored "+plural(n, "default-branch commit", "default-branch commits"))
		}
		if c.byKind[fRecognized] > 0 {
			parts = append(parts, "is listed in .all-contributorsrc")
		}
	case sFirstContact:
		if n := c.byKind[fIssueOpened]; n > 0 {
			parts = append(parts, "opened "+plural(n, "issue", "issues"))
		}
		if n := c.byKind[fPROpened]; n > 0 {
			parts = append(parts, "opened "+plural(n, "pull request", "pull requests"))
		}
		if n := c.byKind[fComment] + c.byKind[fReviewComment]; n > 0 {
			parts = append(parts, "commented "+plural(n, "time", "times"))
		}
		if n := c.byKind[fReview]; n > 0 {
			parts = append(parts, "reviewed "+plural(n, "time", "times"))
		}
		if n := c.byKind[fCoauthor]; n > 0 && len(parts) == 0 {
			// Only with count_coauthors: false, else it is participation.
			parts = append(parts, "co-authored "+plural(n, "default-branch commit", "default-branch commits"))
		}
		if len(parts) == 0 {
			n := wideOnly(c)
			parts = append(parts, "merged, closed, reopened, labelled or assigned "+plural(n, "time", "times"))
		}
	case sDiscovery:
		if n := c.byKind[fStar]; n > 0 {
			parts = append(parts, "starred "+plural(n, "repository", "repositories"))
		}
		if n := c.byKind[fFork]; n > 0 {
			parts = append(parts, "forked "+plural(n, "repository", "repositories"))
		}
		if n := wideOnly(c); n > 0 {
			// Only with wide_first_contact: false, else it is first contact.
			parts = append(parts, "merged, closed, reopened, labelled or assigned "+plural(n, "time", "times")+" (not first contact: wide_first_contact is false)")
			return joinList(parts)
		}
		return strings.Join(parts, " and ") + ", and nothing else"
	}
	return joinList(parts)
}

// joinList joins "a", "b", "c" as "a, b and c".
func joinList(parts []string) string {
	if len(parts) <= 1 {
		return strings.Join(parts, "")
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}

// funnelAcc accumulates one community's funnel: the ladder of steps, each
// met by its own rule after the step before (journey.ladder).
type funnelAcc struct {
	met, current [numStages]int64
	// days[s]: days from the first-contact step to step s, per person.
	days [numStages][]float64
}

func (f *funnelAcc) add(j journey) {
	for st := range numStages {
		if j.ladder[st] < 0 {
			break
		}
		f.met[st]++
		if st > sFirstContact {
			f.days[st] = append(f.days[st], float64(j.ladder[st]-j.ladder[sFirstContact]))
		}
	}
	if j.current >= 0 {
		f.current[j.current]++
	}
}

func (f *funnelAcc) rows(community string) []schema.FunnelRow {
	out := make([]schema.FunnelRow, numStages)
	for st := range numStages {
		out[st] = schema.FunnelRow{
			Community: community, Stage: Stages[st], Order: int64(st),
			EverMet: f.met[st], CurrentCount: f.current[st],
			MedianDaysFromFirstContact: median(f.days[st]),
			MedianDaysN:                int64(len(f.days[st])),
		}
		if st > 0 && f.met[st-1] > 0 {
			out[st].ConversionFromPrevious = ptr(float64(f.met[st]) / float64(f.met[st-1]))
		}
		if st > sFirstContact && f.met[sFirstContact] > 0 {
			out[st].ConversionFromFirstContact = ptr(float64(f.met[st]) / float64(f.met[sFirstContact]))
		}
	}
	return out
}

func ptr[T any](v T) *T { return &v }

func median(v []float64) *float64 {
	if len(v) == 0 {
		return nil
	}
	slices.Sort(v)
	m := v[len(v)/2]
	if len(v)%2 == 0 {
		m = (v[len(v)/2-1] + m) / 2
	}
	return &m
}
