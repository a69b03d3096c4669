/**
 * The machine-readable stats file (`--stats-file`): rewritten atomically (temp file + rename) at the
 * start, every stats interval and at the end, so a reader never sees a half-written file.
 */
import { rename, writeFile } from 'node:fs/promises';
import type { SimulatorStats } from './simulator.js';

export interface StatsFile extends SimulatorStats {
  /** `starting` until connected, `running` while producing, then `finished` (exit 0) or `failed` (exit 1). */
  state: 'starting' | 'running' | 'finished' | 'failed';
  /** The failure reason when state is `failed`. */
  error?: string;
  /** When this file was written (ISO-8601). */
  updatedAt: string;
  pid: number;
  topic: string;
  brokers: string[];
  instanceIndex: number;
  instanceCount: number;
}

export async function writeStatsFile(file: string, content: StatsFile): Promise<void> {
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(content, null, 2)}\n`);
  await rename(temp, file);
}

const n = (value: number) => Math.round(value).toLocaleString('en-US');
const r = (value: number) => value.toFixed(1);

/** One line of stats, as the CLI prints it. */
export function statsLine(stats: SimulatorStats): string {
  return (
    `[${stats.elapsedSeconds.toFixed(1).padStart(7)} s] sent ${n(stats.sent)}, acknowledged ${n(stats.acknowledged)}, ` +
    `errors ${n(stats.errors)}, rate ${r(stats.currentRate)}/s (average ${r(stats.averageRate)}/s, target ${r(stats.targetRate)}/s)` +
    (stats.duplicatesSent ? `, duplicates ${n(stats.duplicatesSent)}` : '') +
    (stats.shortfall ? `, shortfall ${n(stats.shortfall)}` : '')
  );
}

/** The counts of a statsLine (also after a prefix such as `Finished: `), or undefined for any other line. */
export function parseStatsLine(
  line: string,
): Pick<SimulatorStats, 'sent' | 'acknowledged' | 'errors' | 'shortfall' | 'elapsedSeconds'> | undefined {
  const match =
    /\[\s*([\d.]+) s\] sent ([\d,]+), acknowledged ([\d,]+), errors ([\d,]+), rate .*?(?:, shortfall ([\d,]+))?$/.exec(
      line.trim(),
    );
  if (!match) return undefined;
  const count = (text: string | undefined) => (text ? Number(text.replace(/,/g, '')) : 0);
  return {
    elapsedSeconds: Number(match[1]),
    sent: count(match[2]),
    acknowledged: count(match[3]),
    errors: count(match[4]),
    shortfall: count(match[5]),
  };
}
