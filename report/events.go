package report

import (
	"slices"
	"strings"
	"time"

	"github.com/journeys-dev/journeys/schema"
)

// An eventIndex folds events.parquet, one batch at a time, into what the
// newcomer, retention and response figures need, so that millions of
// events need not be held in memory.
type eventIndex struct {
	bots  map[string]bool
	comms map[string]*communityEvents
	repos map[string]int32
}

type communityEvents struct {
	ids    map[string]int32
	people []personEvents
	items  map[itemKey]firstResponses
	// responses counts the comments and reviews by people (bots excepted).
	responses int64
}

type itemKey struct {
	repo   int32
	number int64
}

// personEvents is what one login did in one community.
type personEvents struct {
	bot          bool
	firstContact time.Time // zero: no contact yet
	// active lists the months with a contact event (unsorted, may repeat).
	active []int32
	// The first issue or pull request the person opened.
	firstItemAt time.Time // zero: none
	firstItem   itemKey
	// The first day of participation's rule, as far as the events tell:
	// an own commit, an own pull request merged, or a listing; and,
	// apart, a co-authored commit (which the model may not count).
	participatedAt time.Time // zero: none
	coauthoredAt   time.Time // zero: none
}

// earliest sets *t to at when *t is zero or later.
func earliest(t *time.Time, at time.Time) {
	if t.IsZero() || at.Before(*t) {
		*t = at
	}
}

// firstResponses keeps the earliest response to an item and the earliest
// response by someone other than the first responder: whoever the item's
// author is, the earliest response by someone else is one of the two.
// Times are Unix nanoseconds: the map then holds no pointers for the
// garbage collector to scan.
type firstResponses struct {
	firstAt   int64
	secondAt  int64 // valid when secondSet
	firstBy   int32
	secondSet bool
}

func (f *firstResponses) add(at int64, by int32) {
	switch {
	case at < f.firstAt:
		if by != f.firstBy {
			f.secondAt, f.secondSet = f.firstAt, true
		}
		f.firstAt, f.firstBy = at, by
	case by != f.firstBy && (!f.secondSet || at < f.secondAt):
		f.secondAt, f.secondSet = at, true
	}
}

// after returns the earliest response by someone other than author.
func (f *firstResponses) after(author int32) (int64, bool) {
	if f.firstBy != author {
		return f.firstAt, true
	}
	return f.secondAt, f.secondSet
}

func newEventIndex(bots []schema.Bot) *eventIndex {
	x := &eventIndex{bots: map[string]bool{}, comms: map[string]*communityEvents{}, repos: map[string]int32{}}
	for _, b := range bots {
		x.bots[b.Login] = true
	}
	return x
}

// isContact reports whether an event of kind k is a person's own
// contribution (as opposed to a star or fork, or acting on others' items).
func isContact(k schema.Kind) bool {
	switch k {
	case schema.KindIssueOpened, schema.KindPROpened, schema.KindIssueComment,
		schema.KindReview, schema.KindReviewComment, schema.KindCommit, schema.KindCommitCoauthor:
		return true
	}
	return false
}

func isResponse(k schema.Kind) bool {
	switch k {
	case schema.KindIssueComment, schema.KindReview, schema.KindReviewComment:
		return true
	}
	return false
}

func (x *eventIndex) isBot(login string, actorType *string) bool {
	if actorType != nil && *actorType == "Bot" {
		return true
	}
	return strings.HasSuffix(login, "[bot]") || x.bots[login]
}

func (x *eventIndex) community(name string) *communityEvents {
	c := x.comms[name]
	if c == nil {
		c = &communityEvents{ids: map[string]int32{}, items: map[itemKey]firstResponses{}}
		x.comms[name] = c
	}
	return c
}

func (x *eventIndex) person(c *communityEvents, login string) int32 {
	id, ok := c.ids[login]
	if !ok {
		id = int32(len(c.people))
		c.ids[login] = id
		c.people = append(c.people, personEvents{bot: x.isBot(login, nil)})
	}
	return id
}

