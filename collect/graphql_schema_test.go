package collect

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/journeys-dev/journeys/internal/fakegithub"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"
)

// githubSchema loads GitHub's published GraphQL schema, pinned by
// ghgraphql/testdata/schema (as ghgraphql's query test finds it:
// $JOURNEYS_GRAPHQL_SCHEMA, or node_modules there after `npm ci`). It
// skips the test when the schema is not there, and fails it instead with
// JOURNEYS_REQUIRE_GRAPHQL_SCHEMA=1.
func githubSchema(t *testing.T) *ast.Schema {
	t.Helper()
	p := os.Getenv("JOURNEYS_GRAPHQL_SCHEMA")
	if p == "" {
		p = filepath.Join("ghgraphql", "testdata", "schema", "node_modules", "@octokit", "graphql-schema", "schema.graphql")
	}
	b, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		if os.Getenv("JOURNEYS_REQUIRE_GRAPHQL_SCHEMA") == "1" {
			t.Fatalf("GitHub's GraphQL schema is not at %s (run npm ci in collect/ghgraphql/testdata/schema)", p)
		}
		t.Skipf("GitHub's GraphQL schema is not at %s: run npm ci in collect/ghgraphql/testdata/schema", p)
	}
	if err != nil {
		t.Fatal(err)
	}
	doc, err := parser.ParseSchemas(validator.Prelude, &ast.Source{Name: "schema.graphql", Input: string(b)})
	if err != nil {
		t.Fatalf("parse schema: %v", err)
	}
	// The published file defines a few fields twice: the first is kept.
	for _, def := range append(doc.Definitions, doc.Extensions...) {
		seen := map[string]bool{}
		def.Fields = slices.DeleteFunc(def.Fields, func(f *ast.FieldDefinition) bool {
			dup := seen[f.Name]
			seen[f.Name] = true
			return dup
		})
	}
	s, err := validator.ValidateSchemaDocument(doc)
	if err != nil {
		t.Fatalf("load schema: %v", err)
	}
	return s
}

// An exchange is one GraphQL query and the fake's answer.
type exchange struct {
	query  string
	answer []byte
}

// recorder keeps the GraphQL exchanges of a collection.
type recorder struct {
	base http.RoundTripper
	mu   sync.Mutex
	seen []exchange
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method != http.MethodPost || req.Body == nil {
		return r.base.RoundTrip(req)
	}
	b, err := io.ReadAll(req.Body)
	if err != nil {
		return nil, err
	}
	req.Body = io.NopCloser(bytes.NewReader(b))
	var q struct {
		Query string `json:"query"`
	}
	if err := json.Unmarshal(b, &q); err != nil {
		return nil, err
	}
	resp, err := r.base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	r.mu.Lock()
	r.seen = append(r.seen, exchange{query: q.Query, answer: body})
	r.mu.Unlock()
	return resp, nil
}

// The fake's GraphQL answers have the shape GitHub's schema gives the
// queries collection sends: every field selected and no other, each of
// its type (scalars, enums, objects, lists), null only where the schema
// allows it, and __typename a type the field may hold.
func TestFakeGraphQLAnswersMatchGitHubSchema(t *testing.T) {
	schema := githubSchema(t)
	d := consistent(fakegithub.Generate(fakegithub.GenerateOptions{Seed: 5, Repos: 1, Issues: 120, AllContributors: true}))
	// One issue with a timeline past its first page, one pull request
	// with review threads past theirs.
	r := d.Repos[0]
	for _, is := range r.Issues {
		if is.PullRequest == nil {
			for i := range 120 {
				at := is.CreatedAt.Add(time.Duration(i+1) * time.Minute)
				r.Comments = append(r.Comments, &fakegithub.Comment{ID: 98_000_000 + int64(i), IssueNumber: is.Number, User: is.User, CreatedAt: at, UpdatedAt: at})
			}
			is.Comments += 120
			break
		}
	}
	d = consistent(d)
	h := newHarness(t, d, fakegithub.Options{GraphQL: fakegithub.GraphQLOptions{Gone: []int64{r.Issues[len(r.Issues)-1].Number}}})
	rec := &recorder{base: http.DefaultTransport}
	o := h.gqlOptions()
	o.HTTPClient = &http.Client{Transport: rec}
	if _, err, _ := h.run(genCommunity, o); err != nil {
		t.Fatal(err)
	}
	ops := map[string]int{}
	for _, ex := range rec.seen {
		doc, errs := gqlparser.LoadQueryWithRules(schema, ex.query, nil)
		if len(errs) > 0 {
			t.Errorf("query does not validate: %v\n%s", errs, ex.query)
			continue
		}
		op := doc.Operations[0]
		ops[op.Name]++
		var answer struct {
			Data   map[string]any `json:"data"`
			Errors []struct {
				Path []any `json:"path"`
			} `json:"errors"`
		}
		dec := json.NewDecoder(bytes.NewReader(ex.answer))
		dec.UseNumber()
		if err := dec.Decode(&answer); err != nil {
			t.Errorf("%s: decode the answer: %v", op.Name, err)
			continue
		}
		errored := map[string]bool{}
		for _, e := range answer.Errors {
			errored[fmt.Sprint(e.Path...)] = true
		}
		for _, p := range checkShape(schema, op, answer.Data, errored) {
			t.Error(p)
		}
	}
	t.Logf("answers checked, by query: %v", ops)
	for _, op := range []string{"Numbers", "IssueTimeline", "Threads", "Commits", "Forks", "FileVersions"} {
		if ops[op] == 0 {
			t.Errorf("no %s query was sent: its answers went unchecked", op)
		}
	}
}

