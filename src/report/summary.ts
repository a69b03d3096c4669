/**
 * Where a report goes: the job summary (through the Reporter), a --summary-file, and the JSON
 * report file; and reading a report back (a baseline) with a clear error for a wrong file.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Reporter } from '../console/reporter.js';
import { UserError } from '../errors.js';
import { REPORT_SCHEMA_VERSION, TOOL_NAME, type BenchmarkReport } from './schema.js';

/** A report file that cannot be used: missing, not JSON, not ours, or from another schema version. */
export class ReportFileError extends UserError {
  override name = 'ReportFileError';
}

/** Appends the markdown to the job summary and, when given, writes it to summaryFile as well. */
export async function publishSummary(
  markdown: string,
  options: { reporter: Reporter; summaryFile?: string },
): Promise<void> {
  await options.reporter.appendSummary(markdown);
  if (options.summaryFile) {
    await mkdir(path.dirname(path.resolve(options.summaryFile)), { recursive: true });
    await writeFile(options.summaryFile, markdown, 'utf8');
  }
}

/** Writes a JSON report (a benchmark report or an A/B report) pretty-printed. */
export async function writeReport(file: string, report: object): Promise<void> {
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  await writeFile(file, JSON.stringify(report, null, 2) + '\n', 'utf8');
}

export async function readReport(file: string): Promise<BenchmarkReport> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ReportFileError(
      code === 'ENOENT'
        ? `Report file '${file}' does not exist.`
        : `Report file '${file}' cannot be read (${code ?? String(error)}).`,
    );
  }
  return parseReport(text, file);
}

/** Validates a benchmark report's text; `source` names it in errors. */
export function parseReport(text: string, source: string): BenchmarkReport {
  return completeReport(parseAnyReport(text, source), source);
}

/**
 * JSON written by this tool in this schema version, of either kind (a benchmark report, or an A/B
 * report with `kind: 'ab'`); its fields are not checked yet.
 */
export function parseAnyReport(text: string, source: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ReportFileError(
      `Report file '${source}' is not JSON (${(error as Error).message}): expected a ${TOOL_NAME} report (report.json).`,
    );
  }
  const report = value as Partial<BenchmarkReport> | null;
  if (typeof report !== 'object' || report === null || report.tool?.name !== TOOL_NAME) {
    throw new ReportFileError(
      `Report file '${source}' is not a ${TOOL_NAME} report (no "tool": {"name": "${TOOL_NAME}"}): give the report.json a measure run wrote.`,
    );
  }
  if (report.schemaVersion !== REPORT_SCHEMA_VERSION) {
    const newer = typeof report.schemaVersion === 'number' && report.schemaVersion > REPORT_SCHEMA_VERSION;
    throw new ReportFileError(
      `Report file '${source}' has schemaVersion ${JSON.stringify(report.schemaVersion)}; this version ` +
        `(${TOOL_NAME}) reads schemaVersion ${REPORT_SCHEMA_VERSION}. ` +
        (newer ? 'It was written by a newer version: upgrade the action.' : 'Measure again to get a current report.'),
    );
  }
  return report as Record<string, unknown>;
}

/** A parsed report as a benchmark report: refused when a required field is missing. */
export function completeReport(value: Record<string, unknown>, source: string): BenchmarkReport {
  const report = value as Partial<BenchmarkReport>;
  const missing = (['runId', 'tier', 'rows', 'rampUp', 'gate', 'latencyMs'] as const).filter(
    (field) => report[field] === undefined || report[field] === null,
  );
  if (missing.length > 0 || !Array.isArray(report.rows)) {
    throw new ReportFileError(
      `Report file '${source}' is incomplete: missing ${missing.join(', ') || 'rows'} (schemaVersion ${REPORT_SCHEMA_VERSION}).`,
    );
  }
  return report as BenchmarkReport;
}
