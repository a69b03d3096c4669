#!/usr/bin/env bash
# HDInsight script action on the Hadoop cluster's head nodes (platform hdinsight): starts the
# benchmark's Flink job detached on YARN, in application mode, and prints its YARN application id.
# Both head nodes run a script action; only hn0 submits, so the job runs once. A job of the same
# YARN application name still running (an earlier submit-flink of this run) is killed first.
#
# Usage: submit-flink-job.sh <jar-url-base64> <entry-class> <parallelism> <yarn-application-name> [job arguments...]
#   jar-url-base64   base64 of the job jar's URL (a read-only SAS URL: its '&' must not meet a shell)
#   job arguments    passed to the job's main() unchanged
set -euo pipefail

readonly FLINK_VERSION=1.20.5
readonly SCALA_VERSION=2.12
readonly FLINK_NAME="flink-${FLINK_VERSION}"
readonly FLINK_ARCHIVE="${FLINK_NAME}-bin-scala_${SCALA_VERSION}.tgz"
readonly FLINK_URL="https://archive.apache.org/dist/flink/${FLINK_NAME}/${FLINK_ARCHIVE}"
# Where Flink is unpacked (kept for later runs on the node); tests point it elsewhere.
readonly INSTALL_DIR=${STREAMING_AT_SCALE_INSTALL_DIR:-/opt/streaming-at-scale}

if [[ $# -lt 4 ]]; then
  echo "usage: $0 <jar-url-base64> <entry-class> <parallelism> <yarn-application-name> [job arguments...]" >&2
  exit 2
fi
jar_url=$(printf '%s' "$1" | base64 --decode)
entry_class=$2
parallelism=$3
app_name=$4
shift 4

host=$(hostname -s)
if [[ $host != hn0-* ]]; then
  echo "Head node ${host}: nothing to do (the job is submitted from hn0 only)."
  exit 0
fi

# The YARN applications of that name that are not finished, one id per line.
live_applications() {
  yarn application -list -appStates NEW,NEW_SAVING,SUBMITTED,ACCEPTED,RUNNING 2>/dev/null |
    awk -v name="$app_name" '$1 ~ /^application_/ && $2 == name { print $1 }'
}

# Flink's binary distribution, once per node, checked against the archive's SHA-512.
flink_home="${INSTALL_DIR}/${FLINK_NAME}"
if [[ ! -x "${flink_home}/bin/flink" ]]; then
  echo "Downloading ${FLINK_URL}"
  mkdir -p "$INSTALL_DIR"
  download=$(mktemp -d)
  curl -fsSL --retry 5 --retry-delay 5 -o "${download}/${FLINK_ARCHIVE}" "$FLINK_URL"
  curl -fsSL --retry 5 --retry-delay 5 -o "${download}/${FLINK_ARCHIVE}.sha512" "${FLINK_URL}.sha512"
  expected=$(awk '{ print $1; exit }' "${download}/${FLINK_ARCHIVE}.sha512")
  actual=$(sha512sum "${download}/${FLINK_ARCHIVE}" | awk '{ print $1 }')
  if [[ $expected != "$actual" ]]; then
    echo "The SHA-512 of ${FLINK_ARCHIVE} does not match ${FLINK_URL}.sha512" >&2
    exit 1
  fi
  tar -xzf "${download}/${FLINK_ARCHIVE}" -C "$INSTALL_DIR"
  rm -rf "$download"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
curl -fsSL --retry 5 --retry-delay 5 -o "${work}/job.jar" "$jar_url"

for old in $(live_applications); do
  echo "Killing ${old}, an earlier ${app_name} still alive"
  yarn application -kill "$old"
done

# Flink finds YARN and HDFS through the cluster's own Hadoop configuration and jars.
HADOOP_CLASSPATH=$(hadoop classpath)
export HADOOP_CLASSPATH
export HADOOP_CONF_DIR=/etc/hadoop/conf

echo "Submitting ${app_name} (parallelism ${parallelism}) to YARN"
if ! "${flink_home}/bin/flink" run-application -t yarn-application \
  -Dyarn.application.name="$app_name" \
  -Dparallelism.default="$parallelism" \
  -c "$entry_class" \
  "${work}/job.jar" "$@" >"${work}/client.out" 2>&1; then
  echo "flink run-application failed:" >&2
  cat "${work}/client.out" >&2
  tail -n 100 "${flink_home}"/log/flink-*-client-*.log >&2 || true
  exit 1
fi
cat "${work}/client.out"

application=$(live_applications | tail -n 1)
if [[ -z $application ]]; then
  echo "Flink submitted ${app_name}, but YARN lists no live application of that name" >&2
  exit 1
fi
echo "YARN application: ${application}"
