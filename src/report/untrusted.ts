/**
 * Reads a JSON report that came from somewhere we do not trust (the artifact of a fork's pull
 * request run) before it is rendered into a comment posted with a write token: a size cap, then
 * every field the renderer reads checked for its type, range and shape, and every text free of
 * markup that could reach past the report (HTML, links and autolinks, mentions and references, code
 * spans, control characters: MARKUP).
 * Both kinds: a benchmark report (measure) and an A/B report (ab).
 */
import { readFile, stat } from 'node:fs/promises';
import { MAX_AB_ROUNDS, MIN_AB_ROUNDS } from '../config/config.js';
import { PLATFORMS } from '../config/inputs.js';
import { JOB_NAME } from '../flink/job-spec.js';
import { AB_METRICS, AB_SIDES } from '../gate/ab/metrics.js';
import { AB_REPORT_KIND, type ABReport } from '../gate/ab/report.js';
import { AB_METRIC_VERDICTS } from '../gate/ab/statistics.js';
import { AB_VERDICTS } from '../gate/ab/validity.js';
import { COMMIT, MAX_LABEL } from './provenance.js';
import { completeReport, parseAnyReport, ReportFileError } from './summary.js';
import { REPORT_SCHEMA_VERSION, TOOL_NAME, type BenchmarkReport } from './schema.js';

/** Far above any real report (a day of 1-second intervals is about 60 MB pretty-printed: refuse that too). */
export const MAX_UNTRUSTED_REPORT_BYTES = 20 * 1024 * 1024;
/** A day of 1-second intervals. */
const MAX_ROWS = 86_400;
const MAX_TEXT = 1_000;
/** Longer than any path a runner has; folders and files are not rendered, only bounded. */
const MAX_PATH = 4_096;

const RUN_ID = /^[A-Za-z0-9._-]{1,100}$/;
const TOOL_VERSION = /^[0-9A-Za-z.+-]{1,50}$/;
const TIER_NAME = /^(1|5|10|custom)$/;
const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/;

/**
 * A word GitHub links to the commit it names, one pushed to a fork of the repository included:
 * 7 to 40 hex digits after the start, a space or punctuation other than - and _, and not followed
 * by a letter, digit or _. Digits alone pass: counts and the date in a run id are such words
 * (a commit whose short hash is all digits is the gap left). The tool's own texts name no hash
 * that long (validity.ts shows 6 characters of a workload hash).
 */
const COMMIT_HASH_WORD = /(?:^|[^\w-])(?=[\da-f]*[a-f])[\da-f]{7,40}(?!\w)/i;

/**
 * What a text of an untrusted report must not contain, each named for the error: what it would
 * become in the comment, which GitHub renders as GitHub Flavored Markdown (github.github.com/gfm,
 * with its extended autolinks) and then links references of its own in (docs.github.com:
 * "Autolinked references and URLs"). Refused, never rewritten: the tool's own texts have none.
 */
const MARKUP: ReadonlyArray<readonly [what: string, pattern: RegExp]> = [
  // eslint-disable-next-line no-control-regex
  ['a control character', /[\u0000-\u001f\u007f]/],
  ['a code span', /`/],
  // Tags, comments and processing instructions, and autolinks in angle brackets (<https://...>, <a@b.c>).
  ['HTML or an angle-bracket autolink', /<[A-Za-z!/?]/],
  ['an inline link or image', /\]\(/],
  // An extended URL autolink (http://, https://) and any other scheme's URL.
  ['a URL', /:\/\//],
  // A mention (@user, @org/team), user@commit and owner/repo@commit, and an extended email autolink
  // (also behind mailto: and xmpp:), whose domain may start with - or _.
  ['a mention or an email address', /@[\w-]/],
  // An extended www autolink: www. (any case) and a domain, no scheme needed.
  ['a www. autolink', /www\.\S/i],
  // &#64; and &commat; render as @ where GitHub then links a mention, &#35; as # and so on.
  ['a character reference', /&(?:#\d+|#x[\da-f]+|[a-z][a-z\d]*);/i],
  // [text][ref], the collapsed [text][] and the definition [ref]: url that makes those and a
  // shortcut [ref] a link; definitions are refused, so a shortcut has nothing to link to.
  ['a reference link or definition', /\]\[|\]:/],
  // #26 and owner/repo#26 (and discussions alike), GH-26: links that also notify the issue referred to.
  ['an issue or pull request reference', /#\d|\bgh-\d/i],
  ['a commit hash', COMMIT_HASH_WORD],
  // \@, \#, \. render as the bare character: what the patterns above look for, hidden from them.
  ['a backslash escape', /\\[!-/:-@[-`{-~]/],
];

