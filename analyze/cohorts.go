package analyze

import (
	"cmp"
	"math"
	"slices"

	"github.com/journeys-dev/journeys/schema"
)

// CohortMonths is how many months after its cohort month a cohort is
// followed: cohorts.parquet has the rows k = 1..CohortMonths.
const CohortMonths = 24

// cohortCounts are one cohort's figures: its size, and by k-1 the people of
// the cohort who acted in month cohort+k.
type cohortCounts struct {
	size   int64
	acting [CohortMonths]int64
}

type cohortKey struct {
	community int32
	month     int32 // as monthOf returns it
}

// cohortAcc accumulates cohorts.parquet during finish's sweep over the
// people, from the facts the builder already holds: a person's cohort is
// the calendar month of their first action (contributors.first_contact_at)
// and they are acting in a month when they have an action (isAction, the
// facts behind the activity states) in it.
type cohortAcc struct {
	// lastOver is the last calendar month wholly observed: the analysis
	// date's month when the analysis date is its last day, else the month
	// before. Later cells are censored (null).
	lastOver int32
	cohorts  map[cohortKey]*cohortCounts
}

func newCohortAcc(asOf int32) *cohortAcc {
	last := monthOf(asOf)
	if monthEnd(last) != asOf {
		last--
	}
	return &cohortAcc{lastOver: last, cohorts: make(map[cohortKey]*cohortCounts)}
}

// add counts one person (not a bot), whose facts are sorted by day. A
// person without an action has no first contact and is in no cohort.
func (a *cohortAcc) add(p *personInfo, facts []uint64) {
	if p.firstActionAt == math.MaxInt64 {
		return
	}
	cohort := monthOf(dayOf(dateTime(p.firstActionAt)))
	// The days of months cohort+1 .. cohort+CohortMonths (and no later
	// than the last month observed: what comes after is censored).
	from := monthEnd(cohort) + 1
	to := monthEnd(min(cohort+CohortMonths, a.lastOver))
	var mask uint32
	month, end := int32(0), int32(-1) // the month of the last fact seen, and its last day
	for _, f := range facts {
		d := factDay(f)
		if d < from {
			continue
		}
		if d > to {
			break
		}
		if !isAction(factKind(f)) {
			continue
		}
		if d > end {
			month = monthOf(d)
			end = monthEnd(month)
		}
		mask |= 1 << (month - cohort - 1)
	}
	k := cohortKey{p.community, cohort}
	c := a.cohorts[k]
	if c == nil {
		c = &cohortCounts{}
		a.cohorts[k] = c
	}
	c.size++
	for i := range CohortMonths {
		if mask&(1<<i) != 0 {
			c.acting[i]++
		}
	}
}

// rows returns the table's rows: communities in the order given (rank: a
// community's position, by name), then cohort month, then k.
func (a *cohortAcc) rows(rank []int32, names []string) []schema.CohortRow {
	keys := make([]cohortKey, 0, len(a.cohorts))
	for k := range a.cohorts {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(x, y cohortKey) int {
		return cmp.Or(cmp.Compare(rank[x.community], rank[y.community]), cmp.Compare(x.month, y.month))
	})
	out := make([]schema.CohortRow, 0, len(keys)*CohortMonths)
	for _, key := range keys {
		c := a.cohorts[key]
		start := dateOf(monthEnd(key.month-1) + 1)
		for k := int32(1); k <= CohortMonths; k++ {
			row := schema.CohortRow{Community: names[key.community], CohortMonth: start, K: int64(k), CohortSize: c.size}
			if key.month+k <= a.lastOver {
				n := c.acting[k-1]
				share := float64(n) / float64(c.size)
				row.StillActing, row.Share = &n, &share
			}
			out = append(out, row)
		}
	}
	return out
}
