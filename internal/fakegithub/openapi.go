package fakegithub

// testdata/openapi-subset.json, against which the tests validate every
// payload, is derived from GitHub's OpenAPI description by mkopenapi. To
// rebuild it, set JOURNEYS_GITHUB_OPENAPI to generated/api.github.com.json
// of the npm package @octokit/openapi (the version the subset's "source"
// names) and run go generate ./internal/fakegithub; without it, the
// generator leaves the subset as it is.
//
//go:generate go run ./mkopenapi -spec=$JOURNEYS_GITHUB_OPENAPI -out=testdata/openapi-subset.json
