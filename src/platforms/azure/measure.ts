/**
 * measure on aks and hdinsight: the brokers are reachable only inside the VNet, so a measure agent
 * runs the sampling there (a Kubernetes Job or a container instance: the platform's launcher) and
 * writes its rows to the run's storage; this side reads them back live and builds the same report
 * as a local measure, with Flink's figures wherever the platform reaches Flink's REST API.
 */
import { brokerFiguresSampler } from '../../azure/ambari.js';
import type { ArmClients } from '../../azure/clients.js';
import { openHdinsightGateway } from '../../azure/hdinsight-gateway.js';
import { openRunStorage, type RunStorage } from '../../azure/run-storage.js';
import { azureState } from '../../azure/state.js';
import { UserError } from '../../errors.js';
import { newMeasurementId } from '../../measure/agent/args.js';
import { agentSampling } from '../../measure/agent/reader.js';
import { measurePipeline } from '../../measure/measure.js';
import type { BenchmarkReport, FlinkFigures, LoadStats } from '../../report/schema.js';
import type { RunState } from '../../run-state/run-state.js';
import type { ModeContext } from '../platform.js';

export interface MeasureAgentLauncher {
  /**
   * Starts the agent for one measurement of the run; returns where it runs and how to read its log
   * (for error messages).
   */
  start(measurementId: string, storage: RunStorage, container: string): Promise<string>;
  /** Stops and deletes the agent; a repeat is a no-op. */
  stop(): Promise<void>;
}

export interface AzureMeasureSources {
  agent: MeasureAgentLauncher;
  flinkFigures?: () => Promise<FlinkFigures>;
  loadStats: () => Promise<LoadStats | null>;
}

export async function measureOnAzure(
  ctx: ModeContext,
  state: RunState,
  clients: ArmClients,
  sources: AzureMeasureSources,
): Promise<BenchmarkReport> {
  const container = azureState(state).outputs?.measurementsContainer;
  if (!container)
    throw new UserError(`Run ${state.runId} has no measurements container recorded: run 'deploy' for it first.`);
  const storage = await openRunStorage(clients, state, ctx.reporter);
  // The origin sample's broker table, from Ambari through the Kafka cluster's gateway.
  const brokerFigures = brokerFiguresSampler(await openHdinsightGateway(clients, state, ctx.reporter, 'kafka'));
  const measurementId = newMeasurementId();
  const agent = await sources.agent.start(measurementId, storage, container);
  try {
    return await measurePipeline(ctx, state, {
      sampling: agentSampling({
        container: storage.service.getContainerClient(container),
        runId: state.runId,
        measurementId,
        agent,
      }),
      flinkFigures: sources.flinkFigures,
      brokerFigures,
      loadStats: sources.loadStats,
    });
  } finally {
    await sources.agent
      .stop()
      .catch((error: unknown) =>
        ctx.reporter.warning(
          `Could not remove the measure agent (teardown deletes it with the resource group): ${String(error)}`,
        ),
      );
  }
}
