package collect

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/google/go-github/v57/github"
	"github.com/journeys-dev/journeys/collect/ghapi"
	"github.com/journeys-dev/journeys/schema"
)

// A listingCost is one line of a dry run's estimate: a listing, the items
// GitHub says it holds (-1: not counted) and the requests reading it costs.
type listingCost struct {
	name     string
	items    int64
	requests int64
	note     string
}

// A repoEstimate is what a dry run finds about one repository.
type repoEstimate struct {
	lines  []listingCost
	counts map[string]int64 // listing -> items, for the manifest
	cost   int64            // requests a first collection would spend
}

// dryRun estimates, per repository and listing, the requests a first
// collection would spend, from each listing's size (asked with per_page=1,
// so that the rel="last" link gives the count, one request per listing),
// and prints it with the quota left (GET /rate_limit, which costs none) to
// opts.Report. It writes no file.
func dryRun(ctx context.Context, c *ghapi.Client, communities []Community, opts Options, graphql bool) (*schema.Manifest, error) {
	m := &schema.Manifest{ToolVersion: opts.ToolVersion, APIURL: c.Base(), StartedAt: time.Now().UTC(), Tables: map[string]int64{}}
	w := opts.Report
	if w == nil {
		w = io.Discard
	}
	fmt.Fprintf(w, "Dry run against %s: estimating what a first collection would cost (nothing is collected).\n", c.Base())
	var total int64
	var gqlTotal gqlEstimate
	var err error
	var failed []string
	done := map[string]*repoEstimate{}
	estimated := 0
	for _, com := range communities {
		for _, repo := range com.Repos {
			est, ok := done[repo]
			st := schema.RepoStatus{Community: com.Name, Repo: repo, Status: "ok", Rows: map[string]int64{}}
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
					var ue *UnreachableError
					if errors.As(err, &qe) || errors.As(err, &ue) {
						return nil, err
					}
					st.Status, st.Error = "failed", err.Error()
					failed = append(failed, repo)
					fmt.Fprintf(w, "\n%s: cannot estimate: %v\n", repo, err)
					m.Repos = append(m.Repos, st)
					continue
				}
				done[repo] = est
				total += est.cost
				estimated++
				printEstimate(w, repo, est)
				if graphql {
					g := estimateGraphQL(est)
					printGraphQLEstimate(w, g)
					gqlTotal.requests += g.requests
					gqlTotal.points += g.points
				}
			}
			for k, v := range est.counts {
				st.Rows[k] = v
			}
			m.Repos = append(m.Repos, st)
		}
	}
	rate, err := rateLimit(ctx, c)
	if err != nil {
		return nil, err
	}
	m.Requests, _, m.NotModified = c.Stats()
	fmt.Fprintf(w, "\nTotal: about %s requests for a first collection of %d %s.\n", thousands(total), estimated, plural(estimated, "repository", "repositories"))
	if graphql {
		fmt.Fprintf(w, "Through GraphQL (this run's route): about %s REST requests and %s GraphQL points (a budget of its own: 5,000 points an hour for a user token, 1,000 for GITHUB_TOKEN).\n",
			thousands(gqlTotal.requests), thousands(gqlTotal.points))
	}
	if rate.Known {
		fmt.Fprintf(w, "Quota left: %s of %s, resets at %s UTC (in %s); this estimate spent %d %s.\n",
			thousands(int64(rate.Remaining)), thousands(int64(rate.Limit)), rate.Reset.UTC().Format("15:04"),
			ghapi.RoundWait(max(time.Until(rate.Reset), 0)), m.Requests, plural(int(m.Requests), "request", "requests"))
		fmt.Fprintln(w, fitNote(total, rate))
	} else {
		fmt.Fprintf(w, "Quota left: unknown (the server does not report rate limits); this estimate spent %d requests.\n", m.Requests)
	}
	m.FinishedAt = time.Now().UTC()
	if len(failed) > 0 {
		return m, fmt.Errorf("%w: %s", ErrSomeReposFailed, strings.Join(failed, ", "))
	}
	return m, nil
}

// printEstimate prints one repository's table: listing, items, requests.
func printEstimate(w io.Writer, repo string, est *repoEstimate) {
	fmt.Fprintf(w, "\n%s\n", repo)
	fmt.Fprintf(w, "  %-18s %9s %9s\n", "listing", "items", "requests")
	for _, l := range est.lines {
		items := "-"
		if l.items >= 0 {
			items = thousands(l.items)
		}
		line := fmt.Sprintf("  %-18s %9s %9s", l.name, items, thousands(l.requests))
		if l.note != "" {
			line += "  " + l.note
		}
		fmt.Fprintln(w, line)
	}
	fmt.Fprintf(w, "  %-18s %9s %9s\n", "total", "", thousands(est.cost))
}

