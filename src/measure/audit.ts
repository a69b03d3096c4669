/**
 * The audit: reads every input record appended during the measured window and every output record
 * after it, and counts duplicates, loss and reordering (see audit-ledger.ts). It first waits for the
 * job to catch up with the window, so events still in flight are not counted as lost.
 */
import type { Admin, Kafka } from 'kafkajs';
import type { AuditResult } from '../report/schema.js';
import { AuditLedger } from './audit-ledger.js';
import { eventIdentity, parseRecord } from './event-fields.js';
import type { SampledTopics } from './offsets.js';
import { endOffsets, readTopic, type PartitionOffsets } from './topic-reader.js';

export interface AuditWindow {
  inStart: PartitionOffsets;
  outStart: PartitionOffsets;
}

/** Waits until the job's committed offsets on `in` reach `inEnd` (it has processed the window). */
async function waitForCatchUp(
  admin: Admin,
  topics: SampledTopics,
  inEnd: PartitionOffsets,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !signal.aborted) {
    const [committed] = await admin.fetchOffsets({ groupId: topics.groupId, topics: [topics.input] });
    const done = new Map(committed?.partitions.map((p) => [p.partition, Number(p.offset)]) ?? []);
    if ([...inEnd].every(([partition, end]) => (done.get(partition) ?? -1) >= end)) return true;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  return false;
}

async function readRange(
  kafka: Kafka,
  topic: string,
  from: PartitionOffsets,
  until: PartitionOffsets,
  onRecord: (record: Record<string, unknown> | undefined) => void,
): Promise<void> {
  const reader = await readTopic(kafka, topic, (message) => onRecord(parseRecord(message.value)), { from, until });
  try {
    await reader.done;
  } finally {
    await reader.stop();
  }
}

export async function auditWindow(
  kafka: Kafka,
  topics: SampledTopics,
  window: AuditWindow,
  options: { catchUpTimeoutMs: number; signal: AbortSignal; log: (message: string) => void },
): Promise<AuditResult & { caughtUp: boolean }> {
  const cpuBefore = process.cpuUsage();
  const inEnd = await endOffsets(kafka, topics.input);
  const admin = kafka.admin();
  await admin.connect();
  let caughtUp: boolean;
  try {
    options.log('Audit: waiting for the job to process the measured window...');
    caughtUp = await waitForCatchUp(admin, topics, inEnd, options.catchUpTimeoutMs, options.signal);
  } finally {
    await admin.disconnect();
  }
  const outEnd = await endOffsets(kafka, topics.output);
  const ledger = new AuditLedger();
  options.log('Audit: reading every input and output record of the window...');
  await readRange(kafka, topics.input, window.inStart, inEnd, (record) => {
    const id = record && eventIdentity(record);
    if (id) ledger.recordInput(id.deviceId, id.seq);
  });
  await readRange(kafka, topics.output, window.outStart, outEnd, (record) => {
    const id = record && eventIdentity(record);
    if (id) ledger.recordOutput(id.deviceId, id.seq);
    else ledger.recordForeignOutput();
  });
  const counts = ledger.counts();
  const cpu = process.cpuUsage(cpuBefore);
  return {
    outRecords: counts.outputRecords,
    uniqueEvents: counts.outputEvents,
    duplicates: counts.duplicates,
    lost: counts.lost,
    reordered: counts.reordered,
    inputReordered: counts.inputReordered,
    expectedFromIn: counts.inputEvents,
    costSeconds: (cpu.user + cpu.system) / 1e6,
    caughtUp,
  };
}
