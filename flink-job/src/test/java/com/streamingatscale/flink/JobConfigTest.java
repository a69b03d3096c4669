package com.streamingatscale.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.streamingatscale.flink.JobConfig.JobKind;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
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
    }
}
