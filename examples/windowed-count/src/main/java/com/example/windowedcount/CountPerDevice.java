package com.example.windowedcount;

import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/**
 * The window logic: {@link Aggregate} folds each event into a running count and latest createdAt as it
 * arrives (the window keeps one small accumulator per device, not its events), and {@link Emit} adds
 * the device and the window's bounds when the window fires.
 */
public final class CountPerDevice {
    private CountPerDevice() {}

    /** Window state per device. */
    public static class Accumulator {
        public long count;
        /** Max by string comparison: createdAt is fixed-width ISO-8601 UTC, so that is time order. */
        public String latestCreatedAt;

        public Accumulator() {}
    }

    /** Counts events and keeps the latest createdAt. */
    public static class Aggregate implements AggregateFunction<DeviceEvent, Accumulator, Accumulator> {
        private static final long serialVersionUID = 1L;

        @Override
        public Accumulator createAccumulator() {
            return new Accumulator();
        }

        @Override
        public Accumulator add(DeviceEvent event, Accumulator acc) {
            acc.count++;
            acc.latestCreatedAt = later(acc.latestCreatedAt, event.createdAt);
            return acc;
        }

        @Override
        public Accumulator getResult(Accumulator acc) {
            return acc;
        }

        @Override
        public Accumulator merge(Accumulator a, Accumulator b) {
            a.count += b.count;
            a.latestCreatedAt = later(a.latestCreatedAt, b.latestCreatedAt);
            return a;
        }

        static String later(String a, String b) {
            if (a == null) {
                return b;
            }
            return b != null && b.compareTo(a) > 0 ? b : a;
        }
    }

    /** Emits one {@link WindowCount} per device and window. */
    public static class Emit extends ProcessWindowFunction<Accumulator, WindowCount, String, TimeWindow> {
        private static final long serialVersionUID = 1L;

        @Override
        public void process(String deviceId, Context ctx, Iterable<Accumulator> results, Collector<WindowCount> out) {
            for (Accumulator acc : results) { // exactly one: the pre-aggregated result
                out.collect(new WindowCount(
                        deviceId, ctx.window().getStart(), ctx.window().getEnd(), acc.count, acc.latestCreatedAt));
            }
        }
    }
}
