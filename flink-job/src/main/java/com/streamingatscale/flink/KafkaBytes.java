package com.streamingatscale.flink;

/**
 * A Kafka record as raw bytes: what the source emits, what the sinks write. A Flink POJO (public
 * fields, no-arg constructor) so it is serialized without Kryo.
 */
public class KafkaBytes {
    /** Marker for "no timestamp": the producer then stamps the record itself. */
    public static final long NO_TIMESTAMP = Long.MIN_VALUE;

    public byte[] key;
    public byte[] value;
    /** Kafka record timestamp in epoch milliseconds, or {@link #NO_TIMESTAMP}. */
    public long timestamp = NO_TIMESTAMP;

    public KafkaBytes() {}

    public KafkaBytes(byte[] key, byte[] value, long timestamp) {
        this.key = key;
        this.value = value;
        this.timestamp = timestamp;
    }
}
