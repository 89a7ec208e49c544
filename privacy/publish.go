package privacy

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/journeys-dev/journeys/internal/table"
	"github.com/journeys-dev/journeys/schema"
)

// Published lists the files Publish writes, in the order it writes them.
var Published = []string{
	ReposTable + ".parquet", IssuesTable + ".parquet", PullRequestsTable + ".parquet",
	CommentsTable + ".parquet", ReviewsTable + ".parquet", CommitsTable + ".parquet",
	StargazersTable + ".parquet", ForksTable + ".parquet", IssueEventsTable + ".parquet",
	RecognitionsTable + ".parquet", EventsTable + ".parquet",
	schema.Contributors.File(), schema.ContributorMonths.File(), schema.Transitions.File(),
	schema.Funnel.File(), schema.Identities.File(), schema.Bots.File(), schema.Cohorts.File(),
	schema.Sensitivity.File(), schema.Metrics.File(),
	schema.ManifestFile, schema.AnalysisManifestFile,
}

// PublishOptions say how to publish.
type PublishOptions struct {
	// Pseudonymizer makes the pseudonyms. Required.
	Pseudonymizer *Pseudonymizer
	Logger        *slog.Logger
}

// Publish writes a pseudonymized copy of the tables and manifests of the
// private folder src into dst: every login becomes its pseudonym (in
// every column that holds one, in source ids, and as the owner of a
// repository owned by a person), and the columns that hold names, emails
// or free text are left out (see the row types of this package). A file
// of Published that src lacks is removed from dst, so that no earlier
// output stays beside the new one; other files of src are not copied.
// Each file is written atomically.
func Publish(ctx context.Context, src, dst string, opts PublishOptions) error {
	if opts.Pseudonymizer == nil {
		return errors.New("publish: no pseudonymizer")
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	same, err := sameDir(src, dst)
	if err != nil {
		return err
	}
	if same {
		return fmt.Errorf("publish: the private folder %s and the output folder are the same", src)
	}
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return fmt.Errorf("publish: create output folder: %w", err)
	}
	pb := &publisher{ctx: ctx, src: src, dst: dst, p: opts.Pseudonymizer}
	if err := pb.learnOwners(); err != nil {
		return err
	}
	p := pb.p
	repo := pb.repo
	publishTable(pb, ReposTable+".parquet", func(r *schema.Repo) Repo {
		return Repo{Community: r.Community, Repo: repo(r.Repo), ID: r.ID, DefaultBranch: r.DefaultBranch, CreatedAt: r.CreatedAt,
			PushedAt: r.PushedAt, Fork: r.Fork, Archived: r.Archived, Stars: r.Stars, Forks: r.Forks,
			HasContributorsFile: r.HasContributorsFile, Status: r.Status, CollectedAt: r.CollectedAt}
	})
	publishTable(pb, IssuesTable+".parquet", func(r *schema.Issue) Issue {
		return Issue{Community: r.Community, Repo: repo(r.Repo), Number: r.Number, ID: r.ID, IsPullRequest: r.IsPullRequest,
			State: r.State, StateReason: r.StateReason, Author: p.LoginPtr(r.Author), AuthorType: r.AuthorType,
			AuthorAssociation: r.AuthorAssociation, Assignees: p.Logins(r.Assignees), CommentCount: r.CommentCount,
			CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, ClosedAt: r.ClosedAt, MergedAt: r.MergedAt}
	})
	publishTable(pb, PullRequestsTable+".parquet", func(r *schema.PullRequest) schema.PullRequest {
		o := *r
		o.Repo, o.Author, o.MergedBy = repo(r.Repo), p.LoginPtr(r.Author), p.LoginPtr(r.MergedBy)
		return o
	})
	publishTable(pb, CommentsTable+".parquet", func(r *schema.Comment) schema.Comment {
		o := *r
		o.Repo, o.Author = repo(r.Repo), p.LoginPtr(r.Author)
		return o
	})
	publishTable(pb, ReviewsTable+".parquet", func(r *schema.Review) schema.Review {
		o := *r
		o.Repo, o.Author = repo(r.Repo), p.LoginPtr(r.Author)
		return o
	})
	publishTable(pb, CommitsTable+".parquet", func(r *schema.Commit) Commit {
		return Commit{Community: r.Community, Repo: repo(r.Repo), SHA: r.SHA, AuthorDate: r.AuthorDate, CommitterDate: r.CommitterDate,
			AuthorLogin: p.LoginPtr(r.AuthorLogin), AuthorType: r.AuthorType, CommitterLogin: p.LoginPtr(r.CommitterLogin),
			ParentCount: r.ParentCount, CoAuthors: int64(len(r.CoAuthorEmails))}
	})
	publishTable(pb, StargazersTable+".parquet", func(r *schema.Stargazer) schema.Stargazer {
		o := *r
		o.Repo, o.Login = repo(r.Repo), p.Login(r.Login)
		return o
	})
	publishTable(pb, ForksTable+".parquet", func(r *schema.Fork) Fork {
		return Fork{Community: r.Community, Repo: repo(r.Repo), Owner: p.Login(r.Owner), OwnerType: r.OwnerType, CreatedAt: r.CreatedAt}
	})
	publishTable(pb, IssueEventsTable+".parquet", func(r *schema.IssueEvent) IssueEvent {
		return IssueEvent{Community: r.Community, Repo: repo(r.Repo), ID: r.ID, Number: r.Number, Event: r.Event,
			Actor: p.LoginPtr(r.Actor), ActorType: r.ActorType, CreatedAt: r.CreatedAt, Assignee: p.LoginPtr(r.Assignee), CommitID: r.CommitID}
	})
	publishTable(pb, RecognitionsTable+".parquet", func(r *schema.Recognition) Recognition {
		return Recognition{Community: r.Community, Repo: repo(r.Repo), Login: p.Login(r.Login),
			Contributions: r.Contributions, FirstListedAt: r.FirstListedAt, FirstListedBy: r.FirstListedBy}
	})
	publishTable(pb, EventsTable+".parquet", func(r *schema.Event) Event {
		return Event{Community: r.Community, Repo: repo(r.Repo), Actor: p.LoginPtr(r.Actor), ActorType: r.ActorType, Kind: r.Kind,
			OccurredAt: r.OccurredAt, TargetNumber: r.TargetNumber, TargetAuthor: p.LoginPtr(r.TargetAuthor),
			TargetIsPullRequest: r.TargetIsPullRequest, Detail: pb.detail(r), SourceID: pb.sourceID(r.SourceID)}
	})
	// The evidence names a repository, which may be named after a person.
	evidenceRepo := func(r *string) *string {
		if r == nil {
			return nil
		}
		s := repo(*r)
		return &s
	}
	publishTable(pb, schema.Contributors.File(), func(r *schema.Contributor) schema.Contributor {
		o := *r
		o.Login = p.Login(r.Login)
		o.EventRepo = evidenceRepo(r.EventRepo)
		return o
	})
	publishTable(pb, schema.ContributorMonths.File(), func(r *schema.ContributorMonth) schema.ContributorMonth {
		o := *r
		o.Login = p.Login(r.Login)
		return o
	})
	publishTable(pb, schema.Transitions.File(), func(r *schema.Transition) schema.Transition {
		o := *r
		o.Login = p.Login(r.Login)
		o.EventRepo = evidenceRepo(r.EventRepo)
		return o
	})
	publishTable(pb, schema.Funnel.File(), func(r *schema.FunnelRow) schema.FunnelRow { return *r })
	pb.identities()
	pb.bots()
	// Cohorts count people and name nobody: copied as they are.
	publishTable(pb, schema.Cohorts.File(), func(r *schema.CohortRow) schema.CohortRow { return *r })
	// So does the sensitivity analysis, when there is one.
	publishTable(pb, schema.Sensitivity.File(), func(r *schema.SensitivityRow) schema.SensitivityRow { return *r })
	// Metrics are counts and times per community and month, naming
	// nobody: copied as they are.
	publishTable(pb, schema.Metrics.File(), func(r *schema.MetricRow) schema.MetricRow { return *r })
	if pb.err != nil {
		return pb.err
	}
	if err := p.Err(); err != nil {
		return fmt.Errorf("publish: %w", err)
	}
	if err := pb.manifests(); err != nil {
		return err
	}
	log.Info("published pseudonymized output", "out", dst, "files", pb.files, "logins", len(p.owner))
	return nil
}

