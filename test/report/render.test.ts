import { consoleHeader, consoleRow, renderChart, renderMarkdown, renderTable } from '../../src/report/render.js';
import { formatMs } from '../../src/report/format.js';
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
      /^\| 6 \| 10:05:00–10:06:00 \| – \| – \| – \| – \| – \| – \| – \| – \| – \| – \| gap: sample failed \|$/,
    );
    expect(tableRows[9]).toContain('partial: 24 s');
    expect(tableRows[3]).toMatch(
      /\| 4 \| 10:03:00–10:04:00 \| 60,000 \| 60,120 \| 1,002 \| 100\.2% \| 800 \|.*\| steady \|$/,
    );
  });

  it('shows latency from the intended send time, from the actual one, and the generator delay between them', () => {
    const steady = report.latencyMs.steady!;
    expect(markdown).toContain(
      `| Steady-state latency from the intended send time (p50 / p95 / p99 / max) | ${formatMs(steady.processed.p50)} / `,
    );
    expect(markdown).toContain(
      `| Steady-state latency from the actual send time: the pipeline alone (p50 / p95 / p99 / max) | ${formatMs(steady.processedFromSent!.p50)} / `,
    );
    expect(markdown).toContain(
      `| Load generator behind its schedule: actual minus intended send time (p50 / p95 / p99 / max) | ${formatMs(steady.enqueued!.p50)} / `,
    );
    // One extra column beside the headline p50 / p99, not a second table.
    const row4 = renderTable(report).split('\n')[5]!;
    expect(row4).toContain(
      `| ${formatMs(report.rows[3]!.latencyMs!.processed.p99)} | ${formatMs(report.rows[3]!.latencyMs!.processedFromSent!.p99)} | steady |`,
    );
  });

  it('a report from before the actual send time was recorded: no such line, the column shows –', () => {
    const older = realisticReport();
    for (const set of [older.latencyMs.steady!, ...older.rows.flatMap((row) => row.latencyMs ?? [])])
      delete set.processedFromSent;
    expect(renderMarkdown(older)).not.toContain('from the actual send time');
    expect(renderTable(older).split('\n')[5]).toMatch(/ \| 139 \| – \| steady \|$/);
    expect(consoleRow(older.rows[3]!)).toMatch(/ 139 +-$/);
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

  it('shows a failed gate and, without a baseline, says neutrally that regressions were not checked', () => {
    const failed = renderMarkdown(reportOf(rowsFrom(1000, minutesOf([300, 600, 920, 500, 300]))));
    expect(failed).toMatch(/^## ❌ Benchmark failed/);
    expect(failed).toContain('| Sustained throughput | ❌ fail |');
    expect(failed).toContain('### Baseline comparison\n\nNo baseline: regressions were not checked.\n\n');
    expect(failed).not.toContain('| Regression vs baseline |');
    expect(failed).not.toContain('| Metric | Baseline |');
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

describe('the baseline section', () => {
  it('puts a not-comparable baseline (another tier) on its own warning line, and the gate fails on it', () => {
    const report = realisticReport();
    const baseline = reportOf(rowsFrom(5000, minutesOf([5000, 5000, 5000, 5000])), {
      runId: '20260301-090000-cd34',
      tier: { name: '5', eventsPerSecond: 5000, partitions: 1, parallelism: 1 },
      targetEventsPerSecond: 5000,
    });
    const gated = reportOf(report.rows, {
      thresholds: { ...report.gate.thresholds, maxRegressionPercent: 10 },
      baseline,
      provenance: report.provenance,
    });
    const markdown = renderMarkdown(gated);
    expect(markdown).toContain(
      '\n\n⚠️ Not comparable (tier differ): baseline tier 5 (5000 events/s, 1 partitions, parallelism 1) local/simple-relay, ' +
        'this run tier 1 (1000 events/s, 1 partitions, parallelism 1) local/simple-relay.\n\n| Metric | Baseline |',
    );
    expect(markdown).toContain('| Regression vs baseline | ❌ fail | Not comparable (tier differ)');
  });

  it("warns, under the baseline's line, when the baseline ran on another machine", () => {
    const report = realisticReport();
    report.baseline!.baselineProvenance = {
      ...report.baseline!.baselineProvenance!,
      runner: { name: 'dev-box', os: 'macOS', arch: 'ARM64', cpuModel: 'Apple M2', cpuCount: 8 },
    };
    expect(renderMarkdown(report)).toContain(
      'on dev-box (macOS ARM64, Apple M2, 8 CPUs). ⚠️ Figures from another machine (OS, architecture, CPU model, CPU count differ; ' +
        'this run: GitHub Actions 3 (Linux X64, AMD EPYC 7763 64-Core Processor, 4 CPUs)): compare with care.\n',
    );
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
