package fakegithub

import (
	"cmp"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
)

// GenerateOptions size the synthetic community Generate makes. A zero count
// takes the default given; a negative count means none.
type GenerateOptions struct {
	Seed int64
	// Org owns the repositories (default "example-org"), named
	// "project-1", "project-2", ...
	Org string
	// Repos is the number of repositories (default 1).
	Repos int
	// People is the number of human contributors across the organisation
	// (default 40). Their activity is heavy-tailed: a few do most of it.
	People int
	// BotShare is the share of issues, pull requests and comments opened by
	// bots (default 0.1; negative for none).
	BotShare float64
	// Issues is the number of issues and pull requests per repository
	// (default 60); PullShare of them are pull requests (default 0.5).
	Issues    int
	PullShare float64
	// Comments, ReviewComments and Reviews per repository (defaults
	// 2*Issues, Issues/2 and one per pull request).
	Comments       int
	ReviewComments int
	Reviews        int
	// Commits is the number of commits per repository pushed directly to
	// the default branch (default 100); each merged pull request adds its
	// squash commit on top.
	Commits int
	// Stars and Forks per repository (defaults 50 and 10).
	Stars int
	Forks int
	// Events is the number of labeled/unlabeled/assigned/referenced/
	// mentioned events per repository (default Issues), in addition to the
	// closed, merged and reopened events the issues' states imply.
	Events int
	// UnlinkedEmailShare is the share of commits whose author email GitHub
	// links to no account ("author": null) (default 0.15; negative for
	// none).
	UnlinkedEmailShare float64
	// CoAuthorShare is the share of commits with Co-authored-by trailers
	// (default 0.1; negative for none).
	CoAuthorShare float64
	// AllContributors adds an .all-contributorsrc file, updated over time by
	// allcontributors[bot] commits, with its older versions in FileHistory.
	AllContributors bool
	// Start and Months bound the activity (defaults 2021-01-01 and 36).
	Start  time.Time
	Months int
}

func (o *GenerateOptions) defaults() {
	def := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
		if *v < 0 {
			*v = 0
		}
	}
	deff := func(v *float64, d float64) {
		if *v == 0 {
			*v = d
		}
		if *v < 0 {
			*v = 0
		}
	}
	if o.Org == "" {
		o.Org = "example-org"
	}
	def(&o.Repos, 1)
	def(&o.People, 40)
	o.People = max(o.People, 4)
	deff(&o.BotShare, 0.1)
	def(&o.Issues, 60)
	deff(&o.PullShare, 0.5)
	def(&o.Comments, 2*o.Issues)
	def(&o.ReviewComments, max(o.Issues/2, 1))
	def(&o.Reviews, -1) // one per pull request, below
	def(&o.Commits, 100)
	def(&o.Stars, 50)
	def(&o.Forks, 10)
	def(&o.Events, max(o.Issues, 1))
	deff(&o.UnlinkedEmailShare, 0.15)
	deff(&o.CoAuthorShare, 0.1)
	if o.Start.IsZero() {
		o.Start = time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	def(&o.Months, 36)
}

// A person is a generated human contributor.
type person struct {
	user       User
	name       string
	email      string // the email linked to the account (noreply)
	otherEmail string // an email GitHub links to no account
	join       time.Time
	weight     float64
	maintainer bool
}

type generator struct {
	o       GenerateOptions
	rng     *rand.Rand
	end     time.Time
	people  []*person
	cum     []float64 // cumulative weights of people
	bots    []User
	nextID  int64
	fanID   int64
	firstPR map[string]time.Time // login -> first merge of theirs, across repos
}

var (
	firstNames = []string{"ada", "alan", "grace", "linus", "margaret", "dennis", "barbara", "ken", "frances", "edsger",
		"radia", "guido", "anita", "bjarne", "hedy", "john", "katherine", "rob", "sophie", "tim", "yukihiro", "joan",
		"leslie", "shafi", "donald", "niklaus", "mary", "james", "carol", "larry", "ruth", "brian", "karen", "vint"}
	lastNames = []string{"lovelace", "turing", "hopper", "torvalds", "hamilton", "ritchie", "liskov", "thompson", "allen",
		"dijkstra", "perlman", "rossum", "borg", "stroustrup", "lamarr", "mccarthy", "johnson", "pike", "wilson",
		"berners", "matsumoto", "clarke", "lamport", "goldwasser", "knuth", "wirth", "keller", "gosling", "shaw", "wall"}
	labelNames = []string{"bug", "enhancement", "documentation", "good first issue", "help wanted", "question", "needs-triage", "area/cli"}
	filePaths  = []string{"README.md", "CONTRIBUTING.md", "docs/guide.md", "docs/install.md", "src/main.go", "src/server.go",
		"src/client.go", "src/config.go", "src/config_test.go", "Makefile", ".github/workflows/ci.yml"}
)

