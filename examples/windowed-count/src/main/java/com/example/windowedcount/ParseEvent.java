package com.example.windowedcount;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The parse step: JSON record value to {@link DeviceEvent}. A malformed record (not JSON, not an object,
 * no string {@code deviceId}, no ISO-8601 {@code createdAt}) is skipped and counted in the
 * {@value #MALFORMED_METRIC} metric; it never fails the job.
 */
public class ParseEvent extends RichFlatMapFunction<byte[], DeviceEvent> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ParseEvent.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    public static final String MALFORMED_METRIC = "malformedRecords";

    private transient Counter malformed;

    @Override
    public void open(OpenContext openContext) {
        malformed = getRuntimeContext().getMetricGroup().counter(MALFORMED_METRIC);
    }

    @Override
    public void flatMap(byte[] value, Collector<DeviceEvent> out) {
        Work.perEvent();
        DeviceEvent event = parse(value);
        if (event != null) {
            out.collect(event);
            return;
        }
        malformed.inc();
        long n = malformed.getCount();
        if (n <= 10 || n % 10_000 == 0) {
            LOG.warn("skipped malformed record #{}", n);
        }
    }

    /** The event, or null when the record is malformed. */
    static DeviceEvent parse(byte[] value) {
        if (value == null || value.length == 0) {
            return null;
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(value);
        } catch (IOException e) {
            return null;
        }
        if (node == null || !node.isObject()) {
            return null;
        }
        JsonNode deviceId = node.get("deviceId");
        JsonNode createdAt = node.get("createdAt");
        if (deviceId == null || !deviceId.isTextual() || deviceId.textValue().isEmpty()
                || createdAt == null || !createdAt.isTextual()) {
            return null;
        }
        try {
            DateTimeFormatter.ISO_INSTANT.parse(createdAt.textValue());
        } catch (DateTimeParseException e) {
            return null;
        }
        return new DeviceEvent(deviceId.textValue(), createdAt.textValue());
    }
}
