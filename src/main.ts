/** The action: inputs from the workflow step, the same modes as the CLI. */
import * as core from '@actions/core';
import { loadConfig } from './config/load.js';
import { INPUT_NAMES, INPUTS, secretValues, type InputSpec, type RawInputs } from './config/inputs.js';
import { actionReporter } from './console/reporter.js';
import { onStopSignals } from './console/stop-signals.js';
import { errorMessage } from './errors.js';
import { runMode } from './modes/index.js';

export function inputsFromAction(): RawInputs {
  const raw: RawInputs = {};
  for (const name of INPUT_NAMES) {
    const value = core.getInput(name);
    if ((INPUTS[name] as InputSpec).secret && value) core.setSecret(value);
    if (value !== '') raw[name] = value;
  }
  return raw;
}

export async function run(): Promise<void> {
  const controller = new AbortController();
  // The runner sends SIGINT, then SIGTERM about 7.5 s later, when a workflow is cancelled.
  onStopSignals(controller, (message) => core.warning(message));
  let secrets: string[] = [];
  try {
    const inputs = inputsFromAction();
    secrets = secretValues(inputs);
    const config = await loadConfig(inputs);
    await runMode({ config, reporter: actionReporter, signal: controller.signal });
    if (controller.signal.aborted) throw controller.signal.reason;
  } catch (error) {
    core.setFailed(errorMessage(error, secrets));
  }
}
