/**
 * The one markdown renderer for the job summary and the PR comment, and the plain-text table
 * printed live while measuring. Pure: a report in, text out. Figures are defined in
 * docs/metrics.md.
 */
import { throughputOf } from '../analysis/ramp-up.js';
import { formatChange, formatCount, formatDecimal, formatDuration, formatMs, formatPercent } from './format.js';
import { baselineLine, NO_BASELINE_LINE, provenanceText } from './provenance.js';
import type {
  BenchmarkReport,
  GateCheckName,
  GateReason,
  IntervalRow,
  LatencyPercentiles,
  MetricComparison,
  RunCost,
} from './schema.js';

const CHECK_LABELS: Record<GateCheckName, string> = {
  'sustained-throughput': 'Sustained throughput',
  'keeps-up': 'Keeps up',
  'ramp-up': 'Ramp-up',
  'p99-latency': 'p99 latency',
  loss: 'Loss',
  regression: 'Regression vs baseline',
};

/** The parts of the markdown, in order; src/report/limits.ts drops or shortens them by id to fit a limit. */
export type SectionId =
  | 'heading'
  | 'gate'
  | 'ramp-up'
  | 'baseline'
  | 'chart'
  | 'table'
  | 'load-audit'
  | 'flink'
  | 'broker'
  /** The A/B report's per-run figures (src/report/ab-render.ts). */
  | 'runs';

export interface MarkdownSection {
  id: SectionId;
  markdown: string;
}

export interface RenderOptions {
  /** Where docs/cost.md of the toolkit that ran is (toolDocUrl); without it the path is named, unlinked. */
  costDocUrl?: string;
}

export function renderSections(report: BenchmarkReport, options: RenderOptions = {}): MarkdownSection[] {
  const sections: MarkdownSection[] = [
    { id: 'heading', markdown: renderHeading(report, options) },
    { id: 'gate', markdown: renderGate(report.gate.reasons) },
    { id: 'ramp-up', markdown: renderRampUp(report) },
    { id: 'baseline', markdown: renderBaseline(report) },
    {
      id: 'chart',
      markdown:
        `### ${report.throughputBasis === 'consumption' ? 'Throughput' : 'Output'} per interval\n\n` +
        renderChart(report),
    },
    { id: 'table', markdown: '### Per-minute table\n\n' + measurementMethods(report) + renderTable(report) },
    { id: 'load-audit', markdown: renderLoadAndAudit(report) },
    { id: 'flink', markdown: renderFlink(report.rows) },
    { id: 'broker', markdown: renderBroker(report.rows) },
  ];
  return sections.filter((section) => section.markdown !== '');
}

export function joinSections(sections: MarkdownSection[]): string {
  return sections.map((section) => section.markdown).join('\n\n') + '\n';
}

export function renderMarkdown(report: BenchmarkReport, options: RenderOptions = {}): string {
  return joinSections(renderSections(report, options));
}

function tierText(report: BenchmarkReport): string {
  const name = report.tier.name === 'custom' ? 'custom tier' : `tier ${report.tier.name}`;
  return `${name} (${formatCount(report.targetEventsPerSecond)} events/s)`;
}

function renderHeading(report: BenchmarkReport, options: RenderOptions): string {
  const passed = report.gate.verdict === 'pass';
  const title = `## ${passed ? '✅' : '❌'} Benchmark ${passed ? 'passed' : 'failed'}: ${tierText(report)} · ${report.platform} · ${report.job}`;
  const rows = report.rows.length;
  const meta =
    `Run \`${report.runId}\` · ${utcDateTime(report.startedAt)} to ${utcTime(report.endedAt)} UTC · ` +
    `${rows} ${rows === 1 ? 'interval' : 'intervals'} of ${report.intervalSeconds} s · ` +
    `${report.tier.partitions} ${report.tier.partitions === 1 ? 'partition' : 'partitions'}, parallelism ${report.tier.parallelism} · ` +
    `${report.tool.name} ${report.tool.version}` +
    (report.provenance ? ` · ${provenanceText(report.provenance)}` : '');
  const stopped = report.stoppedBy ? `\n\n**⏱️ Stopped early: ${escapeCell(report.stoppedBy.detail)}**` : '';
  const cost = report.cost ? `\n\n${renderCost(report.cost, options)}` : '';
  return `${title}\n\n**${escapeCell(report.rampUp.verdict)}**${stopped}\n\n${meta}${cost}`;
}

