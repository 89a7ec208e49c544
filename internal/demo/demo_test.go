package demo

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/journeys-dev/journeys/internal/demo/fixture"
	"github.com/journeys-dev/journeys/internal/fakegithub"
)

// expected is testdata/expected.json, written by testdata/expected.py from
// the raw extraction, independently of the Go code.
type expected struct {
	PullRequests      int                          `json:"pull_requests"`
	MergedPRs         int                          `json:"merged_prs"`
	MergedByStyle     map[string]int               `json:"merged_by_style"`
	OpenPRs           int                          `json:"open_prs"`
	ClosedUnmergedPRs int                          `json:"closed_unmerged_prs"`
	PRAuthorsGhost    int                          `json:"pr_authors_unresolved"`
	DistinctPRAuthors int                          `json:"distinct_pr_authors"`
	MergedPerAuthor   []loginCount                 `json:"merged_prs_per_author_top10"`
	MergedByNull      int                          `json:"merged_by_null"`
	MergersOfOthers   []string                     `json:"mergers_of_others"`
	Commits           int                          `json:"default_branch_commits"`
	MergeCommits      int                          `json:"merge_commits"`
	CommitsAuthorNull int                          `json:"commits_author_null"`
	CommitsWebFlow    int                          `json:"commits_committed_by_web_flow"`
	AuthorEmails      int                          `json:"distinct_commit_author_emails"`
	AuthorLogins      int                          `json:"distinct_commit_author_logins"`
	CommitsPerMonth   map[string]int               `json:"commits_per_month"`
	RCCommits         int                          `json:"commits_touching_all_contributorsrc"`
	RecognizedAtHead  int                          `json:"recognized_at_head"`
	FirstListed       map[string]string            `json:"first_listed"`
	FirstListedTypes  map[string]map[string]string `json:"first_listed_types"`
	NonCodeOnly       int                          `json:"recognized_without_commit_coauthorship_or_pr"`
}

type loginCount struct {
	Login  string `json:"login"`
	Merged int    `json:"merged"`
}

func loadExpected(t *testing.T) expected {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	var e expected
	if err := json.Unmarshal(b, &e); err != nil {
		t.Fatalf("parse expected.json: %v", err)
	}
	return e
}

var (
	dataOnce *fakegithub.Data
	resOnce  *resolver
)

// demoData builds the demo's data once for the package's tests.
func demoData(t *testing.T) (*fakegithub.Repo, *resolver) {
	t.Helper()
	if dataOnce == nil {
		f, err := fixture.Decode(bytes.NewReader(fixtureGz))
		if err != nil {
			t.Fatal(err)
		}
		d, res, err := build(f)
		if err != nil {
			t.Fatalf("build demo data: %v", err)
		}
		dataOnce, resOnce = d, res
	}
	if len(dataOnce.Repos) != 1 {
		t.Fatalf("got %d repositories, want 1", len(dataOnce.Repos))
	}
	return dataOnce.Repos[0], resOnce
}

func TestDataServesTheRepository(t *testing.T) {
	r, _ := demoData(t)
	if got := r.Owner + "/" + r.Name; got != "the-turing-way/the-turing-way" {
		t.Errorf("repository %s", got)
	}
	if r.DefaultBranch != "master" {
		t.Errorf("default branch %q, want the snapshot's master", r.DefaultBranch)
	}
	if want := time.Date(2018, 11, 1, 12, 32, 51, 0, time.UTC); !r.CreatedAt.Equal(want) {
		t.Errorf("created %v, want %v", r.CreatedAt, want)
	}
	if len(r.Comments)+len(r.ReviewComments)+len(r.Reviews)+len(r.Stargazers)+len(r.Forks) != 0 {
		t.Error("serves comments, reviews, stars or forks, which git does not hold")
	}
}

