#!/usr/bin/env bash
# The project's test command (README, .ci/run): lint and format check, type check, the Flink job's
# Maven build with its tests, then every jest test (unit and integration against real Kafka and Flink).
set -euo pipefail
# shellcheck source=scripts/setup.sh
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

echo "==> lint, format, types"
npm run -s lint
npm run -s typecheck

echo "==> workflows: actionlint and JSON-schema check (tools installed into .cache on first use)"
bash scripts/tools/check-workflows.sh

echo "==> charts: helm lint and helm template validated against the Kubernetes schemas"
bash scripts/tools/check-charts.sh

if [ -f flink-job/pom.xml ]; then
  echo "==> flink-job: mvn verify"
  mvn -B -ntp -f flink-job/pom.xml verify
fi

# Maven's local repository is not safe for parallel downloads: fetch the local platform's Kafka and
# Flink once, here, before two test files resolve their classpaths at the same time.
echo "==> local runtime: Kafka and Flink from Maven Central (once)"
for component in kafka flink; do
  mvn -B -ntp -q -Dstyle.color=never -f "local-runtime/$component/pom.xml" dependency:resolve
done

# Two test files at a time (jest.config.js), except the A/B end-to-end tests: they compare timings
# of two sides, so they run afterwards, one at a time, with nothing of ours beside them.
AB_TESTS=(test/e2e/ab-local.test.ts test/e2e/own-job-ab.test.ts)
echo "==> jest: every test file but the A/B end-to-end tests"
npm test -- "${AB_TESTS[@]/#/--testPathIgnorePatterns=}"
echo "==> jest: the A/B end-to-end tests, one at a time"
npm test -- --maxWorkers=1 "${AB_TESTS[@]}"
