#!/usr/bin/env bash
# Run every fuzz target briefly: the parsers of what strangers write
# (config, GitHub headers and payloads, commit trailers,
# .all-contributorsrc, .mailmap) and the analysis over arbitrary events.
# A failing input is saved under the package's testdata/fuzz/FuzzName/ and
# from then on runs with every `go test` as a regression case.
#
# Usage: scripts/fuzz.sh [-fuzztime=20s] [TARGET...]
#   TARGET is a fuzz function name (FuzzAnalyze); default: all of them.
# Environment: FUZZTIME (default 20s) when no -fuzztime= is given.
set -euo pipefail
cd "$(dirname "$0")/.."

fuzztime="${FUZZTIME:-20s}"
only=()
for arg in "$@"; do
	case "$arg" in
	-fuzztime=*) fuzztime="${arg#-fuzztime=}" ;;
	-*) echo "fuzz.sh: unknown option $arg" >&2; exit 2 ;;
	*) only+=("$arg") ;;
	esac
done

# package:target, in the order they run.
targets=(
	./config:FuzzParse
	./collect/ghapi:FuzzLinkRel
	./collect/ghapi:FuzzSecondaryWait
	./collect/ghapi:FuzzRateHeaders
	./collect:FuzzCoAuthors
	./collect:FuzzAllContributorsFile
	./collect/allcontrib:FuzzMentions
	./analyze:FuzzParseMailmap
	./analyze:FuzzAnalyze
)

ran=0
failed=()
for t in "${targets[@]}"; do
	pkg="${t%%:*}" name="${t##*:}"
	if ((${#only[@]})) && [[ ! " ${only[*]} " == *" $name "* ]]; then
		continue
	fi
	echo "== $name ($pkg, $fuzztime)"
	corpus="$pkg/testdata/fuzz/$name"
	before=$(find "$corpus" -type f 2>/dev/null | sort || true)
	log=$(mktemp)
	status=0
	go test "$pkg" -run '^$' -fuzz "^${name}\$" -fuzztime "$fuzztime" 2>&1 | tee "$log" || status=$?
	after=$(find "$corpus" -type f 2>/dev/null | sort || true)
	# Go's fuzzing coordinator can fail a target with a bare "context
	# deadline exceeded" as -fuzztime runs out, with no failing input
	# (golang/go#75804). That is not a finding: only a failing input
	# written under testdata/fuzz/ is.
	if ((status != 0)) && [[ "$before" == "$after" ]] && grep -q '^    context deadline exceeded$' "$log" &&
		! grep -q 'Failing input written' "$log"; then
		echo "fuzz.sh: $name stopped with Go's end-of-fuzztime race and no failing input; not a finding" >&2
		status=0
	fi
	rm -f "$log"
	if ((status != 0)); then
		failed+=("$name")
	fi
	ran=$((ran + 1))
done
if ((ran == 0)); then
	echo "fuzz.sh: no target named ${only[*]}" >&2
	exit 2
fi
if ((${#failed[@]})); then
	echo "fuzz.sh: failed: ${failed[*]} (a failing input is saved under its package's testdata/fuzz/ and reruns with go test)" >&2
	exit 1
fi
