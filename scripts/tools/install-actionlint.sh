#!/usr/bin/env bash
# Installs actionlint (pinned) into the project's .cache/bin with `go install`, unless that exact
# version is already there. Needs Go (1.24+); the Go module proxy serves the source.
# Prints the path of the binary on stdout.
set -euo pipefail
ACTIONLINT_VERSION=v1.7.12
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bin_dir="$root/.cache/bin"
bin="$bin_dir/actionlint"
stamp="$bin_dir/.actionlint-version"

if [ -x "$bin" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$ACTIONLINT_VERSION" ]; then
  echo "$bin"
  exit 0
fi
if ! command -v go >/dev/null 2>&1; then
  echo "install-actionlint: Go is needed to build actionlint ($ACTIONLINT_VERSION): install Go 1.24+ and retry." >&2
  exit 1
fi
echo "==> installing actionlint $ACTIONLINT_VERSION into $bin_dir (go install)" >&2
mkdir -p "$bin_dir"
GOBIN="$bin_dir" GOFLAGS=-buildvcs=false go install "github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION" >&2
echo "$ACTIONLINT_VERSION" >"$stamp"
echo "$bin"
