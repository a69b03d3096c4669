/**
 * The A/B report as markdown (job summary and pull request comment) and as plain text for the
 * log: the verdict first, then each metric's head-vs-base estimate with its confidence interval
 * and noise floor, then every run's figures. Pure.
 */
import type { ABRunRecord, ABReport } from '../gate/ab/report.js';
import type { ABMetricName } from '../gate/ab/metrics.js';
import type { ABComparison, Interval } from '../gate/ab/statistics.js';
import { formatChange, formatCount, formatDecimal, formatDuration, formatMs, formatPercent, plural } from './format.js';
import { baselineLine } from './provenance.js';
import { escapeCell, joinSections, type MarkdownSection } from './render.js';

const VERDICT_TITLES: Record<ABReport['verdict'], string> = {
  pass: '✅ A/B gate passed',
  fail: '❌ A/B gate failed',
  inconclusive: '⚠️ A/B gate inconclusive',
};

const METRIC_VERDICTS: Record<ABComparison['verdict'], string> = {
  regression: '❌ regression',
  improvement: '✅ improvement',
  'no-change': '✅ no change',
  unsure: '➖ not resolved',
};

function shortCommit(commit: string | null): string {
  return commit ? `\`${commit.slice(0, 12)}\`` : 'an unversioned folder';
}

function tierText(report: ABReport): string {
  const name = report.tier.name === 'custom' ? 'custom tier' : `tier ${report.tier.name}`;
  return `${name} (${formatCount(report.tier.eventsPerSecond)} events/s)`;
}

/** "+12.3%" for ratios, "+5 s" for differences. */
function change(comparison: ABComparison, value: number): string {
  if (comparison.scale === 'ratio') return formatChange((value - 1) * 100);
  return `${value > 0 ? '+' : value < 0 ? '-' : '±'}${formatDecimal(Math.abs(value), 0)} s`;
}

function amount(comparison: ABComparison, value: number | null): string {
  if (value === null) return 'n/a';
  return comparison.scale === 'ratio' ? formatPercent(value) : `${formatDecimal(value, 0)} s`;
}

function interval(comparison: ABComparison, range: Interval | null): string {
  return range === null ? 'n/a' : `${change(comparison, range.low)} to ${change(comparison, range.high)}`;
}

function runsText(report: ABReport): string {
  const confirmation = report.confirmation.ran ? ' + a confirmation pair' : '';
  return `${plural(report.plannedRounds, 'round')} of ${formatDuration(report.minutes * 60)} runs${confirmation}, interleaved ABBA`;
}

function changeUnderTest(report: ABReport): string {
  const { base, head } = report;
  if (base.syntheticWorkUs === head.syntheticWorkUs && base.syntheticWorkUs === 0) return '';
  return ` · synthetic-work-us: base ${formatCount(base.syntheticWorkUs)}, head ${formatCount(head.syntheticWorkUs)}`;
}

function renderHeading(report: ABReport): string {
  const lines = [
    `## ${VERDICT_TITLES[report.verdict]}: ${tierText(report)} · ${report.platform} · ${report.job}`,
    '',
    `Head ${shortCommit(report.head.commit)} vs base ${shortCommit(report.base.commit)}, both run on this runner: ` +
      `${runsText(report)}, a row every ${report.intervalSeconds} s${changeUnderTest(report)} · ` +
      `${report.tool.name} ${report.tool.version}`,
  ];
  if (report.head.firstRun && report.base.firstRun) {
    lines.push('', baselineLine(report.head.firstRun, report.base.firstRun, { label: 'Base' }));
  }
  if (report.verdict === 'inconclusive') {
    const consequence = report.inconclusiveFails
      ? 'This check fails on it (inconclusive-fails: true).'
      : 'This check does not fail on it (inconclusive-fails: false), and it did not show the absence of a regression either.';
    lines.push(
      '',
      `> **The measurement is not valid, so it shows neither a regression nor its absence.** ${consequence}`,
      ...report.reasons.map((reason) => `> - ${escapeCell(reason)}`),
    );
    if (report.stoppedEarly) lines.push(`> - ${escapeCell(report.stoppedEarly)}`);
  }
  return lines.join('\n');
}