// fitNote says whether total fits in the quota left, or how many resets
// it takes.
func fitNote(total int64, r ghapi.Rate) string {
	if total <= int64(r.Remaining) {
		return "That fits in the quota left."
	}
	if r.Limit <= 0 {
		return "That is more than the quota left."
	}
	resets := (total - int64(r.Remaining) + int64(r.Limit) - 1) / int64(r.Limit)
	return fmt.Sprintf("That is more than the quota left: the collection waits for about %d quota %s (hourly on GitHub), or stops at --max-wait and resumes on the next run.",
		resets, plural(int(resets), "reset", "resets"))
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// numbers formats counts with thousands separators, as English does.
var numbers = message.NewPrinter(language.English)

// thousands formats n with commas between thousands: 12,345.
func thousands(n int64) string { return numbers.Sprintf("%d", n) }

// rateLimit reads GET /rate_limit, which costs no quota, into go-github's
// RateLimits.
func rateLimit(ctx context.Context, c *ghapi.Client) (ghapi.Rate, error) {
	resp, err := c.Get(ctx, ghapi.Request{Path: "rate_limit"})
	if err != nil {
		if ghapi.IsNotFound(err) { // servers with rate limiting off answer 404
			return ghapi.Rate{}, nil
		}
		return ghapi.Rate{}, fmt.Errorf("get rate limit: %w", err)
	}
	var rl struct {
		Resources github.RateLimits `json:"resources"`
	}
	if err := json.Unmarshal(resp.Body, &rl); err != nil {
		return ghapi.Rate{}, fmt.Errorf("decode rate limit: %w", err)
	}
	core := rl.Resources.Core
	if core == nil {
		return ghapi.Rate{}, nil
	}
	r := ghapi.Rate{Limit: core.Limit, Remaining: core.Remaining, Used: core.Limit - core.Remaining, Reset: core.Reset.Time, Known: true}
	c.SetRate(r)
	return r, nil
}

func estimateRepo(ctx context.Context, c *ghapi.Client, repo string) (*repoEstimate, error) {
	resp, err := c.Get(ctx, ghapi.Request{Path: "repos/" + repo})
	if err != nil {
		return nil, fmt.Errorf("get repository %s: %w", repo, err)
	}
	var r github.Repository
	if err := json.Unmarshal(resp.Body, &r); err != nil {
		return nil, fmt.Errorf("decode repository %s: %w", repo, err)
	}
	// Each listing is counted with one request, in the order of listings;
	// the reviews, one request per pull request, from the pulls listing.
	type count struct{ name, label, path string }
	var counts []count
	for _, l := range listings {
		if l.label == "" || l.size != nil {
			continue
		}
		counts = append(counts, count{l.name, l.label, l.countURL(repo, r.GetDefaultBranch())})
		if l.name == listIssues {
			counts = append(counts, count{"pull_requests", "reviews", "repos/" + repo + "/pulls?state=all&per_page=1"})
		}
	}
	est := &repoEstimate{counts: map[string]int64{}}
	est.lines = append(est.lines, listingCost{name: "repository", items: 1, requests: 1})
	for _, l := range counts {
		resp, err := c.Get(ctx, ghapi.Request{Path: l.path})
		var se *ghapi.StatusError
		n := int64(0)
		switch {
		case errors.As(err, &se) && se.Code == http.StatusConflict:
			// An empty repository: no commits.
		case err != nil:
			return nil, fmt.Errorf("count %s of %s: %w", l.name, repo, err)
		default:
			n = listingSize(resp)
		}
		est.counts[l.name] = n
		line := listingCost{name: l.label, items: n, requests: pages(n)}
		if l.name == "pull_requests" {
			// One request per pull request; the pulls listing itself is
			// not read (the issues listing has the pull requests).
			line.requests, line.note = n, "one request per pull request"
			line.items = -1
		}
		est.lines = append(est.lines, line)
	}
	// The listings the repository itself counts (the stargazers).
	for _, l := range listings {
		if l.label != "" && l.size != nil {
			n := l.size(&r)
			est.counts[l.name] = n
			est.lines = append(est.lines, listingCost{name: l.label, items: n, requests: pages(n)})
		}
	}
	est.lines = append(est.lines,
		listingCost{name: "all-contributors", items: -1, requests: 2,
			note: fmt.Sprintf(".all-contributorsrc and its history (dating the people it lists reads older versions: up to %s more)", thousands(acVersionBudget))})
	for _, l := range est.lines {
		est.cost += l.requests
	}
	return est, nil
}

// listingSize is the item count of a listing asked with per_page=1: the
// page number of its rel="last" link, or the items of its only page.
func listingSize(resp *ghapi.Response) int64 {
	if last := ghapi.LinkRel(resp.Header.Get("Link"), "last"); last != "" {
		if u, err := url.Parse(last); err == nil {
			n, _ := strconv.ParseInt(u.Query().Get("page"), 10, 64)
			return n
		}
	}
	var items []json.RawMessage
	if json.Unmarshal(resp.Body, &items) == nil {
		return int64(len(items))
	}
	return 0
}

// pages is the pages a listing of n items takes at listingPerPage a page
// (an empty listing still takes one request).
func pages(n int64) int64 { return max(1, (n+listingPerPage-1)/listingPerPage) }
