package com.example.windowedcount;

import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceOptions;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.windowing.assigners.TumblingProcessingTimeWindows;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Kafka -> count events per device in tumbling processing-time windows -> Kafka.
 *
 * <pre>
 * source: in  ->  parse  ->  keyBy(deviceId)  ->  count per device  ->  sink: out
 * </pre>
 *
 * See README.md for the arguments and the record formats.
 */
public final class WindowedCountJob {
    private WindowedCountJob() {}

    public static void main(String[] argv) throws Exception {
        JobArgs args = JobArgs.parse(argv);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        build(env, args);
        env.execute("windowed-count");
    }

    /** Adds the pipeline to {@code env}. */
    public static void build(StreamExecutionEnvironment env, JobArgs args) {
        env.setParallelism(args.parallelism);
        // Each completed checkpoint commits the source's offsets to the consumer group, so the group's
        // committed offsets follow what the job has consumed (the benchmark reads them).
        env.enableCheckpointing(args.checkpointIntervalMs, CheckpointingMode.AT_LEAST_ONCE);

        KafkaSource<byte[]> source = KafkaSource.<byte[]>builder()
                .setBootstrapServers(args.bootstrapServers)
                .setTopics(args.inputTopic)
                .setGroupId(args.groupId)
                // resume from the group's committed offsets; from the beginning where it has none
                .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setProperty(KafkaSourceOptions.COMMIT_OFFSETS_ON_CHECKPOINT.key(), "true") // the default, made explicit
                .setDeserializer(new ValueBytes())
                .build();

        KafkaSink<WindowCount> sink = KafkaSink.<WindowCount>builder()
                .setBootstrapServers(args.bootstrapServers)
                .setRecordSerializer(new WindowCountSerializer(args.outputTopic))
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .build();

        DataStream<DeviceEvent> events = env
                .fromSource(source, WatermarkStrategy.noWatermarks(), "source: in")
                .uid("source: in")
                .flatMap(new ParseEvent())
                .name("parse")
                .uid("parse");

        events.keyBy(e -> e.deviceId, Types.STRING)
                .window(TumblingProcessingTimeWindows.of(Duration.ofSeconds(args.windowSeconds)))
                .aggregate(new CountPerDevice.Aggregate(), new CountPerDevice.Emit())
                .name("count per device")
                .uid("count per device")
                .sinkTo(sink)
                .name("sink: out")
                .uid("sink: out");
    }

    /** Record value bytes; a null value (tombstone) becomes an empty array, which parse counts as malformed. */
    static final class ValueBytes implements KafkaRecordDeserializationSchema<byte[]> {
        private static final long serialVersionUID = 1L;

        @Override
        public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<byte[]> out) {
            out.collect(record.value() == null ? new byte[0] : record.value());
        }

        @Override
        public TypeInformation<byte[]> getProducedType() {
            return PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO;
        }
    }

    /** A {@link WindowCount} as JSON, keyed by its deviceId. */
    static final class WindowCountSerializer implements KafkaRecordSerializationSchema<WindowCount> {
        private static final long serialVersionUID = 1L;
        private final String topic;

        WindowCountSerializer(String topic) {
            this.topic = topic;
        }

        @Override
        public ProducerRecord<byte[], byte[]> serialize(WindowCount wc, KafkaSinkContext context, Long timestamp) {
            return new ProducerRecord<>(topic, wc.key(), wc.toJson());
        }
    }
}