func (x *eventIndex) repo(name string) int32 {
	id, ok := x.repos[name]
	if !ok {
		id = int32(len(x.repos))
		x.repos[name] = id
	}
	return id
}

// add folds a batch of events into the index. It keeps nothing that
// points into the batch.
func (x *eventIndex) add(events []schema.Event) {
	var (
		lastName, lastRepo string
		comm               *communityEvents
		repo               int32 = -1
	)
	for i := range events {
		e := &events[i]
		contact, response := isContact(e.Kind), isResponse(e.Kind)
		// A merge credits the pull request's author, whoever merged it; a
		// listing credits the listed login.
		credit := e.Kind == schema.KindPRMerged || e.Kind == schema.KindRecognized
		if !contact && !response && !credit {
			continue
		}
		who := e.Actor
		if e.Kind == schema.KindPRMerged {
			who = e.TargetAuthor
		} else if e.ActorType != nil && *e.ActorType == "Bot" {
			continue
		}
		if who == nil || *who == "" {
			continue
		}
		if comm == nil || e.Community != lastName {
			lastName, comm = e.Community, x.community(e.Community)
		}
		id := x.person(comm, *who)
		p := &comm.people[id]
		if p.bot {
			continue
		}
		if response {
			comm.responses++
		}
		at := e.OccurredAt
		switch e.Kind {
		case schema.KindPRMerged, schema.KindRecognized, schema.KindCommit:
			earliest(&p.participatedAt, at)
		case schema.KindCommitCoauthor:
			earliest(&p.coauthoredAt, at)
		}
		if credit {
			continue
		}
		if contact {
			if p.firstContact.IsZero() || at.Before(p.firstContact) {
				p.firstContact = at
			}
			m := monthIndex(at)
			if n := len(p.active); n == 0 || p.active[n-1] != m {
				p.active = append(p.active, m)
			}
		}
		if e.TargetNumber == nil {
			continue
		}
		if repo < 0 || e.Repo != lastRepo {
			lastRepo, repo = e.Repo, x.repo(e.Repo)
		}
		switch e.Kind {
		case schema.KindIssueOpened, schema.KindPROpened:
			if p.firstItemAt.IsZero() || at.Before(p.firstItemAt) {
				p.firstItemAt = at
				p.firstItem = itemKey{repo, *e.TargetNumber}
			}
		case schema.KindIssueComment, schema.KindReview, schema.KindReviewComment:
			k := itemKey{repo, *e.TargetNumber}
			ns := at.UnixNano()
			if f, ok := comm.items[k]; ok {
				f.add(ns, id)
				comm.items[k] = f
			} else {
				comm.items[k] = firstResponses{firstAt: ns, firstBy: id}
			}
		}
	}
}

