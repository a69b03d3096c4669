package com.streamingatscale.flink;

import static org.assertj.core.api.Assertions.assertThat;

import com.streamingatscale.flink.JobConfig.JobKind;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the Kafka clients' properties are merged, and what reaches the built source and sinks. */
class KafkaIoTest {
    static final String SECRET = "pa55-w0rd-from-the-file";
    static final String JAAS = "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"flink\""
            + " password=\"" + SECRET + "\";";

    static Properties props(String... kv) {
        Properties p = new Properties();
        for (int i = 0; i < kv.length; i += 2) {
            p.setProperty(kv[i], kv[i + 1]);
        }
        return p;
    }

    @Test
    void mergePrecedenceDefaultsThenFileThenPassThroughThenTheJob() {
        Properties defaults = props("linger.ms", "5", "acks", "all", "retries", "7");
        Properties file = props("linger.ms", "50", "acks", "1", "security.protocol", "SASL_SSL",
                "bootstrap.servers", "evil:1", "key.serializer", "x.Evil", "transactional.id", "t", "group.id", "g");
        Properties passThrough = props("acks", "0", "bootstrap.servers", "evil:2", "value.serializer", "x.Evil");
        Map<String, String> job = new LinkedHashMap<>();
        job.put("bootstrap.servers", "job:9092");
        Properties merged = KafkaIo.merge("test", defaults, file, passThrough, "kafka.out.", job);

        Map<String, String> expected = new HashMap<>();
        expected.put("retries", "7"); // default only
        expected.put("linger.ms", "50"); // file over default
        expected.put("acks", "0"); // pass-through over file over default
        expected.put("security.protocol", "SASL_SSL"); // file only
        expected.put("bootstrap.servers", "job:9092"); // the job over everything
        // serializers, transactional.id, group.id (a consumer's, not given in job here): dropped
        assertThat(merged).isEqualTo(expected);
        // the inputs are untouched
        assertThat(file).hasSize(7).containsEntry("bootstrap.servers", "evil:1");
        assertThat(passThrough).hasSize(3);
        assertThat(defaults).hasSize(3);
    }

    static Path secureFile(Path dir, String... extra) throws Exception {
        Path f = dir.resolve("kafka.properties");
        StringBuilder b = new StringBuilder()
                .append("security.protocol=SASL_SSL\n")
                .append("sasl.mechanism=SCRAM-SHA-256\n")
                .append("sasl.jaas.config=").append(JAAS).append('\n')
                .append("ssl.truststore.type=PEM\n")
                .append("ssl.truststore.location=/etc/kafka/ca.pem\n")
                // what the job sets itself: must not win
                .append("bootstrap.servers=from-the-file:9092\n")
                .append("group.id=group-from-the-file\n")
                .append("key.serializer=org.apache.kafka.common.serialization.StringSerializer\n")
                .append("value.serializer=org.apache.kafka.common.serialization.StringSerializer\n")
                .append("key.deserializer=org.apache.kafka.common.serialization.StringDeserializer\n")
                .append("value.deserializer=org.apache.kafka.common.serialization.StringDeserializer\n")
                .append("transactional.id=tx-from-the-file\n");
        for (String line : extra) {
            b.append(line).append('\n');
        }
        Files.write(f, b.toString().getBytes(StandardCharsets.UTF_8));
        return f;
    }

