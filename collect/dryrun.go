package collect

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/journeys-dev/journeys/collect/ghapi"
)

// A repoEstimate is what a dry run finds about one repository.
type repoEstimate struct {
	counts map[string]int64 // listing -> items
	cost   int64            // requests a first collection would spend
}

// dryRun estimates, per repository, the requests a first collection would
// spend, from each listing's size (one item per page, so the rel="last"
// link gives the count), and prints it with the quota left. It writes
// nothing.
func dryRun(ctx context.Context, c *ghapi.Client, communities []Community, opts Options) (*Manifest, error) {
	m := &Manifest{ToolVersion: opts.ToolVersion, APIURL: c.Base(), StartedAt: time.Now().UTC(), Tables: map[string]int64{}}
	w := opts.Progress
	if w == nil {
		w = io.Discard
	}
	var total int64
	var err error
	var failed []string
	done := map[string]*repoEstimate{}
	for _, com := range communities {
		for _, repo := range com.Repos {
			est, ok := done[repo]
			st := RepoStatus{Community: com.Name, Repo: repo, Status: "ok", Rows: map[string]int64{}}
			if !ok {
				before, _, _ := c.Stats()
				est, err = estimateRepo(ctx, c, repo)
				after, _, _ := c.Stats()
				st.Requests = after - before
				if err != nil {
					if errors.Is(err, ErrBadCredentials) || ctx.Err() != nil {
						return nil, err
					}
					var qe *QuotaError
					if errors.As(err, &qe) {
						return nil, err
					}
					st.Status, st.Error = "failed", err.Error()
					failed = append(failed, repo)
					fmt.Fprintf(w, "%s: cannot estimate: %v\n", repo, err)
					m.Repos = append(m.Repos, st)
					continue
				}
				done[repo] = est
				total += est.cost
				fmt.Fprintf(w, "%s: about %d requests (%s)\n", repo, est.cost, describeCounts(est.counts))
			}
			for k, v := range est.counts {
				st.Rows[k] = v
			}
			m.Repos = append(m.Repos, st)
		}
	}
	m.Requests, _, m.NotModified = c.Stats()
	rate, err := rateLimit(ctx, c)
	if err != nil {
		return nil, err
	}
	left := "unknown"
	if rate.Known {
		left = fmt.Sprintf("%d of %d, resets %s", rate.Remaining, rate.Limit, rate.Reset.UTC().Format(time.RFC3339))
	}
	fmt.Fprintf(w, "total: about %d requests for a first collection; quota left: %s; this estimate spent %d\n", total, left, m.Requests)
	m.FinishedAt = time.Now().UTC()
	if len(failed) > 0 {
		return m, fmt.Errorf("%w: %s", ErrSomeReposFailed, strings.Join(failed, ", "))
	}
	return m, nil
}

func describeCounts(c map[string]int64) string {
	var parts []string
	for _, k := range []string{"issues", "pull_requests", "comments", "review_comments", "commits", "stargazers", "forks", "issue_events"} {
		parts = append(parts, fmt.Sprintf("%s %d", k, c[k]))
	}
	return strings.Join(parts, ", ")
}

// rateLimit reads GET /rate_limit, which costs no quota.
func rateLimit(ctx context.Context, c *ghapi.Client) (ghapi.Rate, error) {
	resp, err := c.Get(ctx, ghapi.Request{Path: "rate_limit"})
	if err != nil {
		if ghapi.IsNotFound(err) { // servers with rate limiting off answer 404
			return ghapi.Rate{}, nil
		}
		return ghapi.Rate{}, fmt.Errorf("get rate limit: %w", err)
	}
	var rl struct {
		Resources struct {
			Core struct {
				Limit     int   `json:"limit"`
				Remaining int   `json:"remaining"`
				Used      int   `json:"used"`
				Reset     int64 `json:"reset"`
			} `json:"core"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(resp.Body, &rl); err != nil {
		return ghapi.Rate{}, fmt.Errorf("decode rate limit: %w", err)
	}
	core := rl.Resources.Core
	r := ghapi.Rate{Limit: core.Limit, Remaining: core.Remaining, Used: core.Used, Reset: time.Unix(core.Reset, 0), Known: true}
	c.SetRate(r)
	return r, nil
}

func estimateRepo(ctx context.Context, c *ghapi.Client, repo string) (*repoEstimate, error) {
	resp, err := c.Get(ctx, ghapi.Request{Path: "repos/" + repo})
	if err != nil {
		return nil, fmt.Errorf("get repository %s: %w", repo, err)
	}
	var r apiRepo
	if err := json.Unmarshal(resp.Body, &r); err != nil {
		return nil, fmt.Errorf("decode repository %s: %w", repo, err)
	}
	p := "repos/" + repo + "/"
	listings := []struct{ name, path, accept string }{
		{"issues", p + "issues?state=all&per_page=1", ""},
		{"pull_requests", p + "pulls?state=all&per_page=1", ""},
		{"comments", p + "issues/comments?per_page=1", ""},
		{"review_comments", p + "pulls/comments?per_page=1", ""},
		{"commits", p + "commits?sha=" + url.QueryEscape(r.DefaultBranch) + "&per_page=1", ""},
		{"forks", p + "forks?per_page=1", ""},
		{"issue_events", p + "issues/events?per_page=1", ""},
	}
	est := &repoEstimate{counts: map[string]int64{"stargazers": r.StargazersCount}}
	// The repository, .all-contributorsrc and its history, and one page
	// of stargazers per 100.
	est.cost = 3 + pages(r.StargazersCount)
	for _, l := range listings {
		resp, err := c.Get(ctx, ghapi.Request{Path: l.path, Accept: l.accept})
		var se *ghapi.StatusError
		if errors.As(err, &se) && se.Code == http.StatusConflict {
			est.counts[l.name] = 0 // an empty repository: no commits
			est.cost++
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("count %s of %s: %w", l.name, repo, err)
		}
		n := int64(0)
		if last := ghapi.LinkRel(resp.Header.Get("Link"), "last"); last != "" {
			if u, err := url.Parse(last); err == nil {
				n, _ = strconv.ParseInt(u.Query().Get("page"), 10, 64)
			}
		} else {
			var items []json.RawMessage
			if json.Unmarshal(resp.Body, &items) == nil {
				n = int64(len(items))
			}
		}
		est.counts[l.name] = n
		if l.name == "pull_requests" {
			est.cost += n // one reviews request per pull request
		} else {
			est.cost += pages(n)
		}
	}
	return est, nil
}

// pages is the pages a listing of n items takes at 100 a page (an empty
// listing still takes one request).
func pages(n int64) int64 { return max(1, (n+99)/100) }
