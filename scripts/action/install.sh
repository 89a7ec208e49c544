#!/usr/bin/env bash
# install.sh looks for a prebuilt journeys in the action's own releases:
# when the action is used at a release tag (uses: OWNER/REPO@v1.2.3), it
# downloads the asset journeys-OS-ARCH[.exe] of that release and checks it
# against journeys-OS-ARCH[.exe].sha256 (sha256sum format). Anything else -
# a branch, a commit, a local action, no such asset, a bad checksum - leaves
# the output bin empty and the next steps build from source.
#
# Reads: GITHUB_ACTION_PATH, GITHUB_SERVER_URL, RUNNER_OS, RUNNER_ARCH,
# RUNNER_TEMP, GITHUB_OUTPUT. Writes the output: bin.
# No token is used: release assets of a public repository need none.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ref=$(action_ref)
repo=$(action_repo)
if [[ -z $ref ]] || ! is_version "$ref"; then
	echo "journeys: the action is not used at a release tag${ref:+ ($ref)}: building from source"
	set_output bin ""
	exit 0
fi
if ! command -v curl >/dev/null 2>&1; then
	echo "journeys: curl is missing: building from source"
	set_output bin ""
	exit 0
fi

plat=$(platform)
asset="journeys-$plat$(exe_suffix)"
url="${GITHUB_SERVER_URL:-https://github.com}/$repo/releases/download/$ref/$asset"
dir="${RUNNER_TEMP:?RUNNER_TEMP is not set}/journeys/release"
mkdir -p "$dir"
bin="$dir/journeys$(exe_suffix)"

fetch() {
	curl --fail --silent --show-error --location --retry 2 --connect-timeout 10 --max-time 300 --output "$2" "$1"
}

if ! fetch "$url" "$bin" 2>"$dir/curl.log" || ! fetch "$url.sha256" "$bin.sha256" 2>>"$dir/curl.log"; then
	echo "journeys: no prebuilt $asset in release $ref of $repo: building from source"
	rm -f "$bin" "$bin.sha256"
	set_output bin ""
	exit 0
fi

want=$(awk 'NR == 1 { print tolower($1) }' "$bin.sha256")
if command -v sha256sum >/dev/null 2>&1; then
	got=$(sha256sum "$bin" | awk '{ print $1 }')
else
	got=$(shasum -a 256 "$bin" | awk '{ print $1 }')
fi
if [[ ! $want =~ ^[0-9a-f]{64}$ || $want != "$got" ]]; then
	warn "the prebuilt $asset of release $ref does not match its checksum: building from source instead"
	rm -f "$bin"
	set_output bin ""
	exit 0
fi
chmod +x "$bin"
if ! version=$("$bin" version 2>/dev/null); then
	warn "the prebuilt $asset of release $ref does not run on this runner: building from source instead"
	rm -f "$bin"
	set_output bin ""
	exit 0
fi
echo "journeys: using the prebuilt $asset of release $ref ($version)"
set_output bin "$bin"