/** One line: the estimate, how it is made up, and where the formula and prices are explained. */
function renderCost(cost: RunCost, options: RenderOptions): string {
  const doc = options.costDocUrl ? `[docs/cost.md](${options.costDocUrl})` : 'docs/cost.md';
  return (
    `**Estimated Azure cost: ${formatDecimal(cost.estimatedUsd, 2)} $** ` +
    `(${formatDecimal(cost.billedHours, 2)} billed hours for ${formatDecimal(cost.minutes, 0)} measured minutes ` +
    `x ${formatDecimal(cost.usdPerHour, 2)} $/h of nodes, prices of ${cost.pricesDate}; formula and caveats: ${doc})`
  );
}

function renderGate(reasons: GateReason[]): string {
  const lines = ['### Gate', '', '| Check | Result | Detail |', '|---|---|---|'];
  for (const reason of reasons) {
    const result = reason.skipped ? '➖ skipped' : reason.passed ? '✅ pass' : '❌ fail';
    lines.push(`| ${CHECK_LABELS[reason.check]} | ${result} | ${escapeCell(reason.detail)} |`);
  }
  return lines.join('\n');
}

function renderRampUp(report: BenchmarkReport): string {
  const analysis = report.rampUp;
  const lines = ['### Ramp-up analysis', '', '| Figure | Value |', '|---|---|'];
  const add = (name: string, value: string) => lines.push(`| ${name} | ${escapeCell(value)} |`);
  add('Outcome', analysis.outcome);
  add(
    'Full minutes measured',
    `${analysis.fullMinutes} of ${report.rows.length} (partial, gap and stale intervals are shown but not counted)`,
  );
  add('Steady-state onset', analysis.steadyFromMinute === null ? 'not reached' : `minute ${analysis.steadyFromMinute}`);
  add('Ramp-up', analysis.rampUpSeconds === null ? 'not finished' : formatDuration(analysis.rampUpSeconds));
  if (analysis.steady) {
    const steady = analysis.steady;
    add(
      'Steady-state output',
      `mean ${formatCount(steady.meanPerSecond)} events/s (${formatPercent(steady.meanPercentOfTarget)} of target), ` +
        `min ${formatCount(steady.minPerSecond)}, max ${formatCount(steady.maxPerSecond)}, stddev ${formatDecimal(steady.stddevPerSecond, 1)}`,
    );
  }
  if (analysis.bestMinute) {
    add(
      'Best full minute',
      `minute ${analysis.bestMinute.minute}: ${formatPercent(analysis.bestMinute.percentOfTarget)} of target`,
    );
  }
  if (analysis.lagTrendPerSecond !== null) {
    add(
      'Lag trend',
      `${signed(analysis.lagTrendPerSecond)} records/s (keeps up at most +${formatCount(analysis.lagToleranceRecordsPerSecond)})`,
    );
  }
  add('Keeps up', analysis.keepsUp === null ? 'unknown' : analysis.keepsUp ? 'yes' : 'no');
  const steadyLatency = report.latencyMs.steady;
  if (steadyLatency) {
    add(
      'Steady-state latency from the intended send time (p50 / p95 / p99 / max)',
      latencyText(steadyLatency.processed),
    );
    // Without an actual send time (a job that does not add enqueuedAt, an older report) only the line above.
    if (steadyLatency.processedFromSent) {
      add(
        'Steady-state latency from the actual send time: the pipeline alone (p50 / p95 / p99 / max)',
        latencyText(steadyLatency.processedFromSent),
      );
    }
    if (steadyLatency.enqueued) {
      add(
        'Load generator behind its schedule: actual minus intended send time (p50 / p95 / p99 / max)',
        latencyText(steadyLatency.enqueued),
      );
    }
  }
  return lines.join('\n');
}

function latencyText(latency: LatencyPercentiles): string {
  return `${[latency.p50, latency.p95, latency.p99, latency.max].map(formatMs).join(' / ')} ms (${formatCount(latency.count)} events)`;
}

/** The first line of the baseline comparison table (limits.ts cuts the section there). */
export const BASELINE_TABLE_HEADER = '| Metric | Baseline | Current | Change |';

/**
 * Always present: where the baseline comes from (commit, age, runner, with warnings) and a
 * not-comparable note, then the table; without a baseline, a neutral line, so a summary without
 * one never reads as a passed regression check. limits.ts may drop the table, never the lines.
 */
