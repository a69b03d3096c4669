#!/usr/bin/env bash
# Usage: go-install.sh NAME VERSION MODULE_PATH
# Builds a pinned Go tool into the project's .cache/bin with `go install MODULE_PATH@VERSION`, unless
# that exact version is already there. Needs Go (1.24+); the Go module proxy serves the source.
# Prints the path of the binary on stdout (progress goes to stderr).
set -euo pipefail
name=$1 version=$2 module=$3
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bin_dir="$root/.cache/bin"
bin="$bin_dir/$name"
stamp="$bin_dir/.$name-version"

if [ -x "$bin" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$version" ]; then
  echo "$bin"
  exit 0
fi
if ! command -v go >/dev/null 2>&1; then
  echo "install-$name: Go is needed to build $name ($version): install Go 1.24+ and retry." >&2
  exit 1
fi
echo "==> installing $name $version into $bin_dir (go install)" >&2
mkdir -p "$bin_dir"
GOBIN="$bin_dir" GOFLAGS=-buildvcs=false go install "$module@$version" >&2
echo "$version" >"$stamp"
echo "$bin"
