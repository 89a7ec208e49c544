#!/usr/bin/env bash
# install.sh installs the prebuilt journeys of the release the action's ref
# resolves to, for this runner (journeys_TAG_OS_ARCH[.exe], from
# scripts/release-build.sh), after checking it against its .sha256 asset.
#
# The release of a ref, asked of GitHub's REST API with the token input:
# - a release tag (uses: OWNER/REPO@v1.2.3): that tag's release;
# - else the commit the ref names (a moving tag such as v1, a commit SHA, a
#   branch): the newest release whose tag points at that same commit, so the
#   binary is built from the very source the action runs;
# - else, for a moving tag of a series (v1, v1.2) at a commit no release
#   points at: the latest release of that series (v1.x.y, not a prerelease).
# No release (a branch or a commit between releases, a local action), no
# binary for this platform, or GitHub unreachable: the output bin stays
# empty and the next steps build from source. A binary that does not match
# its checksum, or a release without the checksum, stops the action: it is
# never run, and never silently replaced.
#
# Reads: GITHUB_ACTION_PATH, GITHUB_API_URL, GITHUB_TOKEN (sent to the API
# host only, never printed), JOURNEYS_ACTION_REF and
# JOURNEYS_ACTION_REPOSITORY (github.action_ref and github.action_repository),
# RUNNER_OS, RUNNER_ARCH, RUNNER_TEMP, GITHUB_OUTPUT.
# Writes the outputs: bin (empty: build from source) and release (the tag
# whose binary is installed).
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# from_source ends the step successfully with no binary: the next steps set
# up Go and build.
from_source() {
	echo "journeys: $*: building from source"
	set_output bin ""
	set_output release ""
	exit 0
}

# from_source_warn does the same with a warning: something that should have
# worked did not.
from_source_warn() {
	warn "$*: building from source instead"
	set_output bin ""
	set_output release ""
	exit 0
}

token=${GITHUB_TOKEN:-}
unset GITHUB_TOKEN GH_TOKEN
if [[ $token =~ [^!-~] || $token == *\"* || $token == *\\* ]]; then
	warn "the token input holds characters no GitHub token has: looking for a release without it"
	token=""
fi

ref=$(action_ref)
repo=$(action_repo)
if [[ -z $ref || -z $repo ]]; then
	from_source "the action is not used at a ref of its repository (a local action)"
fi
if [[ ! $ref =~ ^[A-Za-z0-9][A-Za-z0-9._/-]*$ || $ref == *..* || ! $repo =~ ^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$ ]]; then
	from_source "the action's ref '$ref' is not one to look up"
fi
for tool in curl jq; do
	command -v "$tool" >/dev/null 2>&1 || from_source "$tool is not installed, so the release of $ref cannot be looked up"
done

api=${GITHUB_API_URL:-https://api.github.com}
api=${api%/}
dir="${RUNNER_TEMP:?RUNNER_TEMP is not set}/journeys/release"
rm -rf "$dir"
mkdir -p "$dir"

# get URL FILE [ACCEPT] downloads URL, a URL of the API host, to FILE and
# prints the HTTP status (000 when there was no answer). The token goes to
# curl on its standard input, never on its command line; curl sends it to
# that host only, not to the host a download redirects to.
get() {
	local url=$1 out=$2 accept=${3:-application/vnd.github+json} status
	[[ $url == "$api/"* ]] || {
		printf '000'
		return
	}
	status=$(
		{
			printf 'header = "Accept: %s"\n' "$accept"
			printf 'header = "X-GitHub-Api-Version: 2022-11-28"\n'
			if [[ -n $token ]]; then
				printf 'header = "Authorization: Bearer %s"\n' "$token"
			fi
		} | curl --config - --silent --location --retry 2 --retry-delay 1 --connect-timeout 10 --max-time 300 \
			--output "$out" --write-out '%{http_code}' "$url" 2>/dev/null
	) || true
	printf '%s' "${status:-000}"
}

# api_trouble ends the step when the API answers neither yes nor no: the
# quota of the token, an outage, no route to GitHub.
api_trouble() {
	local status=$1 what=$2
	case $status in
	000) from_source_warn "GitHub's API ($api) did not answer when looking up $what" ;;
	401) from_source_warn "GitHub's API refused the token input (HTTP 401) when looking up $what" ;;
	403 | 429) from_source_warn "GitHub's API refused to look up $what (HTTP $status; the token's quota may have run out)" ;;
	*) from_source_warn "GitHub's API answered HTTP $status when looking up $what" ;;
	esac
}

# Versions sort as numbers, and a prerelease before its release.
jq_defs='
def is_release: test("^v[0-9]+\\.[0-9]+\\.[0-9]+(-[0-9A-Za-z.-]+)?$");
def vkey: ltrimstr("v") | (split("-") | .[0] | split(".") | map(tonumber))
  + [(if test("-") then 0 else 1 end), (split("-") | .[1:] | join("-"))];
'

tag=""
how=""
release="$dir/release.json"

# 1. A release tag: its release.
if is_release_tag "$ref"; then
	status=$(get "$api/repos/$repo/releases/tags/$ref" "$release")
	case $status in
	200) tag=$ref ;;
	404) ;;
	*) api_trouble "$status" "release $ref of $repo" ;;
	esac
fi

