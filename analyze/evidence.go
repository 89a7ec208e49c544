package analyze

// The evidence columns of transitions.parquet and contributors.parquet name
// the event behind a stage: the one that made its rule hold ("met"), or,
// for a drop, the one whose leaving the window ended the higher stage's
// rule ("expired").
const (
	RoleMet     = "met"
	RoleExpired = "expired"
)

// supports reports whether fact f counts toward stage st's rule, under the
// sweeper's model.
func (s *sweeper) supports(st int, f uint64) bool {
	k := factKind(f)
	switch st {
	case sDiscovery:
		return k == fStar || k == fFork
	case sFirstContact:
		return isAction(k) && (!s.m.NarrowFirstContact || isContact(k))
	case sParticipation:
		switch k {
		case fOwnMerged, fCommit, fRecognized:
			return true
		case fCoauthor:
			return !s.m.IgnoreCoauthors
		}
		return false
	case sSustained:
		return s.windowKind(f) == 1
	case sNetworked:
		return s.windowKind(f) == 2
	case sLeadership:
		w := s.windowKind(f)
		return w == 3 || w == 4
	}
	return false
}

// An evidenceTracker follows, while a person's facts are swept, the latest
// fact behind each stage's rule, and the cause of the latest change.
type evidenceTracker struct {
	met, left [numStages]uint64 // the latest fact that entered (left) for each rule
	has, gone [numStages]bool
	cause     uint64
	causeRole string
}

// note records that f entered (into met) or left the window (into left).
func (e *evidenceTracker) note(s *sweeper, f uint64, into *[numStages]uint64) {
	for st := range numStages {
		if s.supports(st, f) {
			had := e.has[st]
			if into == &e.left {
				had = e.gone[st]
			}
			if had && sameDayAndKind(into[st], f) && !s.before(f, into[st]) {
				// Facts of one day and kind come in the order of their item
				// ids, which depend on the order of the events: keep the
				// first by repository, number and SHA, whatever the order.
				continue
			}
			into[st] = f
			if into == &e.met {
				e.has[st] = true
			} else {
				e.gone[st] = true
			}
		}
	}
}

func sameDayAndKind(a, b uint64) bool {
	return factDay(a) == factDay(b) && factKind(a) == factKind(b)
}

// change records the cause of a change of stage from old to st: the
// latest fact behind st's rule when rising, the latest fact that left old's
// rule when dropping.
func (e *evidenceTracker) change(st, old int) {
	switch {
	case st > old && st >= 0 && e.has[st]:
		e.cause, e.causeRole = e.met[st], RoleMet
	case st < old && old >= 0 && e.gone[old]:
		e.cause, e.causeRole = e.left[old], RoleExpired
	default:
		e.causeRole = ""
	}
}

// describe names the event behind fact f: its kind as events.parquet
// spells it, its repository, issue or pull request number or commit SHA,
// and its day.
func (b *builder) describe(f uint64, role string) Evidence {
	if role == "" {
		return Evidence{}
	}
	e := Evidence{Kind: ptr(factKindNames[factKind(f)]), Role: ptr(role), At: ptr(dateOf(factDay(f)))}
	if item := factItem(f); int(item) < len(b.itemKeys) {
		k := b.itemKeys[item]
		e.Repo = ptr(b.repoNames[k.repo])
		if k.number >= 0 {
			e.Number = ptr(k.number)
		}
		if k.sha != "" {
			e.SHA = ptr(k.sha)
		}
	}
	return e
}

// factKindNames are the events.parquet kinds of the fact kinds (a merge of
// one's own pull request is the pr_merged event that merged it).
var factKindNames = [numFactKinds]string{
	fStar: "star", fFork: "fork", fRecognized: "recognized", fIssueOpened: "issue_opened",
	fPROpened: "pr_opened", fComment: "issue_comment", fReview: "review", fOwnMerged: "pr_merged",
	fCommit: "commit", fCoauthor: "commit_coauthor", fMerge: "pr_merged", fClose: "issue_closed",
	fLabel: "labeled", fReopen: "issue_reopened", fAssign: "assigned", fReviewComment: "review_comment",
}

// before orders two facts' items by repository name, number and SHA: an
// order that does not depend on the order events were read in.
func (b *builder) before(x, y uint64) bool {
	ix, iy := factItem(x), factItem(y)
	if int(ix) >= len(b.itemKeys) || int(iy) >= len(b.itemKeys) {
		return ix < iy
	}
	kx, ky := b.itemKeys[ix], b.itemKeys[iy]
	if nx, ny := b.repoNames[kx.repo], b.repoNames[ky.repo]; nx != ny {
		return nx < ny
	}
	if kx.number != ky.number {
		return kx.number < ky.number
	}
	return kx.sha < ky.sha
}
