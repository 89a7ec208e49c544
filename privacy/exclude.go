package privacy

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/journeys-dev/journeys/internal/table"
	"github.com/journeys-dev/journeys/schema"
)

// Exclusions are the people who asked to be left out, by login or email
// (case-insensitive).
type Exclusions struct {
	logins map[string]bool
	emails map[string]bool
	// names are the author names on the excluded people's commits, found
	// by FilterDir: their commits GitHub linked to nobody are left out by
	// name too.
	names map[string]bool
}

// NewExclusions returns the exclusions of entries: logins, or emails
// (anything with an "@").
func NewExclusions(entries []string) *Exclusions {
	x := &Exclusions{logins: map[string]bool{}, emails: map[string]bool{}, names: map[string]bool{}}
	for _, e := range entries {
		e = strings.ToLower(strings.TrimSpace(e))
		switch {
		case e == "":
		case strings.Contains(e, "@"):
			x.emails[e] = true
		default:
			x.logins[e] = true
		}
	}
	return x
}

// Empty reports whether nobody is excluded.
func (x *Exclusions) Empty() bool { return x == nil || len(x.logins)+len(x.emails) == 0 }

// Entries returns the logins and emails, sorted.
func (x *Exclusions) Entries() []string {
	if x == nil {
		return nil
	}
	var out []string
	for l := range x.logins {
		out = append(out, l)
	}
	for e := range x.emails {
		out = append(out, e)
	}
	slices.Sort(out)
	return out
}

// Login reports whether login is excluded.
func (x *Exclusions) Login(login string) bool {
	return x != nil && login != "" && x.logins[strings.ToLower(login)]
}

func (x *Exclusions) loginPtr(login *string) bool { return login != nil && x.Login(*login) }

// Email reports whether email is excluded.
func (x *Exclusions) Email(email string) bool {
	return x != nil && email != "" && x.emails[strings.ToLower(strings.TrimSpace(email))]
}

// author reports whether a commit author is excluded: by login, by email,
// or, when GitHub linked the commit to nobody, by a name seen on an
// excluded person's commits.
func (x *Exclusions) author(login *string, name, email string) bool {
	if x.loginPtr(login) || x.Email(email) {
		return true
	}
	return login == nil && x.names[foldName(name)]
}

func foldName(name string) string { return strings.ToLower(strings.Join(strings.Fields(name), " ")) }

// entryPattern accepts a login or an email.
var entryPattern = regexp.MustCompile(`^(?:[A-Za-z0-9][A-Za-z0-9_-]{0,38}(?:\[bot\])?|[^@\s<>]+@[^@\s<>]+)$`)

// ReadExcludeFile reads an exclusion list: one login or email a line;
// blank lines and lines starting with # are skipped. An entry that is
// neither is an error naming the file and line.
func ReadExcludeFile(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read exclusion list: %w", err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		s := strings.TrimSpace(sc.Text())
		if s == "" || strings.HasPrefix(s, "#") {
			continue
		}
		if !entryPattern.MatchString(s) {
			return nil, fmt.Errorf("%s:%d: %q is neither a GitHub login nor an email", path, line, s)
		}
		out = append(out, s)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read exclusion list %s: %w", path, err)
	}
	return out, nil
}

// Raw table names, as collect writes them into its output folder.
const (
	ReposTable        = "repos"
	IssuesTable       = "issues"
	PullRequestsTable = "pull_requests"
	CommentsTable     = "comments"
	ReviewsTable      = "reviews"
	CommitsTable      = "commits"
	StargazersTable   = "stargazers"
	ForksTable        = "forks"
	IssueEventsTable  = "issue_events"
	RecognitionsTable = "recognitions"
	EventsTable       = "events"
)

