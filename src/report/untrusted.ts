/**
 * Reads a JSON report that came from somewhere we do not trust (the artifact of a fork's pull
 * request run) before it is rendered into a comment posted with a write token: a size cap, then
 * every field the renderer reads checked for its type, range and shape, and every text free of
 * markup that could reach past the report (HTML, links, mentions, code spans, control characters).
 */
import { readFile, stat } from 'node:fs/promises';
import { JOBS, PLATFORMS } from '../config/inputs.js';
import { COMMIT, MAX_LABEL } from './provenance.js';
import { parseReport, ReportFileError } from './summary.js';
import type { BenchmarkReport } from './schema.js';

/** Far above any real report (a day of 1-second intervals is about 60 MB pretty-printed: refuse that too). */
export const MAX_UNTRUSTED_REPORT_BYTES = 20 * 1024 * 1024;
/** A day of 1-second intervals. */
const MAX_ROWS = 86_400;
const MAX_TEXT = 1_000;

const RUN_ID = /^[A-Za-z0-9._-]{1,100}$/;
const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/;
// eslint-disable-next-line no-control-regex
const UNSAFE_TEXT = /[\u0000-\u001f\u007f`]|<[A-Za-z!/?]|\]\(|:\/\/|@[A-Za-z0-9]/;

export async function readUntrustedReport(file: string): Promise<BenchmarkReport> {
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
      `Report file '${file}' is ${size.toLocaleString('en-US')} bytes, more than the ${MAX_UNTRUSTED_REPORT_BYTES.toLocaleString('en-US')} a report to comment with may have: it is not a report measure wrote.`,
    );
  }
  return checkUntrustedReport(parseReport(await readFile(file, 'utf8'), file), file);
}

/** Throws a ReportFileError naming the first field that is not as measure writes it. */
export function checkUntrustedReport(report: BenchmarkReport, source: string): BenchmarkReport {
  const problem = (where: string, what: string): never => {
    throw new ReportFileError(
      `Report file '${source}' is refused: ${where} ${what}. A report to comment with must be exactly as measure writes it.`,
    );
  };
  const record = (value: unknown, where: string): Record<string, unknown> =>
    typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : problem(where, 'is not an object');
  const number = (value: unknown, where: string): void => {
    if (typeof value !== 'number' || !Number.isFinite(value)) problem(where, 'is not a finite number');
  };
  const nullableNumber = (value: unknown, where: string): void => {
    if (value !== null) number(value, where);
  };
  const bool = (value: unknown, where: string): void => {
    if (typeof value !== 'boolean') problem(where, 'is not true or false');
  };
  const oneOf = (value: unknown, allowed: readonly unknown[], where: string): void => {
    if (!allowed.includes(value)) problem(where, `is not one of ${allowed.join(', ')}`);
  };
  const matching = (value: unknown, pattern: RegExp, where: string): void => {
    if (typeof value !== 'string' || !pattern.test(value)) problem(where, `does not match ${pattern}`);
  };
  const time = (value: unknown, where: string): void => {
    matching(value, ISO_TIME, where);
    if (!Number.isFinite(Date.parse(value as string))) problem(where, 'is not a valid time');
  };
  const text = (value: unknown, where: string): void => {
    if (typeof value !== 'string' || value.length > MAX_TEXT)
      problem(where, `is not a text of at most ${MAX_TEXT} characters`);
    if (UNSAFE_TEXT.test(value as string))
      problem(where, 'contains markup (HTML, a link, a mention, a code span or a control character)');
  };
  const array = (value: unknown, max: number, where: string): unknown[] =>
    Array.isArray(value) && value.length <= max ? value : problem(where, `is not a list of at most ${max} items`);
  const latencyPercentiles = (value: unknown, where: string): void => {
    const latency = record(value, where);
    for (const key of ['p50', 'p95', 'p99', 'max', 'count']) number(latency[key], `${where}.${key}`);
  };
  // Free texts from the measuring machine (runner name, CPU model, ref) reach the comment as text:
  // the same checks as every other text, shorter.
  const label = (value: unknown, where: string): void => {
    text(value, where);
    if ((value as string).length > MAX_LABEL) problem(where, `is longer than ${MAX_LABEL} characters`);
  };
  const nullable = (value: unknown, where: string, check: (value: unknown, where: string) => void): void => {
    if (value !== null) check(value, where);
  };
  const provenance = (value: unknown, where: string): void => {
    const source = record(value, where);
    nullable(source.commit, `${where}.commit`, (commit, at) => matching(commit, COMMIT, at));
    nullable(source.ref, `${where}.ref`, label);
    nullable(source.dirty, `${where}.dirty`, bool);
    const runner = record(source.runner, `${where}.runner`);
    nullable(runner.name, `${where}.runner.name`, label);
    label(runner.os, `${where}.runner.os`);
    label(runner.arch, `${where}.runner.arch`);
    nullable(runner.cpuModel, `${where}.runner.cpuModel`, label);
    number(runner.cpuCount, `${where}.runner.cpuCount`);
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
  matching(tool.version, /^[0-9A-Za-z.+-]{1,50}$/, 'tool.version');
  matching(report.runId, RUN_ID, 'runId');
  if (report.provenance !== undefined) provenance(report.provenance, 'provenance');
  oneOf(report.platform, PLATFORMS, 'platform');
  oneOf(report.job, JOBS, 'job');
  const tier = record(report.tier, 'tier');
  matching(tier.name, /^(1|5|10|custom)$/, 'tier.name');
  for (const key of ['eventsPerSecond', 'partitions', 'parallelism']) number(tier[key], `tier.${key}`);
  time(report.startedAt, 'startedAt');
  time(report.endedAt, 'endedAt');
  number(report.intervalSeconds, 'intervalSeconds');
  number(report.targetEventsPerSecond, 'targetEventsPerSecond');

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