type publisher struct {
	ctx      context.Context
	src, dst string
	p        *Pseudonymizer
	// owners maps a repository ("owner/name", as configured) to its
	// published name, for the repositories a person owns.
	owners map[string]string
	files  int
	err    error
}

// learnOwners decides which repositories a person owns: those whose owner
// the collection recorded as a User, else those whose owner acted in the
// data as anything but an Organization.
func (pb *publisher) learnOwners() error {
	pb.owners = map[string]string{}
	path := filepath.Join(pb.src, ReposTable+".parquet")
	if !exists(path) {
		return nil
	}
	repos, err := table.ReadFile[repoOwner](path)
	if err != nil {
		return fmt.Errorf("publish: %w", err)
	}
	types := map[string]string{} // lower-case owner -> recorded type
	for _, r := range repos {
		owner, _, _ := strings.Cut(r.Repo, "/")
		if r.OwnerType != "" {
			types[strings.ToLower(owner)] = r.OwnerType
		}
	}
	people, err := pb.people()
	if err != nil {
		return err
	}
	for _, r := range repos {
		owner, name, ok := strings.Cut(r.Repo, "/")
		if !ok {
			continue
		}
		lower := strings.ToLower(owner)
		t, known := types[lower]
		if t == "User" || (!known && people[lower]) {
			ps := pb.p.Login(owner)
			pb.owners[r.Repo] = ps + "/" + replaceFold(name, owner, ps)
		}
	}
	return nil
}

