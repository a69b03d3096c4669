package com.example.windowedcount;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** One output record: how many events a device sent in one window. */
public class WindowCount {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** ISO-8601 UTC with exactly three fraction digits: 2026-11-26T12:00:05.000Z. */
    private static final DateTimeFormatter ISO_MILLIS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    public String deviceId;
    public long windowStartMs;
    public long windowEndMs;
    public long count;
    /** The latest createdAt among the window's events, as given. */
    public String createdAt;

    public WindowCount() {}

    public WindowCount(String deviceId, long windowStartMs, long windowEndMs, long count, String createdAt) {
        this.deviceId = deviceId;
        this.windowStartMs = windowStartMs;
        this.windowEndMs = windowEndMs;
        this.count = count;
        this.createdAt = createdAt;
    }

    /** {"deviceId":..,"windowStart":"ISO","windowEnd":"ISO","count":N,"createdAt":".."} */
    public byte[] toJson() {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("deviceId", deviceId);
        o.put("windowStart", ISO_MILLIS.format(Instant.ofEpochMilli(windowStartMs)));
        o.put("windowEnd", ISO_MILLIS.format(Instant.ofEpochMilli(windowEndMs)));
        o.put("count", count);
        o.put("createdAt", createdAt);
        try {
            return MAPPER.writeValueAsBytes(o);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e); // cannot happen for a tree of strings and numbers
        }
    }

    public byte[] key() {
        return deviceId.getBytes(StandardCharsets.UTF_8);
    }
}
