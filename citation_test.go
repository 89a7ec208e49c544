package journeys_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"gopkg.in/yaml.v3"
)

// The official JSON schema of the Citation File Format 1.2.0, as published
// (testdata/cff/README.md says where it comes from). Its digest guards
// against edits that would let a broken CITATION.cff pass.
const (
	cffSchemaFile   = "testdata/cff/schema-1.2.0.json"
	cffSchemaID     = "https://citation-file-format.github.io/1.2.0/schema.json"
	cffSchemaSHA256 = "0b8d22140da702d766df318dcff3a91af2f39521298dcf36d76315fd99cc169b"
)

// CITATION.cff is valid Citation File Format 1.2.0: it passes the format's
// official schema, as `cffconvert --validate` checks it, and each way of
// breaking it below fails.
func TestCitationFile(t *testing.T) {
	schema := cffSchema(t)
	good, err := os.ReadFile("CITATION.cff")
	if err != nil {
		t.Fatal(err)
	}
	if err := validateCFF(schema, good); err != nil {
		t.Fatalf("CITATION.cff is not valid CFF 1.2.0:\n%v", err)
	}

	// broken returns CITATION.cff with old replaced by new, which must occur.
	broken := func(old, new string) []byte {
		if !bytes.Contains(good, []byte(old)) {
			t.Fatalf("CITATION.cff has no %q to break", old)
		}
		return bytes.Replace(good, []byte(old), []byte(new), 1)
	}
	cases := []struct {
		name string
		cff  []byte
		want string // in the error
	}{
		{"no title", broken("title: journeys\n", ""), "at '': missing property 'title'"},
		{"no authors", broken("authors:\n  - name: The journeys authors\n", ""), "missing property 'authors'"},
		{"an author that is not a person or an entity", broken("  - name: The journeys authors\n", "  - The journeys authors\n"), "at '/authors/0'"},
		{"another format version", broken("cff-version: 1.2.0", "cff-version: 1.1.0"), "at '/cff-version'"},
		{"a key the format does not have", append(bytes.Clone(good), "colour: blue\n"...), "'colour' not allowed"},
		{"a type the format does not have", broken("type: software\n", "type: program\n"), "at '/type'"},
		{"a licence that is not an SPDX identifier", broken("license: Apache-2.0", "license: Apache 2"), "at '/license'"},
		{"a repository that is not a URL", broken("repository-code: https://", "repository-code: "), "at '/repository-code'"},
		{"a malformed DOI", broken("doi: 10.5281/zenodo.3233853", "doi: zenodo.3233853"), "/doi'"},
		{"a reference without a title", broken(`    title: "CHAOSS metric: New Contributors"`+"\n", ""), "missing property 'title'"},
		{"a malformed date", broken(`date-published: "2021-11-22"`, `date-published: "22 November 2021"`), "/date-published'"},
		{"an empty keyword", broken("  - CHAOSS\n", "  - \"\"\n"), "at '/keywords/"},
		{"not YAML", []byte("cff-version: [1.2.0\n"), "YAML"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := validateCFF(schema, c.cff)
			if err == nil {
				t.Fatal("a broken copy of CITATION.cff passed validation")
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error does not mention %q:\n%v", c.want, err)
			}
		})
	}
}

// cffSchema compiles the shipped schema, offline.
func cffSchema(t *testing.T) *jsonschema.Schema {
	data, err := os.ReadFile(filepath.FromSlash(cffSchemaFile))
	if err != nil {
		t.Fatal(err)
	}
	if sum := sha256.Sum256(data); hex.EncodeToString(sum[:]) != cffSchemaSHA256 {
		t.Fatalf("%s is not the published CFF 1.2.0 schema (SHA-256 %x)", cffSchemaFile, sum)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat() // dates, URIs and emails are checked, not only described
	c.UseLoader(noLoader{})
	if err := c.AddResource(cffSchemaID, doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(cffSchemaID)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// noLoader refuses every URL: the schema must compile from what is shipped
// (the draft-07 meta-schema is built into the library).
type noLoader struct{}

func (noLoader) Load(url string) (any, error) {
	return nil, fmt.Errorf("will not fetch %s", url)
}

// validateCFF checks a CITATION.cff's YAML against the schema, after turning
// it into the JSON value the schema describes (as cffconvert does).
func validateCFF(schema *jsonschema.Schema, cff []byte) error {
	var v any
	if err := yaml.Unmarshal(cff, &v); err != nil {
		return fmt.Errorf("YAML: %w", err)
	}
	if v == nil {
		return errors.New("YAML: empty document")
	}
	// YAML decodes into maps with string keys, strings, numbers and bools;
	// a round trip through JSON makes them the values the schema validates
	// (json.Number for numbers). A mapping with a key that is not a string
	// fails here, as it would in JSON.
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("YAML to JSON: %w", err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return err
	}
	return schema.Validate(inst)
}
