/**
 * cleanup: the scheduled sweeper. Finds the resource groups carrying the toolkit's tag whose
 * expires-at has passed, deletes them (or only lists them with dry-run), and prints a table.
 */
import type { ModeContext } from '../platforms/platform.js';
import { expiresAt, TAG_RUN_ID, TAG_STARTED_BY } from './names.js';
import { deleteResourceGroup, listToolkitResourceGroups } from './resource-groups.js';
import { openArm, type AzureDeps } from './session.js';

export interface CleanupRow {
  name: string;
  location: string;
  runId: string;
  startedBy: string;
  expiresAt: string;
  action: string;
}

export async function cleanupAzure(ctx: ModeContext, deps: AzureDeps): Promise<CleanupRow[]> {
  const { config, reporter } = ctx;
  const clients = openArm(config, deps);
  const now = deps.now();
  const groups = await listToolkitResourceGroups(clients);
  const rows: CleanupRow[] = [];
  const deleted: string[] = [];
  const failures: string[] = [];
  for (const group of groups.sort((a, b) => (a.name ?? '').localeCompare(b.name ?? ''))) {
    const name = group.name ?? '?';
    const expiry = expiresAt(group.tags);
    const row: CleanupRow = {
      name,
      location: group.location ?? '',
      runId: group.tags?.[TAG_RUN_ID] ?? '',
      startedBy: group.tags?.[TAG_STARTED_BY] ?? '',
      expiresAt: expiry?.toISOString() ?? '(none)',
      action: '',
    };
    if (!expiry) row.action = 'kept: no valid expires-at tag';
    else if (expiry > now) row.action = `kept: expires in ${hours(expiry.getTime() - now.getTime())}`;
    else if (group.properties?.provisioningState === 'Deleting') row.action = 'already deleting';
    else if (config.dryRun) {
      row.action = 'would delete (dry run)';
      deleted.push(name);
    } else {
      try {
        const outcome = await deleteResourceGroup(clients, name, { wait: config.waitForDeletion, signal: ctx.signal });
        row.action = outcome === 'absent' ? 'already gone' : outcome;
        deleted.push(name);
      } catch (error) {
        row.action = 'delete failed';
        failures.push((error as Error).message);
      }
    }
    rows.push(row);
  }
  reporter.info(renderCleanupTable(rows, now));
  reporter.setOutput('deleted-resource-groups', deleted.join(','));
  await reporter.appendSummary(`### streaming-at-scale cleanup\n\n${renderCleanupMarkdown(rows)}\n`);
  if (failures.length > 0)
    throw new Error(`cleanup could not delete ${failures.length} group(s):\n${failures.join('\n')}`);
  return rows;
}

const COLUMNS: Array<[keyof CleanupRow, string]> = [
  ['name', 'resource group'],
  ['location', 'location'],
  ['runId', 'run id'],
  ['startedBy', 'started by'],
  ['expiresAt', 'expires at'],
  ['action', 'action'],
];

export function renderCleanupTable(rows: CleanupRow[], now: Date): string {
  if (rows.length === 0) return `No resource group carries the streaming-at-scale tag (checked ${now.toISOString()}).`;
  const widths = COLUMNS.map(([key, title]) => Math.max(title.length, ...rows.map((row) => row[key].length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [
    line(COLUMNS.map(([, title]) => title)),
    line(widths.map((width) => '-'.repeat(width))),
    ...rows.map((row) => line(COLUMNS.map(([key]) => row[key]))),
  ].join('\n');
}

export function renderCleanupMarkdown(rows: CleanupRow[]): string {
  if (rows.length === 0) return 'No resource group carries the streaming-at-scale tag.';
  const escape = (text: string) => text.replace(/\|/g, '\\|');
  return [
    `| ${COLUMNS.map(([, title]) => title).join(' | ')} |`,
    `|${COLUMNS.map(() => '---').join('|')}|`,
    ...rows.map((row) => `| ${COLUMNS.map(([key]) => escape(row[key])).join(' | ')} |`),
  ].join('\n');
}

function hours(ms: number): string {
  const h = ms / 3_600_000;
  return h >= 1 ? `${h.toFixed(1)} h` : `${Math.ceil(ms / 60_000)} min`;
}
