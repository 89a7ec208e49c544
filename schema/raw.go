package schema

import "time"

// RawVersion is the version of what the raw tables hold, recorded in
// collection.json (raw_version). It is raised when a raw table gains a
// column that the events' derivation (package events) reads, so that a
// folder collected before can be told apart: its events cannot be derived
// again from its raw tables.
//
//   - 1: the raw tables hold everything events.parquet derives from:
//     forks.id, issue_events.issue_author and issue_is_pull_request.
//     Folders without raw_version were collected before.
const RawVersion = 1

// The types in this file are the rows of the raw tables that collection
// writes, one type per Parquet file (see Tables and docs/schema.md). Every row carries
// the community it was collected for and the repository ("owner/name").
// Logins are GitHub logins exactly as the API serves them. A nil pointer is a
// null in Parquet: GitHub did not say, or the field does not apply.
//
// The `parquet` struct tags name the columns; ",dict" asks for dictionary
// encoding (low-cardinality columns only).

// A Repo is one row of repos.parquet: a repository as GET /repos/{owner}/{repo} serves it.
// What GitHub did not serve (a repository that could not be read) is null,
// never a zero value.
type Repo struct {
	Community string `parquet:"community,dict"`
	Repo      string `parquet:"repo,dict"`
	ID        *int64 `parquet:"id"`
	// OwnerType is the owner account's type: "Organization" or "User".
	OwnerType           *string    `parquet:"owner_type,dict"`
	DefaultBranch       *string    `parquet:"default_branch,dict"`
	CreatedAt           *time.Time `parquet:"created_at"`
	PushedAt            *time.Time `parquet:"pushed_at"`
	Fork                *bool      `parquet:"fork"`
	Archived            *bool      `parquet:"archived"`
	Stars               *int64     `parquet:"stargazers_count"`
	Forks               *int64     `parquet:"forks_count"`
	HasContributorsFile *bool      `parquet:"has_all_contributors"`
	// Status is "ok", or "failed" with Error saying why (404, timeouts, ...).
	Status      string    `parquet:"status,dict"`
	Error       *string   `parquet:"error"`
	CollectedAt time.Time `parquet:"collected_at"`
}

// An Issue is one row of issues.parquet: an issue or a pull request from
// GET /repos/{owner}/{repo}/issues?state=all.
type Issue struct {
	Community         string     `parquet:"community,dict"`
	Repo              string     `parquet:"repo,dict"`
	Number            int64      `parquet:"number"`
	ID                int64      `parquet:"id"`
	IsPullRequest     bool       `parquet:"is_pull_request"`
	Title             string     `parquet:"title"`
	State             string     `parquet:"state,dict"`
	StateReason       *string    `parquet:"state_reason,dict"`
	Author            *string    `parquet:"author"`
	AuthorType        *string    `parquet:"author_type,dict"`
	AuthorAssociation *string    `parquet:"author_association,dict"`
	Labels            []string   `parquet:"labels"`
	Assignees         []string   `parquet:"assignees"`
	CommentCount      int64      `parquet:"comments"`
	CreatedAt         time.Time  `parquet:"created_at"`
	UpdatedAt         time.Time  `parquet:"updated_at"`
	ClosedAt          *time.Time `parquet:"closed_at"`
	MergedAt          *time.Time `parquet:"merged_at"`
}

// A PullRequest is one row of pull_requests.parquet: what a journey needs to
// know about a pull request's merge. MergedAt comes from the issues listing
// (pull_request.merged_at); MergedBy from the repository's "merged" issue
// event (its actor is who merged).
type PullRequest struct {
	Community      string     `parquet:"community,dict"`
	Repo           string     `parquet:"repo,dict"`
	Number         int64      `parquet:"number"`
	Author         *string    `parquet:"author"`
	State          string     `parquet:"state,dict"`
	CreatedAt      time.Time  `parquet:"created_at"`
	ClosedAt       *time.Time `parquet:"closed_at"`
	Merged         bool       `parquet:"merged"`
	MergedAt       *time.Time `parquet:"merged_at"`
	MergedBy       *string    `parquet:"merged_by"`
	MergeCommitSHA *string    `parquet:"merge_commit_sha"`
}

// A Comment is one row of comments.parquet: an issue comment
// (GET /repos/{owner}/{repo}/issues/comments, Kind "issue_comment") or a
// pull-request review comment (GET /repos/{owner}/{repo}/pulls/comments,
// Kind "review_comment").
type Comment struct {
	Community         string    `parquet:"community,dict"`
	Repo              string    `parquet:"repo,dict"`
	Kind              Kind      `parquet:"kind,dict"`
	ID                int64     `parquet:"id"`
	Number            int64     `parquet:"number"`
	Author            *string   `parquet:"author"`
	AuthorType        *string   `parquet:"author_type,dict"`
	AuthorAssociation *string   `parquet:"author_association,dict"`
	CreatedAt         time.Time `parquet:"created_at"`
	UpdatedAt         time.Time `parquet:"updated_at"`
}

// A Review is one row of reviews.parquet, from
// GET /repos/{owner}/{repo}/pulls/{number}/reviews.
type Review struct {
	Community   string     `parquet:"community,dict"`
	Repo        string     `parquet:"repo,dict"`
	ID          int64      `parquet:"id"`
	Number      int64      `parquet:"number"`
	Author      *string    `parquet:"author"`
	AuthorType  *string    `parquet:"author_type,dict"`
	State       string     `parquet:"state,dict"`
	SubmittedAt *time.Time `parquet:"submitted_at"`
}

