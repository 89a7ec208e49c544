package collect

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/journeys-dev/journeys/internal/fakegithub"
	"github.com/journeys-dev/journeys/schema"
)

// bigSHA is the SHA of big's i-th commit.
func bigSHA(i int) string { return fmt.Sprintf("%040x", i) }

func bigSHAs(from, to int) []string {
	var out []string
	for i := from; i <= to; i++ {
		out = append(out, bigSHA(i))
	}
	return out
}

func TestCommitsFollowTheDefaultBranch(t *testing.T) {
	const commitsRoute = "GET /repos/{owner}/{repo}/commits"
	widgetSHAs := []string{"c1", "c2", "c3", "c4", "c5"}
	tests := []struct {
		name   string
		repo   string
		mutate func(r *fakegithub.Repo)
		want   []string
		// pages is the number of requests the second run makes to the
		// commits listing (widget's include one for .all-contributorsrc's
		// history).
		pages int64
	}{
		{"a new commit on top is added from the first page", "acme/widget",
			func(r *fakegithub.Repo) {
				r.Commits = append(r.Commits, &fakegithub.Commit{SHA: "c6", Parents: []string{"c5"}, AuthorName: "Bob",
					AuthorEmail: "bob@example.org", AuthorDate: at(95), CommitterDate: at(95), Message: "more", Author: &bob})
				r.PushedAt = at(95)
			},
			append(slices.Clone(widgetSHAs), "c6"), 2},
		{"a force-pushed last commit replaces the old one", "acme/widget",
			func(r *fakegithub.Repo) {
				r.Commits[4] = &fakegithub.Commit{SHA: "c5b", Parents: []string{"c4"}, AuthorName: "Bob",
					AuthorEmail: "bob@example.org", AuthorDate: at(95), CommitterDate: at(95), Message: "amended", Author: &bob}
				r.PushedAt = at(95)
			},
			[]string{"c1", "c2", "c3", "c4", "c5b"}, 2},
		{"a history rewritten from the root keeps only the new commits", "acme/widget",
			func(r *fakegithub.Repo) {
				r.Commits = []*fakegithub.Commit{
					{SHA: "d1", AuthorName: "Bob", AuthorEmail: "bob@example.org", AuthorDate: at(91), CommitterDate: at(91), Message: "root"},
					{SHA: "d2", Parents: []string{"d1"}, AuthorName: "Bob", AuthorEmail: "bob@example.org", AuthorDate: at(92), CommitterDate: at(92), Message: "next"},
				}
				r.PushedAt = at(95)
			},
			[]string{"d1", "d2"}, 2},
		{"a renamed default branch with the same commits keeps them", "acme/widget",
			func(r *fakegithub.Repo) { r.DefaultBranch = "trunk" },
			widgetSHAs, 2},
		{"a renamed default branch with other commits keeps only its own", "acme/widget",
			func(r *fakegithub.Repo) {
				r.DefaultBranch = "develop"
				r.Commits = r.Commits[:3]
			},
			[]string{"c1", "c2", "c3"}, 2},
		{"a force push deep in a long history walks it whole", "acme/big",
			func(r *fakegithub.Repo) {
				r.Commits[119] = &fakegithub.Commit{SHA: "f" + bigSHA(120)[1:], Parents: []string{bigSHA(119)}, AuthorName: "Bob",
					AuthorEmail: "bob@example.org", AuthorDate: at(121), CommitterDate: at(121), Message: "amended", Author: &bob}
				r.PushedAt = at(5001)
			},
			append(bigSHAs(1, 119), "f"+bigSHA(120)[1:]), 2},
		{"a renamed, rewound long branch is walked whole", "acme/big",
			func(r *fakegithub.Repo) {
				r.DefaultBranch = "main"
				r.Commits = r.Commits[:110]
			},
			bigSHAs(1, 110), 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, fixture(), fakegithub.Options{})
			cs := []Community{{Name: "c", Repos: []string{tt.repo}}}
			if _, err, _ := h.run(cs, h.options()); err != nil {
				t.Fatal(err)
			}
			h.srv.Mutate(func(d *fakegithub.Data) {
				for _, r := range d.Repos {
					if r.Owner+"/"+r.Name == tt.repo {
						tt.mutate(r)
					}
				}
			})
			before := h.srv.Stats().Routes[commitsRoute]
			if _, err, _ := h.run(cs, h.options()); err != nil {
				t.Fatal(err)
			}
			if pages := h.srv.Stats().Routes[commitsRoute] - before; pages != tt.pages {
				t.Errorf("second run made %d commits requests, want %d", pages, tt.pages)
			}
			var got []string
			for _, c := range read[schema.Commit](t, h.out, "commits") {
				got = append(got, c.SHA)
			}
			slices.Sort(got)
			want := slices.Sorted(slices.Values(tt.want))
			if !slices.Equal(got, want) {
				t.Errorf("commits after the change:\n got %v\nwant %v", got, want)
			}
			if _, err, cost := h.run(cs, h.options()); err != nil || cost != 0 {
				t.Errorf("third run over unchanged data: cost %d, error %v; want 0, nil", cost, err)
			}
		})
	}
}

func TestInterruptedRewriteWalkDropsTheOldCommits(t *testing.T) {
	r := big(0, 0, 250)
	h := newHarness(t, &fakegithub.Data{Repos: []*fakegithub.Repo{r}}, fakegithub.Options{})
	cs := []Community{{Name: "b", Repos: []string{"acme/big"}}}
	if _, err, _ := h.run(cs, h.options()); err != nil {
		t.Fatal(err)
	}
	amended := "f" + bigSHA(250)[1:]
	h.srv.Mutate(func(d *fakegithub.Data) {
		r := d.Repos[0]
		r.Commits[249] = &fakegithub.Commit{SHA: amended, Parents: []string{bigSHA(249)}, AuthorName: "Bob",
			AuthorEmail: "bob@example.org", AuthorDate: at(251), CommitterDate: at(251), Message: "amended", Author: &bob}
		r.PushedAt = at(5001)
	})
	// One request that costs quota per run: the rewrite walk (3 pages) is
	// cut short, and each run resumes it.
	const contentsRoute = "GET /repos/{owner}/{repo}/contents/{path}"
	contentsBefore := h.srv.Stats().Routes[contentsRoute]
	runs := 0
	for ; runs < 50; runs++ {
		opts := h.options()
		opts.MaxRequests = 1
		_, err, _ := h.run(cs, opts)
		if err == nil {
			break
		}
		var qe *QuotaError
		if !errors.As(err, &qe) {
			t.Fatalf("run %d: %v", runs, err)
		}
	}
	if runs < 2 {
		t.Fatalf("the walk was not interrupted (%d interrupted runs)", runs)
	}
	// big has no .all-contributorsrc: its 404 costs quota each time it is
	// asked, so it is asked once per push, not once per resumed run.
	if n := h.srv.Stats().Routes[contentsRoute] - contentsBefore; n != 1 {
		t.Errorf("%d interrupted runs asked for .all-contributorsrc %d times, want once", runs, n)
	}
	var got []string
	for _, c := range read[schema.Commit](t, h.out, "commits") {
		got = append(got, c.SHA)
	}
	slices.Sort(got)
	want := append(bigSHAs(1, 249), amended)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("after %d interrupted runs: %d commits, want %d (the amended one replacing %s)", runs, len(got), len(want), bigSHA(250))
	}
}
