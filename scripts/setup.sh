#!/usr/bin/env bash
# Installs the npm packages (Node 24 among them) unless node_modules already matches the lock file
# and the patches/ applied to them (patch-package, at npm's postinstall).
# Sourced by the other scripts; Maven artifacts are resolved on first use by Maven itself.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
lock_hash=$(cat package-lock.json patches/*.patch | sha256sum | cut -d' ' -f1)
if [ "$(cat node_modules/.installed-lock-hash 2>/dev/null)" != "$lock_hash" ]; then
  echo "==> npm ci (installs the project's packages and Node 24)"
  npm ci --no-audit --no-fund
  echo "$lock_hash" >node_modules/.installed-lock-hash
fi
export PATH="$PWD/node_modules/.bin:$PATH" # the project's Node 24 first
