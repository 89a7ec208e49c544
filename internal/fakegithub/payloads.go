package fakegithub

import (
	"crypto/sha1"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash/fnv"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// This file turns the Data model into the JSON payloads GitHub serves, with
// the field names and types of GitHub's REST reference (see
// testdata/openapi-subset.json, which the tests validate them against).

// timestamp marshals as GitHub's "2006-01-02T15:04:05Z".
type timestamp time.Time

func (t timestamp) MarshalJSON() ([]byte, error) {
	return []byte(`"` + time.Time(t).UTC().Format("2006-01-02T15:04:05Z") + `"`), nil
}

func tsPtr(t *time.Time) *timestamp {
	if t == nil {
		return nil
	}
	v := timestamp(*t)
	return &v
}

func strPtr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// nodeID is a legacy global node ID ("MDQ6VXNlcjE=" for user 1).
func nodeID(kind string, id int64) string {
	return base64.StdEncoding.EncodeToString([]byte(fmt.Sprintf("0%d:%s%d", len(kind), kind, id)))
}

// stableID derives a positive ID from a string, for things the model does
// not number (users without an ID, labels, organisations, forks' repos).
func stableID(kind, s string) int64 {
	h := fnv.New64a()
	h.Write([]byte(kind))
	h.Write([]byte{0})
	h.Write([]byte(strings.ToLower(s)))
	return int64(h.Sum64()%900_000_000) + 100_000_000
}

func orgID(login string) int64 { return stableID("org", login) }

// fakeSHA derives a 40-hex-digit SHA from parts, for SHAs the model does
// not hold (trees, heads of pull requests).
func fakeSHA(parts ...string) string {
	sum := sha1.Sum([]byte(strings.Join(parts, "\x00")))
	return hex.EncodeToString(sum[:])
}

// blobSHA is git's object ID of a blob with content b.
func blobSHA(b []byte) string {
	h := sha1.New()
	fmt.Fprintf(h, "blob %d\x00", len(b))
	h.Write(b)
	return hex.EncodeToString(h.Sum(nil))
}

// urls builds absolute URLs for one request: api is scheme://host plus
// BasePath, web the html_url base.
type urls struct {
	api, web, raw string
}

func (u urls) repoAPI(r *Repo) string { return u.api + "/repos/" + r.Owner + "/" + r.Name }
func (u urls) repoWeb(r *Repo) string { return u.web + "/" + r.Owner + "/" + r.Name }

type simpleUser struct {
	Login             string `json:"login"`
	ID                int64  `json:"id"`
	NodeID            string `json:"node_id"`
	AvatarURL         string `json:"avatar_url"`
	GravatarID        string `json:"gravatar_id"`
	URL               string `json:"url"`
	HTMLURL           string `json:"html_url"`
	FollowersURL      string `json:"followers_url"`
	FollowingURL      string `json:"following_url"`
	GistsURL          string `json:"gists_url"`
	StarredURL        string `json:"starred_url"`
	SubscriptionsURL  string `json:"subscriptions_url"`
	OrganizationsURL  string `json:"organizations_url"`
	ReposURL          string `json:"repos_url"`
	EventsURL         string `json:"events_url"`
	ReceivedEventsURL string `json:"received_events_url"`
	Type              string `json:"type"`
	UserViewType      string `json:"user_view_type"`
	SiteAdmin         bool   `json:"site_admin"`
}

func userID(u User) int64 {
	if u.ID != 0 {
		return u.ID
	}
	return stableID("user", u.Login)
}

func (u urls) user(x User) simpleUser {
	typ := x.Type
	if typ == "" {
		typ = "User"
	}
	id := userID(x)
	api := u.api + "/users/" + url.PathEscape(x.Login)
	html := u.web + "/" + x.Login
	kind := "User"
	switch typ {
	case "Bot":
		html = u.web + "/apps/" + strings.TrimSuffix(x.Login, "[bot]")
		kind = "Bot"
	case "Organization":
		kind = "Organization"
	}
	return simpleUser{
		Login:             x.Login,
		ID:                id,
		NodeID:            nodeID(kind, id),
		AvatarURL:         fmt.Sprintf("https://avatars.githubusercontent.com/u/%d?v=4", id),
		URL:               api,
		HTMLURL:           html,
		FollowersURL:      api + "/followers",
		FollowingURL:      api + "/following{/other_user}",
		GistsURL:          api + "/gists{/gist_id}",
		StarredURL:        api + "/starred{/owner}{/repo}",
		SubscriptionsURL:  api + "/subscriptions",
		OrganizationsURL:  api + "/orgs",
		ReposURL:          api + "/repos",
		EventsURL:         api + "/events{/privacy}",
		ReceivedEventsURL: api + "/received_events",
		Type:              typ,
		UserViewType:      "public",
	}
}

func (u urls) userPtr(x *User) *simpleUser {
	if x == nil || x.Login == "" {
		return nil
	}
	v := u.user(*x)
	return &v
}

func (u urls) users(xs []User) []simpleUser {
	out := make([]simpleUser, 0, len(xs))
	for _, x := range xs {
		out = append(out, u.user(x))
	}
	return out
}

// ownerOf is the account owning r; an owner listed in Data.Orgs is an
// organisation.
func ownerOf(d *Data, owner string) User {
	if _, ok := d.Orgs[owner]; ok {
		return User{Login: owner, ID: orgID(owner), Type: "Organization"}
	}
	return User{Login: owner}
}

type license struct {
	Key    string  `json:"key"`
	Name   string  `json:"name"`
	SpdxID *string `json:"spdx_id"`
	URL    *string `json:"url"`
	NodeID string  `json:"node_id"`
}

// repoPayload is a repository as listings serve it (GitHub's "repository"
// and "minimal-repository"); fullRepoPayload adds what GET /repos/{o}/{r}
// adds.
type repoPayload struct {
	ID                       int64        `json:"id"`
	NodeID                   string       `json:"node_id"`
	Name                     string       `json:"name"`
	FullName                 string       `json:"full_name"`
	Private                  bool         `json:"private"`
	Owner                    simpleUser   `json:"owner"`
	HTMLURL                  string       `json:"html_url"`
	Description              *string      `json:"description"`
	Fork                     bool         `json:"fork"`
	URL                      string       `json:"url"`
	ForksURL                 string       `json:"forks_url"`
	KeysURL                  string       `json:"keys_url"`
	CollaboratorsURL         string       `json:"collaborators_url"`
	TeamsURL                 string       `json:"teams_url"`
	HooksURL                 string       `json:"hooks_url"`
	IssueEventsURL           string       `json:"issue_events_url"`
	EventsURL                string       `json:"events_url"`
	AssigneesURL             string       `json:"assignees_url"`
	BranchesURL              string       `json:"branches_url"`
	TagsURL                  string       `json:"tags_url"`
	BlobsURL                 string       `json:"blobs_url"`
	GitTagsURL               string       `json:"git_tags_url"`
	GitRefsURL               string       `json:"git_refs_url"`
	TreesURL                 string       `json:"trees_url"`
	StatusesURL              string       `json:"statuses_url"`
	LanguagesURL             string       `json:"languages_url"`
	StargazersURL            string       `json:"stargazers_url"`
	ContributorsURL          string       `json:"contributors_url"`
	SubscribersURL           string       `json:"subscribers_url"`
	SubscriptionURL          string       `json:"subscription_url"`
	CommitsURL               string       `json:"commits_url"`
	GitCommitsURL            string       `json:"git_commits_url"`
	CommentsURL              string       `json:"comments_url"`
	IssueCommentURL          string       `json:"issue_comment_url"`
	ContentsURL              string       `json:"contents_url"`
	CompareURL               string       `json:"compare_url"`
	MergesURL                string       `json:"merges_url"`
	ArchiveURL               string       `json:"archive_url"`
	DownloadsURL             string       `json:"downloads_url"`
	IssuesURL                string       `json:"issues_url"`
	PullsURL                 string       `json:"pulls_url"`
	MilestonesURL            string       `json:"milestones_url"`
	NotificationsURL         string       `json:"notifications_url"`
	LabelsURL                string       `json:"labels_url"`
	ReleasesURL              string       `json:"releases_url"`
	DeploymentsURL           string       `json:"deployments_url"`
	CreatedAt                timestamp    `json:"created_at"`
	UpdatedAt                timestamp    `json:"updated_at"`
	PushedAt                 timestamp    `json:"pushed_at"`
	GitURL                   string       `json:"git_url"`
	SSHURL                   string       `json:"ssh_url"`
	CloneURL                 string       `json:"clone_url"`
	SvnURL                   string       `json:"svn_url"`
	Homepage                 *string      `json:"homepage"`
	Size                     int          `json:"size"`
	StargazersCount          int          `json:"stargazers_count"`
	WatchersCount            int          `json:"watchers_count"`
	Language                 *string      `json:"language"`
	HasIssues                bool         `json:"has_issues"`
	HasProjects              bool         `json:"has_projects"`
	HasDownloads             bool         `json:"has_downloads"`
	HasWiki                  bool         `json:"has_wiki"`
	HasPages                 bool         `json:"has_pages"`
	HasDiscussions           bool         `json:"has_discussions"`
	ForksCount               int          `json:"forks_count"`
	MirrorURL                *string      `json:"mirror_url"`
	Archived                 bool         `json:"archived"`
	Disabled                 bool         `json:"disabled"`
	OpenIssuesCount          int          `json:"open_issues_count"`
	License                  *license     `json:"license"`
	AllowForking             bool         `json:"allow_forking"`
	IsTemplate               bool         `json:"is_template"`
	WebCommitSignoffRequired bool         `json:"web_commit_signoff_required"`
	Topics                   []string     `json:"topics"`
	Visibility               string       `json:"visibility"`
	Forks                    int          `json:"forks"`
	OpenIssues               int          `json:"open_issues"`
	Watchers                 int          `json:"watchers"`
	DefaultBranch            string       `json:"default_branch"`
	Permissions              *permissions `json:"permissions,omitempty"`
}

type permissions struct {
	Admin    bool `json:"admin"`
	Maintain bool `json:"maintain"`
	Push     bool `json:"push"`
	Triage   bool `json:"triage"`
	Pull     bool `json:"pull"`
}

type fullRepoPayload struct {
	repoPayload
	SubscribersCount int `json:"subscribers_count"`
	NetworkCount     int `json:"network_count"`
}

// repoShape holds what a repository payload needs beyond the names.
type repoShape struct {
	id                             int64
	owner                          User
	name                           string
	description, language          string
	fork, archived, private        bool
	created, updated, pushed       time.Time
	stars, forks, openIssues, size int
	defaultBranch                  string
}

func (u urls) repo(s repoShape) repoPayload {
	full := s.owner.Login + "/" + s.name
	api := u.api + "/repos/" + full
	host := strings.TrimPrefix(strings.TrimPrefix(u.web, "https://"), "http://")
	branch := s.defaultBranch
	if branch == "" {
		branch = "main"
	}
	pushed := s.pushed
	if pushed.IsZero() {
		pushed = s.updated
	}
	visibility := "public"
	if s.private {
		visibility = "private"
	}
	return repoPayload{
		ID: s.id, NodeID: nodeID("Repository", s.id), Name: s.name, FullName: full,
		Private: s.private, Owner: u.user(s.owner), HTMLURL: u.web + "/" + full,
		Description: strPtr(s.description), Fork: s.fork, URL: api,
		ForksURL: api + "/forks", KeysURL: api + "/keys{/key_id}",
		CollaboratorsURL: api + "/collaborators{/collaborator}", TeamsURL: api + "/teams",
		HooksURL: api + "/hooks", IssueEventsURL: api + "/issues/events{/number}",
		EventsURL: api + "/events", AssigneesURL: api + "/assignees{/user}",
		BranchesURL: api + "/branches{/branch}", TagsURL: api + "/tags",
		BlobsURL: api + "/git/blobs{/sha}", GitTagsURL: api + "/git/tags{/sha}",
		GitRefsURL: api + "/git/refs{/sha}", TreesURL: api + "/git/trees{/sha}",
		StatusesURL: api + "/statuses/{sha}", LanguagesURL: api + "/languages",
		StargazersURL: api + "/stargazers", ContributorsURL: api + "/contributors",
		SubscribersURL: api + "/subscribers", SubscriptionURL: api + "/subscription",
		CommitsURL: api + "/commits{/sha}", GitCommitsURL: api + "/git/commits{/sha}",
		CommentsURL: api + "/comments{/number}", IssueCommentURL: api + "/issues/comments{/number}",
		ContentsURL: api + "/contents/{+path}", CompareURL: api + "/compare/{base}...{head}",
		MergesURL: api + "/merges", ArchiveURL: api + "/{archive_format}{/ref}",
		DownloadsURL: api + "/downloads", IssuesURL: api + "/issues{/number}",
		PullsURL: api + "/pulls{/number}", MilestonesURL: api + "/milestones{/number}",
		NotificationsURL: api + "/notifications{?since,all,participating}",
		LabelsURL:        api + "/labels{/name}", ReleasesURL: api + "/releases{/id}",
		DeploymentsURL: api + "/deployments",
		CreatedAt:      timestamp(s.created), UpdatedAt: timestamp(s.updated), PushedAt: timestamp(pushed),
		GitURL:   "git://" + host + "/" + full + ".git",
		SSHURL:   "git@" + host + ":" + full + ".git",
		CloneURL: u.web + "/" + full + ".git",
		SvnURL:   u.web + "/" + full,
		Size:     s.size, StargazersCount: s.stars, WatchersCount: s.stars,
		Language:  strPtr(s.language),
		HasIssues: true, HasProjects: true, HasDownloads: true, HasWiki: true,
		ForksCount: s.forks, Archived: s.archived, OpenIssuesCount: s.openIssues,
		AllowForking: true, Topics: []string{}, Visibility: visibility,
		Forks: s.forks, OpenIssues: s.openIssues, Watchers: s.stars, DefaultBranch: branch,
	}
}

func repoShapeOf(d *Data, r *Repo) repoShape {
	open := 0
	for _, is := range r.Issues {
		if is.State == "open" {
			open++
		}
	}
	size := 0
	for _, b := range r.Files {
		size += len(b)
	}
	return repoShape{
		id: r.ID, owner: ownerOf(d, r.Owner), name: r.Name,
		description: r.Description, language: r.Language,
		fork: r.Fork, archived: r.Archived, private: r.Private,
		created: r.CreatedAt, updated: r.UpdatedAt, pushed: r.PushedAt,
		stars: len(r.Stargazers), forks: len(r.Forks), openIssues: open,
		size: size/1024 + len(r.Commits), defaultBranch: r.DefaultBranch,
	}
}

func (u urls) fullRepo(d *Data, r *Repo) fullRepoPayload {
	return fullRepoPayload{
		repoPayload:      u.repo(repoShapeOf(d, r)),
		SubscribersCount: len(r.Stargazers) / 10,
		NetworkCount:     len(r.Forks),
	}
}

func (u urls) forkRepo(parent *Repo, f *Fork) repoPayload {
	id := f.ID
	if id == 0 {
		id = stableID("repo", f.Owner.Login+"/"+f.Name)
	}
	name := f.Name
	if name == "" {
		name = parent.Name
	}
	return u.repo(repoShape{
		id: id, owner: f.Owner, name: name, description: parent.Description, language: parent.Language,
		fork: true, created: f.CreatedAt, updated: f.CreatedAt, pushed: f.CreatedAt,
		defaultBranch: parent.DefaultBranch,
	})
}

type labelPayload struct {
	ID          int64  `json:"id"`
	NodeID      string `json:"node_id"`
	URL         string `json:"url"`
	Name        string `json:"name"`
	Color       string `json:"color"`
	Default     bool   `json:"default"`
	Description string `json:"description"`
}

// defaultLabels are the labels GitHub creates in new repositories, with
// their descriptions.
var defaultLabels = map[string]string{
	"bug":              "Something isn't working",
	"documentation":    "Improvements or additions to documentation",
	"duplicate":        "This issue or pull request already exists",
	"enhancement":      "New feature or request",
	"good first issue": "Good for newcomers",
	"help wanted":      "Extra attention is needed",
	"invalid":          "This doesn't seem right",
	"question":         "Further information is requested",
	"wontfix":          "This will not be worked on",
}

func (u urls) label(r *Repo, name string) labelPayload {
	id := stableID("label", r.Owner+"/"+r.Name+"#"+name)
	return labelPayload{
		ID: id, NodeID: nodeID("Label", id),
		URL:         u.repoAPI(r) + "/labels/" + url.PathEscape(name),
		Name:        name,
		Color:       labelColor(name),
		Default:     defaultLabels[name] != "",
		Description: defaultLabels[name],
	}
}

func labelColor(name string) string {
	h := fnv.New32a()
	h.Write([]byte(name))
	return fmt.Sprintf("%06x", h.Sum32()&0xFFFFFF)
}

type reactions struct {
	URL        string `json:"url"`
	TotalCount int    `json:"total_count"`
	PlusOne    int    `json:"+1"`
	MinusOne   int    `json:"-1"`
	Laugh      int    `json:"laugh"`
	Hooray     int    `json:"hooray"`
	Confused   int    `json:"confused"`
	Heart      int    `json:"heart"`
	Rocket     int    `json:"rocket"`
	Eyes       int    `json:"eyes"`
}

type issuePR struct {
	URL      string     `json:"url"`
	HTMLURL  string     `json:"html_url"`
	DiffURL  string     `json:"diff_url"`
	PatchURL string     `json:"patch_url"`
	MergedAt *timestamp `json:"merged_at"`
}

type issuePayload struct {
	URL                   string         `json:"url"`
	RepositoryURL         string         `json:"repository_url"`
	LabelsURL             string         `json:"labels_url"`
	CommentsURL           string         `json:"comments_url"`
	EventsURL             string         `json:"events_url"`
	HTMLURL               string         `json:"html_url"`
	ID                    int64          `json:"id"`
	NodeID                string         `json:"node_id"`
	Number                int64          `json:"number"`
	Title                 string         `json:"title"`
	User                  *simpleUser    `json:"user"`
	Labels                []labelPayload `json:"labels"`
	State                 string         `json:"state"`
	Locked                bool           `json:"locked"`
	Assignee              *simpleUser    `json:"assignee"`
	Assignees             []simpleUser   `json:"assignees"`
	Milestone             *struct{}      `json:"milestone"`
	Comments              int            `json:"comments"`
	CreatedAt             timestamp      `json:"created_at"`
	UpdatedAt             timestamp      `json:"updated_at"`
	ClosedAt              *timestamp     `json:"closed_at"`
	AuthorAssociation     string         `json:"author_association"`
	ActiveLockReason      *string        `json:"active_lock_reason"`
	Draft                 *bool          `json:"draft,omitempty"`
	PullRequest           *issuePR       `json:"pull_request,omitempty"`
	Body                  *string        `json:"body"`
	Reactions             reactions      `json:"reactions"`
	TimelineURL           string         `json:"timeline_url"`
	PerformedViaGithubApp *struct{}      `json:"performed_via_github_app"`
	StateReason           *string        `json:"state_reason"`
}

func association(a string) string {
	if a == "" {
		return "NONE"
	}
	return a
}

func issueWebPath(is *Issue) string {
	if is.PullRequest != nil {
		return "/pull/"
	}
	return "/issues/"
}

func (u urls) issue(r *Repo, is *Issue) issuePayload {
	api := u.repoAPI(r) + "/issues/" + strconv.FormatInt(is.Number, 10)
	labels := make([]labelPayload, 0, len(is.Labels))
	for _, l := range is.Labels {
		labels = append(labels, u.label(r, l))
	}
	p := issuePayload{
		URL: api, RepositoryURL: u.repoAPI(r), LabelsURL: api + "/labels{/name}",
		CommentsURL: api + "/comments", EventsURL: api + "/events",
		HTMLURL: u.repoWeb(r) + issueWebPath(is) + strconv.FormatInt(is.Number, 10),
		ID:      is.ID, NodeID: nodeID("Issue", is.ID), Number: is.Number, Title: is.Title,
		User: u.userPtr(&is.User), Labels: labels, State: is.State,
		Assignees: u.users(is.Assignees), Comments: is.Comments,
		CreatedAt: timestamp(is.CreatedAt), UpdatedAt: timestamp(is.UpdatedAt), ClosedAt: tsPtr(is.ClosedAt),
		AuthorAssociation: association(is.AuthorAssociation),
		Body:              strPtr(is.Body),
		Reactions:         reactions{URL: api + "/reactions"},
		TimelineURL:       api + "/timeline",
		StateReason:       strPtr(is.StateReason),
	}
	if len(is.Assignees) > 0 {
		p.Assignee = &p.Assignees[0]
	}
	if pr := is.PullRequest; pr != nil {
		draft := pr.Draft
		p.Draft = &draft
		pull := u.repoAPI(r) + "/pulls/" + strconv.FormatInt(is.Number, 10)
		web := u.repoWeb(r) + "/pull/" + strconv.FormatInt(is.Number, 10)
		p.PullRequest = &issuePR{URL: pull, HTMLURL: web, DiffURL: web + ".diff", PatchURL: web + ".patch", MergedAt: tsPtr(pr.MergedAt)}
	}
	return p
}

type href struct {
	Href string `json:"href"`
}

type pullRef struct {
	Label string      `json:"label"`
	Ref   string      `json:"ref"`
	SHA   string      `json:"sha"`
	User  *simpleUser `json:"user"`
	Repo  repoPayload `json:"repo"`
}

type pullPayload struct {
	URL                string         `json:"url"`
	ID                 int64          `json:"id"`
	NodeID             string         `json:"node_id"`
	HTMLURL            string         `json:"html_url"`
	DiffURL            string         `json:"diff_url"`
	PatchURL           string         `json:"patch_url"`
	IssueURL           string         `json:"issue_url"`
	Number             int64          `json:"number"`
	State              string         `json:"state"`
	Locked             bool           `json:"locked"`
	Title              string         `json:"title"`
	User               *simpleUser    `json:"user"`
	Body               *string        `json:"body"`
	CreatedAt          timestamp      `json:"created_at"`
	UpdatedAt          timestamp      `json:"updated_at"`
	ClosedAt           *timestamp     `json:"closed_at"`
	MergedAt           *timestamp     `json:"merged_at"`
	MergeCommitSHA     *string        `json:"merge_commit_sha"`
	Assignee           *simpleUser    `json:"assignee"`
	Assignees          []simpleUser   `json:"assignees"`
	RequestedReviewers []simpleUser   `json:"requested_reviewers"`
	RequestedTeams     []struct{}     `json:"requested_teams"`
	Labels             []labelPayload `json:"labels"`
	Milestone          *struct{}      `json:"milestone"`
	Draft              bool           `json:"draft"`
	CommitsURL         string         `json:"commits_url"`
	ReviewCommentsURL  string         `json:"review_comments_url"`
	ReviewCommentURL   string         `json:"review_comment_url"`
	CommentsURL        string         `json:"comments_url"`
	StatusesURL        string         `json:"statuses_url"`
	Head               pullRef        `json:"head"`
	Base               pullRef        `json:"base"`
	Links              struct {
		Self           href `json:"self"`
		HTML           href `json:"html"`
		Issue          href `json:"issue"`
		Comments       href `json:"comments"`
		ReviewComments href `json:"review_comments"`
		ReviewComment  href `json:"review_comment"`
		Commits        href `json:"commits"`
		Statuses       href `json:"statuses"`
	} `json:"_links"`
	AuthorAssociation string    `json:"author_association"`
	AutoMerge         *struct{} `json:"auto_merge"`
	ActiveLockReason  *string   `json:"active_lock_reason"`
}

func (u urls) pull(d *Data, r *Repo, is *Issue) pullPayload {
	n := strconv.FormatInt(is.Number, 10)
	api := u.repoAPI(r) + "/pulls/" + n
	issueAPI := u.repoAPI(r) + "/issues/" + n
	web := u.repoWeb(r) + "/pull/" + n
	pr := is.PullRequest
	id := is.ID + 1_000_000_000
	base := u.repo(repoShapeOf(d, r))
	headOwner := pr.HeadOwner
	if headOwner == "" {
		headOwner = is.User.Login
	}
	headRef := pr.HeadRef
	if headRef == "" {
		headRef = "patch-" + n
	}
	headRepo := base
	if !strings.EqualFold(headOwner, r.Owner) {
		headRepo = u.repo(repoShape{
			id: stableID("repo", headOwner+"/"+r.Name), owner: User{Login: headOwner}, name: r.Name,
			fork: true, created: is.CreatedAt, updated: is.CreatedAt, pushed: is.CreatedAt, defaultBranch: r.DefaultBranch,
		})
	}
	ownerUser := ownerOf(d, r.Owner)
	headUser := User{Login: headOwner}
	if strings.EqualFold(headOwner, is.User.Login) {
		headUser = is.User
	} else if strings.EqualFold(headOwner, r.Owner) {
		headUser = ownerUser
	}
	labels := make([]labelPayload, 0, len(is.Labels))
	for _, l := range is.Labels {
		labels = append(labels, u.label(r, l))
	}
	p := pullPayload{
		URL: api, ID: id, NodeID: nodeID("PullRequest", id), HTMLURL: web,
		DiffURL: web + ".diff", PatchURL: web + ".patch", IssueURL: issueAPI,
		Number: is.Number, State: is.State, Title: is.Title, User: u.userPtr(&is.User),
		Body: strPtr(is.Body), CreatedAt: timestamp(is.CreatedAt), UpdatedAt: timestamp(is.UpdatedAt),
		ClosedAt: tsPtr(is.ClosedAt), MergedAt: tsPtr(pr.MergedAt), MergeCommitSHA: strPtr(pr.MergeCommitSHA),
		Assignees: u.users(is.Assignees), RequestedReviewers: []simpleUser{}, RequestedTeams: []struct{}{},
		Labels: labels, Draft: pr.Draft,
		CommitsURL: api + "/commits", ReviewCommentsURL: api + "/comments",
		ReviewCommentURL: u.repoAPI(r) + "/pulls/comments{/number}", CommentsURL: issueAPI + "/comments",
		StatusesURL:       u.repoAPI(r) + "/statuses/" + fakeSHA(r.Owner, r.Name, "head", n),
		AuthorAssociation: association(is.AuthorAssociation),
	}
	if len(p.Assignees) > 0 {
		p.Assignee = &p.Assignees[0]
	}
	p.Head = pullRef{Label: headOwner + ":" + headRef, Ref: headRef, SHA: fakeSHA(r.Owner, r.Name, "head", n), User: u.userPtr(&headUser), Repo: headRepo}
	branch := base.DefaultBranch
	p.Base = pullRef{Label: r.Owner + ":" + branch, Ref: branch, SHA: fakeSHA(r.Owner, r.Name, "base", n), User: u.userPtr(&ownerUser), Repo: base}
	p.Links.Self, p.Links.HTML, p.Links.Issue = href{api}, href{web}, href{issueAPI}
	p.Links.Comments, p.Links.ReviewComments = href{issueAPI + "/comments"}, href{api + "/comments"}
	p.Links.ReviewComment, p.Links.Commits = href{u.repoAPI(r) + "/pulls/comments{/number}"}, href{api + "/commits"}
	p.Links.Statuses = href{p.StatusesURL}
	return p
}

type commentPayload struct {
	URL                   string      `json:"url"`
	HTMLURL               string      `json:"html_url"`
	IssueURL              string      `json:"issue_url"`
	ID                    int64       `json:"id"`
	NodeID                string      `json:"node_id"`
	User                  *simpleUser `json:"user"`
	CreatedAt             timestamp   `json:"created_at"`
	UpdatedAt             timestamp   `json:"updated_at"`
	AuthorAssociation     string      `json:"author_association"`
	Body                  string      `json:"body"`
	Reactions             reactions   `json:"reactions"`
	PerformedViaGithubApp *struct{}   `json:"performed_via_github_app"`
}

func (u urls) comment(r *Repo, c *Comment, isPR bool) commentPayload {
	n := strconv.FormatInt(c.IssueNumber, 10)
	api := u.repoAPI(r) + "/issues/comments/" + strconv.FormatInt(c.ID, 10)
	kind := "/issues/"
	if isPR {
		kind = "/pull/"
	}
	return commentPayload{
		URL:      api,
		HTMLURL:  u.repoWeb(r) + kind + n + "#issuecomment-" + strconv.FormatInt(c.ID, 10),
		IssueURL: u.repoAPI(r) + "/issues/" + n,
		ID:       c.ID, NodeID: nodeID("IssueComment", c.ID), User: u.userPtr(&c.User),
		CreatedAt: timestamp(c.CreatedAt), UpdatedAt: timestamp(c.UpdatedAt),
		AuthorAssociation: association(c.AuthorAssociation), Body: c.Body,
		Reactions: reactions{URL: api + "/reactions"},
	}
}

type reviewCommentPayload struct {
	URL                 string      `json:"url"`
	PullRequestReviewID *int64      `json:"pull_request_review_id"`
	ID                  int64       `json:"id"`
	NodeID              string      `json:"node_id"`
	DiffHunk            string      `json:"diff_hunk"`
	Path                string      `json:"path"`
	CommitID            string      `json:"commit_id"`
	OriginalCommitID    string      `json:"original_commit_id"`
	User                *simpleUser `json:"user"`
	Body                string      `json:"body"`
	CreatedAt           timestamp   `json:"created_at"`
	UpdatedAt           timestamp   `json:"updated_at"`
	HTMLURL             string      `json:"html_url"`
	PullRequestURL      string      `json:"pull_request_url"`
	AuthorAssociation   string      `json:"author_association"`
	Links               struct {
		Self        href `json:"self"`
		HTML        href `json:"html"`
		PullRequest href `json:"pull_request"`
	} `json:"_links"`
	Reactions         reactions `json:"reactions"`
	StartLine         *int      `json:"start_line"`
	OriginalStartLine *int      `json:"original_start_line"`
	StartSide         *string   `json:"start_side"`
	Line              int       `json:"line"`
	OriginalLine      int       `json:"original_line"`
	Side              string    `json:"side"`
	Position          int       `json:"position"`
	OriginalPosition  int       `json:"original_position"`
	SubjectType       string    `json:"subject_type"`
}

func (u urls) reviewComment(r *Repo, c *ReviewComment) reviewCommentPayload {
	n := strconv.FormatInt(c.PullNumber, 10)
	id := strconv.FormatInt(c.ID, 10)
	api := u.repoAPI(r) + "/pulls/comments/" + id
	web := u.repoWeb(r) + "/pull/" + n + "#discussion_r" + id
	commit := c.CommitID
	if commit == "" {
		commit = fakeSHA(r.Owner, r.Name, "head", n)
	}
	path := c.Path
	if path == "" {
		path = "README.md"
	}
	p := reviewCommentPayload{
		URL: api, ID: c.ID, NodeID: nodeID("PullRequestReviewComment", c.ID),
		DiffHunk: "@@ -1,3 +1,4 @@\n line one\n+line two", Path: path,
		CommitID: commit, OriginalCommitID: commit, User: u.userPtr(&c.User), Body: c.Body,
		CreatedAt: timestamp(c.CreatedAt), UpdatedAt: timestamp(c.UpdatedAt),
		HTMLURL: web, PullRequestURL: u.repoAPI(r) + "/pulls/" + n,
		AuthorAssociation: association(c.AuthorAssociation),
		Reactions:         reactions{URL: api + "/reactions"},
		Line:              2, OriginalLine: 2, Side: "RIGHT", Position: 2, OriginalPosition: 2, SubjectType: "line",
	}
	if c.ReviewID != 0 {
		rid := c.ReviewID
		p.PullRequestReviewID = &rid
	}
	p.Links.Self, p.Links.HTML, p.Links.PullRequest = href{api}, href{web}, href{p.PullRequestURL}
	return p
}

type reviewPayload struct {
	ID             int64       `json:"id"`
	NodeID         string      `json:"node_id"`
	User           *simpleUser `json:"user"`
	Body           string      `json:"body"`
	State          string      `json:"state"`
	HTMLURL        string      `json:"html_url"`
	PullRequestURL string      `json:"pull_request_url"`
	Links          struct {
		HTML        href `json:"html"`
		PullRequest href `json:"pull_request"`
	} `json:"_links"`
	SubmittedAt       *timestamp `json:"submitted_at,omitempty"`
	CommitID          *string    `json:"commit_id"`
	AuthorAssociation string     `json:"author_association"`
}

func (u urls) review(r *Repo, rv *Review) reviewPayload {
	n := strconv.FormatInt(rv.PullNumber, 10)
	p := reviewPayload{
		ID: rv.ID, NodeID: nodeID("PullRequestReview", rv.ID), User: u.userPtr(&rv.User),
		Body: rv.Body, State: rv.State,
		HTMLURL:           u.repoWeb(r) + "/pull/" + n + "#pullrequestreview-" + strconv.FormatInt(rv.ID, 10),
		PullRequestURL:    u.repoAPI(r) + "/pulls/" + n,
		SubmittedAt:       tsPtr(rv.SubmittedAt),
		CommitID:          strPtr(rv.CommitID),
		AuthorAssociation: association(rv.AuthorAssociation),
	}
	p.Links.HTML, p.Links.PullRequest = href{p.HTMLURL}, href{p.PullRequestURL}
	return p
}

type gitUser struct {
	Name  string    `json:"name"`
	Email string    `json:"email"`
	Date  timestamp `json:"date"`
}

type commitParent struct {
	SHA     string `json:"sha"`
	URL     string `json:"url"`
	HTMLURL string `json:"html_url"`
}

type commitPayload struct {
	SHA    string `json:"sha"`
	NodeID string `json:"node_id"`
	Commit struct {
		Author    gitUser `json:"author"`
		Committer gitUser `json:"committer"`
		Message   string  `json:"message"`
		Tree      struct {
			SHA string `json:"sha"`
			URL string `json:"url"`
		} `json:"tree"`
		URL          string `json:"url"`
		CommentCount int    `json:"comment_count"`
		Verification struct {
			Verified   bool    `json:"verified"`
			Reason     string  `json:"reason"`
			Signature  *string `json:"signature"`
			Payload    *string `json:"payload"`
			VerifiedAt *string `json:"verified_at"`
		} `json:"verification"`
	} `json:"commit"`
	URL         string         `json:"url"`
	HTMLURL     string         `json:"html_url"`
	CommentsURL string         `json:"comments_url"`
	Author      *simpleUser    `json:"author"`
	Committer   *simpleUser    `json:"committer"`
	Parents     []commitParent `json:"parents"`
}

func (u urls) commit(r *Repo, c *Commit) commitPayload {
	var p commitPayload
	api := u.repoAPI(r)
	p.SHA = c.SHA
	p.NodeID = base64.StdEncoding.EncodeToString([]byte("C_" + c.SHA))
	p.Commit.Author = gitUser{Name: c.AuthorName, Email: c.AuthorEmail, Date: timestamp(c.AuthorDate)}
	committerDate := c.CommitterDate
	if committerDate.IsZero() {
		committerDate = c.AuthorDate
	}
	p.Commit.Committer = gitUser{Name: c.CommitterName, Email: c.CommitterEmail, Date: timestamp(committerDate)}
	if c.CommitterName == "" && c.CommitterEmail == "" {
		p.Commit.Committer = gitUser{Name: "GitHub", Email: "noreply@github.com", Date: timestamp(committerDate)}
	}
	p.Commit.Message = c.Message
	tree := fakeSHA("tree", c.SHA)
	p.Commit.Tree.SHA, p.Commit.Tree.URL = tree, api+"/git/trees/"+tree
	p.Commit.URL = api + "/git/commits/" + c.SHA
	p.Commit.Verification.Reason = "unsigned"
	p.URL = api + "/commits/" + c.SHA
	p.HTMLURL = u.repoWeb(r) + "/commit/" + c.SHA
	p.CommentsURL = api + "/commits/" + c.SHA + "/comments"
	p.Author = u.userPtr(c.Author)
	p.Committer = u.userPtr(c.Committer)
	p.Parents = make([]commitParent, 0, len(c.Parents))
	for _, sha := range c.Parents {
		p.Parents = append(p.Parents, commitParent{SHA: sha, URL: api + "/commits/" + sha, HTMLURL: u.repoWeb(r) + "/commit/" + sha})
	}
	return p
}

type stargazerPayload struct {
	StarredAt timestamp   `json:"starred_at"`
	User      *simpleUser `json:"user"`
}

type eventLabel struct {
	Name  string `json:"name"`
	Color string `json:"color"`
}

type issueEventPayload struct {
	ID                    int64         `json:"id"`
	NodeID                string        `json:"node_id"`
	URL                   string        `json:"url"`
	Actor                 *simpleUser   `json:"actor"`
	Event                 string        `json:"event"`
	CommitID              *string       `json:"commit_id"`
	CommitURL             *string       `json:"commit_url"`
	CreatedAt             timestamp     `json:"created_at"`
	Label                 *eventLabel   `json:"label,omitempty"`
	Assignee              *simpleUser   `json:"assignee,omitempty"`
	Assigner              *simpleUser   `json:"assigner,omitempty"`
	Issue                 *issuePayload `json:"issue"`
	PerformedViaGithubApp *struct{}     `json:"performed_via_github_app"`
}

func (u urls) issueEvent(r *Repo, e *IssueEvent, is *Issue) issueEventPayload {
	p := issueEventPayload{
		ID: e.ID, NodeID: nodeID(eventNodeKind(e.Event), e.ID),
		URL:   u.repoAPI(r) + "/issues/events/" + strconv.FormatInt(e.ID, 10),
		Actor: u.userPtr(e.Actor), Event: e.Event, CreatedAt: timestamp(e.CreatedAt),
	}
	if e.CommitID != "" {
		sha, url := e.CommitID, u.repoAPI(r)+"/commits/"+e.CommitID
		p.CommitID, p.CommitURL = &sha, &url
	}
	if e.Label != "" {
		p.Label = &eventLabel{Name: e.Label, Color: labelColor(e.Label)}
	}
	if e.Assignee != nil {
		p.Assignee = u.userPtr(e.Assignee)
		p.Assigner = u.userPtr(e.Actor)
	}
	if is != nil {
		ip := u.issue(r, is)
		p.Issue = &ip
	}
	return p
}

func eventNodeKind(event string) string {
	var b strings.Builder
	for _, part := range strings.Split(event, "_") {
		if part != "" {
			b.WriteString(strings.ToUpper(part[:1]) + part[1:])
		}
	}
	return b.String() + "Event"
}

type contentLinks struct {
	Self string  `json:"self"`
	Git  *string `json:"git"`
	HTML *string `json:"html"`
}

type contentPayload struct {
	Type        string       `json:"type"`
	Encoding    string       `json:"encoding,omitempty"`
	Size        int          `json:"size"`
	Name        string       `json:"name"`
	Path        string       `json:"path"`
	Content     *string      `json:"content,omitempty"`
	SHA         string       `json:"sha"`
	URL         string       `json:"url"`
	GitURL      *string      `json:"git_url"`
	HTMLURL     *string      `json:"html_url"`
	DownloadURL *string      `json:"download_url"`
	Links       contentLinks `json:"_links"`
}

// content describes a file (with its base64 content when withContent) or,
// when data is nil, a directory.
func (u urls) content(r *Repo, ref, path string, data []byte, withContent bool) contentPayload {
	name := path[strings.LastIndex(path, "/")+1:]
	escaped := escapePath(path)
	self := u.repoAPI(r) + "/contents/" + escaped + "?ref=" + url.QueryEscape(ref)
	p := contentPayload{Type: "file", Name: name, Path: path, URL: self}
	kind := "blob"
	if data == nil {
		p.Type, kind = "dir", "tree"
		p.SHA = fakeSHA("tree", r.Owner, r.Name, ref, path)
	} else {
		p.Size = len(data)
		p.SHA = blobSHA(data)
		dl := u.raw + "/" + r.Owner + "/" + r.Name + "/" + ref + "/" + escaped
		p.DownloadURL = &dl
	}
	git := u.repoAPI(r) + "/git/" + kind + "s/" + p.SHA
	html := u.repoWeb(r) + "/" + kind + "/" + ref + "/" + escaped
	p.GitURL, p.HTMLURL = &git, &html
	p.Links = contentLinks{Self: self, Git: &git, HTML: &html}
	if withContent && data != nil {
		p.Encoding = "base64"
		c := wrapBase64(data)
		p.Content = &c
	}
	return p
}

func escapePath(p string) string {
	parts := strings.Split(p, "/")
	for i, s := range parts {
		parts[i] = url.PathEscape(s)
	}
	return strings.Join(parts, "/")
}

// wrapBase64 encodes b as the contents API does: base64 in lines of 60
// characters, each ending with "\n".
func wrapBase64(b []byte) string {
	enc := base64.StdEncoding.EncodeToString(b)
	var sb strings.Builder
	sb.Grow(len(enc) + len(enc)/60 + 1)
	for len(enc) > 60 {
		sb.WriteString(enc[:60])
		sb.WriteByte('\n')
		enc = enc[60:]
	}
	if enc != "" {
		sb.WriteString(enc)
		sb.WriteByte('\n')
	}
	return sb.String()
}

type privateUserPayload struct {
	simpleUser
	Name                    *string   `json:"name"`
	Company                 *string   `json:"company"`
	Blog                    *string   `json:"blog"`
	Location                *string   `json:"location"`
	Email                   *string   `json:"email"`
	Hireable                *bool     `json:"hireable"`
	Bio                     *string   `json:"bio"`
	TwitterUsername         *string   `json:"twitter_username"`
	PublicRepos             int       `json:"public_repos"`
	PublicGists             int       `json:"public_gists"`
	Followers               int       `json:"followers"`
	Following               int       `json:"following"`
	CreatedAt               timestamp `json:"created_at"`
	UpdatedAt               timestamp `json:"updated_at"`
	PrivateGists            int       `json:"private_gists"`
	TotalPrivateRepos       int       `json:"total_private_repos"`
	OwnedPrivateRepos       int       `json:"owned_private_repos"`
	DiskUsage               int       `json:"disk_usage"`
	Collaborators           int       `json:"collaborators"`
	TwoFactorAuthentication bool      `json:"two_factor_authentication"`
}

func (u urls) privateUser(c caller) privateUserPayload {
	su := u.user(User{Login: c.login, ID: c.userID})
	su.UserViewType = "private"
	created := time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(binary.LittleEndian.Uint16([]byte(c.login+"xx"))) * time.Hour)
	return privateUserPayload{simpleUser: su, CreatedAt: timestamp(created), UpdatedAt: timestamp(created), TwoFactorAuthentication: true}
}
