package analyze

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"time"

	"github.com/journeys-dev/journeys/schema"
)

// syntheticAsOf is the analysis date of the synthetic data sets.
var syntheticAsOf = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

// A syntheticConfig sizes a synthetic community's history.
type syntheticConfig struct {
	People   int // people, besides a few bots
	Items    int // issues and pull requests (60% pull requests)
	Comments int // issue and review comments
	Commits  int // default-branch commits (about 10% unlinked)
	Seed     uint64
}

// kubernetesSized is about the size of Kubernetes' history: ~3 million events.
var kubernetesSized = syntheticConfig{People: 10000, Items: 150000, Comments: 2000000, Commits: 100000, Seed: 1}

// syntheticEvents generates, deterministically, the events of two
// communities over ten years: a few very active maintainers and a long tail
// of occasional contributors (Zipf-like activity), bots that label and
// merge, and commits whose authors GitHub links or not.
func syntheticEvents(cfg syntheticConfig) []schema.Event {
	r := rand.New(rand.NewPCG(cfg.Seed, 42))
	start := time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	end := syntheticAsOf.Unix() - 1
	span := end - start

	type person struct {
		login       *string
		name, email string
		from, until int64
	}
	people := make([]person, cfg.People)
	cum := make([]float64, cfg.People) // activity weights, cumulative
	total := 0.0
	for i := range people {
		login := fmt.Sprintf("user%05d", i)
		from := start + r.Int64N(span)
		life := int64(r.ExpFloat64() * 2 * 365 * 86400)
		people[i] = person{login: &login, name: fmt.Sprintf("User %d", i), email: login + "@example.org", from: from, until: min(end, from+life+30*86400)}
		total += 1 / math.Pow(float64(i+1), 0.9)
		cum[i] = total
	}
	pick := func() int { return sort.SearchFloat64s(cum, r.Float64()*total) }
	maintainers := max(1, cfg.People/100)
	pickMaintainer := func() int { return r.IntN(maintainers) }
	when := func(p int) int64 { q := &people[p]; return q.from + r.Int64N(q.until-q.from+1) }
	clip := func(t int64) time.Time { return time.Unix(min(t, end), 0).UTC() }

	botType := "Bot"
	userType := "User"
	ciRobot, dependabot := "k8s-ci-robot", "dependabot[bot]"
	labels := []string{"kind/bug", "kind/feature", "sig/node", "lgtm", "approved", "needs-triage"}
	repos := make([]string, 30)
	for i := range repos {
		repos[i] = fmt.Sprintf("kubernetes/repo%02d", i)
	}
	community := func(repo int) string {
		if repo < 25 {
			return "kubernetes"
		}
		return "kubernetes-sigs"
	}

	events := make([]schema.Event, 0, cfg.Items*3+cfg.Comments+cfg.Commits*2+cfg.People*8)
	seq := 0
	emit := func(repo int, kind schema.Kind, actor *string, actorType *string, at time.Time) *schema.Event {
		seq++
		events = append(events, schema.Event{
			Community: community(repo), Repo: repos[repo], Actor: actor, ActorType: actorType,
			Kind: kind, OccurredAt: at, SourceID: "s" + fmt.Sprint(seq),
		})
		return &events[len(events)-1]
	}
	type item struct {
		repo    int
		number  int64
		author  *string
		created int64
		isPR    bool
	}
	items := make([]item, cfg.Items)
	numbers := make([]int64, len(repos)) // issue numbers are per repository
	target := func(e *schema.Event, it *item) {
		n := it.number
		e.TargetNumber, e.TargetAuthor, e.TargetIsPullRequest = &n, it.author, &it.isPR
	}
	commit := func(repo int, p int, at int64, kind schema.Kind) {
		q := &people[p]
		name, email := q.name, q.email
		var actor *string
		switch u := r.IntN(100); {
		case u < 90:
			actor = q.login
		case u < 93:
			email = fmt.Sprintf("%d+%s@users.noreply.github.com", 1000+p, *q.login)
		case u < 96: // the same email as linked commits
		case u < 98:
			email = "other-" + email // only the name links it
		default:
			name, email = "Someone", fmt.Sprintf("anon%d@nowhere.example", r.IntN(500))
		}
		e := emit(repo, kind, actor, &userType, clip(at))
		e.AuthorName, e.AuthorEmail = &name, &email
	}
	for i := range items {
		p := pick()
		isPR := r.IntN(10) < 6
		repo := r.IntN(len(repos))
		numbers[repo]++
		it := item{repo: repo, number: numbers[repo], author: people[p].login, created: when(p), isPR: isPR}
		if isPR && r.IntN(50) == 0 {
			it.author = &dependabot
		}
		items[i] = it
		kind, at := schema.KindIssueOpened, clip(it.created)
		if isPR {
			kind = schema.KindPROpened
		}
		atype := &userType
		if it.author == &dependabot {
			atype = &botType
		}
		target(emit(it.repo, kind, it.author, atype, at), &it)
		closeAt := it.created + int64(r.ExpFloat64()*10*86400)
		if isPR {
			for range r.IntN(5) {
				e := emit(it.repo, schema.KindReview, people[pick()].login, &userType, clip(it.created+int64(r.ExpFloat64()*5*86400)))
				target(e, &it)
			}
			if r.IntN(10) < 7 {
				merger, mtype := people[pickMaintainer()].login, &userType
				if r.IntN(2) == 0 {
					merger, mtype = &ciRobot, &botType
				}
				target(emit(it.repo, schema.KindPRMerged, merger, mtype, clip(closeAt)), &it)
				if it.author != &dependabot {
					commit(it.repo, p, closeAt-3600, schema.KindCommit)
					if r.IntN(20) == 0 {
						commit(it.repo, pick(), closeAt-3600, schema.KindCommitCoauthor)
					}
				}
				continue
			}
		} else if r.IntN(10) < 2 {
			continue
		}
		target(emit(it.repo, schema.KindIssueClosed, people[pickMaintainer()].login, &userType, clip(closeAt)), &it)
		for range r.IntN(3) {
			actor, atype := people[pickMaintainer()].login, &userType
			if r.IntN(2) == 0 {
				actor, atype = &ciRobot, &botType
			}
			e := emit(it.repo, schema.KindLabeled, actor, atype, clip(it.created+int64(r.ExpFloat64()*86400)))
			target(e, &it)
			e.Detail = &labels[r.IntN(len(labels))]
		}
		if r.IntN(5) == 0 {
			target(emit(it.repo, schema.KindAssigned, people[pickMaintainer()].login, &userType, clip(it.created+86400)), &it)
		}
	}
	for range cfg.Comments {
		it := &items[r.IntN(len(items))]
		actor, atype := people[pick()].login, &userType
		switch u := r.IntN(10); {
		case u < 3:
			actor = it.author
		case u == 3:
			actor, atype = &ciRobot, &botType
		}
		kind := schema.KindIssueComment
		if it.isPR && r.IntN(3) == 0 {
			kind = schema.KindReviewComment
		}
		target(emit(it.repo, kind, actor, atype, clip(it.created+int64(r.ExpFloat64()*10*86400))), it)
	}
	for n := len(events); n < cap(events) && len(events)-n < cfg.Commits-cfg.Items*6/10*7/10; {
		p := pick()
		commit(r.IntN(len(repos)), p, when(p), schema.KindCommit)
	}
	for i := range people {
		for range r.IntN(8) {
			kind := schema.KindStar
			if r.IntN(4) == 0 {
				kind = schema.KindFork
			}
			emit(r.IntN(len(repos)), kind, people[i].login, &userType, clip(start+r.Int64N(span)))
		}
		if r.IntN(20) == 0 {
			emit(r.IntN(len(repos)), schema.KindRecognized, people[i].login, nil, clip(when(i)))
		}
	}
	return events
}
