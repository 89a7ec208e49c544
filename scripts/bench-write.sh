#!/usr/bin/env bash
# Write speed and peak memory of events.parquet (1M synthetic rows).
# Usage: scripts/bench-write.sh [COUNT]   (benchstat-ready output on stdout)
set -euo pipefail
cd "$(dirname "$0")/.."
count="${1:-5}"
bin="$(mktemp -d)/collect.test"
go test -c -o "$bin" ./collect/
"$bin" -test.run '^$' -test.bench 'WriteEvents' -test.benchtime 3x -test.count "$count"
# Peak memory of one write, generating the rows included.
/usr/bin/time -f 'peak RSS of one run: %M KiB' "$bin" -test.run '^$' -test.bench 'WriteEvents' -test.benchtime 1x >/dev/null
rm -rf "$(dirname "$bin")"
