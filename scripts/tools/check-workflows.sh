#!/usr/bin/env bash
# Checks the GitHub workflows and action.yml: actionlint (with .github/actionlint.yaml; shellcheck on
# `run:` scripts when shellcheck is installed) and check-jsonschema against its vendored GitHub
# schemas. Installs both into .cache on first use (seconds afterwards).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

actionlint=$(bash scripts/tools/install-actionlint.sh)
check_jsonschema=$(bash scripts/tools/install-check-jsonschema.sh)
shopt -s nullglob
# The examples' workflows too: they are what a user repository copies.
workflows=(.github/workflows/*.yml .github/workflows/*.yaml examples/*/.github/workflows/*.yml)

echo "==> actionlint (${#workflows[@]} workflows)"
"$actionlint" "${workflows[@]}"

echo "==> check-jsonschema: workflows, action.yml, dependabot.yml"
"$check_jsonschema" --builtin-schema vendor.github-workflows "${workflows[@]}"
"$check_jsonschema" --builtin-schema vendor.github-actions action.yml
if [ -f .github/dependabot.yml ]; then
  "$check_jsonschema" --builtin-schema vendor.dependabot .github/dependabot.yml
fi
