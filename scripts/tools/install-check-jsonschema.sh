#!/usr/bin/env bash
# Installs check-jsonschema (pinned) from PyPI into .cache/venv; prints its path.
exec bash "$(dirname "${BASH_SOURCE[0]}")/pip-install.sh" check-jsonschema 0.39.0
