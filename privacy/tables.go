package privacy

// The rows of the published tables are those of the raw and analysis
// tables (package schema) less the columns their privacy class leaves out
// (see Publish and docs/privacy.md), but for identities.parquet,
// aggregated.

// repoOwner reads the owner's account type from repos.parquet, when the
// collection recorded it ("User" or "Organization"; "" when unknown).
type repoOwner struct {
	Repo      string `parquet:"repo,dict"`
	OwnerType string `parquet:"owner_type,dict"`
}

// An Identity is a row of the published identities.parquet: per community,
// login and method, how many distinct names and emails were tied, and
// their commits. Unresolved authors have a null login.
type Identity struct {
	Community  string  `parquet:"community,dict"`
	Login      *string `parquet:"login"`
	Method     string  `parquet:"method,dict"`
	Confidence *string `parquet:"confidence,dict"`
	Identities int64   `parquet:"identities"`
	Commits    int64   `parquet:"commits"`
}
