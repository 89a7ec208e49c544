package analyze

import (
	"testing"

	"github.com/journeys-dev/journeys/schema"
)

// Each bot rule, and its limits, on one login at a time.
func TestBotRules(t *testing.T) {
	rules := BotRules{Include: []string{"*-deployer", "ci-Runner"}, Exclude: []string{"imgbot", "renovate-*"}}
	tests := []struct {
		login   string
		typeBot bool
		want    string
	}{
		{"ci-app", true, BotReasonType},
		{"imgbot", true, BotReasonType}, // exclude cannot overrule GitHub's type
		{"dependabot[bot]", false, BotReasonSuffix},
		{"Some-App[BOT]", false, BotReasonSuffix},
		{"dependabot", false, BotReasonKnown},
		{"renovate[bot]", false, BotReasonSuffix},
		{"renovate", false, BotReasonKnown},
		{"GitHub-Actions", false, BotReasonKnown},
		{"allcontributors", false, BotReasonKnown},
		{"pre-commit-ci", false, BotReasonKnown},
		{"codecov", false, BotReasonKnown},
		{"netlify", false, BotReasonKnown},
		{"web-flow", false, BotReasonKnown},
		{"ghost", false, BotReasonKnown},
		{"acme-deployer", false, BotReasonConfig},
		{"CI-runner", false, BotReasonConfig},
		{"imgbot", false, ""},       // a person rescued by exclude
		{"renovate-bot", false, ""}, // rescued by an exclude pattern
		{"dependabot-fan", false, ""},
		{"robotics-lab", false, ""},
		{"ana", false, ""},
	}
	c, err := newBotClassifier(rules)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		if got := c.reason(tt.login, tt.typeBot); got != tt.want {
			t.Errorf("reason(%q, type bot %v) = %q, want %q", tt.login, tt.typeBot, got, tt.want)
		}
	}
}

// A bot's rows count in the bots table, not in journeys or the funnel.
func TestBotsStayOutOfTheFunnel(t *testing.T) {
	events := []schema.Event{
		ev(schema.KindPROpened, "pre-commit-ci[bot]", ago(5), on(1, "pre-commit-ci[bot]")),
		ev(schema.KindPRMerged, "ana", ago(4), on(1, "pre-commit-ci[bot]")),
		ev(schema.KindStar, "netlify", ago(4)),
	}
	res := analyze(t, events, Options{})
	if len(res.Contributors) != 1 || res.Contributors[0].Login != "ana" {
		t.Fatalf("contributors = %+v, want only ana", res.Contributors)
	}
	for _, f := range res.Funnel {
		if f.EverMet > 1 {
			t.Errorf("funnel %s: %d people reached it, want at most 1 (ana)", f.Stage, f.EverMet)
		}
	}
	if len(res.Bots) != 2 {
		t.Errorf("bots = %+v, want pre-commit-ci[bot] and netlify", res.Bots)
	}
}
