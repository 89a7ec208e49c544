// Package demo is the offline demo's data: the real public activity of The
// Turing Way (the-turing-way/the-turing-way, November 2018 to July 2021),
// derived from the repository's git history and served as GitHub's REST API
// would serve it.
//
// The embedded fixture (fixture.json.gz, written by mkfixture from the git
// extraction) holds facts only; Data applies these rules:
//
//   - Repository: default branch "master", as in the snapshot (the live
//     repository has since renamed it to "main"), created 2018-11-01 (the
//     initial commit), pushed 2021-07-20 (the newest commit on any ref).
//   - Accounts: a commit e-mail links to a login when it is a no-reply
//     address ("ID+login@users.noreply.github.com" or
//     "login@users.noreply.github.com"), or when every name the address was
//     used with that points to a single login points to the same one. Names
//     point to logins through no-reply commits, .all-contributorsrc entries
//     (any version) and, for a name that is itself a known login (ignoring
//     case), that login; a name pointing to two logins is ignored. Unlinked
//     commits are served with "author": null. Committer
//     "GitHub <noreply@github.com>" is web-flow (ID 19864447). IDs are the
//     real ones where the data shows them (the "ID+" no-reply prefix, avatar
//     URLs), else a stable hash of the login in [2^32, 2^33); logins ending
//     in "[bot]" are of type Bot. Logins are spelled as .all-contributorsrc
//     at HEAD spells them.
//   - Pull requests (issue numbers of pull requests only: git holds no
//     issues, so the gaps in the numbering stay empty): the author is the
//     fork owner of "Merge pull request #N from OWNER/BRANCH" when OWNER is
//     not the organisation (alan-turing-institute, the-turing-way); else the
//     squash commit's author ("... (#N)" subjects; GitHub sets it to the PR
//     author); else the head commit's author; else the most frequent linked
//     author of the PR's commits; else ghost (10 pull requests, none merged).
//     created_at is the first commit's author date (else the head's), kept
//     in the order of the numbering (see orderCreation),
//     merged_at the merge or squash commit's committer date (the head's
//     committer date for the 22 merges git shows no commit for), merged_by
//     the merge commit's author; git does not record who pressed the button
//     for squash, rebase or fast-forward merges, so those have no merged_by.
//     Unmerged pull requests are open when GitHub kept refs/pull/N/merge,
//     else closed at their head commit's committer date. Titles come from
//     the merge commit's body, the squash subject, or the head commit's
//     subject.
//   - Issue events: "merged" (actor merged_by, commit_id the merge commit)
//     and "closed" for each merged pull request, IDs increasing with time.
//   - Commits: the default branch's, messages verbatim (Co-authored-by
//     trailers kept); commits that changed .all-contributorsrc carry that
//     path for the listing's path filter.
//   - .all-contributorsrc: the HEAD version in Files; older versions in
//     FileHistory at the commit that wrote them, rebuilt from their
//     contributor lists (avatar_url and profile from HEAD's entry for the
//     login). The 47 versions that were not valid JSON in the repository
//     are not served, nor are the 2 commits that deleted the file.
//
// When someone was first listed, and for which contribution types, is best
// learnt from the file's versions along the default branch's first-parent
// chain (commits?path=.all-contributorsrc, then contents?ref=SHA): it
// matches the extraction for all 278 logins ever listed. The
// all-contributors bot's messages ("docs: add LOGIN as a contributor",
// carried into the merge commits' bodies) name 251 of the 277 people listed
// at HEAD and give contribution types ("... for doc, code") in only 17
// messages; people added by hand have no such message.
package demo

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"slices"
	"strings"
	"time"

	"github.com/journeys-dev/journeys/internal/demo/fixture"
	"github.com/journeys-dev/journeys/internal/fakegithub"
)

// fixture.json.gz is derived from the git extraction of The Turing Way in
// shared/data/turing-way beside the project's checkout; go generate
// ./internal/demo rebuilds it byte for byte, and TestFixtureIsUpToDate
// checks that it is current.
//
//go:generate go run ./mkfixture -src ../../../shared/data/turing-way -out fixture.json.gz
//go:embed fixture.json.gz
var fixtureGz []byte

// Owner and Name are the repository the demo serves.
const (
	Owner = "the-turing-way"
	Name  = "the-turing-way"
)

