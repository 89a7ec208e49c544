package privacy

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/journeys-dev/journeys/analyze"
	"github.com/journeys-dev/journeys/internal/table"
	"github.com/journeys-dev/journeys/schema"
)

var testKey = []byte("0123456789abcdef-test-key")

func ptr[T any](v T) *T { return &v }

func TestPseudonymsAreStableKeyedAndCaseInsensitive(t *testing.T) {
	p, err := NewPseudonymizer(testKey)
	if err != nil {
		t.Fatal(err)
	}
	q, _ := NewPseudonymizer(testKey)
	other, _ := NewPseudonymizer([]byte("another-key-of-16+bytes"))
	a := p.Login("Alice")
	if !regexp.MustCompile(`^p_[0-9a-f]{12}$`).MatchString(a) {
		t.Errorf("pseudonym %q: want p_ and 12 hex digits", a)
	}
	if p.Login("alice") != a || q.Login("ALICE") != a {
		t.Error("the same login (any case) under the same key gave another pseudonym")
	}
	if other.Login("alice") == a || p.Login("bob") == a {
		t.Error("another key or login gave the same pseudonym")
	}
	if p.Login("") != "" || p.LoginPtr(nil) != nil {
		t.Error("empty logins must stay empty")
	}
	if _, err := NewPseudonymizer([]byte("short")); err == nil {
		t.Error("a short key was accepted")
	}
}

func TestKeyFromEnv(t *testing.T) {
	t.Setenv(KeyEnv, "")
	if _, err := KeyFromEnv(); err != ErrNoKey {
		t.Errorf("no key: %v, want ErrNoKey", err)
	}
	t.Setenv(KeyEnv, "too-short")
	if _, err := KeyFromEnv(); err == nil || !strings.Contains(err.Error(), "at least 16") {
		t.Errorf("short key: %v", err)
	}
	t.Setenv(KeyEnv, string(testKey))
	if k, err := KeyFromEnv(); err != nil || string(k) != string(testKey) {
		t.Errorf("key = %q, %v", k, err)
	}
}

func TestReadExcludeFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "optout.txt")
	os.WriteFile(path, []byte("# people who asked\nalice\n\n  Bob@Example.org  \nsome-app[bot]\n"), 0o644)
	got, err := ReadExcludeFile(path)
	if err != nil || strings.Join(got, ",") != "alice,Bob@Example.org,some-app[bot]" {
		t.Errorf("ReadExcludeFile = %q, %v", got, err)
	}
	os.WriteFile(path, []byte("alice\nAlice Smith\n"), 0o644)
	if _, err := ReadExcludeFile(path); err == nil || !strings.Contains(err.Error(), path+":2:") {
		t.Errorf("bad line: %v, want an error at line 2", err)
	}
}