/** The first kind of markup in a text (as MARKUP names it), or undefined when it has none. */
function markupIn(text: string): string | undefined {
  return MARKUP.find(([, pattern]) => pattern.test(text))?.[0];
}

/** Either kind of report, checked. */
export type UntrustedReport = BenchmarkReport | ABReport;

/** Reads, size-caps and checks a report of either kind; a benchmark report has no `kind`. */
export async function readUntrustedReport(file: string): Promise<UntrustedReport> {
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ReportFileError(
      code === 'ENOENT' ? `Report file '${file}' does not exist.` : `Report file '${file}' cannot be read (${code}).`,
    );
  }
  if (size > MAX_UNTRUSTED_REPORT_BYTES) {
    throw new ReportFileError(
      `Report file '${file}' is ${size.toLocaleString('en-US')} bytes, more than the ${MAX_UNTRUSTED_REPORT_BYTES.toLocaleString('en-US')} a report to comment with may have: it is not a report measure or ab wrote.`,
    );
  }
  const value = parseAnyReport(await readFile(file, 'utf8'), file);
  if (value.kind === AB_REPORT_KIND) return checkUntrustedABReport(value, file);
  if (value.kind !== undefined)
    fieldChecks(file, 'measure or ab').problem('kind', `is not ${AB_REPORT_KIND} (or absent)`);
  return checkUntrustedReport(completeReport(value, file), file);
}

interface Range {
  min?: number;
  max?: number;
  integer?: boolean;
}

type Check = (value: unknown, where: string) => void;

/**
 * The checks of one untrusted report, shared by both kinds: each refuses with a ReportFileError
 * naming the field (`where`) and never quoting the value, which is the untrusted part.
 */
function fieldChecks(source: string, writer: string) {
  const problem = (where: string, what: string): never => {
    throw new ReportFileError(
      `Report file '${source}' is refused: ${where} ${what}. A report to comment with must be exactly as ${writer} writes it.`,
    );
  };
  const record = (value: unknown, where: string): Record<string, unknown> =>
    typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : problem(where, 'is not an object');
  const number = (value: unknown, where: string, range: Range = {}): void => {
    if (typeof value !== 'number' || !Number.isFinite(value)) return problem(where, 'is not a finite number');
    if (range.integer && !Number.isInteger(value)) problem(where, 'is not a whole number');
    if (range.min !== undefined && value < range.min) problem(where, `is less than ${range.min}`);
    if (range.max !== undefined && value > range.max) problem(where, `is more than ${range.max}`);
  };
  const nullableNumber = (value: unknown, where: string, range?: Range): void => {
    if (value !== null) number(value, where, range);
  };
  const bool = (value: unknown, where: string): void => {
    if (typeof value !== 'boolean') problem(where, 'is not true or false');
  };
  const oneOf = (value: unknown, allowed: readonly unknown[], where: string): void => {
    if (!allowed.includes(value)) problem(where, `is not one of ${allowed.join(', ')}`);
  };
  /** A field that has exactly one right value (a constant of this tool's own). */
  const exactly = (value: unknown, expected: string | number, where: string): void => {
    if (value !== expected) problem(where, `is not ${JSON.stringify(expected)}`);
  };
  const matching = (value: unknown, pattern: RegExp, where: string): void => {
    if (typeof value !== 'string' || !pattern.test(value)) problem(where, `does not match ${pattern}`);
  };
  const time = (value: unknown, where: string): void => {
    matching(value, ISO_TIME, where);
    if (!Number.isFinite(Date.parse(value as string))) problem(where, 'is not a valid time');
  };
  /** A string that is never rendered (a folder, a file): only its type and length are checked. */
  const bounded = (value: unknown, max: number, where: string): void => {
    if (typeof value !== 'string' || value.length > max) problem(where, `is not a string of at most ${max} characters`);
  };
  const text = (value: unknown, where: string, max = MAX_TEXT): void => {
    if (typeof value !== 'string' || value.length > max) problem(where, `is not a text of at most ${max} characters`);
    const markup = markupIn(value as string);
    if (markup !== undefined) problem(where, `contains markup (${markup})`);
  };
  const array = (value: unknown, max: number, where: string): unknown[] =>
    Array.isArray(value) && value.length <= max ? value : problem(where, `is not a list of at most ${max} items`);
  // Free texts from the measuring machine (runner name, CPU model, ref) reach the comment as text:
  // the same checks as every other text, shorter.
  const label = (value: unknown, where: string): void => {
    text(value, where);
    if ((value as string).length > MAX_LABEL) problem(where, `is longer than ${MAX_LABEL} characters`);
  };
  const nullable = (value: unknown, where: string, check: Check): void => {
    if (value !== null) check(value, where);
  };
  const commit: Check = (value, where) => matching(value, COMMIT, where);
  const provenance = (value: unknown, where: string): void => {
    const source = record(value, where);
    nullable(source.commit, `${where}.commit`, commit);
    nullable(source.ref, `${where}.ref`, label);
    nullable(source.dirty, `${where}.dirty`, bool);
    const runner = record(source.runner, `${where}.runner`);
    nullable(runner.name, `${where}.runner.name`, label);
    label(runner.os, `${where}.runner.os`);
    label(runner.arch, `${where}.runner.arch`);
    nullable(runner.cpuModel, `${where}.runner.cpuModel`, label);
    number(runner.cpuCount, `${where}.runner.cpuCount`);
  };
  return {
    problem,
    record,
    number,
    nullableNumber,
    bool,
    oneOf,
    exactly,
    matching,
    time,
    bounded,
    text,
    array,
    label,
    nullable,
    commit,
    provenance,
  };
}

