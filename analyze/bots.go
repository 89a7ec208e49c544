package analyze

import (
	"fmt"
	"path"
	"strings"
)

// Reasons an account is set aside as a bot (the reason column of
// bots.parquet), in the order they are checked.
const (
	BotReasonType   = "type_bot"       // GitHub serves the account with "type": "Bot"
	BotReasonSuffix = "bot_suffix"     // the login ends in "[bot]" (a GitHub App)
	BotReasonKnown  = "known_list"     // the login is in KnownBots
	BotReasonConfig = "config_pattern" // the login matches BotRules.Include
)

// KnownBots lists, lower case, accounts that are automation (or stand for
// no single person) and never have a journey. GitHub Apps' accounts
// ("renovate[bot]") are caught by their suffix; this list names the
// automation that acts through ordinary user accounts. Generic words that
// real people use as logins are left out.
//
// web-flow is the committer of commits made in GitHub's web interface and
// the owner of noreply@github.com; ghost stands for every deleted account.
var KnownBots = []string{
	"actions-user", // the committer name GitHub Actions workflows use
	"allcontributors", "all-contributors",
	"azure-pipelines",
	"circleci",
	"cla-bot", "claassistant", "googlebot", "google-cla",
	"codeclimate",
	"codecov", "codecov-io", "codecov-commenter",
	"coveralls",
	"deepsource-autofix",
	"dependabot", "dependabot-preview",
	"ghost",
	"github-actions",
	"github-merge-queue",
	"gitter-badger",
	"greenkeeper", "greenkeeperio-bot",
	"imgbot",
	"k8s-ci-robot", "k8s-merge-robot", "k8s-triage-robot", "k8s-github-robot",
	"lgtm-com",
	"mergify",
	"netlify",
	"pre-commit-ci", "pre-commit-ci-lite",
	"readthedocs",
	"renovate", "renovate-bot",
	"restyled-io",
	"semantic-release-bot",
	"snyk-bot",
	"sonarcloud",
	"travis-ci",
	"vercel",
	"web-flow",
	"whitesource-bolt-for-github",
}

// BotRules are the configured additions to and exceptions from the bot
// heuristics. Entries are logins or path.Match glob patterns ("*-bot"),
// compared case-insensitively. The zero value adds nothing.
type BotRules struct {
	// Include lists further accounts to treat as bots.
	Include []string `json:"include,omitempty"`
	// Exclude lists accounts that are people although the known list or
	// an Include pattern matches them. It cannot overrule GitHub's own
	// "type": "Bot" or a "[bot]" login.
	Exclude []string `json:"exclude,omitempty"`
}

// botClassifier decides whether a login is a bot.
type botClassifier struct {
	known   map[string]bool
	include []string
	exclude []string
}

func newBotClassifier(r BotRules) (*botClassifier, error) {
	c := &botClassifier{known: make(map[string]bool, len(KnownBots))}
	for _, k := range KnownBots {
		c.known[k] = true
	}
	norm := func(list []string, what string) ([]string, error) {
		out := make([]string, 0, len(list))
		for _, p := range list {
			p = strings.ToLower(strings.TrimSpace(p))
			if p == "" {
				continue
			}
			if _, err := path.Match(p, ""); err != nil {
				return nil, fmt.Errorf("bots %s pattern %q: %w", what, p, err)
			}
			out = append(out, p)
		}
		return out, nil
	}
	var err error
	if c.include, err = norm(r.Include, "include"); err != nil {
		return nil, err
	}
	if c.exclude, err = norm(r.Exclude, "exclude"); err != nil {
		return nil, err
	}
	return c, nil
}

func matchAny(patterns []string, lower string) bool {
	for _, p := range patterns {
		if ok, _ := path.Match(p, lower); ok {
			return true
		}
	}
	return false
}

// reason returns why login is a bot, or "" for a person. typeBot says
// whether GitHub served the account with type "Bot".
func (c *botClassifier) reason(login string, typeBot bool) string {
	lower := strings.ToLower(login)
	if typeBot {
		return BotReasonType
	}
	if strings.HasSuffix(lower, "[bot]") {
		return BotReasonSuffix
	}
	if matchAny(c.exclude, lower) {
		return ""
	}
	if c.known[lower] {
		return BotReasonKnown
	}
	if matchAny(c.include, lower) {
		return BotReasonConfig
	}
	return ""
}
