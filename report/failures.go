package report

import (
	"fmt"
	"strings"
)

// A Failure is a repository that could not be collected, as the banner at
// the top of both reports shows it: what failed, why, and what to do.
type Failure struct {
	Community, Repo string
	Reason          string
	// WhatToDo is a sentence for a person; "" when Reason already says it.
	WhatToDo string
}

// Advice is the reason and what to do, as one text.
func (f Failure) Advice() string {
	s := strings.TrimSuffix(f.Reason, ".")
	if f.WhatToDo != "" {
		s += ". " + f.WhatToDo
	}
	return s
}

// failures lists the repositories that failed, in collection.json's order,
// each with what to do about it.
func failures(r *Report) []Failure {
	var out []Failure
	for _, rs := range r.Collection.ReposFailed {
		reason := clean(rs.Error)
		if reason == "" {
			reason = "no reason recorded"
		}
		out = append(out, Failure{Community: clean(rs.Community), Repo: clean(rs.Repo), Reason: reason, WhatToDo: whatToDo(reason)})
	}
	return out
}

// whatToDo is the advice for a failure's reason.
func whatToDo(reason string) string {
	switch {
	case strings.Contains(reason, "check the spelling"):
		return "" // collection already said what to check
	case strings.Contains(reason, " 404"):
		return "Check the spelling of owner/name in the config; a private repository needs a token that can read it; a renamed or transferred repository is followed automatically."
	case strings.Contains(reason, " 401"), strings.Contains(reason, "Bad credentials"), strings.Contains(reason, "requires a token"):
		return "Set GITHUB_TOKEN to a current token with read access, then run again."
	case strings.Contains(reason, " 403"):
		return "The token may lack access to this repository (or an organisation's policy blocks it): check its scopes, then run again."
	case strings.Contains(reason, "rate limit"), strings.Contains(reason, "quota"):
		return "GitHub's rate limit stopped it: run again later; the checkpoint keeps what was fetched."
	case strings.Contains(reason, "cannot reach"), strings.Contains(reason, "giving up after"):
		return "The API did not answer: check --api-url and the network, then run again; what was fetched is kept."
	}
	return "Run again; what was fetched is kept. If it fails the same way, the reason above says what GitHub answered."
}

// failureBanner is the banner's first sentence: how many repositories
// failed, and which communities have nothing collected at all.
func failureBanner(r *Report) string {
	n := len(r.Collection.ReposFailed)
	if n == 0 {
		return ""
	}
	s := fmt.Sprintf("%s of %s could not be collected; their activity is in no journey.",
		fmtInt(int64(n)), plural(int64(r.Collection.ReposTotal), "repository", "repositories"))
	var empty []string
	for _, c := range r.Communities {
		if c.People == 0 {
			empty = append(empty, c.Name)
		}
	}
	if len(empty) > 0 {
		s += " No journey at all in " + strings.Join(empty, ", ") + "."
	}
	return s
}
