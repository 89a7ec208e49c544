// Package fakegithub is a GitHub-compatible REST API server: the local API
// of the offline demo, and the server that tests and benchmarks run the
// collector against. It serves the repositories in a Data value with
// GitHub's real behaviour: page/per_page pagination with Link headers
// pointing at /repositories/{id}/... URLs, the issues listing's default
// state=open, since, sort and direction, ETag and If-None-Match (304s cost
// no quota), X-RateLimit-* headers and quota exhaustion, 401 for unknown
// tokens, 404 for unknown and private repositories, and, on request,
// faults: 5xx bursts, secondary rate limits, latency and dropped
// connections (see FaultPlan).
//
// It is product code, linked into the binary by the demo, so it imports
// neither testing nor net/http/httptest. Server is an http.Handler;
// Server.Serve and Server.ServeListener serve it with net/http's Server on
// a loopback address or a given listener. Tests start one with package
// fakegithubtest:
//
//	ts, srv := fakegithubtest.NewTestServer(t, fakegithub.Generate(fakegithub.GenerateOptions{Seed: 1}), fakegithub.Options{})
//	// point the client at ts.URL (+ Options.BasePath), then check srv.Stats()
//
// Payloads follow GitHub's OpenAPI description; the tests validate every
// endpoint against testdata/openapi-subset.json (go generate rebuilds it:
// see mkopenapi).
package fakegithub

import "time"

// A User is a GitHub account as payloads reference it.
type User struct {
	Login string
	ID    int64
	// Type is "User", "Bot" or "Organization". Empty means "User".
	Type string
}

// Data is everything the server serves.
type Data struct {
	Repos []*Repo
	// Orgs maps an organisation login to its public repositories' names
	// ("owner/name"), for GET /orgs/{org}/repos. Repos listed here must
	// also be in Repos.
	Orgs map[string][]string
}

// A Repo is one repository and all the activity served for it.
type Repo struct {
	Owner, Name   string
	ID            int64
	DefaultBranch string
	CreatedAt     time.Time
	UpdatedAt     time.Time
	PushedAt      time.Time
	Fork          bool
	Archived      bool
	// Private repositories answer 404, as they do to a token without access.
	Private bool
	// Description and Language are served as null when empty.
	Description string
	Language    string

	Issues         []*Issue // issues and pull requests, any order
	Comments       []*Comment
	ReviewComments []*ReviewComment
	Reviews        []*Review
	Commits        []*Commit // the default branch, any order
	Stargazers     []*Star
	Forks          []*Fork
	Events         []*IssueEvent
	// Files are served by the contents API on the default branch, path -> content.
	Files map[string][]byte
	// FileHistory holds older versions of files for GET .../contents/{path}?ref=SHA:
	// commit SHA -> path -> content.
	FileHistory map[string]map[string][]byte
}

// An Issue is an issue, or a pull request when PullRequest is not nil.
type Issue struct {
	Number    int64
	ID        int64
	Title     string
	Body      string
	User      User
	State     string // "open" or "closed"
	Labels    []string
	Assignees []User
	CreatedAt time.Time
	UpdatedAt time.Time
	ClosedAt  *time.Time
	Comments  int // the comment count the listing reports
	// StateReason is "completed", "not_planned", "reopened" or empty (null).
	StateReason string
	// AuthorAssociation is the author's relation to the repository as
	// GitHub reports it (OWNER, MEMBER, COLLABORATOR, CONTRIBUTOR,
	// FIRST_TIME_CONTRIBUTOR, FIRST_TIMER, NONE). Empty means "NONE".
	AuthorAssociation string

	PullRequest *PullRequest
}

// PullRequest holds what only pull requests have.
type PullRequest struct {
	MergedAt       *time.Time
	MergedBy       *User
	MergeCommitSHA string
	HeadRef        string
	HeadOwner      string
	Draft          bool
}

// A Comment is an issue (or pull-request conversation) comment.
type Comment struct {
	ID          int64
	IssueNumber int64
	User        User
	Body        string
	CreatedAt   time.Time
	UpdatedAt   time.Time
	// AuthorAssociation as for Issue; empty means "NONE".
	AuthorAssociation string
}

// A ReviewComment is a comment on a pull request's diff.
type ReviewComment struct {
	ID         int64
	PullNumber int64
	ReviewID   int64
	User       User
	Body       string
	Path       string
	CommitID   string
	CreatedAt  time.Time
	UpdatedAt  time.Time
	// AuthorAssociation as for Issue; empty means "NONE".
	AuthorAssociation string
}

// A Review is a pull-request review.
type Review struct {
	ID          int64
	PullNumber  int64
	User        User
	State       string // APPROVED, CHANGES_REQUESTED, COMMENTED, DISMISSED, PENDING
	Body        string
	CommitID    string
	SubmittedAt *time.Time
	// AuthorAssociation as for Issue; empty means "NONE".
	AuthorAssociation string
}

// A Commit is a commit on the default branch.
type Commit struct {
	SHA            string
	Parents        []string
	AuthorName     string
	AuthorEmail    string
	AuthorDate     time.Time
	CommitterName  string
	CommitterEmail string
	CommitterDate  time.Time
	Message        string
	// Author and Committer are the accounts GitHub links to the emails;
	// nil is served as "author": null.
	Author    *User
	Committer *User
	// Paths are the files the commit touched, for the commits listing's
	// path filter.
	Paths []string
}

// A Star is one stargazer.
type Star struct {
	User      User
	StarredAt time.Time
}

// A Fork is one fork of the repository.
type Fork struct {
	ID        int64
	Owner     User
	Name      string
	CreatedAt time.Time
}

// An IssueEvent is one event on an issue or pull request: closed, reopened,
// merged, labeled, unlabeled, assigned, ...
type IssueEvent struct {
	ID          int64
	IssueNumber int64
	Event       string
	Actor       *User
	CreatedAt   time.Time
	Label       string // for labeled/unlabeled
	Assignee    *User  // for assigned/unassigned
	CommitID    string // for merged, closed by commit, referenced
}

// EachUser calls fn with every account the repository's activity names
// (authors, assignees, mergers, reviewers, linked commit authors and
// committers, stargazers, fork owners, event actors and assignees), so that
// a test can collect or rename them all. fn may change the User in place.
func (r *Repo) EachUser(fn func(*User)) {
	visit := func(u *User) {
		if u != nil {
			fn(u)
		}
	}
	for _, it := range r.Issues {
		visit(&it.User)
		for i := range it.Assignees {
			visit(&it.Assignees[i])
		}
		if it.PullRequest != nil {
			visit(it.PullRequest.MergedBy)
		}
	}
	for _, c := range r.Comments {
		visit(&c.User)
	}
	for _, c := range r.ReviewComments {
		visit(&c.User)
	}
	for _, rv := range r.Reviews {
		visit(&rv.User)
	}
	for _, c := range r.Commits {
		visit(c.Author)
		visit(c.Committer)
	}
	for _, s := range r.Stargazers {
		visit(&s.User)
	}
	for _, f := range r.Forks {
		visit(&f.Owner)
	}
	for _, e := range r.Events {
		visit(e.Actor)
		visit(e.Assignee)
	}
}
