#!/usr/bin/env bash
# Sustained throughput of the Flink relay (MiniCluster, parallelism 1 and 2) vs a plain Java
# KafkaConsumer -> KafkaProducer relay, over one in-JVM Kafka 3.9.1 broker on loopback.
# Usage: bench/relay-bench.sh [events (default 200000)] [repetitions (default 2)]
# Not a test: run it by hand; figures are recorded in docs/benchmarks.md.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "${here}/.."

mvn -B -ntp -q test-compile
mvn -B -ntp -q dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test

classpath="target/test-classes:target/classes:$(cat target/bench.classpath)"
mkdir -p bench/results
log="bench/results/relay-bench-$(date -u +%Y%m%dT%H%M%SZ).txt"
java -Xms2g -Xmx4g -cp "${classpath}" com.streamingatscale.flink.bench.RelayBench "$@" | tee "${log}"
echo "output kept in flink-job/${log}"
