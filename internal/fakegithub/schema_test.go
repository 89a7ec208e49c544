package fakegithub

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
)

// The payloads are checked against GitHub's own OpenAPI description:
// testdata/openapi-subset.json holds the response schemas of the endpoints
// served, extracted by mkopenapi (go generate ./internal/fakegithub).

type schema struct {
	Ref                  string             `json:"$ref"`
	Type                 string             `json:"type"`
	Format               string             `json:"format"`
	Properties           map[string]*schema `json:"properties"`
	Required             []string           `json:"required"`
	Items                *schema            `json:"items"`
	Nullable             bool               `json:"nullable"`
	Enum                 []any              `json:"enum"`
	AnyOf                []*schema          `json:"anyOf"`
	OneOf                []*schema          `json:"oneOf"`
	AllOf                []*schema          `json:"allOf"`
	AdditionalProperties json.RawMessage    `json:"additionalProperties"`
}

type openAPISubset struct {
	Responses  map[string]*schema `json:"responses"`
	Components struct {
		Schemas map[string]*schema `json:"schemas"`
	} `json:"components"`
}

func loadSubset(t *testing.T) *openAPISubset {
	t.Helper()
	b, err := os.ReadFile("testdata/openapi-subset.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc openAPISubset
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatalf("parse openapi subset: %v", err)
	}
	return &doc
}

// validator checks JSON values against the subset's schemas. With strict
// set, an object may only hold properties its schema declares, so a
// misspelt field name is caught, not only a missing one.
type validator struct {
	doc    *openAPISubset
	strict bool
}

