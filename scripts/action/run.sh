#!/usr/bin/env bash
# run.sh runs "journeys run", appends report.md to the job summary and writes
# the action's outputs. Exit status 75 (GitHub's quota ran short; the
# checkpoint is saved and the next run continues) ends the step as a success
# with a warning; any other failure fails the step.
#
# Reads: JOURNEYS_BIN, JOURNEYS_CONFIG, JOURNEYS_OUT_DIR, JOURNEYS_STATE_DIR,
# JOURNEYS_PSEUDONYMIZE (true/false), INPUT_AS_OF, INPUT_API, INPUT_ARGS, GITHUB_TOKEN
# (handed to journeys through the environment only), GITHUB_WORKSPACE,
# GITHUB_OUTPUT, GITHUB_STEP_SUMMARY.
# Writes the outputs: out-dir, report, report-html, status, exit-code,
# state-exists.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# GitHub refuses a step summary over 1 MiB; keep clear of it.
summary_limit=1000000

bin=${JOURNEYS_BIN:?JOURNEYS_BIN is not set: the install or build step did not run}
out=${JOURNEYS_OUT_DIR:?JOURNEYS_OUT_DIR is not set}
cd "${GITHUB_WORKSPACE:?GITHUB_WORKSPACE is not set}"

if [[ -z ${GITHUB_TOKEN:-} ]]; then
	warn "no token: GitHub allows 60 requests an hour without one; keep the token input's default (github.token) or pass a secret"
fi

cmd=("$bin" run --config "${JOURNEYS_CONFIG:?JOURNEYS_CONFIG is not set}" --out "$out" --max-wait 15m)
if [[ -n ${INPUT_AS_OF:-} ]]; then
	cmd+=(--as-of "$INPUT_AS_OF")
fi
if [[ -n ${INPUT_API:-} && ${INPUT_API} != auto ]]; then
	cmd+=(--api "$INPUT_API")
fi
if [[ ${JOURNEYS_PSEUDONYMIZE:-false} == true ]]; then
	cmd+=(--pseudonymize)
fi
# Extra flags, separated by spaces or new lines; they come last, so they
# override the defaults above (such as --max-wait).
args=${INPUT_ARGS:-}
read -r -a extra <<<"${args//$'\n'/ }"
cmd+=(${extra[@]+"${extra[@]}"})

# A report older than this run is not this run's (a self-hosted runner may
# keep the workspace).
mkdir -p "$out"
marker=$(mktemp "${RUNNER_TEMP:-/tmp}/journeys-start.XXXXXX")
trap 'rm -f "$marker"' EXIT
sleep 1 # file times have a one-second resolution on some file systems

echo "journeys: running: ${cmd[*]}"
set +e
"${cmd[@]}"
status=$?
set -e

fresh() { [[ -f $1 && $1 -nt $marker ]]; }
report=""
report_html=""
if fresh "$out/report.md"; then
	report="$out/report.md"
fi
if fresh "$out/report.html"; then
	report_html="$out/report.html"
fi

case $status in
0) state=ok ;;
75) state=quota ;;
2) state=usage ;;
*) state=failed ;;
esac

# append_report adds report.md to the job summary, cut at a line before
# GitHub's limit.
append_report() {
	local size
	size=$(wc -c <"$report" | tr -d ' ')
	if ((size <= summary_limit)); then
		cat "$report" >>"$GITHUB_STEP_SUMMARY"
	else
		head -c "$summary_limit" "$report" | sed '$d' >>"$GITHUB_STEP_SUMMARY"
		printf '\n\n*The report is longer than a job summary may be; the whole of it is in %s.*\n' "$report" >>"$GITHUB_STEP_SUMMARY"
	fi
}

if [[ -n ${GITHUB_STEP_SUMMARY:-} ]]; then
	case $state in
	quota)
		{
			echo "### journeys: GitHub's quota ran short"
			echo
			echo "The collection stopped before the end and saved its checkpoint: the next run continues where this one stopped."
			echo
		} >>"$GITHUB_STEP_SUMMARY"
		;;
	failed | usage)
		{
			echo "### journeys failed (exit status $status)"
			echo
			echo "See the step's log for the reason."
			echo
		} >>"$GITHUB_STEP_SUMMARY"
		;;
	esac
	if [[ -n $report ]]; then
		append_report
	fi
fi

set_output out-dir "$out"
set_output report "$report"
set_output report-html "$report_html"
set_output status "$state"
set_output exit-code "$status"
if [[ -d ${JOURNEYS_STATE_DIR:-$out/.state} ]]; then
	set_output state-exists true
else
	set_output state-exists false
fi

case $state in
ok)
	echo "journeys: done; output in $out"
	;;
quota)
	warn "GitHub's quota ran short before the collection finished; the checkpoint is saved and cached, and the next run continues where this one stopped"
	exit 0
	;;
usage)
	die "journeys run stopped on a bad config or flag (exit status 2); see the message above"
	;;
*)
	if [[ -n $report ]]; then
		die "journeys run failed (exit status $status), some repositories may be missing from the report; see the messages above"
	fi
	die "journeys run failed (exit status $status); see the messages above"
	;;
esac
