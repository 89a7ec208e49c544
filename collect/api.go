package collect

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/google/go-github/v57/github"
)

// Payloads are decoded into go-github's types (github.Repository,
// github.Issue, github.IssueComment, ...), then converted into the records
// below: only the fields collection uses, named exactly as GitHub's REST
// reference names them. The records are what the state folder keeps
// between runs (small, and free of bodies and URLs); the go-github values
// live only while a page is decoded.

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
	OwnerType       string     `json:"owner_type"`
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

func ptr[T any](v T) *T { return &v }

// decodeList decodes a page of a listing into go-github's type P and
// converts each item with conv (nil items are skipped).
func decodeList[P, R any](body []byte, conv func(*P) *R) ([]*R, error) {
	var page []*P
	if err := json.Unmarshal(body, &page); err != nil {
		return nil, err
	}
	out := make([]*R, 0, len(page))
	for _, p := range page {
		if p != nil {
			out = append(out, conv(p))
		}
	}
	return out, nil
}

// issuePayload is one item of the issues listing: go-github's Issue, with
// pull_request.merged_at, which go-github v57's PullRequestLinks lacks.
type issuePayload struct {
	github.Issue
	PullRequest *struct {
		github.PullRequestLinks
		MergedAt *github.Timestamp `json:"merged_at"`
	} `json:"pull_request,omitempty"`
}

func fromUser(u *github.User) *apiUser {
	if u == nil {
		return nil
	}
	return &apiUser{Login: u.GetLogin(), ID: u.GetID(), Type: u.GetType()}
}

func users(us []*github.User) []apiUser {
	out := make([]apiUser, 0, len(us))
	for _, u := range us {
		if u != nil {
			out = append(out, *fromUser(u))
		}
	}
	return out
}

// timePtr converts an optional go-github timestamp.
func timePtr(t *github.Timestamp) *time.Time {
	if t == nil {
		return nil
	}
	return ptr(t.Time)
}

func fromRepo(r *github.Repository) *apiRepo {
	return &apiRepo{ID: r.GetID(), FullName: r.GetFullName(), OwnerType: r.GetOwner().GetType(), DefaultBranch: r.GetDefaultBranch(),
		CreatedAt: r.GetCreatedAt().Time, PushedAt: timePtr(r.PushedAt), Fork: r.GetFork(), Archived: r.GetArchived(),
		StargazersCount: int64(r.GetStargazersCount()), ForksCount: int64(r.GetForksCount())}
}

func fromIssue(it *issuePayload) *apiIssue {
	out := &apiIssue{ID: it.GetID(), Number: int64(it.GetNumber()), Title: it.GetTitle(), State: it.GetState(),
		StateReason: it.StateReason, User: fromUser(it.User), AuthorAssociation: it.GetAuthorAssociation(),
		Assignees: users(it.Assignees), Comments: int64(it.GetComments()),
		CreatedAt: it.GetCreatedAt().Time, UpdatedAt: it.GetUpdatedAt().Time, ClosedAt: timePtr(it.ClosedAt)}
	for _, l := range it.Labels {
		if l != nil {
			out.Labels = append(out.Labels, apiLabel{Name: l.GetName()})
		}
	}
	if it.PullRequest != nil {
		out.PullRequest = &struct {
			MergedAt *time.Time `json:"merged_at"`
		}{MergedAt: timePtr(it.PullRequest.MergedAt)}
	}
	return out
}

func fromIssueComment(c *github.IssueComment) *apiComment {
	return &apiComment{ID: c.GetID(), IssueURL: c.GetIssueURL(), User: fromUser(c.User), AuthorAssociation: c.GetAuthorAssociation(),
		CreatedAt: c.GetCreatedAt().Time, UpdatedAt: c.GetUpdatedAt().Time}
}

func fromReviewComment(c *github.PullRequestComment) *apiComment {
	return &apiComment{ID: c.GetID(), PullRequestURL: c.GetPullRequestURL(), User: fromUser(c.User), AuthorAssociation: c.GetAuthorAssociation(),
		CreatedAt: c.GetCreatedAt().Time, UpdatedAt: c.GetUpdatedAt().Time}
}

func fromReview(r *github.PullRequestReview) *apiReview {
	return &apiReview{ID: r.GetID(), User: fromUser(r.User), State: r.GetState(), SubmittedAt: timePtr(r.SubmittedAt)}
}

func fromGitPerson(a *github.CommitAuthor) apiGitPerson {
	return apiGitPerson{Name: a.GetName(), Email: a.GetEmail(), Date: a.GetDate().Time}
}

func fromCommit(c *github.RepositoryCommit) *apiCommit {
	out := &apiCommit{SHA: c.GetSHA(), Author: fromUser(c.Author), Committer: fromUser(c.Committer)}
	if gc := c.Commit; gc != nil {
		out.Commit.Author, out.Commit.Committer, out.Commit.Message = fromGitPerson(gc.Author), fromGitPerson(gc.Committer), gc.GetMessage()
	}
	for _, p := range c.Parents {
		out.Parents = append(out.Parents, struct {
			SHA string `json:"sha"`
		}{SHA: p.GetSHA()})
	}
	return out
}

func fromStar(s *github.Stargazer) *apiStar {
	return &apiStar{StarredAt: s.GetStarredAt().Time, User: fromUser(s.User)}
}

func fromFork(r *github.Repository) *apiFork {
	return &apiFork{ID: r.GetID(), FullName: r.GetFullName(), Owner: fromUser(r.Owner), CreatedAt: r.GetCreatedAt().Time}
}

func fromEvent(e *github.IssueEvent) *apiIssueEvent {
	out := &apiIssueEvent{ID: e.GetID(), Actor: fromUser(e.Actor), Event: e.GetEvent(), CommitID: e.CommitID,
		CreatedAt: e.GetCreatedAt().Time, Assignee: fromUser(e.Assignee)}
	if e.Label != nil {
		out.Label = &struct {
			Name string `json:"name"`
		}{Name: e.Label.GetName()}
	}
	if is := e.Issue; is != nil {
		out.Issue = &struct {
			Number      int64    `json:"number"`
			User        *apiUser `json:"user"`
			PullRequest *struct {
				URL string `json:"url"`
			} `json:"pull_request,omitempty"`
		}{Number: int64(is.GetNumber()), User: fromUser(is.User)}
		if is.PullRequestLinks != nil {
			out.Issue.PullRequest = &struct {
				URL string `json:"url"`
			}{URL: is.PullRequestLinks.GetURL()}
		}
	}
	return out
}
