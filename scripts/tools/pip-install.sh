#!/usr/bin/env bash
# Usage: pip-install.sh NAME VERSION [EXECUTABLE]
# Installs a pinned PyPI package into the project's virtualenv .cache/venv (shared by the Python tools,
# one stamp file each), unless that exact version is already there. Needs Python 3.9+ with venv and pip.
# Prints the path of its executable (EXECUTABLE, by default named like the package) on stdout
# (progress goes to stderr).
set -euo pipefail
name=$1 version=$2 executable=${3:-$1}
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
venv="$root/.cache/venv"
bin="$venv/bin/$executable"
stamp="$venv/.$name-version"

if [ -x "$bin" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$version" ]; then
  echo "$bin"
  exit 0
fi
python=$(command -v python3 || command -v python || true)
if [ -z "$python" ]; then
  echo "install-$name: Python 3 is needed for $name: install python3 (with venv and pip) and retry." >&2
  exit 1
fi
echo "==> installing $name $version into $venv (pip)" >&2
[ -x "$venv/bin/python" ] || "$python" -m venv "$venv" >&2
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "$name==$version" >&2
echo "$version" >"$stamp"
echo "$bin"
