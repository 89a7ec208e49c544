package fakegithub

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func TestGenerateIsDeterministic(t *testing.T) {
	o := GenerateOptions{Seed: 42, Repos: 2, Issues: 80, AllContributors: true}
	a, b := Generate(o), Generate(o)
	if !reflect.DeepEqual(a, b) {
		t.Error("the same options generated different data")
	}
	o.Seed = 43
	if reflect.DeepEqual(a, Generate(o)) {
		t.Error("different seeds generated the same data")
	}
}

func TestGenerateSizesAndShapes(t *testing.T) {
	o := GenerateOptions{Seed: 7, Repos: 2, Org: "comm", People: 30, Issues: 300, Comments: 500, Commits: 200,
		Stars: 120, Forks: 20, Events: 100, ReviewComments: 40, AllContributors: true}
	d := Generate(o)
	if len(d.Repos) != 2 || !reflect.DeepEqual(d.Orgs["comm"], []string{"comm/project-1", "comm/project-2"}) {
		t.Fatalf("repos %d, orgs %v", len(d.Repos), d.Orgs)
	}
	for _, r := range d.Repos {
		t.Run(r.Name, func(t *testing.T) {
			if len(r.Issues) != 300 || len(r.Comments) != 500 || len(r.ReviewComments) != 40 {
				t.Errorf("%d issues, %d comments, %d review comments", len(r.Issues), len(r.Comments), len(r.ReviewComments))
			}
			if len(r.Stargazers) != 120 || len(r.Forks) != 20 {
				t.Errorf("%d stars, %d forks", len(r.Stargazers), len(r.Forks))
			}
			issues := map[int64]*Issue{}
			bots, prs, merged := 0, 0, 0
			for _, is := range r.Issues {
				issues[is.Number] = is
				if is.User.Type == "Bot" {
					bots++
				}
				if is.ClosedAt != nil && is.ClosedAt.Before(is.CreatedAt) || is.UpdatedAt.Before(is.CreatedAt) {
					t.Errorf("issue %d: times out of order", is.Number)
				}
				if is.PullRequest != nil {
					prs++
					if is.PullRequest.MergedAt != nil {
						merged++
					}
				}
			}
			if len(issues) != len(r.Issues) {
				t.Error("issue numbers repeat")
			}
			if bots == 0 || prs < 100 || prs > 200 || merged == 0 {
				t.Errorf("%d bot issues, %d pull requests, %d merged", bots, prs, merged)
			}
			commits := map[string]*Commit{}
			unlinked, coauthored := 0, 0
			for _, c := range r.Commits {
				commits[c.SHA] = c
				if c.Author == nil {
					unlinked++
				}
				if strings.Contains(c.Message, "\n\nCo-authored-by: ") {
					coauthored++
				}
			}
			if len(r.Commits) < 200+merged || unlinked == 0 || coauthored == 0 {
				t.Errorf("%d commits (%d merged PRs), %d unlinked, %d co-authored", len(r.Commits), merged, unlinked, coauthored)
			}
			for _, is := range r.Issues {
				if pr := is.PullRequest; pr != nil && pr.MergedAt != nil && commits[pr.MergeCommitSHA] == nil {
					t.Errorf("PR %d: merge commit %q not in history", is.Number, pr.MergeCommitSHA)
				}
			}
			for _, c := range r.Comments {
				is := issues[c.IssueNumber]
				if is == nil || c.CreatedAt.Before(is.CreatedAt) {
					t.Errorf("comment %d on issue %d before the issue", c.ID, c.IssueNumber)
				}
			}
			for _, e := range r.Events {
				if issues[e.IssueNumber] == nil || e.Event == "merged" && commits[e.CommitID] == nil {
					t.Errorf("event %d (%s) points at nothing", e.ID, e.Event)
				}
			}
			// .all-contributorsrc: every version is a commit touching the file.
			if len(r.FileHistory) < 3 {
				t.Errorf("%d versions of .all-contributorsrc", len(r.FileHistory))
			}
			var last *Commit
			for sha, files := range r.FileHistory {
				c := commits[sha]
				if c == nil || !slices.Contains(c.Paths, ".all-contributorsrc") || files[".all-contributorsrc"] == nil {
					t.Errorf("history version %s is not a commit touching the file", sha)
					continue
				}
				if last == nil || c.CommitterDate.After(last.CommitterDate) {
					last = c
				}
			}
			if last != nil && string(r.FileHistory[last.SHA][".all-contributorsrc"]) != string(r.Files[".all-contributorsrc"]) {
				t.Error("the default branch's .all-contributorsrc is not the latest version")
			}
		})
	}
}

func TestGenerateHonoursNone(t *testing.T) {
	d := Generate(GenerateOptions{Seed: 1, Stars: -1, Forks: -1, BotShare: -1, UnlinkedEmailShare: -1, CoAuthorShare: -1})
	r := d.Repos[0]
	if len(r.Stargazers) != 0 || len(r.Forks) != 0 {
		t.Errorf("%d stars, %d forks", len(r.Stargazers), len(r.Forks))
	}
	for _, c := range r.Commits {
		if c.Author == nil || strings.Contains(c.Message, "Co-authored-by") {
			t.Fatalf("commit %s unlinked or co-authored", c.SHA)
		}
	}
	for _, is := range r.Issues {
		if is.User.Type == "Bot" {
			t.Fatalf("issue %d by a bot", is.Number)
		}
	}
}

func BenchmarkGenerate(b *testing.B) {
	for _, n := range []int{1000, 5000} {
		b.Run(fmt.Sprintf("issues=%d", n), func(b *testing.B) {
			for b.Loop() {
				Generate(GenerateOptions{Seed: 1, Issues: n, Commits: n, Stars: n, AllContributors: true})
			}
		})
	}
}

// BenchmarkServeIssuesPage measures one page of 100 issues out of 5000, the
// collector's most common request.
func BenchmarkServeIssuesPage(b *testing.B) {
	srv := New(Generate(GenerateOptions{Seed: 1, Issues: 5000}), Options{Quota: 1 << 30})
	req := httptest.NewRequest(http.MethodGet, "/repos/example-org/project-1/issues?state=all&per_page=100&page=17", nil)
	req.Header.Set("Authorization", "Bearer x")
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, req)
		if w.Code != 200 {
			b.Fatal(w.Code)
		}
	}
}
