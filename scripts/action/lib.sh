# shellcheck shell=bash
# lib.sh holds what the action's step scripts share. It is sourced, not run.

# die prints a GitHub error annotation and the same message for a person
# reading the log, then exits with status 1.
die() {
	echo "::error title=journeys::$(annotation_escape "$*")"
	exit 1
}

# warn prints a GitHub warning annotation.
warn() {
	echo "::warning title=journeys::$(annotation_escape "$*")"
}

# annotation_escape escapes a message for a workflow command, as GitHub's
# toolkit does: % first, then line breaks.
annotation_escape() {
	local s=$1
	s=${s//'%'/'%25'}
	s=${s//$'\r'/'%0D'}
	s=${s//$'\n'/'%0A'}
	printf '%s' "$s"
}

# set_output writes name=value to $GITHUB_OUTPUT, in the heredoc form when
# the value spans lines.
set_output() {
	local name=$1 value=$2
	if [[ $value == *$'\n'* ]]; then
		local delim
		delim="journeys_$(date +%s%N)_$RANDOM"
		printf '%s<<%s\n%s\n%s\n' "$name" "$delim" "$value" "$delim" >>"$GITHUB_OUTPUT"
	else
		printf '%s=%s\n' "$name" "$value" >>"$GITHUB_OUTPUT"
	fi
}

# action_ref prints the ref the action was used at ("v1.2.0" in
# "uses: journeys-dev/journeys@v1.2.0"), read from where the runner put the
# action: RUNNER_WORK/_actions/OWNER/REPO/REF. The runner leaves
# $GITHUB_ACTION_REF empty inside composite actions, and github.action_ref
# names the outermost action when one composite action uses another, hence
# the path first; github.action_ref, which the install step passes as
# JOURNEYS_ACTION_REF, only when the path does not say (a branch name with a
# slash). It prints nothing for a local action ("uses: ./").
action_ref() {
	local p=${GITHUB_ACTION_PATH//\\//}
	p=${p%/}
	if [[ $p =~ /_actions/([^/]+)/([^/]+)/([^/]+)$ ]]; then
		printf '%s' "${BASH_REMATCH[3]}"
	elif [[ $p == */_actions/* ]]; then
		printf '%s' "${JOURNEYS_ACTION_REF:-}"
	fi
}

# action_repo prints OWNER/REPO of the action, from the same path, else from
# github.action_repository (JOURNEYS_ACTION_REPOSITORY).
action_repo() {
	local p=${GITHUB_ACTION_PATH//\\//}
	p=${p%/}
	if [[ $p =~ /_actions/([^/]+)/([^/]+)/([^/]+)$ ]]; then
		printf '%s/%s' "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}"
	elif [[ $p == */_actions/* ]]; then
		printf '%s' "${JOURNEYS_ACTION_REPOSITORY:-}"
	fi
}

# is_version tells whether a ref names a release or a series of releases
# ("v1", "v1.2", "v1.2.3", "v1.2.3-rc.1").
is_version() {
	[[ $1 =~ ^v[0-9]+(\.[0-9]+){0,2}(-[0-9A-Za-z.-]+)?$ ]]
}

# is_release_tag tells whether a tag names one release, as the release
# workflow publishes them: vX.Y.Z or vX.Y.Z-PRERELEASE.
is_release_tag() {
	[[ $1 =~ ^v[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$ ]]
}

# goos and goarch print the runner's platform as Go names it: linux, darwin,
# windows; amd64, arm64 ("unknown" for anything else).
goos() {
	case ${RUNNER_OS:-$(uname -s)} in
	Linux | linux) printf linux ;;
	macOS | Darwin) printf darwin ;;
	Windows | MINGW* | MSYS* | CYGWIN*) printf windows ;;
	*) printf unknown ;;
	esac
}

goarch() {
	case ${RUNNER_ARCH:-$(uname -m)} in
	X64 | x86_64 | amd64) printf amd64 ;;
	ARM64 | arm64 | aarch64) printf arm64 ;;
	*) printf unknown ;;
	esac
}

# exe_suffix prints ".exe" on Windows runners.
exe_suffix() {
	if [[ $(goos) == windows ]]; then
		printf '.exe'
	fi
}

# release_asset prints the name of the release binary of TAG for this
# runner, as scripts/release-build.sh names it: journeys_TAG_OS_ARCH, with
# .exe on Windows. Its checksum is the asset of the same name plus .sha256.
release_asset() {
	printf 'journeys_%s_%s_%s%s' "$1" "$(goos)" "$(goarch)" "$(exe_suffix)"
}

# sha256_of prints the SHA-256 of a file in lower-case hex.
sha256_of() {
	if command -v sha256sum >/dev/null 2>&1; then
		sha256sum "$1" | awk '{ print tolower($1) }'
	else
		shasum -a 256 "$1" | awk '{ print tolower($1) }'
	fi
}
