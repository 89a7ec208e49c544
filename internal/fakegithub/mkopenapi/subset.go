package main

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
)

// endpoint is a response whose schema the subset holds.
type endpoint struct {
	method, path, status string
}

// endpoints are the responses fakegithub serves and its tests validate.
var endpoints = []endpoint{
	{"GET", "/repos/{owner}/{repo}", "200"},
	{"GET", "/repos/{owner}/{repo}/issues", "200"},
	{"GET", "/repos/{owner}/{repo}/issues/comments", "200"},
	{"GET", "/repos/{owner}/{repo}/issues/events", "200"},
	{"GET", "/repos/{owner}/{repo}/pulls", "200"},
	{"GET", "/repos/{owner}/{repo}/pulls/comments", "200"},
	{"GET", "/repos/{owner}/{repo}/pulls/{pull_number}/reviews", "200"},
	{"GET", "/repos/{owner}/{repo}/commits", "200"},
	{"GET", "/repos/{owner}/{repo}/stargazers", "200"},
	{"GET", "/repos/{owner}/{repo}/forks", "200"},
	{"GET", "/repos/{owner}/{repo}/contents/{path}", "200"},
	{"GET", "/orgs/{org}/repos", "200"},
	{"GET", "/rate_limit", "200"},
	{"GET", "/user", "200"},
	{"GET", "/repos/{owner}/{repo}", "404"},
}

// keep are the schema keywords the subset keeps: those that validate.
// Descriptions, examples and other documentation are dropped.
var keep = map[string]bool{
	"type": true, "properties": true, "required": true, "items": true,
	"nullable": true, "enum": true, "anyOf": true, "oneOf": true,
	"allOf": true, "additionalProperties": true, "$ref": true, "format": true,
}

// extract returns the subset of the OpenAPI description spec: the schemas
// of endpoints' JSON responses and every component schema they reference,
// cleaned of documentation keywords, under a "source" naming where the
// description came from.
func extract(spec []byte, source string) ([]byte, error) {
	root, err := parseJSON(spec)
	if err != nil {
		return nil, fmt.Errorf("parse the OpenAPI description: %w", err)
	}
	x := &extractor{root: root, schemas: map[string]value{}}
	responses := newObject()
	for _, e := range endpoints {
		key := e.method + " " + e.path + " " + e.status
		resp, err := lookup(root, "paths", e.path, strings.ToLower(e.method), "responses", e.status)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", key, err)
		}
		if o, ok := resp.(*object); ok {
			if ref, ok := o.get("$ref"); ok {
				s, _ := ref.(string)
				if resp, err = x.resolve(s); err != nil {
					return nil, fmt.Errorf("%s: %w", key, err)
				}
			}
		}
		schema, err := lookup(resp, "content", "application/json", "schema")
		if err != nil {
			return nil, fmt.Errorf("%s: %w", key, err)
		}
		responses.set(key, x.clean(schema))
	}
	for len(x.pending) > 0 {
		name := x.pending[0]
		x.pending = x.pending[1:]
		s, err := lookup(root, "components", "schemas", name)
		if err != nil {
			return nil, fmt.Errorf("schema %s: %w", name, err)
		}
		x.schemas[name] = x.clean(s)
	}
	sorted := newObject()
	names := make([]string, 0, len(x.schemas))
	for name := range x.schemas {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		sorted.set(name, x.schemas[name])
	}
	components := newObject()
	components.set("schemas", sorted)
	doc := newObject()
	doc.set("source", source)
	doc.set("responses", responses)
	doc.set("components", components)
	var out bytes.Buffer
	writeJSON(&out, doc, 0)
	out.WriteByte('\n')
	return out.Bytes(), nil
}

type extractor struct {
	root    value
	schemas map[string]value // component schemas referenced, by name
	pending []string         // referenced schemas not yet cleaned
}

// resolve follows a local reference such as "#/components/responses/x".
func (x *extractor) resolve(ref string) (value, error) {
	if !strings.HasPrefix(ref, "#/") {
		return nil, fmt.Errorf("reference %q is not local", ref)
	}
	v, err := lookup(x.root, strings.Split(ref[2:], "/")...)
	if err != nil {
		return nil, fmt.Errorf("resolve %s: %w", ref, err)
	}
	return v, nil
}

// clean copies a schema with only the keywords in keep, and queues the
// component schemas it references.
func (x *extractor) clean(s value) value {
	switch t := s.(type) {
	case []value:
		out := make([]value, len(t))
		for i, e := range t {
			out[i] = x.clean(e)
		}
		return out
	case *object:
		out := newObject()
		for _, k := range t.orderedKeys() {
			if !keep[k] {
				continue
			}
			v := t.vals[k]
			switch k {
			case "$ref":
				if ref, ok := v.(string); ok {
					name := ref[strings.LastIndex(ref, "/")+1:]
					if _, seen := x.schemas[name]; !seen {
						x.schemas[name] = nil
						x.pending = append(x.pending, name)
					}
				}
				out.set(k, v)
			case "properties":
				props := newObject()
				if p, ok := v.(*object); ok {
					for _, pn := range p.orderedKeys() {
						props.set(pn, x.clean(p.vals[pn]))
					}
				}
				out.set(k, props)
			default:
				out.set(k, x.clean(v))
			}
		}
		return out
	default:
		return s
	}
}

// lookup walks v through the named object members.
func lookup(v value, path ...string) (value, error) {
	for i, p := range path {
		o, ok := v.(*object)
		if !ok {
			return nil, fmt.Errorf("%s is not an object", strings.Join(path[:i], "/"))
		}
		if v, ok = o.get(p); !ok {
			return nil, fmt.Errorf("no %s", strings.Join(path[:i+1], "/"))
		}
	}
	return v, nil
}
