/** Entry point of the command line (dist/cli/index.js, started by bin/streaming-at-scale.js). */
import { parseCommandLine, helpText } from './cli/args.js';
import { secretValues } from './config/inputs.js';
import { loadConfig } from './config/load.js';
import { cliReporter } from './console/reporter.js';
import { FORCED_EXIT_CODE, onStopSignals } from './console/stop-signals.js';
import { errorMessage } from './errors.js';
import { runMode } from './modes/index.js';

const controller = new AbortController();
/** Input values never to print (the token, passwords), replaced in the error line. */
let secrets: string[] = [];

async function main(): Promise<number> {
  const request = parseCommandLine(process.argv.slice(2), process.env);
  if (request.kind === 'help') {
    console.log(helpText());
    return 0;
  }
  secrets = secretValues(request.inputs);
  for (const warning of request.warnings ?? []) console.warn(`warning: ${warning}`);
  const config = await loadConfig(request.inputs);
  onStopSignals(controller, (message) => console.warn(`\n${message}`));
  await runMode({ config, reporter: cliReporter(), signal: controller.signal });
  // A mode that stopped early on a signal (a measurement cut short) still failed its caller.
  if (controller.signal.aborted) throw controller.signal.reason;
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`error: ${errorMessage(error, secrets)}`);
    // Stopped by a signal: whatever failed on the way out (a gate on a cut-short run), say so in the code.
    process.exit(controller.signal.aborted ? FORCED_EXIT_CODE : 1);
  },
);
