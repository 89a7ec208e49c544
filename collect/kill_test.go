package collect

import (
	"context"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/journeys-dev/journeys/internal/fakegithub"
)

// TestKilledRunResumes kills a collection with SIGKILL part-way, then runs
// again: the result equals an uninterrupted collection, and the killed run
// left no output.
func TestKilledRunResumes(t *testing.T) {
	if os.Getenv("COLLECT_CHILD_URL") != "" {
		t.Skip("child process")
	}
	ref := newHarness(t, fixture(), fakegithub.Options{})
	if _, err, _ := ref.run(community, ref.options()); err != nil {
		t.Fatal(err)
	}
	want := snapshot(t, ref.out)

	h := newHarness(t, fixture(), fakegithub.Options{Faults: fakegithub.FaultPlan{Latency: 40 * time.Millisecond}})
	for _, after := range []time.Duration{300 * time.Millisecond, 500 * time.Millisecond} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestChildCollect$", "-test.count=1")
		cmd.Env = append(os.Environ(), "COLLECT_CHILD_URL="+h.url, "COLLECT_CHILD_OUT="+h.out)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(after)
		cmd.Process.Kill()
		cmd.Wait()
		if _, err := os.Stat(h.out + "/events.parquet"); err == nil {
			t.Fatalf("the run killed after %v finished or left output; make the fixture slower", after)
		}
	}
	before := h.srv.Stats().Counted
	if _, err, _ := h.run(community, h.options()); err != nil {
		t.Fatal(err)
	}
	total, rest := h.srv.Stats().Counted, h.srv.Stats().Counted-before
	t.Logf("killed twice, then resumed: %d quota requests in all, %d after the kills", total, rest)
	if rest == 0 {
		t.Error("the kills came after the fetching ended: nothing was resumed")
	}
	if limit := ref.srv.Stats().Counted + 2*perRepoConstant; total > limit {
		t.Errorf("resuming cost %d requests in all, an uninterrupted run %d", total, ref.srv.Stats().Counted)
	}
	sameTables(t, want, snapshot(t, h.out))
}

// TestChildCollect is the process TestKilledRunResumes kills.
func TestChildCollect(t *testing.T) {
	url := os.Getenv("COLLECT_CHILD_URL")
	if url == "" {
		t.Skip("only run by TestKilledRunResumes")
	}
	Run(context.Background(), community, Options{APIURL: url, Token: testToken, Out: os.Getenv("COLLECT_CHILD_OUT"), Concurrency: 4, MaxWait: time.Minute})
}
