package report

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"
	"time"

	"github.com/journeys-dev/journeys/analyze"
	"github.com/journeys-dev/journeys/schema"
)

// largeInput returns a synthetic run the size of Kubernetes: people
// people over months months, events events, in one community.
func largeInput(people, months, events int) Input {
	rng := rand.New(rand.NewPCG(1, 2))
	asOf := time.Date(2024, 6, 30, 0, 0, 0, 0, time.UTC)
	const name = "Kubernetes"
	startMonth := monthIndex(asOf) - int32(months) + 1
	in := Input{
		Analysis:    analyze.Manifest{AsOf: asOf, Model: analyze.DefaultModel(), Communities: []string{name}, EventsRead: int64(events)},
		ConfigPath:  "journeys.yaml",
		ToolVersion: "bench",
		GeneratedAt: asOf,
	}
	repos := make([]string, 80)
	for i := range repos {
		repos[i] = fmt.Sprintf("kubernetes/repo-%02d", i)
		in.Collection.Repos = append(in.Collection.Repos, schema.RepoStatus{Community: name, Repo: repos[i], Status: "ok", Rows: map[string]int64{"events": int64(events / len(repos))}})
	}
	in.Collection.Tables = map[string]int64{"events": int64(events)}
	logins := make([]string, people)
	first := make([]int32, people)
	ever := make([]int64, len(analyze.Stages))
	current := make([]int64, len(analyze.Stages))
	for i := range logins {
		logins[i] = fmt.Sprintf("user%05d", i)
		first[i] = startMonth + int32(rng.IntN(months))
		top := min(rng.IntN(8), len(analyze.Stages)-1) // skewed to the low stages
		if rng.IntN(3) > 0 {
			top = min(top, 1)
		}
		var from *string
		for s := 0; s <= top; s++ {
			at := monthStart(first[i]+int32(s)*2).AddDate(0, 0, 3)
			if at.After(asOf) {
				top = s - 1
				break
			}
			in.Transitions = append(in.Transitions, schema.Transition{Community: name, Login: logins[i], FromStage: from, ToStage: analyze.Stages[s], At: at})
			from = ptr(analyze.Stages[s])
			ever[s]++
		}
		top = max(top, 0)
		current[top]++
		in.Contributors = append(in.Contributors, schema.Contributor{Community: name, Login: logins[i], Stage: analyze.Stages[top],
			State: ptr(analyze.StateActive), FirstActivityAt: monthStart(first[i])})
		for m := first[i]; m <= monthIndex(asOf); m++ {
			s := min(top, int(m-first[i])/2)
			in.Months = append(in.Months, schema.ContributorMonth{Community: name, Login: logins[i], Month: monthStart(m), Stage: analyze.Stages[s], State: ptr(analyze.StateActive)})
		}
	}
	for s, st := range analyze.Stages {
		in.Funnel = append(in.Funnel, schema.FunnelRow{Community: name, Stage: st, Order: int64(s), EverMet: ever[s], CurrentCount: current[s], MedianDaysFromFirstContact: ptr(float64(40 * s))})
	}
	kinds := []schema.Kind{schema.KindIssueComment, schema.KindIssueComment, schema.KindIssueComment, schema.KindReview, schema.KindReviewComment,
		schema.KindCommit, schema.KindIssueOpened, schema.KindPROpened, schema.KindStar, schema.KindLabeled, schema.KindPRMerged}
	user, bot := ptr("User"), ptr("Bot")
	in.Events = make([]schema.Event, events)
	for i := range in.Events {
		p := rng.IntN(people)
		if rng.IntN(10) < 6 {
			p = rng.IntN(people / 20) // a core does most of the work
		}
		at := monthStart(first[p]).Add(time.Duration(rng.Int64N(int64(time.Duration(monthIndex(asOf)-first[p]+1) * 30 * 24 * time.Hour))))
		if at.After(asOf) {
			at = asOf.Add(-time.Hour)
		}
		n := int64(rng.IntN(100_000))
		e := schema.Event{Community: name, Repo: repos[n%int64(len(repos))], Actor: &logins[p], ActorType: user,
			Kind: kinds[rng.IntN(len(kinds))], OccurredAt: at, TargetNumber: &n}
		if i%97 == 0 {
			e.Actor, e.ActorType = ptr("k8s-ci-robot"), bot
		}
		in.Events[i] = e
	}
	return in
}

func BenchmarkReportKubernetesSize(b *testing.B) {
	in := largeInput(10_000, 48, 3_000_000)
	runtime.GC() // collect the input's garbage outside the timed loop
	cpu0 := cpuTime()
	b.ResetTimer()
	var md, page bytes.Buffer
	for b.Loop() {
		md.Reset()
		page.Reset()
		r, err := Build(in)
		if err != nil {
			b.Fatal(err)
		}
		if err := WriteMarkdown(&md, r); err != nil {
			b.Fatal(err)
		}
		if err := WriteHTML(&page, r); err != nil {
			b.Fatal(err)
		}
	}
	// CPU seconds (user+system, all threads) per report: on a busy machine
	// wall time says more about the neighbours than about this code.
	b.ReportMetric((cpuTime()-cpu0).Seconds()/float64(b.N), "cpu-s/op")
	b.ReportMetric(float64(page.Len())/(1<<20), "html-MiB")
	b.ReportMetric(float64(md.Len())/(1<<10), "md-KiB")
	if page.Len() > 5_000_000 {
		b.Errorf("HTML report is %d bytes, over 5 MB", page.Len())
	}
	if md.Len() > 1<<20 {
		b.Errorf("Markdown report is %d bytes, over 1 MiB", md.Len())
	}
}