// checkShape walks an answer's data alongside its operation and the
// schema and returns what does not fit; errored holds the paths the
// answer's errors name (fmt.Sprint of the path's elements), where null is
// the error's.
func checkShape(schema *ast.Schema, op *ast.OperationDefinition, data map[string]any, errored map[string]bool) []string {
	c := &shapeCheck{schema: schema, op: op.Name, errored: errored}
	c.object(nil, schema.Query, op.SelectionSet, data)
	return c.problems
}

// A shapeCheck walks one answer alongside its query and the schema.
type shapeCheck struct {
	schema   *ast.Schema
	op       string
	errored  map[string]bool
	problems []string
}

func (c *shapeCheck) fail(path []any, format string, args ...any) {
	c.problems = append(c.problems, fmt.Sprintf("%s at %s: %s", c.op, strings.Trim(fmt.Sprint(path), "[]"), fmt.Sprintf(format, args...)))
}

// value checks v against typ, the selection sel selecting in it.
func (c *shapeCheck) value(path []any, typ *ast.Type, sel ast.SelectionSet, v any) {
	if v == nil {
		if typ.NonNull && !c.errored[fmt.Sprint(path...)] {
			c.fail(path, "null for %s", typ)
		}
		return
	}
	if typ.Elem != nil {
		list, ok := v.([]any)
		if !ok {
			c.fail(path, "%T for the list %s", v, typ)
			return
		}
		for i, e := range list {
			c.value(append(slices.Clone(path), i), typ.Elem, sel, e)
		}
		return
	}
	def := c.schema.Types[typ.NamedType]
	if def == nil {
		c.fail(path, "no type %s in the schema", typ.NamedType)
		return
	}
	switch def.Kind {
	case ast.Scalar:
		c.scalar(path, def.Name, v)
	case ast.Enum:
		s, ok := v.(string)
		if !ok || def.EnumValues.ForName(s) == nil {
			c.fail(path, "%v is not a value of the enum %s", v, def.Name)
		}
	default:
		m, ok := v.(map[string]any)
		if !ok {
			c.fail(path, "%T for the object type %s", v, def.Name)
			return
		}
		c.object(path, def, sel, m)
	}
}

// scalar checks a scalar: GitHub's own scalars (DateTime, URI,
// GitObjectID, ...) are strings.
func (c *shapeCheck) scalar(path []any, name string, v any) {
	ok := true
	switch name {
	case "Int":
		n, isNum := v.(json.Number)
		_, err := n.Int64()
		ok = isNum && err == nil
	case "Float":
		_, ok = v.(json.Number)
	case "Boolean":
		_, ok = v.(bool)
	case "DateTime", "GitTimestamp":
		s, isStr := v.(string)
		_, err := time.Parse(time.RFC3339, s)
		ok = isStr && err == nil
	case "GitObjectID":
		s, isStr := v.(string)
		ok = isStr && len(s) == 40 && strings.Trim(s, "0123456789abcdef") == ""
	default:
		_, ok = v.(string)
	}
	if !ok {
		c.fail(path, "%#v is not a %s", v, name)
	}
}

// object checks an object of static type def (an object, interface or
// union type): its concrete type, then every field sel selects in it.
func (c *shapeCheck) object(path []any, def *ast.Definition, sel ast.SelectionSet, m map[string]any) {
	concrete := def
	if tn, ok := m["__typename"].(string); ok {
		concrete = c.schema.Types[tn]
		if concrete == nil || concrete.Kind != ast.Object || !slices.Contains(c.schema.GetPossibleTypes(def), concrete) {
			c.fail(path, "__typename %s is not a type %s may hold", tn, def.Name)
			return
		}
	} else if def.Kind != ast.Object {
		concrete = nil // fields of the abstract type only
	}
	want := map[string]bool{}
	c.fields(path, def, concrete, sel, m, want, false)
	for k := range m {
		if !want[k] {
			c.fail(append(slices.Clone(path), k), "a field the query did not select")
		}
	}
}

