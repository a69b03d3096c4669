package com.streamingatscale.flink.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.streamingatscale.flink.Events;
import com.streamingatscale.flink.JobConfig;
import com.streamingatscale.flink.Jobs;
import com.streamingatscale.flink.MalformedEventException;
import com.streamingatscale.flink.testing.KafkaTestBroker;
import com.streamingatscale.flink.testing.TestEvents;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Sustained throughput of the Flink relay (MiniCluster, parallelism 1 and 2) against plain Java
 * KafkaConsumer -> KafkaProducer relays (1 and 2 threads) over the same in-JVM broker and the same
 * pre-produced events. Rate = (records - 1) / (last - first output CreateTime), i.e. measured from
 * the first to the last output record, so job start-up is excluded.
 *
 * <p>Arguments: [events, default 200000] [repetitions, default 2]. Not a test: run via
 * flink-job/bench/relay-bench.sh.
 */
public final class RelayBench {
    static final String IN = "bench-in";
    static final int PARTITIONS = 2;

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int reps = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        System.out.printf(Locale.ROOT, "machine: %d cores, Java %s, max heap %d MiB%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                Runtime.getRuntime().maxMemory() >> 20);
        try (KafkaTestBroker broker = KafkaTestBroker.start()) {
            broker.createTopic(IN, PARTITIONS);
            long bytes = preProduce(broker, events);
            System.out.printf(Locale.ROOT, "pre-produced %d events (%.0f bytes average) to %s (%d partitions)%n",
                    events, (double) bytes / events, IN, PARTITIONS);
            int run = 0;
            System.out.println("warm-up (discarded):");
            plainRelay(broker, events, 1, true, "warmup-" + (run++));
            List<String> lines = new ArrayList<>();
            for (int p = 1; p <= 2; p++) {
                List<Double> flink = new ArrayList<>();
                List<Double> plain = new ArrayList<>();
                List<Double> passthrough = new ArrayList<>();
                for (int r = 0; r < reps; r++) {
                    plain.add(plainRelay(broker, events, p, true, "plain-" + (run++)));
                    passthrough.add(plainRelay(broker, events, p, false, "pass-" + (run++)));
                    flink.add(flinkRelay(broker, events, p, "flink-" + (run++)));
                }
                double f = Collections.max(flink);
                double pl = Collections.max(plain);
                double pt = Collections.max(passthrough);
                String line = String.format(Locale.ROOT,
                        "parallelism %d: flink %.0f rec/s | plain relay (parse+enrich) %.0f rec/s | ratio %.0f%%"
                                + " | plain pass-through %.0f rec/s (flink = %.0f%% of it)   runs: flink %s plain %s pass %s",
                        p, f, pl, 100 * f / pl, pt, 100 * f / pt, fmt(flink), fmt(plain), fmt(passthrough));
                lines.add(line);
                System.out.println(line);
            }
            System.out.println("== summary (best of " + reps + ", " + events + " events) ==");
            lines.forEach(System.out::println);
        }
        System.exit(0);
    }

    static String fmt(List<Double> l) {
        List<String> s = new ArrayList<>();
        for (double d : l) {
            s.add(String.format(Locale.ROOT, "%.0f", d));
        }
        return s.toString();
    }

    static long preProduce(KafkaTestBroker broker, int events) throws Exception {
        TestEvents gen = new TestEvents(3);
        long now = System.currentTimeMillis();
        long bytes = 0;
        Properties p = new Properties();
        p.put("batch.size", "262144");
        try (KafkaProducer<byte[], byte[]> producer = broker.producer(p)) {
            for (int i = 0; i < events; i++) {
                int device = i % 1000;
                byte[] v = TestEvents.bytes(gen.randomEvent(device, i / 1000, now + i / 10));
                bytes += v.length;
                producer.send(new ProducerRecord<>(IN, TestEvents.bytes(TestEvents.deviceId(device)), v));
            }
            producer.flush();
        }
        return bytes;
    }

