import {
  COMMENT_LIMIT,
  currentRunArtifactsUrl,
  fitSections,
  fullReportReference,
  REDUCTIONS,
  sizeOf,
  SUMMARY_LIMIT,
  TABLE_ROWS_KEPT,
  type Limit,
} from '../../src/report/limits.js';
import { joinSections, renderMarkdown, renderSections, type MarkdownSection } from '../../src/report/render.js';
import type { BenchmarkReport } from '../../src/report/schema.js';
import { realisticReport } from '../fixtures/report/reports.js';

const FULL = "[the JSON report in the run's artifacts](https://github.com/o/r/actions/runs/7#artifacts)";

/**
 * A realistic report with `count` intervals, every one with Flink figures: the rows are copies of
 * one steady minute (only rendering is under test, so the analysis is not run again).
 */
function hugeReport(count: number): BenchmarkReport {
  const report = realisticReport();
  const steady = report.rows[4];
  report.rows = Array.from({ length: count }, (_, index) => ({ ...steady, minute: index + 1 }));
  return report;
}

const limitOf = (max: number, unit: Limit['unit'] = 'characters'): Limit => ({ name: 'a test', max, unit });

describe('fitSections', () => {
  const sections = renderSections(realisticReport());
  const whole = renderMarkdown(realisticReport());

  it('is renderMarkdown, untouched, when the report fits', () => {
    expect(fitSections(sections, COMMENT_LIMIT, FULL)).toEqual({ markdown: whole, dropped: [] });
    expect(fitSections(sections, SUMMARY_LIMIT, FULL)).toEqual({ markdown: whole, dropped: [] });
  });

  it('keeps the whole report at exactly the limit, and drops the first section one unit over it', () => {
    expect(fitSections(sections, limitOf(whole.length), FULL)).toEqual({ markdown: whole, dropped: [] });
    const over = fitSections(sections, limitOf(whole.length - 1), FULL);
    expect(over.dropped).toEqual(['the Flink job figures']);
    expect(over.markdown).not.toContain('Flink job figures per interval');
    expect(over.markdown.length).toBeLessThanOrEqual(whole.length - 1);
    expect(over.markdown).toContain(
      `_Shortened to fit a test (${(whole.length - 1).toLocaleString('en-US')} characters): left out the Flink job figures. The full report: ${FULL}._\n`,
    );
  });

  it('counts reserved room (the comment marker) against the limit', () => {
    expect(fitSections(sections, limitOf(whole.length + 10), FULL, 10).dropped).toEqual([]);
    expect(fitSections(sections, limitOf(whole.length + 10), FULL, 11).dropped).toEqual(['the Flink job figures']);
  });

  it('measures the summary in UTF-8 bytes, not characters', () => {
    const bytes = Buffer.byteLength(whole, 'utf8');
    expect(bytes).toBeGreaterThan(whole.length); // the heading's ✅ and the table's dashes
    expect(fitSections(sections, limitOf(bytes, 'bytes'), FULL).dropped).toEqual([]);
    expect(fitSections(sections, limitOf(bytes - 1, 'bytes'), FULL).dropped).toEqual(['the Flink job figures']);
    expect(fitSections(sections, limitOf(bytes - 1), FULL).dropped).toEqual([]);
  });

  it('gives way in the documented order, least important first, keeping heading and gate', () => {
    expect(REDUCTIONS.map((reduction) => reduction.section)).toEqual([
      'runs',
      'flink',
      'broker',
      'table',
      'chart',
      'table',
      'load-audit',
      'baseline',
      'ramp-up',
    ]);
    const baseline = sections.find((s) => s.id === 'baseline')!.markdown;
    const baselineLines = baseline.slice(0, baseline.indexOf('\n\n| Metric |'));
    const smallest = joinSections([
      ...sections.filter((s) => s.id === 'heading' || s.id === 'gate'),
      { id: 'baseline', markdown: baselineLines },
    ]);
    const fitted = fitSections(sections, limitOf(smallest.length + 400), FULL);
    expect(fitted.dropped).toEqual([
      'the Flink job figures',
      'the chart',
      'the per-minute table',
      'the load and audit figures',
      'the baseline comparison table',
      'the ramp-up analysis',
    ]);
    expect(fitted.markdown.startsWith(smallest.trimEnd())).toBe(true);
    expect(fitted.markdown.length).toBeLessThanOrEqual(smallest.length + 400);
  });

  it("keeps the baseline's lines when its table goes: where it comes from, or that there is none", () => {
    const baseline = sections.find((s) => s.id === 'baseline')!.markdown;
    const reduction = REDUCTIONS.find((r) => r.section === 'baseline')!;
    const shortened = reduction.apply(baseline)!;
    expect(shortened.said).toBe('the baseline comparison table');
    expect(shortened.markdown).toMatch(/^### Baseline comparison\n\nBaseline: commit `0123456` on main \(run /);
    expect(shortened.markdown).not.toContain('|');
    expect(reduction.apply('### Baseline comparison\n\nNo baseline: regressions were not checked.')).toBeUndefined();
  });

  it('cuts at a line, as a last resort, when even heading and gate are too long', () => {
    const absurd: MarkdownSection[] = [
      { id: 'heading', markdown: '## Heading' },
      { id: 'gate', markdown: Array.from({ length: 500 }, (_, i) => `| check ${i} | detail |`).join('\n') },
    ];
    const fitted = fitSections(absurd, limitOf(2_000), FULL);
    expect(fitted.markdown.length).toBeLessThanOrEqual(2_000);
    expect(fitted.dropped).toEqual(['the rest of the report']);
    expect(fitted.markdown).toMatch(/^## Heading\n\n\| check 0 \| detail \|\n/);
    expect(fitted.markdown).toMatch(/\| detail \|\n\n_Shortened to fit a test/);
  });
});

describe('a 10,000-row report', () => {
  const report = hugeReport(10_000);
  const sections = renderSections(report);

  it('is far too large for either limit as rendered', () => {
    expect(renderMarkdown(report).length).toBeGreaterThan(1_000_000);
  });

  it('fits a comment: Flink table dropped, per-minute table summarised to its ends, chart dropped', () => {
    const fitted = fitSections(sections, COMMENT_LIMIT, FULL);
    expect(fitted.markdown.length).toBeLessThanOrEqual(COMMENT_LIMIT.max);
    expect(fitted.dropped).toEqual([
      'the Flink job figures',
      `${(10_000 - 2 * TABLE_ROWS_KEPT).toLocaleString('en-US')} of 10,000 per-minute table rows`,
      'the chart',
    ]);
    const tableRows = fitted.markdown.split('\n').filter((line) => /^\| \d+ \| \d\d:/.test(line));
    expect(tableRows).toHaveLength(2 * TABLE_ROWS_KEPT);
    expect(tableRows[0]).toMatch(/^\| 1 \|/);
    expect(tableRows.at(-1)).toMatch(/^\| 10000 \|/);
    expect(fitted.markdown).toContain('| … | 9,980 intervals not shown |');
    expect(fitted.markdown).toContain('### Gate');
    expect(fitted.markdown).toContain('### Ramp-up analysis');
    expect(fitted.markdown).toContain(FULL);
  });

  it('fits the job summary (1,000,000 bytes)', () => {
    const fitted = fitSections(sections, SUMMARY_LIMIT, FULL);
    expect(sizeOf(fitted.markdown, 'bytes')).toBeLessThanOrEqual(SUMMARY_LIMIT.max);
    expect(fitted.dropped[0]).toBe('the Flink job figures');
    expect(fitted.markdown).toContain('(1,000,000 bytes)');
  });
});

describe('where the full report is', () => {
  it("links the run's artifacts inside GitHub Actions", () => {
    const url = currentRunArtifactsUrl({
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_REPOSITORY: 'octo-org/streaming-bench',
      GITHUB_RUN_ID: '123',
    });
    expect(url).toBe('https://github.com/octo-org/streaming-bench/actions/runs/123#artifacts');
    expect(fullReportReference(url, '/tmp/report.json')).toBe(
      "[the JSON report in the run's artifacts](https://github.com/octo-org/streaming-bench/actions/runs/123#artifacts)",
    );
  });

  it('names the report file elsewhere', () => {
    expect(currentRunArtifactsUrl({ GITHUB_REPOSITORY: 'o/r' })).toBeUndefined();
    expect(fullReportReference(undefined, '/tmp/report.json')).toBe('`/tmp/report.json`');
  });
});
