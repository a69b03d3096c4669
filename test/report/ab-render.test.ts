import { renderABConsole, renderABMarkdown, renderABSections } from '../../src/report/ab-render.js';
import { COMMENT_LIMIT, fitSections } from '../../src/report/limits.js';
import type { LoadStats } from '../../src/report/schema.js';
import { abReport, runs } from '../fixtures/report/ab-reports.js';

describe('the A/B report and its rendering', () => {
  test('a slower head: fail, with the estimate, interval, noise floor and every run', () => {
    const report = abReport(runs(3, 600));
    expect(report.verdict).toBe('fail');
    expect(report.runs.map((run) => `${run.round}${run.side[0]}`)).toEqual(['1b', '1h', '2h', '2b', '3b', '3h']);
    const throughput = report.comparisons.find((c) => c.metric === 'sustained-throughput')!;
    expect(throughput.headVsBase!.estimate).toBeCloseTo(0.6, 1);
    const markdown = renderABMarkdown(report);
    expect(markdown).toContain('## ❌ A/B gate failed: tier 1 (1,000 events/s) · local · simple-relay');
    expect(markdown).toContain(
      'Head `222222222222` vs base `111111111111`, both run on this runner: 2 rounds of 8 min runs + a confirmation pair, interleaved ABBA',
    );
    expect(markdown).toContain('synthetic-work-us: base 0, head 2,000');
    expect(markdown).toMatch(
      /\nBase: commit `0123456` .*\(run `20260302-100000-ab12`\), measured at the same time as this run, on GitHub Actions 7 \(Linux X64/,
    );
    expect(markdown).toMatch(
      /\| Sustained throughput \(events\/s\) \| -3\d\.\d% \| -\d\d\.\d% to -\d\d\.\d% \| \d\.\d% \| 10\.0% \| ❌ regression \|/,
    );
    expect(markdown).toContain('| 3 (confirmation) | head | 6');
    expect(renderABConsole(report)).toMatch(/^A\/B verdict: FAIL\n/);
    expect(renderABConsole(report)).toContain(
      'Noise floor between runs of one side (one standard deviation): Sustained throughput',
    );
  });

  test('the same code on both sides: pass, and no confirmation row', () => {
    const report = abReport(runs(2, 1000));
    expect(report.verdict).toBe('pass');
    const markdown = renderABMarkdown(report);
    expect(markdown).toContain('## ✅ A/B gate passed');
    expect(markdown).not.toContain('confirmation');
  });

  test('a load generator short of its schedule: inconclusive, with the reason and what the check does about it', () => {
    const short: LoadStats = { sent: 400_000, acknowledged: 400_000, errors: 0, shortfall: 80_480 };
    const all = runs(1, 1000, short).slice(0, 1);
    const report = abReport(all, 'Stopped after round 1, base: the measurement is invalid.');
    expect(report.verdict).toBe('inconclusive');
    const markdown = renderABMarkdown(report);
    expect(markdown).toContain('## ⚠️ A/B gate inconclusive');
    expect(markdown).toContain('does not fail on it (inconclusive-fails: false)');
    expect(markdown).toContain('the load generator itself fell 16.7% short of its schedule');
    expect(markdown).toContain('| 1 | base | ');
  });

  test('the runs section is the first to give way to the comment limit', () => {
    const sections = renderABSections(abReport(runs(3, 600)));
    const whole = sections.map((s) => s.markdown).join('\n\n').length;
    const runsLength = sections.find((s) => s.id === 'runs')!.markdown.length;
    const fitted = fitSections(sections, { ...COMMENT_LIMIT, max: whole - runsLength / 2 }, 'the artifact');
    expect(fitted.dropped).toEqual(["each A/B run's figures"]);
    expect(fitted.markdown).toContain('### Head vs base');
    expect(fitted.markdown).not.toContain('### Runs');
  });
});
