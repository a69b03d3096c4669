/**
 * GitHub's size limits on what we publish: a comment body holds at most 65,536 characters and a
 * step summary at most 1 MiB. A report too large for one is shortened in a fixed order, least
 * important first (REDUCTIONS; docs/quick-start.md lists it), and a closing line says what was left
 * out and where the full report is. Pure: sections in, text out.
 */
import { BASELINE_TABLE_HEADER, joinSections, type MarkdownSection, type SectionId } from './render.js';

/** Our budget for a whole comment body, marker included: below GitHub's 65,536 characters. */
export const COMMENT_MAX_CHARACTERS = 60_000;
/** Our budget for one report's job summary, in UTF-8 bytes: below GitHub's 1 MiB per step. */
export const SUMMARY_MAX_BYTES = 1_000_000;
/** Rows kept at each end of a summarised per-minute table. */
export const TABLE_ROWS_KEPT = 10;

export interface Limit {
  /** What the text is, for the closing line ("a pull request comment"). */
  name: string;
  max: number;
  unit: 'characters' | 'bytes';
}

export const COMMENT_LIMIT: Limit = { name: 'a pull request comment', max: COMMENT_MAX_CHARACTERS, unit: 'characters' };
export const SUMMARY_LIMIT: Limit = { name: 'the job summary', max: SUMMARY_MAX_BYTES, unit: 'bytes' };

export function sizeOf(text: string, unit: Limit['unit']): number {
  return unit === 'bytes' ? Buffer.byteLength(text, 'utf8') : text.length;
}

interface Reduction {
  section: SectionId;
  /** The shortened section, or null to drop it; undefined when there is nothing to shorten. */
  apply(markdown: string): { markdown: string | null; said: string } | undefined;
}

const drop =
  (said: string): Reduction['apply'] =>
  () => ({ markdown: null, said });

/**
 * The fixed order in which sections give way, least important first; heading and gate always stay,
 * and so do the baseline section's lines (only its table goes).
 */
export const REDUCTIONS: readonly Reduction[] = [
  { section: 'runs', apply: drop("each A/B run's figures") },
  { section: 'flink', apply: drop('the Flink job figures') },
  { section: 'broker', apply: drop('the Kafka broker figures') },
  { section: 'table', apply: summariseTable },
  { section: 'chart', apply: drop('the chart') },
  { section: 'table', apply: drop('the per-minute table') },
  { section: 'load-audit', apply: drop('the load and audit figures') },
  { section: 'baseline', apply: dropBaselineTable },
  { section: 'ramp-up', apply: drop('the ramp-up analysis') },
];

/**
 * The baseline section loses its table but keeps its lines: where the baseline comes from (or that
 * there is none, so regressions were not checked) and whether it is comparable are what keep a
 * shortened summary from reading as a clean pass.
 */
function dropBaselineTable(markdown: string): { markdown: string; said: string } | undefined {
  const table = markdown.indexOf(`\n\n${BASELINE_TABLE_HEADER}`);
  if (table < 0) return undefined;
  return { markdown: markdown.slice(0, table), said: 'the baseline comparison table' };
}

/** Keeps the first and last TABLE_ROWS_KEPT rows of a markdown table, with one row saying how many are left out. */
function summariseTable(markdown: string): { markdown: string; said: string } | undefined {
  const lines = markdown.split('\n');
  const firstRow = lines.findIndex((line) => /^\|[-:|]+\|$/.test(line)) + 1;
  const rows = lines.length - firstRow;
  if (firstRow === 0 || rows <= 2 * TABLE_ROWS_KEPT + 1) return undefined;
  const omitted = rows - 2 * TABLE_ROWS_KEPT;
  return {
    markdown: [
      ...lines.slice(0, firstRow + TABLE_ROWS_KEPT),
      `| … | ${omitted.toLocaleString('en-US')} intervals not shown |`,
      ...lines.slice(lines.length - TABLE_ROWS_KEPT),
    ].join('\n'),
    said: `${omitted.toLocaleString('en-US')} of ${rows.toLocaleString('en-US')} per-minute table rows`,
  };
}

