#!/usr/bin/env bash
# Checks the Helm charts in helm/: `helm lint --strict` with default values, then `helm template`
# renderings validated against the Kubernetes schemas by kubernetes-validate in strict mode (an
# unknown field fails). Installs helm and kubernetes-validate into .cache on first use.
#
#   check-charts.sh                      check every chart
#   check-charts.sh --validate FILE...   only validate rendered manifests (test/helm uses this)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

# The Kubernetes API version the manifests are validated against (a schema kubernetes-validate
# ships): the oldest AKS minor the charts are meant for.
KUBERNETES_SCHEMA_VERSION=1.31.0

kubernetes_validate=$(bash scripts/tools/install-kubernetes-validate.sh)
validate() {
  "$kubernetes_validate" --strict --quiet --kubernetes-version "$KUBERNETES_SCHEMA_VERSION" "$@"
}

if [ "${1:-}" = "--validate" ]; then
  shift
  validate "$@"
  exit 0
fi

helm=$(bash scripts/tools/install-helm.sh)
rendered=$(mktemp -d)
trap 'rm -rf "$rendered"' EXIT

for chart in helm/*/; do
  chart=${chart%/}
  name=$(basename "$chart")
  echo "==> $chart: helm lint --strict"
  "$helm" lint --strict "$chart"
  echo "==> $chart: helm template (default values) | kubernetes-validate --strict (Kubernetes $KUBERNETES_SCHEMA_VERSION)"
  "$helm" template "check-$name" "$chart" --namespace check >"$rendered/$name.yaml"
  validate "$rendered/$name.yaml"
done

# The measure agent is off by default: render it too.
echo "==> helm/simulator with the measure agent | kubernetes-validate --strict"
"$helm" template check-agent helm/simulator --namespace check \
  --set load.enabled=false --set measureAgent.enabled=true \
  --set secrets.measurementsContainerUrl=https://account.blob.core.windows.net/measurements \
  >"$rendered/simulator-agent.yaml"
validate "$rendered/simulator-agent.yaml"