// orgs are the accounts whose branches are the repository's own.
var orgs = map[string]bool{"alan-turing-institute": true, "the-turing-way": true}

const rcPath = ".all-contributorsrc"

// ID bases: issue IDs are issueIDBase+number and event IDs count up from
// eventIDBase in time order, in the ranges GitHub used in 2018-2021.
const (
	issueIDBase = 380_000_000
	eventIDBase = 1_960_000_000
)

// Config is the YAML configuration the demo runs with.
func Config() string {
	return `communities:
  - name: The Turing Way
    repos:
      - the-turing-way/the-turing-way
`
}

// AsOf is the demo's fixed analysis date, right after the data ends.
func AsOf() time.Time { return time.Date(2021, 7, 31, 0, 0, 0, 0, time.UTC) }

// Limitations are sentences a report can print about what the demo's data
// cannot show.
func Limitations() []string {
	return []string{
		"Issues, comments, reviews, stars and forks are not in git history: the demo serves none of them.",
		"The data is a snapshot of the repository's git history from November 2018 to July 2021; later activity is missing.",
		"Pull requests are known from git refs and merge commits: titles come from commit messages, bodies and labels are empty.",
		"Who merged a pull request is known only for merge commits; squash, rebase and fast-forward merges have no merged_by.",
		"Unmerged pull requests count as open when GitHub kept their merge ref, else closed at their last commit's date.",
		"Commits are linked to accounts by no-reply e-mail addresses and unambiguous names; the rest have no account.",
	}
}

// Data builds what GitHub's REST API serves for the-turing-way/the-turing-way.
// Each call returns a new value.
func Data() (*fakegithub.Data, error) {
	f, err := fixture.Decode(bytes.NewReader(fixtureGz))
	if err != nil {
		return nil, fmt.Errorf("read demo fixture: %w", err)
	}
	d, _, err := build(f)
	return d, err
}

func parseTime(s, what string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("parse %s: %w", what, err)
	}
	return t.UTC(), nil
}

type rcHead struct {
	Contributors []struct {
		Login     string `json:"login"`
		Name      string `json:"name"`
		AvatarURL string `json:"avatar_url"`
		Profile   string `json:"profile"`
	} `json:"contributors"`
}

