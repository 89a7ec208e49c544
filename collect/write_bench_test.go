package collect

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/journeys-dev/journeys/internal/table"
	"github.com/journeys-dev/journeys/schema"
)

// syntheticEvents returns n events shaped like a large community's: a few
// thousand people, a handful of repositories and kinds, most rows with a
// target, commits with names and emails.
func syntheticEvents(n int) []schema.Event {
	kinds := []schema.Kind{schema.KindIssueComment, schema.KindPROpened, schema.KindReview, schema.KindCommit, schema.KindStar, schema.KindIssueOpened, schema.KindLabeled, schema.KindPRMerged}
	start := time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC)
	out := make([]schema.Event, n)
	for i := range out {
		login := fmt.Sprintf("person-%d", (i*7919)%5000)
		kind := kinds[i%len(kinds)]
		num := int64(i % 20000)
		pr := i%3 == 0
		e := schema.Event{
			Community:  "Community",
			Repo:       fmt.Sprintf("org/repo-%d", i*8/n),
			Actor:      &login,
			ActorType:  ptr("User"),
			Kind:       kind,
			OccurredAt: start.Add(time.Duration(i) * time.Minute),
			SourceID:   fmt.Sprintf("%s:%d", kind, i),
		}
		if kind != schema.KindStar {
			e.TargetNumber, e.TargetIsPullRequest, e.TargetAuthor = &num, &pr, &login
		}
		if kind == schema.KindCommit {
			name, email := "Person "+login, login+"@example.org"
			e.AuthorName, e.AuthorEmail = &name, &email
		}
		out[i] = e
	}
	return out
}

// BenchmarkWriteEvents measures writing events.parquet, the largest table,
// in rows per second. Peak memory: scripts/bench-write.sh.
func BenchmarkWriteEvents(b *testing.B) {
	rows := syntheticEvents(1_000_000)
	path := filepath.Join(b.TempDir(), "events.parquet")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := table.WriteFile(path, rows); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(rows)*b.N)/b.Elapsed().Seconds(), "rows/s")
}
