import { REPORT_OUTPUTS, reportOutputs } from '../../src/report/outputs.js';
import { realisticReport, reportOf } from '../fixtures/report/reports.js';
import { minutesOf, rowsFrom } from '../fixtures/report/series.js';

describe('reportOutputs', () => {
  it('gives every headline figure of a steady run', () => {
    const outputs = reportOutputs(realisticReport());
    expect(outputs).toEqual({
      'gate-verdict': 'pass',
      'gate-failed-checks': '',
      'ramp-up-verdict':
        'Steady from minute 4 after 3 min ramp-up: 1,000 events/s mean (100.0% of target), lag flat: keeps up.',
      'steady-from-minute': 4,
      'ramp-up-seconds': 180,
      'steady-events-per-second': 1000.4,
      'steady-percent-of-target': 100,
      'keeps-up': true,
      'lag-trend-records-per-second': expect.any(Number),
      'steady-p99-latency-ms': expect.any(Number),
      'lost-events': 0,
      'duplicate-events': 540,
    });
    expect(Object.keys(outputs).sort()).toEqual(Object.keys(REPORT_OUTPUTS).sort());
  });

  it('leaves out what a failed run has no value for, and lists the failed checks', () => {
    const outputs = reportOutputs(reportOf(rowsFrom(1000, minutesOf([300, 600, 920, 500])), { audit: null }));
    expect(outputs['gate-verdict']).toBe('fail');
    expect(outputs['gate-failed-checks']).toBe('sustained-throughput');
    expect(outputs).not.toHaveProperty('steady-from-minute');
    expect(outputs).not.toHaveProperty('lost-events');
    expect(outputs).not.toHaveProperty('keeps-up');
  });
});
