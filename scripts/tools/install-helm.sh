#!/usr/bin/env bash
# Installs helm (pinned) into .cache/bin; prints its path.
exec bash "$(dirname "${BASH_SOURCE[0]}")/go-install.sh" helm v3.22.0 helm.sh/helm/v3/cmd/helm
