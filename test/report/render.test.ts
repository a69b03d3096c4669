import { consoleHeader, consoleRow, renderChart, renderMarkdown, renderTable } from '../../src/report/render.js';
import { TIER_PRESETS } from '../../src/config/tiers.js';
import { stoppedByDeadline } from '../../src/modes/max-duration.js';
import { estimateRunCost } from '../../src/report/cost.js';
import { checkUntrustedReport } from '../../src/report/untrusted.js';
import { realisticReport, reportOf } from '../fixtures/report/reports.js';
import { minutesOf, rowsFrom } from '../fixtures/report/series.js';

describe('renderMarkdown', () => {
  const report = realisticReport();
  const markdown = renderMarkdown(report);

  it('matches the snapshot of a realistic report', () => {
    expect(markdown).toMatchSnapshot();
  });

  it('has the title with the verdict, the gate reasons, the ramp-up verdict and the baseline table', () => {
    expect(markdown).toMatch(/^## ✅ Benchmark passed: tier 1 \(1,000 events\/s\) · local · simple-relay\n/);
    expect(markdown).toContain(`**${report.rampUp.verdict}**`);
    expect(markdown).toContain('| Sustained throughput | ✅ pass |');
    expect(markdown).toContain('### Baseline comparison');
    expect(markdown).toContain('| Steady-state output (higher is better) | 1,000 events/s | 1,000 events/s | ±0.0% |');
    expect(markdown).toContain('| Steady-state p99 latency (lower is better) | 149 ms | 139 ms | -6.7% (better) |');
  });

  it('has the per-minute table with one row per interval, gaps and partial rows labelled', () => {
    const table = markdown.slice(markdown.indexOf('### Per-minute table'), markdown.indexOf('**Load:**'));
    const tableRows = table.split('\n').filter((line) => /^\| \d+ \|/.test(line));
    expect(tableRows).toHaveLength(report.rows.length);
    expect(tableRows[5]).toMatch(
      /^\| 6 \| 10:05:00–10:06:00 \| – \| – \| – \| – \| – \| – \| – \| – \| – \| gap: sample failed \|$/,
    );
    expect(tableRows[9]).toContain('partial: 24 s');
    expect(tableRows[3]).toMatch(
      /\| 4 \| 10:03:00–10:04:00 \| 60,000 \| 60,120 \| 1,002 \| 100\.2% \| 800 \|.*\| steady \|$/,
    );
  });

  it('has a Mermaid xychart of output per interval with the target as a line', () => {
    expect(markdown).toContain(renderChart(report));
    const chart = renderChart(report);
    expect(chart).toMatch(/^```mermaid\nxychart-beta\n/);
    expect(chart).toContain(
      '  x-axis "Interval (60 s)" ["1", "2", "3", "4", "5", "6 gap", "7", "8", "9", "10 partial"]',
    );
    expect(chart).toContain('  bar [0, 640, 2300, 1002, 998, 0, 1003, 1000, 999, 1001]');
    expect(chart).toContain(`  line [${Array(10).fill(1000).join(', ')}]`);
    expect(chart).toContain('  y-axis "events/s" 0 --> 5000');
  });

  it('shows a failed gate and no baseline section when there is no baseline', () => {
    const failed = renderMarkdown(reportOf(rowsFrom(1000, minutesOf([300, 600, 920, 500, 300]))));
    expect(failed).toMatch(/^## ❌ Benchmark failed/);
    expect(failed).toContain('| Sustained throughput | ❌ fail |');
    expect(failed).not.toContain('Baseline comparison');
  });

  it('adds byte columns only when the platform gave bytes', () => {
    const rows = rowsFrom(1000, minutesOf([1000, 1000])).map((row) => ({ ...row, inBytes: null, outBytes: null }));
    expect(renderTable(reportOf(rows))).not.toContain('In MB');
    expect(renderTable(realisticReport())).toContain('In MB');
  });

  it("adds the origin sample's Ambari table only when the platform gave broker figures", () => {
    expect(markdown).not.toContain('Kafka broker figures');
    const rows = rowsFrom(1000, minutesOf([1000, 1000]));
    rows[0].broker = {
      messagesInPerMinute: 120_000,
      bytesInPerMinute: 42_500_000,
      bytesOutPerMinute: null,
      stale: false,
    };
    rows[1].broker = {
      messagesInPerMinute: 120_000,
      bytesInPerMinute: 42_500_000,
      bytesOutPerMinute: null,
      stale: true,
    };
    const lines = renderMarkdown(reportOf(rows)).split('\n');
    expect(lines).toContain('| 1 | 120,000 | 42.5 | – |  |');
    expect(lines).toContain('| 2 | 120,000 | 42.5 | – | stale: Ambari had not refreshed |');
  });
});

describe('console table', () => {
  const report = realisticReport();

  it('prints a header once and one fixed-width row per interval, numbers right-aligned', () => {
    const header = consoleHeader().split('\n');
    expect(header).toHaveLength(2);
    const lines = report.rows.map(consoleRow);
    expect([...header, ...lines].join('\n')).toMatchSnapshot();
    // Every number column ends at the same offset on every row as in the header.
    const lagEnd = header[0].indexOf('lag') + 'lag'.length;
    for (const line of lines.filter((_, index) => !report.rows[index].gap)) {
      expect(line[lagEnd - 1]).toMatch(/\d/);
      expect(line[lagEnd]).toBe(' ');
    }
  });

  it('labels gap, partial and stale rows', () => {
    expect(consoleRow(report.rows[5])).toMatch(/gap: sample failed$/);
    expect(consoleRow(report.rows[9])).toMatch(/partial: 24 s$/);
    const stale = rowsFrom(1000, [{ out: 1000, stale: true }])[0];
    expect(consoleRow(stale)).toMatch(/stale: not refreshed$/);
  });
});

describe('the cost estimate and an early stop in the heading', () => {
  const deadline = new Date('2026-03-02T10:05:00.000Z');
  const report = {
    ...realisticReport(),
    platform: 'aks' as const,
    cost: estimateRunCost('aks', TIER_PRESETS['1'], 30),
    stoppedBy: stoppedByDeadline({ deadline, msLeft: 0 }, 5, 30),
  };

  it('shows the estimate with its parts, linked to docs/cost.md when its address is known', () => {
    const line =
      '**Estimated Azure cost: 3.47 $** (1.27 billed hours for 30 measured minutes x 2.74 $/h of nodes, prices of 2026-11-26; formula and caveats: ';
    expect(renderMarkdown(report)).toContain(`${line}docs/cost.md)`);
    const url = 'https://github.com/org/streaming-at-scale/blob/v1/docs/cost.md';
    expect(renderMarkdown(report, { costDocUrl: url })).toContain(`${line}[docs/cost.md](${url}))`);
    expect(renderMarkdown({ ...report, platform: 'local', cost: null })).not.toContain('Estimated Azure cost');
  });

  it('says why the run stopped, under the verdict', () => {
    expect(renderMarkdown(report)).toContain(
      `**${report.rampUp.verdict}**\n\n**⏱️ Stopped early: Measuring stopped at the run's deadline 2026-03-02T10:05:00.000Z (max-duration-minutes): 5 of 30 intervals measured; the load was then stopped and the run torn down.**`,
    );
    // A report that says so passes the checks of a report from a fork (the comment mode).
    expect(checkUntrustedReport(report, 'report.json')).toBe(report);
    expect(() =>
      checkUntrustedReport({ ...report, stoppedBy: { ...report.stoppedBy, detail: 'see https://x' } }, 'r'),
    ).toThrow(/stoppedBy\.detail contains markup/);
  });
});
