package com.streamingatscale.flink;

import java.util.Properties;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.sink.KafkaSinkBuilder;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Builds the Kafka source and sinks from a {@link JobConfig}. */
public final class KafkaIo {
    private KafkaIo() {}

    /** The source: raw key/value bytes plus the record's Kafka timestamp. */
    public static KafkaSource<KafkaBytes> source(JobConfig cfg) {
        Properties props = cfg.kafkaInProperties();
        if (cfg.checkpointIntervalMs == 0) {
            // Without checkpoints the source commits nothing itself; let the consumer do it so
            // the group's lag (which the measure step reads) stays meaningful.
            props.putIfAbsent(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "true");
            props.putIfAbsent(ConsumerConfig.AUTO_COMMIT_INTERVAL_MS_CONFIG, "5000");
        }
        OffsetsInitializer start;
        switch (cfg.startingOffsets) {
            case EARLIEST:
                start = OffsetsInitializer.earliest();
                break;
            case LATEST:
                start = OffsetsInitializer.latest();
                break;
            default:
                start = OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
        }
        return KafkaSource.<KafkaBytes>builder()
                .setProperties(props)
                .setBootstrapServers(cfg.bootstrapServers)
                .setTopics(cfg.inputTopic)
                .setGroupId(cfg.groupId)
                .setStartingOffsets(start)
                .setDeserializer(new RawDeserializer())
                .build();
    }

    /** The output sink, with the configured delivery guarantee. */
    public static KafkaSink<KafkaBytes> outputSink(JobConfig cfg) {
        KafkaSinkBuilder<KafkaBytes> b = KafkaSink.<KafkaBytes>builder()
                .setBootstrapServers(cfg.bootstrapServers)
                .setKafkaProducerConfig(outputProducerProperties(cfg))
                .setRecordSerializer(new RawSerializer(cfg.outputTopic));
        if (cfg.delivery == JobConfig.Delivery.EXACTLY_ONCE) {
            b.setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE).setTransactionalIdPrefix(cfg.transactionalIdPrefix);
        } else {
            b.setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE);
        }
        return b.build();
    }

    /** The dead-letter sink: always at-least-once, records written exactly as they were read. */
    public static KafkaSink<KafkaBytes> deadLetterSink(JobConfig cfg) {
        return KafkaSink.<KafkaBytes>builder()
                .setBootstrapServers(cfg.bootstrapServers)
                .setKafkaProducerConfig(producerProperties(cfg))
                .setRecordSerializer(new RawSerializer(cfg.deadLetterTopic))
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .build();
    }

    static Properties outputProducerProperties(JobConfig cfg) {
        Properties props = producerProperties(cfg);
        if (cfg.delivery == JobConfig.Delivery.EXACTLY_ONCE) {
            // KafkaSink defaults to 1 h, which brokers reject unless transaction.max.timeout.ms
            // was raised; 15 min is the brokers' default maximum (HDInsight included).
            props.putIfAbsent(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "900000");
        }
        return props;
    }

    static Properties producerProperties(JobConfig cfg) {
        Properties props = cfg.kafkaOutProperties();
        // Kafka 4.0's default; 0 (the 3.x default) sends tiny batches under load.
        props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "5");
        return props;
    }

    /** ConsumerRecord to {@link KafkaBytes}. */
    public static final class RawDeserializer implements KafkaRecordDeserializationSchema<KafkaBytes> {
        private static final long serialVersionUID = 1L;

        @Override
        public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<KafkaBytes> out) {
            out.collect(new KafkaBytes(record.key(), record.value(), record.timestamp()));
        }

        @Override
        public TypeInformation<KafkaBytes> getProducedType() {
            return TypeInformation.of(KafkaBytes.class);
        }
    }

    /** {@link KafkaBytes} to ProducerRecord on a fixed topic, keeping key, value and timestamp. */
    public static final class RawSerializer implements KafkaRecordSerializationSchema<KafkaBytes> {
        private static final long serialVersionUID = 1L;
        private final String topic;

        public RawSerializer(String topic) {
            this.topic = topic;
        }

        @Override
        public ProducerRecord<byte[], byte[]> serialize(KafkaBytes element, KafkaSinkContext context, Long timestamp) {
            Long ts = element.timestamp == KafkaBytes.NO_TIMESTAMP ? null : element.timestamp;
            return new ProducerRecord<>(topic, null, ts, element.key, element.value);
        }
    }
}
