package com.streamingatscale.flink;

import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the Kafka source and sinks from a {@link JobConfig}.
 *
 * <p>Every Kafka client's properties are merged by {@link #merge}, lowest precedence first:
 * <ol>
 *   <li>the job's tuning defaults ({@code linger.ms=5}, {@code transaction.timeout.ms} for exactly-once,
 *       auto-commit without checkpoints);
 *   <li>the {@code --kafka-properties} file (shared by the source and both sinks: SASL/TLS settings);
 *   <li>{@code --kafka.in.*} (source) or {@code --kafka.out.*} (sinks);
 *   <li>the job's own settings, which always win: {@code bootstrap.servers} ({@code --bootstrap-servers})
 *       and the source's {@code group.id} ({@code --group-id}).
 * </ol>
 * Those and the keys the connector sets itself (see {@link #JOB_KEYS}) are dropped from 2 and 3, for
 * every client: the (de)serializers (byte arrays) and {@code transactional.id} (derived per producer
 * from {@code --transactional-id-prefix}, exactly-once only). A key ignored that way is logged by name,
 * never with its value (the file's values are secrets), unless its value is the job's own.
 *
 * <p>The merged properties end up inside the KafkaSource / KafkaSink objects, so they are serialized
 * into the job graph (Flink's own way of shipping connector settings); this class never logs them.
 * The Kafka clients log their ConsumerConfig / ProducerConfig / AdminClientConfig values at INFO, with
 * PASSWORD-type values ({@code sasl.jaas.config}, {@code ssl.*.password}, {@code ssl.keystore.key},
 * ...) printed as {@code [hidden]}, and unknown keys by name only.
 */
public final class KafkaIo {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaIo.class);

    /**
     * Keys the job or the connector sets, which user properties (the file, {@code --kafka.in.*},
     * {@code --kafka.out.*}) cannot set for any client: bootstrap servers and group id (the job's
     * arguments), the byte array (de)serializers (the source's and sinks' builders), and
     * {@code transactional.id}, which the exactly-once writer derives per producer from
     * {@code --transactional-id-prefix} and which would make an at-least-once producer transactional.
     */
    static final Set<String> JOB_KEYS = Collections.unmodifiableSet(new HashSet<>(Arrays.asList(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, ConsumerConfig.GROUP_ID_CONFIG,
            ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
            ProducerConfig.TRANSACTIONAL_ID_CONFIG)));

    private KafkaIo() {}

    /** The source: raw key/value bytes plus the record's Kafka timestamp. */
    public static KafkaSource<KafkaBytes> source(JobConfig cfg) {
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
                .setProperties(consumerProperties(cfg))
                // the same values as in consumerProperties, set after it
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
                .setKafkaProducerConfig(outputProducerProperties(cfg))
                .setBootstrapServers(cfg.bootstrapServers) // after the config: the job's value wins
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
                .setKafkaProducerConfig(producerProperties(cfg))
                .setBootstrapServers(cfg.bootstrapServers) // after the config: the job's value wins
                .setRecordSerializer(new RawSerializer(cfg.deadLetterTopic))
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .build();
    }

    /** The source's consumer properties (the builder then adds deserializers, offsets reset, client id prefix). */
    static Properties consumerProperties(JobConfig cfg) {
        Properties defaults = new Properties();
        if (cfg.checkpointIntervalMs == 0) {
            // Without checkpoints the source commits nothing itself; let the consumer do it so
            // the group's lag (which the measure step reads) stays meaningful.
            defaults.setProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "true");
            defaults.setProperty(ConsumerConfig.AUTO_COMMIT_INTERVAL_MS_CONFIG, "5000");
        }
        Map<String, String> job = new LinkedHashMap<>();
        job.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cfg.bootstrapServers);
        job.put(ConsumerConfig.GROUP_ID_CONFIG, cfg.groupId);
        return merge("source", defaults, cfg.kafkaFileProperties(), cfg.kafkaInProperties(), JobConfig.KAFKA_IN_PREFIX,
                job);
    }

    /** The output sink's producer properties. */
    static Properties outputProducerProperties(JobConfig cfg) {
        Properties defaults = producerDefaults();
        if (cfg.delivery == JobConfig.Delivery.EXACTLY_ONCE) {
            // KafkaSink defaults to 1 h, which brokers reject unless transaction.max.timeout.ms
            // was raised; 15 min is the brokers' default maximum (HDInsight included).
            defaults.setProperty(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "900000");
        }
        return producerProperties("output sink", cfg, defaults);
    }

    /** The dead-letter sink's producer properties. */
    static Properties producerProperties(JobConfig cfg) {
        return producerProperties("dead-letter sink", cfg, producerDefaults());
    }

    private static Properties producerProperties(String client, JobConfig cfg, Properties defaults) {
        Map<String, String> job = new LinkedHashMap<>();
        job.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cfg.bootstrapServers);
        return merge(client, defaults, cfg.kafkaFileProperties(), cfg.kafkaOutProperties(), JobConfig.KAFKA_OUT_PREFIX,
                job);
    }

    private static Properties producerDefaults() {
        Properties defaults = new Properties();
        // Kafka 4.0's default; 0 (the 3.x default) sends tiny batches under load.
        defaults.setProperty(ProducerConfig.LINGER_MS_CONFIG, "5");
        return defaults;
    }

    /**
     * One Kafka client's properties: {@code defaults} (the job's tuning defaults), overridden by
     * {@code file} (the {@code --kafka-properties} file), overridden by {@code passThrough}
     * ({@code --kafka.in.*} or {@code --kafka.out.*}, whose prefix is {@code passThroughPrefix}), then
     * {@code job} (the job's own settings, which always win). Keys of {@link #JOB_KEYS} in {@code file}
     * or {@code passThrough} are dropped, with a warning naming the key (never its value) unless the
     * value is the one {@code job} gives it; those not in {@code job} are left to the connector. No
     * argument is modified.
     */
    static Properties merge(String client, Properties defaults, Properties file, Properties passThrough,
            String passThroughPrefix, Map<String, String> job) {
        Properties merged = new Properties();
        merged.putAll(defaults);
        putUser(merged, client, "--" + JobConfig.Arg.KAFKA_PROPERTIES.cliName + " file", file, job);
        putUser(merged, client, "--" + passThroughPrefix + "*", passThrough, job);
        merged.putAll(job);
        return merged;
    }

    private static void putUser(Properties merged, String client, String origin, Properties user,
            Map<String, String> job) {
        for (String key : user.stringPropertyNames()) {
            if (JOB_KEYS.contains(key)) {
                // silent when it says what the job uses anyway (a client.properties naming the same brokers)
                if (!user.getProperty(key).trim().equals(job.get(key))) {
                    LOG.warn("Kafka {}: ignoring {} from {}: the job sets it", client, key, origin);
                }
            } else {
                merged.setProperty(key, user.getProperty(key));
            }
        }
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
