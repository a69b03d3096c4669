package com.example.windowedcount;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Unit tests of the job's pieces; no Flink cluster, no Kafka broker. */
class WindowedCountTest {
    private static final String[] REQUIRED = {
        "--bootstrap-servers", "localhost:9092", "--input-topic", "in", "--output-topic", "out",
        "--group-id", "g", "--parallelism", "2"
    };

    private static String[] with(String... more) {
        String[] all = new String[REQUIRED.length + more.length];
        System.arraycopy(REQUIRED, 0, all, 0, REQUIRED.length);
        System.arraycopy(more, 0, all, REQUIRED.length, more.length);
        return all;
    }

    @Test
    void argsWithDefaults() {
        JobArgs a = JobArgs.parse(REQUIRED);
        assertEquals("localhost:9092", a.bootstrapServers);
        assertEquals("in", a.inputTopic);
        assertEquals("out", a.outputTopic);
        assertEquals("g", a.groupId);
        assertEquals(2, a.parallelism);
        assertEquals(5, a.windowSeconds);
        assertEquals(5000, a.checkpointIntervalMs);
        JobArgs b = JobArgs.parse(with("--window-seconds", "10", "--checkpoint-interval-ms", "1000"));
        assertEquals(10, b.windowSeconds);
        assertEquals(1000, b.checkpointIntervalMs);
    }

    @Test
    void badArgsAreRejectedWithTheirName() {
        String msg = assertThrows(IllegalArgumentException.class,
                () -> JobArgs.parse(new String[] {"--bootstrap-servers", "b:9092"})).getMessage();
        assertTrue(msg.contains("missing required argument --input-topic"), msg);
        msg = assertThrows(IllegalArgumentException.class, () -> JobArgs.parse(with("--window-seconds", "x")))
                .getMessage();
        assertTrue(msg.contains("--window-seconds"), msg);
        msg = assertThrows(IllegalArgumentException.class, () -> JobArgs.parse(with("--windowseconds", "5")))
                .getMessage();
        assertTrue(msg.contains("unknown argument") && msg.contains("windowseconds"), msg);
        assertThrows(IllegalArgumentException.class, () -> JobArgs.parse(with("--checkpoint-interval-ms", "0")));
    }

    @Test
    void parseKeepsDeviceAndCreatedAtAndSkipsMalformed() {
        DeviceEvent e = ParseEvent.parse(bytes("{\"eventId\":\"e1\",\"complexData\":{\"a\":1},\"value\":12.3,"
                + "\"deviceId\":\"contoso://device-id-7\",\"deviceSequenceNumber\":42,\"type\":\"TEMP\","
                + "\"createdAt\":\"2026-11-26T12:00:00.000123Z\"}"));
        assertEquals("contoso://device-id-7", e.deviceId);
        assertEquals("2026-11-26T12:00:00.000123Z", e.createdAt);
        assertNull(ParseEvent.parse(null));
        assertNull(ParseEvent.parse(new byte[0]));
        assertNull(ParseEvent.parse(bytes("not json")));
        assertNull(ParseEvent.parse(bytes("[1,2]")));
        assertNull(ParseEvent.parse(bytes("{\"createdAt\":\"2026-11-26T12:00:00Z\"}")));
        assertNull(ParseEvent.parse(bytes("{\"deviceId\":7,\"createdAt\":\"2026-11-26T12:00:00Z\"}")));
        assertNull(ParseEvent.parse(bytes("{\"deviceId\":\"d\",\"createdAt\":\"yesterday\"}")));
    }

    @Test
    void aggregateCountsAndKeepsTheLatestCreatedAt() {
        CountPerDevice.Aggregate agg = new CountPerDevice.Aggregate();
        CountPerDevice.Accumulator a = agg.createAccumulator();
        agg.add(new DeviceEvent("d", "2026-11-26T12:00:00.000200Z"), a);
        agg.add(new DeviceEvent("d", "2026-11-26T12:00:00.000100Z"), a);
        CountPerDevice.Accumulator b = agg.createAccumulator();
        agg.add(new DeviceEvent("d", "2026-11-26T12:00:01.000000Z"), b);
        CountPerDevice.Accumulator m = agg.merge(a, agg.createAccumulator());
        m = agg.merge(m, b);
        assertEquals(3, agg.getResult(m).count);
        assertEquals("2026-11-26T12:00:01.000000Z", agg.getResult(m).latestCreatedAt);
    }

    @Test
    void outputJson() {
        WindowCount wc = new WindowCount("contoso://device-id-7", 1_795_694_400_000L, 1_795_694_405_000L, 3,
                "2026-11-26T12:00:04.999999Z");
        assertEquals("{\"deviceId\":\"contoso://device-id-7\",\"windowStart\":\"2026-11-26T12:00:00.000Z\","
                + "\"windowEnd\":\"2026-11-26T12:00:05.000Z\",\"count\":3,\"createdAt\":\"2026-11-26T12:00:04.999999Z\"}",
                new String(wc.toJson(), StandardCharsets.UTF_8));
        assertEquals("contoso://device-id-7", new String(wc.key(), StandardCharsets.UTF_8));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
