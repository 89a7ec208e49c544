package analyze

import (
	"math"
	"slices"
	"strings"

	"github.com/journeys-dev/journeys/schema"
)

// The metric column of metrics.parquet: CHAOSS's metric names in snake
// case, Time to First Response split into its four figures.
const (
	MetricChangeRequestAcceptanceRatio  = "change_request_acceptance_ratio"
	MetricContributorAbsenceFactor      = "contributor_absence_factor"
	MetricInactiveContributors          = "inactive_contributors"
	MetricNewContributors               = "new_contributors"
	MetricTimeToFirstResponseAnswered   = "time_to_first_response_answered"
	MetricTimeToFirstResponseMedian     = "time_to_first_response_median_hours"
	MetricTimeToFirstResponseP90        = "time_to_first_response_p90_hours"
	MetricTimeToFirstResponseUnanswered = "time_to_first_response_unanswered"
)

// Metrics lists the metrics of metrics.parquet in row order (by name).
var Metrics = []string{
	MetricChangeRequestAcceptanceRatio,
	MetricContributorAbsenceFactor,
	"conversion_rate_first_contact",
	"conversion_rate_leadership",
	"conversion_rate_networked_participation",
	"conversion_rate_participation",
	"conversion_rate_sustained_participation",
	MetricInactiveContributors,
	MetricNewContributors,
	MetricTimeToFirstResponseAnswered,
	MetricTimeToFirstResponseMedian,
	MetricTimeToFirstResponseP90,
	MetricTimeToFirstResponseUnanswered,
}

// CHAOSS's stable addresses of the metrics' definitions (docs/analysis.md,
// References): the definition_url column.
const (
	chaossTimeToFirstResponse          = "https://chaoss.community/?p=3448"
	chaossNewContributors              = "https://chaoss.community/?p=3613"
	chaossInactiveContributors         = "https://chaoss.community/?p=3614"
	chaossContributorAbsenceFactor     = "https://chaoss.community/?p=3944"
	chaossChangeRequestAcceptanceRatio = "https://chaoss.community/?p=3598"
	// Conversion Rate has no stable page on chaoss.community: its source.
	chaossConversionRate = "https://github.com/chaoss/wg-evolution/blob/main/focus-areas/community-growth/conversion-rate.md"
)

// ConversionMetric is the metric of the conversion to a step of the
// funnel's ladder from the step before it: "conversion_rate_" and the
// step's stage, e.g. conversion_rate_participation.
func ConversionMetric(stage string) string { return "conversion_rate_" + stage }

// MetricDefinitions gives each metric's CHAOSS definition page.
var MetricDefinitions = map[string]string{
	MetricChangeRequestAcceptanceRatio:  chaossChangeRequestAcceptanceRatio,
	MetricContributorAbsenceFactor:      chaossContributorAbsenceFactor,
	MetricInactiveContributors:          chaossInactiveContributors,
	MetricNewContributors:               chaossNewContributors,
	MetricTimeToFirstResponseAnswered:   chaossTimeToFirstResponse,
	MetricTimeToFirstResponseMedian:     chaossTimeToFirstResponse,
	MetricTimeToFirstResponseP90:        chaossTimeToFirstResponse,
	MetricTimeToFirstResponseUnanswered: chaossTimeToFirstResponse,
}

func init() {
	for _, st := range Stages[1:] {
		MetricDefinitions[ConversionMetric(st)] = chaossConversionRate
	}
}

// conversionOrder is the ladder's steps above discovery in the order of
// their metric names, so that rows stay sorted by metric.
var conversionOrder = func() []int {
	order := []int{sFirstContact, sParticipation, sSustained, sNetworked, sLeadership}
	slices.SortFunc(order, func(a, b int) int { return strings.Compare(Stages[a], Stages[b]) })
	return order
}()

// isContribution reports whether a fact kind is a contribution for the
// metrics (CHAOSS's "contributions"): an issue or pull request opened, an
// issue or review comment, a review, a (co-)authored default-branch commit.
// These are the report's contact kinds (report/events.go); stars, forks,
// listings, merges and triage are not contributions.
func isContribution(k uint8) bool {
	switch k {
	case fIssueOpened, fPROpened, fComment, fReviewComment, fReview, fCommit, fCoauthor:
		return true
	}
	return false
}

// metricsAcc gathers, while the builder reads the events, what the item
// metrics of metrics.parquet need and the facts lack: when each issue or
// pull request was opened and by whom, its earliest responses (to the
// microsecond: facts keep only days), and the months pull requests were
// closed or merged. Nothing here holds a pointer, so the garbage collector
// has nothing to scan, and nothing grows with the number of responses.
type metricsAcc struct {
	items []metricItem // by item id
	// answers are the items' earliest responses, by item id (apart from
	// items, so that the many responses touch less memory).
	answers []metricAnswers
	// decisions packs item<<32 | month<<1 | merged, one per close or merge
	// event of an item (issues too: what is a pull request is known from
	// its opening).
	decisions []uint64
	// nameBot caches, by login, whether the bot rules that look at the
	// login alone call it a bot: 0 not asked yet, 1 no, 2 yes.
	nameBot []uint8
}

