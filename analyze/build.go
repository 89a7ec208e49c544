package analyze

import (
	"math"
	"slices"
	"strings"
	"time"

	"github.com/journeys-dev/journeys/schema"
)

// kindRecognisedV1 is schema version 1's spelling of schema.KindRecognized,
// still read so that events.parquet of an older run analyzes the same.
const kindRecognisedV1 = "recognised"

// Fact kinds: what one event says about one person. An event can give
// facts to two people (a merge: the merger's and the pull request author's).
const (
	fStar uint8 = iota
	fFork
	fRecognized
	fIssueOpened
	fPROpened
	fComment // issue comment
	fReview
	fOwnMerged // the person's own pull request was merged
	fCommit    // authored a default-branch commit
	fCoauthor  // co-authored a default-branch commit
	fMerge     // merged a pull request
	fClose     // closed an issue or pull request
	fLabel     // labelled an issue or pull request
	fReopen
	fAssign
	fReviewComment // pull-request review comment
	numFactKinds
)

// isAction reports whether a fact kind is an action for the activity
// states: anything but a star, a fork, a listing in .all-contributorsrc and
// someone else merging one's pull request.
func isAction(k uint8) bool {
	switch k {
	case fStar, fFork, fRecognized, fOwnMerged:
		return false
	}
	return true
}

// A fact is packed in a uint64 so that sorting a person's facts is a plain
// integer sort by day: bits 40-63 day, bit 39 "the target is someone
// else's", bits 32-38 kind, bits 0-31 item (issue or pull request) id.
const noItem = math.MaxUint32

func packFact(day int32, kind uint8, others bool, item uint32) uint64 {
	k := uint64(uint32(day))<<40 | uint64(kind)<<32 | uint64(item)
	if others {
		k |= 1 << 39
	}
	return k
}

func factDay(f uint64) int32   { return int32(f >> 40) }
func factKind(f uint64) uint8  { return uint8(f>>32) & 0x7f }
func factOthers(f uint64) bool { return f&(1<<39) != 0 }
func factItem(f uint64) uint32 { return uint32(f) }

type loginInfo struct {
	lower   string
	display string
	fromAPI bool // display was served by the API (not typed in a file or derived from an email)
	typeBot bool
	events  int64
	// The person of this login in community lastCommunity, a cache for
	// the common case of consecutive events in one community.
	lastCommunity, lastPerson int32
}

type personInfo struct {
	community, login int32
	firstAt, lastAt  int64 // unix microseconds, any fact
	firstActionAt    int64 // unix microseconds; math.MaxInt64: none
	nFacts           int32
	// weakest is the weakest confidence (see confidence) of the
	// resolutions behind the person's commits, 0 for none; guessed counts
	// the commits tied by name alone.
	weakest int8
	guessed int32
}

const factChunk = 1 << 16

// maxDenseNumber bounds the issue numbers kept in a slice per repository.
const maxDenseNumber = 1 << 22

type personFact struct {
	person int32
	fact   uint64
}

// An itemKey is what an item id stands for: an issue or pull request
// (number >= 0), a commit (sha), or a repository (neither).
type itemKey struct {
	repo   int32
	number int64 // -1: not an issue or pull request
	sha    string
}

type pendingCommit struct {
	community int32
	ref       uint32 // the commit's item id
	kind      uint8
	day       int32
	at        int64
	name      string
	email     string
}

// A builder reads events one at a time and keeps only what the journeys
// need: per person, packed facts.
type builder struct {
	model Model
	asOf  int32
	bots  *botClassifier

	communities []string
	communityID map[string]int32

	rawLogin   map[string]int32
	lowerLogin map[string]int32
	logins     []loginInfo

	// repos[community][repo] is a repository's index in byNumber.
	repos []map[string]int32
	// byNumber[repo][number] is the item id + 1 (0: not seen yet);
	// numbers too large for a slice go to items.
	byNumber [][]uint32
	items    map[uint64]uint32
	nItems   uint32
	// repoNames[repo] is the repository's "owner/name"; itemKeys[item] says
	// what an item id stands for, so that a fact can name its event.
	repoNames []string
	itemKeys  []itemKey
	// refs[repo] are the item ids of the commits (by SHA) and of the
	// repository itself (""), for the facts that have no issue or pull
	// request: commits, stars, forks, listings.
	refs []map[string]uint32

	persons map[uint64]int32
	people  []personInfo
	// facts is filled chunk by chunk, so that growing never copies.
	facts [][]personFact

	links      *links
	mapped     *links // what linked commits say under their mailmap identity
	ids        *identityRules
	pending    []pendingCommit
	identities map[identityKey]int64

	eventsRead int64
	ignored    map[string]int64

	// metrics gathers what metrics.parquet needs beyond the facts.
	metrics metricsAcc
}

