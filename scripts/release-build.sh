#!/usr/bin/env bash
# release-build.sh builds the release binaries of journeys for TAG into DIR
# (default dist), with the version stamped in, and a checksum next to each:
#
#	journeys_TAG_OS_ARCH[.exe]           the binary (.exe on Windows)
#	journeys_TAG_OS_ARCH[.exe].sha256    its SHA-256, in sha256sum format
#
# These names are what the Action's installer (scripts/action/install.sh,
# release_asset in scripts/action/lib.sh) downloads; "sha256sum -c" checks a
# download. The release workflow (.github/workflows/release.yml) runs this
# script; JOURNEYS_TARGETS ("GOOS/GOARCH ...") narrows the platforms.
#
#	scripts/release-build.sh v1.2.3 dist
set -euo pipefail

usage() {
	echo "usage: scripts/release-build.sh TAG [DIR]   (TAG: vX.Y.Z or vX.Y.Z-PRERELEASE)" >&2
	exit 2
}
tag=${1:-}
[[ $tag =~ ^v[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$ ]] || usage
out=${2:-dist}
targets=${JOURNEYS_TARGETS:-linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64}

mkdir -p "$out"
out=$(cd "$out" && pwd)
cd "$(dirname "${BASH_SOURCE[0]}")/.."

sum() {
	if command -v sha256sum >/dev/null 2>&1; then
		sha256sum "$1"
	else
		shasum -a 256 "$1"
	fi
}

for target in $targets; do
	goos=${target%/*}
	goarch=${target#*/}
	name="journeys_${tag}_${goos}_${goarch}"
	if [[ $goos == windows ]]; then
		name+=.exe
	fi
	# A static binary, with no path of this machine in it; the workspace's
	# go.work or GOFLAGS must not change what is built.
	CGO_ENABLED=0 GOOS=$goos GOARCH=$goarch GOWORK=off GOFLAGS=-mod=readonly \
		go build -trimpath -ldflags "-s -w -X github.com/journeys-dev/journeys/internal/version.stamp=${tag}" \
		-o "$out/$name" ./cmd/journeys
	(cd "$out" && sum "$name" >"$name.sha256")
	echo "$name: $(cut -d' ' -f1 <"$out/$name.sha256")"
done
