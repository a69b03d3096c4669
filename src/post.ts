/** Entry point of the action's post step (dist/post/index.js): teardown after a failed or cancelled job. */
import { postTeardown } from './azure/post.js';
import { defaultAzureDeps } from './azure/session.js';
import { parseConfig } from './config/config.js';
import { actionReporter } from './console/reporter.js';
import { inputsFromAction } from './main.js';
import { postTeardownLocal } from './platforms/local/post.js';
import { savedLocalRun } from './run-state/post-state.js';

const local = savedLocalRun();
if (local) await postTeardownLocal(inputsFromAction(), local, parseConfig, actionReporter);
else await postTeardown(inputsFromAction(), parseConfig, actionReporter, defaultAzureDeps());
