package collect

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"

	"github.com/journeys-dev/journeys/collect/ghapi"
	"github.com/journeys-dev/journeys/collect/ghgraphql"
)

// API routes (Options.API, --api).
const (
	APIREST    = "rest"
	APIGraphQL = "graphql"
	APIAuto    = "auto"
)

// newGQLRoute returns the GraphQL client when the run's bulk goes through
// GraphQL, nil when it goes through REST. auto picks GraphQL when there is
// a token and GET /rate_limit (free) reports a GraphQL budget for it.
func newGQLRoute(ctx context.Context, client *ghapi.Client, opts Options, log *slog.Logger) (*ghgraphql.Client, error) {
	api := strings.ToLower(cmp.Or(opts.API, APIREST))
	switch api {
	case APIREST:
		return nil, nil
	case APIGraphQL:
		if opts.Token == "" {
			return nil, fmt.Errorf("--api graphql: GitHub's GraphQL API requires a token (set GITHUB_TOKEN), or use --api rest")
		}
	case APIAuto:
		if opts.Token == "" {
			return nil, nil
		}
		if opts.DryRun {
			// The estimate gives both routes' costs; it asks nothing more.
			break
		}
		ok, err := graphQLBudget(ctx, client)
		if err != nil {
			return nil, err
		}
		if !ok {
			log.Info("the server reports no GraphQL budget for this token: collecting through REST")
			return nil, nil
		}
	default:
		return nil, fmt.Errorf("--api %q: want graphql, rest or auto", opts.API)
	}
	u, err := gqlEndpoint(client.Base(), opts.GraphQLURL)
	if err != nil {
		return nil, err
	}
	// GitHub's limit of 100 concurrent requests is shared by REST and
	// GraphQL: GraphQL gets as many as REST, within what REST leaves.
	conc := max(1, min(opts.Concurrency, 100-opts.Concurrency))
	return ghgraphql.New(ghgraphql.Config{URL: u, Token: opts.Token, Concurrency: conc, MaxPoints: opts.MaxRequests,
		MaxWait: opts.MaxWait, HTTPClient: opts.HTTPClient, Logger: log, RetryBase: opts.retryBase,
		RateLimitWait: opts.rateLimitWait, UserAgent: "journeys/" + cmp.Or(opts.ToolVersion, "dev")})
}

// graphQLBudget tells whether GET /rate_limit (which costs nothing)
// reports a GraphQL budget.
func graphQLBudget(ctx context.Context, c *ghapi.Client) (bool, error) {
	resp, err := c.Get(ctx, ghapi.Request{Path: "rate_limit"})
	if ghapi.IsNotFound(err) {
		return false, nil // rate limiting off: an older server; REST is safe
	}
	if err != nil {
		return false, fmt.Errorf("get rate limit: %w", err)
	}
	var rl struct {
		Resources map[string]struct {
			Limit int `json:"limit"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(resp.Body, &rl); err != nil {
		return false, fmt.Errorf("decode rate limit: %w", err)
	}
	return rl.Resources["graphql"].Limit > 0, nil
}
