package com.streamingatscale.flink.testing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import kafka.testkit.KafkaClusterTestKit;
import kafka.testkit.TestKitNodes;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A real single-node Kafka 3.9 cluster (combined KRaft controller + broker) running inside the test
 * JVM, from Kafka's own test kit (Maven Central artifacts), listening on a random loopback port.
 */
public final class KafkaTestBroker implements AutoCloseable {
    private final KafkaClusterTestKit cluster;
    private final String bootstrap;
    /** Settings every client of this class needs (security), under the caller's. */
    private final Properties clientConfig;

    private KafkaTestBroker(KafkaClusterTestKit cluster, Properties clientConfig) {
        this.cluster = cluster;
        this.bootstrap = cluster.bootstrapServers();
        this.clientConfig = clientConfig;
    }

    public static KafkaTestBroker start() throws Exception {
        return start(Collections.emptyMap(), new Properties());
    }

    /**
     * A broker whose configuration has {@code brokerConfig} on top of the defaults below (e.g. a SASL
     * client listener), and whose test clients (admin, producer, consumer) use {@code clientConfig}.
     */
    public static KafkaTestBroker start(Map<String, String> brokerConfig, Properties clientConfig) throws Exception {
        TestKitNodes nodes = new TestKitNodes.Builder()
                .setCombined(true)
                .setNumBrokerNodes(1)
                .setNumControllerNodes(1)
                .build();
        KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes)
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("offsets.topic.num.partitions", "4")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("transaction.state.log.num.partitions", "4")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .setConfigProp("auto.create.topics.enable", "false")
                .setConfigProp("log.flush.interval.messages", String.valueOf(Long.MAX_VALUE));
        for (Map.Entry<String, String> e : brokerConfig.entrySet()) {
            builder.setConfigProp(e.getKey(), e.getValue());
        }
        KafkaClusterTestKit cluster = builder.build();
        cluster.format();
        cluster.startup();
        cluster.waitForReadyBrokers();
        KafkaTestBroker broker = new KafkaTestBroker(cluster, clientConfig);
        if (!broker.bootstrap.startsWith("localhost:") && !broker.bootstrap.startsWith("127.0.0.1:")) {
            broker.close();
            throw new IllegalStateException("test broker is not on loopback: " + broker.bootstrap);
        }
        return broker;
    }

    public String bootstrapServers() {
        return bootstrap;
    }

    public void createTopic(String name, int partitions) throws Exception {
        try (Admin admin = admin()) {
            admin.createTopics(Collections.singletonList(new NewTopic(name, partitions, (short) 1)))
                    .all().get(30, TimeUnit.SECONDS);
        }
    }

    public Admin admin() {
        Properties p = new Properties();
        p.putAll(clientConfig);
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return Admin.create(p);
    }

    public KafkaProducer<byte[], byte[]> producer(Properties extra) {
        Properties p = new Properties();
        p.putAll(clientConfig);
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.putAll(extra);
        return new KafkaProducer<>(p);
    }

    public KafkaConsumer<byte[], byte[]> consumer(Properties extra) {
        Properties p = new Properties();
        p.putAll(clientConfig);
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.putAll(extra);
        return new KafkaConsumer<>(p);
    }

    /** Sends and flushes; fails if any send fails. */
    public void produce(List<ProducerRecord<byte[], byte[]>> records) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = producer(new Properties())) {
            List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
            for (ProducerRecord<byte[], byte[]> r : records) {
                sent.add(producer.send(r));
            }
            producer.flush();
            for (java.util.concurrent.Future<?> f : sent) {
                f.get(30, TimeUnit.SECONDS);
            }
        }
    }

    /** Reads a topic from the start until {@code expected} records arrived or the timeout passed. */
    public List<ConsumerRecord<byte[], byte[]>> consume(String topic, int expected, Duration timeout,
            Properties extra) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = consumer(extra)) {
            c.subscribe(Collections.singletonList(topic));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (out.size() < expected && System.nanoTime() < deadline) {
                ConsumerRecords<byte[], byte[]> polled = c.poll(Duration.ofMillis(200));
                polled.forEach(out::add);
            }
        }
        return out;
    }

    /** Sum of end offsets of a topic. */
    public long endOffsetSum(String topic) {
        try (KafkaConsumer<byte[], byte[]> c = consumer(new Properties())) {
            List<TopicPartition> tps = c.partitionsFor(topic).stream()
                    .map(pi -> new TopicPartition(topic, pi.partition()))
                    .collect(Collectors.toList());
            return c.endOffsets(tps).values().stream().mapToLong(Long::longValue).sum();
        }
    }

    public static String text(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    public static Stream<String> texts(List<ConsumerRecord<byte[], byte[]>> records) {
        return records.stream().map(r -> text(r.value()));
    }

    @Override
    public void close() throws Exception {
        cluster.close();
    }
}
