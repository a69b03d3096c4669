package com.streamingatscale.flink;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The complex-processing job's per-device tagging (keyed by deviceId, event time = createdAt).
 * The exact rules are documented in flink-job/README.md ("Tags"); in short:
 *
 * <ul>
 *   <li>{@code first-event}: the first event of a device.
 *   <li>{@code count}: every N-th event of a device (duplicates count).
 *   <li>{@code temp-70s}: K not-yet-reported TEMP events with 70 &lt;= value &lt; 80 within W ms of
 *       event time of each other.
 *   <li>{@code high-co2-with-temp-70s}: a CO2 event with value &gt; threshold while the device had at
 *       least K 70s temperatures in the W ms of event time up to it.
 *   <li>{@code no-news}: an event-time timer: the watermark passed the device's latest createdAt plus
 *       the no-news interval without a newer event.
 * </ul>
 */
public class TaggingFunction extends KeyedProcessFunction<String, DeviceEvent, KafkaBytes> {
    private static final long serialVersionUID = 1L;

    public static final String FIRST_EVENT = "first-event";
    public static final String COUNT = "count";
    public static final String TEMP_70S = "temp-70s";
    public static final String HIGH_CO2_WITH_TEMP_70S = "high-co2-with-temp-70s";
    public static final String NO_NEWS = "no-news";

    private static final long NONE = Long.MIN_VALUE;

    /** Per-device state (a Flink POJO). */
    public static class DeviceState {
        public long count;
        /** Highest createdAt seen (ms), and that event's createdAt text. */
        public long lastEventMs = NONE;
        public String lastCreatedAt;
        public long lastEnqueuedAtMs = NONE;
        /** The pending no-news timer, or NONE. */
        public long timerMs = NONE;
        /** createdAt (ms, sorted) of 70s temperatures within the window of the newest one. */
        public long[] recent70s = new long[0];
        /** The same, restricted to those not yet reported by a temp-70s tag. */
        public long[] pending70s = new long[0];

        public DeviceState() {}
    }

    private final long countEvery;
    private final int k;
    private final long windowMs;
    private final double co2Threshold;
    private final long noNewsMs;

    private transient ValueState<DeviceState> state;
    private transient Counter tags;

    public TaggingFunction(JobConfig cfg) {
        this(cfg.countTagEvery, cfg.temp70sCount, cfg.tempWindowMs, cfg.co2Threshold, cfg.noNewsMs);
    }

    public TaggingFunction(long countEvery, int k, long windowMs, double co2Threshold, long noNewsMs) {
        this.countEvery = countEvery;
        this.k = k;
        this.windowMs = windowMs;
        this.co2Threshold = co2Threshold;
        this.noNewsMs = noNewsMs;
    }

    @Override
    public void open(Configuration parameters) {
        state = getRuntimeContext().getState(
                new ValueStateDescriptor<>("device", TypeInformation.of(DeviceState.class)));
        tags = getRuntimeContext().getMetricGroup().counter("tagsEmitted");
    }