// finish computes the newcomer, retention and response figures of every
// community in byName.
func (x *eventIndex) finish(r *Report, byName map[string]*Community) {
	asOfMonth := monthIndex(r.AsOf)
	for name, comm := range x.comms {
		c := byName[name]
		if c == nil {
			continue
		}
		c.ResponseEvents = comm.responses
		newcomers := map[int32]int64{}
		firstItems := map[int32]int64{}
		responseHours := map[int32][]float64{} // by month of the first item
		quarterItems := map[int32]int64{}
		quarterHours := map[int32][]float64{}
		cohortFirst := asOfMonth - cohortMonths + 1
		cohorts := make([]Cohort, cohortMonths)
		for i := range cohorts {
			m := cohortFirst + int32(i)
			cohorts[i].Month = monthStart(m)
			over := asOfMonth - m // months since that have ended or are running
			if over > retentionMonths {
				over = retentionMonths
			}
			cohorts[i].Retained = make([]int64, over)
		}
		for id := range comm.people {
			p := &comm.people[id]
			if !p.firstContact.IsZero() {
				fm := monthIndex(p.firstContact)
				newcomers[fm]++
				if ci := fm - cohortFirst; ci >= 0 && int(ci) < len(cohorts) {
					co := &cohorts[ci]
					co.Size++
					slices.Sort(p.active)
					p.active = slices.Compact(p.active)
					for _, m := range p.active {
						k := m - fm
						if k >= 1 && int(k) <= len(co.Retained) {
							co.Retained[k-1]++
						}
					}
				}
			}
			if p.firstItemAt.IsZero() {
				continue
			}
			m := monthIndex(p.firstItemAt)
			firstItems[m]++
			q := m / 3
			quarterItems[q]++
			if f, ok := comm.items[p.firstItem]; ok {
				if at, ok := f.after(int32(id)); ok && at >= p.firstItemAt.UnixNano() {
					h := time.Duration(at - p.firstItemAt.UnixNano()).Hours()
					responseHours[m] = append(responseHours[m], h)
					quarterHours[q] = append(quarterHours[q], h)
				}
			}
		}
		// Newcomer figures go on the months already listed, or on new
		// months when the snapshots do not reach that far back.
		from := asOfMonth
		for m := range newcomers {
			from = min(from, m)
		}
		for m := range firstItems {
			from = min(from, m)
		}
		extendMonths(c, from, asOfMonth)
		for i := range c.Months {
			m := monthIndex(c.Months[i].Month)
			c.Months[i].Newcomers = newcomers[m]
			c.Months[i].FirstItems = firstItems[m]
			if h := responseHours[m]; len(h) > 0 {
				v := quantile(h, 0.5)
				c.Months[i].MedianResponseHours = &v
			}
		}
		for i := range cohorts {
			if cohorts[i].Size > 0 {
				c.Cohorts = append(c.Cohorts, cohorts[i])
			}
		}
		c.Responses = quarters(quarterItems, quarterHours, asOfMonth/3)
	}
}

func quarters(items map[int32]int64, hours map[int32][]float64, last int32) []QuarterResponse {
	// Every quarter from the first with an item to the last, so that the
	// time axis has no gaps.
	var qs []int32
	first := last + 1
	for q := range items {
		if q <= last && q > last-responseQuarter {
			first = min(first, q)
		}
	}
	for q := first; q <= last; q++ {
		qs = append(qs, q)
	}
	var out []QuarterResponse
	for _, q := range qs {
		start := monthStart(q * 3)
		qr := QuarterResponse{Start: start, Label: quarterLabel(start), Items: items[q]}
		if h := hours[q]; len(h) > 0 {
			qr.Answered = int64(len(h))
			qr.MedianHours = quantile(h, 0.5)
			qr.P90Hours = quantile(h, 0.9)
		}
		out = append(out, qr)
	}
	return out
}

func quarterLabel(t time.Time) string {
	return t.Format("2006") + "-Q" + string(rune('1'+(int(t.Month())-1)/3))
}

// quantile returns the q-quantile of v by linear interpolation between
// closest ranks. It sorts v.
func quantile(v []float64, q float64) float64 {
	slices.Sort(v)
	if len(v) == 1 {
		return v[0]
	}
	pos := q * float64(len(v)-1)
	lo := int(pos)
	if lo >= len(v)-1 {
		return v[len(v)-1]
	}
	frac := pos - float64(lo)
	return v[lo] + frac*(v[lo+1]-v[lo])
}

// extendMonths makes c.Months run from month from (or earlier) to month to.
func extendMonths(c *Community, from, to int32) {
	if len(c.Months) > 0 {
		from = min(from, monthIndex(c.Months[0].Month))
		to = max(to, monthIndex(c.Months[len(c.Months)-1].Month))
	}
	if len(c.Months) > 0 && monthIndex(c.Months[0].Month) == from && monthIndex(c.Months[len(c.Months)-1].Month) == to {
		return
	}
	have := map[int32]MonthFigures{}
	for _, m := range c.Months {
		have[monthIndex(m.Month)] = m
	}
	out := make([]MonthFigures, 0, to-from+1)
	for m := from; m <= to; m++ {
		f, ok := have[m]
		if !ok {
			f = MonthFigures{Month: monthStart(m)}
		}
		out = append(out, f)
	}
	c.Months = out
}