// Generate makes a deterministic synthetic community for benchmarks and
// scale tests: the same options give the same data. It is fast enough for
// thousands of items per repository.
func Generate(o GenerateOptions) *Data {
	o.defaults()
	g := &generator{
		o:       o,
		rng:     rand.New(rand.NewPCG(uint64(o.Seed), uint64(o.Seed)^0x9e3779b97f4a7c15)),
		end:     o.Start.AddDate(0, o.Months, 0),
		nextID:  1_000_000,
		fanID:   50_000_000,
		firstPR: map[string]time.Time{},
	}
	g.makePeople()
	d := &Data{Orgs: map[string][]string{}}
	for i := 1; i <= o.Repos; i++ {
		r := g.repo(i)
		d.Repos = append(d.Repos, r)
		d.Orgs[o.Org] = append(d.Orgs[o.Org], r.Owner+"/"+r.Name)
	}
	return d
}

func (g *generator) id() int64 {
	g.nextID += 1 + g.rng.Int64N(3)
	return g.nextID
}

func (g *generator) chance(p float64) bool { return g.rng.Float64() < p }

// timeBetween draws a time in [a, b).
func (g *generator) timeBetween(a, b time.Time) time.Time {
	if !b.After(a) {
		return a
	}
	return a.Add(time.Duration(g.rng.Int64N(int64(b.Sub(a))))).Truncate(time.Second)
}

// after draws a time shortly after t (hours to weeks), capped at the end.
func (g *generator) after(t time.Time) time.Time {
	d := time.Duration(math.Min(g.rng.ExpFloat64()*72, 24*60) * float64(time.Hour))
	out := t.Add(time.Minute + d).Truncate(time.Second)
	if out.After(g.end) {
		return g.end
	}
	return out
}

func (g *generator) makePeople() {
	span := g.end.Sub(g.o.Start)
	for i := 0; i < g.o.People; i++ {
		first := firstNames[g.rng.IntN(len(firstNames))]
		last := lastNames[g.rng.IntN(len(lastNames))]
		login := fmt.Sprintf("%s-%s%d", first, last, i+1)
		if g.chance(0.3) {
			login = fmt.Sprintf("%s%s%d", first[:1], last, i+1)
		}
		id := int64(10_000 + i*7)
		p := &person{
			user:       User{Login: login, ID: id, Type: "User"},
			name:       strings.ToUpper(first[:1]) + first[1:] + " " + strings.ToUpper(last[:1]) + last[1:],
			email:      fmt.Sprintf("%d+%s@users.noreply.github.com", id, login),
			otherEmail: fmt.Sprintf("%s.%s@%s.example", first, last, []string{"corp", "mail", "home", "lab"}[i%4]),
			// Newcomers keep arriving: join times spread over the span.
			join:       g.o.Start.Add(time.Duration(g.rng.Float64() * g.rng.Float64() * float64(span))).Truncate(time.Second),
			weight:     math.Pow(g.rng.Float64(), 3) + 0.01,
			maintainer: i < 3,
		}
		if p.maintainer {
			p.join = g.o.Start
			p.weight += 1
		}
		g.people = append(g.people, p)
	}
	var sum float64
	for _, p := range g.people {
		sum += p.weight
		g.cum = append(g.cum, sum)
	}
	g.bots = []User{
		{Login: "dependabot[bot]", ID: 49699333, Type: "Bot"},
		{Login: "github-actions[bot]", ID: 41898282, Type: "Bot"},
		{Login: "renovate[bot]", ID: 29139614, Type: "Bot"},
		{Login: "example-ci-robot", ID: 20_000_001, Type: "User"}, // a bot account of type User
	}
}