// rawFixture writes a small collection into dir: alice owns a repository
// and is excluded in some tests; bob and carol are others.
func rawFixture(t *testing.T, dir string) {
	t.Helper()
	at := time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(table.WriteFile(filepath.Join(dir, "repos.parquet"), []schema.Repo{
		{Community: "c", Repo: "alice/alice-notes", Status: "ok", CreatedAt: &at, CollectedAt: at},
		{Community: "c", Repo: "org/tool", Status: "ok", CreatedAt: &at, CollectedAt: at},
	}))
	must(table.WriteFile(filepath.Join(dir, "issues.parquet"), []schema.Issue{
		{Community: "c", Repo: "org/tool", Number: 1, Title: "Alice Liddell's idea", Author: ptr("alice"), Labels: []string{"from-alice"}, CreatedAt: at, UpdatedAt: at},
		{Community: "c", Repo: "org/tool", Number: 2, Title: "bob's bug", Author: ptr("bob"), Assignees: []string{"Alice", "carol"}, CreatedAt: at, UpdatedAt: at},
	}))
	must(table.WriteFile(filepath.Join(dir, "commits.parquet"), []schema.Commit{
		{Community: "c", Repo: "org/tool", SHA: "a1", AuthorName: "Alice Liddell", AuthorEmail: "alice@wonder.example", AuthorLogin: ptr("alice"), AuthorDate: at, CommitterDate: at, Message: "fix"},
		{Community: "c", Repo: "org/tool", SHA: "a2", AuthorName: "Alice Liddell", AuthorEmail: "al@home.example", AuthorDate: at, CommitterDate: at, Message: "unlinked"},
		{Community: "c", Repo: "org/tool", SHA: "b1", AuthorName: "Bob", AuthorEmail: "bob@x.example", AuthorLogin: ptr("bob"), AuthorDate: at, CommitterDate: at,
			CommitterName: "Alice Liddell", CommitterEmail: "alice@wonder.example", CommitterLogin: ptr("alice"),
			Message:       "feature\n\nCo-authored-by: Alice Liddell <alice@wonder.example>\nCo-authored-by: Carol <carol@x.example>",
			CoAuthorNames: []string{"Alice Liddell", "Carol"}, CoAuthorEmails: []string{"alice@wonder.example", "carol@x.example"}},
	}))
	must(table.WriteFile(filepath.Join(dir, "forks.parquet"), []schema.Fork{
		{Community: "c", Repo: "org/tool", ForkRepo: "alice/tool", Owner: "alice", OwnerType: "User", CreatedAt: at},
		{Community: "c", Repo: "org/tool", ForkRepo: "carol/tool", Owner: "carol", OwnerType: "User", CreatedAt: at},
	}))
	must(table.WriteFile(filepath.Join(dir, "recognitions.parquet"), []schema.Recognition{
		{Community: "c", Repo: "org/tool", Login: "alice", Name: ptr("Alice Liddell"), Contributions: []string{"doc"}},
		{Community: "c", Repo: "org/tool", Login: "carol", Name: ptr("Carol"), Contributions: []string{"code"}},
	}))
	must(table.WriteFile(filepath.Join(dir, "events.parquet"), []schema.Event{
		{Community: "c", Repo: "alice/alice-notes", Actor: ptr("alice"), ActorType: ptr("User"), Kind: schema.KindStar, OccurredAt: at, SourceID: "star:alice"},
		{Community: "c", Repo: "org/tool", Actor: ptr("alice"), Kind: schema.KindCommit, OccurredAt: at, AuthorName: ptr("Alice Liddell"), AuthorEmail: ptr("alice@wonder.example"), SourceID: "commit:a1"},
		{Community: "c", Repo: "org/tool", Kind: schema.KindCommit, OccurredAt: at, AuthorName: ptr("Alice Liddell"), AuthorEmail: ptr("al@home.example"), SourceID: "commit:a2"},
		{Community: "c", Repo: "org/tool", Actor: ptr("bob"), Kind: schema.KindPRMerged, OccurredAt: at, TargetNumber: ptr(int64(1)), TargetAuthor: ptr("alice"), SourceID: "merge:1"},
		{Community: "c", Repo: "org/tool", Actor: ptr("bob"), Kind: schema.KindAssigned, OccurredAt: at, TargetNumber: ptr(int64(2)), Detail: ptr("alice"), SourceID: "event:7"},
		{Community: "c", Repo: "org/tool", Actor: ptr("bob"), Kind: schema.KindLabeled, OccurredAt: at, TargetNumber: ptr(int64(2)), Detail: ptr("ask-alice"), SourceID: "event:8"},
		{Community: "c", Repo: "org/tool", Actor: ptr("carol"), Kind: schema.KindFork, OccurredAt: at, Detail: ptr("carol/tool"), SourceID: "fork:9"},
		{Community: "c", Repo: "org/tool", Actor: ptr("carol"), Kind: schema.KindReview, OccurredAt: at, TargetNumber: ptr(int64(2)), Detail: ptr("APPROVED"), SourceID: "review:3"},
		{Community: "c", Repo: "org/tool", Kind: schema.KindCommitCoauthor, OccurredAt: at, AuthorName: ptr("Carol"), AuthorEmail: ptr("carol@x.example"), SourceID: "commit:b1:coauthor:2"},
	}))
	manifest := `{"tool_version": "t", "repos": [{"community": "c", "repo": "alice/alice-notes", "status": "failed", "error": "GET /repos/alice/alice-notes: 500", "rows": {"events": 1}},
	 {"community": "c", "repo": "org/tool", "status": "ok", "rows": {"events": 8, "commits": 3, "issues": 2}}],
	 "tables": {"events": 9, "commits": 3, "issues": 2, "forks": 2}, "incomplete": ["reviews of alice/alice-notes failed"], "future_field": 1}`
	must(os.WriteFile(filepath.Join(dir, schema.ManifestFile), []byte(manifest), 0o644))
}