// mergeStyle classifies a merged pull request from the served data alone,
// as a collector would: by the commit its merge_commit_sha names.
func mergeStyle(is *fakegithub.Issue, commits map[string]*fakegithub.Commit) string {
	c, ok := commits[is.PullRequest.MergeCommitSHA]
	if !ok {
		return "no commit"
	}
	subject, _, _ := strings.Cut(c.Message, "\n")
	switch {
	case len(c.Parents) > 1 && strings.HasPrefix(subject, "Merge pull request #"+itoa(is.Number)+" from "):
		return "merged_merge_commit"
	case strings.HasSuffix(subject, "(#"+itoa(is.Number)+")"):
		return "merged_squash_or_rebase"
	default:
		return "merged_other"
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestPullRequestsMatchExpected(t *testing.T) {
	e := loadExpected(t)
	r, _ := demoData(t)
	commits := map[string]*fakegithub.Commit{}
	for _, c := range r.Commits {
		commits[c.SHA] = c
	}
	styles := map[string]int{}
	perAuthor := map[string]int{}
	authors := map[string]bool{}
	var open, closedUnmerged, mergedByNull, ghosts int
	mergers := map[string]bool{}
	for _, is := range r.Issues {
		if is.PullRequest == nil {
			t.Fatalf("#%d is an issue; git holds no issues", is.Number)
		}
		authors[strings.ToLower(is.User.Login)] = true
		if is.User.Login == ghost.Login {
			ghosts++
		}
		pr := is.PullRequest
		if pr.MergedAt == nil {
			if is.State == "open" {
				open++
			} else {
				closedUnmerged++
			}
			continue
		}
		styles[mergeStyle(is, commits)]++
		perAuthor[strings.ToLower(is.User.Login)]++
		if pr.MergedBy == nil {
			mergedByNull++
		} else if !strings.EqualFold(pr.MergedBy.Login, is.User.Login) {
			mergers[strings.ToLower(pr.MergedBy.Login)] = true
		}
	}
	merged := 0
	for _, n := range styles {
		merged += n
	}
	checks := []struct {
		name      string
		got, want int
	}{
		{"pull requests", len(r.Issues), e.PullRequests},
		{"merged", merged, e.MergedPRs},
		{"merged through a merge commit", styles["merged_merge_commit"], e.MergedByStyle["merged_merge_commit"]},
		{"squashed or rebased", styles["merged_squash_or_rebase"], e.MergedByStyle["merged_squash_or_rebase"]},
		{"merged otherwise", styles["merged_other"], e.MergedByStyle["merged_other"]},
		{"open", open, e.OpenPRs},
		{"closed unmerged", closedUnmerged, e.ClosedUnmergedPRs},
		{"authors", len(authors), e.DistinctPRAuthors},
		{"ghost authors", ghosts, e.PRAuthorsGhost},
		{"merged without merged_by", mergedByNull, e.MergedByNull},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: got %d, want %d", c.name, c.got, c.want)
		}
	}
	if merged != 1102 || styles["merged_merge_commit"] != 1047 || styles["merged_squash_or_rebase"] != 33 || styles["merged_other"] != 22 {
		t.Errorf("merged by style %v, want 1047 + 33 + 22 = 1102", styles)
	}

	var top []loginCount
	for l, n := range perAuthor {
		top = append(top, loginCount{l, n})
	}
	sort.Slice(top, func(i, j int) bool {
		if top[i].Merged != top[j].Merged {
			return top[i].Merged > top[j].Merged
		}
		return top[i].Login < top[j].Login
	})
	if len(top) > 10 {
		top = top[:10]
	}
	if !reflect.DeepEqual(top, e.MergedPerAuthor) {
		t.Errorf("merged per author:\n got %v\nwant %v", top, e.MergedPerAuthor)
	}
	got := sortedKeys(mergers)
	if !slices.Equal(got, e.MergersOfOthers) {
		t.Errorf("people who merged others' pull requests:\n got %v\nwant %v", got, e.MergersOfOthers)
	}
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func TestPullRequestsAreOpenedInNumberOrder(t *testing.T) {
	r, _ := demoData(t)
	out := 0
	for i := 1; i < len(r.Issues); i++ {
		prev, is := r.Issues[i-1], r.Issues[i]
		if prev.Number >= is.Number {
			t.Fatalf("#%d listed before #%d", prev.Number, is.Number)
		}
		if is.CreatedAt.Before(prev.CreatedAt) {
			out++
			t.Logf("#%d created %v, before #%d at %v", is.Number, is.CreatedAt, prev.Number, prev.CreatedAt)
		}
		if is.ClosedAt != nil && is.CreatedAt.After(*is.ClosedAt) {
			t.Errorf("#%d created %v after it closed %v", is.Number, is.CreatedAt, *is.ClosedAt)
		}
	}
	if out > 0 {
		t.Errorf("%d pull requests created before a lower-numbered one", out)
	}
}

func TestIssueEventsRecordEachMerge(t *testing.T) {
	r, _ := demoData(t)
	byNumber := map[int64]*fakegithub.Issue{}
	for _, is := range r.Issues {
		byNumber[is.Number] = is
	}
	kinds := map[int64][]string{}
	var lastID int64
	var lastAt time.Time
	for _, ev := range r.Events {
		is := byNumber[ev.IssueNumber]
		if is == nil || is.PullRequest.MergedAt == nil {
			t.Fatalf("event %d on #%d, which is not a merged pull request", ev.ID, ev.IssueNumber)
		}
		if ev.ID <= lastID || ev.CreatedAt.Before(lastAt) {
			t.Errorf("event %d: IDs do not increase with time", ev.ID)
		}
		lastID, lastAt = ev.ID, ev.CreatedAt
		if !ev.CreatedAt.Equal(*is.PullRequest.MergedAt) {
			t.Errorf("#%d %s at %v, merged at %v", ev.IssueNumber, ev.Event, ev.CreatedAt, *is.PullRequest.MergedAt)
		}
		if ev.Actor != is.PullRequest.MergedBy && (ev.Actor == nil || is.PullRequest.MergedBy == nil || *ev.Actor != *is.PullRequest.MergedBy) {
			t.Errorf("#%d %s actor %v, merged_by %v", ev.IssueNumber, ev.Event, ev.Actor, is.PullRequest.MergedBy)
		}
		if ev.Event == "merged" && ev.CommitID != is.PullRequest.MergeCommitSHA {
			t.Errorf("#%d merged event commit %q, merge commit %q", ev.IssueNumber, ev.CommitID, is.PullRequest.MergeCommitSHA)
		}
		kinds[ev.IssueNumber] = append(kinds[ev.IssueNumber], ev.Event)
	}
	for _, is := range r.Issues {
		if is.PullRequest.MergedAt == nil {
			continue
		}
		if got := kinds[is.Number]; !slices.Equal(got, []string{"merged", "closed"}) {
			t.Errorf("#%d events %v, want [merged closed]", is.Number, got)
		}
		if is.State != "closed" || is.ClosedAt == nil || !is.ClosedAt.Equal(*is.PullRequest.MergedAt) {
			t.Errorf("#%d merged but state %s closed_at %v", is.Number, is.State, is.ClosedAt)
		}
		if is.CreatedAt.After(*is.ClosedAt) {
			t.Errorf("#%d created %v after it closed %v", is.Number, is.CreatedAt, *is.ClosedAt)
		}
	}
}

var coAuthorRE = regexp.MustCompile(`(?mi)^\s*Co-authored-by:\s*(.*?)\s*<([^>]*)>\s*$`)

func TestCommitsMatchExpected(t *testing.T) {
	e := loadExpected(t)
	r, res := demoData(t)
	emails := map[string]bool{}
	logins := map[string]bool{}
	perMonth := map[string]int{}
	var null, webflow, merges, rc int
	for _, c := range r.Commits {
		emails[c.AuthorEmail] = true
		perMonth[c.AuthorDate.Format("2006-01")]++
		if c.Author == nil {
			null++
		} else {
			logins[strings.ToLower(c.Author.Login)] = true
		}
		if c.Committer != nil && *c.Committer == webFlow {
			webflow++
		}
		if len(c.Parents) > 1 {
			merges++
		}
		if slices.Contains(c.Paths, rcPath) {
			rc++
		}
	}
	checks := []struct {
		name      string
		got, want int
	}{
		{"commits", len(r.Commits), e.Commits},
		{"merge commits", merges, e.MergeCommits},
		{"commits with author null", null, e.CommitsAuthorNull},
		{"commits committed by web-flow", webflow, e.CommitsWebFlow},
		{"distinct author e-mails", len(emails), e.AuthorEmails},
		{"distinct author logins", len(logins), e.AuthorLogins},
		{"commits changing .all-contributorsrc", rc, e.RCCommits},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: got %d, want %d", c.name, c.got, c.want)
		}
	}
	if !reflect.DeepEqual(perMonth, e.CommitsPerMonth) {
		t.Errorf("commits per month:\n got %v\nwant %v", perMonth, e.CommitsPerMonth)
	}

	// People listed in .all-contributorsrc who took part through a
	// non-code contribution alone: no linked commit, co-authorship or PR.
	var head rcHead
	if err := json.Unmarshal(r.Files[rcPath], &head); err != nil {
		t.Fatal(err)
	}
	code := map[string]bool{}
	for l := range logins {
		code[l] = true
	}
	for _, c := range r.Commits {
		for _, m := range coAuthorRE.FindAllStringSubmatch(c.Message, -1) {
			if l, ok := res.login(m[2]); ok {
				code[strings.ToLower(l)] = true
			}
		}
	}
	for _, is := range r.Issues {
		code[strings.ToLower(is.User.Login)] = true
	}
	nonCode := 0
	for _, c := range head.Contributors {
		if !code[strings.ToLower(c.Login)] {
			nonCode++
		}
	}
	if nonCode != e.NonCodeOnly {
		t.Errorf("recognized without commit, co-authorship or PR: got %d, want %d", nonCode, e.NonCodeOnly)
	}
}

// TestRecognitionsCanBeCollected reads .all-contributorsrc as a collector
// would: the file at HEAD, then its versions at the commits along the
// default branch's first-parent chain that changed it, oldest first.
func TestRecognitionsCanBeCollected(t *testing.T) {
	e := loadExpected(t)
	r, _ := demoData(t)
	var head rcHead
	if err := json.Unmarshal(r.Files[rcPath], &head); err != nil {
		t.Fatalf("parse %s: %v", rcPath, err)
	}
	if len(head.Contributors) != e.RecognizedAtHead {
		t.Errorf("listed at HEAD: got %d, want %d", len(head.Contributors), e.RecognizedAtHead)
	}

	bySHA := map[string]*fakegithub.Commit{}
	for _, c := range r.Commits {
		bySHA[c.SHA] = c
	}
	newest := r.Commits[len(r.Commits)-1]
	var chain []*fakegithub.Commit
	for c := newest; c != nil; {
		if slices.Contains(c.Paths, rcPath) {
			chain = append(chain, c)
		}
		if len(c.Parents) == 0 {
			break
		}
		c = bySHA[c.Parents[0]]
	}
	slices.Reverse(chain)
	first := map[string]string{}
	types := map[string]map[string]string{}
	for _, c := range chain {
		content, ok := r.FileHistory[c.SHA][rcPath]
		if !ok {
			continue // not valid JSON in the repository, or deleted
		}
		var v struct {
			Contributors []struct {
				Login         string   `json:"login"`
				Contributions []string `json:"contributions"`
			} `json:"contributors"`
		}
		if err := json.Unmarshal(content, &v); err != nil {
			t.Fatalf("%s at %s: %v", rcPath, c.SHA, err)
		}
		at := c.CommitterDate.Format(time.RFC3339)
		for _, p := range v.Contributors {
			l := strings.ToLower(p.Login)
			if _, ok := first[l]; !ok {
				first[l] = at
				types[l] = map[string]string{}
			}
			for _, ty := range p.Contributions {
				if _, ok := types[l][ty]; !ok {
					types[l][ty] = at
				}
			}
		}
	}
	if !reflect.DeepEqual(first, e.FirstListed) {
		t.Errorf("first listed: got %d logins, want %d; they differ", len(first), len(e.FirstListed))
	}
	if !reflect.DeepEqual(types, e.FirstListedTypes) {
		t.Error("first listing of contribution types differs from expected.json")
	}
}

func TestUsersHaveOneIDPerLogin(t *testing.T) {
	r, _ := demoData(t)
	byID := map[int64]string{}
	check := func(u *fakegithub.User) {
		if u == nil {
			return
		}
		if prev, ok := byID[u.ID]; ok && prev != u.Login {
			t.Errorf("ID %d serves both %s and %s", u.ID, prev, u.Login)
		}
		byID[u.ID] = u.Login
		if strings.HasSuffix(u.Login, "[bot]") != (u.Type == "Bot") {
			t.Errorf("%s has type %s", u.Login, u.Type)
		}
	}
	for _, c := range r.Commits {
		check(c.Author)
		check(c.Committer)
	}
	for _, is := range r.Issues {
		check(&is.User)
		check(is.PullRequest.MergedBy)
	}
	for _, ev := range r.Events {
		check(ev.Actor)
	}
}

func TestDataIsDeterministic(t *testing.T) {
	a, err := Data()
	if err != nil {
		t.Fatal(err)
	}
	b, err := Data()
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a, b) {
		t.Error("two calls of Data differ")
	}
	if a.Repos[0] == b.Repos[0] {
		t.Error("two calls of Data share their repository value")
	}
}

