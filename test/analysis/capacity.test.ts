import {
  capacityResult,
  capacityStep,
  nextRate,
  renderCapacityMarkdown,
  type CapacityStep,
} from '../../src/analysis/capacity.js';
import type { BenchmarkReport, RampUpAnalysis } from '../../src/report/schema.js';

function report(target: number, rampUp: Partial<RampUpAnalysis>): BenchmarkReport {
  return {
    targetEventsPerSecond: target,
    rampUp: { outcome: 'steady', keepsUp: true, steady: null, verdict: 'v', ...rampUp },
  } as BenchmarkReport;
}
const steady = (meanPercentOfTarget: number, target: number) => ({
  meanPercentOfTarget,
  meanPerSecond: (meanPercentOfTarget / 100) * target,
  minPerSecond: 0,
  maxPerSecond: 0,
  stddevPerSecond: 0,
});

describe('max-throughput search', () => {
  it('steps up by the percentage, rounded to 100 events/s', () => {
    expect(nextRate(1000, 50)).toBe(1500);
    expect(nextRate(1500, 50)).toBe(2300); // 2250 rounds to 2300
    expect(nextRate(10, 1)).toBe(11); // always at least one more
  });

  it.each([
    ['steady at 97% and keeping up', { outcome: 'steady' as const, steady: steady(97, 2000) }, true],
    ['steady but below the threshold', { outcome: 'steady' as const, steady: steady(85, 2000) }, false],
    ['lag growing', { outcome: 'steady' as const, keepsUp: false, steady: steady(99, 2000) }, false],
    ['degrading', { outcome: 'degrading' as const, steady: null }, false],
    ['never reached', { outcome: 'never-reached' as const, steady: null }, false],
  ])('a step %s: sustained %s', (_what, rampUp, sustained) => {
    expect(capacityStep(report(2000, rampUp), 90).sustained).toBe(sustained);
  });

  const step = (eventsPerSecond: number, sustained: boolean): CapacityStep => ({
    eventsPerSecond,
    sustained,
    meanPerSecond: eventsPerSecond,
    meanPercentOfTarget: 100,
    keepsUp: sustained,
    verdict: sustained ? 'steady' : 'lag grows',
  });

  it('reports the highest sustained rate and the first that was not', () => {
    const result = capacityResult([step(1000, true), step(1500, true), step(2300, false)], 6);
    expect(result.highestSustainedPerSecond).toBe(1500);
    expect(result.stoppedAtLimit).toBe(false);
    expect(result.verdict).toBe('Highest sustained rate: 1,500 events/s; 2,300 events/s was not sustained (lag grows)');
    const markdown = renderCapacityMarkdown(result);
    expect(markdown).toContain('| 2,300 | 2,300 | 100.0% | no | **no** |');
  });

  it('says when the step limit stopped a search that still sustained', () => {
    const result = capacityResult([step(1000, true), step(1500, true)], 2);
    expect(result).toMatchObject({ highestSustainedPerSecond: 1500, stoppedAtLimit: true });
    expect(result.verdict).toContain('capacity is higher');
  });

  it('says when not even the first step held', () => {
    expect(capacityResult([step(1000, false)], 6)).toMatchObject({ highestSustainedPerSecond: null });
  });
});