// build derives the served data from the fixture and returns it with the
// resolver that linked its accounts.
func build(f *fixture.Fixture) (*fakegithub.Data, *resolver, error) {
	var head rcHead
	if err := json.Unmarshal([]byte(f.ContributorsRC), &head); err != nil {
		return nil, nil, fmt.Errorf("parse %s at HEAD: %w", rcPath, err)
	}

	res := newResolver()
	for _, c := range f.Commits {
		res.observe(c.AuthorName, c.AuthorEmail)
		res.observe(c.CommitterName, c.CommitterEmail)
	}
	for _, p := range f.PullRequests {
		res.observe(p.HeadAuthorName, p.HeadAuthorEmail)
		for _, a := range p.CommitAuthors {
			res.observe(a.Name, a.Email)
		}
		if p.Squash != nil {
			res.observe(p.Squash.AuthorName, p.Squash.AuthorEmail)
		}
		if p.Merge != nil && !orgs[strings.ToLower(p.Merge.HeadOwner)] {
			res.knownLogin(p.Merge.HeadOwner)
		}
	}
	for _, c := range head.Contributors {
		res.listed(c.Login, c.Name, avatarID(c.AvatarURL), true)
	}
	for _, e := range f.RCEntries {
		res.listed(e.Login, e.Name, 0, false)
	}
	res.finish()
	users := map[string]*fakegithub.User{}
	userOf := func(login string) *fakegithub.User {
		low := strings.ToLower(login)
		if u, ok := users[low]; ok {
			return u
		}
		u := res.user(login)
		users[low] = &u
		return &u
	}
	linked := func(email string) *fakegithub.User {
		if login, ok := res.login(email); ok {
			return userOf(login)
		}
		return nil
	}

	created, err := parseTime(f.Commits[0].AuthorDate, "first commit date")
	if err != nil {
		return nil, nil, err
	}
	pushed, err := parseTime(f.LatestRefDate, "latest ref date")
	if err != nil {
		return nil, nil, err
	}
	owner, name, _ := strings.Cut(f.Repo, "/")
	repo := &fakegithub.Repo{
		Owner: owner, Name: name, ID: repoID(f.Repo), DefaultBranch: f.DefaultBranch,
		CreatedAt: created, UpdatedAt: pushed, PushedAt: pushed,
		Files:       map[string][]byte{rcPath: []byte(f.ContributorsRC)},
		FileHistory: map[string]map[string][]byte{},
	}

	commitsBySHA := make(map[string]*fakegithub.Commit, len(f.Commits))
	repo.Commits = make([]*fakegithub.Commit, 0, len(f.Commits))
	for _, c := range f.Commits {
		ad, err := parseTime(c.AuthorDate, "author date of "+c.SHA)
		if err != nil {
			return nil, nil, err
		}
		cd, err := parseTime(c.CommitterDate, "committer date of "+c.SHA)
		if err != nil {
			return nil, nil, err
		}
		gc := &fakegithub.Commit{
			SHA: c.SHA, Parents: slices.Clone(c.Parents),
			AuthorName: c.AuthorName, AuthorEmail: c.AuthorEmail, AuthorDate: ad,
			CommitterName: c.CommitterName, CommitterEmail: c.CommitterEmail, CommitterDate: cd,
			Message: c.Message,
			Author:  linked(c.AuthorEmail),
		}
		if c.CommitterEmail == webFlowEmail {
			wf := webFlow
			gc.Committer = &wf
		} else {
			gc.Committer = linked(c.CommitterEmail)
		}
		if c.ChangesRC {
			gc.Paths = []string{rcPath}
		}
		repo.Commits = append(repo.Commits, gc)
		commitsBySHA[c.SHA] = gc
	}

	type mergedPR struct {
		number int64
		at     time.Time
		by     *fakegithub.User
		sha    string
	}
	var merged []mergedPR
	for _, p := range f.PullRequests {
		is, m, err := pullRequest(p, res, userOf, commitsBySHA, created)
		if err != nil {
			return nil, nil, fmt.Errorf("pull request #%d: %w", p.Number, err)
		}
		repo.Issues = append(repo.Issues, is)
		if m {
			merged = append(merged, mergedPR{p.Number, *is.PullRequest.MergedAt, is.PullRequest.MergedBy, is.PullRequest.MergeCommitSHA})
		}
	}
	orderCreation(repo.Issues)
	slices.SortStableFunc(merged, func(a, b mergedPR) int {
		if c := a.at.Compare(b.at); c != 0 {
			return c
		}
		return int(a.number - b.number)
	})
	for i, m := range merged {
		id := int64(eventIDBase + 2*i)
		repo.Events = append(repo.Events,
			&fakegithub.IssueEvent{ID: id, IssueNumber: m.number, Event: "merged", Actor: m.by, CreatedAt: m.at, CommitID: m.sha},
			&fakegithub.IssueEvent{ID: id + 1, IssueNumber: m.number, Event: "closed", Actor: m.by, CreatedAt: m.at},
		)
	}

	if err := addHistory(repo, f, head); err != nil {
		return nil, nil, err
	}
	return &fakegithub.Data{
		Repos: []*fakegithub.Repo{repo},
		Orgs:  map[string][]string{owner: {f.Repo}},
	}, res, nil
}

// orderCreation makes creation times follow the numbering, as GitHub
// numbers issues in creation order: a pull request was opened no earlier
// than any lower-numbered one and no later than any higher-numbered one was
// merged. Each estimate (the first commit's date, which commits pushed
// later can make too late) is capped at the earliest merge at or after its
// number, then raised to the creation before it; an unmerged pull request's
// guessed closing moves up with it. issues are sorted by number.
func orderCreation(issues []*fakegithub.Issue) {
	upper := make([]time.Time, len(issues))
	var bound time.Time
	for i := len(issues) - 1; i >= 0; i-- {
		if m := issues[i].PullRequest.MergedAt; m != nil && (bound.IsZero() || m.Before(bound)) {
			bound = *m
		}
		upper[i] = bound
	}
	var floor time.Time
	for i, is := range issues {
		c := is.CreatedAt
		if !upper[i].IsZero() && c.After(upper[i]) {
			c = upper[i]
		}
		if c.Before(floor) {
			c = floor // still <= upper[i]: upper never decreases
		}
		is.CreatedAt = c
		floor = c
		if is.ClosedAt != nil && is.ClosedAt.Before(c) {
			// Only a guessed closing of an unmerged pull request can be
			// earlier: a merge is an upper bound above.
			closed := c
			is.ClosedAt = &closed
		}
		if is.UpdatedAt.Before(c) {
			is.UpdatedAt = c
		}
	}
}