export interface Fitted {
  markdown: string;
  /** What was left out, in the order it was (empty when the report fitted whole). */
  dropped: string[];
}

/**
 * The sections joined as renderMarkdown joins them, shortened until they fit `limit.max`
 * (`reserved` units are kept free for what the caller adds, such as the comment marker).
 * `fullReport` is markdown naming where the whole report is (see fullReportReference).
 */
export function fitSections(sections: MarkdownSection[], limit: Limit, fullReport: string, reserved = 0): Fitted {
  const budget = limit.max - reserved;
  let current = sections;
  // One entry per section: a table first summarised, then dropped, is said once, as dropped.
  let said: Array<{ section: SectionId; text: string }> = [];
  const dropped = () => said.map((entry) => entry.text);
  const compose = () =>
    said.length === 0
      ? joinSections(current)
      : joinSections(current) + '\n' + closingLine(limit, dropped(), fullReport);
  const fits = () => sizeOf(compose(), limit.unit) <= budget;
  for (const reduction of REDUCTIONS) {
    if (fits()) return { markdown: compose(), dropped: dropped() };
    const index = current.findIndex((section) => section.id === reduction.section);
    const result = index < 0 ? undefined : reduction.apply(current[index].markdown);
    if (!result) continue;
    said = [
      ...said.filter((entry) => entry.section !== reduction.section),
      { section: reduction.section, text: result.said },
    ];
    current =
      result.markdown === null
        ? current.filter((_, i) => i !== index)
        : current.map((section, i) => (i === index ? { ...section, markdown: result.markdown! } : section));
  }
  if (fits()) return { markdown: compose(), dropped: dropped() };
  // Only absurdly long texts in the heading or gate get here: cut at a line, and say so.
  said.push({ section: 'heading', text: 'the rest of the report' });
  const note = '\n' + closingLine(limit, dropped(), fullReport);
  const lines = joinSections(current).split('\n');
  let kept = lines.length;
  while (kept > 0 && sizeOf(lines.slice(0, kept).join('\n') + '\n' + note, limit.unit) > budget) kept--;
  return { markdown: lines.slice(0, kept).join('\n') + '\n' + note, dropped: dropped() };
}

function closingLine(limit: Limit, dropped: string[], fullReport: string): string {
  const max = limit.max.toLocaleString('en-US');
  return `_Shortened to fit ${limit.name} (${max} ${limit.unit}): left out ${dropped.join('; ')}. The full report: ${fullReport}._\n`;
}

/** Where a workflow run's artifacts are listed; undefined unless all three parts are known. */
export function runArtifactsUrl(run: {
  serverUrl?: string;
  repository?: string;
  runId?: string | number;
}): string | undefined {
  const { serverUrl, repository, runId } = run;
  if (!serverUrl || !repository || runId === undefined || runId === '') return undefined;
  return `${serverUrl.replace(/\/$/, '')}/${repository}/actions/runs/${runId}#artifacts`;
}

/** The closing line's pointer: the run's artifacts when running in GitHub Actions, else the report file. */
export function fullReportReference(artifactsUrl: string | undefined, reportFile: string): string {
  return artifactsUrl ? `[the JSON report in the run's artifacts](${artifactsUrl})` : `\`${reportFile}\``;
}

/** The artifacts URL of the workflow run this process runs in (GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_RUN_ID). */
/**
 * A file of the toolkit's own repository at the ref that ran (`uses: owner/repo@ref`); undefined when
 * the action ran from a local path (`uses: ./...`), whose repository the runner does not name.
 */
export function toolDocUrl(env: NodeJS.ProcessEnv, file: string): string | undefined {
  const repository = env.GITHUB_ACTION_REPOSITORY;
  const ref = env.GITHUB_ACTION_REF;
  if (!repository || !ref) return undefined;
  return `${env.GITHUB_SERVER_URL || 'https://github.com'}/${repository}/blob/${ref}/${file}`;
}

export function currentRunArtifactsUrl(env: NodeJS.ProcessEnv): string | undefined {
  return runArtifactsUrl({
    serverUrl: env.GITHUB_SERVER_URL,
    repository: env.GITHUB_REPOSITORY,
    runId: env.GITHUB_RUN_ID,
  });
}