/** Throws a ReportFileError naming the first field that is not as measure writes it. */
export function checkUntrustedReport(report: BenchmarkReport, source: string): BenchmarkReport {
  const { record, number, nullableNumber, bool, oneOf, matching, time, text, array, provenance } = fieldChecks(
    source,
    'measure',
  );
  const latencyPercentiles = (value: unknown, where: string): void => {
    const latency = record(value, where);
    for (const key of ['p50', 'p95', 'p99', 'max', 'count']) number(latency[key], `${where}.${key}`);
  };
  const latencySet = (value: unknown, where: string): void => {
    if (value === null) return;
    const set = record(value, where);
    latencyPercentiles(set.processed, `${where}.processed`);
    if (set.enqueued !== null) latencyPercentiles(set.enqueued, `${where}.enqueued`);
    // Optional: reports written before it existed do not have it.
    if (set.processedFromSent !== undefined && set.processedFromSent !== null) {
      latencyPercentiles(set.processedFromSent, `${where}.processedFromSent`);
    }
  };

  const tool = record(report.tool, 'tool');
  matching(tool.version, TOOL_VERSION, 'tool.version');
  matching(report.runId, RUN_ID, 'runId');
  if (report.provenance !== undefined) provenance(report.provenance, 'provenance');
  oneOf(report.platform, PLATFORMS, 'platform');
  matching(report.job, JOB_NAME, 'job');
  const tier = record(report.tier, 'tier');
  matching(tier.name, TIER_NAME, 'tier.name');
  for (const key of ['eventsPerSecond', 'partitions', 'parallelism']) number(tier[key], `tier.${key}`);
  time(report.startedAt, 'startedAt');
  time(report.endedAt, 'endedAt');
  number(report.intervalSeconds, 'intervalSeconds');
  number(report.targetEventsPerSecond, 'targetEventsPerSecond');
  // Added later: absent in older reports.
  if (report.throughputBasis !== undefined) oneOf(report.throughputBasis, ['output', 'consumption'], 'throughputBasis');
  if (report.latencySource !== undefined) {
    const source = record(report.latencySource, 'latencySource');
    matching(source.createdField, /^[A-Za-z_$][\w$-]*(\.[A-Za-z_$][\w$-]*)*$/, 'latencySource.createdField');
    oneOf(source.end, ['processedAt', 'append-time'], 'latencySource.end');
  }

  array(report.rows, MAX_ROWS, 'rows').forEach((value, index) => {
    const where = `rows[${index}]`;
    const row = record(value, where);
    number(row.minute, `${where}.minute`);
    time(row.start, `${where}.start`);
    time(row.end, `${where}.end`);
    for (const key of ['partial', 'gap', 'stale']) bool(row[key], `${where}.${key}`);
    for (const key of ['inRecords', 'outRecords', 'inRatePerSecond', 'outRatePerSecond', 'lagRecords']) {
      nullableNumber(row[key], `${where}.${key}`);
    }
    for (const key of ['inBytes', 'outBytes', 'percentOfTarget']) nullableNumber(row[key], `${where}.${key}`);
    // Added later: absent in older reports.
    for (const key of ['lagSeconds', 'consumedRecords', 'consumedRatePerSecond', 'throughputPerSecond']) {
      if (row[key] !== undefined) nullableNumber(row[key], `${where}.${key}`);
    }
    latencySet(row.latencyMs, `${where}.latencyMs`);
    if (row.flink !== undefined) {
      const flink = record(row.flink, `${where}.flink`);
      for (const key of ['recordsInPerSecond', 'recordsOutPerSecond', 'backpressure', 'restarts']) {
        nullableNumber(flink[key], `${where}.flink.${key}`);
      }
      if (flink.checkpoints !== null) {
        const checkpoints = record(flink.checkpoints, `${where}.flink.checkpoints`);
        number(checkpoints.completed, `${where}.flink.checkpoints.completed`);
        number(checkpoints.failed, `${where}.flink.checkpoints.failed`);
        nullableNumber(checkpoints.lastDurationMs, `${where}.flink.checkpoints.lastDurationMs`);
      }
    }
    if (row.broker !== undefined) {
      const broker = record(row.broker, `${where}.broker`);
      for (const key of ['messagesInPerMinute', 'bytesInPerMinute', 'bytesOutPerMinute']) {
        nullableNumber(broker[key], `${where}.broker.${key}`);
      }
      bool(broker.stale, `${where}.broker.stale`);
    }
  });

  const latency = record(report.latencyMs, 'latencyMs');
  latencySet(latency.steady, 'latencyMs.steady');
  latencySet(latency.all, 'latencyMs.all');
  if (report.load !== null) {
    const load = record(report.load, 'load');
    for (const key of ['sent', 'acknowledged', 'errors', 'shortfall']) number(load[key], `load.${key}`);
  }
  if (report.audit !== null) {
    const audit = record(report.audit, 'audit');
    for (const key of [
      'outRecords',
      'uniqueEvents',
      'duplicates',
      'lost',
      'reordered',
      'expectedFromIn',
      'costSeconds',
    ]) {
      number(audit[key], `audit.${key}`);
    }
    if (audit.inputReordered !== undefined) number(audit.inputReordered, 'audit.inputReordered');
  }

  const rampUp = record(report.rampUp, 'rampUp');
  oneOf(rampUp.outcome, ['steady', 'never-reached', 'not-sustained', 'degrading', 'too-short'], 'rampUp.outcome');
  text(rampUp.verdict, 'rampUp.verdict');
  number(rampUp.fullMinutes, 'rampUp.fullMinutes');
  number(rampUp.lagToleranceRecordsPerSecond, 'rampUp.lagToleranceRecordsPerSecond');
  for (const key of ['steadyFromMinute', 'rampUpSeconds', 'lagTrendPerSecond']) {
    nullableNumber(rampUp[key], `rampUp.${key}`);
  }
  array(rampUp.steadyMinutes, MAX_ROWS, 'rampUp.steadyMinutes').forEach((minute, index) =>
    number(minute, `rampUp.steadyMinutes[${index}]`),
  );
  if (rampUp.keepsUp !== null) bool(rampUp.keepsUp, 'rampUp.keepsUp');
  if (rampUp.steady !== null) {
    const steady = record(rampUp.steady, 'rampUp.steady');
    for (const key of ['meanPerSecond', 'minPerSecond', 'maxPerSecond', 'stddevPerSecond', 'meanPercentOfTarget']) {
      number(steady[key], `rampUp.steady.${key}`);
    }
  }
  if (rampUp.bestMinute !== null) {
    const best = record(rampUp.bestMinute, 'rampUp.bestMinute');
    number(best.minute, 'rampUp.bestMinute.minute');
    number(best.percentOfTarget, 'rampUp.bestMinute.percentOfTarget');
  }

  const gate = record(report.gate, 'gate');
  oneOf(gate.verdict, ['pass', 'fail'], 'gate.verdict');
  array(gate.reasons, 20, 'gate.reasons').forEach((value, index) => {
    const reason = record(value, `gate.reasons[${index}]`);
    oneOf(
      reason.check,
      ['sustained-throughput', 'keeps-up', 'ramp-up', 'p99-latency', 'loss', 'regression'],
      `gate.reasons[${index}].check`,
    );
    bool(reason.passed, `gate.reasons[${index}].passed`);
    if (reason.skipped !== undefined) bool(reason.skipped, `gate.reasons[${index}].skipped`);
    text(reason.detail, `gate.reasons[${index}].detail`);
  });

  if (report.baseline !== null) {
    const baseline = record(report.baseline, 'baseline');
    matching(baseline.baselineRunId, RUN_ID, 'baseline.baselineRunId');
    time(baseline.baselineStartedAt, 'baseline.baselineStartedAt');
    if (baseline.baselineProvenance != null) provenance(baseline.baselineProvenance, 'baseline.baselineProvenance');
    if (baseline.note !== null) text(baseline.note, 'baseline.note');
    array(baseline.metrics, 20, 'baseline.metrics').forEach((value, index) => {
      const where = `baseline.metrics[${index}]`;
      const metric = record(value, where);
      text(metric.label, `${where}.label`);
      text(metric.unit, `${where}.unit`);
      oneOf(metric.direction, ['higher-is-better', 'lower-is-better'], `${where}.direction`);
      for (const key of ['baseline', 'current', 'changePercent', 'regressionPercent']) {
        nullableNumber(metric[key], `${where}.${key}`);
      }
    });
  }
  if (report.cost !== undefined && report.cost !== null) {
    const cost = record(report.cost, 'cost');
    for (const key of ['estimatedUsd', 'billedHours', 'usdPerHour', 'minutes']) number(cost[key], `cost.${key}`);
    matching(cost.pricesDate, /^\d{4}-\d\d-\d\d$/, 'cost.pricesDate');
  }
  if (report.stoppedBy !== undefined) {
    const stopped = record(report.stoppedBy, 'stoppedBy');
    oneOf(stopped.reason, ['max-duration'], 'stoppedBy.reason');
    time(stopped.deadline, 'stoppedBy.deadline');
    text(stopped.detail, 'stoppedBy.detail');
  }
  return report;
}

