#!/usr/bin/env bash
# Benchmark: the simulator's achieved rate against its target at 1,000 and 5,000 events/s (both at
# once, against one local broker), for N seconds each (default 30). Prints one line per rate; the
# figures and how to read them: docs/benchmarks.md. Run it on a quiet machine.
#
# Usage: simulator/bench/rate-accuracy.sh [SECONDS]
# Needs: Java 17+ and Maven (the local platform's prerequisites).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source-path=SCRIPTDIR/../.. source=scripts/setup.sh
source "$repo/scripts/setup.sh" # npm ci if needed; the project's Node 24 first on PATH
cd "$repo"
work="$(mktemp -d "${TMPDIR:-/tmp}/sas-rate-XXXXXX")"
trap 'rm -rf "$work"' EXIT
export STREAMING_AT_SCALE_LOCAL_RUNTIME="$repo/local-runtime"
echo "==> bundling the benchmark (ncc)"
npx ncc build simulator/bench/rate-accuracy.ts -o "$work/bench" -q
echo "==> load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
node "$work/bench/index.js" "${1:-30}"
