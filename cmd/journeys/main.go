// Command journeys turns the public GitHub activity of open communities into
// contributor journeys: it collects activity through GitHub's REST API,
// infers each contributor's journey stage month by month, and writes Parquet
// tables and a summary report.
//
// Usage:
//
//	journeys demo                      # the whole pipeline, offline, on real data
//	journeys run --config journeys.yml # collect, analyze, report
//	journeys collect|analyze|report --config journeys.yml --out DIR
//	journeys version
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := Main(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
