/**
 * The action's post step on the local platform (runs.post, post-if: cancelled() || failure()): when
 * this job deployed a local run and then failed or was cancelled, stop whatever of it still runs
 * (a cancelled step may have been killed before its own clean-up finished). It never fails the job.
 */
import type { Config } from '../../config/config.js';
import type { RawInputs } from '../../config/inputs.js';
import type { Reporter } from '../../console/reporter.js';
import { EXTERNAL_INPUTS } from '../../config/external.js';
import { errorMessage } from '../../errors.js';
import { teardown } from '../../modes/stages.js';
import type { SavedLocalRun } from '../../run-state/post-state.js';

export async function postTeardownLocal(
  raw: RawInputs,
  saved: SavedLocalRun,
  parse: (raw: RawInputs) => Config,
  reporter: Reporter,
): Promise<void> {
  const platform = saved.platform ?? 'local';
  try {
    // Only what names the run, reaches it and what to keep: the step's other inputs belong to its
    // own mode. On external the cluster's inputs come along, to delete the topics the run created.
    const reach = platform === 'external' ? EXTERNAL_INPUTS.filter((name) => raw[name] !== undefined) : [];
    const config = parse({
      mode: 'teardown',
      platform,
      'run-id': saved.runId,
      'work-dir': saved.workDir,
      ...(raw['keep-run-dir'] ? { 'keep-run-dir': raw['keep-run-dir'] } : {}),
      ...Object.fromEntries(reach.map((name) => [name, raw[name]])),
    });
    reporter.info(
      `Post step: the job failed or was cancelled; stopping what is left of ${platform} run ${saved.runId}...`,
    );
    await teardown({ config, reporter, signal: new AbortController().signal });
  } catch (error) {
    reporter.warning(
      `Post step could not tear down ${platform} run ${saved.runId} in ${saved.workDir}: ${errorMessage(error)} Run 'streaming-at-scale teardown --run-id ${saved.runId}' there.`,
    );
  }
}
