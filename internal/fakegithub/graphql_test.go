package fakegithub

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
)

func TestGraphQLCostFollowsGitHubsDocumentation(t *testing.T) {
	cases := []struct {
		name        string
		query       string
		nodes, cost int
		err         string
	}{
		// The two examples of "Rate limits and node limits for the GraphQL API".
		{"simple", `query { viewer { repositories(first: 50) { edges { repository: node { name issues(first: 10) { totalCount edges { node { title bodyHTML } } } } } } } }`, 550, 1, ""},
		{"complex", `query { viewer { repositories(first: 50) { edges { repository: node { name
			pullRequests(first: 20) { edges { pullRequest: node { title comments(first: 10) { edges { comment: node { bodyHTML } } } } } }
			issues(first: 20) { totalCount edges { issue: node { title bodyHTML comments(first: 10) { edges { comment: node { bodyHTML } } } } } } } } }
			followers(first: 10) { edges { follower: node { login } } } } }`, 22060, 21, ""},
		{"a page of 50 pull requests with 50 reviews each", `query { repository(owner: "o", name: "r") { pullRequests(first: 50) { nodes { reviews(first: 50) { nodes { state } } } } } }`, 2550, 1, ""},
		{"no first", `query { repository(owner: "o", name: "r") { issues { nodes { title } } } }`, 0, 0, "You must provide a `first` or `last` value"},
		{"first over 100", `query { repository(owner: "o", name: "r") { issues(first: 101) { nodes { title } } } }`, 0, 0, "exceeds the `first` limit of 100"},
		{"over 500,000 nodes", `query { repository(owner: "o", name: "r") { issues(first: 100) { nodes { timelineItems(first: 100) { nodes { __typename ... on IssueComment { reactions(first: 100) { totalCount nodes { content } } } } } } } } }`, 0, 0, "exceeds the maximum limit of 500000"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			doc, err := parser.ParseQuery(&ast.Source{Input: c.query})
			if err != nil {
				t.Fatal(err)
			}
			ex := &graphqlExec{doc: doc}
			cost, nodes, err := ex.cost(doc.Operations[0].SelectionSet)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("err = %v, want %q", err, c.err)
				}
				return
			}
			if err != nil || cost != c.cost || nodes != c.nodes {
				t.Errorf("cost %d, nodes %d, err %v; want %d, %d", cost, nodes, err, c.cost, c.nodes)
			}
		})
	}
}

func postGraphQL(t *testing.T, url, token, query string) (*http.Response, map[string]any) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query})
	req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp, out
}

func TestGraphQLEndpoint(t *testing.T) {
	ts, srv := newTestServer(t, fixture(), Options{GraphQL: GraphQLOptions{Quota: 3}})
	q := `query { rateLimit { cost remaining limit used resetAt nodeCount } repository(owner: "acme", name: "widgets") { issues(first: 2, orderBy: {field: CREATED_AT, direction: ASC}) { totalCount nodes { number title author { __typename login } } } } }`
	if resp, _ := postGraphQL(t, ts.URL+"/graphql", "", q); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("without a token: %d, want 401", resp.StatusCode)
	}
	resp, out := postGraphQL(t, ts.URL+"/graphql", "t", q)
	if resp.StatusCode != 200 || resp.Header.Get("X-RateLimit-Resource") != "graphql" || resp.Header.Get("X-RateLimit-Remaining") != "2" {
		t.Fatalf("status %d, headers %v, body %v", resp.StatusCode, resp.Header, out)
	}
	data := out["data"].(map[string]any)
	rl := data["rateLimit"].(map[string]any)
	if rl["cost"].(float64) != 1 || rl["nodeCount"].(float64) != 2 || rl["remaining"].(float64) != 2 {
		t.Errorf("rateLimit %v", rl)
	}
	issues := data["repository"].(map[string]any)["issues"].(map[string]any)
	if nodes := issues["nodes"].([]any); len(nodes) != 2 {
		t.Errorf("nodes %v", nodes)
	}
	postGraphQL(t, ts.URL+"/graphql", "t", q)
	postGraphQL(t, ts.URL+"/graphql", "t", q)
	_, out = postGraphQL(t, ts.URL+"/graphql", "t", q)
	if errs, _ := out["errors"].([]any); len(errs) == 0 || errs[0].(map[string]any)["type"] != "RATE_LIMITED" {
		t.Errorf("past the budget: %v", out)
	}
	if st := srv.GraphQLStats(); st.Points != 3 || st.Queries != 5 {
		t.Errorf("stats %+v", st)
	}
	if resp, _ := postGraphQL(t, ts.URL+"/graphql", "t", `{ repository(owner: "acme", name: "nope") { id } }`); resp.StatusCode != 200 {
		t.Errorf("unknown repository: %d", resp.StatusCode)
	}
}

func TestGraphQLUnderEnterpriseBasePath(t *testing.T) {
	ts, _ := newTestServer(t, fixture(), Options{BasePath: "/api/v3"})
	resp, out := postGraphQL(t, ts.URL+"/api/graphql", "t", `{ rateLimit { cost } }`)
	if resp.StatusCode != 200 || out["data"] == nil {
		t.Errorf("status %d, %v", resp.StatusCode, out)
	}
}