var githubTime = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$`)

func (v *validator) resolve(s *schema) *schema {
	for s != nil && s.Ref != "" {
		name := s.Ref[strings.LastIndex(s.Ref, "/")+1:]
		s = v.doc.Components.Schemas[name]
	}
	return s
}

// validate returns the problems found in x, each prefixed with its JSON path.
func (v *validator) validate(s *schema, x any, path string) []string {
	s = v.resolve(s)
	if s == nil {
		return []string{path + ": unresolved schema"}
	}
	if x == nil {
		if s.Nullable {
			return nil
		}
		// A nullable branch inside anyOf/oneOf accepts null too.
		for _, b := range append(slices.Clone(s.AnyOf), s.OneOf...) {
			if r := v.resolve(b); r != nil && r.Nullable {
				return nil
			}
		}
		if s.Type == "" && len(s.AnyOf)+len(s.OneOf)+len(s.AllOf) == 0 {
			return nil // any value
		}
		return []string{path + ": null where the schema does not allow it"}
	}
	var errs []string
	for _, sub := range s.AllOf {
		sv := &validator{doc: v.doc} // properties are split across the parts
		errs = append(errs, sv.validate(sub, x, path)...)
	}
	if len(s.AnyOf) > 0 {
		ok := false
		var all []string
		for _, sub := range s.AnyOf {
			e := v.validate(sub, x, path)
			if len(e) == 0 {
				ok = true
				break
			}
			all = append(all, e...)
		}
		if !ok {
			errs = append(errs, fmt.Sprintf("%s: matches no anyOf branch: %v", path, all))
		}
	}
	if len(s.OneOf) > 0 {
		n := 0
		var all []string
		for _, sub := range s.OneOf {
			e := v.validate(sub, x, path)
			if len(e) == 0 {
				n++
			}
			all = append(all, e...)
		}
		if n != 1 {
			errs = append(errs, fmt.Sprintf("%s: matches %d oneOf branches, want 1: %v", path, n, all))
		}
	}
	if len(s.Enum) > 0 && !slices.ContainsFunc(s.Enum, func(e any) bool { return fmt.Sprint(e) == fmt.Sprint(x) }) {
		errs = append(errs, fmt.Sprintf("%s: %v not in enum %v", path, x, s.Enum))
	}
	switch s.Type {
	case "":
	case "object":
		obj, ok := x.(map[string]any)
		if !ok {
			return append(errs, fmt.Sprintf("%s: %T, want object", path, x))
		}
		for _, req := range s.Required {
			if _, ok := obj[req]; !ok {
				errs = append(errs, fmt.Sprintf("%s: missing required %q", path, req))
			}
		}
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		closed := string(s.AdditionalProperties) == "false" || (v.strict && s.Properties != nil && s.AdditionalProperties == nil)
		for _, k := range keys {
			ps, declared := s.Properties[k]
			if !declared {
				if closed {
					errs = append(errs, fmt.Sprintf("%s: property %q not in GitHub's schema", path, k))
				}
				continue
			}
			errs = append(errs, v.validate(ps, obj[k], path+"."+k)...)
		}
	case "array":
		arr, ok := x.([]any)
		if !ok {
			return append(errs, fmt.Sprintf("%s: %T, want array", path, x))
		}
		for i, it := range arr {
			if s.Items != nil {
				errs = append(errs, v.validate(s.Items, it, fmt.Sprintf("%s[%d]", path, i))...)
			}
		}
	case "string":
		str, ok := x.(string)
		if !ok {
			return append(errs, fmt.Sprintf("%s: %T, want string", path, x))
		}
		switch s.Format {
		case "date-time":
			if !githubTime.MatchString(str) {
				errs = append(errs, fmt.Sprintf("%s: %q is not GitHub's timestamp format", path, str))
			}
		case "uri":
			if u, err := url.Parse(str); err != nil || u.Scheme == "" {
				errs = append(errs, fmt.Sprintf("%s: %q is not an absolute URI", path, str))
			}
		}
	case "integer":
		n, ok := x.(json.Number)
		if !ok || strings.ContainsAny(n.String(), ".eE") {
			errs = append(errs, fmt.Sprintf("%s: %v, want integer", path, x))
		}
	case "number":
		if _, ok := x.(json.Number); !ok {
			errs = append(errs, fmt.Sprintf("%s: %T, want number", path, x))
		}
	case "boolean":
		if _, ok := x.(bool); !ok {
			errs = append(errs, fmt.Sprintf("%s: %T, want boolean", path, x))
		}
	}
	return errs
}

func decodeNumbers(t *testing.T, b []byte) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var x any
	if err := dec.Decode(&x); err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
	return x
}

func TestValidatorCatchesWrongPayloads(t *testing.T) {
	v := &validator{doc: loadSubset(t), strict: true}
	user := v.doc.Components.Schemas["simple-user"]
	tests := []struct {
		name, json, want string
	}{
		{"missing required", `{"login":"a"}`, `missing required "id"`},
		{"wrong type", `{"login":"a","id":"1"}`, "want integer"},
		{"unknown field", `{"login":"a","id":1,"logn":"x"}`, `property "logn" not in GitHub's schema`},
		{"null where not nullable", `null`, "null where"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			errs := v.validate(user, decodeNumbers(t, []byte(tt.json)), "$")
			if !strings.Contains(strings.Join(errs, "\n"), tt.want) {
				t.Errorf("errors %v do not mention %q", errs, tt.want)
			}
		})
	}
	ts := &schema{Type: "string", Format: "date-time"}
	if errs := v.validate(ts, "2024-01-02T03:04:05.123+01:00", "$"); len(errs) == 0 {
		t.Error("a timestamp with fractions and offset passed as GitHub's format")
	}
}

