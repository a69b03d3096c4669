#!/usr/bin/env bash
# Installs check-jsonschema (pinned) from PyPI into the project's virtualenv .cache/venv, unless that
# exact version is already there. Needs Python 3.9+ with venv and pip.
# Prints the path of the executable on stdout.
set -euo pipefail
CHECK_JSONSCHEMA_VERSION=0.39.0
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
venv="$root/.cache/venv"
bin="$venv/bin/check-jsonschema"
stamp="$venv/.check-jsonschema-version"

if [ -x "$bin" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$CHECK_JSONSCHEMA_VERSION" ]; then
  echo "$bin"
  exit 0
fi
python=$(command -v python3 || command -v python || true)
if [ -z "$python" ]; then
  echo "install-check-jsonschema: Python 3 is needed for check-jsonschema: install python3 (with venv and pip) and retry." >&2
  exit 1
fi
echo "==> installing check-jsonschema $CHECK_JSONSCHEMA_VERSION into $venv (pip)" >&2
[ -x "$venv/bin/python" ] || "$python" -m venv "$venv" >&2
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "check-jsonschema==$CHECK_JSONSCHEMA_VERSION" >&2
echo "$CHECK_JSONSCHEMA_VERSION" >"$stamp"
echo "$bin"
