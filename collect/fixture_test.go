package collect

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/journeys-dev/journeys/internal/fakegithub"
)

// t0 is the fixture's clock: every date is an offset from it.
var t0 = time.Date(2021, 3, 1, 9, 0, 0, 0, time.UTC)

func at(hours int) time.Time { return t0.Add(time.Duration(hours) * time.Hour) }

func atp(hours int) *time.Time { t := at(hours); return &t }

var (
	alice = fakegithub.User{Login: "alice", ID: 1}
	bob   = fakegithub.User{Login: "bob", ID: 2}
	carol = fakegithub.User{Login: "carol", ID: 3}
	botU  = fakegithub.User{Login: "allcontributors[bot]", ID: 4, Type: "Bot"}
	orgU  = fakegithub.User{Login: "acme", ID: 5, Type: "Organization"}
)

func acFile(people ...[2]string) []byte {
	type person struct {
		Login         string   `json:"login"`
		Name          string   `json:"name"`
		Contributions []string `json:"contributions"`
	}
	var f struct {
		ProjectName  string   `json:"projectName"`
		Contributors []person `json:"contributors"`
	}
	f.ProjectName = "widget"
	for _, p := range people {
		f.Contributors = append(f.Contributors, person{Login: p[0], Name: p[0] + " Doe", Contributions: []string{"code", p[1]}})
	}
	b, _ := json.MarshalIndent(f, "", "  ")
	return b
}

