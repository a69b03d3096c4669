#!/usr/bin/env bash
# Installs actionlint (pinned) into .cache/bin; prints its path.
exec bash "$(dirname "${BASH_SOURCE[0]}")/go-install.sh" actionlint v1.7.12 github.com/rhysd/actionlint/cmd/actionlint
