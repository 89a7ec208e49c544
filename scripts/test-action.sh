#!/usr/bin/env bash
# test-action.sh checks the GitHub Action (action.yml): it lints the example
# workflow with actionlint and the step scripts with shellcheck when they are
# installed, then runs internal/actiontest, which runs action.yml's steps the
# way a runner does, against the fake GitHub API. Extra arguments go to
# "go test" (for example -short to skip the runs that build journeys).
set -euo pipefail
cd "$(dirname "$0")/.."

gobin=$(go env GOPATH)/bin
PATH=$PATH:$gobin

if command -v actionlint >/dev/null 2>&1; then
	actionlint examples/workflows/*.yml
	echo "actionlint: examples/workflows ok"
else
	echo "actionlint is not installed (go install github.com/rhysd/actionlint/cmd/actionlint@v1.7.12): skipped" >&2
fi
if command -v shellcheck >/dev/null 2>&1; then
	(cd scripts/action && shellcheck -x ./*.sh)
	echo "shellcheck: scripts/action ok"
else
	echo "shellcheck is not installed (apt-get install shellcheck): skipped" >&2
fi

go test -count=1 "$@" ./internal/actiontest/
