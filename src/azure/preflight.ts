/**
 * The sign-in check before any Azure work: fetch the job's GitHub ID token, print its subject (the
 * federated credential the user must configure) and exchange it once for an ARM token, so a
 * misconfigured identity fails first, in one line, instead of deep inside a mode.
 */
import type { AccessToken, TokenCredential } from '@azure/identity';
import type { AzureIdentity } from '../config/config.js';
import type { Reporter } from '../console/reporter.js';
import { armAudience } from './clients.js';
import type { ArmConnection } from './connection.js';
import { OIDC_AUDIENCE, githubOidcCredential, idTokenClaims, type IdTokenClaims } from './credential.js';

/** The line that tells the user which federated credential this job needs. */
export function federatedSubjectLine(claims: IdTokenClaims): string {
  return `Federated credential subject to configure: ${claims.sub} (issuer ${claims.iss}, audience ${OIDC_AUDIENCE})`;
}

/** Prints the subject of one fresh ID token and exchanges that very token for an ARM token. */
export async function preflight(
  identity: AzureIdentity,
  connection: ArmConnection,
  idToken: () => Promise<string>,
  reporter: Reporter,
): Promise<void> {
  const jwt = await idToken();
  reporter.info(federatedSubjectLine(idTokenClaims(jwt)));
  await githubOidcCredential(identity, connection, () => Promise.resolve(jwt)).getToken(
    `${armAudience(connection.armEndpoint)}/.default`,
  );
  reporter.info(`Signed in to Azure: tenant ${identity.tenantId}, client ${identity.clientId}.`);
}

// Once per process and identity, however many times a mode opens ARM; a failure is not kept, so a
// later attempt checks again.
const preflights = new Map<string, Promise<void>>();

/** `credential`, whose first token waits for the preflight of its identity (run once per process). */
export function afterPreflight(
  credential: TokenCredential,
  identity: AzureIdentity,
  connection: ArmConnection,
  idToken: () => Promise<string>,
  reporter: Reporter,
): TokenCredential {
  const key = `${connection.authorityHost} ${identity.tenantId} ${identity.clientId}`;
  const checked = (): Promise<void> => {
    let done = preflights.get(key);
    if (!done) {
      done = preflight(identity, connection, idToken, reporter);
      preflights.set(key, done);
      done.catch(() => preflights.delete(key));
    }
    return done;
  };
  return {
    getToken: async (scopes, options): Promise<AccessToken | null> => {
      await checked();
      return credential.getToken(scopes, options);
    },
  };
}