function renderBaseline(report: BenchmarkReport): string {
  const comparison = report.baseline;
  if (comparison === null) return `### Baseline comparison\n\n${NO_BASELINE_LINE}`;
  const source = baselineLine(report, {
    runId: comparison.baselineRunId,
    startedAt: comparison.baselineStartedAt,
    provenance: comparison.baselineProvenance,
  });
  const lines = [
    '### Baseline comparison',
    '',
    source,
    ...(comparison.note ? ['', `⚠️ ${escapeCell(comparison.note)}`] : []),
    '',
    BASELINE_TABLE_HEADER,
    '|---|---:|---:|---:|',
  ];
  for (const metric of comparison.metrics) {
    const value = (figure: number | null) => (figure === null ? '–' : metricValue(metric, figure));
    lines.push(
      `| ${metric.label} (${metric.direction === 'higher-is-better' ? 'higher' : 'lower'} is better) | ` +
        `${value(metric.baseline)} | ${value(metric.current)} | ${changeText(metric)} |`,
    );
  }
  return lines.join('\n');
}

function metricValue(metric: MetricComparison, value: number): string {
  if (metric.unit === 'ms') return `${formatMs(value)} ms`;
  if (metric.unit === 's') return formatDuration(value);
  return `${formatCount(value)} ${metric.unit}`;
}

function changeText(metric: MetricComparison): string {
  if (metric.changePercent === null) return '–';
  // Judged at the precision shown: a change that prints as ±0.0% is neither better nor worse.
  const regression = Math.round((metric.regressionPercent ?? 0) * 10) / 10;
  const judgement = regression > 0 ? ' (worse)' : regression < 0 ? ' (better)' : '';
  return `${formatChange(metric.changePercent)}${judgement}`;
}

/**
 * A Mermaid xychart (GitHub renders it): output events/s per interval as bars, the target as a
 * line. A gap is drawn as 0 and labelled, a partial interval is labelled: neither is hidden.
 */
export function renderChart(report: BenchmarkReport): string {
  const labels = report.rows.map((row) => `"${row.minute}${row.gap ? ' gap' : row.partial ? ' partial' : ''}"`);
  const rates = report.rows.map((row) => Math.round(throughputOf(row) ?? 0));
  const top = niceCeiling(Math.max(report.targetEventsPerSecond, ...rates) * 1.1);
  return [
    '```mermaid',
    'xychart-beta',
    `  title "${report.throughputBasis === 'consumption' ? 'Consumed' : 'Output'} events/s per interval (bars) and target (line)"`,
    `  x-axis "Interval (${report.intervalSeconds} s)" [${labels.join(', ')}]`,
    `  y-axis "events/s" 0 --> ${top}`,
    `  bar [${rates.join(', ')}]`,
    `  line [${report.rows.map(() => report.targetEventsPerSecond).join(', ')}]`,
    '```',
  ].join('\n');
}

/** Rounds up to 1, 2 or 5 times a power of ten, so the axis ends on a readable figure. */
function niceCeiling(value: number): number {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 5, 10].find((factor) => factor * power >= value)!;
  return step * power;
}

/** A lag in seconds at the precision it is measured with (interpolated between samples). */
function seconds(value: number | null, missing: string): string {
  return value === null ? missing : value.toFixed(1);
}

