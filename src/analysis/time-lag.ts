/**
 * Lag in seconds, as kafka-lag-exporter defines it: how long ago the input topic's end was where
 * the consumer group is now. The end offsets sampled over time form a lookup table; the group's
 * position is interpolated into it (linear between two samples), and the lag is the time from then
 * to now. Totals over partitions stand in for each partition's offsets: with the load spread evenly
 * over partitions, as the simulator spreads it, the two agree. Pure.
 */

/** One sample of the input topic's end: when, and the end offsets summed. */
export interface EndSample {
  at: number;
  inEnd: number;
}

/**
 * Seconds since the input's end was at `position`, at time `now` (ms); 0 when the group is at the
 * end. Before the first sample the rate between the first two extrapolates; null when the table
 * cannot place the position (fewer than two samples, or no records appended between them).
 */
export function timeLagSeconds(history: readonly EndSample[], position: number, now: number): number | null {
  const last = history.at(-1);
  if (!last) return null;
  if (position >= last.inEnd) return 0;
  // The newest sample at or before the position, and the next one: the position lies between them.
  let index = history.findLastIndex((sample) => sample.inEnd <= position);
  if (index < 0) index = 0; // before the table: extrapolate from its first two samples
  const [from, to] = [history[index]!, history[index + 1]!];
  if (!to || to.inEnd === from.inEnd) return null;
  const at = from.at + ((position - from.inEnd) / (to.inEnd - from.inEnd)) * (to.at - from.at);
  return Math.max(0, (now - at) / 1000);
}
