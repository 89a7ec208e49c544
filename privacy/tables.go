package privacy

import (
	"time"

	"github.com/journeys-dev/journeys/schema"
)

// The types in this file are the rows of the tables Publish writes in
// place of the raw and analysis tables that hold names, emails or free
// text: the same columns, less those (docs/privacy.md lists them). Logins
// are pseudonyms.

// A Repo is a row of the published repos.parquet (no error text: it may
// quote URLs).
type Repo struct {
	Community           string     `parquet:"community,dict"`
	Repo                string     `parquet:"repo,dict"`
	ID                  *int64     `parquet:"id"`
	DefaultBranch       *string    `parquet:"default_branch,dict"`
	CreatedAt           *time.Time `parquet:"created_at"`
	PushedAt            *time.Time `parquet:"pushed_at"`
	Fork                *bool      `parquet:"fork"`
	Archived            *bool      `parquet:"archived"`
	Stars               *int64     `parquet:"stargazers_count"`
	Forks               *int64     `parquet:"forks_count"`
	HasContributorsFile *bool      `parquet:"has_all_contributors"`
	Status              string     `parquet:"status,dict"`
	CollectedAt         time.Time  `parquet:"collected_at"`
}

// repoOwner reads the owner's account type from repos.parquet, when the
// collection recorded it ("User" or "Organization"; "" when unknown).
type repoOwner struct {
	Repo      string `parquet:"repo,dict"`
	OwnerType string `parquet:"owner_type,dict"`
}

// An Issue is a row of the published issues.parquet: no title, no labels.
type Issue struct {
	Community         string     `parquet:"community,dict"`
	Repo              string     `parquet:"repo,dict"`
	Number            int64      `parquet:"number"`
	ID                int64      `parquet:"id"`
	IsPullRequest     bool       `parquet:"is_pull_request"`
	State             string     `parquet:"state,dict"`
	StateReason       *string    `parquet:"state_reason,dict"`
	Author            *string    `parquet:"author"`
	AuthorType        *string    `parquet:"author_type,dict"`
	AuthorAssociation *string    `parquet:"author_association,dict"`
	Assignees         []string   `parquet:"assignees"`
	CommentCount      int64      `parquet:"comments"`
	CreatedAt         time.Time  `parquet:"created_at"`
	UpdatedAt         time.Time  `parquet:"updated_at"`
	ClosedAt          *time.Time `parquet:"closed_at"`
	MergedAt          *time.Time `parquet:"merged_at"`
}

// A Commit is a row of the published commits.parquet: no names, emails or
// message; CoAuthors counts the Co-authored-by trailers.
type Commit struct {
	Community      string    `parquet:"community,dict"`
	Repo           string    `parquet:"repo,dict"`
	SHA            string    `parquet:"sha"`
	AuthorDate     time.Time `parquet:"author_date"`
	CommitterDate  time.Time `parquet:"committer_date"`
	AuthorLogin    *string   `parquet:"author_login"`
	AuthorType     *string   `parquet:"author_type,dict"`
	CommitterLogin *string   `parquet:"committer_login"`
	ParentCount    int64     `parquet:"parent_count"`
	CoAuthors      int64     `parquet:"co_authors"`
}

// A Fork is a row of the published forks.parquet: no fork name (it holds
// the owner's login).
type Fork struct {
	Community string    `parquet:"community,dict"`
	Repo      string    `parquet:"repo,dict"`
	Owner     string    `parquet:"owner"`
	OwnerType string    `parquet:"owner_type,dict"`
	CreatedAt time.Time `parquet:"created_at"`
}

// An IssueEvent is a row of the published issue_events.parquet: no label
// name.
type IssueEvent struct {
	Community string    `parquet:"community,dict"`
	Repo      string    `parquet:"repo,dict"`
	ID        int64     `parquet:"id"`
	Number    int64     `parquet:"number"`
	Event     string    `parquet:"event,dict"`
	Actor     *string   `parquet:"actor"`
	ActorType *string   `parquet:"actor_type,dict"`
	CreatedAt time.Time `parquet:"created_at"`
	Assignee  *string   `parquet:"assignee"`
	CommitID  *string   `parquet:"commit_id"`
}

// A Recognition is a row of the published recognitions.parquet: no name.
type Recognition struct {
	Community     string     `parquet:"community,dict"`
	Repo          string     `parquet:"repo,dict"`
	Login         string     `parquet:"login"`
	Contributions []string   `parquet:"contributions"`
	FirstListedAt *time.Time `parquet:"first_listed_at"`
	FirstListedBy bool       `parquet:"first_listed_by"`
}

// An Event is a row of the published events.parquet: no author name or
// email; detail only where it holds no name (review state, contribution
// types) or a login (the assignee's, pseudonymized).
type Event struct {
	Community           string      `parquet:"community,dict"`
	Repo                string      `parquet:"repo,dict"`
	Actor               *string     `parquet:"actor,dict"`
	ActorType           *string     `parquet:"actor_type,dict"`
	Kind                schema.Kind `parquet:"kind,dict"`
	OccurredAt          time.Time   `parquet:"occurred_at"`
	TargetNumber        *int64      `parquet:"target_number"`
	TargetAuthor        *string     `parquet:"target_author,dict"`
	TargetIsPullRequest *bool       `parquet:"target_is_pull_request"`
	Detail              *string     `parquet:"detail"`
	SourceID            string      `parquet:"source_id"`
}

// An Identity is a row of the published identities.parquet: per community,
// login and method, how many distinct names and emails were tied, and
// their commits. Unresolved authors have a null login.
type Identity struct {
	Community  string  `parquet:"community,dict"`
	Login      *string `parquet:"login"`
	Method     string  `parquet:"method,dict"`
	Confidence *string `parquet:"confidence,dict"`
	Identities int64   `parquet:"identities"`
	Commits    int64   `parquet:"commits"`
}
