package com.streamingatscale.flink;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * Parsing, validation and enrichment of the simulator's event JSON.
 *
 * <p>The tree is kept as parsed: floating-point numbers are read as {@link java.math.BigDecimal}
 * without trailing-zero stripping, so {@code 57.739726013343247} and {@code 70.0} are written back
 * digit for digit; strings (such as {@code createdAt} with its microseconds) are untouched; field
 * order is kept and the two added fields come last.
 */
public final class Events {
    public static final String EVENT_ID = "eventId";
    public static final String DEVICE_ID = "deviceId";
    public static final String TYPE = "type";
    public static final String VALUE = "value";
    public static final String CREATED_AT = "createdAt";
    public static final String DEVICE_SEQUENCE_NUMBER = "deviceSequenceNumber";
    public static final String COMPLEX_DATA = "complexData";
    public static final String ENQUEUED_AT = "enqueuedAt";
    public static final String PROCESSED_AT = "processedAt";

    /** Millisecond ISO-8601 UTC, always three fraction digits: 2026-11-26T12:00:00.123Z. */
    private static final DateTimeFormatter ISO_MILLIS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .disable(SerializationFeature.INDENT_OUTPUT)
            .build();

    private Events() {}

    /** Formats epoch milliseconds as ISO-8601 UTC with exactly millisecond precision. */
    public static String isoMillis(long epochMillis) {
        return ISO_MILLIS.format(Instant.ofEpochMilli(epochMillis));
    }

    /** Parses and validates an event; the returned tree is the input, unchanged. */
    public static ObjectNode parse(byte[] value) throws MalformedEventException {
        if (value == null || value.length == 0) {
            throw new MalformedEventException("empty record");
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(value);
        } catch (JsonProcessingException e) {
            throw new MalformedEventException("not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new MalformedEventException("unreadable: " + e.getMessage());
        }
        if (node == null || !node.isObject()) {
            throw new MalformedEventException("not a JSON object");
        }
        ObjectNode event = (ObjectNode) node;
        requireText(event, EVENT_ID);
        requireText(event, DEVICE_ID);
        requireText(event, TYPE);
        requireText(event, CREATED_AT);
        JsonNode v = event.get(VALUE);
        if (v == null || !v.isNumber()) {
            throw new MalformedEventException("field 'value' missing or not a number");
        }
        JsonNode seq = event.get(DEVICE_SEQUENCE_NUMBER);
        if (seq == null || !seq.isIntegralNumber()) {
            throw new MalformedEventException("field 'deviceSequenceNumber' missing or not an integer");
        }
        JsonNode complex = event.get(COMPLEX_DATA);
        if (complex != null && !complex.isObject()) {
            throw new MalformedEventException("field 'complexData' is not an object");
        }
        parseInstantMillis(event.get(CREATED_AT).textValue());
        return event;
    }

    /** The projection used by the complex job. */
    public static DeviceEvent toDeviceEvent(ObjectNode event, long enqueuedAtMs) throws MalformedEventException {
        String createdAt = event.get(CREATED_AT).textValue();
        return new DeviceEvent(event.get(DEVICE_ID).textValue(), event.get(EVENT_ID).textValue(),
                event.get(TYPE).textValue(), event.get(VALUE).doubleValue(), createdAt, parseInstantMillis(createdAt),
                enqueuedAtMs);
    }

    /** Adds enqueuedAt and processedAt, in place. */
    public static ObjectNode enrich(ObjectNode event, long enqueuedAtMs, long processedAtMs) {
        event.put(ENQUEUED_AT, isoMillis(enqueuedAtMs));
        event.put(PROCESSED_AT, isoMillis(processedAtMs));
        return event;
    }

    public static byte[] toBytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize JSON tree", e);
        }
    }

    public static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** ISO-8601 instant ("Z" or an offset) to epoch milliseconds. */
    static long parseInstantMillis(String text) throws MalformedEventException {
        try {
            return Instant.parse(text).toEpochMilli();
        } catch (DateTimeParseException e) {
            try {
                return OffsetDateTime.parse(text).toInstant().toEpochMilli();
            } catch (DateTimeParseException e2) {
                throw new MalformedEventException("field 'createdAt' is not an ISO-8601 instant: '" + text + "'");
            }
        }
    }

    private static void requireText(ObjectNode event, String field) throws MalformedEventException {
        JsonNode n = event.get(field);
        if (n == null || !n.isTextual() || n.textValue().isEmpty()) {
            throw new MalformedEventException("field '" + field + "' missing or not a non-empty string");
        }
    }
}
