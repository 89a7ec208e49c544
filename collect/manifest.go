package collect

import "time"

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
}
