package schema

// A Kind is what an event of events.parquet records: its "kind" column.
// comments.parquet's "kind" column holds the two comment kinds too. See
// docs/schema.md for what each kind's columns hold.
type Kind string

// Event kinds.
const (
	KindStar           Kind = "star"
	KindFork           Kind = "fork"
	KindIssueOpened    Kind = "issue_opened"
	KindPROpened       Kind = "pr_opened"
	KindPRMerged       Kind = "pr_merged"
	KindIssueClosed    Kind = "issue_closed"
	KindIssueReopened  Kind = "issue_reopened"
	KindIssueComment   Kind = "issue_comment"
	KindReview         Kind = "review"
	KindReviewComment  Kind = "review_comment"
	KindCommit         Kind = "commit"
	KindCommitCoauthor Kind = "commit_coauthor"
	KindLabeled        Kind = "labeled"
	KindAssigned       Kind = "assigned"
	KindRecognized     Kind = "recognized"
)

// DetailClass is the privacy class of an event's detail for kind k: the
// column's class (free text) says what it may hold in general, this what
// it holds for one kind. A review's state and the contribution types of a
// recognition are public; an assignment's detail is the assignee's login;
// a label is free text; a fork's detail is its full name, which holds the
// owner's login (personal). The other kinds have no detail.
func (k Kind) DetailClass() Class {
	switch k {
	case KindReview, KindRecognized:
		return Public
	case KindAssigned:
		return Login
	case KindFork:
		return Personal
	}
	return FreeText
}