// pick draws a person by activity weight.
func (g *generator) pick() *person {
	x := g.rng.Float64() * g.cum[len(g.cum)-1]
	i, _ := slices.BinarySearch(g.cum, x)
	return g.people[min(i, len(g.people)-1)]
}

func (g *generator) maintainer() *person { return g.people[g.rng.IntN(3)] }

// actor draws who acts at time t: a bot with BotShare, else a person who
// has joined by then.
func (g *generator) actor(t time.Time) (User, *person) {
	if g.chance(g.o.BotShare) {
		return g.bots[g.rng.IntN(len(g.bots))], nil
	}
	for range 8 {
		if p := g.pick(); !p.join.After(t) {
			return p.user, p
		}
	}
	p := g.maintainer()
	return p.user, p
}

func (g *generator) repo(n int) *Repo {
	o := g.o
	r := &Repo{
		Owner: o.Org, Name: fmt.Sprintf("project-%d", n), ID: int64(700_000 + n),
		DefaultBranch: "main",
		CreatedAt:     o.Start.AddDate(0, 0, -30-n),
		UpdatedAt:     g.end,
		PushedAt:      g.end,
		Description:   fmt.Sprintf("Project %d of %s", n, o.Org),
		Language:      "Go",
		Files:         map[string][]byte{},
	}
	g.issues(r)
	g.reviews(r)
	g.comments(r)
	g.reviewComments(r)
	g.commits(r)
	g.stars(r)
	g.forks(r)
	g.events(r)
	for _, p := range filePaths {
		r.Files[p] = []byte(fmt.Sprintf("# %s\n\n%s of %s/%s.\n", p, p, r.Owner, r.Name))
	}
	return r
}

func (g *generator) issues(r *Repo) {
	o := g.o
	times := make([]time.Time, o.Issues)
	for i := range times {
		times[i] = g.timeBetween(o.Start, g.end)
	}
	slices.SortFunc(times, func(a, b time.Time) int { return a.Compare(b) })
	contributed := map[string]bool{}
	for i, created := range times {
		user, p := g.actor(created)
		is := &Issue{
			Number: int64(i + 1), ID: g.id(), User: user,
			Title:     fmt.Sprintf("%s %d", []string{"Fix", "Add", "Improve", "Document", "Crash in", "Support"}[g.rng.IntN(6)], i+1),
			Body:      "Generated issue body.",
			State:     "open",
			CreatedAt: created, UpdatedAt: created,
		}
		if g.chance(0.2) {
			is.Body = ""
		}
		isPR := g.chance(o.PullShare)
		if isPR {
			is.PullRequest = &PullRequest{HeadRef: fmt.Sprintf("topic-%d", i+1), HeadOwner: user.Login, Draft: g.chance(0.05)}
			if p != nil && p.maintainer {
				is.PullRequest.HeadOwner = r.Owner
			}
		}
		switch {
		case p != nil && p.maintainer:
			is.AuthorAssociation = "MEMBER"
		case contributed[user.Login]:
			is.AuthorAssociation = "CONTRIBUTOR"
		case isPR && p != nil:
			is.AuthorAssociation = "FIRST_TIME_CONTRIBUTOR"
		default:
			is.AuthorAssociation = "NONE"
		}
		for _, l := range labelNames {
			if g.chance(0.12) {
				is.Labels = append(is.Labels, l)
			}
		}
		if g.chance(0.3) {
			is.Assignees = []User{g.maintainer().user}
		}
		if age := g.end.Sub(created); g.chance(0.75 * math.Min(1, age.Hours()/(24*30))) {
			closed := g.after(created)
			is.State, is.ClosedAt, is.UpdatedAt = "closed", &closed, closed
			if isPR {
				if g.chance(0.8) {
					merged := closed
					is.PullRequest.MergedAt = &merged
					mb := g.maintainer().user
					is.PullRequest.MergedBy = &mb
					contributed[user.Login] = true
				}
			} else if g.chance(0.8) {
				is.StateReason = "completed"
			} else {
				is.StateReason = "not_planned"
			}
		}
		r.Issues = append(r.Issues, is)
	}
}

func (g *generator) pulls(r *Repo) []*Issue {
	var out []*Issue
	for _, is := range r.Issues {
		if is.PullRequest != nil {
			out = append(out, is)
		}
	}
	return out
}