    /** Flink relay on a local MiniCluster; returns records/s. */
    static double flinkRelay(KafkaTestBroker broker, int events, int parallelism, String out) throws Exception {
        broker.createTopic(out, PARTITIONS);
        JobConfig cfg = JobConfig.parse(new String[] {
            "--bootstrap-servers", broker.bootstrapServers(), "--input-topic", IN, "--output-topic", out,
            "--group-id", out, "--starting-offsets", "earliest", "--parallelism", String.valueOf(parallelism)
        }, JobConfig.JobKind.SIMPLE_RELAY);
        Configuration conf = new Configuration();
        conf.set(TaskManagerOptions.NUM_TASK_SLOTS, parallelism);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism, conf);
        Jobs.configure(env, cfg);
        Jobs.build(env, cfg);
        JobClient job = env.executeAsync("bench " + out);
        try {
            waitForEndOffsets(broker, out, events, Duration.ofMinutes(10));
        } finally {
            job.cancel().get();
        }
        return rate(broker, out, events, "flink p" + parallelism);
    }

    /** Plain consumer -> producer relay with {@code threads} threads in one group; returns records/s. */
    static double plainRelay(KafkaTestBroker broker, int events, int threads, boolean parseAndEnrich, String out)
            throws Exception {
        broker.createTopic(out, PARTITIONS);
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            List<TopicPartition> mine = new ArrayList<>();
            for (int i = t; i < PARTITIONS; i += threads) {
                mine.add(new TopicPartition(IN, i));
            }
            Thread w = new Thread(() -> relayLoop(broker, out, mine, parseAndEnrich, stop), out + "-" + t);
            w.start();
            workers.add(w);
        }
        try {
            waitForEndOffsets(broker, out, events, Duration.ofMinutes(10));
        } finally {
            stop.set(true);
            for (Thread w : workers) {
                w.join();
            }
        }
        return rate(broker, out, events, (parseAndEnrich ? "plain " : "pass ") + threads);
    }

    static void relayLoop(KafkaTestBroker broker, String out, List<TopicPartition> partitions, boolean parseAndEnrich,
            AtomicBoolean stop) {
        Properties cp = new Properties(); // partitions assigned, as Flink's KafkaSource does: no group rebalances
        cp.put("group.id", out);
        Properties pp = new Properties(); // same producer settings as the job: linger.ms 5, client defaults
        try (KafkaConsumer<byte[], byte[]> consumer = broker.consumer(cp);
                KafkaProducer<byte[], byte[]> producer = broker.producer(pp)) {
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (!stop.get()) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(100));
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    if (parseAndEnrich) {
                        try {
                            ObjectNode e = Events.parse(r.value());
                            String deviceId = e.get(Events.DEVICE_ID).textValue();
                            Events.enrich(e, r.timestamp(), System.currentTimeMillis());
                            producer.send(new ProducerRecord<>(out, Events.utf8(deviceId), Events.toBytes(e)));
                        } catch (MalformedEventException ex) {
                            throw new IllegalStateException(ex);
                        }
                    } else {
                        producer.send(new ProducerRecord<>(out, r.key(), r.value()));
                    }
                }
            }
        }
    }

    static void waitForEndOffsets(KafkaTestBroker broker, String topic, long expected, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (broker.endOffsetSum(topic) < expected) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out waiting for " + expected + " records in " + topic);
            }
            Thread.sleep(200);
        }
    }

    /** (n - 1) / (last - first) over the output records' CreateTime. */
    static double rate(KafkaTestBroker broker, String topic, int events, String label) {
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        long n = 0;
        Properties p = new Properties();
        p.put("max.poll.records", "5000");
        try (KafkaConsumer<byte[], byte[]> c = broker.consumer(p)) {
            List<TopicPartition> tps = new ArrayList<>();
            for (int i = 0; i < PARTITIONS; i++) {
                tps.add(new TopicPartition(topic, i));
            }
            c.assign(tps);
            c.seekToBeginning(tps);
            while (n < events) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                    min = Math.min(min, r.timestamp());
                    max = Math.max(max, r.timestamp());
                    n++;
                }
            }
        }
        double rate = (n - 1) * 1000.0 / Math.max(1, max - min);
        System.out.printf(Locale.ROOT, "  %-10s %d records in %d ms: %.0f rec/s%n", label, n, max - min, rate);
        return rate;
    }
}