// pullRequest builds the issue of one pull request and says whether it was
// merged.
func pullRequest(p fixture.PullRequest, res *resolver, userOf func(string) *fakegithub.User,
	commits map[string]*fakegithub.Commit, repoCreated time.Time) (*fakegithub.Issue, bool, error) {
	author := prAuthor(p, res)
	createdStr := p.FirstCommitDate
	if createdStr == "" {
		createdStr = p.HeadAuthorDate
	}
	createdAt, err := parseTime(createdStr, "creation date")
	if err != nil {
		return nil, false, err
	}
	if createdAt.Before(repoCreated) {
		createdAt = repoCreated
	}
	headDate, err := parseTime(p.HeadCommitterDate, "head committer date")
	if err != nil {
		return nil, false, err
	}
	is := &fakegithub.Issue{
		Number: p.Number, ID: issueIDBase + p.Number, Title: p.Title,
		User: *userOf(author), CreatedAt: createdAt,
		PullRequest: &fakegithub.PullRequest{},
	}
	pr := is.PullRequest
	var closedAt time.Time
	isMerged := true
	switch {
	case p.Merge != nil:
		if closedAt, err = parseTime(p.Merge.CommitterDate, "merge date"); err != nil {
			return nil, false, err
		}
		pr.MergeCommitSHA = p.Merge.SHA
		pr.HeadRef, pr.HeadOwner = p.Merge.HeadBranch, p.Merge.HeadOwner
		if !orgs[strings.ToLower(p.Merge.HeadOwner)] {
			pr.HeadOwner = author
		}
		mc, ok := commits[p.Merge.SHA]
		if !ok {
			return nil, false, fmt.Errorf("merge commit %s is not on the default branch", p.Merge.SHA)
		}
		if login, ok := res.login(mc.AuthorEmail); ok {
			pr.MergedBy = userOf(login)
		}
	case p.Squash != nil:
		if closedAt, err = parseTime(p.Squash.CommitterDate, "squash date"); err != nil {
			return nil, false, err
		}
		pr.MergeCommitSHA = p.Squash.SHA
	case p.Status == "merged_other":
		closedAt = headDate
		pr.MergeCommitSHA = p.HeadSHA
	default:
		isMerged = false
	}
	if isMerged {
		if createdAt.After(closedAt) {
			is.CreatedAt = closedAt
		}
		is.State = "closed"
		is.ClosedAt = &closedAt
		pr.MergedAt = &closedAt
		is.UpdatedAt = closedAt
		return is, true, nil
	}
	if p.MergeRefSHA != "" {
		is.State = "open"
		pr.MergeCommitSHA = p.MergeRefSHA
		is.UpdatedAt = createdAt
		if headDate.After(createdAt) {
			is.UpdatedAt = headDate
		}
		return is, false, nil
	}
	closedAt = headDate
	if closedAt.Before(createdAt) {
		closedAt = createdAt
	}
	is.State = "closed"
	is.ClosedAt = &closedAt
	is.UpdatedAt = closedAt
	return is, false, nil
}

// prAuthor is the login that opened a pull request (see the package
// comment for the order of the rules).
func prAuthor(p fixture.PullRequest, res *resolver) string {
	if p.Merge != nil && !orgs[strings.ToLower(p.Merge.HeadOwner)] {
		return res.canonical(p.Merge.HeadOwner)
	}
	email := p.HeadAuthorEmail
	if p.Squash != nil {
		email = p.Squash.AuthorEmail
	}
	if login, ok := res.login(email); ok {
		return login
	}
	ranked := slices.Clone(p.CommitAuthors)
	slices.SortStableFunc(ranked, func(a, b fixture.CommitAuthor) int { return b.Commits - a.Commits })
	for _, a := range ranked {
		if login, ok := res.login(a.Email); ok {
			return login
		}
	}
	return ghost.Login
}

func repoID(fullName string) int64 {
	h := fnv.New32a()
	h.Write([]byte(strings.ToLower(fullName)))
	return int64(h.Sum32() % 200_000_000)
}
