package fakegithub

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

var t0 = time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)

func at(days int) time.Time { return t0.AddDate(0, 0, days) }

func atp(days int) *time.Time { t := at(days); return &t }

// fixture is a small hand-made repository with one of each shape: open and
// closed issues, a merged and an open pull request, a bot, a commit whose
// email is linked to no account, a labeled event, files and an older
// version of one.
func fixture() *Data {
	alice := User{Login: "alice", ID: 101}
	bob := User{Login: "bob", ID: 102}
	bot := User{Login: "dependabot[bot]", ID: 49699333, Type: "Bot"}
	r := &Repo{
		Owner: "acme", Name: "widgets", ID: 4242, DefaultBranch: "main",
		CreatedAt: at(-100), UpdatedAt: at(10), PushedAt: at(10), Description: "Widgets",
		Issues: []*Issue{
			{Number: 1, ID: 9001, Title: "first", User: alice, State: "closed", CreatedAt: at(0), UpdatedAt: at(2), ClosedAt: atp(2),
				StateReason: "completed", Labels: []string{"bug"}, Comments: 2, AuthorAssociation: "MEMBER"},
			{Number: 2, ID: 9002, Title: "second", User: bob, State: "open", CreatedAt: at(1), UpdatedAt: at(5), Comments: 0,
				Assignees: []User{alice}, Body: "please"},
			{Number: 3, ID: 9003, Title: "a PR", User: bob, State: "closed", CreatedAt: at(3), UpdatedAt: at(4), ClosedAt: atp(4), Comments: 1,
				PullRequest: &PullRequest{MergedAt: atp(4), MergedBy: &alice, MergeCommitSHA: "c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2", HeadRef: "fix", HeadOwner: "bob"}},
			{Number: 4, ID: 9004, Title: "bump", User: bot, State: "open", CreatedAt: at(6), UpdatedAt: at(6),
				PullRequest: &PullRequest{HeadRef: "dependabot/go", HeadOwner: "acme"}},
		},
		Comments: []*Comment{
			{ID: 501, IssueNumber: 1, User: bob, Body: "hi", CreatedAt: at(1), UpdatedAt: at(1)},
			{ID: 502, IssueNumber: 1, User: alice, Body: "ok", CreatedAt: at(2), UpdatedAt: at(7)},
			{ID: 503, IssueNumber: 3, User: alice, Body: "lgtm", CreatedAt: at(3), UpdatedAt: at(3)},
		},
		ReviewComments: []*ReviewComment{
			{ID: 601, PullNumber: 3, ReviewID: 701, User: alice, Body: "nit", Path: "main.go", CommitID: "c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1", CreatedAt: at(3), UpdatedAt: at(3)},
		},
		Reviews: []*Review{
			{ID: 701, PullNumber: 3, User: alice, State: "APPROVED", CommitID: "c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1", SubmittedAt: atp(3), AuthorAssociation: "MEMBER"},
			{ID: 702, PullNumber: 3, User: bob, State: "PENDING"},
		},
		Commits: []*Commit{
			{SHA: "c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1", AuthorName: "Bob", AuthorEmail: "bob@laptop.local", AuthorDate: at(2),
				CommitterName: "Bob", CommitterEmail: "bob@laptop.local", CommitterDate: at(2), Message: "start", Paths: []string{"main.go"}},
			{SHA: "c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2", Parents: []string{"c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1"},
				AuthorName: "Bob", AuthorEmail: "102+bob@users.noreply.github.com", AuthorDate: at(4),
				CommitterName: "GitHub", CommitterEmail: "noreply@github.com", CommitterDate: at(4),
				Message: "a PR (#3)\n\nCo-authored-by: Alice <alice@example.com>", Author: &bob, Committer: &User{Login: "web-flow", ID: 19864447},
				Paths: []string{".all-contributorsrc", "docs/guide.md"}},
		},
		Stargazers: []*Star{
			{User: bob, StarredAt: at(5)},
			{User: alice, StarredAt: at(1)},
		},
		Forks: []*Fork{
			{ID: 801, Owner: bob, Name: "widgets", CreatedAt: at(2)},
			{ID: 802, Owner: User{Login: "carol", ID: 103}, Name: "widgets-fork", CreatedAt: at(8)},
		},
		Events: []*IssueEvent{
			{ID: 301, IssueNumber: 1, Event: "labeled", Actor: &alice, CreatedAt: at(0), Label: "bug"},
			{ID: 302, IssueNumber: 1, Event: "closed", Actor: &alice, CreatedAt: at(2)},
			{ID: 303, IssueNumber: 3, Event: "merged", Actor: &alice, CreatedAt: at(4), CommitID: "c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2"},
			{ID: 304, IssueNumber: 2, Event: "assigned", Actor: &alice, Assignee: &alice, CreatedAt: at(5)},
		},
		Files: map[string][]byte{
			".all-contributorsrc": []byte(`{"contributors":[{"login":"bob","contributions":["code"]},{"login":"alice","contributions":["review"]}]}`),
			"docs/guide.md":       []byte("# Guide\n"),
		},
		FileHistory: map[string]map[string][]byte{
			"c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2": {".all-contributorsrc": []byte(`{"contributors":[{"login":"bob","contributions":["code"]}]}`)},
		},
	}
	secret := &Repo{Owner: "acme", Name: "secret", ID: 4243, Private: true}
	return &Data{Repos: []*Repo{r, secret}, Orgs: map[string][]string{"acme": {"acme/widgets", "acme/secret"}}}
}

// get requests path from ts and returns the response with its body read.
func get(t *testing.T, ts *httptest.Server, path string, header ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, ts.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	return resp, body
}

// getJSON requests path, wants status, and decodes the body into v.
func getJSON(t *testing.T, ts *httptest.Server, path string, status int, v any, header ...string) *http.Response {
	t.Helper()
	resp, body := get(t, ts, path, header...)
	if resp.StatusCode != status {
		t.Fatalf("GET %s: status %d, want %d; body %s", path, resp.StatusCode, status, body)
	}
	if v != nil {
		if err := json.Unmarshal(body, v); err != nil {
			t.Fatalf("GET %s: decode %s: %v", path, body, err)
		}
	}
	return resp
}

// numbers extracts the "number" of each listed item.
func numbers(items []map[string]any) []int {
	var out []int
	for _, it := range items {
		out = append(out, int(it["number"].(float64)))
	}
	return out
}

func field(items []map[string]any, name string) []string {
	var out []string
	for _, it := range items {
		out = append(out, fmt.Sprint(it[name]))
	}
	return out
}
