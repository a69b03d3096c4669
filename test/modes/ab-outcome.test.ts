import { stepOutcome } from '../../src/modes/ab.js';
import type { LoadStats } from '../../src/report/schema.js';
import { abReport, runs } from '../fixtures/report/ab-reports.js';

const SHORT_LOAD: LoadStats = { sent: 400_000, acknowledged: 400_000, errors: 0, shortfall: 80_480 };

describe('stepOutcome: what the step does with the verdict', () => {
  test('fail names only the metrics that regressed', () => {
    const outcome = stepOutcome(abReport(runs(3, 600)));
    expect(outcome.kind).toBe('fail');
    expect(outcome.message).toMatch(/^A\/B gate failed: Sustained throughput: head -3\d\.\d% vs base/);
    expect(outcome.message).not.toContain('p99 latency');
  });

  test('pass', () => {
    expect(stepOutcome(abReport(runs(2, 1000)))).toEqual({
      kind: 'pass',
      message: 'A/B gate passed: no regression beyond the minimum effect.',
    });
  });

  test('inconclusive warns loudly by default, never passing quietly', () => {
    const report = abReport(runs(1, 1000, SHORT_LOAD).slice(0, 1), 'Stopped after round 1, base.');
    const outcome = stepOutcome(report);
    expect(outcome.kind).toBe('warn');
    expect(outcome.message).toMatch(
      /^A\/B gate INCONCLUSIVE: the measurement is not valid, so it shows neither a regression nor its absence\. Round 1, base: the load generator itself fell 16\.7% short/,
    );
    expect(outcome.message).toMatch(/does not fail because inconclusive-fails is false\.$/);
  });

  test('inconclusive fails the step with inconclusive-fails', () => {
    const report = { ...abReport(runs(1, 1000, SHORT_LOAD).slice(0, 1), 'Stopped.'), inconclusiveFails: true };
    const outcome = stepOutcome(report);
    expect(outcome.kind).toBe('fail');
    expect(outcome.message).toMatch(
      /^A\/B gate inconclusive \(inconclusive-fails is true\): Round 1, base: the load generator/,
    );
  });
});
