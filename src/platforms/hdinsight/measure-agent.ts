/**
 * The measure agent on hdinsight: one container instance in the VNet's simulators subnet (where
 * the brokers are reachable) running the simulator image's `measure-agent` command, writing its
 * results to the run's measurements container through a SAS URL that only the container's
 * environment carries (a secure value: ARM never returns it, logs mask it).
 */
import type { ArmClients } from '../../azure/clients.js';
import {
  containerGroupName,
  deleteContainerGroups,
  listRunContainerGroups,
  runContainerGroup,
  runTags,
} from '../../azure/container-instances.js';
import { openRunStorage } from '../../azure/run-storage.js';
import { azureState } from '../../azure/state.js';
import { UserError } from '../../errors.js';
import { CONTAINER_URL_ENV, measureAgentArgs } from '../../measure/agent/args.js';
import { saveRun, type RunState } from '../../run-state/run-state.js';
import type { ModeContext } from '../platform.js';
import { simulatorImage } from '../azure/simulator-image.js';
import { containerInstancesState, containerPlace, SIMULATOR_ENTRYPOINT } from './load.js';

export const MEASURE_AGENT_ROLE = 'measure-agent';
const AGENT_CPU = 1;
const AGENT_MEMORY_GB = 2;
/** The SAS outlives the measurement by the agent's start-up and its last upload. */
const SAS_MARGIN_MINUTES = 30;

/**
 * Starts the agent measuring `measurementId` of the run for config.minutes against the brokers
 * (private host:port list); returns once it runs, with the group's name.
 */
export async function startHdinsightMeasureAgent(
  ctx: ModeContext,
  state: RunState,
  clients: ArmClients,
  brokers: string,
  measurementId: string,
): Promise<string> {
  const { config, reporter, signal } = ctx;
  const place = containerPlace(state);
  const image = simulatorImage(config);
  const container = azureState(state).outputs?.measurementsContainer;
  if (!container)
    throw new UserError(`Run ${state.runId} has no measurements container recorded: run 'deploy' for it first.`);
  const storage = await openRunStorage(clients, state, reporter);
  const containerUrl = storage.containerUrl(container, 'racwl', Math.ceil(config.minutes) + SAS_MARGIN_MINUTES);

  const name = containerGroupName(MEASURE_AGENT_ROLE, state.runId);
  containerInstancesState(state).measureAgent = name;
  await saveRun(state);
  reporter.info(`Starting the measure agent in the VNet (${config.minutes} min, measurement ${measurementId})...`);
  await runContainerGroup(
    clients,
    reporter,
    place,
    {
      name,
      image,
      command: [
        ...SIMULATOR_ENTRYPOINT,
        ...measureAgentArgs(config, {
          bootstrapServers: brokers,
          runId: state.runId,
          measurementId,
          eventsPerSecond: state.eventsPerSecond,
        }),
      ],
      cpu: AGENT_CPU,
      memoryInGB: AGENT_MEMORY_GB,
      secureEnvironment: { [CONTAINER_URL_ENV]: containerUrl },
      tags: runTags(state.runId, MEASURE_AGENT_ROLE),
    },
    signal,
  );
  return name;
}

/** Deletes the run's measure agent (recorded or tagged); a repeat is a no-op. */
export async function stopHdinsightMeasureAgent(ctx: ModeContext, state: RunState, clients: ArmClients): Promise<void> {
  const azure = azureState(state);
  const record = containerInstancesState(state);
  if (azure.resourceGroup && !azure.deleted) {
    const tagged = await listRunContainerGroups(clients, azure.resourceGroup, state.runId, MEASURE_AGENT_ROLE);
    const names = [...new Set([...(record.measureAgent ? [record.measureAgent] : []), ...tagged])];
    if (names.length) await deleteContainerGroups(clients, ctx.reporter, azure.resourceGroup, names);
  }
  delete record.measureAgent;
  await saveRun(state);
}
