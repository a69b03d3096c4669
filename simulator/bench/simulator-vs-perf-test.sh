#!/usr/bin/env bash
# Benchmark: the highest events/s one simulator process sustains on one core, next to Kafka's own
# producer performance tool (org.apache.kafka.tools.ProducerPerformance, a.k.a.
# kafka-producer-perf-test) with the same record size, acks, batching and compression, against the
# same local broker, in the same run. Figures and method: docs/benchmarks.md.
#
# Usage: simulator/bench/simulator-vs-perf-test.sh [--seconds N] [--records N] [--profile DIR]
#   --seconds N   how long the simulator runs flat out (default 20)
#   --records N   records ProducerPerformance sends (default 1500000)
#   --profile DIR also write a V8 CPU profile of the simulator run (node --cpu-prof) to DIR
#
# Needs: Java 17+, Maven (the local platform's prerequisites), taskset (util-linux), 2+ cores.
# The broker is pinned to core 0, each client in turn to core 1.
set -euo pipefail

seconds=20
records=1500000
profile_dir=""
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --records) records="$2"; shift 2 ;;
    --profile) profile_dir="$2"; shift 2 ;;
    -h | --help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
done

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source-path=SCRIPTDIR/../.. source=scripts/setup.sh
source "$repo/scripts/setup.sh" # npm ci if needed; the project's Node 24 first on PATH
cd "$repo"
if [ "$(nproc)" -lt 2 ]; then
  echo "error: needs at least 2 cores (broker on core 0, client on core 1)" >&2
  exit 1
fi

# Same settings on both sides.
acks=-1
compression=none
batch_events=500       # simulator: events per produce call (--max-batch-events)
in_flight=16           # simulator: produce calls in flight (--max-in-flight)
linger_ms=5            # simulator: sends every 5 ms when less than a full batch is due
record_size=920        # bytes: the mean size of the simulator's default event (23 moreData fields)
batch_bytes=$((batch_events * (record_size + 80)))

work="$(mktemp -d "${TMPDIR:-/tmp}/sas-bench-XXXXXX")"
export STREAMING_AT_SCALE_LOCAL_RUNTIME="$repo/local-runtime"
started_broker=""
cleanup() {
  if [ -n "$started_broker" ]; then node "$work/broker/index.js" stop "$work/run" || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

echo "==> bundling the simulator CLI and the broker helper (ncc)"
npx ncc build simulator/src/cli.ts -o "$work/simulator" -q
npx ncc build simulator/bench/broker.ts -o "$work/broker" -q

echo "==> starting Kafka (the local platform's launcher), topic bench with 1 partition"
mkdir -p "$work/run"
started_broker=yes
bootstrap="$(node "$work/broker/index.js" start "$work/run" bench:1)"
broker_pid="$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1])).process.pid)' "$work/run/kafka-instance.json")"
taskset -a -p -c 0 "$broker_pid" >/dev/null
classpath="$(node "$work/broker/index.js" classpath)"
echo "    broker $bootstrap (pid $broker_pid, pinned to core 0); load average: $(cut -d' ' -f1-3 /proc/loadavg)"

echo "==> simulator: ${seconds} s flat out on core 1"
prof_args=()
if [ -n "$profile_dir" ]; then
  mkdir -p "$profile_dir"
  prof_args=(--cpu-prof "--cpu-prof-dir=$profile_dir")
fi
taskset -c 1 node "${prof_args[@]}" "$work/simulator/index.js" \
  --bootstrap-servers "$bootstrap" --topic bench \
  --events-per-second 10000000 --burst-limit "$batch_events" --duration-seconds "$seconds" \
  --acks "$acks" --compression "$compression" \
  --max-batch-events "$batch_events" --max-in-flight "$in_flight" \
  --stats-interval-seconds 5 --stats-file "$work/simulator-stats.json"
sim_rate="$(node -e 'const s=JSON.parse(require("fs").readFileSync(process.argv[1]));console.log((s.acknowledged/s.elapsedSeconds).toFixed(0))' "$work/simulator-stats.json")"

echo "==> ProducerPerformance: $records records of $record_size bytes on core 1"
perf_out="$work/perf.txt"
taskset -c 1 java -Xmx512m -cp "$classpath" -Dlog4j.configuration=file:/dev/null \
  org.apache.kafka.tools.ProducerPerformance \
  --topic bench --num-records "$records" --record-size "$record_size" --throughput -1 \
  --producer-props "bootstrap.servers=$bootstrap" "acks=$acks" "compression.type=$compression" \
  "batch.size=$batch_bytes" "linger.ms=$linger_ms" "max.in.flight.requests.per.connection=$in_flight" \
  enable.idempotence=false | tee "$perf_out"
perf_rate="$(tail -n 1 "$perf_out" | sed -E 's/^[0-9]+ records sent, ([0-9.]+) records\/sec.*/\1/')"

echo
echo "==> results (same broker, same run, each client pinned to core 1; record ~${record_size} B, acks=$acks, compression=$compression)"
printf '    simulator (node %s, kafkajs, builds JSON events): %8.0f records/s\n' "$(node -v)" "$sim_rate"
printf '    kafka ProducerPerformance (Java, random bytes):       %8.0f records/s\n' "$perf_rate"
awk -v s="$sim_rate" -v p="$perf_rate" 'BEGIN { printf "    ratio simulator / ProducerPerformance:                %8.1f%%\n", 100 * s / p }'
echo "    load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ -n "$profile_dir" ]; then echo "    CPU profile: $profile_dir/*.cpuprofile"; fi
