#!/usr/bin/env bash
# What measuring costs: CPU of the `measure` process at a given rate on the local platform, with the
# audit off (the issue's target: <= 5% of one core at 10,000 events/s), then with the audit on (it
# reads every record and reports its own cost). Both measured in this one script run, same pipeline.
# Usage: bench/measure-cost.sh [events/s, default 10000] [minutes, default 2]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/setup.sh
rate=${1:-10000}
minutes=${2:-2}
repo=$PWD
work=$(mktemp -d)
sas() { (cd "$work" && node "$repo/bin/streaming-at-scale.js" "$@"); }
# Teardown first (its output kept: a failed teardown must be seen), then the work folder.
trap 'sas teardown || echo "teardown failed: see above; processes may be left in $work" >&2; rm -rf "$work"' EXIT

sas deploy --tier "$rate" >/dev/null
sas submit-flink --tier "$rate" >/dev/null
sas load --tier "$rate" --minutes $((2 * minutes + 4)) >/dev/null
for audit in false true; do
  report="$work/report-audit-$audit.json"
  sas measure --tier "$rate" --minutes "$minutes" --interval-seconds 30 --audit "$audit" \
    --report-file "$report" --min-steady-minutes 1 >"$work/measure-$audit.log" 2>&1 || true
  # shellcheck disable=SC2016 # JavaScript for node -e: its $ and quotes are not the shell's
  node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const m = r.measurement, a = r.audit;
    const steady = r.rampUp.steady ? r.rampUp.steady.meanPerSecond.toFixed(0) : "none";
    console.log(`audit ${process.argv[2].padEnd(5)}: measure used ${m.cpuSeconds.toFixed(2)} CPU s in ${m.wallSeconds.toFixed(0)} s = ${m.cpuPercentOfOneCore.toFixed(2)}% of one core` +
      ` (latency from ${m.latencyRecords} output records; steady output ${steady} events/s)` +
      (a ? `; the audit itself: ${a.costSeconds.toFixed(1)} CPU s for ${a.expectedFromIn + a.outRecords} records` : ""));
  ' "$report" "$audit"
done