    static JobConfig cfg(Path file, String... more) {
        String[] base = {"--bootstrap-servers", "job-broker:9093", "--group-id", "job-group", "--dead-letter-topic", "dlq",
            "--kafka-properties", file.toString()};
        String[] args = Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, args, base.length, more.length);
        return JobConfig.parse(args, JobKind.SIMPLE_RELAY);
    }

    /** The properties the KafkaSource hands its consumers and admin client (its @VisibleForTesting view). */
    static Map<String, String> sourceConfig(KafkaSource<?> source) throws Exception {
        Method m = KafkaSource.class.getDeclaredMethod("getConfiguration");
        m.setAccessible(true);
        return ((org.apache.flink.configuration.Configuration) m.invoke(source)).toMap();
    }

    /** The properties the KafkaSink hands its producers (its @VisibleForTesting view). */
    static Properties sinkConfig(KafkaSink<?> sink) throws Exception {
        Method m = KafkaSink.class.getDeclaredMethod("getKafkaProducerConfig");
        m.setAccessible(true);
        return (Properties) m.invoke(sink);
    }

    @SuppressWarnings("unchecked")
    static void assertSecurity(Map<?, ?> config) {
        assertThat((Map<Object, Object>) config)
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-256")
                .containsEntry("sasl.jaas.config", JAAS)
                .containsEntry("ssl.truststore.type", "PEM")
                .containsEntry("ssl.truststore.location", "/etc/kafka/ca.pem")
                .containsEntry("bootstrap.servers", "job-broker:9093")
                .doesNotContainKey("transactional.id")
                .doesNotContainValue("group-from-the-file")
                .doesNotContainValue("org.apache.kafka.common.serialization.StringSerializer")
                .doesNotContainValue("org.apache.kafka.common.serialization.StringDeserializer");
    }

    @Test
    void theFileReachesTheSourceAndBothSinksAndTheJobsOwnSettingsWin(@TempDir Path dir) throws Exception {
        JobConfig cfg = cfg(secureFile(dir));

        Map<String, String> source = sourceConfig(KafkaIo.source(cfg));
        assertSecurity(source);
        assertThat(source)
                .containsEntry("group.id", "job-group")
                .containsEntry("key.deserializer", ByteArrayDeserializer.class.getName())
                .containsEntry("value.deserializer", ByteArrayDeserializer.class.getName())
                .containsEntry("client.id.prefix", "job-group");

        for (KafkaSink<?> sink : Arrays.asList(KafkaIo.outputSink(cfg), KafkaIo.deadLetterSink(cfg))) {
            Properties p = sinkConfig(sink);
            assertSecurity(p);
            assertThat(p)
                    .containsEntry("key.serializer", ByteArraySerializer.class.getName())
                    .containsEntry("value.serializer", ByteArraySerializer.class.getName())
                    .containsEntry("linger.ms", "5");
        }
    }

    @Test
    void exactlyOnceKeepsTheJobsTransactionalSettings(@TempDir Path dir) throws Exception {
        JobConfig cfg = cfg(secureFile(dir), "--delivery-guarantee", "exactly-once", "--transactional-id-prefix", "job-tx");
        Properties out = sinkConfig(KafkaIo.outputSink(cfg));
        assertSecurity(out);
        // transactional.id comes from the prefix (set per producer by the writer), never from the file
        assertThat(out).doesNotContainKey("transactional.id").containsEntry("transaction.timeout.ms", "900000");
        assertThat(cfg.transactionalIdPrefix).isEqualTo("job-tx");
    }

    @Test
    void theFileOverridesTheJobsDefaultsAndPassThroughOverridesTheFile(@TempDir Path dir) throws Exception {
        JobConfig cfg = cfg(secureFile(dir, "linger.ms=20", "transaction.timeout.ms=600000", "enable.auto.commit=false",
                "acks=1"), "--checkpoint-interval-ms", "0", "--kafka.out.sasl.mechanism", "PLAIN",
                "--kafka.in.sasl.mechanism", "SCRAM-SHA-512", "--kafka.out.bootstrap.servers", "evil:1",
                "--kafka.in.group.id", "evil");
        Properties dlq = sinkConfig(KafkaIo.deadLetterSink(cfg));
        assertThat(dlq).containsEntry("linger.ms", "20").containsEntry("acks", "1").containsEntry("sasl.mechanism", "PLAIN")
                .containsEntry("sasl.jaas.config", JAAS).containsEntry("bootstrap.servers", "job-broker:9093");
        Map<String, String> source = sourceConfig(KafkaIo.source(cfg));
        assertThat(source).containsEntry("enable.auto.commit", "false").containsEntry("auto.commit.interval.ms", "5000")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512").containsEntry("group.id", "job-group")
                .containsEntry("bootstrap.servers", "job-broker:9093");
    }

    @Test
    void withoutAFileNothingChanges() throws Exception {
        JobConfig cfg = JobConfig.parse(new String[] {"--bootstrap-servers", "b:1", "--kafka.out.acks", "all"},
                JobKind.SIMPLE_RELAY);
        Properties out = sinkConfig(KafkaIo.outputSink(cfg));
        Properties expected = new Properties();
        expected.put("bootstrap.servers", "b:1");
        expected.put("acks", "all");
        expected.put("linger.ms", "5");
        expected.put("key.serializer", ByteArraySerializer.class.getName());
        expected.put("value.serializer", ByteArraySerializer.class.getName());
        expected.put("transaction.timeout.ms", 3_600_000); // KafkaSinkBuilder's own default, unused at-least-once
        assertThat(out).isEqualTo(expected);
    }

    /**
     * The Kafka clients log their whole config at INFO when created (AbstractConfig.logAll). With the
     * client version the job ships (kafka-clients, pinned in the pom), the secret-bearing keys are
     * PASSWORD-typed for the consumer, the producer and the source's admin client, so they print as
     * [hidden].
     */
    @Test
    void secretKeysArePasswordTypedInTheShippedKafkaClient() {
        for (ConfigDef def : Arrays.asList(ConsumerConfig.configDef(), ProducerConfig.configDef(),
                AdminClientConfig.configDef())) {
            for (String key : Arrays.asList("sasl.jaas.config", "ssl.truststore.password", "ssl.keystore.password",
                    "ssl.key.password", "ssl.keystore.key", "ssl.truststore.certificates",
                    "ssl.keystore.certificate.chain")) {
                assertThat(def.configKeys().get(key).type).as(key).isEqualTo(ConfigDef.Type.PASSWORD);
            }
        }
        Properties p = props("bootstrap.servers", "b:1", "security.protocol", "SASL_SSL", "sasl.mechanism",
                "SCRAM-SHA-256", "sasl.jaas.config", JAAS,
                "key.serializer", ByteArraySerializer.class.getName(),
                "value.serializer", ByteArraySerializer.class.getName());
        // what logAll prints for it: the parsed value's toString
        assertThat(String.valueOf(new ProducerConfig(p).values().get("sasl.jaas.config"))).isEqualTo("[hidden]");
    }
}
