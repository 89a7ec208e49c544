package collect

import (
	"sync/atomic"

	"github.com/journeys-dev/journeys/collect/ghapi"
	"github.com/journeys-dev/journeys/collect/ghgraphql"
)

// An Observer is told how a collection goes, to show it (see
// internal/progress). Its methods may be called from many goroutines at
// once.
type Observer interface {
	// Begin: the collection of repos starts; status returns the counters
	// at the moment it is called.
	Begin(repos []string, status func() Status)
	// RepoStarted and RepoFinished bracket one repository's collection.
	RepoStarted(repo string)
	RepoFinished(repo string, failed bool)
	// End: the collection ended, interrupted (a signal, a cancelled
	// context) or not. Nothing is called after it.
	End(interrupted bool)
}

// Status is a collection's counters at one moment.
type Status struct {
	// Pages is the pages answered with content (not 304s), Items the items
	// decoded from them.
	Pages, Items int64
	// Requests is the REST requests sent, NotModified those answered 304.
	Requests, NotModified int64
	// Quota is the REST quota GitHub last reported; nil before any.
	Quota *Quota
	// GraphQL is the GraphQL route's counters; nil on the REST route.
	GraphQL *GraphQLStatus
	// Wait is the pause that holds every request now; nil when none.
	Wait *Wait
}

// Quota is what is left of a rate limit.
type Quota struct{ Remaining, Limit int }

// GraphQLStatus is the GraphQL route's counters.
type GraphQLStatus struct {
	Queries, Points int64
	// Quota is the points budget last reported; nil before any.
	Quota *Quota
}

// A Wait is a pause that holds every request: Reason is "secondary rate
// limit" or "quota reset".
type Wait = ghapi.Wait

// tally counts what collection has fetched so far, across repositories.
type tally struct {
	pages atomic.Int64 // pages answered with content (not 304)
	items atomic.Int64 // items decoded from them
}

// status reads the counters of a collection through client and gql (nil
// on the REST route).
func status(t *tally, client *ghapi.Client, gql *ghgraphql.Client) Status {
	s := Status{Pages: t.pages.Load(), Items: t.items.Load()}
	s.Requests, _, s.NotModified = client.Stats()
	if r := client.Rate(); r.Known {
		s.Quota = &Quota{Remaining: r.Remaining, Limit: r.Limit}
	}
	if gql != nil {
		q, pts := gql.Stats()
		s.GraphQL = &GraphQLStatus{Queries: q, Points: pts}
		if r := gql.Rate(); r.Known {
			s.GraphQL.Quota = &Quota{Remaining: r.Remaining, Limit: r.Limit}
		}
	}
	if w, ok := client.Waiting(); ok {
		s.Wait = &w
	}
	return s
}

// noObserver is the Observer of a collection nobody watches.
type noObserver struct{}

func (noObserver) Begin([]string, func() Status) {}
func (noObserver) RepoStarted(string)            {}
func (noObserver) RepoFinished(string, bool)     {}
func (noObserver) End(bool)                      {}
