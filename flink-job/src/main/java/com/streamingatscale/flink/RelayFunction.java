package com.streamingatscale.flink;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.flink.util.Collector;

/** The simple relay: the input event plus enqueuedAt and processedAt, keyed by deviceId. */
public class RelayFunction extends ParseFunction<KafkaBytes> {
    private static final long serialVersionUID = 1L;

    private final long syntheticWorkNanos;

    public RelayFunction(boolean deadLetters, long syntheticWorkMicros) {
        super(deadLetters);
        this.syntheticWorkNanos = syntheticWorkMicros * 1000L;
    }

    @Override
    protected void handle(KafkaBytes in, ObjectNode event, Collector<KafkaBytes> out) {
        if (syntheticWorkNanos > 0) {
            burn(syntheticWorkNanos);
        }
        String deviceId = event.get(Events.DEVICE_ID).textValue();
        Events.enrich(event, in.timestamp, System.currentTimeMillis());
        out.collect(new KafkaBytes(Events.utf8(deviceId), Events.toBytes(event), KafkaBytes.NO_TIMESTAMP));
    }

    /** Busy-spins on System.nanoTime, emulating a heavier per-record computation. */
    static long burn(long nanos) {
        long start = System.nanoTime();
        long spins = 0;
        while (System.nanoTime() - start < nanos) {
            spins++;
        }
        return spins;
    }
}
