#!/usr/bin/env bash
# Installs kubernetes-validate (pinned) from PyPI into the project's virtualenv .cache/venv (shared
# with check-jsonschema, hence its own stamp file), unless that exact version is already there. It
# ships the Kubernetes JSON schemas, so validating needs no network. Needs Python 3.9+ with venv and pip.
# Prints the path of the executable on stdout.
set -euo pipefail
KUBERNETES_VALIDATE_VERSION=1.37.0
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
venv="$root/.cache/venv"
bin="$venv/bin/kubernetes-validate"
stamp="$venv/.kubernetes-validate-version"

if [ -x "$bin" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$KUBERNETES_VALIDATE_VERSION" ]; then
  echo "$bin"
  exit 0
fi
python=$(command -v python3 || command -v python || true)
if [ -z "$python" ]; then
  echo "install-kubernetes-validate: Python 3 is needed for kubernetes-validate: install python3 (with venv and pip) and retry." >&2
  exit 1
fi
echo "==> installing kubernetes-validate $KUBERNETES_VALIDATE_VERSION into $venv (pip)" >&2
[ -x "$venv/bin/python" ] || "$python" -m venv "$venv" >&2
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "kubernetes-validate==$KUBERNETES_VALIDATE_VERSION" >&2
echo "$KUBERNETES_VALIDATE_VERSION" >"$stamp"
echo "$bin"
