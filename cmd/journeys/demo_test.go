package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/journeys-dev/journeys/analyze"
	"github.com/journeys-dev/journeys/internal/table"
	"github.com/journeys-dev/journeys/schema"
)

// expectedFigures are computed from the raw Turing Way extraction by an
// independent script (internal/demo/testdata/expected.py), not by this code.
type expectedFigures struct {
	MergedPRs            int               `json:"merged_prs"`
	PullRequests         int               `json:"pull_requests"`
	DefaultBranchCommits int               `json:"default_branch_commits"`
	CommitsAuthorNull    int               `json:"commits_author_null"`
	DistinctAuthorEmails int               `json:"distinct_commit_author_emails"`
	MergersOfOthersCount int               `json:"mergers_of_others_count"`
	MergersOfOthers      []string          `json:"mergers_of_others"`
	RecognizedAtHead     int               `json:"recognized_at_head"`
	FirstListed          map[string]string `json:"first_listed"`
}

func readExpected(t *testing.T) expectedFigures {
	t.Helper()
	data, err := os.ReadFile("../../internal/demo/testdata/expected.json")
	if err != nil {
		t.Fatal(err)
	}
	var e expectedFigures
	if err := json.Unmarshal(data, &e); err != nil {
		t.Fatal(err)
	}
	return e
}

func readTable[T any](t *testing.T, dir, name string) []T {
	t.Helper()
	rows, err := table.ReadFile[T](filepath.Join(dir, name+".parquet"))
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// The demo runs the real pipeline over the Turing Way history, and its
// output agrees with figures computed from the raw data by another route.
func TestDemoMatchesIndependentFigures(t *testing.T) {
	if testing.Short() {
		t.Skip("the demo takes a few seconds")
	}
	want := readExpected(t)
	out := filepath.Join(t.TempDir(), "demo")
	code, stdout, stderr := journeys(t, "demo", "--out", out, "--quiet")
	if code != 0 {
		t.Fatalf("demo: exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	if !strings.Contains(stdout, out) || !strings.Contains(stdout, "The Turing Way") {
		t.Errorf("demo output does not say where the output is or give the headline:\n%s", stdout)
	}

	prs := readTable[schema.PullRequest](t, out, "pull_requests")
	merged := 0
	for _, pr := range prs {
		if pr.Merged {
			merged++
		}
	}
	if len(prs) != want.PullRequests || merged != want.MergedPRs {
		t.Errorf("pull requests: %d, merged %d; want %d, merged %d", len(prs), merged, want.PullRequests, want.MergedPRs)
	}

	commits := readTable[schema.Commit](t, out, "commits")
	emails := map[string]bool{}
	null := 0
	for _, c := range commits {
		emails[c.AuthorEmail] = true
		if c.AuthorLogin == nil {
			null++
		}
	}
	if len(commits) != want.DefaultBranchCommits || len(emails) != want.DistinctAuthorEmails || null != want.CommitsAuthorNull {
		t.Errorf("commits: %d, %d distinct author emails, %d unlinked; want %d, %d, %d",
			len(commits), len(emails), null, want.DefaultBranchCommits, want.DistinctAuthorEmails, want.CommitsAuthorNull)
	}

	recs := readTable[schema.Recognition](t, out, "recognitions")
	if len(recs) != want.RecognizedAtHead {
		t.Errorf("recognitions: %d, want %d", len(recs), want.RecognizedAtHead)
	}
	wrongDates := 0
	firstListed := map[string]string{}
	for login, at := range want.FirstListed {
		firstListed[strings.ToLower(login)] = at
	}
	for _, r := range recs {
		w, ok := firstListed[strings.ToLower(r.Login)]
		if !ok || r.FirstListedAt == nil || r.FirstListedAt.UTC().Format(time.RFC3339) != w {
			wrongDates++
			if wrongDates <= 5 {
				t.Errorf("%s first listed at %v, want %s", r.Login, r.FirstListedAt, w)
			}
		}
	}

	if wrongDates > 0 {
		t.Errorf("%d of %d recognitions have a first-listed date other than the default branch's history gives", wrongDates, len(recs))
	}

	events := readTable[schema.Event](t, out, "events")
	mergers := map[string]bool{}
	for _, e := range events {
		if e.Kind == schema.KindPRMerged && e.Actor != nil && e.TargetAuthor != nil && !strings.EqualFold(*e.Actor, *e.TargetAuthor) {
			mergers[strings.ToLower(*e.Actor)] = true
		}
	}
	if len(mergers) != want.MergersOfOthersCount {
		t.Errorf("people who merged someone else's pull request: %d, want %d", len(mergers), want.MergersOfOthersCount)
	}
	for _, m := range want.MergersOfOthers {
		if !mergers[strings.ToLower(m)] {
			t.Errorf("%s merged someone else's pull request, but not in events", m)
		}
	}

	contributors := readTable[schema.Contributor](t, out, "contributors")
	leaders := 0
	for _, c := range contributors {
		if c.Stage == analyze.StageLeadership {
			leaders++
		}
	}
	if len(contributors) == 0 || leaders == 0 {
		t.Errorf("contributors: %d rows, %d leaders", len(contributors), leaders)
	}
	for _, f := range []string{"report.md", "report.html", "collection.json", "analysis.json"} {
		if st, err := os.Stat(filepath.Join(out, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
}
