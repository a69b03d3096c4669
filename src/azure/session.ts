/** What an Azure mode needs to talk to ARM: the OIDC credential and the SDK clients. */
import type { Config } from '../config/config.js';
import { UserError } from '../errors.js';
import { armClients, type ArmClients } from './clients.js';
import { armConnection, type ArmConnection } from './connection.js';
import { checkOidcAvailable, githubOidcCredential, type IdTokenSource } from './credential.js';

/** Seams for tests and other callers: the environment, the endpoints, the ID token source, a clock. */
export interface AzureDeps {
  env: NodeJS.ProcessEnv;
  connection: ArmConnection;
  getIdToken?: IdTokenSource;
  now: () => Date;
}

export function defaultAzureDeps(env: NodeJS.ProcessEnv = process.env): AzureDeps {
  return { env, connection: armConnection(env), now: () => new Date() };
}

/** Checks OIDC is possible here (a fork's pull request is skipped), then builds the clients. */
export function openArm(config: Config, deps: AzureDeps): ArmClients {
  if (!config.azure)
    throw new UserError(`Platform '${config.platform}' needs client-id, tenant-id and subscription-id.`);
  checkOidcAvailable(deps.env);
  const credential = githubOidcCredential(config.azure, deps.connection, deps.getIdToken);
  return armClients(credential, config.azure.subscriptionId, deps.connection);
}
