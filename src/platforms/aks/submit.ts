/**
 * submit-flink on aks: the job jar built from this checkout goes to the run's storage, the
 * helm/flink-job release runs it in Application mode with Kubernetes HA (its JobManager fetches
 * the jar through a read SAS), and the job is followed to RUNNING through the API server's proxy.
 */
import path from 'node:path';
import type { ArmClients } from '../../azure/clients.js';
import { JOB_FILES_CONTAINER, openRunStorage } from '../../azure/run-storage.js';
import { azureState } from '../../azure/state.js';
import { prepareJob } from '../../flink/job-jar.js';
import { saveRun, type RunState } from '../../run-state/run-state.js';
import { privateKafkaBrokers } from '../azure/brokers.js';
import type { ModeContext } from '../platform.js';
import { flinkJobChartValues } from './chart-values.js';
import { AKS_NAMESPACE, aksReleases, openAksCluster } from './cluster.js';

/** Checkpoints, savepoints and HA metadata of the run's job (under <runId>/). */
export const CHECKPOINT_CONTAINER = 'flink';

export interface AksSubmitOptions {
  /** Between polls of Flink's REST API (default 5 s). */
  pollIntervalMs?: number;
  /** From the install until every task runs (default 10 minutes: image pulls, pod scheduling). */
  timeoutMs?: number;
}

export async function submitFlinkAks(
  ctx: ModeContext,
  state: RunState,
  clients: ArmClients,
  options: AksSubmitOptions = {},
): Promise<void> {
  const { config, reporter, signal } = ctx;
  const brokers = await privateKafkaBrokers(ctx, state, clients);
  const storageAccount = azureState(state).outputs!.storageAccountName!;
  const storage = await openRunStorage(clients, state, reporter);
  const { jar, entryClass } = await prepareJob(config.jobSpec, reporter);
  const jarBlob = `${state.runId}/${path.basename(jar)}`;
  await storage.ensureContainer(JOB_FILES_CONTAINER);
  await storage.ensureContainer(CHECKPOINT_CONTAINER);
  reporter.info(`Uploading the job jar to ${storage.accountName}/${JOB_FILES_CONTAINER}/${jarBlob}...`);
  await storage.uploadFile(JOB_FILES_CONTAINER, jarBlob, jar);

  const cluster = await openAksCluster(ctx, state, clients);
  try {
    const release = aksReleases(state.runId).flink;
    const { values, secretValues } = flinkJobChartValues(config, {
      runId: state.runId,
      entryClass,
      bootstrapServers: brokers,
      storageAccount,
      checkpointContainer: CHECKPOINT_CONTAINER,
      storageAccountKey: storage.accountKey,
      // Every JobManager (re)start fetches the jar: valid as long as the run's resources live.
      jobJarUrl: storage.blobReadUrl(JOB_FILES_CONTAINER, jarBlob, config.expiresInHours * 60),
    });
    reporter.info(`Installing helm release ${release} (Flink ${config.job}, parallelism ${config.parallelism})...`);
    await cluster.install(release, 'flink-job', { ...values, ...secretValues }, { wait: true, timeoutSeconds: 600 });

    const flink = cluster.flinkRest();
    const jobId = await flink.waitForFirstJob({
      timeoutMs: options.timeoutMs ?? 600_000,
      intervalMs: options.pollIntervalMs ?? 5000,
      signal,
      via: "the AKS API server's service proxy",
    });
    reporter.info(`Job ${config.job} runs as ${jobId}; waiting until every task runs...`);
    await flink.waitForJobState(jobId, ['RUNNING'], {
      allTasksRunning: true,
      timeoutMs: options.timeoutMs ?? 600_000,
      intervalMs: options.pollIntervalMs ?? 5000,
      signal,
    });
    state.flinkJobId = jobId;
    state.flinkRestUrl = cluster.flinkRestUrl;
    await saveRun(state);
    reporter.info(
      `Job ${jobId} is RUNNING (Flink UI: kubectl port-forward -n ${AKS_NAMESPACE} svc/${release}-jobmanager 8081:rest).`,
    );
  } finally {
    cluster.close();
  }
}
