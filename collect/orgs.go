package collect

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/google/go-github/v57/github"
	"github.com/journeys-dev/journeys/collect/ghapi"
	"github.com/journeys-dev/journeys/internal/table"
	"github.com/journeys-dev/journeys/schema"
)

// OrgPrefix marks a repository entry that stands for every public
// repository of an organisation: "org:NAME".
const OrgPrefix = "org:"

func writeOrgListing(dir string, l *schema.OrgListing) error {
	target := filepath.Join(dir, schema.OrgsFile)
	if l == nil {
		if err := os.Remove(target); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("remove stale %s: %w", schema.OrgsFile, err)
		}
		return nil
	}
	b, err := json.MarshalIndent(l, "", "  ")
	if err != nil {
		return fmt.Errorf("encode organisation listing: %w", err)
	}
	if err := table.WriteFileAtomic(target, append(b, '\n')); err != nil {
		return fmt.Errorf("write organisation listing: %w", err)
	}
	return nil
}

// listOrg reads every public repository of org, following the pages.
func listOrg(ctx context.Context, c *ghapi.Client, org string) ([]schema.OrgRepo, error) {
	var out []schema.OrgRepo
	next := "orgs/" + url.PathEscape(org) + "/repos?type=public&sort=full_name&per_page=100"
	for next != "" {
		resp, err := c.Get(ctx, ghapi.Request{Path: next})
		if err != nil {
			if ghapi.IsNotFound(err) {
				return nil, fmt.Errorf("list repositories of organisation %s: GitHub has no organisation by that name (for a user account, list its repositories as owner/name): %w", org, err)
			}
			return nil, fmt.Errorf("list repositories of organisation %s: %w", org, err)
		}
		page, err := decodeList(resp.Body, func(r *github.Repository) *schema.OrgRepo {
			return &schema.OrgRepo{FullName: r.GetFullName(), Fork: r.GetFork(), Archived: r.GetArchived()}
		})
		if err != nil {
			return nil, fmt.Errorf("list repositories of organisation %s: decode %s: %w", org, resp.URL, err)
		}
		for _, r := range page {
			out = append(out, *r)
		}
		next = resp.Next()
	}
	sortOrgRepos(out)
	return slices.CompactFunc(out, func(a, b schema.OrgRepo) bool { return strings.EqualFold(a.FullName, b.FullName) }), nil
}

func sortOrgRepos(rs []schema.OrgRepo) {
	slices.SortFunc(rs, func(a, b schema.OrgRepo) int {
		return cmp.Or(cmp.Compare(strings.ToLower(a.FullName), strings.ToLower(b.FullName)), cmp.Compare(a.FullName, b.FullName))
	})
}

// hasOrgs reports whether any community lists an org: entry.
func hasOrgs(cs []Community) bool {
	for _, c := range cs {
		for _, r := range c.Repos {
			if strings.HasPrefix(r, OrgPrefix) {
				return true
			}
		}
	}
	return false
}

// expandOrgs replaces every org: entry by the organisation's public
// repositories, in name order, leaving out those the community excludes,
// forks and archived ones unless included. A repository already listed in
// the community is kept once, at its first place. Each organisation is
// listed once (or taken from pinned, when given); the listing is returned
// to be recorded in orgs.json. Without org: entries it returns cs as they
// are and a nil listing.
func expandOrgs(ctx context.Context, c *ghapi.Client, cs []Community, pinned *schema.OrgListing, log *slog.Logger) ([]Community, *schema.OrgListing, error) {
	if !hasOrgs(cs) {
		return cs, nil, nil
	}
	listing := &schema.OrgListing{ListedAt: time.Now().UTC(), Orgs: map[string][]schema.OrgRepo{}}
	if pinned != nil {
		listing.ListedAt = pinned.ListedAt
	}
	out := make([]Community, len(cs))
	for i, com := range cs {
		exp := com
		exp.Repos = nil
		seen := map[string]bool{}
		add := func(r string) {
			if k := strings.ToLower(r); !seen[k] {
				seen[k] = true
				exp.Repos = append(exp.Repos, r)
			}
		}
		for _, r := range com.Repos {
			org, isOrg := strings.CutPrefix(r, OrgPrefix)
			if !isOrg {
				add(r)
				continue
			}
			repos, err := orgRepos(ctx, c, org, pinned, listing, log)
			if err != nil {
				return nil, nil, err
			}
			for _, or := range repos {
				switch {
				case or.Fork && !com.IncludeForks, or.Archived && !com.IncludeArchived, excluded(com.Exclude, or.FullName):
					continue
				}
				add(or.FullName)
			}
		}
		out[i] = exp
	}
	return out, listing, nil
}

// orgRepos returns the repositories of org, from pinned if it has them,
// else from a listing already made by this run, else from GitHub.
func orgRepos(ctx context.Context, c *ghapi.Client, org string, pinned, listing *schema.OrgListing, log *slog.Logger) ([]schema.OrgRepo, error) {
	key := strings.ToLower(org)
	for _, l := range []*schema.OrgListing{listing, pinned} {
		if l == nil {
			continue
		}
		for name, repos := range l.Orgs {
			if strings.ToLower(name) == key {
				listing.Orgs[org] = repos
				return repos, nil
			}
		}
	}
	if pinned != nil {
		return nil, fmt.Errorf("organisation %s is not in the organisation listing given (%s); list it again without pinning", org, schema.OrgsFile)
	}
	repos, err := listOrg(ctx, c, org)
	if err != nil {
		return nil, err
	}
	log.Info("organisation listed", "org", org, "repositories", len(repos))
	listing.Orgs[org] = repos
	return repos, nil
}

// excluded reports whether repo matches one of the patterns (owner/name or
// path.Match globs), case-insensitively.
func excluded(patterns []string, repo string) bool {
	lower := strings.ToLower(repo)
	for _, p := range patterns {
		if ok, _ := path.Match(strings.ToLower(p), lower); ok {
			return true
		}
	}
	return false
}
