package com.example.windowedcount;

/** Extra CPU work per event, to make the job deliberately slower (for example in an A/B test). */
final class Work {
    /** Busy-spins this many microseconds per event in the parse step; 0 = none. */
    static final long WORK_MICROS_PER_EVENT = 0;

    private Work() {}

    /** Spins (burning CPU, not sleeping) for {@link #WORK_MICROS_PER_EVENT} microseconds. */
    static void perEvent() {
        if (WORK_MICROS_PER_EVENT <= 0) {
            return;
        }
        long nanos = WORK_MICROS_PER_EVENT * 1_000L;
        long start = System.nanoTime();
        while (System.nanoTime() - start < nanos) {
            // spin
        }
    }
}