func newBuilder(opts Options, model Model, bots *botClassifier, ids *identityRules) *builder {
	return &builder{
		ids:         ids,
		mapped:      newLinks(),
		model:       model,
		asOf:        dayOf(opts.AsOf),
		bots:        bots,
		communityID: make(map[string]int32),
		rawLogin:    make(map[string]int32),
		lowerLogin:  make(map[string]int32),
		items:       make(map[uint64]uint32),
		persons:     make(map[uint64]int32),
		links:       newLinks(),
		identities:  make(map[identityKey]int64),
		ignored:     make(map[string]int64),
	}
}

func (b *builder) community(name string) int32 {
	if id, ok := b.communityID[name]; ok {
		return id
	}
	id := int32(len(b.communities))
	b.communities = append(b.communities, name)
	b.communityID[name] = id
	return id
}

// login returns the id of a login. Logins are case-insensitive on GitHub;
// the displayed form is the smallest spelling the API served, else the
// smallest spelling seen at all.
func (b *builder) login(raw string, fromAPI bool) int32 {
	if id, ok := b.rawLogin[raw]; ok {
		if fromAPI && !b.logins[id].fromAPI && strings.EqualFold(raw, b.logins[id].lower) {
			b.logins[id].display, b.logins[id].fromAPI = raw, true
		}
		return id
	}
	lower := strings.ToLower(raw)
	if canon, ok := b.ids.loginAlias[lower]; ok {
		id := b.login(canon, false)
		b.rawLogin[raw] = id
		return id
	}
	id, ok := b.lowerLogin[lower]
	if !ok {
		id = int32(len(b.logins))
		b.logins = append(b.logins, loginInfo{lower: lower, display: raw, fromAPI: fromAPI, lastCommunity: -1})
		b.lowerLogin[lower] = id
	} else {
		li := &b.logins[id]
		if (fromAPI && !li.fromAPI) || (fromAPI == li.fromAPI && raw < li.display) {
			li.display, li.fromAPI = raw, fromAPI
		}
	}
	b.rawLogin[raw] = id
	return id
}

func (b *builder) item(community int32, repo string, number *int64) uint32 {
	if number == nil {
		return noItem
	}
	r := b.repo(community, repo)
	if n := *number; n >= 0 && n < maxDenseNumber {
		ids := b.byNumber[r]
		if n >= int64(len(ids)) {
			ids = slices.Grow(ids, int(n)+1-len(ids))[:n+1]
			b.byNumber[r] = ids
		}
		if ids[n] == 0 {
			ids[n] = b.newItem(itemKey{repo: r, number: n}) + 1
		}
		return ids[n] - 1
	}
	key := uint64(r)<<32 | uint64(uint32(*number))
	id, ok := b.items[key]
	if !ok {
		id = b.newItem(itemKey{repo: r, number: *number})
		b.items[key] = id
	}
	return id
}

// repo returns the index of a community's repository, adding it.
func (b *builder) repo(community int32, repo string) int32 {
	for int(community) >= len(b.repos) {
		b.repos = append(b.repos, make(map[string]int32))
	}
	r, ok := b.repos[community][repo]
	if !ok {
		r = int32(len(b.byNumber))
		b.repos[community][repo] = r
		b.byNumber = append(b.byNumber, nil)
		b.repoNames = append(b.repoNames, repo)
		b.refs = append(b.refs, nil)
	}
	return r
}

