/**
 * `measure`'s side of the measure agent: polls the run's measurements container for the agent's
 * blobs (layout in blobs.ts), hands each row over as it arrives (so the table prints live), and
 * returns the agent's result as sampleIntervals would have returned it here, so everything after
 * sampling (audit aside, report, gate) is shared with a local measure.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { ContainerClient } from '@azure/storage-blob';
import { UserError } from '../../errors.js';
import type { IntervalRow } from '../../report/schema.js';
import type { Sampled, SamplingSource } from '../measure.js';
import { rowFigures, type SamplingHooks, type SamplingPlan } from '../sampler.js';
import {
  AGENT_BLOBS,
  decodeResult,
  measurementPrefix,
  parseAgentBlob,
  rowBlobName,
  type AgentFailure,
  type AgentMeasurement,
  type AgentResult,
  type AgentRow,
  type AgentStarted,
} from './blobs.js';

export interface AgentResultsSource extends AgentMeasurement {
  /** The run's measurements container, with the run's credential (openRunStorage). */
  container: ContainerClient;
  /** Where the agent runs and how to read its log, for error messages (e.g. 'Kubernetes Job x: kubectl logs job/x'). */
  agent: string;
  /** How often the container is listed (default 5 s). */
  pollMs?: number;
  /**
   * Allowed on top of two intervals without a new blob before giving up (default 3 min: it covers
   * the agent's own start, scheduling and image pull included).
   */
  graceMs?: number;
}

const DEFAULT_POLL_MS = 5000;
const DEFAULT_GRACE_MS = 180_000;

/** The agent's results as measurePipeline's sampling source. */
export function agentSampling(source: AgentResultsSource): SamplingSource {
  return (plan, hooks) => readAgentResults(source, plan, hooks);
}

/**
 * Calls hooks.onRow for each row in order as the agent writes it, then returns its result (Flink
 * and broker figures, read from here through the hooks, are attached as each row arrives). Fails
 * with one UserError when the agent wrote error.json, or when nothing new arrived for two intervals
 * plus the grace. Aborted: returns the rows so far (without latency histograms or cost).
 */
export async function readAgentResults(
  source: AgentResultsSource,
  plan: SamplingPlan,
  hooks: SamplingHooks,
): Promise<Sampled> {
  const now = hooks.now ?? Date.now;
  const prefix = measurementPrefix(source);
  const where = `${source.container.containerName}/${prefix}`;
  const stallMs = 2 * plan.intervalSeconds * 1000 + (source.graceMs ?? DEFAULT_GRACE_MS);
  const intervals = Math.ceil(plan.totalSeconds / plan.intervalSeconds);
  const delivered: IntervalRow[] = [];
  const figuresByMinute = new Map<number, Awaited<ReturnType<typeof rowFigures>>>();
  let started = false;
  let lastNews = now();
  let lastError: string | undefined;

  const read = async <T extends { format: number }>(name: string): Promise<T> => {
    const content = await source.container.getBlobClient(prefix + name).downloadToBuffer();
    return parseAgentBlob<T>(`${where}${name}`, content.toString('utf8'));
  };
  const withFigures = (row: IntervalRow): IntervalRow => ({ ...row, ...figuresByMinute.get(row.minute) });
  const deliver = async (row: IntervalRow) => {
    figuresByMinute.set(row.minute, await rowFigures(hooks));
    delivered.push(withFigures(row));
    hooks.onRow(withFigures(row));
    lastNews = now();
  };

  /** One look at the container: the result once the agent is done, undefined while it runs. */
  const poll = async (): Promise<Sampled | undefined> => {
    const names = new Set<string>();
    for await (const blob of source.container.listBlobsFlat({ prefix })) names.add(blob.name.slice(prefix.length));
    if (names.has(AGENT_BLOBS.error)) {
      const failure = await read<AgentFailure>(AGENT_BLOBS.error);
      throw new UserError(`The measure agent (${source.agent}) failed: ${failure.message}`);
    }
    if (!started && names.has(AGENT_BLOBS.started)) {
      checkPlan(await read<AgentStarted>(AGENT_BLOBS.started), plan, source.agent);
      started = true;
      lastNews = now();
    }
    for (let minute = delivered.length + 1; names.has(rowBlobName(minute)); minute++)
      await deliver((await read<AgentRow>(rowBlobName(minute))).row);
    if (!names.has(AGENT_BLOBS.result)) return undefined;
    const result = await read<AgentResult>(AGENT_BLOBS.result);
    const sampled = decodeResult(result);
    // Rows whose blob was missed (or not yet listed) come from the result, still in order.
    for (const row of sampled.result.rows.slice(delivered.length)) await deliver(row);
    for (const warning of result.warnings) hooks.onWarning(warning);
    if (result.stoppedEarly)
      hooks.onWarning(
        `The measure agent (${source.agent}) was stopped early: the report covers the intervals it measured.`,
      );
    sampled.result.rows = sampled.result.rows.map(withFigures);
    return sampled;
  };

  while (!hooks.signal.aborted) {
    try {
      const sampled = await poll();
      if (sampled) return sampled;
      lastError = undefined;
    } catch (error) {
      if (error instanceof UserError) throw error;
      // The storage account unreachable for a moment: try again until the agent counts as stalled.
      lastError = error instanceof Error ? error.message : String(error);
    }
    if (now() - lastNews > stallMs) {
      const progress = started ? `its last row is minute ${delivered.length} of ${intervals}` : 'it has not started';
      throw new UserError(
        `The measure agent (${source.agent}) wrote nothing new to ${where} for ${Math.round(stallMs / 1000)} s: ${progress}. ` +
          `Read its log for the reason (not scheduled, image not pulled, Kafka or the storage account unreachable).` +
          (lastError ? ` Reading the container failed too: ${lastError}` : ''),
      );
    }
    await sleep(source.pollMs ?? DEFAULT_POLL_MS, undefined, { signal: hooks.signal }).catch(() => undefined);
  }
  return {
    result: {
      startedAt: delivered[0] ? Date.parse(delivered[0].start) : now(),
      endedAt: now(),
      rows: delivered,
      latencyHistograms: new Map(),
      outStart: new Map(),
      inStart: new Map(),
      lastSample: undefined,
    },
    cost: null,
  };
}

/** The agent must measure what this measure expects, or its rows would be compared with the wrong target. */
function checkPlan(started: AgentStarted, plan: SamplingPlan, agent: string): void {
  const theirs = `${started.totalSeconds} s, a row every ${started.intervalSeconds} s, target ${started.targetPerSecond}/s`;
  const ours = `${plan.totalSeconds} s, a row every ${plan.intervalSeconds} s, target ${plan.targetPerSecond}/s`;
  if (theirs !== ours)
    throw new UserError(
      `The measure agent (${agent}) measures ${theirs}, but this measure expects ${ours}: launch it with the arguments of measureAgentArgs for this config.`,
    );
}
