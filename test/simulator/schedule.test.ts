/** The rate schedule with a fake clock: even spacing, exact counts, burst limit and shortfall. */
import { RateSchedule } from '../../simulator/src/schedule.js';

interface Release {
  /** When the runner took the slots. */
  at: number;
  first: number;
  count: number;
}

/** Drives a schedule like the runner does: wakes every `stepMs()` ms of fake time, takes what is due (at most `maxBatch`). */
function drive(schedule: RateSchedule, untilMs: number, stepMs: () => number, maxBatch = 500): Release[] {
  const releases: Release[] = [];
  for (let t = schedule.startMs; t <= untilMs && !schedule.done; t += stepMs()) {
    const run = schedule.take(t, maxBatch);
    if (run.count > 0) releases.push({ at: t, ...run });
  }
  return releases;
}

const total = (releases: Release[]) => releases.reduce((sum, r) => sum + r.count, 0);

/** Slots released in each window of `windowMs` from the start, over `windows` windows. */
function perWindow(releases: Release[], startMs: number, windowMs: number, windows: number): number[] {
  const counts = new Array<number>(windows).fill(0);
  for (const r of releases) {
    const w = Math.floor((r.at - startMs) / windowMs);
    if (w < windows) counts[w]! += r.count;
  }
  return counts;
}

const START = 1_000_000;

describe.each([1000, 5000, 10_000])('at %i events/s', (rate) => {
  test('each minute gets the rate within 1%, each second too, spread evenly within seconds', () => {
    const schedule = new RateSchedule({ ratePerSecond: rate, startMs: START, burstLimit: rate });
    // A runner waking every 5 ms, with timer jitter of up to 3 ms.
    let seed = 7;
    const jitter = () => 5 + ((seed = (seed * 16807) % 2147483647) % 300) / 100;
    const released = drive(schedule, START + 2 * 60_000, jitter);
    for (const count of perWindow(released, START, 60_000, 2))
      expect(Math.abs(count - rate * 60) / (rate * 60)).toBeLessThan(0.01);
    for (const count of perWindow(released, START, 1000, 120)) expect(Math.abs(count - rate) / rate).toBeLessThan(0.01);
    // Within a second: every 100 ms window gets a tenth (not a burst at the start of the second).
    for (const count of perWindow(released, START, 100, 1200))
      expect(Math.abs(count - rate / 10)).toBeLessThanOrEqual(rate / 100 + 1);
    expect(schedule.shortfall).toBe(0);
  });

  test('slot times are evenly spaced at 1/rate and never later than their release', () => {
    const schedule = new RateSchedule({ ratePerSecond: rate, startMs: START, burstLimit: rate });
    let expected = 0;
    for (const r of drive(schedule, START + 2000, () => 5)) {
      expect(r.first).toBe(expected); // consecutive: no slot skipped or repeated
      expected += r.count;
      for (let slot = r.first; slot < r.first + r.count; slot++) {
        const slotTime = schedule.slotTimeMs(slot);
        expect(slotTime).toBeCloseTo(START + (slot * 1000) / rate, 6);
        expect(slotTime).toBeLessThanOrEqual(r.at);
        expect(r.at - slotTime).toBeLessThan(5 + 1e-6);
      }
    }
    expect(expected).toBe(2 * rate + 1);
  });
});

test('a bounded schedule (duration x rate) releases exactly totalSlots, then is done', () => {
  const schedule = new RateSchedule({ ratePerSecond: 2000, startMs: START, burstLimit: 2000, totalSlots: 120_000 });
  const released = drive(schedule, START + 70_000, () => 5);
  expect(total(released)).toBe(120_000);
  expect(schedule.done).toBe(true);
  expect(schedule.msUntilNext(START + 70_000)).toBe(Infinity);
  const last = released.at(-1)!;
  expect(schedule.slotTimeMs(last.first + last.count - 1)).toBeCloseTo(START + 59_999.5, 6);
});

test('fractional rates accumulate exactly', () => {
  const schedule = new RateSchedule({ ratePerSecond: 333.3, startMs: START, burstLimit: 334 });
  const released = total(drive(schedule, START + 9_999, () => 7)) + schedule.take(START + 9_999.999).count;
  expect(released).toBe(3333); // 10 s x 333.3/s, slot 0 at the start
});

describe('after a stall', () => {
  test('a backlog within the burst limit is caught up in full, with the original intended times', () => {
    const schedule = new RateSchedule({ ratePerSecond: 1000, startMs: START, burstLimit: 1000 });
    schedule.take(START, Infinity); // slot 0
    const run = schedule.take(START + 600, Infinity); // 600 ms stall
    expect(run).toEqual({ first: 1, count: 600 });
    expect(schedule.slotTimeMs(run.first)).toBe(START + 1);
    expect(schedule.shortfall).toBe(0);
  });

  test('beyond the burst limit the oldest overdue events are skipped and counted as shortfall', () => {
    const schedule = new RateSchedule({ ratePerSecond: 1000, startMs: START, burstLimit: 1000 });
    expect(schedule.take(START + 999)).toEqual({ first: 0, count: 1000 }); // 1 s on time: slots 0..999
    // A 3 s stall: at START + 4000, slots 1000..4000 are due (3001); only the newest 1000 go out.
    const first = schedule.take(START + 4000, 400);
    expect(schedule.shortfall).toBe(2001);
    expect(first).toEqual({ first: 3001, count: 400 });
    expect(schedule.slotTimeMs(first.first)).toBe(START + 3001);
    // The rest of the burst follows in batches; the shortfall does not grow while on time again.
    expect(schedule.take(START + 4000, 400).count).toBe(400);
    expect(schedule.take(START + 4001, Infinity)).toEqual({ first: 3801, count: 201 });
    expect(schedule.shortfall).toBe(2001);
    // Every slot is either released or shortfall, never both, never lost.
    expect(schedule.released + schedule.shortfall).toBe(schedule.dueBy(START + 4001));
  });

  test('with a slow consumer of slots (backpressure) the released rate is capped and the deficit reported', () => {
    const schedule = new RateSchedule({ ratePerSecond: 10_000, startMs: START, burstLimit: 10_000 });
    // The sender can only take 100 events every 20 ms (5,000/s): half the target.
    const end = START + 60_000 - 20;
    const released = total(drive(schedule, end, () => 20, 100));
    expect(released).toBe(1 + 2999 * 100); // slot 0 at the start, then 100 per wake
    expect(schedule.released).toBe(released);
    expect(schedule.shortfall + released + schedule.backlog(end)).toBe(schedule.dueBy(end));
    // The burst limit: never more than 1 s behind (10,000 due, 100 just taken).
    expect(schedule.backlog(end)).toBe(10_000 - 100);
    expect(schedule.shortfall).toBe(schedule.dueBy(end) - released - 9_900);
  });

  test('burstLimit 1 never sends anything late by more than one slot', () => {
    const schedule = new RateSchedule({ ratePerSecond: 100, startMs: START, burstLimit: 1 });
    const run = schedule.take(START + 5000, Infinity);
    expect(run.count).toBe(1);
    expect(schedule.shortfall).toBe(500);
  });
});

test('invalid schedules are refused', () => {
  expect(() => new RateSchedule({ ratePerSecond: 0, startMs: 0, burstLimit: 1 })).toThrow(RangeError);
  expect(() => new RateSchedule({ ratePerSecond: -1, startMs: 0, burstLimit: 1 })).toThrow(RangeError);
  expect(() => new RateSchedule({ ratePerSecond: 1, startMs: 0, burstLimit: 0 })).toThrow(RangeError);
});