export function renderTable(report: BenchmarkReport): string {
  const steady = new Set(report.rampUp.steadyMinutes);
  const withBytes = report.rows.some((row) => row.inBytes !== null || row.outBytes !== null);
  // Reports before these figures existed have neither: their columns are left out, not dashed.
  const withConsumed = report.rows.some((row) => row.consumedRatePerSecond !== undefined);
  const header = [
    'Minute',
    'Window (UTC)',
    'In records',
    'Out records',
    'Out/s',
    '% of target',
    ...(withConsumed ? ['Consumed/s'] : []),
    'Lag',
    ...(withConsumed ? ['Lag s'] : []),
    ...(withBytes ? ['In MB', 'Out MB'] : []),
    'p50 ms',
    'p99 ms',
    'p99 ms from send',
    'Notes',
  ];
  const align = header.map((name) => (name === 'Window (UTC)' || name === 'Notes' ? '---' : '---:'));
  const lines = [`| ${header.join(' | ')} |`, `|${align.join('|')}|`];
  for (const row of report.rows) {
    const cells = [
      String(row.minute),
      `${utcTime(row.start)}–${utcTime(row.end)}`,
      count(row.inRecords),
      count(row.outRecords),
      count(row.outRatePerSecond),
      row.percentOfTarget === null ? '–' : formatPercent(row.percentOfTarget),
      ...(withConsumed ? [count(row.consumedRatePerSecond ?? null)] : []),
      count(row.lagRecords),
      ...(withConsumed ? [seconds(row.lagSeconds ?? null, '–')] : []),
      ...(withBytes ? [megabytes(row.inBytes), megabytes(row.outBytes)] : []),
      row.latencyMs ? formatMs(row.latencyMs.processed.p50) : '–',
      row.latencyMs ? formatMs(row.latencyMs.processed.p99) : '–',
      fromSendP99(row, '–'),
      [...flags(row), ...(steady.has(row.minute) ? ['steady'] : [])].join(', '),
    ];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

/**
 * Which figure is the job's throughput and where its latency comes from, when not the built-in
 * relay's way (docs/metrics.md, "Throughput" and "Latency").
 */
export function measurementMethods(report: Pick<BenchmarkReport, 'throughputBasis' | 'latencySource' | 'job'>): string {
  const lines: string[] = [];
  if (report.throughputBasis === 'consumption')
    lines.push(
      `Throughput (% of target, the gate, the ramp-up) is what ${report.job} consumed of \`in\`: its consumer group's committed offsets, so it is right for a job that filters, aggregates or fans out, at the resolution of its commits (its checkpoints). Out records are counted apart.`,
    );
  if (report.latencySource?.end === 'append-time')
    lines.push(
      `Latency runs from each output record's \`${report.latencySource.createdField}\` to the moment it was appended to \`out\` (its Kafka timestamp); output without that field has none.`,
    );
  return lines.map((line) => line + '\n\n').join('');
}

function renderLoadAndAudit(report: BenchmarkReport): string {
  const lines: string[] = [];
  if (report.load) {
    const load = report.load;
    lines.push(
      `**Load:** ${formatCount(load.sent)} sent, ${formatCount(load.acknowledged)} acknowledged, ` +
        `${formatCount(load.errors)} errors, ${formatCount(load.shortfall)} short of the schedule.`,
    );
  }
  if (report.audit) {
    const audit = report.audit;
    lines.push(
      `**Audit** (every output record read, ${formatDecimal(audit.costSeconds, 1)} CPU s): ` +
        `${formatCount(audit.outRecords)} records on out, ${formatCount(audit.uniqueEvents)} unique events ` +
        `(${formatCount(audit.expectedFromIn)} expected from in), ${formatCount(audit.duplicates)} duplicates, ` +
        `${formatCount(audit.lost)} lost, ${formatCount(audit.reordered)} reordered by the pipeline` +
        (audit.inputReordered ? ` (${formatCount(audit.inputReordered)} already out of order on in).` : '.'),
    );
  } else if (report.throughputBasis === 'consumption') {
    lines.push(
      `**Audit:** does not apply: ${report.job} does not write one output record per input event, so loss and duplicates cannot be read from its output.`,
    );
  } else {
    lines.push('**Audit:** off (duplicates, loss and reordering not checked).');
  }
  return lines.join('\n\n');
}

function renderFlink(rows: IntervalRow[]): string {
  if (!rows.some((row) => row.flink)) return '';
  const lines = [
    '<details><summary>Flink job figures per interval</summary>',
    '',
    '| Minute | Records in/s | Records out/s | Backpressure | Checkpoints (completed / failed) | Last checkpoint ms | Restarts |',
    '|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const row of rows) {
    const flink = row.flink;
    if (!flink) continue;
    lines.push(
      `| ${row.minute} | ${count(flink.recordsInPerSecond)} | ${count(flink.recordsOutPerSecond)} | ` +
        `${flink.backpressure === null ? '–' : formatPercent(flink.backpressure * 100)} | ` +
        `${flink.checkpoints ? `${formatCount(flink.checkpoints.completed)} / ${formatCount(flink.checkpoints.failed)}` : '–'} | ` +
        `${flink.checkpoints?.lastDurationMs == null ? '–' : formatCount(flink.checkpoints.lastDurationMs)} | ${count(flink.restarts)} |`,
    );
  }
  lines.push('', '</details>');
  return lines.join('\n');
}

/** The origin sample's Ambari table: broker-level figures, all topics (each event enters Kafka twice). */
function renderBroker(rows: IntervalRow[]): string {
  if (!rows.some((row) => row.broker)) return '';
  const lines = [
    '<details><summary>Kafka broker figures per interval (Ambari, all topics, 1-minute rates x 60)</summary>',
    '',
    '| Minute | IncomingMessages | IncomingBytes (MB) | OutgoingBytes (MB) | Notes |',
    '|---:|---:|---:|---:|---|',
  ];
  for (const row of rows) {
    const broker = row.broker;
    if (!broker) continue;
    lines.push(
      `| ${row.minute} | ${count(broker.messagesInPerMinute)} | ${megabytes(broker.bytesInPerMinute)} | ` +
        `${megabytes(broker.bytesOutPerMinute)} | ${broker.stale ? 'stale: Ambari had not refreshed' : ''} |`,
    );
  }
  lines.push('', '</details>');
  return lines.join('\n');
}

/** Why a row is not an ordinary full minute. */
function flags(row: IntervalRow): string[] {
  const result: string[] = [];
  if (row.gap) result.push('gap: sample failed');
  if (row.partial) {
    result.push(`partial: ${formatCount((Date.parse(row.end) - Date.parse(row.start)) / 1000)} s`);
  }
  if (row.stale) result.push('stale: not refreshed');
  return result;
}

const CONSOLE_COLUMNS: ReadonlyArray<{ title: string; width: number }> = [
  { title: 'minute', width: 6 },
  { title: 'end (UTC)', width: 9 },
  { title: 'in records', width: 12 },
  { title: 'out records', width: 12 },
  { title: 'out/s', width: 9 },
  { title: '% target', width: 8 },
  { title: 'consumed/s', width: 10 },
  { title: 'lag', width: 11 },
  { title: 'lag s', width: 6 },
  { title: 'p50 ms', width: 8 },
  { title: 'p99 ms', width: 8 },
  { title: 'p99 from send', width: 13 },
];

/** The live table's header: column names over a rule, as the origin printed them. */
export function consoleHeader(): string {
  const names = CONSOLE_COLUMNS.map((column) => column.title.padStart(column.width)).join('  ') + '  flags';
  const rule = CONSOLE_COLUMNS.map((column) => '-'.repeat(column.title.length).padStart(column.width)).join('  ');
  return `${names}\n${rule}  -----`;
}

/** One interval of the live table: fixed-width columns, numbers right-aligned. */
export function consoleRow(row: IntervalRow): string {
  // Plain ASCII for any terminal: '-' where a figure is missing.
  const missing = '-';
  const number = (value: number | null) => (value === null ? missing : formatCount(value));
  const values = [
    String(row.minute),
    utcTime(row.end),
    number(row.inRecords),
    number(row.outRecords),
    number(row.outRatePerSecond),
    row.percentOfTarget === null ? missing : formatPercent(row.percentOfTarget),
    number(row.consumedRatePerSecond ?? null),
    number(row.lagRecords),
    seconds(row.lagSeconds ?? null, missing),
    row.latencyMs ? formatMs(row.latencyMs.processed.p50) : missing,
    row.latencyMs ? formatMs(row.latencyMs.processed.p99) : missing,
    fromSendP99(row, missing),
  ];
  const cells = values.map((value, index) => value.padStart(CONSOLE_COLUMNS[index].width)).join('  ');
  const notes = flags(row).join(', ');
  return notes ? `${cells}  ${notes}` : cells;
}

/**
 * The interval's p99 from the actual send time, beside the headline p99 from the intended one: where
 * the two differ, the load generator fell behind its schedule (docs/metrics.md, "Latency").
 */
function fromSendP99(row: IntervalRow, missing: string): string {
  const fromSent = row.latencyMs?.processedFromSent;
  return fromSent ? formatMs(fromSent.p99) : missing;
}

function count(value: number | null): string {
  return value === null ? '–' : formatCount(value);
}

function megabytes(bytes: number | null): string {
  return bytes === null ? '–' : formatDecimal(bytes / 1e6, 1);
}

function signed(value: number): string {
  const rounded = Math.round(value);
  return `${rounded > 0 ? '+' : rounded < 0 ? '-' : ''}${formatCount(Math.abs(rounded))}`;
}

/** HH:MM:SS in UTC, whatever offset the timestamp was written with. */
function utcTime(iso: string): string {
  return new Date(iso).toISOString().slice(11, 19);
}

function utcDateTime(iso: string): string {
  const utc = new Date(iso).toISOString();
  return `${utc.slice(0, 10)} ${utc.slice(11, 16)}`;
}

/** Table cells must not contain a pipe or a line break. */
export function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}
