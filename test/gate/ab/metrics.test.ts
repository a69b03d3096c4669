import { runFigures } from '../../../src/gate/ab/metrics.js';
import { reportOf } from '../../fixtures/report/reports.js';
import { minutesOf, rowsFrom } from '../../fixtures/report/series.js';

describe('runFigures', () => {
  test('a steady run gives its steady-state mean, steady p99 and ramp-up', () => {
    const report = reportOf(rowsFrom(1000, minutesOf([400, 800, 1000, 1010, 990, 1000])));
    expect(report.rampUp.outcome).toBe('steady');
    expect(runFigures(report)).toEqual({
      steady: true,
      values: {
        'sustained-throughput': report.rampUp.steady!.meanPerSecond,
        'p99-latency': report.latencyMs.steady!.processed.p99,
        'ramp-up': report.rampUp.rampUpSeconds,
      },
    });
  });

  test('a run that cannot keep up still gives figures: what it delivered, its all-run p99, the whole span', () => {
    const report = reportOf(
      rowsFrom(1000, [
        ...minutesOf([700, 720, 680, 700], [18_000, 36_000, 55_000, 73_000]),
        { out: null },
        { out: 650, lag: 90_000, seconds: 30 },
      ]),
      { latencyMs: [200, 9000] },
    );
    expect(report.rampUp.steady).toBeNull();
    const figures = runFigures(report);
    expect(figures.steady).toBe(false);
    // Full minutes only: the gap and the partial last interval are left out.
    expect(figures.values['sustained-throughput']).toBeCloseTo((700 + 720 + 680 + 700) / 4, 6);
    expect(figures.values['p99-latency']).toBe(report.latencyMs.all!.processed.p99);
    expect(figures.values['ramp-up']).toBe(5 * 60 + 30);
  });

  test('a run that delivered nothing counts one record per interval, so the ratio stays defined', () => {
    const report = reportOf(rowsFrom(1000, minutesOf([0, 0, 0], [60_000, 120_000, 180_000])));
    expect(runFigures(report).values['sustained-throughput']).toBeCloseTo(1 / 60, 12);
  });

  test('a run with no full minute has no throughput figure', () => {
    const report = reportOf(rowsFrom(1000, [{ out: null }, { out: 900, seconds: 20 }]));
    expect(runFigures(report).values['sustained-throughput']).toBeNull();
  });
});
