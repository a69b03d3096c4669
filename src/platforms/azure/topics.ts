/**
 * The benchmark's topics on HDInsight Kafka (auto-creation is off there, as on the local broker):
 * created by a script action on the Kafka cluster's head nodes, which reach the brokers the runner
 * cannot, with the tier's partitions.
 */
import path from 'node:path';
import type { ArmClients } from '../../azure/clients.js';
import { JOB_FILES_CONTAINER, openRunStorage } from '../../azure/run-storage.js';
import { runScriptAction } from '../../azure/script-action.js';
import { azureState } from '../../azure/state.js';
import { UserError } from '../../errors.js';
import { INPUT_TOPIC, OUTPUT_TOPIC } from '../../flink/job-arguments.js';
import { repoRoot } from '../../repo-root.js';
import type { RunState } from '../../run-state/run-state.js';
import type { ModeContext } from '../platform.js';
import { privateKafkaBrokers } from './brokers.js';

/** Kafka's usual durability, bounded by the workers there are. */
const MAX_REPLICATION_FACTOR = 3;
const SCRIPT_SAS_MINUTES = 60;

export function createTopicsScriptPath(root = repoRoot()): string {
  return path.join(root, 'scripts', 'hdinsight', 'create-topics.sh');
}

export async function createHdinsightTopics(ctx: ModeContext, state: RunState, clients: ArmClients): Promise<void> {
  const { config, reporter, signal } = ctx;
  const azure = azureState(state);
  const cluster = azure.outputs?.kafkaClusterName;
  if (!azure.resourceGroup || !cluster)
    throw new UserError(`Run ${state.runId} has no HDInsight Kafka cluster recorded: run 'deploy' for it first.`);
  const brokers = await privateKafkaBrokers(ctx, state, clients);
  const storage = await openRunStorage(clients, state, reporter);
  await storage.ensureContainer(JOB_FILES_CONTAINER);
  const scriptBlob = `${state.runId}/${path.basename(createTopicsScriptPath())}`;
  await storage.uploadFile(JOB_FILES_CONTAINER, scriptBlob, createTopicsScriptPath());
  const replication = Math.min(MAX_REPLICATION_FACTOR, config.tier.kafkaWorkers.count);
  const action = {
    name: `create-topics-${Date.now().toString(36)}`,
    uri: storage.blobReadUrl(JOB_FILES_CONTAINER, scriptBlob, SCRIPT_SAS_MINUTES),
    roles: ['headnode'],
    args: [brokers, String(config.partitions), String(replication), INPUT_TOPIC, OUTPUT_TOPIC],
  };
  reporter.info(
    `Script action ${action.name} on ${cluster}'s head nodes: topics ${INPUT_TOPIC} and ${OUTPUT_TOPIC} with ${config.partitions} partitions, replication factor ${replication}...`,
  );
  const outputs = await runScriptAction(
    clients,
    azure.resourceGroup,
    cluster,
    action,
    (line) => reporter.info(line),
    signal,
  );
  // What the script says it did ("Topic in: 4 partitions, ..."), node by node.
  for (const node of outputs)
    for (const line of node.stdout.split('\n').filter((l) => l.trim()))
      reporter.info(`  ${node.host.split('.')[0]}: ${line}`);
}
