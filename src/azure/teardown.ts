/**
 * teardown on aks | hdinsight: delete the run's resource group. Already gone is success, so it is
 * safe to repeat; without a local run state (another job deployed) the group follows from the
 * solution name.
 */
import type { ModeContext } from '../platforms/platform.js';
import { loadRun, RunNotFoundError, saveRun, type RunState } from '../run-state/run-state.js';
import { resourceGroupName, TAG_RUN_ID } from './names.js';
import { readGroup } from './recover-state.js';
import { deleteResourceGroup, type DeleteOutcome } from './resource-groups.js';
import { openArm, type AzureDeps } from './session.js';
import { azureState } from './state.js';

export async function teardownAzure(
  ctx: ModeContext,
  state: RunState | undefined,
  deps: AzureDeps,
): Promise<DeleteOutcome | 'other-run'> {
  const { config, reporter } = ctx;
  const clients = openArm(config, deps);
  const group = (state && azureState(state).resourceGroup) || resourceGroupName(config.solutionName);
  reporter.setOutput('resource-group', group);
  // A teardown job of an old workflow run (re-run, or late) must not delete a newer run's group.
  if (!state && config.runId) {
    const owner = (await readGroup(clients, group))?.tags[TAG_RUN_ID];
    if (owner !== undefined && owner !== config.runId) {
      reporter.warning(
        `Resource group ${group} belongs to run ${owner}, not to run ${config.runId} that this teardown was asked for: not deleting it (a later deploy of solution '${config.solutionName}' replaced that run). Tear it down with --run-id ${owner}, or without a run id.`,
      );
      return 'other-run';
    }
  }
  reporter.info(`Deleting resource group ${group}${config.waitForDeletion ? ' and waiting until it is gone' : ''}...`);
  const outcome = await deleteResourceGroup(clients, group, { wait: config.waitForDeletion, signal: ctx.signal });
  reporter.info(
    outcome === 'absent'
      ? `Resource group ${group} does not exist: nothing to tear down.`
      : outcome === 'deleted'
        ? `Resource group ${group} deleted.`
        : `ARM accepted the deletion of ${group}; it completes in the background (cleanup catches it if it does not).`,
  );
  if (state) {
    azureState(state).deleted = true;
    state.tornDownAt = new Date().toISOString();
    await saveRun(state);
  }
  return outcome;
}

/** The teardown mode on Azure: the latest (or named) run here if there is one, else the solution's group. */
export async function teardownAzureMode(ctx: ModeContext, deps: AzureDeps): Promise<void> {
  let state: RunState | undefined;
  try {
    state = await loadRun(ctx.config, (message) => ctx.reporter.warning(message));
  } catch (error) {
    // Without an explicit run id, a missing (or other platform's) latest run leaves the solution's group.
    if (ctx.config.runId && !(error instanceof RunNotFoundError)) throw error;
  }
  // The latest run here counts only when it is this solution's (or named by run-id).
  const solutionGroup = resourceGroupName(ctx.config.solutionName);
  if (state && !ctx.config.runId && azureState(state).resourceGroup !== solutionGroup) state = undefined;
  await teardownAzure(ctx, state, deps);
}