type metricItem struct {
	openedAt  int64 // unix microseconds of the opening
	opener    int32 // the login that opened it, + 1; 0: no opening seen
	community int32
	pr        bool
}

// metricAnswers are an item's earliest responses by two different
// responders, earliest first, each the responder's first. Responses by
// accounts already known to be bots are not kept; whether an account is a
// bot is settled only at the end (GitHub's type can come with a later
// event), and the second stands in for the first should it turn out to be
// one.
type metricAnswers struct {
	at [2]int64 // unix microseconds
	by [2]int32 // the responder's login + 1; 0: none
}

// grow makes s long enough to index i.
func grow[T any](s []T, i uint32) []T {
	if int(i) >= len(s) {
		s = slices.Grow(s, int(i)+1-len(s))[:i+1]
	}
	return s
}

// respond takes a response by login by at time at.
func (r *metricAnswers) respond(by int32, at int64) {
	b := by + 1
	switch {
	case r.by[0] == b:
		r.at[0] = min(r.at[0], at)
	case r.by[1] == b:
		if at < r.at[1] {
			r.at[1] = at
			if at < r.at[0] {
				r.at[0], r.at[1], r.by[0], r.by[1] = r.at[1], r.at[0], r.by[1], r.by[0]
			}
		}
	case r.by[0] == 0:
		r.at[0], r.by[0] = at, b
	case at < r.at[0]:
		r.at[1], r.by[1] = r.at[0], r.by[0]
		r.at[0], r.by[0] = at, b
	case r.by[1] == 0 || at < r.at[1]:
		r.at[1], r.by[1] = at, b
	}
}

// botSoFar reports whether login is a bot as far as the events read so far
// tell: by its name, or by GitHub's type on one of them. A bot stays one.
func (b *builder) botSoFar(login int32) bool {
	li := &b.logins[login]
	if li.typeBot {
		return true
	}
	a := &b.metrics
	a.nameBot = grow(a.nameBot, uint32(login))
	if a.nameBot[login] == 0 {
		a.nameBot[login] = 1
		if b.bots.reason(li.lower, false) != "" {
			a.nameBot[login] = 2
		}
	}
	return a.nameBot[login] == 2
}

// noteMetrics feeds the metrics with one event the builder has taken in:
// its community, fact kind, item (noItem: none), actor (-1: unknown),
// whether the item is someone else's (its author is known and is not the
// actor), its time (unix microseconds) and day.
func (b *builder) noteMetrics(community int32, kind uint8, item uint32, actor int32, others bool, at int64, day int32) {
	if item == noItem {
		return
	}
	a := &b.metrics
	switch kind {
	case fIssueOpened, fPROpened:
		if actor < 0 {
			return
		}
		a.items = grow(a.items, item)
		it := &a.items[item]
		// Should an item be opened twice, the earliest opening counts.
		if it.opener == 0 || at < it.openedAt {
			it.openedAt, it.opener, it.community, it.pr = at, actor+1, community, kind == fPROpened
		}
	case fComment, fReviewComment, fReview, fClose, fMerge:
		if kind == fClose || kind == fMerge {
			var merged uint64
			if kind == fMerge {
				merged = 1
			}
			a.decisions = append(a.decisions, uint64(item)<<32|uint64(uint32(monthOf(day)))<<1|merged)
		}
		if actor >= 0 && others && !b.botSoFar(actor) {
			a.answers = grow(a.answers, item)
			a.answers[item].respond(actor, at)
		}
	}
}

// metricsSweep builds metrics.parquet at the end of the analysis: finish
// hands it the items with the bot verdicts, then every person with a
// journey (bots left out) and their facts. Figures are kept by community
// and calendar month from the month of the analysis's first day on.
type metricsSweep struct {
	interval int32 // inactivity interval in days (Model.ActiveDays)
	asOf     int32
	base     int32 // first month kept
	months   int32 // months kept: base .. the analysis date's month
	lastOver int32 // last month with rows: the last month wholly observed
	byComm   []*commMetrics
}

// commMetrics are one community's figures, by month - base.
type commMetrics struct {
	first      int32 // the month of its first event (people only); MaxInt32: none
	newcomers  []int64
	inactive   []int64 // changes of the inactive count at each month end
	perPerson  [][]int32
	hours      [][]float64
	unanswered []int64
	closed     []int64
	merged     []int64
	// reached[st][m] counts the people who reached ladder step st in month
	// m (journey.ladder).
	reached [numStages][]int64
}