// TestPayloadsMatchGitHubSchemas requests every endpoint and validates the
// JSON against GitHub's response schema, strictly: required fields present
// with the right types, null only where GitHub allows it, and no field
// GitHub's schema does not declare.
func TestPayloadsMatchGitHubSchemas(t *testing.T) {
	doc := loadSubset(t)
	v := &validator{doc: doc, strict: true}
	d := fixture()
	gen := Generate(GenerateOptions{Seed: 3, Repos: 1, Issues: 40, Commits: 30, AllContributors: true})
	d.Repos = append(d.Repos, gen.Repos...)
	d.Orgs["example-org"] = gen.Orgs["example-org"]
	ts, _ := newTestServer(t, d, Options{})

	repos := []string{"/repos/acme/widgets", "/repos/example-org/project-1"}
	type check struct {
		path, schema string
		status       int
		header       []string
	}
	var checks []check
	for _, r := range repos {
		checks = append(checks,
			check{r, "GET /repos/{owner}/{repo} 200", 200, nil},
			check{r + "/issues?state=all&per_page=100", "GET /repos/{owner}/{repo}/issues 200", 200, nil},
			check{r + "/issues/comments?per_page=100", "GET /repos/{owner}/{repo}/issues/comments 200", 200, nil},
			check{r + "/issues/events?per_page=100", "GET /repos/{owner}/{repo}/issues/events 200", 200, nil},
			check{r + "/pulls?state=all&per_page=100", "GET /repos/{owner}/{repo}/pulls 200", 200, nil},
			check{r + "/pulls/comments?per_page=100", "GET /repos/{owner}/{repo}/pulls/comments 200", 200, nil},
			check{r + "/commits?per_page=100", "GET /repos/{owner}/{repo}/commits 200", 200, nil},
			check{r + "/stargazers?per_page=100", "GET /repos/{owner}/{repo}/stargazers 200", 200, nil},
			check{r + "/stargazers?per_page=100", "GET /repos/{owner}/{repo}/stargazers 200", 200, []string{"Accept", "application/vnd.github.star+json"}},
			check{r + "/forks?per_page=100", "GET /repos/{owner}/{repo}/forks 200", 200, nil},
			check{r + "/contents/.all-contributorsrc", "GET /repos/{owner}/{repo}/contents/{path} 200", 200, nil},
			check{r + "/contents/", "GET /repos/{owner}/{repo}/contents/{path} 200", 200, nil},
		)
	}
	checks = append(checks,
		check{"/repos/acme/widgets/pulls/3/reviews", "GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews 200", 200, nil},
		check{"/repos/example-org/project-1/contents/docs", "GET /repos/{owner}/{repo}/contents/{path} 200", 200, nil},
		check{"/orgs/acme/repos", "GET /orgs/{org}/repos 200", 200, nil},
		check{"/orgs/example-org/repos", "GET /orgs/{org}/repos 200", 200, nil},
		check{"/rate_limit", "GET /rate_limit 200", 200, nil},
		check{"/user", "GET /user 200", 200, []string{"Authorization", "Bearer t1"}},
		check{"/repos/acme/secret", "GET /repos/{owner}/{repo} 404", 404, nil},
		check{"/repos/acme/nope/issues", "GET /repos/{owner}/{repo} 404", 404, nil},
		check{"/user", "GET /repos/{owner}/{repo} 404", 401, nil}, // basic-error
	)
	// Reviews of every pull request of the generated repository.
	reviewed := map[int64]bool{}
	for _, rv := range gen.Repos[0].Reviews {
		reviewed[rv.PullNumber] = true
	}
	for _, is := range gen.Repos[0].Issues {
		if reviewed[is.Number] {
			checks = append(checks, check{fmt.Sprintf("/repos/example-org/project-1/pulls/%d/reviews", is.Number),
				"GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews 200", 200, nil})
		}
	}
	for _, c := range checks {
		name := c.path
		if len(c.header) > 0 {
			name += " " + c.header[1]
		}
		t.Run(name, func(t *testing.T) {
			resp, body := get(t, ts, c.path, c.header...)
			if resp.StatusCode != c.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, c.status, body)
			}
			s := doc.Responses[c.schema]
			if s == nil {
				t.Fatalf("no schema %q in the subset", c.schema)
			}
			x := decodeNumbers(t, body)
			if arr, ok := x.([]any); ok && len(arr) == 0 && c.schema != "GET /repos/{owner}/{repo}/contents/{path} 200" {
				t.Fatalf("empty listing validates nothing")
			}
			errs := v.validate(s, x, "$")
			if len(c.header) > 0 && c.header[0] == "Accept" {
				// The anyOf would also accept plain users: insist on stargazers.
				errs = append(errs, v.validate(&schema{Type: "array", Items: doc.Components.Schemas["stargazer"]}, x, "$")...)
			}
			if len(errs) > 10 {
				errs = append(errs[:10], fmt.Sprintf("... and %d more", len(errs)-10))
			}
			for _, e := range errs {
				t.Error(e)
			}
		})
	}
}