// An excluded person's rows are removed; where they are only mentioned,
// the mention goes and the row stays; the manifest's counts follow.
func TestFilterDirLeavesExcludedPeopleOut(t *testing.T) {
	dir := t.TempDir()
	rawFixture(t, dir)
	removed, err := FilterDir(context.Background(), dir, NewExclusions([]string{"ALICE"}))
	if err != nil {
		t.Fatal(err)
	}
	if removed["events"] != 3 || removed["commits"] != 2 || removed["issues"] != 1 || removed["forks"] != 1 || removed["recognitions"] != 1 {
		t.Errorf("removed = %v", removed)
	}
	for _, dirText := range []string{textOfDir(t, dir)} {
		for _, s := range []string{"alice@wonder.example", "al@home.example", `"alice"`} {
			if strings.Contains(dirText, s) {
				t.Errorf("%s is still in the raw tables", s)
			}
		}
	}
	commits, _ := table.ReadFile[schema.Commit](filepath.Join(dir, "commits.parquet"))
	if len(commits) != 1 || commits[0].SHA != "b1" || commits[0].CommitterLogin != nil || commits[0].CommitterEmail != "" ||
		strings.Join(commits[0].CoAuthorEmails, ",") != "carol@x.example" || strings.Contains(commits[0].Message, "Alice") {
		t.Errorf("commits = %+v", commits)
	}
	events, _ := table.ReadFile[schema.Event](filepath.Join(dir, "events.parquet"))
	for _, e := range events {
		if e.SourceID == "merge:1" && e.TargetAuthor != nil {
			t.Error("the merge of alice's pull request still names her")
		}
		if e.SourceID == "event:7" && e.Detail != nil {
			t.Error("the assignment still names alice")
		}
	}
	issues, _ := table.ReadFile[schema.Issue](filepath.Join(dir, "issues.parquet"))
	if len(issues) != 1 || strings.Join(issues[0].Assignees, ",") != "carol" {
		t.Errorf("issues = %+v", issues)
	}
	var m map[string]any
	b, _ := os.ReadFile(filepath.Join(dir, schema.ManifestFile))
	json.Unmarshal(b, &m)
	if tables := m["tables"].(map[string]any); tables["events"] != float64(6) || tables["commits"] != float64(1) {
		t.Errorf("manifest tables = %v", tables)
	}
	if rows := m["repos"].([]any)[1].(map[string]any)["rows"].(map[string]any); rows["events"] != float64(6) || rows["commits"] != float64(1) {
		t.Errorf("manifest rows of org/tool = %v", rows)
	}
	if m["future_field"] != float64(1) {
		t.Error("an unknown manifest field was lost")
	}
}

func textOfDir(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	for _, name := range []string{"issues", "commits", "forks", "recognitions", "events"} {
		b.WriteString(dump(t, filepath.Join(dir, name+".parquet")))
	}
	return b.String()
}

// dump renders a raw table's rows as JSON.
func dump(t *testing.T, path string) string {
	t.Helper()
	var rows any
	var err error
	switch filepath.Base(path) {
	case "issues.parquet":
		rows, err = table.ReadFile[schema.Issue](path)
	case "commits.parquet":
		rows, err = table.ReadFile[schema.Commit](path)
	case "forks.parquet":
		rows, err = table.ReadFile[schema.Fork](path)
	case "recognitions.parquet":
		rows, err = table.ReadFile[schema.Recognition](path)
	case "events.parquet":
		rows, err = table.ReadFile[schema.Event](path)
	}
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(rows)
	return string(b)
}