// activeUntil is when an issue stops getting activity.
func (g *generator) activeUntil(is *Issue) time.Time {
	if is.ClosedAt != nil {
		return *is.ClosedAt
	}
	return g.end
}

func touch(is *Issue, t time.Time) {
	if t.After(is.UpdatedAt) {
		is.UpdatedAt = t
	}
}

func (g *generator) reviews(r *Repo) {
	prs := g.pulls(r)
	if len(prs) == 0 {
		return
	}
	n := g.o.Reviews
	if n == 0 {
		n = len(prs)
	}
	var out []*Review
	for range n {
		pr := prs[g.rng.IntN(len(prs))]
		reviewer := g.maintainer().user
		if g.chance(0.3) {
			if u, p := g.actor(pr.CreatedAt); p != nil {
				reviewer = u
			}
		}
		at := g.timeBetween(pr.CreatedAt, g.activeUntil(pr).Add(time.Second))
		state := []string{"APPROVED", "APPROVED", "COMMENTED", "CHANGES_REQUESTED"}[g.rng.IntN(4)]
		rv := &Review{PullNumber: pr.Number, User: reviewer, State: state, SubmittedAt: &at,
			CommitID: fakeSHA(r.Owner, r.Name, "head", fmt.Sprint(pr.Number)), AuthorAssociation: "MEMBER"}
		if state != "APPROVED" {
			rv.Body = "Some remarks."
		}
		if !strings.EqualFold(reviewer.Login, g.people[0].user.Login) && !g.isMaintainer(reviewer) {
			rv.AuthorAssociation = "CONTRIBUTOR"
		}
		touch(pr, at)
		out = append(out, rv)
	}
	slices.SortStableFunc(out, func(a, b *Review) int { return a.SubmittedAt.Compare(*b.SubmittedAt) })
	for _, rv := range out {
		rv.ID = g.id()
	}
	r.Reviews = out
}

func (g *generator) isMaintainer(u User) bool {
	for _, p := range g.people[:3] {
		if p.user.Login == u.Login {
			return true
		}
	}
	return false
}

func (g *generator) comments(r *Repo) {
	if len(r.Issues) == 0 {
		return
	}
	var out []*Comment
	for range g.o.Comments {
		is := r.Issues[g.rng.IntN(len(r.Issues))]
		at := g.timeBetween(is.CreatedAt, g.activeUntil(is).Add(time.Hour))
		var user User
		switch x := g.rng.Float64(); {
		case x < 0.3:
			user = is.User
		case x < 0.6:
			user = g.maintainer().user
		default:
			user, _ = g.actor(at)
		}
		c := &Comment{IssueNumber: is.Number, User: user, Body: "Generated comment.", CreatedAt: at, UpdatedAt: at,
			AuthorAssociation: "NONE"}
		if g.isMaintainer(user) {
			c.AuthorAssociation = "MEMBER"
		}
		if g.chance(0.1) {
			c.UpdatedAt = g.after(at)
		}
		is.Comments++
		touch(is, c.UpdatedAt)
		out = append(out, c)
	}
	slices.SortStableFunc(out, func(a, b *Comment) int { return a.CreatedAt.Compare(b.CreatedAt) })
	for _, c := range out {
		c.ID = g.id()
	}
	r.Comments = out
}

func (g *generator) reviewComments(r *Repo) {
	if len(r.Reviews) == 0 {
		return
	}
	var out []*ReviewComment
	for range g.o.ReviewComments {
		rv := r.Reviews[g.rng.IntN(len(r.Reviews))]
		out = append(out, &ReviewComment{
			PullNumber: rv.PullNumber, ReviewID: rv.ID, User: rv.User, Body: "Consider renaming this.",
			Path: filePaths[4+g.rng.IntN(5)], CommitID: rv.CommitID,
			CreatedAt: *rv.SubmittedAt, UpdatedAt: *rv.SubmittedAt, AuthorAssociation: rv.AuthorAssociation,
		})
	}
	slices.SortStableFunc(out, func(a, b *ReviewComment) int { return a.CreatedAt.Compare(b.CreatedAt) })
	for _, c := range out {
		c.ID = g.id()
	}
	r.ReviewComments = out
}

