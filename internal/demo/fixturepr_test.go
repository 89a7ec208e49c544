package demo

import "github.com/journeys-dev/journeys/internal/demo/fixture"

type authorCount struct {
	email   string
	commits int
}

// fixturePR describes a pull request for the author rules' tests.
type fixturePR struct {
	mergeOwner string // "" = no merge commit
	squash     string // squash commit author e-mail; "" = none
	head       string // head commit author e-mail
	authors    []authorCount
}

func (p fixturePR) build() fixture.PullRequest {
	pr := fixture.PullRequest{Number: 1, HeadAuthorEmail: p.head}
	if p.mergeOwner != "" {
		pr.Merge = &fixture.MergeCommit{SHA: "m", HeadOwner: p.mergeOwner, HeadBranch: "patch-1"}
	}
	if p.squash != "" {
		pr.Squash = &fixture.SquashCommit{SHA: "s", AuthorEmail: p.squash}
	}
	for _, a := range p.authors {
		pr.CommitAuthors = append(pr.CommitAuthors, fixture.CommitAuthor{Email: a.email, Commits: a.commits})
	}
	return pr
}
