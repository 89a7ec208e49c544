package collect

import (
	"strconv"
	"strings"
	"time"
)

// The types in this file decode GitHub's REST payloads: only the fields
// collection uses, named exactly as the REST reference names them. They are
// also what the state folder keeps between runs.

type apiUser struct {
	Login string `json:"login"`
	ID    int64  `json:"id"`
	Type  string `json:"type"`
}

func (u *apiUser) login() *string {
	if u == nil || u.Login == "" {
		return nil
	}
	return ptr(u.Login)
}

func (u *apiUser) typ() *string {
	if u == nil || u.Type == "" {
		return nil
	}
	return ptr(u.Type)
}

// apiRepo is GET /repos/{owner}/{repo}.
type apiRepo struct {
	ID              int64      `json:"id"`
	FullName        string     `json:"full_name"`
	DefaultBranch   string     `json:"default_branch"`
	CreatedAt       time.Time  `json:"created_at"`
	PushedAt        *time.Time `json:"pushed_at"`
	Fork            bool       `json:"fork"`
	Archived        bool       `json:"archived"`
	StargazersCount int64      `json:"stargazers_count"`
	ForksCount      int64      `json:"forks_count"`
}

type apiLabel struct {
	Name string `json:"name"`
}

// apiIssue is one item of GET /repos/{owner}/{repo}/issues: an issue, or a
// pull request when PullRequest is set.
type apiIssue struct {
	ID                int64      `json:"id"`
	Number            int64      `json:"number"`
	Title             string     `json:"title"`
	State             string     `json:"state"`
	StateReason       *string    `json:"state_reason"`
	User              *apiUser   `json:"user"`
	AuthorAssociation string     `json:"author_association"`
	Labels            []apiLabel `json:"labels"`
	Assignees         []apiUser  `json:"assignees"`
	Comments          int64      `json:"comments"`
	CreatedAt         time.Time  `json:"created_at"`
	UpdatedAt         time.Time  `json:"updated_at"`
	ClosedAt          *time.Time `json:"closed_at"`
	PullRequest       *struct {
		MergedAt *time.Time `json:"merged_at"`
	} `json:"pull_request"`
}

// apiComment is one item of GET /repos/{owner}/{repo}/issues/comments or
// /pulls/comments.
type apiComment struct {
	ID                int64     `json:"id"`
	IssueURL          string    `json:"issue_url,omitempty"`
	PullRequestURL    string    `json:"pull_request_url,omitempty"`
	User              *apiUser  `json:"user"`
	AuthorAssociation string    `json:"author_association"`
	CreatedAt         time.Time `json:"created_at"`
	UpdatedAt         time.Time `json:"updated_at"`
}

// number returns the issue or pull-request number at the end of the
// comment's issue_url or pull_request_url.
func (c *apiComment) number() int64 {
	u := c.IssueURL
	if u == "" {
		u = c.PullRequestURL
	}
	n, _ := strconv.ParseInt(u[strings.LastIndexByte(u, '/')+1:], 10, 64)
	return n
}

// apiReview is one item of GET /repos/{owner}/{repo}/pulls/{n}/reviews.
type apiReview struct {
	ID          int64      `json:"id"`
	Number      int64      `json:"number,omitempty"` // not GitHub's: the pull request it was listed for
	User        *apiUser   `json:"user"`
	State       string     `json:"state"`
	SubmittedAt *time.Time `json:"submitted_at"`
}

type apiGitPerson struct {
	Name  string    `json:"name"`
	Email string    `json:"email"`
	Date  time.Time `json:"date"`
}

// apiCommit is one item of GET /repos/{owner}/{repo}/commits.
type apiCommit struct {
	SHA    string `json:"sha"`
	Commit struct {
		Author    apiGitPerson `json:"author"`
		Committer apiGitPerson `json:"committer"`
		Message   string       `json:"message"`
	} `json:"commit"`
	Author    *apiUser `json:"author"`
	Committer *apiUser `json:"committer"`
	Parents   []struct {
		SHA string `json:"sha"`
	} `json:"parents"`
}

// apiStar is one item of GET /repos/{owner}/{repo}/stargazers with
// Accept: application/vnd.github.star+json.
type apiStar struct {
	StarredAt time.Time `json:"starred_at"`
	User      *apiUser  `json:"user"`
}

// apiFork is one item of GET /repos/{owner}/{repo}/forks.
type apiFork struct {
	ID        int64     `json:"id"`
	FullName  string    `json:"full_name"`
	Owner     *apiUser  `json:"owner"`
	CreatedAt time.Time `json:"created_at"`
}

// apiIssueEvent is one item of GET /repos/{owner}/{repo}/issues/events.
type apiIssueEvent struct {
	ID        int64     `json:"id"`
	Actor     *apiUser  `json:"actor"`
	Event     string    `json:"event"`
	CommitID  *string   `json:"commit_id"`
	CreatedAt time.Time `json:"created_at"`
	Label     *struct {
		Name string `json:"name"`
	} `json:"label,omitempty"`
	Assignee *apiUser `json:"assignee,omitempty"`
	Issue    *struct {
		Number      int64    `json:"number"`
		User        *apiUser `json:"user"`
		PullRequest *struct {
			URL string `json:"url"`
		} `json:"pull_request,omitempty"`
	} `json:"issue,omitempty"`
}

// apiContent is GET /repos/{owner}/{repo}/contents/{path}.
type apiContent struct {
	Type     string `json:"type"`
	Encoding string `json:"encoding"`
	Content  string `json:"content"`
	SHA      string `json:"sha"`
}

func ptr[T any](v T) *T { return &v }
