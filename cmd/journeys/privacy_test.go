package main

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"

	"github.com/journeys-dev/journeys/analyze"
	"github.com/journeys-dev/journeys/internal/demo"
	"github.com/journeys-dev/journeys/internal/fakegithub"
	"github.com/journeys-dev/journeys/internal/fakegithub/fakegithubtest"
	"github.com/journeys-dev/journeys/privacy"
	"github.com/journeys-dev/journeys/schema"
)

const testPseudonymKey = "a-test-key-of-32-characters-long"

// people lists what identifies a person in the data a server serves:
// logins, names and emails (of commit authors, committers and co-authors,
// and in .all-contributorsrc), avatar and profile URLs.
type people struct {
	logins, names, emails, urls map[string]bool
}

var trailer = regexp.MustCompile(`(?im)^\s*co-authored-by:\s*(.*?)\s*<([^>]*)>`)

func peopleOf(t *testing.T, d *fakegithub.Data) *people {
	t.Helper()
	p := &people{logins: map[string]bool{}, names: map[string]bool{}, emails: map[string]bool{}, urls: map[string]bool{}}
	for _, r := range d.Repos {
		r.EachUser(func(u *fakegithub.User) {
			if u.Login != "" {
				p.logins[u.Login] = true
			}
		})
		for _, c := range r.Commits {
			// "GitHub <noreply@github.com>" commits web edits: it is
			// GitHub's own identity, not a person's.
			if c.AuthorEmail != "noreply@github.com" {
				p.names[c.AuthorName], p.emails[c.AuthorEmail] = true, true
			}
			if c.CommitterEmail != "noreply@github.com" {
				p.names[c.CommitterName], p.emails[c.CommitterEmail] = true, true
			}
			for _, m := range trailer.FindAllStringSubmatch(c.Message, -1) {
				p.names[m[1]], p.emails[m[2]] = true, true
			}
		}
		if rc, ok := r.Files[".all-contributorsrc"]; ok {
			var doc struct {
				Contributors []struct {
					Login, Name, AvatarURL, Profile string
				} `json:"contributors"`
			}
			if err := json.Unmarshal(rc, &doc); err != nil {
				t.Fatal(err)
			}
			for _, c := range doc.Contributors {
				p.logins[c.Login], p.names[c.Name] = true, true
				p.urls[c.AvatarURL], p.urls[c.Profile] = true, true
			}
		}
	}
	return p
}

// textOf returns everything a file holds, as text: a Parquet file's
// schema, metadata and every value (read by an independent reader: the
// pages are compressed), any other file's bytes.
func textOf(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(path, ".parquet") {
		return string(data)
	}
	pf, err := parquet.OpenFile(strings.NewReader(string(data)), int64(len(data)))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var b strings.Builder
	b.WriteString(pf.Schema().String())
	for _, kv := range pf.Metadata().KeyValueMetadata {
		b.WriteString(kv.Key + "=" + kv.Value + "\n")
	}
	for _, rg := range pf.RowGroups() {
		rows := rg.Rows()
		buf := make([]parquet.Row, 256)
		for {
			n, err := rows.ReadRows(buf)
			for _, row := range buf[:n] {
				for _, v := range row {
					if v.Kind() == parquet.ByteArray || v.Kind() == parquet.FixedLenByteArray {
						b.Write(v.ByteArray())
						b.WriteByte('\n')
					}
				}
			}
			if err != nil {
				break
			}
		}
		rows.Close()
	}
	return b.String()
}

// tokens returns the lower-cased runs of login characters in text, and
// those runs' "[bot]"-suffixed forms.
func tokens(text string) map[string]bool {
	out := map[string]bool{}
	for _, f := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '[' || r == ']')
	}) {
		out[f] = true
		if base, ok := strings.CutSuffix(f, "[bot]"); ok {
			out[base+"[bot]"] = true
		}
		for _, part := range strings.FieldsFunc(f, func(r rune) bool { return r == '[' || r == ']' }) {
			out[part] = true
		}
	}
	return out
}

