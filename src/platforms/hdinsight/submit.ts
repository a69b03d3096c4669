/**
 * submit-flink on hdinsight: the job jar built from this checkout and the submit script go to the
 * run's storage; one script action on the Hadoop cluster's head nodes starts the job on YARN with
 * the Kafka brokers' private addresses (from Ambari); then the job is followed through the
 * cluster's gateway, YARN first and then Flink's REST API behind the YARN web proxy, until every
 * task runs.
 */
import path from 'node:path';
import { kafkaBrokerAddresses } from '../../azure/ambari.js';
import type { ArmClients } from '../../azure/clients.js';
import { openHdinsightGateway } from '../../azure/hdinsight-gateway.js';
import { armFailure } from '../../azure/resource-groups.js';
import { JOB_FILES_CONTAINER, openRunStorage } from '../../azure/run-storage.js';
import { azureState } from '../../azure/state.js';
import { UserError } from '../../errors.js';
import { jobArguments } from '../../flink/job-arguments.js';
import { prepareJob } from '../../flink/job-jar.js';
import { FlinkRestClient } from '../../flink/rest-client.js';
import { repoRoot } from '../../repo-root.js';
import { saveRun, type RunState } from '../../run-state/run-state.js';
import type { ModeContext } from '../platform.js';
import { formatOutputs, runScriptAction } from '../../azure/script-action.js';
import { hdinsightState } from './state.js';
import { runningYarnApplication, waitForYarnRunning, yarnProxyUrl } from './yarn.js';
import type { RunFlinkRest } from '../azure/flink-job.js';

/** How long the cluster may take to fetch them (script actions can queue behind others). */
const SAS_MINUTES = 120;

export function submitScriptPath(root = repoRoot()): string {
  return path.join(root, 'scripts', 'hdinsight', 'submit-flink-job.sh');
}

/** The YARN application name of a run's job: how the script finds (and replaces) it. */
export function yarnApplicationName(state: RunState): string {
  return `streaming-at-scale-${state.runId}`;
}

export interface SubmitWaitOptions {
  /** Between polls of YARN and Flink (default 5 s). */
  pollIntervalMs?: number;
  /** From the end of the script action until every task runs (default 10 minutes). */
  timeoutMs?: number;
}

