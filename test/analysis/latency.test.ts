import {
  LATENCY_RELATIVE_PRECISION,
  LatencyHistogram,
  emptyLatencyHistograms,
  latencySet,
  mergeLatencyHistograms,
  recordEventLatency,
} from '../../src/analysis/latency.js';

/** Nearest-rank percentile: the smallest value with at least p% of the values at or below it. */
function exactPercentile(sorted: number[], percentile: number): number {
  return sorted[Math.max(1, Math.ceil((percentile / 100) * sorted.length)) - 1];
}

/** A skewed, deterministic latency set in ms: most around 20-60 ms, a long tail to ~4 s. */
function knownLatencies(count: number): number[] {
  const values: number[] = [];
  let state = 42;
  for (let i = 0; i < count; i++) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    const uniform = state / 2 ** 31;
    values.push(Number((15 + 40 * uniform + (uniform > 0.97 ? 4000 * (uniform - 0.97) ** 0.5 : 0)).toFixed(3)));
  }
  return values;
}

/** Within the histogram's stated precision: 0.1% of the value, plus the 1 µs recording unit. */
function expectWithinPrecision(actual: number, exact: number): void {
  expect(Math.abs(actual - exact)).toBeLessThanOrEqual(exact * LATENCY_RELATIVE_PRECISION + 0.001);
}

describe('LatencyHistogram', () => {
  const values = knownLatencies(100_000);
  const sorted = [...values].sort((a, b) => a - b);

  it('gives p50/p95/p99 within the stated precision of the exact percentiles, and the exact max and count', () => {
    const histogram = LatencyHistogram.empty();
    for (const value of values) histogram.recordMs(value);
    const percentiles = histogram.percentiles()!;
    expectWithinPrecision(percentiles.p50, exactPercentile(sorted, 50));
    expectWithinPrecision(percentiles.p95, exactPercentile(sorted, 95));
    expectWithinPrecision(percentiles.p99, exactPercentile(sorted, 99));
    expect(percentiles.max).toBe(sorted[sorted.length - 1]);
    expect(percentiles.count).toBe(values.length);
  });

  it('merging per-minute histograms equals one histogram of every value', () => {
    const minutes = Array.from({ length: 5 }, () => LatencyHistogram.empty());
    const whole = LatencyHistogram.empty();
    values.forEach((value, index) => {
      minutes[index % 5].recordMs(value);
      whole.recordMs(value);
    });
    const merged = LatencyHistogram.merge(minutes);
    expect(merged.percentiles()).toEqual(whole.percentiles());
    expectWithinPrecision(merged.percentiles()!.p99, exactPercentile(sorted, 99));
  });

  it('records microseconds as well as milliseconds', () => {
    const histogram = LatencyHistogram.empty();
    histogram.recordUs(1500);
    histogram.recordMs(1.5);
    expect(histogram.percentiles()).toEqual({ p50: 1.5, p95: 1.5, p99: 1.5, max: 1.5, count: 2 });
  });

  it('clamps negative latencies (clock skew) to zero and counts them', () => {
    const histogram = LatencyHistogram.empty();
    histogram.recordMs(-3);
    histogram.recordMs(10);
    expect(histogram.negativeCount).toBe(1);
    expect(histogram.percentileMs(50)).toBe(0);
    expect(histogram.maxMs).toBe(10);
  });

  it('round-trips through its base64 encoding', () => {
    const histogram = LatencyHistogram.empty();
    for (const value of values.slice(0, 5000)) histogram.recordMs(value);
    histogram.recordMs(-1);
    const copy = LatencyHistogram.fromBase64(JSON.parse(JSON.stringify(histogram.toBase64())));
    expect(copy.percentiles()).toEqual(histogram.percentiles());
    expect(copy.negativeCount).toBe(1);
  });

  it('reports nothing when empty', () => {
    expect(LatencyHistogram.empty().percentiles()).toBeNull();
    expect(latencySet(emptyLatencyHistograms())).toBeNull();
  });

  it('builds the report latency set from all three histograms', () => {
    const a = emptyLatencyHistograms();
    const b = emptyLatencyHistograms();
    a.processed.recordMs(40);
    a.enqueued.recordMs(5);
    a.processedFromSent.recordMs(35);
    b.processed.recordMs(60);
    const set = latencySet(mergeLatencyHistograms([a, b]))!;
    expect(set.processed).toMatchObject({ count: 2, max: 60 });
    expect(set.enqueued).toMatchObject({ count: 1, p50: 5 });
    expect(set.processedFromSent).toMatchObject({ count: 1, p50: 35 });
  });
});

describe('recordEventLatency', () => {
  const createdAt = Date.parse('2026-11-26T12:00:00Z') + 0.25; // intended send time, with its microseconds

  it('records from the intended send time, from the actual one, and the delay between them', () => {
    const set = emptyLatencyHistograms();
    recordEventLatency(set, { createdAt, enqueuedAt: createdAt - 0.25 + 300, processedAt: createdAt - 0.25 + 312 });
    expect(set.processed.maxMs).toBe(311.75);
    expect(set.enqueued.maxMs).toBe(299.75); // the generator sent it this late
    expect(set.processedFromSent.maxMs).toBe(12); // what the pipeline added
  });

  it('without an actual send time (a job without enqueuedAt) only the intended-time latency is known', () => {
    const set = emptyLatencyHistograms();
    recordEventLatency(set, { createdAt, processedAt: createdAt + 10 });
    expect(latencySet(set)).toEqual({
      processed: { p50: 10, p95: 10, p99: 10, max: 10, count: 1 },
      enqueued: null,
      processedFromSent: null,
    });
  });

  it('a generator that falls behind by a constant delay: every percentile from intended = from actual + the delay', () => {
    const set = emptyLatencyHistograms();
    const delayMs = 250;
    const pipeline = knownLatencies(5000);
    for (const latency of pipeline) {
      const sentAt = createdAt + delayMs;
      recordEventLatency(set, { createdAt, enqueuedAt: sentAt, processedAt: sentAt + latency });
    }
    const { processed, processedFromSent, enqueued } = latencySet(set)!;
    const sorted = [...pipeline].sort((a, b) => a - b);
    for (const p of [50, 95, 99] as const) {
      expectWithinPrecision(processedFromSent![`p${p}`], exactPercentile(sorted, p));
      expectWithinPrecision(processed[`p${p}`], exactPercentile(sorted, p) + delayMs);
    }
    expect(processed.max).toBeCloseTo(processedFromSent!.max + delayMs, 3);
    expect(enqueued).toMatchObject({ p50: delayMs, p99: delayMs, max: delayMs, count: 5000 });
  });
});
