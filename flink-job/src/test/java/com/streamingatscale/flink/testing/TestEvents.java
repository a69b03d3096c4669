package com.streamingatscale.flink.testing;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Locale;
import java.util.Random;
import java.util.UUID;

/**
 * Events in the simulator's exact shape: eventId, complexData with 23 moreData fields of 15 decimals
 * (not all of which a double could round-trip), value, deviceId, deviceSequenceNumber, type,
 * createdAt with microseconds. About 1 KB each.
 */
public final class TestEvents {
    private final Random random;

    public TestEvents(long seed) {
        this.random = new Random(seed);
    }

    public static String deviceId(int n) {
        return "contoso://device-id-" + n;
    }

    /** createdAt with microseconds, as the simulator writes it. */
    public static String createdAt(long epochMillis, int micros) {
        String s = Instant.ofEpochMilli(epochMillis).toString();
        String base = s.substring(0, 19); // yyyy-MM-ddTHH:mm:ss
        long millis = Math.floorMod(epochMillis, 1000L);
        return base + String.format(Locale.ROOT, ".%03d%03dZ", millis, micros);
    }

    private String decimal(int intPart) {
        long frac = Math.floorMod(random.nextLong(), 1_000_000_000_000_000L);
        return intPart + "." + String.format(Locale.ROOT, "%015d", frac);
    }

    public String event(String eventId, int device, long seq, String type, String value, String createdAt) {
        StringBuilder b = new StringBuilder(1100);
        b.append("{\"eventId\":\"").append(eventId).append("\",\"complexData\":{");
        for (int i = 0; i < 23; i++) {
            if (i > 0) {
                b.append(',');
            }
            b.append("\"moreData").append(i).append("\":").append(decimal(40 + random.nextInt(50)));
        }
        b.append("},\"value\":").append(value)
                .append(",\"deviceId\":\"").append(deviceId(device))
                .append("\",\"deviceSequenceNumber\":").append(seq)
                .append(",\"type\":\"").append(type)
                .append("\",\"createdAt\":\"").append(createdAt).append("\"}");
        return b.toString();
    }

    /** A random event of a device, created at {@code epochMillis}. */
    public String randomEvent(int device, long seq, long epochMillis) {
        String type = random.nextBoolean() ? "TEMP" : "CO2";
        return event(UUID.randomUUID().toString(), device, seq, type, decimal(random.nextInt(100)),
                createdAt(epochMillis, random.nextInt(1000)));
    }

    public static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