    @Override
    public void processElement(DeviceEvent e, Context ctx, Collector<KafkaBytes> out) throws Exception {
        DeviceState s = state.value();
        if (s == null) {
            s = new DeviceState();
        }
        s.count++;
        if (s.count == 1) {
            ObjectNode t = eventTag(e, FIRST_EVENT);
            t.put("type", e.type);
            t.put("value", e.value);
            emit(t, e.deviceId, out);
        }
        if (s.count % countEvery == 0) {
            emit(eventTag(e, COUNT).put("count", s.count), e.deviceId, out);
        }
        if ("TEMP".equals(e.type) && e.value >= 70 && e.value < 80) {
            s.recent70s = insertSorted(s.recent70s, e.createdAtMs);
            s.pending70s = insertSorted(s.pending70s, e.createdAtMs);
            long newest = s.recent70s[s.recent70s.length - 1];
            s.recent70s = dropUpTo(s.recent70s, newest - windowMs);
            s.pending70s = dropUpTo(s.pending70s, newest - windowMs);
            if (s.pending70s.length >= k) {
                ObjectNode t = eventTag(e, TEMP_70S);
                t.put("temperatures70s", s.pending70s.length);
                t.put("windowMs", windowMs);
                t.put("value", e.value);
                emit(t, e.deviceId, out);
                s.pending70s = new long[0];
            }
        }
        if ("CO2".equals(e.type) && e.value > co2Threshold) {
            int n = 0;
            for (long ts : s.recent70s) {
                if (ts > e.createdAtMs - windowMs && ts <= e.createdAtMs) {
                    n++;
                }
            }
            if (n >= k) {
                ObjectNode t = eventTag(e, HIGH_CO2_WITH_TEMP_70S);
                t.put("co2Value", e.value);
                t.put("co2Threshold", co2Threshold);
                t.put("temperatures70s", n);
                t.put("windowMs", windowMs);
                emit(t, e.deviceId, out);
            }
        }
        if (e.createdAtMs > s.lastEventMs) {
            s.lastEventMs = e.createdAtMs;
            s.lastCreatedAt = e.createdAt;
            if (s.timerMs != NONE) {
                ctx.timerService().deleteEventTimeTimer(s.timerMs);
            }
            s.timerMs = e.createdAtMs + noNewsMs;
            ctx.timerService().registerEventTimeTimer(s.timerMs);
        }
        s.lastEnqueuedAtMs = e.enqueuedAtMs;
        state.update(s);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<KafkaBytes> out) throws Exception {
        DeviceState s = state.value();
        if (s == null || s.timerMs != timestamp) {
            return;
        }
        ObjectNode t = Events.MAPPER.createObjectNode();
        t.put("deviceId", ctx.getCurrentKey());
        t.put("tag", NO_NEWS);
        t.putNull("eventId");
        t.putNull("createdAt");
        t.put("enqueuedAt", s.lastEnqueuedAtMs == NONE ? null : Events.isoMillis(s.lastEnqueuedAtMs));
        t.put("processedAt", Events.isoMillis(System.currentTimeMillis()));
        t.put("lastEventCreatedAt", s.lastCreatedAt);
        t.put("silentForMs", noNewsMs);
        t.put("firedAtEventTime", Events.isoMillis(timestamp));
        emit(t, ctx.getCurrentKey(), out);
        s.timerMs = NONE;
        state.update(s);
    }

    private static ObjectNode eventTag(DeviceEvent e, String tag) {
        ObjectNode t = Events.MAPPER.createObjectNode();
        t.put("deviceId", e.deviceId);
        t.put("tag", tag);
        t.put("eventId", e.eventId);
        t.put("createdAt", e.createdAt);
        t.put("enqueuedAt", Events.isoMillis(e.enqueuedAtMs));
        t.put("processedAt", Events.isoMillis(System.currentTimeMillis()));
        return t;
    }

    private void emit(ObjectNode tag, String deviceId, Collector<KafkaBytes> out) {
        tags.inc();
        out.collect(new KafkaBytes(Events.utf8(deviceId), Events.toBytes(tag), KafkaBytes.NO_TIMESTAMP));
    }

    static long[] insertSorted(long[] a, long v) {
        int i = Arrays.binarySearch(a, v);
        int at = i >= 0 ? i + 1 : -i - 1;
        long[] r = new long[a.length + 1];
        System.arraycopy(a, 0, r, 0, at);
        r[at] = v;
        System.arraycopy(a, at, r, at + 1, a.length - at);
        return r;
    }

    /** Drops the entries <= bound from a sorted array. */
    static long[] dropUpTo(long[] a, long bound) {
        int from = 0;
        while (from < a.length && a[from] <= bound) {
            from++;
        }
        return from == 0 ? a : Arrays.copyOfRange(a, from, a.length);
    }
}
