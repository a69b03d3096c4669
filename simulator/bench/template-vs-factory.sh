#!/usr/bin/env bash
# Micro benchmark: events/s of EventFactory against TemplateEventFactory(DEFAULT_WORKLOAD), building
# EVENTS events per round (default 1,000,000), no Kafka. Run it on a quiet machine (or with nice and
# read the ratio, not the absolute figures).
#
# Usage: simulator/bench/template-vs-factory.sh [EVENTS]
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source-path=SCRIPTDIR/../.. source=scripts/setup.sh
source "$repo/scripts/setup.sh" # npm ci if needed; the project's Node 24 first on PATH
cd "$repo"
work="$(mktemp -d "${TMPDIR:-/tmp}/sas-template-XXXXXX")"
trap 'rm -rf "$work"' EXIT
echo "==> bundling the benchmark (ncc)"
npx ncc build simulator/bench/template-vs-factory.ts -o "$work/bench" -q
echo "==> load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
node "$work/bench/index.js" "${1:-1000000}"
