/**
 * The action's post step on the local platform (runs.post, post-if: cancelled() || failure()): when
 * this job deployed a local run and then failed or was cancelled, stop whatever of it still runs
 * (a cancelled step may have been killed before its own clean-up finished). It never fails the job.
 */
import type { Config } from '../../config/config.js';
import type { RawInputs } from '../../config/inputs.js';
import type { Reporter } from '../../console/reporter.js';
import { errorMessage } from '../../errors.js';
import { teardown } from '../../modes/stages.js';
import type { SavedLocalRun } from '../../run-state/post-state.js';

export async function postTeardownLocal(
  raw: RawInputs,
  saved: SavedLocalRun,
  parse: (raw: RawInputs) => Config,
  reporter: Reporter,
): Promise<void> {
  try {
    // Only what names the run and what to keep: the step's other inputs belong to its own mode.
    const config = parse({
      mode: 'teardown',
      platform: 'local',
      'run-id': saved.runId,
      'work-dir': saved.workDir,
      ...(raw['keep-run-dir'] ? { 'keep-run-dir': raw['keep-run-dir'] } : {}),
    });
    reporter.info(`Post step: the job failed or was cancelled; stopping what is left of local run ${saved.runId}...`);
    await teardown({ config, reporter, signal: new AbortController().signal });
  } catch (error) {
    reporter.warning(
      `Post step could not tear down local run ${saved.runId} in ${saved.workDir}: ${errorMessage(error)} Run 'streaming-at-scale teardown --run-id ${saved.runId}' there.`,
    );
  }
}
