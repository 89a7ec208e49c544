package collect

import (
	"context"
	"fmt"

	"github.com/journeys-dev/journeys/collect/allcontrib"
	"github.com/journeys-dev/journeys/collect/ghgraphql"
	"golang.org/x/sync/errgroup"
)

// acVersionsPerQuery is how many older versions of .all-contributorsrc one
// GraphQL query reads (object(expression: "SHA:.all-contributorsrc")):
// blobs are no connection, so a query costs one point whatever their
// number; 50 keeps an answer to a few megabytes.
const acVersionsPerQuery = 50

// gqlACVersions reads, through GraphQL, every version of the file at the
// timeline's points that the state does not hold yet (at most
// acVersionBudget), a batch a query, in parallel. A version GitHub
// truncates is left for the contents API.
func (rc *repoCollector) gqlACVersions(ctx context.Context, tl *allcontrib.Timeline, cached allcontrib.Version) (map[string]*acReadVersion, error) {
	var shas []string
	rc.mu.Lock()
	for i, p := range tl.Points {
		if _, st := cached(i); st == allcontrib.Unknown && len(shas) < acVersionBudget {
			shas = append(shas, p.SHA)
		}
	}
	rc.mu.Unlock()
	out := make(map[string]*acReadVersion, len(shas))
	owner, repo := rc.ownerName()
	results := make([][]*acReadVersion, (len(shas)+acVersionsPerQuery-1)/acVersionsPerQuery)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(max(1, rc.workers))
	for b := range results {
		batch := shas[b*acVersionsPerQuery : min(len(shas), (b+1)*acVersionsPerQuery)]
		g.Go(func() error {
			vars := map[string]any{"owner": owner, "name": repo}
			for i, sha := range batch {
				vars[fmt.Sprintf("e%d", i)] = sha + ":" + allcontrib.Path
			}
			var resp struct {
				Repository map[string]*struct {
					Typename    string  `json:"__typename"`
					Text        *string `json:"text"`
					IsTruncated bool    `json:"isTruncated"`
				} `json:"repository"`
			}
			err := rc.query(gctx, ghgraphql.FileVersionsQuery(len(batch)), vars, 1, &resp)
			if retryable(err) {
				return nil // left for the contents API
			}
			if err != nil {
				return fmt.Errorf("read older versions of %s of %s: %w", allcontrib.Path, rc.repo, err)
			}
			vs := make([]*acReadVersion, len(batch))
			for i := range batch {
				o, ok := resp.Repository[fmt.Sprintf("v%d", i)]
				switch {
				case !ok:
				case o == nil || o.Typename != "Blob":
					// The file was not there (the contents API's 404).
					vs[i] = &acReadVersion{Unreadable: true}
				case o.IsTruncated || o.Text == nil:
				default:
					logins, ok := allcontrib.Logins([]byte(*o.Text))
					vs[i] = &acReadVersion{Logins: logins, Unreadable: !ok}
				}
			}
			results[b] = vs
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	for b, vs := range results {
		for i, v := range vs {
			if v != nil {
				out[shas[b*acVersionsPerQuery+i]] = v
			}
		}
	}
	return out, nil
}
