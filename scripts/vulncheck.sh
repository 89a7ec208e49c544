#!/usr/bin/env bash
# Check the module and the Go toolchain for known vulnerabilities with
# govulncheck, against a database built offline from the golang.org/x/vulndb
# module (fetched through the Go module proxy like any module), for machines
# that cannot reach vuln.go.dev.
#
# Usage: scripts/vulncheck.sh [govulncheck arguments]   (default: ./...)
# Environment:
#   VULNDB_VERSION  the golang.org/x/vulndb version to build from (default: latest)
#   VULNDB_DIR      where the database is built (default: a cache folder
#                   per version; reused when already built)
# Exit status: govulncheck's (0: no vulnerability reached by the code,
# 3: some are).
set -euo pipefail
cd "$(dirname "$0")/.."

version="${VULNDB_VERSION:-latest}"
if [[ "$version" == latest ]]; then
	version="$(go mod download -json golang.org/x/vulndb@latest | sed -n 's/^[[:space:]]*"Version": "\(.*\)",$/\1/p')"
fi
if [[ -z "$version" ]]; then
	echo "vulncheck: could not resolve golang.org/x/vulndb@${VULNDB_VERSION:-latest}" >&2
	exit 2
fi
go mod download golang.org/x/vulndb@"$version"
osv="$(go env GOMODCACHE)/golang.org/x/vulndb@$version/data/osv"

db="${VULNDB_DIR:-$(go env GOCACHE)/journeys-vulndb/$version}"
if [[ ! -f "$db/index/db.json" ]]; then
	# Built aside, then renamed: an interrupted build leaves no half database.
	mkdir -p "$(dirname "$db")"
	tmp="$(mktemp -d "$(dirname "$db")/.build.XXXXXX")"
	trap 'rm -rf "$tmp"' EXIT
	go run golang.org/x/vulndb/cmd/indexdb@"$version" -vulns "$osv" -out "$tmp/db"
	rm -rf "$db"
	mv "$tmp/db" "$db"
fi

if ! command -v govulncheck >/dev/null 2>&1; then
	go install golang.org/x/vuln/cmd/govulncheck@latest
	PATH="$(go env GOPATH)/bin:$PATH"
fi

echo "vulncheck: $(go version | cut -d' ' -f3), vulndb $version" >&2
if [[ $# -eq 0 ]]; then
	set -- ./...
fi
govulncheck -db "file://$db" "$@"
