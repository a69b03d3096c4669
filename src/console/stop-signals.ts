/**
 * Ctrl-C and cancellation, the same for the CLI and the action. The first SIGINT or SIGTERM aborts
 * the mode, which then stops what it started (run's teardown, deploy's clean-up). A second signal
 * (Ctrl-C again; the runner's SIGTERM some seconds after a cancel's SIGINT) does not wait: it kills
 * every process this one started, at once, and exits, so no JVM or simulator outlives it unseen.
 * What a kill leaves is still recorded in the run state, for `teardown` or the post step.
 */
import { UserError } from '../errors.js';
import { killStartedProcessesNow } from '../platforms/local/processes.js';

export const FORCED_EXIT_CODE = 130;

export function onStopSignals(controller: AbortController, warn: (message: string) => void): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (controller.signal.aborted) {
        const killed = killStartedProcessesNow();
        warn(`Received ${signal} again: killed ${killed} process group(s) started here; exiting now.`);
        process.exit(FORCED_EXIT_CODE);
      }
      warn(`Received ${signal}: stopping; stopping what was started (send it again to force).`);
      controller.abort(new StopSignalError(signal));
    });
  }
}

/** The reason a mode was aborted by a signal: its message says which, and what to do next. */
export class StopSignalError extends UserError {
  override name = 'StopSignalError';
  constructor(readonly signal: NodeJS.Signals) {
    super(`Stopped by ${signal}.`);
  }
}
