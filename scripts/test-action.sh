#!/usr/bin/env bash
# test-action.sh checks the GitHub Action (action.yml) and the release that
# feeds it: it lints the example workflow and .github/workflows with
# actionlint, and the step scripts and scripts/release-build.sh with
# ShellCheck, when they are installed; then it runs internal/actiontest, which
# runs action.yml's steps the way a runner does, against the fake GitHub API
# and a fake of the releases API. Extra arguments go to "go test" (for
# example -short to skip the runs that build journeys).
set -euo pipefail
cd "$(dirname "$0")/.."

gobin=$(go env GOPATH)/bin
PATH=$PATH:$gobin

if command -v actionlint >/dev/null 2>&1; then
	actionlint examples/workflows/*.yml .github/workflows/*.yml
	echo "actionlint: examples/workflows and .github/workflows ok"
else
	echo "actionlint is not installed (go install github.com/rhysd/actionlint/cmd/actionlint@v1.7.12): skipped" >&2
fi
if command -v shellcheck >/dev/null 2>&1; then
	(cd scripts/action && shellcheck -x ./*.sh)
	shellcheck scripts/release-build.sh
	echo "shellcheck: scripts/action and scripts/release-build.sh ok"
else
	echo "shellcheck is not installed (apt-get install shellcheck): skipped" >&2
fi

go test -count=1 "$@" ./internal/actiontest/
