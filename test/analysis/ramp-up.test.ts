import { analyseRampUp, LAG_TOLERANCE_FRACTION_OF_TARGET, leastSquaresSlope } from '../../src/analysis/ramp-up.js';
import { minutesOf, rowsFrom } from '../fixtures/report/series.js';

const TARGET = 1000;
const THRESHOLDS = { minPercentOfTarget: 90 };
const analyse = (rows: ReturnType<typeof rowsFrom>) => analyseRampUp(rows, TARGET, THRESHOLDS);

/** A deterministic pseudo-random sequence in [-1, 1): noisy series stay the same on every run. */
function noise(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return (state / 2 ** 31) * 2 - 1;
  };
}

describe('leastSquaresSlope', () => {
  it('fits a straight line exactly', () => {
    expect(
      leastSquaresSlope([
        [0, 5],
        [1, 7],
        [2, 9],
        [3, 11],
      ]),
    ).toBeCloseTo(2, 12);
  });
  it('is null with fewer than two distinct x', () => {
    expect(leastSquaresSlope([[1, 5]])).toBeNull();
    expect(
      leastSquaresSlope([
        [1, 5],
        [1, 6],
      ]),
    ).toBeNull();
  });
});

describe('analyseRampUp', () => {
  it('clean ramp: steady from the first minute at target, with the ramp-up before it', () => {
    const rows = rowsFrom(
      TARGET,
      minutesOf([300, 700, 1002, 1003, 1001, 1002], [42000, 60000, 59880, 59700, 59640, 59520]),
    );
    const analysis = analyse(rows);
    expect(analysis).toMatchObject({
      outcome: 'steady',
      fullMinutes: 6,
      steadyFromMinute: 3,
      steadyMinutes: [3, 4, 5, 6],
      rampUpSeconds: 120,
      rampUpMinutes: 2,
      keepsUp: true,
    });
    expect(analysis.bestMinute!.minute).toBe(4);
    expect(analysis.bestMinute!.percentOfTarget).toBeCloseTo(100.3, 9);
    expect(analysis.steady!.meanPerSecond).toBeCloseTo(1002, 9);
    expect(analysis.steady!.minPerSecond).toBe(1001);
    expect(analysis.steady!.maxPerSecond).toBe(1003);
    expect(analysis.steady!.stddevPerSecond).toBeCloseTo(Math.sqrt(0.5), 9);
    expect(analysis.steady!.meanPercentOfTarget).toBeCloseTo(100.2, 9);
    expect(analysis.lagTrendPerSecond!).toBeLessThanOrEqual(TARGET * LAG_TOLERANCE_FRACTION_OF_TARGET);
    expect(analysis.verdict).toBe(
      'Steady from minute 3 after 2 min ramp-up: 1,002 events/s mean (100.2% of target), lag flat: keeps up.',
    );
  });

  it('moves the onset past minutes where output is at target but lag still grows', () => {
    const rows = rowsFrom(
      TARGET,
      minutesOf([500, 950, 1000, 1000, 1000, 1000], [30000, 33000, 39000, 39000, 39000, 39000]),
    );
    const analysis = analyse(rows);
    expect(analysis.outcome).toBe('steady');
    expect(analysis.steadyFromMinute).toBe(4);
    expect(analysis.lagTrendPerSecond).toBe(0);
  });

  it('starts steady with no ramp-up when minute 1 is already at target', () => {
    const analysis = analyse(rowsFrom(TARGET, minutesOf([1000, 1000, 1000])));
    expect(analysis.rampUpSeconds).toBe(0);
    expect(analysis.verdict).toBe(
      'Steady from minute 1 with no ramp-up: 1,000 events/s mean (100.0% of target), lag flat: keeps up.',
    );
  });

  it('never reaching the target: names the best minute', () => {
    const analysis = analyse(rowsFrom(TARGET, minutesOf([200, 450, 600, 610, 605], [1, 2, 3, 4, 5])));
    expect(analysis).toMatchObject({
      outcome: 'never-reached',
      steadyFromMinute: null,
      steady: null,
      bestMinute: { minute: 4, percentOfTarget: 61 },
      verdict: 'Never reached 90% of target: best minute 61.0%.',
    });
  });

  it('degrading: output looks fine but lag keeps growing', () => {
    const lag = [0, 0, 2400, 5400, 8400, 11400];
    const rows = rowsFrom(TARGET, minutesOf([1000, 1000, 960, 950, 950, 950], lag));
    const analysis = analyse(rows);
    const expectedSlope = leastSquaresSlope(lag.map((value, index) => [60 * (index + 1), value]))!;
    expect(analysis.outcome).toBe('degrading');
    expect(analysis.keepsUp).toBe(false);
    expect(analysis.steady).toBeNull();
    expect(analysis.lagTrendPerSecond).toBeCloseTo(expectedSlope, 9);
    expect(analysis.verdict).toBe(
      `Degrading: lag grows by ${Math.round(expectedSlope)} records/s; the job does not keep up.`,
    );
  });

  it('degrading at a constant 310 records/s', () => {
    const rows = rowsFrom(TARGET, minutesOf([1000, 1000, 1000, 1000], [0, 18600, 37200, 55800]));
    expect(analyse(rows).verdict).toBe('Degrading: lag grows by 310 records/s; the job does not keep up.');
  });

  it('noisy output and lag around the target still count as steady', () => {
    const next = noise(7);
    const out = [400, ...Array.from({ length: 14 }, () => 1000 + next() * 60)];
    const lag = [2000, ...Array.from({ length: 14 }, () => 2000 + next() * 400)];
    const analysis = analyse(rowsFrom(TARGET, minutesOf(out, lag)));
    const steadyRates = out.slice(1);
    const mean = steadyRates.reduce((a, b) => a + b, 0) / steadyRates.length;
    const stddev = Math.sqrt(steadyRates.reduce((a, b) => a + (b - mean) ** 2, 0) / steadyRates.length);
    expect(analysis.outcome).toBe('steady');
    expect(analysis.steadyFromMinute).toBe(2);
    expect(analysis.keepsUp).toBe(true);
    // Rows hold whole records per minute: rates are rounded to 1/60 of an event per second.
    expect(analysis.steady!.meanPerSecond).toBeCloseTo(mean, 1);
    expect(analysis.steady!.stddevPerSecond).toBeCloseTo(stddev, 1);
  });

  it('a late dip below the threshold moves the onset after it', () => {
    const analysis = analyse(rowsFrom(TARGET, minutesOf([500, 1000, 1000, 850, 1000, 1000, 1000])));
    expect(analysis.steadyFromMinute).toBe(5);
    expect(analysis.rampUpSeconds).toBe(240);
  });

  it('reaching 90% once and collapsing is not sustained', () => {
    const analysis = analyse(rowsFrom(TARGET, minutesOf([600, 920, 400, 300])));
    expect(analysis.outcome).toBe('not-sustained');
    expect(analysis.verdict).toBe(
      'Not sustained: minute 2 reached 92.0% of target but the last full minute (4) fell to 30.0%.',
    );
  });

  it('only the last full minute at target is not steady yet', () => {
    const analysis = analyse(rowsFrom(TARGET, minutesOf([300, 600, 950])));
    expect(analysis.outcome).toBe('not-sustained');
    expect(analysis.verdict).toBe('Not steady yet: only the last full minute (minute 3) held 90% of target.');
  });

  it('too short to tell: one full minute and a partial one', () => {
    const rows = rowsFrom(TARGET, [{ out: 1000 }, { out: 900, seconds: 20 }]);
    const analysis = analyse(rows);
    expect(analysis).toMatchObject({ outcome: 'too-short', fullMinutes: 1, requiredFullMinutes: 2 });
    expect(analysis.verdict).toBe('Too short to tell: 1 full minute measured, 2 needed.');
  });

  it('gaps are shown but left out of the statistics, and do not break the steady window', () => {
    const rows = rowsFrom(TARGET, minutesOf([500, 1000, null, 1010, 990]));
    const analysis = analyse(rows);
    expect(rows[2].gap).toBe(true);
    expect(analysis).toMatchObject({
      outcome: 'steady',
      steadyFromMinute: 2,
      steadyMinutes: [2, 4, 5],
      fullMinutes: 4,
    });
    expect(analysis.steady).toMatchObject({ meanPerSecond: 1000, minPerSecond: 990, maxPerSecond: 1010 });
  });

  it('a partial last minute is excluded from the statistics, never extrapolated', () => {
    const rows = rowsFrom(TARGET, [{ out: 600 }, { out: 1000 }, { out: 1000 }, { out: 300, seconds: 15 }]);
    const analysis = analyse(rows);
    expect(rows[3].partial).toBe(true);
    expect(analysis).toMatchObject({ outcome: 'steady', steadyMinutes: [2, 3] });
    expect(analysis.steady!.minPerSecond).toBe(1000);
  });

  it('stale rows are not counted as fresh minutes', () => {
    const rows = rowsFrom(TARGET, [{ out: 1000 }, { out: 1000, stale: true }, { out: 1000 }]);
    const analysis = analyse(rows);
    expect(analysis.fullMinutes).toBe(2);
    expect(analysis.steadyMinutes).toEqual([1, 3]);
  });

  it('without lag figures the output decides the onset and keeping up stays unknown', () => {
    const analysis = analyse(
      rowsFrom(
        TARGET,
        minutesOf([500, 1000, 1000], [null, null, null]).map((m) => ({ ...m, lag: null })),
      ),
    );
    expect(analysis).toMatchObject({ outcome: 'steady', steadyFromMinute: 2, keepsUp: null, lagTrendPerSecond: null });
    expect(analysis.verdict).toMatch(/lag not measured: cannot tell whether it keeps up\.$/);
  });

  it('catch-up minutes that drain the ramp-up backlog count as ramp-up, not steady state', () => {
    const rows = rowsFrom(TARGET, minutesOf([0, 640, 2300, 1002, 998, 1001], [60000, 81600, 3600, 800, 510, 450]));
    const analysis = analyse(rows);
    expect(analysis).toMatchObject({ outcome: 'steady', steadyFromMinute: 4, rampUpSeconds: 180, keepsUp: true });
    expect(analysis.steady!.maxPerSecond).toBe(1002);
  });

  it('catch-up minutes stay in the window when skipping them would leave too few minutes', () => {
    const rows = rowsFrom(TARGET, minutesOf([0, 2300, 1000], [60000, 3600, 3500]));
    expect(analyse(rows)).toMatchObject({ outcome: 'steady', steadyFromMinute: 2 });
  });

  it('a backlog draining for the whole run counts as keeping up', () => {
    const analysis = analyse(rowsFrom(TARGET, minutesOf([1000, 1300, 1300, 1300], [60000, 42000, 24000, 6000])));
    expect(analysis.keepsUp).toBe(true);
    expect(analysis.verdict).toMatch(/lag shrinking by 300 records\/s: keeps up\.$/);
  });
});