export async function submitFlinkHdinsight(
  ctx: ModeContext,
  state: RunState,
  clients: ArmClients,
  wait: SubmitWaitOptions = {},
): Promise<void> {
  const { config, reporter, signal } = ctx;
  const azure = azureState(state);
  const cluster = azure.outputs?.flinkClusterName;
  if (!azure.resourceGroup || !cluster || !azure.outputs?.hadoopGatewayUrl) {
    throw new UserError(`Run ${state.runId} has no HDInsight Hadoop cluster recorded: run 'deploy' for it first.`);
  }
  const group = azure.resourceGroup;
  const hadoop = await clients.hdinsight.clusters.get(group, cluster).catch((error: unknown) => {
    throw armFailure(`Reading HDInsight cluster ${cluster}`, error);
  });
  const clusterState = hadoop.properties?.clusterState;
  if (clusterState !== 'Running') {
    throw new UserError(
      `HDInsight cluster ${cluster} is '${clusterState ?? 'unknown'}', not Running: a script action needs a running cluster. Wait for it, or deploy again.`,
    );
  }

  const kafka = await openHdinsightGateway(clients, state, reporter, 'kafka');
  const brokers = (await kafkaBrokerAddresses(kafka)).join(',');
  reporter.info(`Kafka brokers (private addresses, from Ambari on ${kafka.clusterName}): ${brokers}`);
  state.kafkaBootstrapServers = brokers;

  const { jar, entryClass } = await prepareJob(config.jobSpec, reporter);
  const storage = await openRunStorage(clients, state, reporter);
  await storage.ensureContainer(JOB_FILES_CONTAINER);
  const jarBlob = `${state.runId}/${path.basename(jar)}`;
  const scriptBlob = `${state.runId}/${path.basename(submitScriptPath())}`;
  reporter.info(
    `Uploading the job jar and the submit script to ${storage.accountName}/${JOB_FILES_CONTAINER}/${state.runId}/`,
  );
  await storage.uploadFile(JOB_FILES_CONTAINER, jarBlob, jar);
  await storage.uploadFile(JOB_FILES_CONTAINER, scriptBlob, submitScriptPath());

  const applicationName = yarnApplicationName(state);
  const action = {
    name: `submit-flink-${Date.now().toString(36)}`,
    uri: storage.blobReadUrl(JOB_FILES_CONTAINER, scriptBlob, SAS_MINUTES),
    roles: ['headnode'],
    args: [
      Buffer.from(storage.blobReadUrl(JOB_FILES_CONTAINER, jarBlob, SAS_MINUTES)).toString('base64'),
      entryClass,
      String(config.parallelism),
      applicationName,
      ...jobArguments(config, brokers, { runId: state.runId }),
    ],
  };
  // The jar's SAS URL travels base64-encoded: mask that form too.
  reporter.setSecret(action.args[0]!);
  hdinsightState(state).scriptActionName = action.name;
  await saveRun(state);
  reporter.info(
    `Script action ${action.name} on ${cluster}'s head nodes: Flink ${config.job} (parallelism ${config.parallelism}) as YARN application ${applicationName}...`,
  );
  const outputs = await runScriptAction(clients, group, cluster, action, (line) => reporter.info(line), signal);
  const applicationId = outputs
    .map((node) => node.stdout.match(/^YARN application: (application_\d+_\d+)\s*$/m)?.[1])
    .find((id) => id !== undefined);
  if (!applicationId) {
    throw new UserError(
      `Script action ${action.name} succeeded but no head node printed the YARN application id:\n${formatOutputs(outputs)}`,
    );
  }
  hdinsightState(state).yarnApplicationId = applicationId;
  await saveRun(state);

  const deadline = Date.now() + (wait.timeoutMs ?? 600_000);
  const intervalMs = wait.pollIntervalMs ?? 5_000;
  const yarn = await openHdinsightGateway(clients, state, reporter, 'hadoop');
  reporter.info(`YARN application ${applicationId} submitted; waiting until it runs...`);
  await waitForYarnRunning(yarn, applicationId, { deadline, intervalMs, signal });

  const flinkRestUrl = yarnProxyUrl(yarn, applicationId);
  const flink = new FlinkRestClient(flinkRestUrl, { headers: { Authorization: yarn.authorization } });
  reporter.info(`Flink's REST API through the gateway: ${flinkRestUrl}; waiting until every task runs...`);
  const jobId = await flink.waitForFirstJob({
    timeoutMs: Math.max(0, deadline - Date.now()),
    intervalMs,
    signal,
    via: 'the YARN proxy',
  });
  await flink
    .waitForJobState(jobId, ['RUNNING'], {
      allTasksRunning: true,
      signal,
      intervalMs,
      timeoutMs: Math.max(deadline - Date.now(), intervalMs),
    })
    .catch((error: unknown) => {
      throw new UserError(`${(error as Error).message}\n(Flink's web UI: ${flinkRestUrl}/)`);
    });
  state.flinkJobId = jobId;
  state.flinkRestUrl = flinkRestUrl;
  await saveRun(state);
  reporter.info(`Job ${jobId} is RUNNING on YARN (${applicationId}).`);
}

/**
 * Flink's REST API of the run's job through the Hadoop cluster's gateway: at the URL submit-flink
 * recorded, else (a later workflow job, its state rebuilt from Azure) behind the run's RUNNING YARN
 * application, found by its name (yarnApplicationName), whose id is then recorded. Undefined, with a
 * warning, when none runs.
 */
export async function hdinsightFlinkRest(
  ctx: ModeContext,
  state: RunState,
  clients: ArmClients,
): Promise<RunFlinkRest | undefined> {
  const yarn = await openHdinsightGateway(clients, state, ctx.reporter, 'hadoop');
  const client = (restUrl: string) => ({
    client: new FlinkRestClient(restUrl, { headers: { Authorization: yarn.authorization } }),
    restUrl,
  });
  if (state.flinkRestUrl) return client(state.flinkRestUrl);
  const name = yarnApplicationName(state);
  const application = await runningYarnApplication(yarn, name).catch((error: unknown) => {
    ctx.reporter.warning(`Could not list YARN's applications on ${yarn.clusterName}: ${(error as Error).message}`);
    return undefined;
  });
  if (!application) {
    ctx.reporter.warning(
      `No RUNNING YARN application ${name} on ${yarn.clusterName} (run 'submit-flink' first): going on without Flink's figures.`,
    );
    return undefined;
  }
  hdinsightState(state).yarnApplicationId = application.id;
  await saveRun(state);
  ctx.reporter.info(`The run's Flink runs as YARN application ${application.id} (found by its name ${name}).`);
  return client(yarnProxyUrl(yarn, application.id));
}
