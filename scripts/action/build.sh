#!/usr/bin/env bash
# build.sh builds journeys from the action's own source (./cmd/journeys under
# $GITHUB_ACTION_PATH) into $RUNNER_TEMP. actions/setup-go, the step before,
# restores Go's module and build caches, so a repeat build mostly links.
#
# Reads: GITHUB_ACTION_PATH, RUNNER_TEMP, GITHUB_OUTPUT. Writes the output: bin.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

command -v go >/dev/null 2>&1 || die "go is not on PATH: the actions/setup-go step should have installed it"
dir="${RUNNER_TEMP:?RUNNER_TEMP is not set}/journeys/bin"
mkdir -p "$dir"
bin="$dir/journeys$(exe_suffix)"

ldflags="-s -w"
ref=$(action_ref)
if [[ -n $ref ]] && is_version "$ref"; then
	ldflags+=" -X github.com/journeys-dev/journeys/internal/version.stamp=$ref"
fi

cd "${GITHUB_ACTION_PATH:?GITHUB_ACTION_PATH is not set}"
start=$SECONDS
# The workspace's own go.work or GOFLAGS must not change how the action builds.
GOWORK=off GOFLAGS=-mod=readonly go build -ldflags "$ldflags" -o "$bin" ./cmd/journeys
echo "journeys: built $("$bin" version) with $(go version | awk '{ print $3 }') in $((SECONDS - start))s"
set_output bin "$bin"
