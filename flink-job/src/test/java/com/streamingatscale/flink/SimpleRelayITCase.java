package com.streamingatscale.flink;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.streamingatscale.flink.testing.KafkaTestBroker;
import com.streamingatscale.flink.testing.TestEvents;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.client.program.ClusterClient;
import org.apache.flink.client.program.PackagedProgram;
import org.apache.flink.client.program.PackagedProgramUtils;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.test.junit5.InjectClusterClient;
import java.io.File;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The relay on a Flink MiniCluster against a real Kafka broker in this JVM. */
class SimpleRelayITCase {
    static final InMemoryReporter REPORTER = InMemoryReporter.create();

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder()
                    .setNumberTaskManagers(1)
                    .setNumberSlotsPerTaskManager(2)
                    .setConfiguration(REPORTER.addToConfiguration(userJarConfig()))
                    .build());

    /**
     * In this JVM the connector (pattern 'org.apache.flink.' is parent-first) and kafka-clients are
     * on the application class path, so a child-first copy of kafka-clients from the user jar would
     * clash with the connector's. On a real cluster neither is in the parent; here kafka-clients
     * (the same 3.9.1) is taken from the parent too. The job's own classes and the relocated
     * Jackson still load from the jar.
     */
    static Configuration userJarConfig() {
        Configuration c = new Configuration();
        c.set(org.apache.flink.configuration.CoreOptions.ALWAYS_PARENT_FIRST_LOADER_PATTERNS_ADDITIONAL,
                Collections.singletonList("org.apache.kafka."));
        return c;
    }

    static KafkaTestBroker broker;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = KafkaTestBroker.start();
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (broker != null) {
            broker.close();
        }
    }

    static final String[] MALFORMED = {
        "this is not JSON",
        "{\"eventId\":\"x\",\"complexData\":{\"moreData0\":1.5",
        "{\"eventId\":\"d1\",\"value\":1.0,\"deviceSequenceNumber\":1,\"type\":\"TEMP\",\"createdAt\":\"2019-05-16T17:16:40.000003Z\"}",
        "{\"eventId\":\"d2\",\"value\":\"hot\",\"deviceId\":\"contoso://device-id-1\",\"deviceSequenceNumber\":1,"
                + "\"type\":\"TEMP\",\"createdAt\":\"2019-05-16T17:16:40.000003Z\"}",
    };

    static JobClient start(String... args) throws Exception {
        JobConfig cfg = JobConfig.parse(args, JobConfig.JobKind.SIMPLE_RELAY);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        Jobs.configure(env, cfg);
        Jobs.build(env, cfg);
        return env.executeAsync("simple-relay-it");
    }

    static long malformedCount(JobClient job) {
        long sum = 0;
        for (Map.Entry<String, Metric> m : REPORTER.getMetricsByIdentifiers(job.getJobID()).entrySet()) {
            if (m.getKey().endsWith("." + ParseFunction.MALFORMED_METRIC)) {
                sum += ((Counter) m.getValue()).getCount();
            }
        }
        return sum;
    }

    @Test
    void relaysEveryEventEnrichedAndUnchangedIncludingDuplicates() throws Exception {
        broker.createTopic("in-1", 2);
        broker.createTopic("out-1", 2);
        broker.createTopic("dlq-1", 1);
        TestEvents gen = new TestEvents(42);
        long base = Instant.parse("2026-11-26T12:00:00Z").toEpochMilli();
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        Map<String, String> inputById = new HashMap<>();
        Map<String, List<String>> enqueuedById = new HashMap<>();
        List<String> malformedSent = new ArrayList<>();
        int devices = 1000;
        int perDevice = 2;
        int valid = 0;
        for (int s = 0; s < perDevice; s++) {
            for (int d = 0; d < devices; d++) {
                long ts = base + records.size();
                String json = gen.randomEvent(d, s, ts - 7);
                String id = Events.MAPPER.readTree(json).get("eventId").asText();
                add(records, json, d, ts, inputById, enqueuedById, id);
                valid++;
                // the simulator's ~0.1 % exact duplicates: same eventId, same payload
                if (d % 700 == 3) {
                    add(records, json, d, base + records.size(), inputById, enqueuedById, id);
                    valid++;
                }
                if (s == 0 && d == 500) { // malformed records mid-stream, keyed like real ones or not at all
                    for (int m = 0; m < MALFORMED.length; m++) {
                        byte[] key = m % 2 == 0 ? null : TestEvents.bytes("contoso://device-id-" + m);
                        records.add(new ProducerRecord<>("in-1", null, base + records.size(), key,
                                TestEvents.bytes(MALFORMED[m])));
                        malformedSent.add(MALFORMED[m]);
                    }
                }
            }
        }
        assertThat(valid).isEqualTo(2004);
        assertThat(records.get(0).value().length).isBetween(900, 1200);
        broker.produce(records);

        long started = System.currentTimeMillis();
        JobClient job = start("--bootstrap-servers", broker.bootstrapServers(), "--input-topic", "in-1",
                "--output-topic", "out-1", "--dead-letter-topic", "dlq-1", "--starting-offsets", "earliest",
                "--group-id", "it-relay", "--parallelism", "2", "--checkpoint-interval-ms", "1000");
        try {
            List<ConsumerRecord<byte[], byte[]>> out =
                    broker.consume("out-1", valid, Duration.ofSeconds(120), new Properties());
            List<ConsumerRecord<byte[], byte[]>> dlq =
                    broker.consume("dlq-1", MALFORMED.length, Duration.ofSeconds(30), new Properties());
            long finished = System.currentTimeMillis();

            assertThat(out).hasSize(valid);
            Map<String, List<String>> enqueuedSeen = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> r : out) {
                String text = KafkaTestBroker.text(r.value());
                ObjectNode o = (ObjectNode) Events.MAPPER.readTree(text);
                String id = o.get("eventId").asText();
                String input = inputById.get(id);
                assertThat(input).as("output for an event never sent: %s", id).isNotNull();
                // keyed by deviceId
                assertThat(KafkaTestBroker.text(r.key())).isEqualTo(o.get("deviceId").asText());
                // byte-for-byte: the input, then the two added fields
                assertThat(text).startsWith(input.substring(0, input.length() - 1) + ",\"enqueuedAt\":\"");
                // and as trees, numbers compared as exact decimals
                JsonNode enqueued = o.remove("enqueuedAt");
                JsonNode processed = o.remove("processedAt");
                assertThat(o).isEqualTo(Events.MAPPER.readTree(input));
                assertThat(o.get("createdAt").asText()).matches(".*\\.\\d{6}Z");
                enqueuedSeen.computeIfAbsent(id, k -> new ArrayList<>()).add(enqueued.asText());
                assertThat(processed.asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
                long p = Instant.parse(processed.asText()).toEpochMilli();
                assertThat(p).isBetween(started - 1000, finished + 1000);
            }
            // every event exactly as often as sent (duplicates included), with its own Kafka timestamp
            for (Map.Entry<String, List<String>> e : enqueuedById.entrySet()) {
                List<String> seen = enqueuedSeen.getOrDefault(e.getKey(), Collections.emptyList());
                Collections.sort(seen);
                List<String> expected = new ArrayList<>(e.getValue());
                Collections.sort(expected);
                assertThat(seen).as("enqueuedAt of %s", e.getKey()).isEqualTo(expected);
            }
            assertThat(enqueuedById.values().stream().filter(l -> l.size() == 2).count()).isEqualTo(4);

            // malformed: in the dead-letter topic unchanged, counted, and the job still runs
            assertThat(KafkaTestBroker.texts(dlq).collect(Collectors.toList()))
                    .containsExactlyInAnyOrderElementsOf(malformedSent);
            assertThat(dlq.stream().filter(r -> r.key() == null).count()).isEqualTo(2);
            // raw records unchanged: key and Kafka timestamp kept too
            assertThat(dlq.stream().map(r -> r.timestamp()).distinct().count()).isEqualTo(MALFORMED.length);
            assertThat(malformedCount(job)).isEqualTo(MALFORMED.length);
            assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);

            // and keeps relaying afterwards
            String late = gen.randomEvent(7, 99, base);
            broker.produce(Arrays.asList(new ProducerRecord<>("in-1", null, base, TestEvents.bytes(TestEvents.deviceId(7)),
                    TestEvents.bytes(late))));
            List<ConsumerRecord<byte[], byte[]>> again =
                    broker.consume("out-1", valid + 1, Duration.ofSeconds(60), new Properties());
            assertThat(again).hasSize(valid + 1);
        } finally {
            job.cancel().get();
        }
    }

    private static void add(List<ProducerRecord<byte[], byte[]>> records, String json, int device, long ts,
            Map<String, String> inputById, Map<String, List<String>> enqueuedById, String id) {
        records.add(new ProducerRecord<>("in-1", null, ts, TestEvents.bytes(TestEvents.deviceId(device)),
                TestEvents.bytes(json)));
        inputById.put(id, json);
        enqueuedById.computeIfAbsent(id, k -> new ArrayList<>()).add(Events.isoMillis(ts));
    }

    @Test
    void exactlyOnceWritesCommittedTransactions() throws Exception {
        broker.createTopic("in-2", 1);
        broker.createTopic("out-2", 1);
        TestEvents gen = new TestEvents(7);
        long base = System.currentTimeMillis();
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            records.add(new ProducerRecord<>("in-2", null, base + i, TestEvents.bytes(TestEvents.deviceId(i % 50)),
                    TestEvents.bytes(gen.randomEvent(i % 50, i / 50, base + i))));
        }
        broker.produce(records);
        JobClient job = start("--bootstrap-servers", broker.bootstrapServers(), "--input-topic", "in-2",
                "--output-topic", "out-2", "--starting-offsets", "earliest", "--group-id", "it-relay-eo",
                "--parallelism", "1", "--checkpoint-interval-ms", "1000", "--delivery-guarantee", "exactly-once",
                "--transactional-id-prefix", "it-eo");
        try {
            Properties committed = new Properties();
            committed.put("isolation.level", "read_committed");
            List<ConsumerRecord<byte[], byte[]>> out = broker.consume("out-2", 300, Duration.ofSeconds(90), committed);
            assertThat(out).hasSize(300);
            assertThat(KafkaTestBroker.texts(out).map(t -> t.contains("\"processedAt\"")).distinct())
                    .containsExactly(true);
        } finally {
            job.cancel().get();
        }
    }

    /**
     * The shaded jar itself, run the way a session cluster runs a submitted jar (what the REST API's
     * /jars/:id/run does): its manifest main class builds the job graph in a user-code class
     * loader, the jar travels with the job graph, and the job relays events.
     */
    @Test
    void shadedJarRunsAsAUserJar(@InjectClusterClient ClusterClient<?> client) throws Exception {
        File jar = new File(System.getProperty("shadedJar", "target/streaming-at-scale-flink-job.jar"));
        assertThat(jar).exists();
        broker.createTopic("in-3", 1);
        broker.createTopic("out-3", 1);
        TestEvents gen = new TestEvents(3);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            records.add(new ProducerRecord<>("in-3", TestEvents.bytes(TestEvents.deviceId(i)),
                    TestEvents.bytes(gen.randomEvent(i, 0, System.currentTimeMillis()))));
        }
        broker.produce(records);
        PackagedProgram program = PackagedProgram.newBuilder()
                .setJarFile(jar)
                .setConfiguration(userJarConfig())
                .setArguments("--job", "simple-relay", "--bootstrap-servers", broker.bootstrapServers(),
                        "--input-topic", "in-3", "--output-topic", "out-3", "--starting-offsets", "earliest",
                        "--group-id", "it-jar", "--parallelism", "1")
                .build();
        assertThat(program.getMainClassName()).isEqualTo("com.streamingatscale.flink.JobMain");
        JobGraph graph = PackagedProgramUtils.createJobGraph(program, userJarConfig(), 1, false);
        assertThat(graph.getUserJars()).isNotEmpty();
        assertThat(program.getUserCodeClassLoader().loadClass("com.streamingatscale.flink.JobMain").getClassLoader())
                .isNotSameAs(SimpleRelayITCase.class.getClassLoader()); // loaded from the jar, child-first
        JobID id = client.submitJob(graph).get();
        try {
            List<ConsumerRecord<byte[], byte[]>> out = broker.consume("out-3", 50, Duration.ofSeconds(90), new Properties());
            assertThat(out).hasSize(50);
            assertThat(KafkaTestBroker.texts(out).allMatch(t -> t.contains("\"enqueuedAt\"") && t.contains("\"processedAt\"")))
                    .isTrue();
        } finally {
            client.cancel(id).get();
            program.close();
        }
    }
}
