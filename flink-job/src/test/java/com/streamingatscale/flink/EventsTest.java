package com.streamingatscale.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EventsTest {
    static final String SAMPLE = "{\"eventId\":\"b81d241f-5187-40b0-ab2a-940faf9757c0\","
            + "\"complexData\":{\"moreData0\":57.739726013343247,\"moreData1\":52.230732688620829,"
            + "\"moreData2\":70.0,\"moreData3\":1E+2,\"moreData4\":0.000001},"
            + "\"value\":49.02278128887753,\"deviceId\":\"contoso://device-id-154\",\"deviceSequenceNumber\":0,"
            + "\"type\":\"CO2\",\"createdAt\":\"2019-05-16T17:16:40.000003Z\"}";

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void relayOutputIsTheInputTextPlusTwoFields() throws Exception {
        ObjectNode e = Events.parse(bytes(SAMPLE));
        long enq = Instant.parse("2026-11-26T12:00:00.123Z").toEpochMilli();
        long proc = Instant.parse("2026-11-26T12:00:01Z").toEpochMilli();
        String out = new String(Events.toBytes(Events.enrich(e, enq, proc)), StandardCharsets.UTF_8);
        // digit for digit: no BigDecimal normalisation, no double rounding, createdAt untouched
        assertThat(out).isEqualTo(SAMPLE.substring(0, SAMPLE.length() - 1)
                + ",\"enqueuedAt\":\"2026-11-26T12:00:00.123Z\",\"processedAt\":\"2026-11-26T12:00:01.000Z\"}");
    }

    @Test
    void enrichedTreeEqualsInputTreeWithoutAddedFields() throws Exception {
        ObjectNode e = Events.parse(bytes(SAMPLE));
        ObjectNode enriched = Events.enrich(e.deepCopy(), 1L, 2L);
        JsonNode back = Events.MAPPER.readTree(Events.toBytes(enriched));
        ((ObjectNode) back).remove(List.of(Events.ENQUEUED_AT, Events.PROCESSED_AT));
        assertThat(back).isEqualTo(e);
        assertThat(back.get("complexData").get("moreData0").decimalValue().toPlainString())
                .isEqualTo("57.739726013343247");
    }

    @Test
    void isoMillisAlwaysHasThreeFractionDigits() {
        assertThat(Events.isoMillis(0)).isEqualTo("1970-01-01T00:00:00.000Z");
        assertThat(Events.isoMillis(Instant.parse("2026-11-26T12:00:00.120Z").toEpochMilli()))
                .isEqualTo("2026-11-26T12:00:00.120Z");
    }

    @Test
    void deviceEventProjection() throws Exception {
        DeviceEvent d = Events.toDeviceEvent(Events.parse(bytes(SAMPLE)), 42L);
        assertThat(d.deviceId).isEqualTo("contoso://device-id-154");
        assertThat(d.type).isEqualTo("CO2");
        assertThat(d.value).isEqualTo(49.02278128887753);
        assertThat(d.createdAt).isEqualTo("2019-05-16T17:16:40.000003Z");
        assertThat(d.createdAtMs).isEqualTo(Instant.parse("2019-05-16T17:16:40Z").toEpochMilli());
        assertThat(d.enqueuedAtMs).isEqualTo(42L);
    }

    @Test
    void createdAtWithOffsetIsAccepted() throws Exception {
        assertThat(Events.parseInstantMillis("2019-05-16T19:16:40.5+02:00"))
                .isEqualTo(Instant.parse("2019-05-16T17:16:40.5Z").toEpochMilli());
    }

    static List<String> malformed() {
        List<String> l = new ArrayList<>();
        l.add("");
        l.add("not json");
        l.add("{\"eventId\":");
        l.add("[1,2]");
        l.add("42");
        l.add(SAMPLE.replace("\"eventId\":\"b81d241f-5187-40b0-ab2a-940faf9757c0\",", ""));
        l.add(SAMPLE.replace("\"deviceId\":\"contoso://device-id-154\"", "\"deviceId\":154"));
        l.add(SAMPLE.replace("\"value\":49.02278128887753", "\"value\":\"49.0\""));
        l.add(SAMPLE.replace("\"deviceSequenceNumber\":0", "\"deviceSequenceNumber\":0.5"));
        l.add(SAMPLE.replace("\"createdAt\":\"2019-05-16T17:16:40.000003Z\"", "\"createdAt\":\"yesterday\""));
        l.add(SAMPLE.replace(",\"createdAt\":\"2019-05-16T17:16:40.000003Z\"", ""));
        l.add(SAMPLE.replace("\"type\":\"CO2\"", "\"type\":null"));
        l.add(SAMPLE.replace("{\"moreData0\"", "[{\"moreData0\"").replace("0.000001}", "0.000001}]"));
        l.add(SAMPLE.replace("\"type\":\"CO2\"", "\"type\":\"CO2\",\"type\":\"TEMP\""));
        return l;
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.MethodSource("malformed")
    void malformedRecordsAreRejected(String record) {
        assertThatThrownBy(() -> Events.parse(bytes(record))).isInstanceOf(MalformedEventException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"\u0000\u0001binary", "{\"a\":1}"})
    void nonEventsAreRejected(String record) {
        assertThatThrownBy(() -> Events.parse(bytes(record))).isInstanceOf(MalformedEventException.class);
    }

    @Test
    void nullValueIsMalformed() {
        assertThatThrownBy(() -> Events.parse(null)).isInstanceOf(MalformedEventException.class);
    }

    @Test
    void syntheticWorkBurnsAtLeastTheGivenTime() {
        long t0 = System.nanoTime();
        RelayFunction.burn(2_000_000);
        assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(2_000_000);
    }
}
