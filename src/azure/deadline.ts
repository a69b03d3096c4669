/**
 * The run's deadline on Azure: deploy's start + max-duration-minutes, recorded by deploy in the run
 * state and in the resource group's `deadline` tag, so a later stage finds it whether it runs in
 * the same process (`run`), on the same machine, or in another job of the reusable workflow.
 */
import type { RunState } from '../run-state/run-state.js';
import type { ArmClients } from './clients.js';
import { statusCodeOf } from './errors.js';
import { deadlineTag, resourceGroupName } from './names.js';
import { armFailure } from './resource-groups.js';
import { azureState } from './state.js';

export function runDeadline(start: Date, maxDurationMinutes: number): Date {
  return new Date(start.getTime() + maxDurationMinutes * 60_000);
}

/**
 * The deadline from the run state, else from the group's tag (one ARM read). Undefined when neither
 * has one (a group deployed before deadlines existed, or already gone: the stage then fails on its own).
 */
export async function readDeadline(
  state: RunState,
  solutionName: string,
  clients: () => ArmClients,
): Promise<Date | undefined> {
  const recorded = azureState(state).deadline;
  if (recorded) return new Date(recorded);
  const group = azureState(state).resourceGroup || resourceGroupName(solutionName);
  try {
    const found = await clients().resources.resourceGroups.get(group);
    return deadlineTag(found.tags);
  } catch (error) {
    if (statusCodeOf(error) === 404) return undefined;
    throw armFailure(`Could not read the deadline tag of resource group '${group}'`, error);
  }
}