func TestEveryTimestampIsBeforeAsOf(t *testing.T) {
	r, _ := demoData(t)
	asOf := AsOf()
	for _, c := range r.Commits {
		if !c.CommitterDate.Before(asOf) {
			t.Fatalf("commit %s at %v, after %v", c.SHA, c.CommitterDate, asOf)
		}
	}
	for _, is := range r.Issues {
		if !is.UpdatedAt.Before(asOf) {
			t.Fatalf("#%d updated at %v, after %v", is.Number, is.UpdatedAt, asOf)
		}
	}
	if !r.PushedAt.Before(asOf) {
		t.Errorf("pushed at %v, after %v", r.PushedAt, asOf)
	}
}

func TestConfigNamesTheCommunity(t *testing.T) {
	var cfg struct {
		Communities []struct {
			Name  string   `yaml:"name"`
			Repos []string `yaml:"repos"`
		} `yaml:"communities"`
	}
	if err := yaml.Unmarshal([]byte(Config()), &cfg); err != nil {
		t.Fatalf("parse config: %v", err)
	}
	if len(cfg.Communities) != 1 || cfg.Communities[0].Name != "The Turing Way" ||
		!slices.Equal(cfg.Communities[0].Repos, []string{Owner + "/" + Name}) {
		t.Errorf("config %+v", cfg)
	}
}

func TestLimitationsSayWhatGitLacks(t *testing.T) {
	all := strings.Join(Limitations(), " ")
	for _, word := range []string{"Issues", "comments", "reviews", "stars", "forks"} {
		if !strings.Contains(all, word) {
			t.Errorf("limitations do not mention %s", word)
		}
	}
}

// TestFixtureIsUpToDate rebuilds the fixture from the extraction, when it
// is present next to the checkout, and compares it with the embedded one.
func TestFixtureIsUpToDate(t *testing.T) {
	src := filepath.Join("..", "..", "..", "shared", "data", "turing-way")
	if _, err := os.Stat(filepath.Join(src, "commits.jsonl.gz")); err != nil {
		t.Skip("extraction not present")
	}
	if testing.Short() {
		t.Skip("short mode")
	}
	f, err := fixture.Build(src)
	if err != nil {
		t.Fatalf("build fixture: %v", err)
	}
	var got bytes.Buffer
	if err := fixture.Encode(&got, f); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), fixtureGz) {
		t.Error("fixture.json.gz is stale: run go generate ./internal/demo")
	}
}
