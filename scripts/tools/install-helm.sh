#!/usr/bin/env bash
# Installs helm (pinned) into the project's .cache/bin with `go install`, unless that exact
# version is already there. Needs Go (1.24+); the Go module proxy serves the source.
# Prints the path of the binary on stdout.
set -euo pipefail
HELM_VERSION=v3.22.0
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bin_dir="$root/.cache/bin"
bin="$bin_dir/helm"
stamp="$bin_dir/.helm-version"

if [ -x "$bin" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$HELM_VERSION" ]; then
  echo "$bin"
  exit 0
fi
if ! command -v go >/dev/null 2>&1; then
  echo "install-helm: Go is needed to build helm ($HELM_VERSION): install Go 1.24+ and retry." >&2
  exit 1
fi
echo "==> installing helm $HELM_VERSION into $bin_dir (go install)" >&2
mkdir -p "$bin_dir"
GOBIN="$bin_dir" GOFLAGS=-buildvcs=false go install "helm.sh/helm/v3/cmd/helm@$HELM_VERSION" >&2
echo "$HELM_VERSION" >"$stamp"
echo "$bin"
