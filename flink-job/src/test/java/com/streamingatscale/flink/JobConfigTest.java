package com.streamingatscale.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.streamingatscale.flink.JobConfig.JobKind;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class JobConfigTest {

    @Test
    void defaults() {
        JobConfig c = JobConfig.parse(new String[] {"--job", "simple-relay", "--bootstrap-servers", "b:9092"}, null);
        assertThat(c.job).isEqualTo(JobKind.SIMPLE_RELAY);
        assertThat(c.bootstrapServers).isEqualTo("b:9092");
        assertThat(c.inputTopic).isEqualTo("in");
        assertThat(c.outputTopic).isEqualTo("out");
        assertThat(c.groupId).isEqualTo("streaming-at-scale-flink");
        assertThat(c.parallelism).isNull();
        assertThat(c.checkpointIntervalMs).isEqualTo(10_000);
        assertThat(c.delivery).isEqualTo(JobConfig.Delivery.AT_LEAST_ONCE);
        assertThat(c.startingOffsets).isEqualTo(JobConfig.StartingOffsets.COMMITTED);
        assertThat(c.deadLetterTopic).isNull();
        assertThat(c.syntheticWorkMicros).isZero();
        assertThat(c.countTagEvery).isEqualTo(100);
        assertThat(c.temp70sCount).isEqualTo(3);
        assertThat(c.noNewsMs).isEqualTo(45_000);
        assertThat(c.transactionalIdPrefix).isEqualTo("streaming-at-scale-flink-simple-relay");
        assertThat(c.kafkaInProperties()).isEmpty();
        assertThat(c.kafkaPropertiesFile).isNull();
        assertThat(c.kafkaFileProperties()).isEmpty();
    }

    @Test
    void everythingSet() {
        JobConfig c = JobConfig.parse(new String[] {
            "--bootstrap-servers", "a:1,b:2", "--input-topic", "i", "--output-topic", "o", "--group-id", "g",
            "--parallelism", "4", "--checkpoint-interval-ms", "0", "--starting-offsets", "latest",
            "--dead-letter-topic", "dlq", "--synthetic-work-us", "25", "--count-tag-every", "7",
            "--kafka.in.security.protocol", "SASL_SSL", "--kafka.in.sasl.mechanism", "PLAIN",
            "--kafka.out.acks", "all", "--co2-threshold=80.5"
        }, JobKind.COMPLEX_PROCESSING);
        assertThat(c.job).isEqualTo(JobKind.COMPLEX_PROCESSING);
        assertThat(c.parallelism).isEqualTo(4);
        assertThat(c.checkpointIntervalMs).isZero();
        assertThat(c.startingOffsets).isEqualTo(JobConfig.StartingOffsets.LATEST);
        assertThat(c.deadLetterTopic).isEqualTo("dlq");
        assertThat(c.syntheticWorkMicros).isEqualTo(25);
        assertThat(c.countTagEvery).isEqualTo(7);
        assertThat(c.co2Threshold).isEqualTo(80.5);
        assertThat(c.kafkaInProperties())
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "PLAIN")
                .hasSize(2);
        assertThat(c.kafkaOutProperties()).containsEntry("acks", "all").hasSize(1);
        assertThat(KafkaIo.producerProperties(c)).containsEntry("linger.ms", "5");
    }

    @Test
    void exactlyOnceWithPrefix() {
        JobConfig c = JobConfig.parse(new String[] {"--bootstrap-servers", "b:1", "--delivery-guarantee",
            "exactly-once", "--transactional-id-prefix", "tx"}, JobKind.SIMPLE_RELAY);
        assertThat(c.delivery).isEqualTo(JobConfig.Delivery.EXACTLY_ONCE);
        assertThat(c.transactionalIdPrefix).isEqualTo("tx");
    }

    @Test
    void usageListsEveryArgument() {
        String usage = JobConfig.usage("X");
        for (String name : JobConfig.argNames()) {
            assertThat(usage).contains("--" + name);
        }
        assertThat(usage).contains("kafka.in.<property>").contains("kafka.out.<property>");
    }

    static final String SECRET = "pa55-w0rd-from-the-file";

    /** A client.properties for a SASL_SSL / SCRAM cluster with a PEM CA, as a user would write it. */
    static Path secureProperties(Path dir) throws Exception {
        Path f = dir.resolve("client.properties");
        Files.write(f, ("# Kafka client settings of the job\n"
                + "security.protocol=SASL_SSL\n"
                + "sasl.mechanism=SCRAM-SHA-256\n"
                + "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required \\\n"
                + "    username=\"flink\" password=\"" + SECRET + "\";\n"
                + "ssl.truststore.type=PEM\n"
                + "ssl.truststore.location=/etc/kafka/ca-for-" + SECRET + ".pem\n").getBytes(StandardCharsets.UTF_8));
        return f;
    }

    @Test
    void kafkaPropertiesFileIsReadAndOnlyItsPathIsPrinted(@TempDir Path dir) throws Exception {
        Path f = secureProperties(dir);
        JobConfig c = JobConfig.parse(new String[] {"--bootstrap-servers", "b:9093", "--kafka-properties", f.toString()},
                JobKind.SIMPLE_RELAY);
        assertThat(c.kafkaPropertiesFile).isEqualTo(f.toString());
        assertThat(c.kafkaFileProperties())
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-256")
                .containsEntry("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required "
                        + "username=\"flink\" password=\"" + SECRET + "\";")
                .containsEntry("ssl.truststore.type", "PEM")
                .containsEntry("ssl.truststore.location", "/etc/kafka/ca-for-" + SECRET + ".pem")
                .hasSize(5);
        // a copy: changing it changes nothing
        c.kafkaFileProperties().clear();
        assertThat(c.kafkaFileProperties()).hasSize(5);
        // nothing the file says reaches toString (logged by JobMain), the path does
        assertThat(c.toString()).contains("kafkaPropertiesFile=" + f).doesNotContain(SECRET)
                .doesNotContain("SCRAM").doesNotContain("SASL_SSL").doesNotContain("sasl").doesNotContain("PEM");
        // and the form --name=value works too
        assertThat(JobConfig.parse(new String[] {"--bootstrap-servers", "b:1", "--kafka-properties=" + f},
                JobKind.SIMPLE_RELAY).kafkaFileProperties()).hasSize(5);
    }

    @Test
    void aSerializedJobConfigDoesNotCarryTheFileValues(@TempDir Path dir) throws Exception {
        Path f = secureProperties(dir);
        JobConfig c = JobConfig.parse(new String[] {"--bootstrap-servers", "b:9093", "--kafka-properties", f.toString()},
                JobKind.COMPLEX_PROCESSING);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(c);
        }
        assertThat(new String(bytes.toByteArray(), StandardCharsets.ISO_8859_1)).doesNotContain(SECRET);
        JobConfig back;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            back = (JobConfig) in.readObject();
        }
        assertThat(back.kafkaPropertiesFile).isEqualTo(f.toString());
        assertThatThrownBy(back::kafkaFileProperties).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("--kafka-properties");
    }

    static JobConfig withFile(Path f) {
        return JobConfig.parse(new String[] {"--bootstrap-servers", "b:1", "--kafka-properties", f.toString()},
                JobKind.SIMPLE_RELAY);
    }

    @Test
    void aMissingKafkaPropertiesFileIsRejectedNamingArgumentAndPath(@TempDir Path dir) {
        Path missing = dir.resolve("nope.properties");
        assertThatThrownBy(() -> withFile(missing))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("argument --kafka-properties: Kafka properties file '" + missing + "' does not exist");
        assertThatThrownBy(() -> JobConfig.parse(new String[] {"--bootstrap-servers", "b:1", "--kafka-properties",
            "relative/nope.properties"}, JobKind.SIMPLE_RELAY))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("argument --kafka-properties: Kafka properties file 'relative/nope.properties'"
                        + " does not exist (a relative path is resolved against ");
        assertThatThrownBy(() -> JobConfig.parse(new String[] {"--bootstrap-servers", "b:1", "--kafka-properties=",},
                JobKind.SIMPLE_RELAY))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("argument --kafka-properties must not be empty");
    }

    @Test
    void aDirectoryIsRejected(@TempDir Path dir) {
        assertThatThrownBy(() -> withFile(dir))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("argument --kafka-properties: Kafka properties file '" + dir
                        + "' is a directory, not a properties file");
    }

    @Test
    void anUnreadableFileIsRejected(@TempDir Path dir) throws Exception {
        Path f = secureProperties(dir);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("---------"));
        try {
            Assumptions.assumeFalse(Files.isReadable(f), "this user reads files without read permission (root)");
            assertThatThrownBy(() -> withFile(f))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("argument --kafka-properties: Kafka properties file '" + f
                            + "' cannot be read: AccessDeniedException")
                    .hasMessageNotContaining(SECRET);
        } finally {
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        }
    }

    /** Also as root: a file that opens but whose read fails (Linux: /proc/self/mem at offset 0, EIO). */
    @Test
    void aFileWhoseReadFailsIsRejected() {
        Path mem = Path.of("/proc/self/mem");
        Assumptions.assumeTrue(Files.exists(mem), "no /proc/self/mem here");
        assertThatThrownBy(() -> withFile(mem))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("argument --kafka-properties: Kafka properties file '/proc/self/mem'"
                        + " cannot be read: IOException");
    }

    @Test
    void anUnparsableFileIsRejectedWithoutQuotingIt(@TempDir Path dir) throws Exception {
        Path badEscape = dir.resolve("bad-escape.properties");
        Files.write(badEscape, ("sasl.jaas.config=x password=\"" + SECRET + "\\u12\";\n")
                .getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> withFile(badEscape))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("argument --kafka-properties: Kafka properties file '" + badEscape
                        + "' cannot be parsed as a Java properties file: ")
                .hasMessageNotContaining(SECRET);
        Path latin1 = dir.resolve("latin1.properties");
        Files.write(latin1, ("sasl.jaas.config=x password=\"" + SECRET + "\u00e9\";\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        assertThatThrownBy(() -> withFile(latin1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("argument --kafka-properties: Kafka properties file '" + latin1
                        + "' cannot be parsed: it is not UTF-8 text");
    }

    @Test
    void aLineThatIsNoSettingIsRejectedWithoutQuotingIt(@TempDir Path dir) throws Exception {
        // Values continued without trailing backslashes: each further line becomes a key. The JAAS
        // config's second line is key 'username' (a valid name; the password is in its value, which
        // Kafka never logs for an unknown key); the PEM lines are keys that are no setting names.
        Path f = dir.resolve("broken.properties");
        Files.write(f, ("security.protocol=SASL_SSL\n"
                + "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required\n"
                + "    username=\"flink\" password=\"" + SECRET + "\";\n"
                + "ssl.keystore.key=-----BEGIN ENCRYPTED PRIVATE KEY-----\n"
                + "MIIFHDBOBgkqhkiG9w0BBQ0wQTApBgkqhkiG9w0BBQwwHAQI" + SECRET.replace("-", "") + "\n"
                + "-----END ENCRYPTED PRIVATE KEY-----\n").getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> withFile(f))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("argument --kafka-properties: Kafka properties file '" + f
                        + "' has 2 key(s) that are not Kafka setting names")
                .hasMessageNotContaining(SECRET).hasMessageNotContaining("pa55").hasMessageNotContaining("MIIF");
    }

    static Stream<Arguments> badArguments() {
        String b = "--bootstrap-servers";
        return Stream.of(
                Arguments.of(null, new String[] {}, "missing required argument --job (simple-relay, complex-processing)"),
                Arguments.of(null, new String[] {b, "x:1"}, "missing required argument --job"),
                Arguments.of(null, new String[] {"--job", "relay", b, "x:1"},
                        "argument --job has unknown value 'relay'; allowed: simple-relay, complex-processing"),
                Arguments.of(JobKind.SIMPLE_RELAY, new String[] {}, "missing required argument --bootstrap-servers"),
                Arguments.of(JobKind.SIMPLE_RELAY, new String[] {b, " "}, "missing required argument --bootstrap-servers"),
                Arguments.of(JobKind.SIMPLE_RELAY, new String[] {b}, "argument --bootstrap-servers needs a value"),
                Arguments.of(JobKind.SIMPLE_RELAY, new String[] {b, "--input-topic", "x"},
                        "argument --bootstrap-servers needs a value"),
                Arguments.of(JobKind.SIMPLE_RELAY, new String[] {"bootstrap", "x"}, "unexpected argument 'bootstrap'"),
                Arguments.of(JobKind.SIMPLE_RELAY, new String[] {b, "x:1", "--bootstrap", "y"},
                        "unknown argument --bootstrap; known arguments: --job, --bootstrap-servers"),
                Arguments.of(JobKind.SIMPLE_RELAY, new String[] {b, "x:1", "--kafka.in.", "y"}, "unknown argument --kafka.in."),
                Arguments.of(JobKind.SIMPLE_RELAY, new String[] {b, "x:1", b, "y:1"},
                        "argument --bootstrap-servers given twice"),
                Arguments.of(JobKind.SIMPLE_RELAY, new String[] {b, "x:1", "--delivery-guarantee", "once"},
                        "argument --delivery-guarantee has unknown value 'once'; allowed: at-least-once, exactly-once"),
                Arguments.of(JobKind.SIMPLE_RELAY, new String[] {b, "x:1", "--starting-offsets", "newest"},
                        "argument --starting-offsets has unknown value 'newest'; allowed: committed, earliest, latest"),
                Arguments.of(JobKind.SIMPLE_RELAY, new String[] {b, "x:1", "--parallelism", "0"},
                        "argument --parallelism must be between 1 and 32768, got 0"),
                Arguments.of(JobKind.SIMPLE_RELAY, new String[] {b, "x:1", "--parallelism", "two"},
                        "argument --parallelism must be an integer, got 'two'"),
                Arguments.of(JobKind.SIMPLE_RELAY, new String[] {b, "x:1", "--checkpoint-interval-ms", "-1"},
                        "argument --checkpoint-interval-ms must be >= 0, got -1"),
                Arguments.of(JobKind.SIMPLE_RELAY, new String[] {b, "x:1", "--synthetic-work-us", "1.5"},
                        "argument --synthetic-work-us must be an integer, got '1.5'"),
                Arguments.of(JobKind.SIMPLE_RELAY, new String[] {b, "x:1", "--output-topic", ""},
                        "argument --output-topic must not be empty"),
                Arguments.of(JobKind.SIMPLE_RELAY, new String[] {b, "x:1", "--co2-threshold", "high"},
                        "argument --co2-threshold must be a number, got 'high'"),
                Arguments.of(JobKind.SIMPLE_RELAY, new String[] {b, "x:1", "--count-tag-every", "0"},
                        "argument --count-tag-every must be >= 1, got 0"),
                Arguments.of(JobKind.SIMPLE_RELAY, new String[] {b, "x:1", "--job", "complex-processing"},
                        "--job complex-processing contradicts this main class, which runs simple-relay"),
                Arguments.of(JobKind.SIMPLE_RELAY, new String[] {b, "x:1", "--delivery-guarantee", "exactly-once",
                    "--checkpoint-interval-ms", "0"}, "exactly-once needs checkpoints"));
    }

    @ParameterizedTest
    @MethodSource("badArguments")
    void badArgumentsAreRejectedWithAMessageNamingThem(JobKind fixed, String[] args, String message) {
        assertThatThrownBy(() -> JobConfig.parse(args, fixed))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }

    @Test
    void jobMainFailsBeforeSubmittingOnBadArguments() {
        assertThatThrownBy(() -> JobMain.main(new String[] {"--job", "simple-relay"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--bootstrap-servers");
        assertThatThrownBy(() -> JobMain.main(new String[] {"--job", "simple-relay", "--bootstrap-servers", "b:1",
            "--kafka-properties", "/nonexistent/client.properties"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("argument --kafka-properties: Kafka properties file '/nonexistent/client.properties'"
                        + " does not exist");
    }
}
