#!/usr/bin/env bash
# Installs kubernetes-validate (pinned) from PyPI into .cache/venv; prints its path. It ships the
# Kubernetes JSON schemas, so validating needs no network.
exec bash "$(dirname "${BASH_SOURCE[0]}")/pip-install.sh" kubernetes-validate 1.37.0
