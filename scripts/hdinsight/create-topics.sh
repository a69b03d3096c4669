#!/usr/bin/env bash
# HDInsight script action on the Kafka cluster's head nodes (platforms aks and hdinsight): creates
# the benchmark's topics with the tier's partitions, since the cluster has topic auto-creation off,
# and checks that topics left by an earlier run have them (fewer are added; more is an error).
# Both head nodes run a script action; only hn0 acts.
#
# Usage: create-topics.sh <bootstrap-servers> <partitions> <replication-factor> <topic>...
set -euo pipefail

# HDInsight's Kafka tools; tests point it at the same tool of a local Kafka.
readonly KAFKA_TOPICS=${STREAMING_AT_SCALE_KAFKA_TOPICS:-/usr/hdp/current/kafka-broker/bin/kafka-topics.sh}

if [[ $# -lt 4 ]]; then
  echo "usage: $0 <bootstrap-servers> <partitions> <replication-factor> <topic>..." >&2
  exit 2
fi
brokers=$1
partitions=$2
replication=$3
shift 3

host=$(hostname -s)
if [[ $host != hn0-* ]]; then
  echo "Head node ${host}: nothing to do (topics are created from hn0 only)."
  exit 0
fi

partition_count() {
  "$KAFKA_TOPICS" --bootstrap-server "$brokers" --describe --topic "$1" |
    grep -o 'PartitionCount: *[0-9]*' | head -n 1 | grep -o '[0-9]*$'
}

for topic in "$@"; do
  "$KAFKA_TOPICS" --bootstrap-server "$brokers" --create --if-not-exists --topic "$topic" \
    --partitions "$partitions" --replication-factor "$replication"
  have=$(partition_count "$topic")
  if ((have < partitions)); then
    "$KAFKA_TOPICS" --bootstrap-server "$brokers" --alter --topic "$topic" --partitions "$partitions"
    have=$(partition_count "$topic")
  fi
  if ((have != partitions)); then
    echo "Topic ${topic} has ${have} partitions, not ${partitions}: Kafka cannot remove partitions; delete the topic or use a new solution name." >&2
    exit 1
  fi
  echo "Topic ${topic}: ${have} partitions, replication factor ${replication}."
done