// fields checks the fields sel selects in m, for an object of concrete
// type (nil: not known, when the query does not ask __typename of an
// abstract type), noting their keys in want. A field of a fragment that
// may or may not apply to an object of unknown type is checked when it
// is there (optional).
func (c *shapeCheck) fields(path []any, static, concrete *ast.Definition, sel ast.SelectionSet, m map[string]any, want map[string]bool, optional bool) {
	// applies tells whether a fragment's type condition holds, and
	// whether that is known.
	applies := func(cond string) (holds, known bool) {
		if cond == "" || cond == static.Name {
			return true, true
		}
		cd := c.schema.Types[cond]
		if cd == nil {
			return false, true
		}
		if concrete == nil {
			return slices.ContainsFunc(c.schema.GetPossibleTypes(static), func(d *ast.Definition) bool {
				return slices.Contains(c.schema.GetPossibleTypes(cd), d)
			}), false
		}
		return slices.Contains(c.schema.GetPossibleTypes(cd), concrete), true
	}
	for _, s := range sel {
		switch x := s.(type) {
		case *ast.Field:
			key := x.Alias
			if key == "" {
				key = x.Name
			}
			want[key] = true
			v, ok := m[key]
			p := append(slices.Clone(path), key)
			if !ok {
				if !optional {
					c.fail(p, "missing")
				}
				continue
			}
			if x.Name == "__typename" {
				if _, ok := v.(string); !ok {
					c.fail(p, "__typename %#v", v)
				}
				continue
			}
			if x.Definition == nil {
				c.fail(p, "no definition")
				continue
			}
			c.value(p, x.Definition.Type, x.SelectionSet, v)
		case *ast.InlineFragment:
			if holds, known := applies(x.TypeCondition); holds {
				c.fields(path, static, concrete, x.SelectionSet, m, want, optional || !known)
			}
		case *ast.FragmentSpread:
			if x.Definition == nil {
				continue
			}
			if holds, known := applies(x.Definition.TypeCondition); holds {
				c.fields(path, static, concrete, x.Definition.SelectionSet, m, want, optional || !known)
			}
		}
	}
}

func TestShapeCheckCatchesMistakes(t *testing.T) {
	schema := githubSchema(t)
	const q = `query Q { repository(owner: "o", name: "r") {
  createdAt stargazerCount
  issue(number: 1) { state number labels(first: 2) { nodes { name } } }
  defaultBranchRef { target { __typename ... on Commit { oid } } }
} }`
	doc, errs := gqlparser.LoadQueryWithRules(schema, q, nil)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	const good = `{"repository": {"createdAt": "2020-01-02T03:04:05Z", "stargazerCount": 3,
  "issue": {"state": "OPEN", "number": 1, "labels": {"nodes": [{"name": "bug"}]}},
  "defaultBranchRef": {"target": {"__typename": "Commit", "oid": "` + sha40 + `"}}}}`
	cases := []struct {
		name, from, to string
		errored        string // a path the answer's errors name
		want           string // in the problem found; "" for none
	}{
		{"GitHub's shape", "", "", "", ""},
		{"a missing field", `"stargazerCount": 3,`, ``, "", "stargazerCount: missing"},
		{"a field not selected", `"stargazerCount": 3,`, `"stargazerCount": 3, "forkCount": 1,`, "", "forkCount: a field the query did not select"},
		{"a string for an Int", `"stargazerCount": 3`, `"stargazerCount": "3"`, "", `"3" is not a Int`},
		{"a bad date", `2020-01-02T03:04:05Z`, `yesterday`, "", "is not a DateTime"},
		{"null for a non-null", `"createdAt": "2020-01-02T03:04:05Z"`, `"createdAt": null`, "", "null for DateTime!"},
		{"null where an error says why", `"createdAt": "2020-01-02T03:04:05Z"`, `"createdAt": null`, "repositorycreatedAt", ""},
		{"a value outside the enum", `"OPEN"`, `"DONE"`, "", "not a value of the enum IssueState"},
		{"an object for a list", `[{"name": "bug"}]`, `{"name": "bug"}`, "", "for the list"},
		{"a type the field cannot hold", `"__typename": "Commit"`, `"__typename": "Issue"`, "", "__typename Issue is not a type GitObject may hold"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			answer := good
			if c.from != "" {
				answer = strings.Replace(good, c.from, c.to, 1)
			}
			var data map[string]any
			dec := json.NewDecoder(strings.NewReader(answer))
			dec.UseNumber()
			if err := dec.Decode(&data); err != nil {
				t.Fatal(err)
			}
			problems := checkShape(schema, doc.Operations[0], data, map[string]bool{c.errored: c.errored != ""})
			switch {
			case c.want == "" && len(problems) > 0:
				t.Errorf("problems in a good answer: %v", problems)
			case c.want != "" && !slices.ContainsFunc(problems, func(p string) bool { return strings.Contains(p, c.want) }):
				t.Errorf("problems %v, want one saying %q", problems, c.want)
			}
		})
	}
}

const sha40 = "0123456789abcdef0123456789abcdef01234567"