// widget is a small repository with one of every kind of item, and the
// cases that matter: a commit GitHub links to no account, co-author
// trailers in odd case and spacing, closed issues, a merged pull request,
// an .all-contributorsrc whose history dates one person by the bot's
// message and another only by its older versions.
func widget() *fakegithub.Repo {
	merged := at(30)
	r := &fakegithub.Repo{
		Owner: "acme", Name: "widget", ID: 100, DefaultBranch: "main",
		CreatedAt: at(0), UpdatedAt: at(100), PushedAt: at(90),
		Issues: []*fakegithub.Issue{
			{Number: 1, ID: 1001, Title: "Bug", User: bob, State: "closed", Labels: []string{"bug"},
				Assignees: []fakegithub.User{alice}, CreatedAt: at(1), UpdatedAt: at(12), ClosedAt: atp(12), Comments: 2},
			{Number: 2, ID: 1002, Title: "Fix bug", User: carol, State: "closed", CreatedAt: at(20), UpdatedAt: at(30),
				ClosedAt: atp(30), Comments: 1,
				PullRequest: &fakegithub.PullRequest{MergedAt: &merged, MergedBy: &alice, MergeCommitSHA: "c3", HeadRef: "fix"}},
			{Number: 3, ID: 1003, Title: "Idea", User: carol, State: "open", CreatedAt: at(40), UpdatedAt: at(41)},
			{Number: 4, ID: 1004, Title: "Draft", User: bob, State: "open", CreatedAt: at(50), UpdatedAt: at(52),
				PullRequest: &fakegithub.PullRequest{HeadRef: "draft", Draft: true}},
		},
		Comments: []*fakegithub.Comment{
			{ID: 501, IssueNumber: 1, User: alice, Body: "thanks", CreatedAt: at(2), UpdatedAt: at(2)},
			{ID: 502, IssueNumber: 1, User: bob, Body: "more", CreatedAt: at(3), UpdatedAt: at(5)},
			{ID: 503, IssueNumber: 2, User: alice, Body: "lgtm", CreatedAt: at(25), UpdatedAt: at(25)},
		},
		ReviewComments: []*fakegithub.ReviewComment{
			{ID: 601, PullNumber: 2, ReviewID: 701, User: alice, Body: "nit", Path: "a.go", CommitID: "c2", CreatedAt: at(24), UpdatedAt: at(24)},
		},
		Reviews: []*fakegithub.Review{
			{ID: 701, PullNumber: 2, User: alice, State: "COMMENTED", CommitID: "c2", SubmittedAt: atp(24)},
			{ID: 702, PullNumber: 2, User: alice, State: "APPROVED", CommitID: "c2", SubmittedAt: atp(29)},
			{ID: 703, PullNumber: 4, User: carol, State: "CHANGES_REQUESTED", CommitID: "c9", SubmittedAt: atp(51)},
		},
		Commits: []*fakegithub.Commit{
			{SHA: "c1", AuthorName: "Alice", AuthorEmail: "alice@example.org", AuthorDate: at(0),
				CommitterName: "Alice", CommitterEmail: "alice@example.org", CommitterDate: at(0),
				Message: "Initial commit", Author: &alice, Committer: &alice, Paths: []string{"README.md", ".all-contributorsrc"}},
			{SHA: "c2", Parents: []string{"c1"}, AuthorName: "Dee Unlinked", AuthorEmail: "dee@example.net", AuthorDate: at(22),
				CommitterName: "Dee Unlinked", CommitterEmail: "dee@example.net", CommitterDate: at(22),
				Message: "Fix the bug\n\nCo-authored-by: Carol Smith <carol@example.org>\nco-authored-BY:Erin  <erin@example.com>\n",
				Paths:   []string{"a.go"}},
			{SHA: "c3", Parents: []string{"c1", "c2"}, AuthorName: "Alice", AuthorEmail: "alice@example.org", AuthorDate: at(30),
				CommitterName: "GitHub", CommitterEmail: "noreply@github.com", CommitterDate: at(30),
				Message: "Merge pull request #2 from carol/fix", Author: &alice, Committer: &fakegithub.User{Login: "web-flow", ID: 9}},
			{SHA: "c4", Parents: []string{"c3"}, AuthorName: "allcontributors[bot]", AuthorEmail: "bot@example.com", AuthorDate: at(60),
				CommitterName: "GitHub", CommitterEmail: "noreply@github.com", CommitterDate: at(60),
				Message: "docs: update .all-contributorsrc [skip ci]", Author: &botU, Paths: []string{".all-contributorsrc"}},
			{SHA: "c5", Parents: []string{"c4"}, AuthorName: "allcontributors[bot]", AuthorEmail: "bot@example.com", AuthorDate: at(70),
				CommitterName: "GitHub", CommitterEmail: "noreply@github.com", CommitterDate: at(70),
				Message: "docs: add carol as a contributor for doc (#7)", Author: &botU, Paths: []string{".all-contributorsrc"}},
		},
		Stargazers: []*fakegithub.Star{
			{User: bob, StarredAt: at(3)}, {User: carol, StarredAt: at(45)}, {User: orgU, StarredAt: at(46)},
		},
		Forks: []*fakegithub.Fork{
			{ID: 801, Owner: carol, Name: "widget", CreatedAt: at(19)},
			{ID: 802, Owner: orgU, Name: "widget-fork", CreatedAt: at(80)},
		},
		Events: []*fakegithub.IssueEvent{
			{ID: 901, IssueNumber: 1, Event: "labeled", Actor: &alice, CreatedAt: at(1), Label: "bug"},
			{ID: 902, IssueNumber: 1, Event: "assigned", Actor: &alice, CreatedAt: at(2), Assignee: &alice},
			{ID: 903, IssueNumber: 1, Event: "closed", Actor: &alice, CreatedAt: at(10)},
			{ID: 904, IssueNumber: 1, Event: "reopened", Actor: &bob, CreatedAt: at(11)},
			{ID: 905, IssueNumber: 1, Event: "closed", Actor: &bob, CreatedAt: at(12)},
			{ID: 906, IssueNumber: 2, Event: "merged", Actor: &alice, CreatedAt: at(30), CommitID: "c3"},
			{ID: 907, IssueNumber: 2, Event: "closed", Actor: &alice, CreatedAt: at(30), CommitID: "c3"},
			{ID: 908, IssueNumber: 2, Event: "head_ref_deleted", Actor: &carol, CreatedAt: at(31)},
		},
		Files: map[string][]byte{
			".all-contributorsrc": acFile([2]string{"alice", "maintenance"}, [2]string{"bob", "bug"}, [2]string{"carol", "doc"}),
			"README.md":           []byte("# widget\n"),
		},
		FileHistory: map[string]map[string][]byte{
			"c1": {".all-contributorsrc": acFile([2]string{"alice", "maintenance"})},
			"c4": {".all-contributorsrc": acFile([2]string{"alice", "maintenance"}, [2]string{"bob", "bug"})},
			"c5": {".all-contributorsrc": acFile([2]string{"alice", "maintenance"}, [2]string{"bob", "bug"}, [2]string{"carol", "doc"})},
		},
	}
	return r
}

