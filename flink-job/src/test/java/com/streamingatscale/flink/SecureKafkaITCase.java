package com.streamingatscale.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.streamingatscale.flink.testing.KafkaTestBroker;
import com.streamingatscale.flink.testing.TestEvents;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The relay against a broker whose only client listener is SASL (SASL_PLAINTEXT, mechanism PLAIN),
 * with the credentials given the way a user gives them: in a {@code --kafka-properties} file, not on
 * the command line. The source, the output sink and the dead-letter sink all have to authenticate.
 * Every log event of the run (Flink, the Kafka clients at INFO, the job) is captured and checked for
 * the job's password.
 */
class SecureKafkaITCase {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder()
                    .setNumberTaskManagers(1)
                    .setNumberSlotsPerTaskManager(1)
                    .build());

    static final String JOB_PASSWORD = "job-pw-7f3a9c1e-never-logged";
    static final String JOB_JAAS = "org.apache.kafka.common.security.plain.PlainLoginModule required"
            + " username=\"flink\" password=\"" + JOB_PASSWORD + "\";";

    static KafkaTestBroker broker;

    @BeforeAll
    static void startBroker() throws Exception {
        Map<String, String> sasl = new HashMap<>();
        // the test kit's client listener is EXTERNAL (also the inter-broker one); the controller's stays plain
        sasl.put("listener.security.protocol.map", "EXTERNAL:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT");
        sasl.put("sasl.enabled.mechanisms", "PLAIN");
        sasl.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
        sasl.put("listener.name.external.plain.sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required"
                        + " username=\"broker\" password=\"broker-pw\""
                        + " user_broker=\"broker-pw\" user_test=\"test-pw\" user_flink=\"" + JOB_PASSWORD + "\";");
        Properties testClients = new Properties();
        testClients.put("security.protocol", "SASL_PLAINTEXT");
        testClients.put("sasl.mechanism", "PLAIN");
        testClients.put("sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required"
                + " username=\"test\" password=\"test-pw\";");
        broker = KafkaTestBroker.start(sasl, testClients);
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (broker != null) {
            broker.close();
        }
    }

    /** The control: without the credentials, a client gets nowhere (so the job's did authenticate). */
    @Test
    void theBrokerRefusesClientsWithoutCredentials() {
        Properties plain = new Properties();
        plain.put("bootstrap.servers", broker.bootstrapServers());
        plain.put("request.timeout.ms", "2000");
        plain.put("default.api.timeout.ms", "4000");
        try (Admin admin = Admin.create(plain)) {
            assertThat(catchThrowable(() -> admin.describeCluster().clusterId().get(15, TimeUnit.SECONDS)))
                    .isNotNull();
        }
    }

    /** Collects every log event's message and stack trace text. */
    static final class Capture extends AbstractAppender {
        final ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();

        Capture() {
            super("capture", null, null, true, Property.EMPTY_ARRAY);
        }

        @Override
        public void append(LogEvent event) {
            StringBuilder b = new StringBuilder(event.getLoggerName()).append(": ")
                    .append(event.getMessage().getFormattedMessage());
            for (Throwable t = event.getThrown(); t != null; t = t.getCause()) {
                b.append(" / ").append(t);
            }
            lines.add(b.toString());
        }
    }

    @Test
    void relaysThroughASaslListenerWithCredentialsFromTheFileAndNeverLogsThem(@TempDir Path dir) throws Exception {
        broker.createTopic("in-s", 2);
        broker.createTopic("out-s", 2);
        broker.createTopic("dlq-s", 1);
        Path file = dir.resolve("kafka-client.properties");
        Files.write(file, Arrays.asList(
                "# credentials of the job's Kafka clients",
                "security.protocol=SASL_PLAINTEXT",
                "sasl.mechanism=PLAIN",
                "sasl.jaas.config=" + JOB_JAAS), StandardCharsets.UTF_8);

        TestEvents gen = new TestEvents(11);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            records.add(new ProducerRecord<>("in-s", TestEvents.bytes(TestEvents.deviceId(i % 10)),
                    TestEvents.bytes(gen.randomEvent(i % 10, i / 10, System.currentTimeMillis()))));
        }
        records.add(new ProducerRecord<>("in-s", null, TestEvents.bytes("not JSON")));
        broker.produce(records);

        LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
        Configuration conf = ctx.getConfiguration();
        Capture capture = new Capture();
        capture.start();
        LoggerConfig root = conf.getRootLogger();
        // everything at INFO into the capture; the console keeps its WARN
        root.removeAppender("console");
        root.addAppender(conf.getAppender("console"), Level.WARN, null);
        root.addAppender(capture, Level.ALL, null);
        root.setLevel(Level.INFO);
        conf.getLoggerConfig("org.apache.kafka").setLevel(Level.INFO);
        ctx.updateLoggers();
        JobClient job = null;
        try {
            String[] args = {"--bootstrap-servers", broker.bootstrapServers(), "--input-topic", "in-s",
                "--output-topic", "out-s", "--dead-letter-topic", "dlq-s", "--starting-offsets", "earliest",
                "--group-id", "it-sasl", "--parallelism", "1", "--checkpoint-interval-ms", "1000",
                "--kafka-properties", file.toString()};
            JobConfig cfg = JobConfig.parse(args, JobConfig.JobKind.SIMPLE_RELAY);
            org.slf4j.LoggerFactory.getLogger(SecureKafkaITCase.class).info("starting {}", cfg); // as JobMain does
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            Jobs.configure(env, cfg);
            Jobs.build(env, cfg);
            job = env.executeAsync("simple-relay-sasl-it");

            List<ConsumerRecord<byte[], byte[]>> out = broker.consume("out-s", 100, Duration.ofSeconds(90), new Properties());
            assertThat(out).hasSize(100);
            assertThat(KafkaTestBroker.texts(out).allMatch(t -> t.contains("\"processedAt\""))).isTrue();
            List<ConsumerRecord<byte[], byte[]>> dlq = broker.consume("dlq-s", 1, Duration.ofSeconds(30), new Properties());
            assertThat(KafkaTestBroker.texts(dlq).collect(Collectors.toList())).containsExactly("not JSON");
        } finally {
            if (job != null) {
                job.cancel().get();
            }
            ctx.reconfigure(); // back to log4j2-test.properties
        }
        List<String> lines = new ArrayList<>(capture.lines);
        // the capture saw the clients' config dumps, with the JAAS config hidden ...
        // (the job's consumer: group it-sasl; the test's own consumers use random groups)
        assertThat(lines).anyMatch(l -> l.contains("ConsumerConfig values:") && l.contains("group.id = it-sasl")
                && l.contains("sasl.jaas.config = [hidden]") && l.contains("security.protocol = SASL_PLAINTEXT"));
        assertThat(lines).anyMatch(l -> l.contains("ProducerConfig values:") && l.contains("sasl.jaas.config = [hidden]"));
        assertThat(lines).anyMatch(l -> l.contains("AdminClientConfig values:") && l.contains("sasl.jaas.config = [hidden]"));
        assertThat(lines).anyMatch(l -> l.contains("kafkaPropertiesFile=" + file));
        // ... and nothing, anywhere, shows the password
        assertThat(lines.stream().filter(l -> l.contains(JOB_PASSWORD))).isEmpty();
    }
}
