package analyze

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/journeys-dev/journeys/schema"
)

// fuzzKinds are the event kinds a fuzzed event draws from, with one the
// analysis does not know.
var fuzzKinds = []schema.Kind{
	schema.KindStar, schema.KindFork, schema.KindIssueOpened, schema.KindPROpened, schema.KindPRMerged,
	schema.KindIssueClosed, schema.KindIssueReopened, schema.KindIssueComment, schema.KindReview,
	schema.KindReviewComment, schema.KindCommit, schema.KindCommitCoauthor, schema.KindLabeled,
	schema.KindAssigned, schema.KindRecognized, "discussion_opened",
}

// fuzzLogins mixes spellings of one login, bots, a configured bot and
// hostile text.
var fuzzLogins = []string{"ana", "Ana", "bo", "cy-dee", "dependabot[bot]", "ci-robot", "<b>x</b>", "", "ANA"}

// fuzzEvents turns bytes into events, five bytes each: kind, actor,
// target author, and a day offset (signed, so events before 1970 and far in
// the future occur) from 2020-01-01.
func fuzzEvents(data []byte) []schema.Event {
	base := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	var out []schema.Event
	for ; len(data) >= 5; data = data[5:] {
		k, a, tgt := data[0], data[1], data[2]
		days := int16(uint16(data[3])<<8 | uint16(data[4]))
		e := schema.Event{
			Community:  []string{"one", "two"}[k>>7],
			Repo:       []string{"o/a", "o/b"}[a>>7],
			Kind:       fuzzKinds[int(k&0x7f)%len(fuzzKinds)],
			OccurredAt: base.Add(time.Duration(days)*24*time.Hour + time.Duration(tgt)*time.Minute),
			SourceID:   "fuzz",
		}
		if l := fuzzLogins[int(a&0x7f)%len(fuzzLogins)]; l != "" {
			e.Actor = &l
		}
		if a&0x40 != 0 {
			e.ActorType = ptrTo("Bot")
		} else if a&0x20 != 0 {
			e.ActorType = ptrTo("User")
		}
		if tgt&0x80 != 0 {
			n := int64(tgt & 0x0f)
			e.TargetNumber = &n
			e.TargetIsPullRequest = ptrTo(tgt&0x10 != 0)
			if l := fuzzLogins[int(tgt>>5&3)]; tgt&0x60 != 0x60 {
				e.TargetAuthor = &l
			}
		}
		if e.Kind == schema.KindCommit || e.Kind == schema.KindCommitCoauthor {
			e.AuthorName = ptrTo([]string{"Ana Lee", "Bo", "", "<script>"}[tgt&3])
			e.AuthorEmail = ptrTo([]string{"ana@example.org", "bo@users.noreply.github.com", "", "x@y"}[tgt>>2&3])
		}
		out = append(out, e)
	}
	return out
}

func ptrTo[T any](v T) *T { return &v }

// FuzzAnalyze: any sequence of events is analysed without error or panic,
// and the tables agree with each other: one contributor row per community
// and login, stages and states of the model, month rows in order, and
// transitions exactly where the monthly stage changes.
func FuzzAnalyze(f *testing.F) {
	f.Add([]byte{0, 0, 0, 0, 10, 4, 1, 0x81, 0, 40, 4, 1, 0x82, 0, 80, 4, 1, 0x83, 0, 120, 2, 2, 0x91, 0, 20}, uint16(700))
	f.Add([]byte{10, 3, 1, 0, 1, 11, 3, 2, 0, 2, 12, 2, 0x9f, 0, 3, 5, 4, 0x80, 0, 4}, uint16(30))
	f.Add([]byte{0x84, 1, 0x82, 0x80, 0, 3, 0x45, 0x90, 0x7f, 0xff, 14, 6, 0, 0, 0}, uint16(65535))
	f.Add([]byte{7, 1, 0xa1, 0, 5, 8, 1, 0xc2, 0, 5, 8, 1, 0xc3, 0, 6, 9, 1, 0xc4, 0, 7, 12, 1, 0xc5, 0, 8}, uint16(400))
	f.Fuzz(func(t *testing.T, data []byte, asOfDays uint16) {
		events := fuzzEvents(data)
		asOf := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(asOfDays%4000))
		res, err := Analyze(events, Options{AsOf: asOf, Bots: BotRules{Include: []string{"ci-*"}}})
		if err != nil {
			t.Fatalf("Analyze: %v", err)
		}
		checkTables(t, res, asOf)
	})
}

