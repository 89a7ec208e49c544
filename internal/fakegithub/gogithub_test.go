package fakegithub_test

import (
	"context"
	"errors"
	"net/url"
	"testing"
	"time"

	"github.com/google/go-github/v57/github"

	"github.com/journeys-dev/journeys/internal/fakegithub"
	"github.com/journeys-dev/journeys/internal/fakegithub/fakegithubtest"
)

// client returns a go-github client for the server at ts, mounted like a
// GitHub Enterprise Server under /api/v3.
func client(t *testing.T, serverURL string) *github.Client {
	t.Helper()
	c, err := github.NewClient(nil).WithAuthToken("t1").WithEnterpriseURLs(serverURL, serverURL)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestGoGitHubReadsThePayloads checks the server against the client the
// collector uses: pagination, nulls, media types and error types.
func TestGoGitHubReadsThePayloads(t *testing.T) {
	d := fakegithub.Generate(fakegithub.GenerateOptions{Seed: 5, Issues: 250, AllContributors: true})
	repo := d.Repos[0]
	ts, _ := fakegithubtest.NewTestServer(t, d, fakegithub.Options{BasePath: "/api/v3", Tokens: []string{"t1"}})
	gh := client(t, ts.URL)
	ctx := context.Background()

	opts := &github.IssueListByRepoOptions{State: "all", ListOptions: github.ListOptions{PerPage: 100}}
	var all []*github.Issue
	for {
		page, resp, err := gh.Issues.ListByRepo(ctx, repo.Owner, repo.Name, opts)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, page...)
		if resp.NextPage == 0 {
			break
		}
		opts.Page = resp.NextPage
	}
	if len(all) != len(repo.Issues) {
		t.Errorf("paged through %d issues, want %d", len(all), len(repo.Issues))
	}
	prs := 0
	for _, is := range all {
		if is.IsPullRequest() {
			prs++
		}
	}
	if prs == 0 || prs == len(all) {
		t.Errorf("%d of %d issues are pull requests", prs, len(all))
	}

	commits, _, err := gh.Repositories.ListCommits(ctx, repo.Owner, repo.Name, &github.CommitsListOptions{ListOptions: github.ListOptions{PerPage: 100}})
	if err != nil {
		t.Fatal(err)
	}
	unlinked := 0
	for _, c := range commits {
		if c.Author == nil {
			unlinked++
			if c.GetCommit().GetAuthor().GetEmail() == "" {
				t.Errorf("commit %s has no author email", c.GetSHA())
			}
		}
	}
	if unlinked == 0 {
		t.Error("no commit with an unlinked email")
	}

	stars, _, err := gh.Activity.ListStargazers(ctx, repo.Owner, repo.Name, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(stars) == 0 || stars[0].StarredAt == nil || stars[0].User.GetLogin() == "" {
		t.Errorf("stargazers without starred_at: %+v", stars)
	}

	file, _, _, err := gh.Repositories.GetContents(ctx, repo.Owner, repo.Name, ".all-contributorsrc", nil)
	if err != nil {
		t.Fatal(err)
	}
	content, err := file.GetContent()
	if err != nil || content != string(repo.Files[".all-contributorsrc"]) {
		t.Errorf("GetContents: %v, %d bytes", err, len(content))
	}

	events, _, err := gh.Issues.ListRepositoryEvents(ctx, repo.Owner, repo.Name, nil)
	if err != nil || len(events) == 0 || events[0].GetIssue().GetNumber() == 0 {
		t.Errorf("events: %v %d", err, len(events))
	}

	user, _, err := gh.Users.Get(ctx, "")
	if err != nil || user.GetLogin() == "" {
		t.Errorf("GET /user: %v %v", err, user)
	}
}

func TestGoGitHubSeesRateLimitErrors(t *testing.T) {
	d := fakegithub.Generate(fakegithub.GenerateOptions{Seed: 5, Issues: 5})
	ctx := context.Background()

	ts, _ := fakegithubtest.NewTestServer(t, d, fakegithub.Options{BasePath: "/api/v3", Tokens: []string{"t1"}, Quota: 1})
	gh := client(t, ts.URL)
	if _, _, err := gh.Repositories.Get(ctx, "example-org", "project-1"); err != nil {
		t.Fatal(err)
	}
	_, _, err := gh.Repositories.Get(ctx, "example-org", "project-1")
	var rle *github.RateLimitError
	if !errors.As(err, &rle) || rle.Rate.Remaining != 0 || time.Until(rle.Rate.Reset.Time) <= 0 {
		t.Errorf("exhausted quota: %T %v", err, err)
	}

	plan := fakegithub.FaultPlan{Rules: []fakegithub.Fault{{Kind: fakegithub.SecondaryRateLimit, On: []int64{1}, RetryAfter: 1}}}
	ts2, _ := fakegithubtest.NewTestServer(t, d, fakegithub.Options{BasePath: "/api/v3", Faults: plan})
	_, _, err = client(t, ts2.URL).Repositories.Get(ctx, "example-org", "project-1")
	var abuse *github.AbuseRateLimitError
	if !errors.As(err, &abuse) || abuse.GetRetryAfter() != time.Second {
		t.Errorf("secondary limit: %T %v", err, err)
	}

	_, _, err = client(t, ts2.URL).Repositories.Get(ctx, "example-org", "missing")
	var er *github.ErrorResponse
	if !errors.As(err, &er) || er.Response.StatusCode != 404 {
		t.Errorf("missing repository: %T %v", err, err)
	}
}

func TestServeOnLoopback(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	srv := fakegithub.New(fakegithub.Generate(fakegithub.GenerateOptions{Seed: 1, Issues: 3}), fakegithub.Options{BasePath: "/api/v3"})
	base, err := srv.Serve(ctx, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	gh := github.NewClient(nil)
	gh.BaseURL = u
	r, _, err := gh.Repositories.Get(context.Background(), "example-org", "project-1")
	if err != nil || r.GetID() == 0 {
		t.Fatalf("get repository from %s: %v", base, err)
	}
}
