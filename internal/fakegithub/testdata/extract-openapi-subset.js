#!/usr/bin/env node
// Extracts from GitHub's OpenAPI description (the @octokit/openapi npm
// package, file generated/api.github.com.json) the response schemas of the
// endpoints the fake server serves, and writes them, with every schema they
// reference and nothing else, to openapi-subset.json beside this script.
//
// Usage:
//   npm pack @octokit/openapi && tar xzf octokit-openapi-*.tgz
//   node extract-openapi-subset.js package/generated/api.github.com.json [version]
//
// Descriptions, examples and other documentation-only keywords are dropped to
// keep the file small; the validation keywords (type, properties, required,
// items, nullable, enum, anyOf, oneOf, allOf, additionalProperties, $ref) are
// kept as they are.
"use strict";

const fs = require("fs");
const path = require("path");

const endpoints = [
  ["GET", "/repos/{owner}/{repo}", "200"],
  ["GET", "/repos/{owner}/{repo}/issues", "200"],
  ["GET", "/repos/{owner}/{repo}/issues/comments", "200"],
  ["GET", "/repos/{owner}/{repo}/issues/events", "200"],
  ["GET", "/repos/{owner}/{repo}/pulls", "200"],
  ["GET", "/repos/{owner}/{repo}/pulls/comments", "200"],
  ["GET", "/repos/{owner}/{repo}/pulls/{pull_number}/reviews", "200"],
  ["GET", "/repos/{owner}/{repo}/commits", "200"],
  ["GET", "/repos/{owner}/{repo}/stargazers", "200"],
  ["GET", "/repos/{owner}/{repo}/forks", "200"],
  ["GET", "/repos/{owner}/{repo}/contents/{path}", "200"],
  ["GET", "/orgs/{org}/repos", "200"],
  ["GET", "/rate_limit", "200"],
  ["GET", "/user", "200"],
  ["GET", "/repos/{owner}/{repo}", "404"],
];

const keep = new Set([
  "type", "properties", "required", "items", "nullable", "enum",
  "anyOf", "oneOf", "allOf", "additionalProperties", "$ref", "format",
]);

const [, , specPath, version] = process.argv;
if (!specPath) {
  console.error("usage: extract-openapi-subset.js api.github.com.json [version]");
  process.exit(2);
}
const spec = JSON.parse(fs.readFileSync(specPath, "utf8"));

function resolve(ref) {
  const parts = ref.replace(/^#\//, "").split("/");
  let v = spec;
  for (const p of parts) v = v[p];
  if (v === undefined) throw new Error("unresolved " + ref);
  return v;
}

const schemas = {};
const pending = [];

// clean copies a schema, keeping only validation keywords, and queues the
// component schemas it references.
function clean(s) {
  if (Array.isArray(s)) return s.map(clean);
  if (s === null || typeof s !== "object") return s;
  const out = {};
  for (const [k, v] of Object.entries(s)) {
    if (!keep.has(k)) continue;
    if (k === "$ref") {
      const name = v.split("/").pop();
      if (!(name in schemas)) {
        schemas[name] = null;
        pending.push(name);
      }
      out[k] = v;
    } else if (k === "properties") {
      out[k] = {};
      for (const [pn, pv] of Object.entries(v)) out[k][pn] = clean(pv);
    } else if (k === "additionalProperties" && typeof v === "boolean") {
      out[k] = v;
    } else {
      out[k] = clean(v);
    }
  }
  return out;
}

const out = {};
for (const [method, p, status] of endpoints) {
  let resp = spec.paths[p][method.toLowerCase()].responses[status];
  if (resp.$ref) resp = resolve(resp.$ref);
  const schema = resp.content["application/json"].schema;
  out[`${method} ${p} ${status}`] = clean(schema);
}
while (pending.length) {
  const name = pending.shift();
  schemas[name] = clean(spec.components.schemas[name]);
}

const sorted = {};
for (const k of Object.keys(schemas).sort()) sorted[k] = schemas[k];
const doc = {
  source: "@octokit/openapi" + (version ? "@" + version : "") + " generated/api.github.com.json",
  responses: out,
  components: { schemas: sorted },
};
const dst = path.join(__dirname, "openapi-subset.json");
fs.writeFileSync(dst, JSON.stringify(doc, null, 1) + "\n");
console.log(`wrote ${dst}: ${Object.keys(out).length} responses, ${Object.keys(sorted).length} schemas`);