// checkTables checks the invariants that hold between the tables of any
// analysis.
func checkTables(t *testing.T, res *Result, asOf time.Time) {
	t.Helper()
	type key struct{ community, login string }
	states := []string{StateNew, StateActive, StateDormant, StateChurned}
	stageOK := func(s string) bool { return slices.Contains(Stages, s) }
	stateOK := func(s *string) bool { return s == nil || slices.Contains(states, *s) }

	contributors := map[key]schema.Contributor{}
	for _, c := range res.Contributors {
		k := key{c.Community, c.Login}
		if _, dup := contributors[k]; dup {
			t.Fatalf("two contributor rows for %v", k)
		}
		contributors[k] = c
		if !stageOK(c.Stage) || !stateOK(c.State) {
			t.Fatalf("contributor %v: stage %q, state %v outside the model", k, c.Stage, c.State)
		}
	}

	months := map[key][]schema.ContributorMonth{}
	for i, m := range res.Months {
		k := key{m.Community, m.Login}
		if !stageOK(m.Stage) || !stateOK(m.State) {
			t.Fatalf("month row %+v: stage or state outside the model", m)
		}
		if m.Month.After(asOf) {
			t.Fatalf("month row %+v after the analysis date %s", m, asOf.Format(time.DateOnly))
		}
		if _, ok := contributors[k]; !ok {
			t.Fatalf("month row %+v of no contributor", m)
		}
		if prev := months[k]; len(prev) > 0 {
			if !prev[len(prev)-1].Month.Before(m.Month) {
				t.Fatalf("month rows of %v out of order at %d: %s then %s", k, i, prev[len(prev)-1].Month, m.Month)
			}
			if res.Months[i-1].Community != m.Community || res.Months[i-1].Login != m.Login {
				t.Fatalf("month rows of %v are not together", k)
			}
		}
		months[k] = append(months[k], m)
	}
	for k, c := range contributors {
		rows := months[k]
		if len(rows) == 0 {
			t.Fatalf("contributor %v has no month rows", k)
		}
		if last := rows[len(rows)-1]; !last.Month.Equal(asOf) || last.Stage != c.Stage {
			t.Fatalf("contributor %v: stage %q at %s, last month row %q at %s", k, c.Stage, asOf.Format(time.DateOnly), last.Stage, last.Month.Format(time.DateOnly))
		}
	}

	transitions := map[key][]schema.Transition{}
	for _, tr := range res.Transitions {
		k := key{tr.Community, tr.Login}
		if !stageOK(tr.ToStage) || (tr.FromStage != nil && !stageOK(*tr.FromStage)) {
			t.Fatalf("transition %+v: stage outside the model", tr)
		}
		transitions[k] = append(transitions[k], tr)
	}
	for k, rows := range months {
		trs := transitions[k]
		// Expected: the first row, then every row whose stage differs
		// from the row before.
		var want []schema.Transition
		for i, m := range rows {
			if i == 0 {
				want = append(want, schema.Transition{Community: k.community, Login: k.login, ToStage: m.Stage, At: m.Month})
			} else if m.Stage != rows[i-1].Stage {
				from := rows[i-1].Stage
				want = append(want, schema.Transition{Community: k.community, Login: k.login, FromStage: &from, ToStage: m.Stage, At: m.Month})
			}
		}
		if len(trs) != len(want) {
			t.Fatalf("%v: %d transitions, want %d from the month rows %+v", k, len(trs), len(want), rows)
		}
		for i := range want {
			g, w := trs[i], want[i]
			if !g.At.Equal(w.At) || g.ToStage != w.ToStage || (g.FromStage == nil) != (w.FromStage == nil) ||
				(g.FromStage != nil && *g.FromStage != *w.FromStage) {
				t.Fatalf("%v: transition %d is %+v, the month rows say %+v", k, i, g, w)
			}
		}
		delete(transitions, k)
	}
	for k := range transitions {
		t.Fatalf("transitions of %v, who has no month rows", k)
	}
}

// FuzzParseMailmap: any .mailmap is read without panicking, an error names
// the file, and an entry appended last maps its commit identity, whatever
// the case and spacing of the lookup.
func FuzzParseMailmap(f *testing.F) {
	f.Add("# comment\nAnn Lee <ann@example.org>\n<new@example.org> <old@example.org>\nBo Dee <bo@example.org> bo <BO@Example.org> trailing\n", "Proper Name", "proper@example.org", "Commit Name", "commit@example.org")
	f.Add("<>\n", "A", "a@b", "", "c@d")
	f.Add("Name <unterminated\n\r\n\t# not a comment <x@y>", "<script>", "x", "y", "z")
	f.Add(strings.Repeat("a <b> ", 1000), "Zoë 山田", "z@例え.jp", "ZOË  山田", "Z@例え.JP")
	f.Fuzz(func(t *testing.T, src, properName, properEmail, commitName, commitEmail string) {
		m, err := ParseMailmap(strings.NewReader(src), "fuzz.mailmap")
		if err != nil {
			if !strings.Contains(err.Error(), "fuzz.mailmap") {
				t.Fatalf("error %q does not name the file", err)
			}
			return
		}
		m.Map(commitName, commitEmail)
		for _, s := range []string{properName, properEmail, commitName, commitEmail} {
			if strings.ContainsAny(s, "<>\n\r") {
				return
			}
		}
		pn, pe, ce := strings.TrimSpace(properName), strings.TrimSpace(properEmail), strings.TrimSpace(commitEmail)
		if pn == "" || pe == "" || ce == "" || strings.HasPrefix(pn, "#") {
			return
		}
		line := fmt.Sprintf("\n%s <%s> %s <%s>\n", properName, properEmail, commitName, commitEmail)
		m, err = ParseMailmap(strings.NewReader(src+line), "fuzz.mailmap")
		if err != nil {
			t.Fatalf("%q: %v", src+line, err)
		}
		for _, s := range []string{commitName, commitEmail} {
			// Map folds with ToLower, which EqualFold does not match exactly.
			if folded, upper := strings.ToLower(s), strings.ToLower(strings.ToUpper(s)); folded != upper {
				return // case mapping is not reversible for this text
			}
		}
		gotName, gotEmail, ok := m.Map(strings.ToUpper(commitName)+" ", " "+strings.ToUpper(commitEmail))
		if !ok || gotName != pn || gotEmail != pe {
			t.Fatalf("%q: Map(%q, %q) = %q, %q, %v; want %q, %q", src+line, commitName, commitEmail, gotName, gotEmail, ok, pn, pe)
		}
	})
}