// ref returns the item id of a commit (by sha) or, for sha "", of the
// repository itself.
func (b *builder) ref(community int32, repo, sha string) uint32 {
	r := b.repo(community, repo)
	if b.refs[r] == nil {
		b.refs[r] = make(map[string]uint32)
	}
	id, ok := b.refs[r][sha]
	if !ok {
		id = b.newItem(itemKey{repo: r, number: -1, sha: sha})
		b.refs[r][sha] = id
	}
	return id
}

func (b *builder) newItem(k itemKey) uint32 {
	b.itemKeys = append(b.itemKeys, k)
	b.nItems++
	return b.nItems - 1
}

// commitSHA is the commit's SHA in a commit event's source id
// ("commit:SHA", "commit:SHA:coauthor:N"); "" if it has none.
func commitSHA(sourceID string) string {
	rest, ok := strings.CutPrefix(sourceID, "commit:")
	if !ok {
		return ""
	}
	sha, _, _ := strings.Cut(rest, ":")
	return sha
}

func (b *builder) person(community, login int32) int32 {
	li := &b.logins[login]
	if li.lastCommunity == community {
		return li.lastPerson
	}
	key := uint64(community)<<32 | uint64(uint32(login))
	if p, ok := b.persons[key]; ok {
		li.lastCommunity, li.lastPerson = community, p
		return p
	}
	p := int32(len(b.people))
	b.people = append(b.people, personInfo{
		community: community, login: login,
		firstAt: math.MaxInt64, lastAt: math.MinInt64, firstActionAt: math.MaxInt64,
	})
	b.persons[key] = p
	li.lastCommunity, li.lastPerson = community, p
	return p
}

func (b *builder) addFact(community, login int32, kind uint8, others bool, item uint32, day int32, at int64) {
	p := b.person(community, login)
	pi := &b.people[p]
	pi.firstAt = min(pi.firstAt, at)
	pi.lastAt = max(pi.lastAt, at)
	if isAction(kind) {
		pi.firstActionAt = min(pi.firstActionAt, at)
	}
	pi.nFacts++
	if n := len(b.facts); n == 0 || len(b.facts[n-1]) == cap(b.facts[n-1]) {
		b.facts = append(b.facts, make([]personFact, 0, factChunk))
	}
	last := &b.facts[len(b.facts)-1]
	*last = append(*last, personFact{p, packFact(day, kind, others, item)})
}

// noteIdentity records that one of the person's commits was tied to them
// by method.
func (b *builder) noteIdentity(community, login int32, method string) {
	pi := &b.people[b.person(community, login)]
	pi.weakest = max(pi.weakest, confidence(method))
	if method == MethodSameName {
		pi.guessed++
	}
}

