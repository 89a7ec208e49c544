package analyze

import (
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/journeys-dev/journeys/schema"
)

// cohortWorld is a handful of people whose cohorts are worked out by hand
// in TestCohorts.
func cohortWorld() []schema.Event {
	noon := func(y int, m time.Month, d int) time.Time { return date(y, m, d).Add(12 * time.Hour) }
	return []schema.Event{
		// Community b: ana's first contact in January 2022, back in months
		// 23 and 24 after it, and in month 25 (beyond the table).
		ev(schema.KindIssueOpened, "ana", noon(2022, 1, 15), on(1, "ana"), in("b")),
		ev(schema.KindIssueComment, "ana", noon(2023, 12, 5), on(1, "ana"), in("b")),
		ev(schema.KindIssueComment, "ana", noon(2024, 1, 5), on(1, "ana"), in("b")),
		ev(schema.KindIssueComment, "ana", noon(2024, 2, 5), on(1, "ana"), in("b")),

		// Community c, cohort January 2024: ana and bo (and a bot, left out).
		ev(schema.KindIssueOpened, "ana", noon(2024, 1, 10), on(1, "ana")),
		ev(schema.KindIssueComment, "ana", noon(2024, 2, 3), on(1, "ana")), // k=1
		// k=2: a commit GitHub did not link, tied to ana by her noreply address.
		ev(schema.KindCommit, "", noon(2024, 3, 15), author("Ana", "123+ana@users.noreply.github.com")),
		ev(schema.KindCommit, "ana", noon(2024, 4, 20), author("Ana", "ana@example.org")), // k=3
		ev(schema.KindStar, "ana", noon(2024, 5, 1)),                                      // not an action
		ev(schema.KindIssueComment, "ana-work", noon(2024, 5, 20), on(1, "ana")),          // k=4, as ana (alias)
		ev(schema.KindReview, "ana", noon(2024, 6, 2), on(2, "bo")),                       // k=5: June

		// bo starred in December (first activity) but first acted in January.
		ev(schema.KindStar, "bo", noon(2023, 12, 20)),
		ev(schema.KindPROpened, "bo", date(2024, 1, 31).Add(23*time.Hour+30*time.Minute), on(2, "bo")),
		// maint merging bo's pull request is maint's action, not bo's.
		ev(schema.KindPRMerged, "maint", noon(2024, 2, 10), on(2, "bo")),
		ev(schema.KindIssueComment, "bo", date(2024, 3, 1), on(2, "bo")), // k=2, at 00:00 UTC
		ev(schema.KindFork, "bo", noon(2024, 4, 2)),                      // not an action
		ev(schema.KindRecognized, "bo", noon(2024, 4, 3)),                // not an action

		ev(schema.KindPROpened, "dependabot[bot]", noon(2024, 1, 5), on(3, "dependabot[bot]"), botType()),
		ev(schema.KindIssueComment, "dependabot[bot]", noon(2024, 2, 5), on(3, "dependabot[bot]")),

		// Cohort February 2024: maint (the merge), back in March.
		ev(schema.KindLabeled, "maint", noon(2024, 3, 5), on(2, "bo")),

		// cy only starred, forked and was listed: no first contact, no cohort.
		ev(schema.KindStar, "cy", noon(2024, 1, 2)),
		ev(schema.KindFork, "cy", noon(2024, 2, 2)),
		ev(schema.KindRecognized, "cy", noon(2024, 3, 2)),

		// Cohort June 2024: dee, whose months after are all to come.
		ev(schema.KindIssueOpened, "dee", noon(2024, 6, 1), on(4, "dee")),
	}
}

// cohortCell renders a row as "community cohort k: size still share".
func cohortCell(r schema.CohortRow) string {
	still, share := "null", "null"
	if r.StillActing != nil {
		still = fmt.Sprint(*r.StillActing)
	}
	if r.Share != nil {
		share = fmt.Sprint(*r.Share)
	}
	return fmt.Sprintf("%s %s k=%d: %d %s %s", r.Community, r.CohortMonth.Format("2006-01"), r.K, r.CohortSize, still, share)
}