// The pseudonymized output of the real pipeline, on the Turing Way demo
// data, holds no login, name, email or profile URL of anyone in it: every
// file of OUT, Parquet values included.
func TestPseudonymizedOutputNamesNobody(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the whole pipeline on the demo data")
	}
	data, err := demo.Data()
	if err != nil {
		t.Fatal(err)
	}
	who := peopleOf(t, data)
	if len(who.logins) < 100 || len(who.emails) < 100 {
		t.Fatalf("the demo data has %d logins and %d emails; expected hundreds", len(who.logins), len(who.emails))
	}
	ts, _ := fakegithubtest.NewTestServer(t, data, fakegithub.Options{Tokens: []string{"test-token"}})
	t.Setenv("GITHUB_TOKEN", "test-token")
	t.Setenv(privacy.KeyEnv, testPseudonymKey)
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config", "journeys.yml")
	os.MkdirAll(filepath.Dir(cfg), 0o755)
	if err := os.WriteFile(cfg, []byte(demo.Config()), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	code, stdout, stderr := journeys(t, "run", "--config", cfg, "--out", out, "--api-url", ts.URL+"/",
		"--as-of", demo.AsOf().Format("2006-01-02"), "--pseudonymize", "--quiet")
	if code != 0 {
		t.Fatalf("run: exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}

	// Nothing personal in OUT.
	var files []string
	var corpus strings.Builder
	err = filepath.WalkDir(out, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		files = append(files, path)
		corpus.WriteString(textOf(t, path))
		corpus.WriteByte('\n')
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"events.parquet", "contributors.parquet", "identities.parquet", "bots.parquet", "cohorts.parquet", "collection.json", "analysis.json", "report.md", "report.html"} {
		if !slices.Contains(files, filepath.Join(out, want)) {
			t.Errorf("%s was not published", want)
		}
	}
	text := corpus.String()
	lower := strings.ToLower(text)
	words := tokens(text)
	var leaks []string
	for l := range who.logins {
		if words[strings.ToLower(l)] {
			leaks = append(leaks, "login "+l)
		}
	}
	for _, set := range []map[string]bool{who.names, who.emails, who.urls} {
		for s := range set {
			if len(strings.TrimSpace(s)) < 3 {
				continue
			}
			if strings.Contains(lower, strings.ToLower(s)) {
				leaks = append(leaks, s)
			}
		}
	}
	slices.Sort(leaks)
	if len(leaks) > 0 {
		t.Errorf("%d logins, names or emails of the input are in the output, e.g. %q", len(leaks), leaks[:min(10, len(leaks))])
	}

	// The pseudonyms are there instead, and the tables still join.
	contributors := readTable[schema.Contributor](t, out, "contributors")
	if len(contributors) < 100 {
		t.Fatalf("%d contributors published, want the demo's hundreds", len(contributors))
	}
	pseudonym := regexp.MustCompile(`^p_[0-9a-f]{12}$`)
	for _, c := range contributors {
		if !pseudonym.MatchString(c.Login) {
			t.Fatalf("contributor login %q is not a pseudonym", c.Login)
		}
	}
	events := readTable[schema.Event](t, out, "events")
	actors := map[string]bool{}
	for _, e := range events {
		if e.Actor != nil {
			actors[*e.Actor] = true
		}
	}
	for _, c := range contributors[:20] {
		if !actors[c.Login] {
			t.Errorf("contributor %s does no event in the published events", c.Login)
		}
	}
	var m analyze.Manifest
	b, _ := os.ReadFile(filepath.Join(out, schema.AnalysisManifestFile))
	if err := json.Unmarshal(b, &m); err != nil || !m.Pseudonymized {
		t.Errorf("analysis.json: pseudonymized = %v (%v)", m.Pseudonymized, err)
	}
	if md, _ := os.ReadFile(filepath.Join(out, "report.md")); !strings.Contains(string(md), "pseudonymized") {
		t.Error("the report does not say it is pseudonymized")
	}

	// The detector finds the logins where they are: in the raw events.
	found := 0
	rawWords := tokens(textOf(t, filepath.Join(dir, "out.private", "events.parquet")))
	for l := range who.logins {
		if rawWords[strings.ToLower(l)] {
			found++
		}
	}
	if found < 100 {
		t.Errorf("only %d logins found in the raw events: the search is broken", found)
	}

	// The raw data is beside OUT, private, and a second run with the same
	// key gives the same pseudonyms.
	if _, err := os.Stat(filepath.Join(dir, "out.private", "events.parquet")); err != nil {
		t.Errorf("no raw events in the private folder: %v", err)
	}
	raw := readTable[schema.Event](t, filepath.Join(dir, "out.private"), "events")
	if len(raw) != len(events) {
		t.Errorf("published %d events of %d", len(events), len(raw))
	}
	out2 := filepath.Join(dir, "out2")
	code, _, stderr = journeys(t, "run", "--config", cfg, "--out", out2, "--api-url", ts.URL+"/",
		"--as-of", demo.AsOf().Format("2006-01-02"), "--pseudonymize", "--quiet")
	if code != 0 {
		t.Fatalf("second run: exit %d: %s", code, stderr)
	}
	again := readTable[schema.Contributor](t, out2, "contributors")
	if len(again) != len(contributors) || again[0].Login != contributors[0].Login || again[len(again)-1].Login != contributors[len(contributors)-1].Login {
		t.Error("the same key gave other pseudonyms")
	}
}

// People on the exclusion list leave no row in the published tables, by
// login or by email, and the rest of the pipeline still runs.
func TestExcludedPeopleAreLeftOut(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the whole pipeline on the demo data")
	}
	data, err := demo.Data()
	if err != nil {
		t.Fatal(err)
	}
	// The most frequent commit author, by login, and another person, by
	// one of their emails.
	counts := map[string]int{}
	for _, c := range data.Repos[0].Commits {
		if c.Author != nil && !strings.HasSuffix(c.Author.Login, "[bot]") && c.Author.Login != "web-flow" {
			counts[c.Author.Login]++
		}
	}
	login := ""
	for l, n := range counts {
		if n > counts[login] || (n == counts[login] && l < login) {
			login = l
		}
	}
	var email string
	for _, c := range data.Repos[0].Commits {
		if c.Author != nil && c.Author.Login != login && email == "" && strings.Contains(c.AuthorEmail, "@") && c.AuthorEmail != "noreply@github.com" {
			email = c.AuthorEmail
		}
	}
	if login == "" || email == "" {
		t.Fatalf("no linked author or unlinked email in the demo data (%q, %q)", login, email)
	}
	ts, _ := fakegithubtest.NewTestServer(t, data, fakegithub.Options{Tokens: []string{"test-token"}})
	t.Setenv("GITHUB_TOKEN", "test-token")
	dir := t.TempDir()
	cfg := writeFile(t, "journeys.yml", demo.Config())
	optOut := filepath.Join(dir, "opt-out.txt")
	os.WriteFile(optOut, []byte("# asked on 2024-05-01\n"+strings.ToUpper(login)+"\n\n"+email+"\n"), 0o644)
	out := filepath.Join(dir, "out")
	code, _, stderr := journeys(t, "run", "--config", cfg, "--out", out, "--api-url", ts.URL+"/",
		"--as-of", demo.AsOf().Format("2006-01-02"), "--exclude-file", optOut, "--quiet")
	if code != 0 {
		t.Fatalf("run: exit %d: %s", code, stderr)
	}
	is := func(s *string) bool {
		return s != nil && (strings.EqualFold(*s, login) || strings.EqualFold(*s, email))
	}
	for _, e := range readTable[schema.Event](t, out, "events") {
		if is(e.Actor) || is(e.TargetAuthor) || is(e.AuthorEmail) {
			t.Fatalf("event of an excluded person: %+v", e)
		}
	}
	for _, c := range readTable[schema.Commit](t, out, "commits") {
		if is(c.AuthorLogin) || is(c.CommitterLogin) || is(&c.AuthorEmail) || slices.ContainsFunc(c.CoAuthorEmails, func(e string) bool { return is(&e) }) {
			t.Fatalf("commit of an excluded person: %s", c.SHA)
		}
	}
	for _, p := range readTable[schema.PullRequest](t, out, "pull_requests") {
		if is(p.Author) || is(p.MergedBy) {
			t.Fatalf("pull request of an excluded person: %d", p.Number)
		}
	}
	for _, r := range readTable[schema.Recognition](t, out, "recognitions") {
		if is(&r.Login) {
			t.Fatal("recognition of an excluded person")
		}
	}
	for _, c := range readTable[schema.Contributor](t, out, "contributors") {
		if is(&c.Login) {
			t.Fatal("journey of an excluded person")
		}
	}
	for _, id := range readTable[schema.Identity](t, out, "identities") {
		if is(id.Login) || is(&id.Email) {
			t.Fatalf("identity of an excluded person: %+v", id)
		}
	}
	if len(readTable[schema.Contributor](t, out, "contributors")) < 100 {
		t.Error("the others' journeys are gone too")
	}

	// A missing key with --pseudonymize is a usage error, before any work.
	t.Setenv(privacy.KeyEnv, "")
	code, _, stderr = journeys(t, "run", "--config", cfg, "--out", filepath.Join(dir, "nokey"), "--api-url", ts.URL+"/", "--pseudonymize")
	if code != exitUsage || !strings.Contains(stderr, privacy.KeyEnv) {
		t.Errorf("no key: exit %d, stderr %q; want 2 naming %s", code, stderr, privacy.KeyEnv)
	}
	if _, err := os.Stat(filepath.Join(dir, "nokey")); err == nil {
		t.Error("a run without the key wrote output")
	}
	t.Setenv(privacy.KeyEnv, testPseudonymKey)
	code, _, stderr = journeys(t, "run", "--config", cfg, "--out", out, "--state", filepath.Join(out, "raw"), "--pseudonymize")
	if code != exitUsage || !strings.Contains(stderr, "inside the output folder") {
		t.Errorf("private folder inside OUT: exit %d, stderr %q", code, stderr)
	}
}
