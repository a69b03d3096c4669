/** Entry point of the command line (dist/cli/index.js, started by bin/streaming-at-scale.js). */
import { parseCommandLine, helpText } from './cli/args.js';
import { parseConfig } from './config/config.js';
import { checkPaths } from './config/paths.js';
import { cliReporter } from './console/reporter.js';
import { errorMessage } from './errors.js';
import { runMode } from './modes/index.js';

/** Input values never to print (the token), replaced in the error line. */
let secrets: string[] = [];

async function main(): Promise<number> {
  const request = parseCommandLine(process.argv.slice(2), process.env);
  if (request.kind === 'help') {
    console.log(helpText());
    return 0;
  }
  secrets = [request.inputs['github-token'] ?? ''];
  for (const warning of request.warnings ?? []) console.warn(`warning: ${warning}`);
  const config = parseConfig(request.inputs);
  await checkPaths(config);
  const controller = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (controller.signal.aborted) process.exit(130); // a second Ctrl-C: stop waiting for teardown
      console.warn(`\nReceived ${signal}: stopping; tearing down what was started (Ctrl-C again to force).`);
      controller.abort();
    });
  }
  await runMode({ config, reporter: cliReporter(), signal: controller.signal });
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`error: ${errorMessage(error, secrets)}`);
    process.exit(1);
  },
);
