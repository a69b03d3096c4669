import { REPORT_OUTPUTS, reportOutputs } from '../../src/report/outputs.js';
import { realisticReport, reportOf } from '../fixtures/report/reports.js';
import { minutesOf, rowsFrom } from '../fixtures/report/series.js';

describe('reportOutputs', () => {
  it('gives every headline figure of a steady run', () => {
    const outputs = reportOutputs(realisticReport());
    expect(outputs).toEqual({
      verdict: 'pass',
      'failed-checks': '',
      'ramp-up-verdict':
        'Steady from minute 4 after 3 min ramp-up: 1,000 events/s mean (100.0% of target), lag flat: keeps up.',
      'steady-from-minute': 4,
      'ramp-up-seconds': 180,
      'steady-events-per-second': '1000.4',
      'percent-of-target': '100.0',
      'keeps-up': true,
      'lag-trend-records-per-second': expect.stringMatching(/^-?\d+\.\d$/),
      'p99-latency-ms': '138.9',
      'lost-events': 0,
      'duplicate-events': 540,
    });
    expect(Object.keys(outputs).sort()).toEqual(Object.keys(REPORT_OUTPUTS).sort());
  });

  it("sets '' for what a failed run has no value for, and lists the failed checks", () => {
    const outputs = reportOutputs(reportOf(rowsFrom(1000, minutesOf([300, 600, 920, 500])), { audit: null }));
    expect(outputs).toMatchObject({
      verdict: 'fail',
      'failed-checks': 'sustained-throughput',
      'steady-from-minute': '',
      'steady-events-per-second': '',
      'keeps-up': '',
      'lost-events': '',
    });
  });
});
