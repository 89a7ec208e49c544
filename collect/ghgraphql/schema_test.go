package ghgraphql

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"
)

// schemaFile finds GitHub's published schema (npm @octokit/graphql-schema,
// pinned by testdata/schema/package-lock.json): $JOURNEYS_GRAPHQL_SCHEMA, or
// testdata/schema/node_modules after `npm ci` there.
func schemaFile(t *testing.T) string {
	t.Helper()
	p := os.Getenv("JOURNEYS_GRAPHQL_SCHEMA")
	if p == "" {
		p = filepath.Join("testdata", "schema", "node_modules", "@octokit", "graphql-schema", "schema.graphql")
	}
	if _, err := os.Stat(p); errors.Is(err, fs.ErrNotExist) {
		if os.Getenv("JOURNEYS_REQUIRE_GRAPHQL_SCHEMA") == "1" {
			t.Fatalf("GitHub's GraphQL schema is not at %s (run npm ci in collect/ghgraphql/testdata/schema)", p)
		}
		t.Skipf("GitHub's GraphQL schema is not at %s: run npm ci in collect/ghgraphql/testdata/schema", p)
	}
	return p
}

// loadSchema parses GitHub's schema. The published file defines a few
// fields twice (EnterpriseOwnerInfo.repositoryDeployKeySetting): the first
// definition is kept, as GitHub's own tooling does.
func loadSchema(t *testing.T, src string) *ast.Schema {
	t.Helper()
	doc, err := parser.ParseSchemas(validator.Prelude, &ast.Source{Name: "schema.graphql", Input: src})
	if err != nil {
		t.Fatalf("parse schema: %v", err)
	}
	for _, def := range append(doc.Definitions, doc.Extensions...) {
		seen := map[string]bool{}
		kept := def.Fields[:0]
		for _, f := range def.Fields {
			if !seen[f.Name] {
				seen[f.Name] = true
				kept = append(kept, f)
			}
		}
		def.Fields = kept
	}
	schema, err := validator.ValidateSchemaDocument(doc)
	if err != nil {
		t.Fatalf("load schema: %v", err)
	}
	return schema
}

func TestQueriesMatchGitHubSchema(t *testing.T) {
	b, err := os.ReadFile(schemaFile(t))
	if err != nil {
		t.Fatal(err)
	}
	schema := loadSchema(t, string(b))
	for name, q := range Queries {
		t.Run(name, func(t *testing.T) {
			if _, errs := gqlparser.LoadQueryWithRules(schema, q, nil); len(errs) > 0 {
				for _, e := range errs {
					t.Error(e)
				}
			}
		})
	}
}

func TestSchemaValidationCatchesMistakes(t *testing.T) {
	b, err := os.ReadFile(schemaFile(t))
	if err != nil {
		t.Fatal(err)
	}
	schema := loadSchema(t, string(b))
	for _, q := range []string{
		`query { repository(owner: "o", name: "r") { noSuchField } }`,
		`query { repository(owner: "o", name: "r") { issues(first: 1, orderBy: {field: STARRED_AT, direction: DESC}) { nodes { number } } } }`,
		`query($n: Int!) { repository(owner: "o", name: "r") { issue(number: $m) { title } } }`,
	} {
		if _, errs := gqlparser.LoadQueryWithRules(schema, q, nil); len(errs) == 0 {
			t.Errorf("accepted: %s", q)
		}
	}
}