/** Reasons and problems: long enough for the sentence that lists every run of a mixed-up workload. */
const MAX_AB_TEXT = 5_000;
/** Far more reasons or problems than any A/B report has: one per run and measurement problem. */
const MAX_AB_TEXTS = 1_000;
/** The planned rounds and a confirmation pair. */
const MAX_AB_ALL_ROUNDS = MAX_AB_ROUNDS + 1;
const WORKLOAD_HASH = /^[0-9a-f]{8,64}$/;

/**
 * Throws a ReportFileError naming the first field of an A/B report that is not as mode ab writes
 * it. Every text of the artifact that the comment shows is checked: the metrics' labels and units
 * must be AB_METRICS' own, so only the reasons, problems and runner labels are free texts.
 */
export function checkUntrustedABReport(value: unknown, source: string): ABReport {
  const checks = fieldChecks(source, 'ab');
  const { record, number, nullableNumber, bool, oneOf, exactly, matching, time, bounded, text, array } = checks;
  const { nullable, commit, provenance, problem } = checks;
  const metricNames = AB_METRICS.map((metric) => metric.name);
  const texts = (list: unknown, where: string): void =>
    array(list, MAX_AB_TEXTS, where).forEach((item, index) => text(item, `${where}[${index}]`, MAX_AB_TEXT));
  const interval = (range: unknown, where: string): void => {
    const { estimate, low, high } = record(range, where);
    number(estimate, `${where}.estimate`);
    number(low, `${where}.low`);
    number(high, `${where}.high`);
  };
  // What baselineLine reads of a side's first run (MeasuredRun).
  const measuredRun = (run: unknown, where: string): void => {
    const { runId, startedAt, provenance: measured } = record(run, where);
    matching(runId, RUN_ID, `${where}.runId`);
    time(startedAt, `${where}.startedAt`);
    if (measured !== undefined) nullable(measured, `${where}.provenance`, provenance);
  };
  const checkout = (side: unknown, where: string): void => {
    const { folder, commit: sha, syntheticWorkUs, firstRun } = record(side, where);
    bounded(folder, MAX_PATH, `${where}.folder`);
    nullable(sha, `${where}.commit`, commit);
    number(syntheticWorkUs, `${where}.syntheticWorkUs`, { min: 0, max: 1_000_000, integer: true });
    nullable(firstRun, `${where}.firstRun`, measuredRun);
  };

  const report = record(value, 'the report');
  exactly(report.schemaVersion, REPORT_SCHEMA_VERSION, 'schemaVersion');
  const tool = record(report.tool, 'tool');
  exactly(tool.name, TOOL_NAME, 'tool.name');
  matching(tool.version, TOOL_VERSION, 'tool.version');
  exactly(report.kind, AB_REPORT_KIND, 'kind');
  oneOf(report.verdict, AB_VERDICTS, 'verdict');
  texts(report.reasons, 'reasons');
  bool(report.inconclusiveFails, 'inconclusiveFails');
  time(report.startedAt, 'startedAt');
  time(report.endedAt, 'endedAt');
  oneOf(report.platform, PLATFORMS, 'platform');
  matching(report.job, JOB_NAME, 'job');
  const tier = record(report.tier, 'tier');
  matching(tier.name, TIER_NAME, 'tier.name');
  number(tier.eventsPerSecond, 'tier.eventsPerSecond', { min: 0 });
  number(report.minutes, 'minutes', { min: 0 });
  number(report.intervalSeconds, 'intervalSeconds', { min: 0 });
  number(report.plannedRounds, 'plannedRounds', { min: MIN_AB_ROUNDS, max: MAX_AB_ROUNDS, integer: true });
  const confirmation = record(report.confirmation, 'confirmation');
  bool(confirmation.ran, 'confirmation.ran');
  array(confirmation.suspected, metricNames.length, 'confirmation.suspected').forEach((name, index) =>
    oneOf(name, metricNames, `confirmation.suspected[${index}]`),
  );
  nullable(report.stoppedEarly, 'stoppedEarly', text);
  number(report.minimumEffectPercent, 'minimumEffectPercent', { min: 0, max: 1000 });
  number(report.confidence, 'confidence', { min: 0, max: 1 });
  checkout(report.base, 'base');
  checkout(report.head, 'head');

  const compared = new Set<unknown>();
  array(report.comparisons, AB_METRICS.length, 'comparisons').forEach((item, index) => {
    const where = `comparisons[${index}]`;
    const comparison = record(item, where);
    oneOf(comparison.metric, metricNames, `${where}.metric`);
    if (compared.has(comparison.metric)) problem(`${where}.metric`, 'repeats an earlier comparison');
    compared.add(comparison.metric);
    // The texts and kinds of a metric are this tool's constants, never the artifact's.
    const metric = AB_METRICS.find((candidate) => candidate.name === comparison.metric)!;
    for (const key of ['label', 'unit', 'direction', 'scale'] as const) {
      exactly(comparison[key], metric[key], `${where}.${key}`);
    }
    array(comparison.rounds, MAX_AB_ALL_ROUNDS, `${where}.rounds`).forEach((round, at) =>
      nullableNumber(round, `${where}.rounds[${at}]`),
    );
    nullable(comparison.headVsBase, `${where}.headVsBase`, interval);
    nullable(comparison.worseBy, `${where}.worseBy`, interval);
    number(comparison.minimumEffect, `${where}.minimumEffect`, { min: 0 });
    number(comparison.confidence, `${where}.confidence`, { min: 0, max: 1 });
    const noiseFloor = record(comparison.noiseFloor, `${where}.noiseFloor`);
    for (const key of ['base', 'head', 'pooled'])
      nullableNumber(noiseFloor[key], `${where}.noiseFloor.${key}`, { min: 0 });
    const runs = record(comparison.runs, `${where}.runs`);
    for (const key of AB_SIDES)
      number(runs[key], `${where}.runs.${key}`, { min: 0, max: MAX_AB_ALL_ROUNDS, integer: true });
    oneOf(comparison.verdict, AB_METRIC_VERDICTS, `${where}.verdict`);
  });

  array(report.runs, 2 * MAX_AB_ALL_ROUNDS, 'runs').forEach((item, index) => {
    const where = `runs[${index}]`;
    const run = record(item, where);
    number(run.round, `${where}.round`, { min: 1, max: MAX_AB_ALL_ROUNDS, integer: true });
    oneOf(run.side, AB_SIDES, `${where}.side`);
    oneOf(run.position, [1, 2], `${where}.position`);
    bounded(run.reportFile, MAX_PATH, `${where}.reportFile`);
    matching(run.runId, RUN_ID, `${where}.runId`);
    time(run.startedAt, `${where}.startedAt`);
    time(run.endedAt, `${where}.endedAt`);
    matching(run.workloadHash, WORKLOAD_HASH, `${where}.workloadHash`);
    const figures = record(run.figures, `${where}.figures`);
    bool(figures.steady, `${where}.figures.steady`);
    const values = record(figures.values, `${where}.figures.values`);
    for (const name of metricNames) nullableNumber(values[name], `${where}.figures.values.${name}`, { min: 0 });
    texts(run.problems, `${where}.problems`);
  });
  return report as unknown as ABReport;
}
