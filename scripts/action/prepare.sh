#!/usr/bin/env bash
# prepare.sh is the action's first step: it checks the inputs before anything
# is built or downloaded, and works out the output folder, the state folder
# and the cache keys the later steps use.
#
# Reads: INPUT_CONFIG, INPUT_OUT, INPUT_AS_OF, INPUT_PSEUDONYMIZE, INPUT_ARGS,
# GITHUB_WORKSPACE, GITHUB_OUTPUT, RUNNER_OS.
# Writes the outputs: config, out-dir, state-dir, pseudonymize, cache-prefix
# and cache-key (the key without the run's id).
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

cd "${GITHUB_WORKSPACE:?GITHUB_WORKSPACE is not set}"

config=${INPUT_CONFIG:-}
[[ -n $config ]] || die "the config input is required: the path of a journeys YAML file in your repository, such as journeys.yml"
if [[ ! -f $config ]]; then
	die "config file '$config' not found in $GITHUB_WORKSPACE: check the path, and run actions/checkout before this action"
fi

out=${INPUT_OUT:-journeys-out}
out=${out%/}
[[ -n $out ]] || die "the out input must name a folder, not the file system root"

as_of=${INPUT_AS_OF:-}
if [[ -n $as_of && ! $as_of =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}$ ]]; then
	die "as-of '$as_of' is not a date: write it as YYYY-MM-DD, or leave it empty for today"
fi

case $(printf '%s' "${INPUT_PSEUDONYMIZE:-false}" | tr '[:upper:]' '[:lower:]') in
true) pseudonymize=true ;;
false | '') pseudonymize=false ;;
*) die "pseudonymize must be true or false, not '${INPUT_PSEUDONYMIZE}'" ;;
esac

# The action decides where the output and the state go, since it caches the
# state and reports the paths: args must not move them.
read -r -a extra <<<"${INPUT_ARGS//$'\n'/ }"
for a in ${extra[@]+"${extra[@]}"}; do
	case $a in
	--config | --config=* | -c | -c* | --out | --out=* | -o | -o*)
		die "args must not set '$a': use the action's config and out inputs"
		;;
	--state | --state=*)
		die "args must not set '$a': the action keeps the state in OUT/.state, which it caches between runs"
		;;
	esac
done

if [[ $out == /* || $out =~ ^[A-Za-z]:[\\/] ]]; then
	out_abs=$out
else
	out_abs=$GITHUB_WORKSPACE/$out
fi

# The state is cached under a key made of the config's hash and the run, so
# every run saves a new entry; a run restores the newest entry of the same
# config, else the newest of any config (the state is kept per repository,
# and a repository that left the config is simply not read).
if command -v sha256sum >/dev/null 2>&1; then
	hash=$(sha256sum <"$config" | cut -c1-16)
else
	hash=$(shasum -a 256 <"$config" | cut -c1-16)
fi
prefix="journeys-state-v1-${RUNNER_OS:-$(uname -s)}"

set_output config "$config"
set_output out-dir "$out_abs"
set_output state-dir "$out/.state"
set_output pseudonymize "$pseudonymize"
set_output cache-prefix "$prefix"
set_output cache-key "$prefix-$hash"
echo "journeys: config $config, output in $out_abs, state cached as $prefix-$hash-RUN"