// commits makes a linear history: direct pushes, squash commits of merged
// pull requests and, with AllContributors, the bot's updates of
// .all-contributorsrc.
func (g *generator) commits(r *Repo) {
	o := g.o
	var out []*Commit
	add := func(c *Commit) {
		if c.CommitterName == "" {
			c.CommitterName, c.CommitterEmail, c.CommitterDate = c.AuthorName, c.AuthorEmail, c.AuthorDate
			c.Committer = c.Author
		}
		out = append(out, c)
	}
	for range o.Commits {
		at := g.timeBetween(o.Start, g.end)
		u, p := g.actor(at)
		if p == nil {
			p = g.maintainer()
			u = p.user
		}
		add(g.personCommit(p, u, at, "Update "+filePaths[g.rng.IntN(len(filePaths))]))
	}
	byLogin := map[string]*person{}
	for _, p := range g.people {
		byLogin[p.user.Login] = p
	}
	mergeOf := map[*Commit]*Issue{}
	for _, is := range r.Issues {
		if is.PullRequest == nil || is.PullRequest.MergedAt == nil {
			continue
		}
		at := *is.PullRequest.MergedAt
		var c *Commit
		if p := byLogin[is.User.Login]; p != nil {
			c = g.personCommit(p, p.user, at, fmt.Sprintf("%s (#%d)", is.Title, is.Number))
		} else {
			bot := is.User
			c = &Commit{AuthorName: bot.Login, AuthorEmail: fmt.Sprintf("%d+%s@users.noreply.github.com", bot.ID, bot.Login),
				AuthorDate: at, Author: &bot, Message: fmt.Sprintf("%s (#%d)", is.Title, is.Number),
				Paths: []string{"go.mod", "go.sum"}}
		}
		web := User{Login: "web-flow", ID: 19864447}
		c.CommitterName, c.CommitterEmail, c.CommitterDate, c.Committer = "GitHub", "noreply@github.com", at, &web
		add(c)
		mergeOf[c] = is
	}
	slices.SortStableFunc(out, func(a, b *Commit) int { return a.CommitterDate.Compare(b.CommitterDate) })
	var versions map[*Commit][]byte
	if o.AllContributors {
		out, versions = g.allContributors(r, out)
	}
	// SHAs and parents in history order.
	for i, c := range out {
		c.SHA = fakeSHA(r.Owner, r.Name, "commit", fmt.Sprint(i), c.Message)
		if i > 0 {
			c.Parents = []string{out[i-1].SHA}
		}
		if len(c.Paths) == 0 {
			c.Paths = []string{filePaths[g.rng.IntN(len(filePaths))]}
		}
		if is := mergeOf[c]; is != nil {
			is.PullRequest.MergeCommitSHA = c.SHA
		}
		if v, ok := versions[c]; ok {
			if r.FileHistory == nil {
				r.FileHistory = map[string]map[string][]byte{}
			}
			r.FileHistory[c.SHA] = map[string][]byte{".all-contributorsrc": v}
		}
	}
	r.Commits = out
}

func (g *generator) personCommit(p *person, u User, at time.Time, msg string) *Commit {
	c := &Commit{AuthorName: p.name, AuthorEmail: p.email, AuthorDate: at, Message: msg}
	if g.chance(g.o.UnlinkedEmailShare) {
		c.AuthorEmail = p.otherEmail
	} else {
		linked := u
		c.Author = &linked
	}
	if g.chance(g.o.CoAuthorShare) {
		var trailers []string
		for range 1 + g.rng.IntN(2) {
			co := g.pick()
			if co == p {
				continue
			}
			email := co.email
			if g.chance(0.4) {
				email = co.otherEmail
			}
			trailers = append(trailers, fmt.Sprintf("Co-authored-by: %s <%s>", co.name, email))
		}
		if len(trailers) > 0 {
			c.Message += "\n\n" + strings.Join(trailers, "\n")
		}
	}
	c.CommitterName, c.CommitterEmail, c.CommitterDate = c.AuthorName, c.AuthorEmail, at
	c.Committer = c.Author
	return c
}

type allContributorsEntry struct {
	Login         string   `json:"login"`
	Name          string   `json:"name"`
	AvatarURL     string   `json:"avatar_url"`
	Profile       string   `json:"profile"`
	Contributions []string `json:"contributions"`
}

