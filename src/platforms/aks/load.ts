/**
 * load on aks: the helm/simulator chart's load release, an Indexed Job of the tier's simulator
 * pods sharing the rate; returns once Flink reads events (or, with `wait`, once every pod finished).
 */
import type { ArmClients } from '../../azure/clients.js';
import { flinkFigures } from '../../flink/figures.js';
import { saveRun, type RunState } from '../../run-state/run-state.js';
import { privateKafkaBrokers } from '../azure/brokers.js';
import { runFlinkJobId } from '../azure/flink-job.js';
import { simulatorImage } from '../azure/simulator-image.js';
import type { ModeContext } from '../platform.js';
import { simulatorLoadChartValues } from './chart-values.js';
import { aksReleases, openAksCluster, type AksCluster } from './cluster.js';

/** Beyond the load's own duration: image pulls and pod scheduling. */
const START_MARGIN_SECONDS = 600;

export async function startAksLoad(
  ctx: ModeContext,
  state: RunState,
  clients: ArmClients,
  durationSeconds: number,
  options: { pollIntervalMs?: number } = {},
): Promise<void> {
  const { config, reporter } = ctx;
  const brokers = await privateKafkaBrokers(ctx, state, clients);
  const cluster = await openAksCluster(ctx, state, clients);
  try {
    const release = aksReleases(state.runId).load;
    // A Job's pod template cannot change in place: a new load replaces the previous one.
    await cluster.uninstall(release);
    const { values } = simulatorLoadChartValues(config, {
      simulatorImage: simulatorImage(config),
      bootstrapServers: brokers,
      eventsPerSecond: state.eventsPerSecond,
      durationSeconds,
    });
    state.load = { startedAt: new Date().toISOString(), eventsPerSecond: state.eventsPerSecond, durationSeconds };
    await saveRun(state);
    reporter.info(
      `Installing helm release ${release}: ${config.simulatorInstances} simulator pod(s), ${state.eventsPerSecond.toLocaleString('en-US')} events/s in total for ${Math.round(durationSeconds)} s...`,
    );
    await cluster.install(
      release,
      'simulator',
      values,
      config.wait
        ? { wait: true, waitForJobs: true, timeoutSeconds: Math.ceil(durationSeconds) + START_MARGIN_SECONDS }
        : {},
    );
    if (config.wait) reporter.info('The load finished: every simulator pod completed.');
    else await waitForEvents(ctx, state, cluster, options.pollIntervalMs ?? 5000);
  } finally {
    cluster.close();
  }
}

/** Deletes the load release (its pods stop); a repeat is a no-op. */
export async function stopAksLoad(ctx: ModeContext, state: RunState, clients: ArmClients): Promise<void> {
  const cluster = await openAksCluster(ctx, state, clients);
  try {
    await cluster.uninstall(aksReleases(state.runId).load);
  } finally {
    cluster.close();
  }
}

/**
 * The simulators' own counters stay in their pods, so "events flow" is read where this runner
 * reaches: the Flink job's source rate, through the API server's proxy.
 */
async function waitForEvents(ctx: ModeContext, state: RunState, cluster: AksCluster, pollMs: number): Promise<void> {
  const flink = cluster.flinkRest();
  // In a job of its own (the reusable workflow) the id is not recorded: the release runs the job.
  const jobId = await runFlinkJobId(ctx, state, { client: flink, restUrl: cluster.flinkRestUrl });
  if (!jobId) {
    ctx.reporter.info('No Flink job in this run yet: the load is started, not followed.');
    return;
  }
  const deadline = Date.now() + START_MARGIN_SECONDS * 1000;
  ctx.reporter.info('Waiting until the Flink job reads events...');
  for (;;) {
    ctx.signal.throwIfAborted();
    const figures = await flinkFigures(flink, jobId).catch(() => undefined);
    if ((figures?.recordsInPerSecond ?? 0) > 0) {
      ctx.reporter.info('Events are flowing: the Flink job reads from topic in.');
      return;
    }
    if (Date.now() > deadline) {
      ctx.reporter.warning(
        `The Flink job read no event within ${START_MARGIN_SECONDS} s of the load's start: check the simulator pods (kubectl get pods -n streaming-at-scale).`,
      );
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
