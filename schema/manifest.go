package schema

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// The types in this file are the JSON files collection writes beside its
// tables, which merging, the analysis and the report read.

// ManifestFile is the name, inside the output folder, of the JSON file that
// says what a collection run did.
const ManifestFile = "collection.json"

// A Manifest is the content of DIR/collection.json: what was collected,
// from where, and what failed. It never holds a token.
type Manifest struct {
	ToolVersion string    `json:"tool_version"`
	APIURL      string    `json:"api_url"`
	StartedAt   time.Time `json:"started_at"`
	FinishedAt  time.Time `json:"finished_at"`
	// Repos has one entry per configured repository, in config order.
	Repos []RepoStatus `json:"repos"`
	// Tables maps a table name ("issues", "events", ...) to its row count.
	Tables map[string]int64 `json:"tables"`
	// Requests counts the HTTP requests the run made; NotModified those
	// answered 304 (which cost no quota).
	Requests    int64 `json:"requests"`
	NotModified int64 `json:"not_modified"`
	// API is the route the bulk went through: "rest" or "graphql".
	// GraphQLQueries and GraphQLPoints count the GraphQL queries sent
	// and the points they cost (GraphQL's budget is its own).
	API            string `json:"api,omitempty"`
	GraphQLQueries int64  `json:"graphql_queries,omitempty"`
	GraphQLPoints  int64  `json:"graphql_points,omitempty"`
	// RawVersion is the version of the raw tables (schema.RawVersion);
	// EventsVersion that of the rules that derived events.parquet from
	// them (events.Version). Both are 0 in a folder collected before they
	// were recorded.
	RawVersion    int `json:"raw_version,omitempty"`
	EventsVersion int `json:"events_version,omitempty"`
	// PeopleLeftOut is true once people were left out of the raw tables
	// (privacy.exclude): events can no longer be derived from them alone.
	PeopleLeftOut bool `json:"people_left_out,omitempty"`
	// Incomplete lists what the source could not provide, in words, e.g.
	// "reviews of 3 pull requests failed".
	Incomplete []string `json:"incomplete,omitempty"`
}

// A RepoStatus says how the collection of one repository went.
type RepoStatus struct {
	Community string `json:"community"`
	Repo      string `json:"repo"`
	// Status is "ok" or "failed".
	Status string `json:"status"`
	Error  string `json:"error,omitempty"`
	// Rows maps a table name to the rows this repository contributed.
	Rows     map[string]int64 `json:"rows"`
	Requests int64            `json:"requests"`
	// Points is what the repository's GraphQL queries cost.
	Points int64 `json:"graphql_points,omitempty"`
}

// ReadManifest reads DIR/collection.json.
func ReadManifest(dir string) (*Manifest, error) {
	b, err := os.ReadFile(filepath.Join(dir, ManifestFile))
	if err != nil {
		return nil, fmt.Errorf("read collection manifest: %w", err)
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("read %s: %w", filepath.Join(dir, ManifestFile), err)
	}
	return &m, nil
}

// ShardOf returns the shard (1 to n) that collects repo.
func ShardOf(repo string, n int) int {
	if n <= 1 {
		return 1
	}
	h := sha256.Sum256([]byte(strings.ToLower(repo)))
	return int(binary.BigEndian.Uint64(h[:8])%uint64(n)) + 1
}

// ShardFile is the name, inside a sharded collection's output folder, of
// the JSON file that says which shard it is and which repositories the
// whole collection has (a ShardInfo). Merging uses it to name the
// repositories of shards that are missing.
const ShardFile = "shard.json"

// A ShardInfo is the content of shard.json.
type ShardInfo struct {
	Shard int `json:"shard"`
	Of    int `json:"of"`
	// Repos lists every repository of every shard, after organisation
	// expansion, in configuration order.
	Repos []ShardRepo `json:"repos"`
}

// A ShardRepo is one configured repository of a community.
type ShardRepo struct {
	Community string `json:"community"`
	Repo      string `json:"repo"`
}

// ReadShardInfo reads DIR/shard.json.
func ReadShardInfo(dir string) (*ShardInfo, error) {
	b, err := os.ReadFile(filepath.Join(dir, ShardFile))
	if err != nil {
		return nil, fmt.Errorf("read shard description: %w", err)
	}
	var si ShardInfo
	if err := json.Unmarshal(b, &si); err != nil {
		return nil, fmt.Errorf("read %s: %w", filepath.Join(dir, ShardFile), err)
	}
	if si.Of < 1 || si.Shard < 1 || si.Shard > si.Of {
		return nil, fmt.Errorf("read %s: shard %d of %d makes no sense", filepath.Join(dir, ShardFile), si.Shard, si.Of)
	}
	return &si, nil
}

// OrgsFile is the name, inside the output folder, of the JSON file that
// records what the organisation listings returned (an OrgListing). A later
// run, or every shard of a sharded collection, can be pinned to it with
// collect's Options.OrgListing so that they all see the same repositories.
const OrgsFile = "orgs.json"

// An OrgRepo is one repository of an organisation listing.
type OrgRepo struct {
	FullName string `json:"full_name"`
	Fork     bool   `json:"fork"`
	Archived bool   `json:"archived"`
}

// An OrgListing is what GET /orgs/{org}/repos returned for each
// organisation of the configuration: the content of orgs.json.
type OrgListing struct {
	ListedAt time.Time `json:"listed_at"`
	// Orgs maps an organisation, as configured, to its public
	// repositories, sorted by full name (case-insensitively).
	Orgs map[string][]OrgRepo `json:"orgs"`
}

// ReadOrgListing reads an orgs.json file.
func ReadOrgListing(name string) (*OrgListing, error) {
	b, err := os.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("read organisation listing: %w", err)
	}
	var l OrgListing
	if err := json.Unmarshal(b, &l); err != nil {
		return nil, fmt.Errorf("read organisation listing %s: %w", name, err)
	}
	if l.Orgs == nil {
		return nil, fmt.Errorf("read organisation listing %s: no \"orgs\" object", name)
	}
	return &l, nil
}

// AnalysisManifestFile is the name, inside the output folder, of the JSON
// file that says what an analysis did (analyze's Manifest).
const AnalysisManifestFile = "analysis.json"