// add takes one event into account.
func (b *builder) add(ev *schema.Event) {
	b.eventsRead++
	day := dayOf(ev.OccurredAt)
	if day > b.asOf {
		b.ignored["after_as_of"]++
		return
	}
	if day < 0 {
		// A commit's author date is whatever its author typed; days
		// before 1970 do not pack into a fact.
		b.ignored["before_1970"]++
		return
	}
	at := ev.OccurredAt.UnixMicro()
	var kind uint8
	switch ev.Kind {
	case schema.KindStar:
		kind = fStar
	case schema.KindFork:
		kind = fFork
	case schema.KindRecognized, kindRecognisedV1:
		kind = fRecognized
	case schema.KindIssueOpened:
		kind = fIssueOpened
	case schema.KindPROpened:
		kind = fPROpened
	case schema.KindIssueComment:
		kind = fComment
	case schema.KindReviewComment:
		kind = fReviewComment
	case schema.KindReview:
		kind = fReview
	case schema.KindPRMerged:
		kind = fMerge
	case schema.KindCommit:
		kind = fCommit
	case schema.KindCommitCoauthor:
		kind = fCoauthor
	case schema.KindIssueClosed:
		kind = fClose
	case schema.KindLabeled:
		kind = fLabel
	case schema.KindIssueReopened:
		kind = fReopen
	case schema.KindAssigned:
		kind = fAssign
	default:
		b.ignored["unknown_kind:"+string(ev.Kind)]++
		return
	}
	if b.ids.excludedEvent(ev) {
		b.ignored["excluded"]++
		if kind == fCommit || kind == fCoauthor {
			b.ids.excludeAuthor(deref(ev.AuthorName), deref(ev.AuthorEmail))
		}
		return
	}
	c := b.community(ev.Community)

	if kind == fCommit || kind == fCoauthor {
		name, email := deref(ev.AuthorName), deref(ev.AuthorEmail)
		if ev.Actor == nil {
			b.pending = append(b.pending, pendingCommit{c, b.ref(c, ev.Repo, commitSHA(ev.SourceID)), kind, day, at, name, email})
			return
		}
		actor := b.actor(ev)
		b.learn(c, name, email, actor)
		method := MethodGitHubLink
		if b.ids.isAliasLogin(*ev.Actor) {
			method = MethodAlias
		}
		b.identities[identityKey{c, name, email, actor, method}]++
		b.addFact(c, actor, kind, false, b.ref(c, ev.Repo, commitSHA(ev.SourceID)), day, at)
		b.noteIdentity(c, actor, method)
		return
	}

	target := int32(-1)
	if ev.TargetAuthor != nil && *ev.TargetAuthor != "" && !b.ids.excludedLogin(*ev.TargetAuthor) {
		target = b.login(*ev.TargetAuthor, true)
	}
	if kind == fMerge && target >= 0 {
		// The author's pull request was merged, whoever merged it.
		b.addFact(c, target, fOwnMerged, false, b.item(c, ev.Repo, ev.TargetNumber), day, at)
	}
	if ev.Actor == nil || *ev.Actor == "" {
		if kind != fMerge || target < 0 {
			b.ignored["no_actor"]++
		}
		if kind == fMerge || kind == fClose {
			// A pull request closed or merged by an unknown account
			// still counts for the acceptance ratio.
			b.noteMetrics(c, kind, b.item(c, ev.Repo, ev.TargetNumber), -1, false, at, day)
		}
		return
	}
	actor := b.actor(ev)
	item := uint32(noItem)
	switch kind {
	case fComment, fReviewComment, fReview, fClose, fLabel, fIssueOpened, fPROpened, fReopen, fAssign, fMerge:
		item = b.item(c, ev.Repo, ev.TargetNumber)
	}
	// An unknown target author does not count as someone else.
	others := target >= 0 && target != actor && item != noItem
	ref := item
	if ref == noItem {
		ref = b.ref(c, ev.Repo, "") // a star, fork or listing names the repository
	}
	b.addFact(c, actor, kind, others, ref, day, at)
	b.noteMetrics(c, kind, item, actor, others, at, day)
}

// actor interns the event's actor and notes GitHub's account type.
func (b *builder) actor(ev *schema.Event) int32 {
	a := b.login(*ev.Actor, ev.Kind != schema.KindRecognized && ev.Kind != kindRecognisedV1)
	li := &b.logins[a]
	li.events++
	if ev.ActorType != nil && *ev.ActorType == "Bot" {
		li.typeBot = true
	}
	return a
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

type resolution struct {
	login  int32 // -1: unresolved
	method string
}

// resolvePending ties the commits GitHub did not link (author: null) to
// logins, now that every linked commit has been seen.
func (b *builder) resolvePending() (unresolved int64) {
	type cacheKey struct {
		community   int32
		name, email string
	}
	cache := make(map[cacheKey]resolution)
	for _, pc := range b.pending {
		ck := cacheKey{pc.community, pc.name, pc.email}
		r, ok := cache[ck]
		if !ok {
			r = b.resolve(pc.community, pc.name, pc.email)
			if b.ids.excludedAuthor(pc.name, pc.email) || r.login >= 0 && b.ids.excludedLogin(b.logins[r.login].lower) {
				r = resolution{-1, methodExcluded}
			}
			cache[ck] = r
		}
		if r.method == methodExcluded {
			b.ignored["excluded"]++
			continue
		}
		b.identities[identityKey{pc.community, pc.name, pc.email, r.login, r.method}]++
		if r.login < 0 {
			unresolved++
			continue
		}
		b.logins[r.login].events++
		b.addFact(pc.community, r.login, pc.kind, false, pc.ref, pc.day, pc.at)
		b.noteIdentity(pc.community, r.login, r.method)
	}
	b.pending = nil
	return unresolved
}

// dateTime converts unix microseconds to a UTC time.
func dateTime(us int64) time.Time { return time.UnixMicro(us).UTC() }
