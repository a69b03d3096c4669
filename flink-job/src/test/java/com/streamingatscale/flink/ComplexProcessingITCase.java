package com.streamingatscale.flink;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.streamingatscale.flink.testing.KafkaTestBroker;
import com.streamingatscale.flink.testing.TestEvents;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobStatus;
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

/** The complex job on a MiniCluster against a real Kafka broker: crafted input, exact expected tags. */
class ComplexProcessingITCase {
    static final InMemoryReporter REPORTER = InMemoryReporter.create();

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder()
                    .setNumberTaskManagers(1)
                    .setNumberSlotsPerTaskManager(2)
                    .setConfiguration(REPORTER.addToConfiguration(new Configuration()))
                    .build());

    static KafkaTestBroker broker;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = KafkaTestBroker.start();
        broker.createTopic("in", 1);
        broker.createTopic("out", 1);
        broker.createTopic("dlq", 1);
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (broker != null) {
            broker.close();
        }
    }

    final TestEvents gen = new TestEvents(1);
    final List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    final long t0 = Instant.parse("2026-11-26T12:00:00Z").toEpochMilli();
    int n;

    String send(int device, String type, String value, long offsetMs) {
        String id = "ev-" + (n++);
        String json = gen.event(id, device, n, type, value, TestEvents.createdAt(t0 + offsetMs, 3));
        sendRaw(device, json);
        return id;
    }

    void sendRaw(int device, String json) {
        records.add(new ProducerRecord<>("in", null, t0 + 500 + records.size(),
                TestEvents.bytes(TestEvents.deviceId(device)), TestEvents.bytes(json)));
    }

    @Test
    void tagsAsDefinedIncludingAnEventTimeNoNewsTimer() throws Exception {
        int a = 1;
        int b = 2;
        String a1 = send(a, "TEMP", "71.5", 0);             // first-event a; 70s #1
        send(b, "TEMP", "20.25", 0);                       // first-event b
        send(a, "TEMP", "72.0", 1_000);                    // 70s #2
        records.add(new ProducerRecord<>("in", TestEvents.bytes(TestEvents.deviceId(a)),
                TestEvents.bytes("{\"broken\":")));         // malformed
        String a3 = send(a, "TEMP", "73.0", 2_000);         // 70s #3 -> temp-70s
        String dup = gen.event("ev-dup", a, 99, "TEMP", "40.0", TestEvents.createdAt(t0 + 2_500, 3));
        sendRaw(a, dup);                                    // a record...
        sendRaw(a, dup);                                    // ...and its exact duplicate
        String co2 = send(a, "CO2", "95.5", 3_000);         // 6th record of a -> count; high CO2 with 3 70s
        records.add(new ProducerRecord<>("in", null, TestEvents.bytes("not json at all")));  // malformed
        send(b, "TEMP", "21.0", 100_000);                  // moves the watermark past a's last event + 45 s
        // b's own first event was at 0: its timer (45 s) is replaced by this newer event before the
        // watermark passes it, so b gets no no-news tag; a (last event at 3 s) gets one.
        broker.produce(records);

        JobConfig cfg = JobConfig.parse(new String[] {
            "--bootstrap-servers", broker.bootstrapServers(), "--starting-offsets", "earliest",
            "--group-id", "it-complex", "--parallelism", "1", "--checkpoint-interval-ms", "1000",
            "--dead-letter-topic", "dlq", "--count-tag-every", "6", "--temp-70s-count", "3",
            "--temp-window-ms", "60000", "--co2-threshold", "90", "--no-news-ms", "45000",
            "--max-out-of-orderness-ms", "1000"
        }, JobConfig.JobKind.COMPLEX_PROCESSING);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        Jobs.configure(env, cfg);
        Jobs.build(env, cfg);
        JobClient job = env.executeAsync("complex-processing-it");
        try {
            List<ConsumerRecord<byte[], byte[]>> out = broker.consume("out", 6, Duration.ofSeconds(90), new Properties());
            Thread.sleep(3000); // nothing more may come
            out = broker.consume("out", 7, Duration.ofSeconds(3), new Properties());
            Map<String, JsonNode> byTag = new TreeMap<>();
            for (ConsumerRecord<byte[], byte[]> r : out) {
                JsonNode t = Events.MAPPER.readTree(r.value());
                assertThat(KafkaTestBroker.text(r.key())).isEqualTo(t.get("deviceId").asText());
                assertThat(t.get("processedAt").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
                assertThat(t.get("enqueuedAt").asText()).matches("2026-11-26T12:00:00\\.5\\d\\dZ");
                byTag.put(t.get("deviceId").asText().replace("contoso://device-id-", "") + ":" + t.get("tag").asText(), t);
            }
            assertThat(byTag.keySet()).containsExactly(
                    "1:count", "1:first-event", "1:high-co2-with-temp-70s", "1:no-news", "1:temp-70s", "2:first-event");
            assertThat(out).hasSize(6);
            assertThat(byTag.get("1:first-event").get("eventId").asText()).isEqualTo(a1);
            assertThat(byTag.get("1:first-event").get("createdAt").asText()).isEqualTo("2026-11-26T12:00:00.000003Z");
            assertThat(byTag.get("1:temp-70s").get("eventId").asText()).isEqualTo(a3);
            assertThat(byTag.get("1:count").get("eventId").asText()).isEqualTo(co2);
            assertThat(byTag.get("1:count").get("count").asLong()).isEqualTo(6);
            assertThat(byTag.get("1:high-co2-with-temp-70s").get("eventId").asText()).isEqualTo(co2);
            assertThat(byTag.get("1:high-co2-with-temp-70s").get("temperatures70s").asInt()).isEqualTo(3);
            JsonNode noNews = byTag.get("1:no-news");
            assertThat(noNews.get("eventId").isNull()).isTrue();
            assertThat(noNews.get("createdAt").isNull()).isTrue();
            assertThat(noNews.get("lastEventCreatedAt").asText()).isEqualTo("2026-11-26T12:00:03.000003Z");
            assertThat(noNews.get("firedAtEventTime").asText()).isEqualTo("2026-11-26T12:00:48.000Z");

            List<String> dlq = KafkaTestBroker.texts(broker.consume("dlq", 2, Duration.ofSeconds(30), new Properties()))
                    .collect(Collectors.toList());
            assertThat(dlq).containsExactlyInAnyOrder("{\"broken\":", "not json at all");
            long malformed = 0;
            for (Map.Entry<String, Metric> m : REPORTER.getMetricsByIdentifiers(job.getJobID()).entrySet()) {
                if (m.getKey().endsWith("." + ParseFunction.MALFORMED_METRIC)) {
                    malformed += ((Counter) m.getValue()).getCount();
                }
            }
            assertThat(malformed).isEqualTo(2);
            assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
        } finally {
            job.cancel().get();
        }
    }
}