// people returns the lower-cased logins that acted in the events as
// anything but an Organization, or authored an item.
func (pb *publisher) people() (map[string]bool, error) {
	out := map[string]bool{}
	path := filepath.Join(pb.src, EventsTable+".parquet")
	if !exists(path) {
		return out, nil
	}
	err := table.ScanColumns(path, []string{"actor", "actor_type", "target_author"}, func(batch []schema.Event) error {
		for i := range batch {
			e := &batch[i]
			if e.Actor != nil && (e.ActorType == nil || *e.ActorType != "Organization") {
				out[strings.ToLower(*e.Actor)] = true
			}
			if e.TargetAuthor != nil {
				out[strings.ToLower(*e.TargetAuthor)] = true
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("publish: %w", err)
	}
	return out, nil
}

// repo returns the published name of a repository.
func (pb *publisher) repo(r string) string {
	if s, ok := pb.owners[r]; ok {
		return s
	}
	return r
}

// detail keeps an event's detail where it names nobody.
func (pb *publisher) detail(e *schema.Event) *string {
	switch e.Kind {
	case schema.KindReview, schema.KindRecognized:
		return e.Detail
	case schema.KindAssigned:
		return pb.p.LoginPtr(e.Detail)
	}
	return nil
}

// sourceID pseudonymizes the logins in source ids ("star:LOGIN",
// "all-contributors:LOGIN").
func (pb *publisher) sourceID(id string) string {
	for _, prefix := range []string{"star:", "all-contributors:"} {
		if login, ok := strings.CutPrefix(id, prefix); ok {
			return prefix + pb.p.Login(login)
		}
	}
	return id
}

// identities aggregates identities.parquet per community, login and
// method, without the names and emails.
func (pb *publisher) identities() {
	if pb.err != nil {
		return
	}
	src := filepath.Join(pb.src, schema.Identities.File())
	dst := filepath.Join(pb.dst, schema.Identities.File())
	if !exists(src) {
		pb.err = removeStale(dst)
		return
	}
	rows, err := table.ReadFile[schema.Identity](src)
	if err != nil {
		pb.err = fmt.Errorf("publish identities: %w", err)
		return
	}
	type key struct{ community, login, method string }
	idx := map[key]int{}
	var out []Identity
	for _, r := range rows {
		k := key{r.Community, "", r.Method}
		var login *string
		if r.Login != nil {
			login = pb.p.LoginPtr(r.Login)
			k.login = *login
		}
		i, ok := idx[k]
		if !ok {
			i = len(out)
			idx[k] = i
			out = append(out, Identity{Community: r.Community, Login: login, Method: r.Method, Confidence: r.Confidence})
		}
		out[i].Identities++
		out[i].Commits += r.Commits
	}
	slices.SortFunc(out, func(x, y Identity) int {
		if c := cmp.Compare(x.Community, y.Community); c != 0 {
			return c
		}
		if (x.Login == nil) != (y.Login == nil) {
			if x.Login == nil {
				return 1
			}
			return -1
		}
		if x.Login != nil {
			if c := cmp.Compare(*x.Login, *y.Login); c != 0 {
				return c
			}
		}
		return cmp.Compare(x.Method, y.Method)
	})
	if err := table.WriteFile(dst, out); err != nil {
		pb.err = fmt.Errorf("publish identities: %w", err)
		return
	}
	pb.files++
}

// bots pseudonymizes bots.parquet, in pseudonym order.
func (pb *publisher) bots() {
	if pb.err != nil {
		return
	}
	src := filepath.Join(pb.src, schema.Bots.File())
	dst := filepath.Join(pb.dst, schema.Bots.File())
	if !exists(src) {
		pb.err = removeStale(dst)
		return
	}
	rows, err := table.ReadFile[schema.Bot](src)
	if err != nil {
		pb.err = fmt.Errorf("publish bots: %w", err)
		return
	}
	for i := range rows {
		rows[i].Login = pb.p.Login(rows[i].Login)
	}
	slices.SortFunc(rows, func(x, y schema.Bot) int { return cmp.Compare(x.Login, y.Login) })
	if err := table.WriteFile(dst, rows); err != nil {
		pb.err = fmt.Errorf("publish bots: %w", err)
		return
	}
	pb.files++
}

// manifests publishes collection.json with the repositories' published
// names and no error texts, and analysis.json marked pseudonymized.
// Fields this package does not know are kept, with the repository names
// in their text replaced.
func (pb *publisher) manifests() error {
	var cm any
	cpath := filepath.Join(pb.src, schema.ManifestFile)
	ok, err := readJSON(cpath, &cm)
	if err != nil {
		return fmt.Errorf("publish: %w", err)
	}
	if ok {
		if m, isMap := cm.(map[string]any); isMap {
			if repos, isList := m["repos"].([]any); isList {
				for _, r := range repos {
					if rm, isMap := r.(map[string]any); isMap {
						delete(rm, "error")
					}
				}
			}
		}
		cm = pb.rewriteStrings(cm)
		if err := writeJSON(filepath.Join(pb.dst, schema.ManifestFile), cm); err != nil {
			return fmt.Errorf("publish: %w", err)
		}
		pb.files++
	} else if err := removeStale(filepath.Join(pb.dst, schema.ManifestFile)); err != nil {
		return err
	}
	var am map[string]any
	apath := filepath.Join(pb.src, schema.AnalysisManifestFile)
	ok, err = readJSON(apath, &am)
	if err != nil {
		return fmt.Errorf("publish: %w", err)
	}
	if !ok {
		return removeStale(filepath.Join(pb.dst, schema.AnalysisManifestFile))
	}
	am["pseudonymized"] = true
	if err := writeJSON(filepath.Join(pb.dst, schema.AnalysisManifestFile), pb.rewriteStrings(am)); err != nil {
		return fmt.Errorf("publish: %w", err)
	}
	pb.files++
	return nil
}

// rewriteStrings replaces, in every string of a decoded JSON value, the
// names of person-owned repositories by their published names.
func (pb *publisher) rewriteStrings(v any) any {
	switch x := v.(type) {
	case string:
		return pb.rewriteText(x)
	case []any:
		for i := range x {
			x[i] = pb.rewriteStrings(x[i])
		}
	case map[string]any:
		for k := range x {
			x[k] = pb.rewriteStrings(x[k])
		}
	}
	return v
}

func (pb *publisher) rewriteText(s string) string {
	if s2, ok := pb.owners[s]; ok {
		return s2
	}
	repos := make([]string, 0, len(pb.owners))
	for r := range pb.owners {
		repos = append(repos, r)
	}
	// Longest first, so that a repository's name is not split by another's.
	slices.SortFunc(repos, func(a, b string) int { return cmp.Or(cmp.Compare(len(b), len(a)), cmp.Compare(a, b)) })
	for _, r := range repos {
		s = replaceFold(s, r, pb.owners[r])
		owner, _, _ := strings.Cut(r, "/")
		s = replaceFold(s, owner+"/", strings.SplitN(pb.owners[r], "/", 2)[0]+"/")
	}
	return s
}

// publishTable writes dst/name from src/name, row by row through fn, or
// removes dst/name when src has none.
func publishTable[In, Out any](pb *publisher, name string, fn func(*In) Out) {
	if pb.err != nil {
		return
	}
	src, dst := filepath.Join(pb.src, name), filepath.Join(pb.dst, name)
	if !exists(src) {
		pb.err = removeStale(dst)
		return
	}
	_, err := table.Rewrite(pb.ctx, src, dst, func(row *In) (Out, bool) { return fn(row), true })
	if err != nil {
		pb.err = fmt.Errorf("publish %s: %w", name, err)
		return
	}
	pb.files++
}

// replaceFold replaces every case-insensitive occurrence of old in s.
func replaceFold(s, old, repl string) string {
	if old == "" {
		return s
	}
	lower, lo := strings.ToLower(s), strings.ToLower(old)
	if len(lower) != len(s) || !strings.Contains(lower, lo) {
		if len(lower) != len(s) {
			return strings.ReplaceAll(s, old, repl)
		}
		return s
	}
	var b strings.Builder
	for {
		i := strings.Index(lower, lo)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		b.WriteString(repl)
		s, lower = s[i+len(old):], lower[i+len(lo):]
	}
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// removeStale removes an output file the private folder has no source for.
func removeStale(path string) error {
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("publish: remove stale %s: %w", path, err)
	}
	return nil
}

// sameDir reports whether a and b name the same folder.
func sameDir(a, b string) (bool, error) {
	aa, err := filepath.Abs(a)
	if err != nil {
		return false, err
	}
	bb, err := filepath.Abs(b)
	if err != nil {
		return false, err
	}
	return aa == bb, nil
}

// Inside reports whether path is dir or lies inside it.
func Inside(path, dir string) (bool, error) {
	p, err := filepath.Abs(path)
	if err != nil {
		return false, err
	}
	d, err := filepath.Abs(dir)
	if err != nil {
		return false, err
	}
	rel, err := filepath.Rel(d, p)
	if err != nil {
		return false, nil
	}
	return rel == "." || (rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))), nil
}