func TestCohorts(t *testing.T) {
	opts := Options{Identities: IdentityRules{Aliases: []Alias{{Login: "ana", Also: []string{"ana-work"}}}}}
	cases := []struct {
		asOf string
		// lastOver is the last month wholly observed.
		lastOver string
		// want lists the cells that are neither 0 nor null, by "community
		// cohort k", as "size still share".
		want map[string]string
	}{
		{"2024-06-15", "2024-05", map[string]string{
			"b 2022-01 k=23": "1 1 1", "b 2022-01 k=24": "1 1 1",
			"c 2024-01 k=1": "2 1 0.5", "c 2024-01 k=2": "2 2 1", "c 2024-01 k=3": "2 1 0.5", "c 2024-01 k=4": "2 1 0.5",
			"c 2024-02 k=1": "1 1 1",
		}},
		// A month end: June is over, so its cells are known.
		{"2024-06-30", "2024-06", map[string]string{
			"b 2022-01 k=23": "1 1 1", "b 2022-01 k=24": "1 1 1",
			"c 2024-01 k=1": "2 1 0.5", "c 2024-01 k=2": "2 2 1", "c 2024-01 k=3": "2 1 0.5", "c 2024-01 k=4": "2 1 0.5",
			"c 2024-01 k=5": "2 1 0.5",
			"c 2024-02 k=1": "1 1 1",
		}},
	}
	for _, tc := range cases {
		t.Run(tc.asOf, func(t *testing.T) {
			asOf, _ := time.Parse(time.DateOnly, tc.asOf)
			o := opts
			o.AsOf = asOf
			res := analyze(t, cohortWorld(), o)
			lastOver, _ := time.Parse("2006-01", tc.lastOver)

			sizes := map[string]int64{"b 2022-01": 1, "c 2024-01": 2, "c 2024-02": 1, "c 2024-06": 1}
			var cohorts []string
			for i, r := range res.Cohorts {
				key := fmt.Sprintf("%s %s", r.Community, r.CohortMonth.Format("2006-01"))
				if r.K == 1 {
					cohorts = append(cohorts, key)
				}
				if want := int64(i%CohortMonths + 1); r.K != want {
					t.Fatalf("row %d (%s): k = %d, want %d", i, cohortCell(r), r.K, want)
				}
				if r.CohortSize != sizes[key] {
					t.Errorf("%s: size %d, want %d", cohortCell(r), r.CohortSize, sizes[key])
				}
				censored := r.CohortMonth.AddDate(0, int(r.K), 0).After(lastOver)
				if censored != (r.StillActing == nil) || censored != (r.Share == nil) {
					t.Errorf("%s: censored should be %v", cohortCell(r), censored)
				}
				got := cohortCell(r)
				want := fmt.Sprintf("%s k=%d: %d 0 0", key, r.K, r.CohortSize)
				if censored {
					want = fmt.Sprintf("%s k=%d: %d null null", key, r.K, r.CohortSize)
				}
				if w, ok := tc.want[fmt.Sprintf("%s k=%d", key, r.K)]; ok {
					want = fmt.Sprintf("%s k=%d: %s", key, r.K, w)
				}
				if got != want {
					t.Errorf("got %s, want %s", got, want)
				}
			}
			// Communities by name, cohorts oldest first; cy has none.
			if wantCohorts := []string{"b 2022-01", "c 2024-01", "c 2024-02", "c 2024-06"}; !slices.Equal(cohorts, wantCohorts) {
				t.Errorf("cohorts %q, want %q", cohorts, wantCohorts)
			}
			if len(res.Cohorts) != len(sizes)*CohortMonths {
				t.Errorf("%d rows, want %d", len(res.Cohorts), len(sizes)*CohortMonths)
			}
			// The cohort is the month of contributors.first_contact_at.
			for _, c := range res.Contributors {
				if c.FirstContactAt == nil {
					continue
				}
				if key := c.Community + " " + c.FirstContactAt.Format("2006-01"); sizes[key] == 0 {
					t.Errorf("%s %s: first contact %v is in no cohort", c.Community, c.Login, c.FirstContactAt)
				}
			}
		})
	}
}

// On a larger history, the cohort sizes are the counts of
// contributors.first_contact_at by month, nobody acts more than the cohort
// holds, and Run writes the rows Analyze returns, with the analysis
// tables' footer metadata.
func TestCohortsOnASyntheticHistory(t *testing.T) {
	events := syntheticEvents(syntheticConfig{People: 300, Items: 1500, Comments: 6000, Commits: 900, Seed: 7})
	opts := Options{AsOf: syntheticAsOf, ToolVersion: "test"}
	res, err := Analyze(events, opts)
	if err != nil {
		t.Fatal(err)
	}
	sizes := map[string]int64{}
	for _, c := range res.Contributors {
		if c.FirstContactAt != nil {
			sizes[c.Community+" "+c.FirstContactAt.Format("2006-01")]++
		}
	}
	got := map[string]int64{}
	var acting int64
	lastOver := time.Date(2024, 12, 1, 0, 0, 0, 0, time.UTC) // syntheticAsOf is 2025-01-01
	for _, r := range res.Cohorts {
		if r.K == 1 {
			got[r.Community+" "+r.CohortMonth.Format("2006-01")] = r.CohortSize
		}
		censored := r.CohortMonth.AddDate(0, int(r.K), 0).After(lastOver)
		if censored != (r.StillActing == nil) {
			t.Fatalf("%s: censored should be %v", cohortCell(r), censored)
		}
		if r.StillActing != nil {
			if *r.StillActing < 0 || *r.StillActing > r.CohortSize || *r.Share != float64(*r.StillActing)/float64(r.CohortSize) {
				t.Fatalf("%s", cohortCell(r))
			}
			acting += *r.StillActing
		}
	}
	if !reflect.DeepEqual(got, sizes) {
		t.Errorf("cohort sizes %v, want the first contacts by month %v", got, sizes)
	}
	if len(sizes) < 20 || acting == 0 {
		t.Fatalf("%d cohorts, %d people still acting: the history tests nothing", len(sizes), acting)
	}

	checkRunWrites(t, events, opts, schema.Cohorts.File(), res.Cohorts)
	// Its footer has every key of the other analysis tables: TestRunRecordsTheModelVersion.
}
