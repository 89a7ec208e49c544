package demo

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/journeys-dev/journeys/internal/fakegithub"
	"github.com/journeys-dev/journeys/internal/fakegithub/fakegithubtest"
)

// TestServedThroughTheFakeAPI reads the demo's data back through the fake
// GitHub API, as the collector will.
func TestServedThroughTheFakeAPI(t *testing.T) {
	d, err := Data()
	if err != nil {
		t.Fatal(err)
	}
	ts, _ := fakegithubtest.NewTestServer(t, d, fakegithub.Options{})
	base := ts.URL + "/repos/the-turing-way/the-turing-way"
	get := func(url string, v any) *http.Response {
		t.Helper()
		req, err := http.NewRequest(http.MethodGet, url, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer demo")
		resp, err := ts.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %s", url, resp.Status)
		}
		if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
			t.Fatalf("GET %s: %v", url, err)
		}
		return resp
	}

	var repo struct {
		DefaultBranch string `json:"default_branch"`
		CreatedAt     string `json:"created_at"`
	}
	get(base, &repo)
	if repo.DefaultBranch != "master" || repo.CreatedAt != "2018-11-01T12:32:51Z" {
		t.Errorf("repository payload %+v", repo)
	}

	var commits []struct {
		SHA    string `json:"sha"`
		Author *struct {
			Login string `json:"login"`
		} `json:"author"`
		Commit struct {
			Message string `json:"message"`
		} `json:"commit"`
	}
	get(base+"/commits?path=.all-contributorsrc&per_page=100", &commits)
	if len(commits) != 100 {
		t.Fatalf("commits changing .all-contributorsrc: first page has %d, want 100", len(commits))
	}
	var content struct {
		Content  string `json:"content"`
		Encoding string `json:"encoding"`
	}
	get(base+"/contents/.all-contributorsrc", &content)
	raw, err := base64.StdEncoding.DecodeString(strings.ReplaceAll(content.Content, "\n", ""))
	if err != nil {
		t.Fatalf("decode contents: %v", err)
	}
	var rc struct {
		Contributors []struct {
			Login string `json:"login"`
		} `json:"contributors"`
	}
	if err := json.Unmarshal(raw, &rc); err != nil || len(rc.Contributors) != 277 {
		t.Errorf(".all-contributorsrc at HEAD: %d contributors, %v; want 277", len(rc.Contributors), err)
	}

	var issues []struct {
		Number      int64 `json:"number"`
		PullRequest *struct {
			MergedAt *string `json:"merged_at"`
		} `json:"pull_request"`
	}
	get(base+"/issues?state=all&per_page=100&direction=asc", &issues)
	if len(issues) != 100 || issues[0].Number != 3 || issues[0].PullRequest == nil || issues[0].PullRequest.MergedAt == nil {
		t.Errorf("first issues page: %d items, first %+v", len(issues), issues[0])
	}
}