// A Commit is one row of commits.parquet: a commit on the default branch
// (GET /repos/{owner}/{repo}/commits). AuthorLogin is the account GitHub
// links to the author email; nil when GitHub serves "author": null.
type Commit struct {
	Community      string    `parquet:"community,dict"`
	Repo           string    `parquet:"repo,dict"`
	SHA            string    `parquet:"sha"`
	AuthorName     string    `parquet:"author_name"`
	AuthorEmail    string    `parquet:"author_email"`
	AuthorDate     time.Time `parquet:"author_date"`
	CommitterName  string    `parquet:"committer_name"`
	CommitterEmail string    `parquet:"committer_email"`
	CommitterDate  time.Time `parquet:"committer_date"`
	AuthorLogin    *string   `parquet:"author_login"`
	AuthorType     *string   `parquet:"author_type,dict"`
	CommitterLogin *string   `parquet:"committer_login"`
	ParentCount    int64     `parquet:"parent_count"`
	Message        string    `parquet:"message"`
	CoAuthorNames  []string  `parquet:"co_author_names"`
	CoAuthorEmails []string  `parquet:"co_author_emails"`
}

// A Stargazer is one row of stargazers.parquet, from
// GET /repos/{owner}/{repo}/stargazers with the star+json media type.
type Stargazer struct {
	Community string    `parquet:"community,dict"`
	Repo      string    `parquet:"repo,dict"`
	Login     string    `parquet:"login"`
	UserType  string    `parquet:"user_type,dict"`
	StarredAt time.Time `parquet:"starred_at"`
}

// A Fork is one row of forks.parquet, from GET /repos/{owner}/{repo}/forks.
type Fork struct {
	Community string    `parquet:"community,dict"`
	Repo      string    `parquet:"repo,dict"`
	ForkRepo  string    `parquet:"fork_full_name"`
	Owner     string    `parquet:"owner"`
	OwnerType string    `parquet:"owner_type,dict"`
	CreatedAt time.Time `parquet:"created_at"`
	// ID is the fork's repository id: its fork event's source_id.
	ID int64 `parquet:"id"`
}

// An IssueEvent is one row of issue_events.parquet, from
// GET /repos/{owner}/{repo}/issues/events.
type IssueEvent struct {
	Community string    `parquet:"community,dict"`
	Repo      string    `parquet:"repo,dict"`
	ID        int64     `parquet:"id"`
	Number    int64     `parquet:"number"`
	Event     string    `parquet:"event,dict"`
	Actor     *string   `parquet:"actor"`
	ActorType *string   `parquet:"actor_type,dict"`
	CreatedAt time.Time `parquet:"created_at"`
	Label     *string   `parquet:"label"`
	Assignee  *string   `parquet:"assignee"`
	CommitID  *string   `parquet:"commit_id"`
	// IssueAuthor and IssueIsPullRequest are the event's own issue as
	// the events listing serves it (issue.user.login, and whether it has
	// a pull_request object): the target of its event when the issues
	// table does not list the item. IssueIsPullRequest is null when the
	// event names no issue.
	IssueAuthor        *string `parquet:"issue_author"`
	IssueIsPullRequest *bool   `parquet:"issue_is_pull_request"`
}

// A Recognition is one row of recognitions.parquet: a person listed in the
// repository's .all-contributorsrc, with the contribution types listed now
// and, where the file's history says it, when the person was first listed.
type Recognition struct {
	Community     string     `parquet:"community,dict"`
	Repo          string     `parquet:"repo,dict"`
	Login         string     `parquet:"login"`
	Name          *string    `parquet:"name"`
	Contributions []string   `parquet:"contributions"`
	FirstListedAt *time.Time `parquet:"first_listed_at"`
	// FirstListedBy is true when FirstListedAt is only a bound: older
	// versions of the file could not be read, so the person was listed by
	// that date, perhaps earlier.
	FirstListedBy bool `parquet:"first_listed_by"`
}

// An Event is one row of events.parquet: one action by a person, from any
// source, in a single shape that the analysis reads.
//
// Actor is the GitHub login that did it. For commit and commit_coauthor it is
// the login GitHub links to the email, or nil; AuthorName and AuthorEmail
// then let the analysis resolve the person (see the identities table).
type Event struct {
	Community           string    `parquet:"community,dict"`
	Repo                string    `parquet:"repo,dict"`
	Actor               *string   `parquet:"actor,dict"`
	ActorType           *string   `parquet:"actor_type,dict"`
	Kind                Kind      `parquet:"kind,dict"`
	OccurredAt          time.Time `parquet:"occurred_at"`
	TargetNumber        *int64    `parquet:"target_number"`
	TargetAuthor        *string   `parquet:"target_author,dict"`
	TargetIsPullRequest *bool     `parquet:"target_is_pull_request"`
	Detail              *string   `parquet:"detail"`
	AuthorName          *string   `parquet:"author_name,dict"`
	AuthorEmail         *string   `parquet:"author_email,dict"`
	SourceID            string    `parquet:"source_id"`
}
