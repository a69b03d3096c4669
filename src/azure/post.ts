/**
 * The action's post step (runs.post, post-if: cancelled() || failure()): when this job's deploy
 * created an Azure resource group and the job then failed or was cancelled, delete the group. It
 * never fails the job: its own problems are warnings (the scheduled cleanup is the last resort).
 */
import type { Config } from '../config/config.js';
import type { RawInputs } from '../config/inputs.js';
import type { Reporter } from '../console/reporter.js';
import { errorMessage } from '../errors.js';
import { savedAzureRun, type SavedAzureRun } from '../run-state/post-state.js';
import { SkippedError } from './errors.js';
import { deleteResourceGroup } from './resource-groups.js';
import { openArm, type AzureDeps } from './session.js';

export async function postTeardown(
  raw: RawInputs,
  parse: (raw: RawInputs) => Config,
  reporter: Reporter,
  deps: AzureDeps,
  saved: SavedAzureRun | undefined = savedAzureRun(),
): Promise<void> {
  if (!saved) {
    reporter.info('Post step: this job deployed nothing on Azure; nothing to tear down.');
    return;
  }
  try {
    const config = parse(raw);
    const clients = openArm({ ...config, azure: { ...config.azure!, subscriptionId: saved.subscriptionId } }, deps);
    reporter.info(
      `Post step: the job failed or was cancelled; deleting resource group ${saved.resourceGroup} of run ${saved.runId}...`,
    );
    // The runner gives a post step limited time: start the deletion and let ARM finish it.
    const outcome = await deleteResourceGroup(clients, saved.resourceGroup, { wait: false });
    reporter.info(
      outcome === 'absent'
        ? `Resource group ${saved.resourceGroup} is already gone.`
        : `ARM accepted the deletion of ${saved.resourceGroup}; scheduled cleanup catches it should it fail.`,
    );
  } catch (error) {
    const why = error instanceof SkippedError ? error.message : errorMessage(error);
    reporter.warning(
      `Post step could not delete resource group ${saved.resourceGroup} (run ${saved.runId}): ${why} Delete it with mode 'teardown', or let 'cleanup' remove it after it expires.`,
    );
  }
}