function renderComparisons(report: ABReport): string {
  const level = formatDecimal(report.confidence * 100, 0);
  const lines = [
    '### Head vs base',
    '',
    `| Metric | Head vs base | ${level}% confidence interval | Noise floor (one run) | Minimum effect | Verdict |`,
    '|---|---|---|---|---|---|',
  ];
  for (const comparison of report.comparisons) {
    const estimate = comparison.headVsBase === null ? 'n/a' : change(comparison, comparison.headVsBase.estimate);
    lines.push(
      `| ${comparison.label} (${comparison.unit}) | ${estimate} | ${interval(comparison, comparison.headVsBase)} | ` +
        `${amount(comparison, comparison.noiseFloor.pooled)} | ${amount(comparison, comparison.minimumEffect)} | ` +
        `${METRIC_VERDICTS[comparison.verdict]} |`,
    );
  }
  lines.push(
    '',
    'The noise floor is the spread (one standard deviation) between runs of the same side; a regression is called only when the whole interval is worse than the minimum effect. Method: docs/metrics.md, "A/B gate".',
  );
  if (report.verdict !== 'inconclusive') lines.push('', ...report.reasons.map((reason) => `- ${escapeCell(reason)}`));
  return lines.join('\n');
}

const FIGURE_FORMATS: Record<ABMetricName, (value: number) => string> = {
  'sustained-throughput': formatCount,
  'p99-latency': formatMs,
  'ramp-up': (value) => formatDecimal(value, 0),
};

function figure(run: ABRunRecord, metric: ABMetricName): string {
  const value = run.figures.values[metric];
  return value === null ? 'n/a' : FIGURE_FORMATS[metric](value);
}

function renderRuns(report: ABReport): string {
  const lines = [
    '### Runs',
    '',
    '| Round | Side | Sustained throughput (events/s) | p99 latency (ms) | Ramp-up (s) | Steady state | Valid |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const run of report.runs) {
    const round = run.round > report.plannedRounds ? `${run.round} (confirmation)` : String(run.round);
    const valid = run.problems.length === 0 ? 'yes' : `no: ${escapeCell(run.problems.join(' '))}`;
    lines.push(
      `| ${round} | ${run.side} | ${figure(run, 'sustained-throughput')} | ${figure(run, 'p99-latency')} | ` +
        `${figure(run, 'ramp-up')} | ${run.figures.steady ? 'reached' : 'not reached'} | ${valid} |`,
    );
  }
  return lines.join('\n');
}

export function renderABSections(report: ABReport): MarkdownSection[] {
  return [
    { id: 'heading', markdown: renderHeading(report) },
    { id: 'gate', markdown: renderComparisons(report) },
    { id: 'runs', markdown: renderRuns(report) },
  ];
}

export function renderABMarkdown(report: ABReport): string {
  return joinSections(renderABSections(report));
}

/** The log's version: verdict, one sentence per metric, the noise floors, each run in a line. */
export function renderABConsole(report: ABReport): string {
  const lines = [`A/B verdict: ${report.verdict.toUpperCase()}`];
  lines.push(...report.reasons.map((reason) => `  ${reason}`));
  if (report.stoppedEarly) lines.push(`  ${report.stoppedEarly}`);
  const floors = report.comparisons.map(
    (comparison) => `${comparison.label} ${amount(comparison, comparison.noiseFloor.pooled)}`,
  );
  lines.push(`Noise floor between runs of one side (one standard deviation): ${floors.join(', ')}.`);
  lines.push('round  side   throughput/s     p99 ms   ramp-up s  steady  valid');
  for (const run of report.runs) {
    lines.push(
      `${String(run.round).padStart(5)}  ${run.side.padEnd(5)}  ${figure(run, 'sustained-throughput').padStart(12)}  ` +
        `${figure(run, 'p99-latency').padStart(9)}  ${figure(run, 'ramp-up').padStart(10)}  ` +
        `${(run.figures.steady ? 'yes' : 'no').padEnd(6)}  ${run.problems.length === 0 ? 'yes' : 'no'}`,
    );
  }
  return lines.join('\n');
}