func newMetricsSweep(m Model, asOf, firstDay int32, communities int) *metricsSweep {
	base := monthOf(firstDay)
	last := monthOf(asOf)
	over := last
	if monthEnd(last) != asOf {
		over--
	}
	return &metricsSweep{
		interval: int32(m.ActiveDays), asOf: asOf, base: base, months: last - base + 1,
		lastOver: over, byComm: make([]*commMetrics, communities),
	}
}

func (s *metricsSweep) comm(c int32) *commMetrics {
	cm := s.byComm[c]
	if cm == nil {
		n := s.months
		cm = &commMetrics{
			first:     math.MaxInt32,
			newcomers: make([]int64, n), inactive: make([]int64, n+1), perPerson: make([][]int32, n),
			hours: make([][]float64, n), unanswered: make([]int64, n), closed: make([]int64, n), merged: make([]int64, n),
		}
		for st := range cm.reached {
			cm.reached[st] = make([]int64, n)
		}
		s.byComm[c] = cm
	}
	return cm
}

// ladder adds the days one person reached the funnel's steps.
func (s *metricsSweep) ladder(p *personInfo, j journey) {
	cm := s.comm(p.community)
	for st, d := range j.ladder {
		if d < 0 {
			break
		}
		if m := monthOf(d) - s.base; m >= 0 && m < s.months {
			cm.reached[st][m]++
		}
	}
}

// person adds one person with a journey, whose facts are sorted by day.
func (s *metricsSweep) person(p *personInfo, facts []uint64) {
	cm := s.comm(p.community)
	cm.first = min(cm.first, monthOf(dayOf(dateTime(p.firstAt))))
	// inactiveFrom marks the person inactive at the month ends from the
	// first one more than interval days after their contribution on day d
	// to the last one before the day of their next contribution (next < 0:
	// none, inactive from then on).
	inactiveFrom := func(d, next int32) {
		from := int64(d) + int64(s.interval) + 1
		if from > int64(s.asOf) || next >= 0 && int64(next) <= from {
			return // no month end between
		}
		m1 := monthOf(int32(from))
		m2 := s.base + s.months - 1
		if next >= 0 {
			m2 = monthOf(next) - 1
		}
		if m1 > m2 {
			return
		}
		cm.inactive[m1-s.base]++
		cm.inactive[m2+1-s.base]--
	}
	prev, n := int32(-1), int32(0)
	month, end := int32(-1), int32(-1) // the month of the last contribution, and its last day
	for _, f := range facts {
		if !isContribution(factKind(f)) {
			continue
		}
		d := factDay(f)
		if d > end {
			if n > 0 {
				cm.perPerson[month-s.base] = append(cm.perPerson[month-s.base], n)
			}
			month, n = monthOf(d), 0
			end = monthEnd(month)
		}
		if prev < 0 {
			cm.newcomers[month-s.base]++
		} else if d != prev {
			inactiveFrom(prev, d)
		}
		prev = d
		n++
	}
	if prev < 0 {
		return
	}
	cm.perPerson[month-s.base] = append(cm.perPerson[month-s.base], n)
	inactiveFrom(prev, -1)
}

// items adds the item metrics, now that reasons (by login, "" for a
// person) says who is a bot: every issue and pull request opened by a
// person, with its first response by someone other than its author who is
// not a bot, and the pull requests' closes and merges.
func (s *metricsSweep) items(a *metricsAcc, reasons []string) {
	for i := range a.items {
		it := &a.items[i]
		if it.opener == 0 || reasons[it.opener-1] != "" {
			continue
		}
		m := monthOf(dayOf(dateTime(it.openedAt))) - s.base
		if m < 0 || m >= s.months {
			continue
		}
		first := int64(math.MaxInt64)
		if i < len(a.answers) {
			r := &a.answers[i]
			for k := range r.by {
				if r.by[k] != 0 && reasons[r.by[k]-1] == "" {
					first = min(first, r.at[k])
				}
			}
		}
		cm := s.comm(it.community)
		if first == math.MaxInt64 {
			cm.unanswered[m]++
			continue
		}
		cm.hours[m] = append(cm.hours[m], float64(max(first-it.openedAt, 0))/3.6e9)
	}
	// Each pull request counts once per month in which it was closed or
	// merged (and as merged in the month of its merge).
	slices.Sort(a.decisions)
	for i := 0; i < len(a.decisions); {
		key := a.decisions[i] >> 1
		merged := false
		for ; i < len(a.decisions) && a.decisions[i]>>1 == key; i++ {
			merged = merged || a.decisions[i]&1 != 0
		}
		item, month := key>>31, int32(uint32(key)&(1<<31-1))
		if item >= uint64(len(a.items)) {
			continue
		}
		it := &a.items[item]
		if it.opener == 0 || !it.pr || reasons[it.opener-1] != "" {
			continue
		}
		m := month - s.base
		if m < 0 || m >= s.months {
			continue
		}
		cm := s.comm(it.community)
		cm.closed[m]++
		if merged {
			cm.merged[m]++
		}
	}
}