// allContributors inserts allcontributors[bot] commits, about one a
// quarter, each adding the people whose pull requests were merged (code)
// or whose issues were opened (bug) since the last one, and records each
// version of the file in FileHistory.
func (g *generator) allContributors(r *Repo, history []*Commit) ([]*Commit, map[*Commit][]byte) {
	bot := User{Login: "allcontributors[bot]", ID: 46447321, Type: "Bot"}
	byLogin := map[string]*person{}
	for _, p := range g.people {
		byLogin[p.user.Login] = p
	}
	type credit struct {
		at    time.Time
		login string
		kind  string
	}
	var credits []credit
	for _, is := range r.Issues {
		if byLogin[is.User.Login] == nil {
			continue
		}
		switch {
		case is.PullRequest != nil && is.PullRequest.MergedAt != nil:
			credits = append(credits, credit{*is.PullRequest.MergedAt, is.User.Login, "code"})
		case is.PullRequest == nil:
			credits = append(credits, credit{is.CreatedAt, is.User.Login, "bug"})
		}
	}
	for _, rv := range r.Reviews {
		if byLogin[rv.User.Login] != nil {
			credits = append(credits, credit{*rv.SubmittedAt, rv.User.Login, "review"})
		}
	}
	slices.SortStableFunc(credits, func(a, b credit) int { return a.at.Compare(b.at) })

	var entries []*allContributorsEntry
	index := map[string]*allContributorsEntry{}
	versions := map[*Commit][]byte{}
	var file []byte
	ci := 0
	for t := g.o.Start.AddDate(0, 3, 0); !t.After(g.end); t = t.AddDate(0, 3, 0) {
		var added []string
		for ; ci < len(credits) && credits[ci].at.Before(t); ci++ {
			cr := credits[ci]
			if g.chance(0.4) { // not everyone gets recognized
				continue
			}
			e := index[cr.login]
			if e == nil {
				p := byLogin[cr.login]
				e = &allContributorsEntry{Login: cr.login, Name: p.name,
					AvatarURL: fmt.Sprintf("https://avatars.githubusercontent.com/u/%d?v=4", p.user.ID),
					Profile:   "https://github.com/" + cr.login, Contributions: []string{}}
				index[cr.login] = e
				entries = append(entries, e)
				added = append(added, cr.login)
			}
			if !slices.Contains(e.Contributions, cr.kind) {
				e.Contributions = append(e.Contributions, cr.kind)
			}
		}
		if len(added) == 0 {
			continue
		}
		file = allContributorsFile(r, entries)
		at := t.Add(-time.Duration(1+g.rng.IntN(48)) * time.Hour)
		c := &Commit{
			AuthorName: bot.Login, AuthorEmail: "46447321+allcontributors[bot]@users.noreply.github.com", AuthorDate: at,
			CommitterName: "GitHub", CommitterEmail: "noreply@github.com", CommitterDate: at,
			Author: &bot, Committer: &User{Login: "web-flow", ID: 19864447},
			Message: "docs: add " + strings.Join(added, ", ") + " as contributors",
			Paths:   []string{".all-contributorsrc", "README.md"},
		}
		i, _ := slices.BinarySearchFunc(history, at, func(c *Commit, t time.Time) int { return c.CommitterDate.Compare(t) })
		history = slices.Insert(history, i, c)
		versions[c] = file
	}
	if file != nil {
		r.Files[".all-contributorsrc"] = file
	}
	return history, versions
}

func allContributorsFile(r *Repo, entries []*allContributorsEntry) []byte {
	doc := struct {
		ProjectName         string                 `json:"projectName"`
		ProjectOwner        string                 `json:"projectOwner"`
		RepoType            string                 `json:"repoType"`
		RepoHost            string                 `json:"repoHost"`
		Files               []string               `json:"files"`
		ImageSize           int                    `json:"imageSize"`
		Commit              bool                   `json:"commit"`
		CommitConvention    string                 `json:"commitConvention"`
		Contributors        []allContributorsEntry `json:"contributors"`
		ContributorsPerLine int                    `json:"contributorsPerLine"`
	}{r.Name, r.Owner, "github", "https://github.com", []string{"README.md"}, 100, false, "angular", nil, 7}
	for _, e := range entries {
		c := *e
		c.Contributions = slices.Clone(e.Contributions)
		doc.Contributors = append(doc.Contributors, c)
	}
	b, _ := json.MarshalIndent(doc, "", "  ")
	return append(b, '\n')
}

