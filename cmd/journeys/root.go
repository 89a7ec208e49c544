package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/journeys-dev/journeys/collect"
	"github.com/journeys-dev/journeys/config"
	"github.com/journeys-dev/journeys/internal/progress"
	"github.com/journeys-dev/journeys/internal/version"
)

// toolVersion returns the version this binary reports and records in its
// output (see internal/version).
func toolVersion() string { return version.String() }

// Exit statuses.
const (
	exitOK       = 0
	exitFailure  = 1  // the run failed (or some repositories did)
	exitUsage    = 2  // bad flags or config: nothing was done
	exitTempFail = 75 // EX_TEMPFAIL: out of quota; the checkpoint is saved, run again later
	// exitInterrupted is 128 + SIGINT, as shells report a command that
	// Ctrl-C stopped.
	exitInterrupted = 130
)

// usageError marks errors in what the user typed (flags, config): exit 2.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

// Main runs the journeys command line with args and returns the exit status.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	g := &globals{stdout: stdout, stderr: stderr}
	root := newRootCmd(g)
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	return g.exitStatus(err)
}

// globals holds what every command shares: output streams, the logger, and
// the flags common to all of them.
type globals struct {
	stdout, stderr io.Writer
	logger         *slog.Logger
	// logOut is where the logger writes (stderr); collection points it at
	// its live display while that runs, so log lines print above it.
	logOut    *progress.LogWriter
	verbose   bool
	logFormat string
	quiet     bool
}

func newRootCmd(g *globals) *cobra.Command {
	root := &cobra.Command{
		Use:   "journeys",
		Short: "Contributor journeys from the public GitHub activity of open communities",
		Long: `journeys collects a community's public GitHub activity (issues, pull requests,
comments, reviews, commits, stars, forks, all-contributors recognition), infers
each contributor's journey stage month by month (discovery, first contact,
participation, sustained and networked participation, leadership), and writes
Parquet tables for notebooks and a Markdown + HTML summary report.

Start with "journeys demo": the whole pipeline, offline, on real history of
The Turing Way.`,
		Version:       toolVersion(),
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			return g.setupLogging()
		},
	}
	root.PersistentFlags().BoolVarP(&g.verbose, "verbose", "v", false, "log every request and decision (debug level)")
	root.PersistentFlags().StringVar(&g.logFormat, "log-format", "text", `log format on stderr: "text" or "json"`)
	root.PersistentFlags().BoolVarP(&g.quiet, "quiet", "q", false, "no progress display and only warnings and errors in the log")
	// "journeys --version" prints what "journeys version" prints.
	root.SetVersionTemplate("journeys {{.Version}}\n")
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		//lint:ignore ST1005 printed as is, a sentence on a line of its own
		return &usageError{fmt.Errorf("%w\nRun '%s --help' for usage.", err, cmd.CommandPath())}
	})
	root.AddCommand(
		newRunCmd(g),
		newCollectCmd(g),
		newAnalyzeCmd(g),
		newReportCmd(g),
		newDemoCmd(g),
		newMergeCmd(g),
		newVersionCmd(g),
	)
	return root
}

func (g *globals) setupLogging() error {
	level := slog.LevelInfo
	if g.verbose {
		level = slog.LevelDebug
	}
	if g.quiet {
		level = slog.LevelWarn
	}
	opts := &slog.HandlerOptions{Level: level}
	g.logOut = progress.NewLogWriter(g.stderr)
	switch g.logFormat {
	case "text":
		g.logger = slog.New(slog.NewTextHandler(g.logOut, opts))
	case "json":
		g.logger = slog.New(slog.NewJSONHandler(g.logOut, opts))
	default:
		return &usageError{fmt.Errorf("--log-format must be text or json, not %q", g.logFormat)}
	}
	slog.SetDefault(g.logger)
	return nil
}

// exitStatus prints err for a person and returns the exit status it deserves.
// This is the one place where errors become exit statuses.
func (g *globals) exitStatus(err error) int {
	var ue *usageError
	var ce *config.Error
	var qe *collect.QuotaError
	switch {
	case errors.As(err, &ce), errors.As(err, &ue):
		g.fail(err.Error())
		return exitUsage
	case errors.As(err, &qe) && qe.MaxRequests > 0:
		g.fail(fmt.Sprintf("%v\nThe collection checkpoint is saved: run the same command again to continue where this run stopped (each run spends at most --max-requests).", err))
		return exitTempFail
	case errors.As(err, &qe):
		g.fail(fmt.Sprintf("%v\nThe collection checkpoint is saved: run the same command again after the quota resets to continue where this run stopped.", err))
		return exitTempFail
	case errors.Is(err, syscall.ENOSPC), errors.Is(err, syscall.EDQUOT):
		g.fail(fmt.Sprintf("%v\nThe disk is full. Free some space, or point --out (and --state) at a larger disk, and run the same command again: the previous output is intact and collection continues from its last checkpoint.", err))
		return exitFailure
	case errors.Is(err, fs.ErrPermission):
		g.fail(fmt.Sprintf("%v\nThis user may not read or write the path named above: fix its permissions, or choose another --out, and run again.", err))
		return exitFailure
	case errors.Is(err, context.Canceled):
		g.fail("interrupted; the previous output is intact and the next run continues from the last checkpoint")
		return exitInterrupted
	default:
		g.fail(err.Error())
		return exitFailure
	}
}

// fail prints the message a run ends with: a line on stderr, or with
// --log-format json a JSON record like every other line there.
func (g *globals) fail(msg string) {
	msg = strings.TrimSuffix(msg, "\n")
	if g.logFormat == "json" {
		first, rest, _ := strings.Cut(msg, "\n")
		args := []any{}
		if rest != "" {
			args = append(args, "hint", rest)
		}
		slog.New(slog.NewJSONHandler(g.stderr, nil)).Error(first, args...)
		return
	}
	fmt.Fprintf(g.stderr, "journeys: %s\n", msg)
}

func newVersionCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version of journeys",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			fmt.Fprintf(g.stdout, "journeys %s\n", toolVersion())
			return nil
		},
	}
}