// rows returns metrics.parquet's rows: communities in the order given
// (rank: a community's position, by name), then month, then metric. Every
// month from the community's first (its first event by a person) to the
// last one wholly observed at the analysis date has a row for every
// metric.
func (s *metricsSweep) rows(order []int32, names []string) []schema.MetricRow {
	var out []schema.MetricRow
	for _, c := range order {
		cm := s.byComm[c]
		if cm == nil || cm.first == math.MaxInt32 {
			continue
		}
		var inactive int64
		// cum[st][m]: the people who reached step st by month m's end.
		var cum [numStages][]int64
		for st := range cum {
			cum[st] = make([]int64, s.months)
			var n int64
			for m := range s.months {
				n += cm.reached[st][m]
				cum[st][m] = n
			}
		}
		for m := int32(0); m < s.months && s.base+m <= s.lastOver; m++ {
			inactive += cm.inactive[m]
			if s.base+m < cm.first {
				continue
			}
			period := dateOf(monthEnd(s.base+m-1) + 1)
			add := func(metric string, value *float64, count *int64) {
				out = append(out, schema.MetricRow{Community: names[c], Period: period, Metric: metric,
					Value: value, Count: count, DefinitionURL: MetricDefinitions[metric]})
			}
			// A count is its own n.
			addCount := func(metric string, n int64) { add(metric, ptr(float64(n)), &n) }
			closed, merged := cm.closed[m], cm.merged[m]
			var ratio *float64
			if closed > 0 {
				ratio = ptr(float64(merged) / float64(closed))
			}
			add(MetricChangeRequestAcceptanceRatio, ratio, &closed)

			counts := cm.perPerson[m]
			var caf *float64
			if k := absenceFactor(counts); k > 0 {
				caf = ptr(float64(k))
			}
			add(MetricContributorAbsenceFactor, caf, ptr(int64(len(counts))))

			// Conversion to step st in the month: of the people who had
			// reached the step before by the month's end and step st not
			// before the month, the share who reached st in it.
			for _, st := range conversionOrder {
				before := cum[st-1][m] // step st-1 reached by the month's end
				if m > 0 {
					before -= cum[st][m-1]
				}
				var rate *float64
				if before > 0 {
					rate = ptr(float64(cm.reached[st][m]) / float64(before))
				}
				add(ConversionMetric(Stages[st]), rate, ptr(before))
			}

			addCount(MetricInactiveContributors, inactive)
			addCount(MetricNewContributors, cm.newcomers[m])

			h := cm.hours[m]
			answered := int64(len(h))
			addCount(MetricTimeToFirstResponseAnswered, answered)
			var median, p90 *float64
			if answered > 0 {
				slices.Sort(h)
				median, p90 = ptr(quantileSorted(h, 0.5)), ptr(quantileSorted(h, 0.9))
			}
			add(MetricTimeToFirstResponseMedian, median, ptr(answered))
			add(MetricTimeToFirstResponseP90, p90, ptr(answered))
			addCount(MetricTimeToFirstResponseUnanswered, cm.unanswered[m])
		}
	}
	return out
}

// absenceFactor returns the smallest number of people who together made
// at least half of the contributions, given each person's count; 0 when
// there are none. It sorts counts.
func absenceFactor(counts []int32) int {
	var total int64
	for _, n := range counts {
		total += int64(n)
	}
	if total == 0 {
		return 0
	}
	slices.SortFunc(counts, func(x, y int32) int { return int(y) - int(x) })
	var sum int64
	for k, n := range counts {
		sum += int64(n)
		if 2*sum >= total {
			return k + 1
		}
	}
	return len(counts)
}

// quantileSorted returns the q-quantile of the sorted values v by linear
// interpolation between the closest ranks (the report's quantile, R's
// type 7), computed as DuckDB's quantile_cont computes it, to the last bit:
// at position p = q(n-1), v[⌊p⌋](1-f) + v[⌊p⌋+1]f with f = p - ⌊p⌋.
func quantileSorted(v []float64, q float64) float64 {
	pos := q * float64(len(v)-1)
	lo := int(math.Floor(pos))
	if frac := pos - float64(lo); frac > 0 && lo+1 < len(v) {
		return v[lo]*(1-frac) + v[lo+1]*frac
	}
	return v[lo]
}