// FilterDir removes the excluded people's rows from the raw tables in dir
// (those collect writes; a table that is absent is skipped), rewriting
// each table atomically, and corrects the row counts of collection.json.
// A row is theirs when they did it, authored it or are listed in it;
// where they are only mentioned (the author of an item someone else acted
// on, an assignee, who merged, a commit's committer or co-author), the
// mention is removed and the row kept. It returns the rows removed per
// table.
func FilterDir(ctx context.Context, dir string, x *Exclusions) (map[string]int64, error) {
	if x.Empty() {
		return map[string]int64{}, nil
	}
	if err := x.learnNames(filepath.Join(dir, CommitsTable+".parquet")); err != nil {
		return nil, err
	}
	f := &filter{ctx: ctx, dir: dir, removed: map[string]int64{}, perRepo: map[[2]string]int64{}}
	filterTable(f, IssuesTable, func(r *schema.Issue) bool {
		if x.loginPtr(r.Author) {
			return false
		}
		r.Assignees = slices.DeleteFunc(slices.Clone(r.Assignees), x.Login)
		return true
	})
	filterTable(f, PullRequestsTable, func(r *schema.PullRequest) bool {
		if x.loginPtr(r.Author) {
			return false
		}
		if x.loginPtr(r.MergedBy) {
			r.MergedBy = nil
		}
		return true
	})
	filterTable(f, CommentsTable, func(r *schema.Comment) bool { return !x.loginPtr(r.Author) })
	filterTable(f, ReviewsTable, func(r *schema.Review) bool { return !x.loginPtr(r.Author) })
	filterTable(f, CommitsTable, func(r *schema.Commit) bool {
		if x.author(r.AuthorLogin, r.AuthorName, r.AuthorEmail) {
			return false
		}
		if x.author(r.CommitterLogin, r.CommitterName, r.CommitterEmail) {
			r.CommitterLogin, r.CommitterName, r.CommitterEmail = nil, "", ""
		}
		var names, emails []string
		var gone []string
		for i := range r.CoAuthorNames {
			email := ""
			if i < len(r.CoAuthorEmails) {
				email = r.CoAuthorEmails[i]
			}
			if x.author(nil, r.CoAuthorNames[i], email) {
				gone = append(gone, strings.ToLower(email))
				continue
			}
			names, emails = append(names, r.CoAuthorNames[i]), append(emails, email)
		}
		if len(gone) > 0 {
			r.CoAuthorNames, r.CoAuthorEmails = names, emails
			r.Message = dropTrailers(r.Message, gone)
		}
		return true
	})
	filterTable(f, StargazersTable, func(r *schema.Stargazer) bool { return !x.Login(r.Login) })
	filterTable(f, ForksTable, func(r *schema.Fork) bool { return !x.Login(r.Owner) })
	filterTable(f, IssueEventsTable, func(r *schema.IssueEvent) bool {
		if x.loginPtr(r.Actor) {
			return false
		}
		if x.loginPtr(r.Assignee) {
			r.Assignee = nil
		}
		return true
	})
	filterTable(f, RecognitionsTable, func(r *schema.Recognition) bool { return !x.Login(r.Login) })
	filterTable(f, EventsTable, func(r *schema.Event) bool {
		if x.loginPtr(r.Actor) {
			return false
		}
		if r.Kind == schema.KindCommit || r.Kind == schema.KindCommitCoauthor {
			var name, email string
			if r.AuthorName != nil {
				name = *r.AuthorName
			}
			if r.AuthorEmail != nil {
				email = *r.AuthorEmail
			}
			if x.author(r.Actor, name, email) {
				return false
			}
		}
		if x.loginPtr(r.TargetAuthor) {
			r.TargetAuthor = nil
		}
		if r.Kind == schema.KindAssigned && x.loginPtr(r.Detail) {
			r.Detail = nil
		}
		return true
	})
	if f.err != nil {
		return nil, f.err
	}
	if err := f.fixManifest(); err != nil {
		return nil, err
	}
	return f.removed, nil
}

// learnNames notes the author names and emails on the excluded people's
// commits.
func (x *Exclusions) learnNames(path string) error {
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	err := table.ScanColumns(path, []string{"author_login", "author_name", "author_email", "co_author_names", "co_author_emails"},
		func(batch []schema.Commit) error {
			for i := range batch {
				c := &batch[i]
				if x.loginPtr(c.AuthorLogin) || x.Email(c.AuthorEmail) {
					x.note(c.AuthorName, c.AuthorEmail)
				}
				for j, e := range c.CoAuthorEmails {
					if x.Email(e) && j < len(c.CoAuthorNames) {
						x.note(c.CoAuthorNames[j], e)
					}
				}
			}
			return nil
		})
	if err != nil {
		return fmt.Errorf("leave out excluded people: %w", err)
	}
	return nil
}