func (g *generator) stars(r *Repo) {
	seen := map[string]bool{}
	var out []*Star
	for range g.o.Stars {
		at := g.timeBetween(r.CreatedAt, g.end)
		var u User
		if g.chance(0.3) {
			p := g.pick()
			u = p.user
			if p.join.After(at) {
				at = g.timeBetween(p.join, g.end)
			}
		}
		if u.Login == "" || seen[u.Login] {
			g.fanID += 1 + g.rng.Int64N(5)
			u = User{Login: fmt.Sprintf("stargazer-%d", g.fanID), ID: g.fanID}
		}
		seen[u.Login] = true
		out = append(out, &Star{User: u, StarredAt: at})
	}
	slices.SortStableFunc(out, func(a, b *Star) int { return a.StarredAt.Compare(b.StarredAt) })
	r.Stargazers = out
}

func (g *generator) forks(r *Repo) {
	seen := map[string]bool{r.Owner: true}
	var out []*Fork
	for range g.o.Forks {
		at := g.timeBetween(r.CreatedAt, g.end)
		var u User
		if g.chance(0.5) {
			p := g.pick()
			u = p.user
			if p.join.After(at) {
				at = g.timeBetween(p.join, g.end)
			}
		}
		if u.Login == "" || seen[u.Login] {
			g.fanID += 1 + g.rng.Int64N(5)
			u = User{Login: fmt.Sprintf("forker-%d", g.fanID), ID: g.fanID}
		}
		seen[u.Login] = true
		out = append(out, &Fork{ID: g.id(), Owner: u, Name: r.Name, CreatedAt: at})
	}
	slices.SortStableFunc(out, func(a, b *Fork) int { return a.CreatedAt.Compare(b.CreatedAt) })
	r.Forks = out
}

// events makes the events the issues' states imply (closed, merged,
// reopened) and Events others, numbered in time order.
func (g *generator) events(r *Repo) {
	var out []*IssueEvent
	for _, is := range r.Issues {
		if is.ClosedAt == nil {
			continue
		}
		closer := g.maintainer().user
		if g.chance(0.3) {
			closer = is.User
		}
		if pr := is.PullRequest; pr != nil && pr.MergedAt != nil {
			closer = *pr.MergedBy
			out = append(out, &IssueEvent{IssueNumber: is.Number, Event: "merged", Actor: pr.MergedBy, CreatedAt: *pr.MergedAt, CommitID: pr.MergeCommitSHA})
		}
		if g.chance(0.05) {
			first := g.timeBetween(is.CreatedAt, *is.ClosedAt)
			out = append(out,
				&IssueEvent{IssueNumber: is.Number, Event: "closed", Actor: &closer, CreatedAt: first},
				&IssueEvent{IssueNumber: is.Number, Event: "reopened", Actor: &is.User, CreatedAt: first.Add(time.Minute)})
		}
		out = append(out, &IssueEvent{IssueNumber: is.Number, Event: "closed", Actor: &closer, CreatedAt: *is.ClosedAt})
	}
	if len(r.Issues) > 0 {
		for range g.o.Events {
			is := r.Issues[g.rng.IntN(len(r.Issues))]
			at := g.timeBetween(is.CreatedAt, g.activeUntil(is).Add(time.Hour))
			actor := g.maintainer().user
			e := &IssueEvent{IssueNumber: is.Number, Actor: &actor, CreatedAt: at}
			switch x := g.rng.IntN(10); {
			case x < 4:
				e.Event, e.Label = "labeled", labelNames[g.rng.IntN(len(labelNames))]
			case x < 5:
				e.Event, e.Label = "unlabeled", labelNames[g.rng.IntN(len(labelNames))]
			case x < 7:
				assignee := g.maintainer().user
				e.Event, e.Assignee = "assigned", &assignee
			case x < 8 && len(r.Commits) > 0:
				e.Event, e.CommitID = "referenced", r.Commits[g.rng.IntN(len(r.Commits))].SHA
			case x < 9:
				e.Event = "mentioned"
			default:
				e.Event = "subscribed"
			}
			out = append(out, e)
		}
	}
	slices.SortStableFunc(out, func(a, b *IssueEvent) int { return cmp.Compare(a.CreatedAt.Unix(), b.CreatedAt.Unix()) })
	for _, e := range out {
		e.ID = g.id()
	}
	r.Events = out
}
