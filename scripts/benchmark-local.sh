#!/usr/bin/env bash
# The main job: a local benchmark (real Kafka + real Flink on this machine), 2 minutes at tier 1 by
# default. Any streaming-at-scale input may follow, e.g. --tier 5 --minutes 10 --report-file report.json
set -euo pipefail
# shellcheck source=scripts/setup.sh
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
exec node bin/streaming-at-scale.js run --platform local --tier 1 --minutes 2 "$@"