func (x *Exclusions) note(name, email string) {
	if n := foldName(name); n != "" {
		x.names[n] = true
	}
	if e := strings.ToLower(strings.TrimSpace(email)); e != "" && e != "noreply@github.com" {
		x.emails[e] = true
	}
}

// dropTrailers removes the Co-authored-by lines that name one of emails.
func dropTrailers(msg string, emails []string) string {
	lines := strings.Split(msg, "\n")
	out := lines[:0]
	for _, l := range lines {
		lower := strings.ToLower(l)
		drop := false
		if strings.HasPrefix(strings.TrimSpace(lower), "co-authored-by:") {
			for _, e := range emails {
				if e != "" && strings.Contains(lower, "<"+e+">") {
					drop = true
				}
			}
		}
		if !drop {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

type filter struct {
	ctx     context.Context
	dir     string
	removed map[string]int64
	perRepo map[[2]string]int64 // {table, community+"\x00"+repo} -> rows removed
	err     error
}

// placed is the set of raw row types the filter rewrites.
type placed interface {
	schema.Issue | schema.PullRequest | schema.Comment | schema.Review | schema.Commit |
		schema.Stargazer | schema.Fork | schema.IssueEvent | schema.Recognition | schema.Event
}

// placeOf returns the community and repository of a raw row.
func placeOf(row any) (string, string) {
	switch r := row.(type) {
	case *schema.Issue:
		return r.Community, r.Repo
	case *schema.PullRequest:
		return r.Community, r.Repo
	case *schema.Comment:
		return r.Community, r.Repo
	case *schema.Review:
		return r.Community, r.Repo
	case *schema.Commit:
		return r.Community, r.Repo
	case *schema.Stargazer:
		return r.Community, r.Repo
	case *schema.Fork:
		return r.Community, r.Repo
	case *schema.IssueEvent:
		return r.Community, r.Repo
	case *schema.Recognition:
		return r.Community, r.Repo
	case *schema.Event:
		return r.Community, r.Repo
	}
	return "", ""
}

// filterTable rewrites dir/name.parquet with the rows keep accepts (keep
// may edit the row it is given).
func filterTable[T placed](f *filter, name string, keep func(*T) bool) {
	if f.err != nil {
		return
	}
	path := filepath.Join(f.dir, name+".parquet")
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return
	}
	_, err := table.Rewrite(f.ctx, path, path, func(row *T) (T, bool) {
		if keep(row) {
			return *row, true
		}
		f.removed[name]++
		c, r := placeOf(row)
		f.perRepo[[2]string{name, c + "\x00" + r}]++
		return *row, false
	})
	if err != nil {
		f.err = fmt.Errorf("leave out excluded people from %s: %w", name, err)
	}
}

// fixManifest lowers the row counts of collection.json by the rows
// removed. Fields it does not know are kept.
func (f *filter) fixManifest() error {
	path := filepath.Join(f.dir, schema.ManifestFile)
	var m map[string]any
	if ok, err := readJSON(path, &m); err != nil || !ok {
		return err
	}
	if tables, ok := m["tables"].(map[string]any); ok {
		for name, n := range f.removed {
			if v, ok := tables[name].(json.Number); ok {
				if c, err := v.Int64(); err == nil {
					tables[name] = json.Number(fmt.Sprint(c - n))
				}
			}
		}
	}
	if repos, ok := m["repos"].([]any); ok {
		for _, r := range repos {
			rm, ok := r.(map[string]any)
			if !ok {
				continue
			}
			c, _ := rm["community"].(string)
			repo, _ := rm["repo"].(string)
			rows, ok := rm["rows"].(map[string]any)
			if !ok {
				continue
			}
			for name := range rows {
				n := f.perRepo[[2]string{name, c + "\x00" + repo}]
				if v, ok := rows[name].(json.Number); ok && n > 0 {
					if cnt, err := v.Int64(); err == nil {
						rows[name] = json.Number(fmt.Sprint(cnt - n))
					}
				}
			}
		}
	}
	return writeJSON(path, m)
}

// readJSON decodes path into v, numbers kept as json.Number; ok is false
// when the file does not exist.
func readJSON(path string, v any) (ok bool, err error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("read %s: %w", path, err)
	}
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return false, fmt.Errorf("read %s: %w", path, err)
	}
	return true, nil
}

func writeJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("encode %s: %w", path, err)
	}
	return table.WriteFileAtomic(path, append(b, '\n'))
}
