/**
 * End-to-end latency distributions over HdrHistogram (hdr-histogram-js): one histogram per
 * interval, merged for the steady-state window. Values are recorded as whole microseconds with 3
 * significant digits, so every percentile is within 0.1% of the exact value (plus 1 µs); max and
 * count are kept exactly beside the histogram. The pure JS build is used (never WebAssembly) so the
 * action bundles with ncc and behaves the same everywhere.
 */
import { build, decodeFromCompressedBase64, encodeIntoCompressedBase64, type Histogram } from 'hdr-histogram-js';
import type { LatencyPercentiles, LatencySet } from '../report/schema.js';

export const LATENCY_SIGNIFICANT_DIGITS = 3;
/** Relative precision of a reported percentile: 10^-digits. */
export const LATENCY_RELATIVE_PRECISION = 10 ** -LATENCY_SIGNIFICANT_DIGITS;

const MICROSECONDS_PER_MS = 1000;
// 'packed' buckets keep a sparse histogram (latencies cluster) small; sizes grow on demand.
const BUCKETS = 'packed';

function newHistogram(): Histogram {
  return build({
    bitBucketSize: BUCKETS,
    autoResize: true,
    lowestDiscernibleValue: 1,
    numberOfSignificantValueDigits: LATENCY_SIGNIFICANT_DIGITS,
    useWebAssembly: false,
  });
}

export class LatencyHistogram {
  private readonly histogram: Histogram;
  private exactMaxUs = 0;
  /**
   * Values below zero recorded as 0: processedAt before createdAt means the clocks of the simulator
   * and Flink disagree by more than the latency. Counted so the report can say so.
   */
  negativeCount = 0;

  private constructor(histogram: Histogram, exactMaxUs = 0) {
    this.histogram = histogram;
    this.exactMaxUs = exactMaxUs;
  }

  static empty(): LatencyHistogram {
    return new LatencyHistogram(newHistogram());
  }

  /** A new histogram holding every value of the given ones (e.g. the steady window's minutes). */
  static merge(histograms: Iterable<LatencyHistogram>): LatencyHistogram {
    const merged = LatencyHistogram.empty();
    for (const histogram of histograms) merged.add(histogram);
    return merged;
  }

  /** Reads what toBase64 wrote (the measure agent sends histograms this way). */
  static fromBase64(encoded: { histogram: string; maxUs: number; negativeCount: number }): LatencyHistogram {
    const decoded = decodeFromCompressedBase64(encoded.histogram, BUCKETS, false);
    const result = new LatencyHistogram(decoded, encoded.maxUs);
    result.negativeCount = encoded.negativeCount;
    return result;
  }

  /** Compressed HdrHistogram V2 encoding, readable by any HdrHistogram implementation. */
  toBase64(): { histogram: string; maxUs: number; negativeCount: number } {
    return {
      histogram: encodeIntoCompressedBase64(this.histogram),
      maxUs: this.exactMaxUs,
      negativeCount: this.negativeCount,
    };
  }

  recordMs(valueMs: number): void {
    this.recordUs(valueMs * MICROSECONDS_PER_MS);
  }

  recordUs(valueUs: number): void {
    if (!Number.isFinite(valueUs)) return;
    if (valueUs < 0) this.negativeCount++;
    const value = Math.max(0, Math.round(valueUs));
    this.histogram.recordValue(value);
    if (value > this.exactMaxUs) this.exactMaxUs = value;
  }

  add(other: LatencyHistogram): void {
    this.histogram.add(other.histogram);
    this.exactMaxUs = Math.max(this.exactMaxUs, other.exactMaxUs);
    this.negativeCount += other.negativeCount;
  }

  get count(): number {
    return this.histogram.totalCount;
  }

  /** Percentile p (0-100] in milliseconds: the upper bound of the value's bucket. */
  percentileMs(percentile: number): number {
    return this.histogram.getValueAtPercentile(percentile) / MICROSECONDS_PER_MS;
  }

  /** The report's figures; null when nothing was recorded. */
  percentiles(): LatencyPercentiles | null {
    if (this.count === 0) return null;
    return {
      // A bucket's upper bound can exceed the exact max: never report a percentile above it.
      p50: Math.min(this.percentileMs(50), this.maxMs),
      p95: Math.min(this.percentileMs(95), this.maxMs),
      p99: Math.min(this.percentileMs(99), this.maxMs),
      max: this.maxMs,
      count: this.count,
    };
  }

  get maxMs(): number {
    return this.exactMaxUs / MICROSECONDS_PER_MS;
  }
}

/**
 * The latencies measured per interval, each from one event's three times: its intended send time
 * (createdAt, the schedule's slot), its actual send time (enqueuedAt: the Kafka timestamp the
 * simulator set on the `in` record when it handed the batch to its producer, which the relay copies)
 * and when Flink handled it (processedAt). See docs/metrics.md, "Latency".
 */
export interface LatencyHistograms {
  /** processedAt - createdAt: from the intended send time (what a user waiting for the event sees). */
  processed: LatencyHistogram;
  /** enqueuedAt - createdAt: from the intended to the actual send time (the generator's own delay). */
  enqueued: LatencyHistogram;
  /** processedAt - enqueuedAt: from the actual send time (what the pipeline alone adds). */
  processedFromSent: LatencyHistogram;
}

export function emptyLatencyHistograms(): LatencyHistograms {
  return {
    processed: LatencyHistogram.empty(),
    enqueued: LatencyHistogram.empty(),
    processedFromSent: LatencyHistogram.empty(),
  };
}

/** One event's times in epoch ms (createdAt with its microseconds as the fraction). */
export interface EventLatencyTimes {
  createdAt: number;
  enqueuedAt?: number;
  processedAt: number;
}

/**
 * Records one event in each histogram its times allow. Without enqueuedAt (a job that does not add
 * it) only the intended-time latency is known; with it, processed = enqueued + processedFromSent
 * holds for this event exactly, before bucketing.
 */
export function recordEventLatency(set: LatencyHistograms, times: EventLatencyTimes): void {
  set.processed.recordMs(times.processedAt - times.createdAt);
  if (times.enqueuedAt === undefined) return;
  set.enqueued.recordMs(times.enqueuedAt - times.createdAt);
  set.processedFromSent.recordMs(times.processedAt - times.enqueuedAt);
}

export function mergeLatencyHistograms(sets: Iterable<LatencyHistograms>): LatencyHistograms {
  const merged = emptyLatencyHistograms();
  for (const set of sets) {
    merged.processed.add(set.processed);
    merged.enqueued.add(set.enqueued);
    merged.processedFromSent.add(set.processedFromSent);
  }
  return merged;
}

/** The report's LatencySet; null when no processed latency was recorded. */
export function latencySet(histograms: LatencyHistograms): LatencySet | null {
  const processed = histograms.processed.percentiles();
  if (processed === null) return null;
  return {
    processed,
    enqueued: histograms.enqueued.percentiles(),
    processedFromSent: histograms.processedFromSent.percentiles(),
  };
}