// Publish pseudonymizes logins everywhere (a person-owned repository's
// name included), drops the columns with names, emails and free text, and
// keeps the rest.
func TestPublishPseudonymizesAndDropsColumns(t *testing.T) {
	src, dst := t.TempDir(), t.TempDir()
	rawFixture(t, src)
	at := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
	table.WriteFile(filepath.Join(src, schema.Identities.File()), []schema.Identity{
		{Community: "c", Name: "Alice Liddell", Email: "alice@wonder.example", Login: ptr("alice"), Method: analyze.MethodGitHubLink, Commits: 1},
		{Community: "c", Name: "Alice Liddell", Email: "al@home.example", Login: ptr("alice"), Method: analyze.MethodSameName, Commits: 1},
		{Community: "c", Name: "A. L.", Email: "x@y.example", Login: ptr("alice"), Method: analyze.MethodSameName, Commits: 2},
		{Community: "c", Name: "Nobody", Email: "n@x.example", Method: analyze.MethodUnresolved, Commits: 1},
	})
	table.WriteFile(filepath.Join(src, schema.Contributors.File()), []schema.Contributor{{Community: "c", Login: "alice", Stage: "participation", StageReachedAt: at}})
	table.WriteFile(filepath.Join(src, schema.Bots.File()), []schema.Bot{{Login: "dependabot[bot]", Reason: analyze.BotReasonSuffix, Events: 3}})
	os.WriteFile(filepath.Join(src, schema.AnalysisManifestFile), []byte(`{"communities": ["c"], "pseudonymized": false}`), 0o644)
	// An earlier, unpseudonymized output file with no source now is removed.
	os.WriteFile(filepath.Join(dst, schema.Transitions.File()), []byte("stale"), 0o644)

	p, _ := NewPseudonymizer(testKey)
	if err := Publish(context.Background(), src, dst, PublishOptions{Pseudonymizer: p}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dst, schema.Transitions.File())); err == nil {
		t.Error("a stale output file was kept")
	}
	var all strings.Builder
	entries, _ := os.ReadDir(dst)
	for _, e := range entries {
		path := filepath.Join(dst, e.Name())
		if strings.HasSuffix(e.Name(), ".json") {
			b, _ := os.ReadFile(path)
			all.Write(b)
		}
	}
	for _, tb := range schema.Tables {
		all.WriteString(valuesOf(t, filepath.Join(dst, tb.File())))
	}
	events, err := table.ReadFile[schema.Event](filepath.Join(dst, "events.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	text := strings.ToLower(all.String())
	for _, s := range []string{"alice", "liddell", "wonder.example", "carol@", "bob's", "dependabot"} {
		if strings.Contains(text, s) {
			t.Errorf("%q is in the published output", s)
		}
	}
	alice := p.Login("alice")
	repos, _ := table.ReadFile[schema.Repo](filepath.Join(dst, "repos.parquet"))
	if repos[0].Repo != alice+"/"+alice+"-notes" || repos[1].Repo != "org/tool" {
		t.Errorf("published repos = %q, %q", repos[0].Repo, repos[1].Repo)
	}
	// The columns are gone, not blanked: reading them back as raw rows
	// finds them empty, and the published schema lacks them.
	rawCommits, _ := table.ReadFile[schema.Commit](filepath.Join(dst, "commits.parquet"))
	if rawCommits[0].AuthorName != "" || rawCommits[0].Message != "" || rawCommits[0].AuthorEmail != "" {
		t.Error("commit names, emails or message were published")
	}
	type publishedCommit struct {
		CommitterLogin *string `parquet:"committer_login"`
		CoAuthors      int64   `parquet:"co_authors"`
	}
	commits, _ := table.ReadFile[publishedCommit](filepath.Join(dst, "commits.parquet"))
	if commits[2].CoAuthors != 2 || *commits[2].CommitterLogin != alice {
		t.Errorf("published commit = %+v", commits[2])
	}
	byID := map[string]schema.Event{}
	for _, e := range events {
		byID[e.SourceID] = e
	}
	if _, ok := byID["star:"+alice]; !ok {
		t.Error("the star's source id was not pseudonymized")
	}
	if d := byID["event:7"].Detail; d == nil || *d != alice {
		t.Errorf("assignee detail = %v, want alice's pseudonym", d)
	}
	if byID["event:8"].Detail != nil || byID["fork:9"].Detail != nil {
		t.Error("a label or fork name was published")
	}
	if d := byID["review:3"].Detail; d == nil || *d != "APPROVED" {
		t.Error("the review state was lost")
	}
	ids, _ := table.ReadFile[Identity](filepath.Join(dst, schema.Identities.File()))
	if len(ids) != 3 || *ids[0].Login != alice || ids[0].Identities+ids[1].Identities != 3 || ids[2].Login != nil || ids[2].Method != analyze.MethodUnresolved {
		t.Errorf("identities = %+v", ids)
	}
	var am map[string]any
	b, _ := os.ReadFile(filepath.Join(dst, schema.AnalysisManifestFile))
	json.Unmarshal(b, &am)
	if am["pseudonymized"] != true {
		t.Error("analysis.json is not marked pseudonymized")
	}
	var cm map[string]any
	b, _ = os.ReadFile(filepath.Join(dst, schema.ManifestFile))
	json.Unmarshal(b, &cm)
	if r := cm["repos"].([]any)[0].(map[string]any); r["repo"] != alice+"/"+alice+"-notes" || r["error"] != nil {
		t.Errorf("collection.json repo = %v", r)
	}
	if err := Publish(context.Background(), src, src, PublishOptions{Pseudonymizer: p}); err == nil {
		t.Error("publishing a folder onto itself was accepted")
	}
}