# 2. The newest release whose tag points at the commit the ref names.
if [[ -z $tag ]]; then
	status=$(get "$api/repos/$repo/commits/$ref" "$dir/commit" application/vnd.github.sha)
	case $status in
	200) ;;
	404 | 422) from_source "$repo has no tag, branch or commit $ref to look up a release for" ;;
	*) api_trouble "$status" "the commit of $ref in $repo" ;;
	esac
	sha=$(tr -d '[:space:]' <"$dir/commit")
	[[ $sha =~ ^[0-9a-f]{40}([0-9a-f]{24})?$ ]] || from_source_warn "GitHub's API gave no commit for $ref in $repo"
	status=$(get "$api/repos/$repo/tags?per_page=100" "$dir/tags.json")
	[[ $status == 200 ]] || api_trouble "$status" "the tags of $repo"
	candidates=$(jq -r --arg sha "$sha" "$jq_defs"'
		[.[] | select(.commit.sha == $sha and (.name | is_release)) | .name]
		| sort_by(vkey) | reverse | .[]' "$dir/tags.json") ||
		from_source_warn "GitHub's API gave an unreadable list of the tags of $repo"
	for c in $candidates; do
		status=$(get "$api/repos/$repo/releases/tags/$c" "$release")
		case $status in
		200)
			tag=$c
			if [[ $c != "$ref" ]]; then
				how=", the release at the commit $ref points at (${sha:0:12})"
			fi
			break
			;;
		404) ;;
		*) api_trouble "$status" "release $c of $repo" ;;
		esac
	done
fi

# 3. A moving tag of a series at a commit without a release: the series'
# latest release.
if [[ -z $tag && $ref =~ ^v[0-9]+(\.[0-9]+)?$ ]]; then
	status=$(get "$api/repos/$repo/releases?per_page=100" "$dir/releases.json")
	[[ $status == 200 ]] || api_trouble "$status" "the releases of $repo"
	tag=$(jq -r --arg series "$ref." "$jq_defs"'
		[.[] | select((.draft | not) and (.prerelease | not) and (.tag_name | is_release) and (.tag_name | startswith($series)))]
		| sort_by(.tag_name | vkey) | last | .tag_name // empty' "$dir/releases.json") ||
		from_source_warn "GitHub's API gave an unreadable list of the releases of $repo"
	if [[ -n $tag ]]; then
		jq --arg tag "$tag" '.[] | select(.tag_name == $tag)' "$dir/releases.json" >"$release"
		how=", the latest $ref.x release ($ref points at a commit without a release)"
	fi
fi

if [[ -z $tag ]]; then
	from_source "$repo has no release for $ref"
fi
if ! jq -e '.draft != true and (.assets | type == "array")' "$release" >/dev/null 2>&1; then
	from_source_warn "GitHub's API gave an unreadable release $tag of $repo"
fi

asset=$(release_asset "$tag")
os=$(goos)
arch=$(goarch)
url_of() {
	jq -r --arg name "$1" '[.assets[] | select(.name == $name) | .url] | first // empty' "$release"
}
bin_url=$(url_of "$asset")
sum_url=$(url_of "$asset.sha256")
if [[ -z $bin_url ]]; then
	from_source "release $tag of $repo has no binary for this runner ($asset; $os/$arch)"
fi
if [[ -z $sum_url ]]; then
	die "release $tag of $repo has $asset but no $asset.sha256 to check it against: journeys does not run a binary it cannot verify. Pin the action to a release that has its checksums, or report this to $repo"
fi
for u in "$bin_url" "$sum_url"; do
	[[ $u == "$api/"* ]] || die "release $tag of $repo gives an asset address outside $api: refusing to download it"
done

bin="$dir/journeys$(exe_suffix)"
download="$dir/$asset.download"
status=$(get "$bin_url" "$download" application/octet-stream)
[[ $status == 200 ]] || from_source_warn "could not download $asset from release $tag of $repo (HTTP $status)"
status=$(get "$sum_url" "$dir/$asset.sha256" application/octet-stream)
[[ $status == 200 ]] || from_source_warn "could not download $asset.sha256 from release $tag of $repo (HTTP $status)"

# sha256sum format: HASH, two spaces (or a space and *), the file's name.
read -r want name <"$dir/$asset.sha256" || true
want=$(printf '%s' "${want:-}" | tr '[:upper:]' '[:lower:]')
name=${name#\*}
if [[ ! $want =~ ^[0-9a-f]{64}$ ]]; then
	rm -f "$download"
	die "$asset.sha256 of release $tag of $repo is not a SHA-256 checksum in sha256sum format: journeys does not run a binary it cannot verify"
fi
if [[ -n $name && $name != "$asset" ]]; then
	rm -f "$download"
	die "$asset.sha256 of release $tag of $repo is the checksum of '$name', not of $asset: journeys does not run a binary it cannot verify"
fi
got=$(sha256_of "$download")
if [[ $got != "$want" ]]; then
	rm -f "$download"
	die "$asset of release $tag of $repo does not match its checksum: SHA-256 $got, but $asset.sha256 says $want. The download was corrupted or the release was altered; it was deleted and not run. Re-run the job; if this persists, report it to $repo"
fi
mv "$download" "$bin"
chmod +x "$bin"

if ! version=$("$bin" version 2>/dev/null); then
	rm -f "$bin"
	from_source_warn "the prebuilt $asset of release $tag does not run on this runner"
fi
echo "journeys: using $asset of release $tag$how, SHA-256 $got checked ($version)"
set_output bin "$bin"
set_output release "$tag"
