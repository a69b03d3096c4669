package com.streamingatscale.flink;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Operator-harness tests of the complex job's tag rules, with event time and timers. */
class TaggingFunctionTest {
    static final long T0 = Instant.parse("2026-11-26T12:00:00Z").toEpochMilli();
    static final long ENQ = T0 + 123;

    KeyedOneInputStreamOperatorTestHarness<String, DeviceEvent, KafkaBytes> h;
    int seq;

    static KeyedOneInputStreamOperatorTestHarness<String, DeviceEvent, KafkaBytes> harness() throws Exception {
        return harness(1000);
    }

    static KeyedOneInputStreamOperatorTestHarness<String, DeviceEvent, KafkaBytes> harness(long countEvery)
            throws Exception {
        // K = 3 in a 60 s window, CO2 > 90, no news after 45 s
        TaggingFunction fn = new TaggingFunction(countEvery, 3, 60_000, 90.0, 45_000);
        KeyedOneInputStreamOperatorTestHarness<String, DeviceEvent, KafkaBytes> h =
                new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(fn), e -> e.deviceId, Types.STRING);
        return h;
    }

    @BeforeEach
    void setUp() throws Exception {
        h = harness();
        h.open();
    }

    @AfterEach
    void tearDown() throws Exception {
        h.close();
    }

    DeviceEvent ev(String device, String type, double value, long offsetMs) {
        long t = T0 + offsetMs;
        String createdAt = Instant.ofEpochMilli(t).toString().replace("Z", "") + (t % 1000 == 0 ? ".000007Z" : "007Z");
        return new DeviceEvent(device, device + "-e" + (seq++), type, value, createdAt, t, ENQ + offsetMs);
    }

    void send(DeviceEvent e) throws Exception {
        h.processElement(e, e.createdAtMs);
    }

    List<JsonNode> drain() throws Exception {
        List<JsonNode> r = new ArrayList<>();
        for (KafkaBytes b : h.extractOutputValues()) {
            JsonNode n = Events.MAPPER.readTree(b.value);
            assertThat(new String(b.key, java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(n.get("deviceId").asText());
            r.add(n);
        }
        h.getOutput().clear();
        return r;
    }

    static List<String> tags(List<JsonNode> out) {
        return out.stream().map(n -> n.get("deviceId").asText() + ":" + n.get("tag").asText()).collect(Collectors.toList());
    }

    @Test
    void firstEventOnlyOncePerDevice() throws Exception {
        DeviceEvent a = ev("a", "TEMP", 20, 0);
        send(a);
        send(ev("a", "TEMP", 21, 1000));
        send(ev("b", "CO2", 10, 1000));
        List<JsonNode> out = drain();
        assertThat(tags(out)).containsExactly("a:first-event", "b:first-event");
        JsonNode first = out.get(0);
        assertThat(first.get("eventId").asText()).isEqualTo(a.eventId);
        assertThat(first.get("createdAt").asText()).isEqualTo(a.createdAt).endsWith(".000007Z");
        assertThat(first.get("enqueuedAt").asText()).isEqualTo("2026-11-26T12:00:00.123Z");
        assertThat(Instant.parse(first.get("processedAt").asText())).isNotNull();
        assertThat(first.get("processedAt").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
    }

    @Test
    void countEveryNRecordsIncludingDuplicates() throws Exception {
        h.close();
        h = harness(5);
        h.open();
        DeviceEvent e = ev("a", "TEMP", 20, 0);
        for (int i = 0; i < 11; i++) {
            send(e); // the same event 11 times: duplicates are records too
        }
        List<JsonNode> out = drain();
        assertThat(tags(out)).containsExactly("a:first-event", "a:count", "a:count");
        assertThat(out.get(1).get("count").asLong()).isEqualTo(5);
        assertThat(out.get(2).get("count").asLong()).isEqualTo(10);
    }

    @Test
    void temp70sNeedsKInTheWindowAndResets() throws Exception {
        send(ev("a", "TEMP", 70.0, 0)); // in the 70s (70 inclusive)
        send(ev("a", "TEMP", 80.0, 1000)); // not (80 exclusive)
        send(ev("a", "TEMP", 79.99, 2000));
        assertThat(tags(drain())).containsExactly("a:first-event");
        send(ev("a", "TEMP", 75, 3000));
        List<JsonNode> out = drain();
        assertThat(tags(out)).containsExactly("a:temp-70s");
        assertThat(out.get(0).get("temperatures70s").asInt()).isEqualTo(3);
        // reported ones do not count again
        send(ev("a", "TEMP", 71, 4000));
        send(ev("a", "TEMP", 72, 5000));
        assertThat(drain()).isEmpty();
        send(ev("a", "TEMP", 73, 6000));
        assertThat(tags(drain())).containsExactly("a:temp-70s");
    }

    @Test
    void temp70sOutsideTheWindowDoNotAddUp() throws Exception {
        send(ev("a", "TEMP", 71, 0));
        send(ev("a", "TEMP", 71, 30_000));
        send(ev("a", "TEMP", 71, 60_000)); // the one at 0 is exactly W older: out
        assertThat(tags(drain())).containsExactly("a:first-event");
        send(ev("a", "TEMP", 71, 61_000));
        assertThat(tags(drain())).containsExactly("a:temp-70s");
    }

    @Test
    void highCo2WithSeveral70s() throws Exception {
        send(ev("a", "CO2", 99, 0)); // high, but no 70s yet
        send(ev("a", "TEMP", 71, 1000));
        send(ev("a", "TEMP", 72, 2000));
        send(ev("a", "CO2", 95, 2500)); // only 2 so far
        assertThat(tags(drain())).containsExactly("a:first-event");
        send(ev("a", "TEMP", 73, 3000));
        assertThat(tags(drain())).containsExactly("a:temp-70s");
        send(ev("a", "CO2", 90, 4000)); // not above the threshold
        assertThat(drain()).isEmpty();
        DeviceEvent co2 = ev("a", "CO2", 90.5, 5000);
        send(co2);
        List<JsonNode> out = drain();
        assertThat(tags(out)).containsExactly("a:high-co2-with-temp-70s");
        assertThat(out.get(0).get("eventId").asText()).isEqualTo(co2.eventId);
        assertThat(out.get(0).get("temperatures70s").asInt()).isEqualTo(3);
        assertThat(out.get(0).get("co2Value").asDouble()).isEqualTo(90.5);
        // 62 s later the 70s have left the window
        send(ev("a", "CO2", 99, 62_000));
        assertThat(drain()).isEmpty();
    }

    @Test
    void noNewsFiresOnEventTimeAndIsReArmedByNewerEvents() throws Exception {
        send(ev("a", "TEMP", 20, 0));
        send(ev("b", "TEMP", 20, 0));
        drain();
        h.processWatermark(T0 + 30_000);
        send(ev("b", "TEMP", 20, 40_000)); // b is re-armed to 85 s
        send(ev("a", "TEMP", 20, -5_000)); // an older, out-of-order event does not re-arm a
        drain();
        h.processWatermark(T0 + 44_999);
        assertThat(drain()).isEmpty();
        h.processWatermark(T0 + 45_000);
        List<JsonNode> out = drain();
        assertThat(tags(out)).containsExactly("a:no-news");
        JsonNode t = out.get(0);
        assertThat(t.get("eventId").isNull()).isTrue();
        assertThat(t.get("createdAt").isNull()).isTrue();
        assertThat(t.get("lastEventCreatedAt").asText()).isEqualTo("2026-11-26T12:00:00.000007Z");
        assertThat(t.get("silentForMs").asLong()).isEqualTo(45_000);
        assertThat(t.get("processedAt").asText()).endsWith("Z");
        h.processWatermark(T0 + 84_999);
        assertThat(drain()).isEmpty();
        h.processWatermark(T0 + 200_000);
        assertThat(tags(drain())).containsExactly("b:no-news"); // and a does not fire twice
        assertThat(h.numEventTimeTimers()).isZero();
    }

    @Test
    void stateAndTimersSurviveASnapshotRestore() throws Exception {
        send(ev("a", "TEMP", 71, 0));
        send(ev("a", "TEMP", 72, 1000));
        drain();
        OperatorSubtaskState snapshot = h.snapshot(1L, 1L);
        h.close();
        h = harness();
        h.initializeState(snapshot);
        h.open();
        send(ev("a", "TEMP", 73, 2000)); // third 70s: fires; first-event does not repeat
        assertThat(tags(drain())).containsExactly("a:temp-70s");
        h.processWatermark(T0 + 50_000);
        assertThat(tags(drain())).containsExactly("a:no-news");
    }

    @Test
    void sortedHelpers() {
        assertThat(TaggingFunction.insertSorted(new long[] {1, 3}, 2)).containsExactly(1, 2, 3);
        assertThat(TaggingFunction.insertSorted(new long[] {}, 2)).containsExactly(2);
        assertThat(TaggingFunction.dropUpTo(new long[] {1, 2, 3}, 2)).containsExactly(3);
    }
}
