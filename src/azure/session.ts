/** What an Azure mode needs to talk to ARM: the OIDC credential and the SDK clients. */
import type { Config } from '../config/config.js';
import { cliReporter, type Reporter } from '../console/reporter.js';
import { UserError } from '../errors.js';
import { armClients, type ArmClients } from './clients.js';
import { armConnection, type ArmConnection } from './connection.js';
import {
  checkOidcAvailable,
  fetchIdToken,
  githubIdTokens,
  githubOidcCredential,
  type IdTokenSource,
} from './credential.js';
import { afterPreflight } from './preflight.js';

/** Seams for tests and other callers: the environment, the endpoints, the ID token source, a clock. */
export interface AzureDeps {
  env: NodeJS.ProcessEnv;
  connection: ArmConnection;
  getIdToken?: IdTokenSource;
  now: () => Date;
  /** Where the sign-in preflight prints and masks; by default the action's or the CLI's, as `env` says. */
  reporter?: Reporter;
}

export function defaultAzureDeps(env: NodeJS.ProcessEnv = process.env): AzureDeps {
  return { env, connection: armConnection(env), now: () => new Date() };
}

/**
 * Checks OIDC is possible here (a fork's pull request is skipped), then builds the clients; their
 * first token waits for the sign-in preflight (once per process).
 */
export function openArm(config: Config, deps: AzureDeps): ArmClients {
  if (!config.azure)
    throw new UserError(`Platform '${config.platform}' needs client-id, tenant-id and subscription-id.`);
  checkOidcAvailable(deps.env);
  const reporter = deps.reporter ?? cliReporter(deps.env);
  const idToken = () => fetchIdToken(deps.getIdToken ?? githubIdTokens, reporter);
  const credential = afterPreflight(
    githubOidcCredential(config.azure, deps.connection, idToken),
    config.azure,
    deps.connection,
    idToken,
    reporter,
  );
  return armClients(credential, config.azure.subscriptionId, deps.connection);
}
