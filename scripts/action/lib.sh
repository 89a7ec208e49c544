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
# action: RUNNER_WORK/_actions/OWNER/REPO/REF. It prints nothing for a local
# action ("uses: ./"). The runner leaves $GITHUB_ACTION_REF and
# github.action_ref empty inside composite actions, hence the path.
action_ref() {
	local p=${GITHUB_ACTION_PATH//\\//}
	p=${p%/}
	if [[ $p =~ /_actions/([^/]+)/([^/]+)/([^/]+)$ ]]; then
		printf '%s' "${BASH_REMATCH[3]}"
	fi
}

# action_repo prints OWNER/REPO of the action, from the same path.
action_repo() {
	local p=${GITHUB_ACTION_PATH//\\//}
	p=${p%/}
	if [[ $p =~ /_actions/([^/]+)/([^/]+)/([^/]+)$ ]]; then
		printf '%s/%s' "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}"
	fi
}

# is_version tells whether a ref names a release ("v1", "v1.2", "v1.2.3",
# "v1.2.3-rc.1").
is_version() {
	[[ $1 =~ ^v[0-9]+(\.[0-9]+){0,2}(-[0-9A-Za-z.-]+)?$ ]]
}

# platform prints the GOOS-GOARCH pair of the runner, such as linux-amd64.
platform() {
	local os arch
	case ${RUNNER_OS:-$(uname -s)} in
	Linux | linux) os=linux ;;
	macOS | Darwin) os=darwin ;;
	Windows | MINGW* | MSYS*) os=windows ;;
	*) os=unknown ;;
	esac
	case ${RUNNER_ARCH:-$(uname -m)} in
	X64 | x86_64 | amd64) arch=amd64 ;;
	ARM64 | arm64 | aarch64) arch=arm64 ;;
	*) arch=unknown ;;
	esac
	printf '%s-%s' "$os" "$arch"
}

# exe_suffix prints ".exe" on Windows runners.
exe_suffix() {
	if [[ $(platform) == windows-* ]]; then
		printf '.exe'
	fi
}