// big is a repository whose listings take several pages.
func big(nIssues, nStars, nCommits int) *fakegithub.Repo {
	r := &fakegithub.Repo{Owner: "acme", Name: "big", ID: 200, DefaultBranch: "trunk", CreatedAt: at(0), UpdatedAt: at(5000), PushedAt: at(5000)}
	users := []fakegithub.User{alice, bob, carol}
	for i := 1; i <= nIssues; i++ {
		is := &fakegithub.Issue{Number: int64(i), ID: int64(20000 + i), Title: fmt.Sprintf("item %d", i), User: users[i%3],
			State: "open", CreatedAt: at(i), UpdatedAt: at(i + 1)}
		if i%4 == 0 {
			is.PullRequest = &fakegithub.PullRequest{HeadRef: fmt.Sprintf("b%d", i)}
			r.Reviews = append(r.Reviews, &fakegithub.Review{ID: int64(30000 + i), PullNumber: int64(i), User: users[(i+1)%3],
				State: "APPROVED", SubmittedAt: atp(i + 1)})
		}
		r.Issues = append(r.Issues, is)
		r.Comments = append(r.Comments, &fakegithub.Comment{ID: int64(40000 + i), IssueNumber: int64(i), User: users[(i+2)%3],
			CreatedAt: at(i + 1), UpdatedAt: at(i + 1)})
		r.Events = append(r.Events, &fakegithub.IssueEvent{ID: int64(50000 + i), IssueNumber: int64(i), Event: "labeled",
			Actor: &users[i%3], CreatedAt: at(i), Label: "triage"})
	}
	for i := 1; i <= nStars; i++ {
		r.Stargazers = append(r.Stargazers, &fakegithub.Star{User: fakegithub.User{Login: fmt.Sprintf("fan%03d", i), ID: int64(1000 + i)}, StarredAt: at(i)})
	}
	prev := []string(nil)
	for i := 1; i <= nCommits; i++ {
		sha := fmt.Sprintf("%040x", i)
		r.Commits = append(r.Commits, &fakegithub.Commit{SHA: sha, Parents: prev, AuthorName: "Alice", AuthorEmail: "alice@example.org",
			AuthorDate: at(i), CommitterName: "Alice", CommitterEmail: "alice@example.org", CommitterDate: at(i),
			Message: fmt.Sprintf("change %d", i), Author: &alice, Committer: &alice})
		prev = []string{sha}
	}
	return r
}

// fixture is the served data: widget, big, an empty repository and a
// private one (404).
func fixture() *fakegithub.Data {
	return &fakegithub.Data{Repos: []*fakegithub.Repo{
		widget(),
		big(250, 230, 120),
		{Owner: "acme", Name: "empty", ID: 300, DefaultBranch: "main", CreatedAt: at(0), UpdatedAt: at(0)},
		{Owner: "acme", Name: "secret", ID: 400, DefaultBranch: "main", CreatedAt: at(0), UpdatedAt: at(0), Private: true},
	}}
}
