/**
 * Signing in to Azure with OIDC only: the job's GitHub ID token (audience api://AzureADTokenExchange)
 * is exchanged by @azure/identity's ClientAssertionCredential for an Azure token. A fresh ID token is
 * fetched for every exchange, so a run longer than the ID token's life keeps working; an exchange
 * Entra ID refuses becomes one line saying what to fix (errors.ts).
 */
import { readFileSync } from 'node:fs';
import * as core from '@actions/core';
import { ClientAssertionCredential, type TokenCredential } from '@azure/identity';
import type { AzureIdentity } from '../config/config.js';
import type { Reporter } from '../console/reporter.js';
import { UserError } from '../errors.js';
import type { ArmConnection } from './connection.js';
import { SkippedError, signInError } from './errors.js';

export const OIDC_AUDIENCE = 'api://AzureADTokenExchange';

export const MISSING_ID_TOKEN_PERMISSION =
  'No GitHub OIDC token is available to this job (ACTIONS_ID_TOKEN_REQUEST_URL is not set). Add `permissions: id-token: write` to the job (or the workflow) so it can sign in to Azure; see docs/azure-setup.md.';

/**
 * Why an Azure mode cannot sign in here, if it cannot: a pull request from a fork gets no ID token
 * (skip, do not fail); any other job without one lacks the `id-token: write` permission (fail with
 * the fix).
 */
export function checkOidcAvailable(
  env: NodeJS.ProcessEnv,
  readEvent = (file: string) => readFileSync(file, 'utf8'),
): void {
  const fork = forkPullRequest(env, readEvent);
  if (fork) {
    throw new SkippedError(
      `Skipping: this is a pull request from the fork ${fork}, and GitHub gives such runs no OIDC token (nor secrets), so they cannot sign in to Azure. Run the Azure benchmark from a branch of this repository, or use platform 'local' for pull requests.`,
    );
  }
  if (!env.ACTIONS_ID_TOKEN_REQUEST_URL || !env.ACTIONS_ID_TOKEN_REQUEST_TOKEN) {
    if (isPullRequest(env)) {
      throw new SkippedError(
        'Skipping: this pull request run has no OIDC token (GitHub withholds it from pull requests of forks and when the workflow does not grant `id-token: write`), so it cannot sign in to Azure. Grant `permissions: id-token: write`, or run the Azure benchmark from a branch.',
      );
    }
    throw new UserError(MISSING_ID_TOKEN_PERMISSION);
  }
}

function isPullRequest(env: NodeJS.ProcessEnv): boolean {
  return (
    env.GITHUB_EVENT_NAME === 'pull_request' ||
    env.GITHUB_EVENT_NAME === 'pull_request_review' ||
    env.GITHUB_EVENT_NAME === 'pull_request_review_comment'
  );
}

/** The fork's full name when this run is a pull_request event whose head is another repository. */
function forkPullRequest(env: NodeJS.ProcessEnv, readEvent: (file: string) => string): string | undefined {
  if (!isPullRequest(env) || !env.GITHUB_EVENT_PATH) return undefined;
  let event: {
    pull_request?: { head?: { repo?: { full_name?: string } | null }; base?: { repo?: { full_name?: string } } };
  };
  try {
    event = JSON.parse(readEvent(env.GITHUB_EVENT_PATH)) as typeof event;
  } catch {
    return undefined;
  }
  const pr = event.pull_request;
  if (!pr) return undefined;
  const head = pr.head?.repo?.full_name;
  const base = pr.base?.repo?.full_name;
  if (head === undefined && pr.head?.repo === null) return '(a deleted fork)';
  return head && base && head !== base ? head : undefined;
}

export type IdTokenSource = (audience: string) => Promise<string>;

/** The runner's token endpoint (ACTIONS_ID_TOKEN_REQUEST_URL), through @actions/core. */
export const githubIdTokens: IdTokenSource = (audience) => core.getIDToken(audience);

/** A fresh GitHub ID token for Azure, masked in every later log line the moment it is read. */
export async function fetchIdToken(getIdToken: IdTokenSource, reporter: Reporter): Promise<string> {
  let token: string;
  try {
    token = await getIdToken(OIDC_AUDIENCE);
  } catch (error) {
    throw new UserError(
      `Could not get a GitHub OIDC token: ${(error as Error).message}. Check that the job has \`permissions: id-token: write\`.`,
    );
  }
  reporter.setSecret(token);
  return token;
}

/** The claims of a GitHub ID token that Entra ID matches against a federated credential. */
export interface IdTokenClaims {
  sub: string;
  iss: string;
  aud: string;
}

/** Reads (does not verify: Entra ID does) the claims of a JWT. */
export function idTokenClaims(jwt: string): IdTokenClaims {
  const payload = jwt.split('.')[1] ?? '';
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    // not JSON: refused below
  }
  if (!claims || typeof claims !== 'object')
    throw new UserError("The GitHub OIDC token is not a JWT: the runner's token endpoint answered something else.");
  const text = (value: unknown) => (typeof value === 'string' ? value : Array.isArray(value) ? value.join(' ') : '');
  const { sub, iss, aud } = claims as Record<string, unknown>;
  return { sub: text(sub), iss: text(iss), aud: text(aud) };
}

/**
 * The credential every ARM client of a run uses: each exchange presents the ID token `assertion`
 * gives, and an Entra ID refusal becomes one line saying what to fix.
 */
export function githubOidcCredential(
  identity: AzureIdentity,
  connection: ArmConnection,
  assertion: () => Promise<string>,
): TokenCredential {
  let presented: IdTokenClaims | undefined;
  const getAssertion = async (): Promise<string> => {
    const jwt = await assertion();
    presented = idTokenClaims(jwt);
    return jwt;
  };
  const exchange = new ClientAssertionCredential(identity.tenantId, identity.clientId, getAssertion, {
    authorityHost: connection.authorityHost,
    // A fixed authority (the public cloud's, or AZURE_AUTHORITY_HOST): no instance discovery call.
    disableInstanceDiscovery: true,
    ...(connection.tlsOptions ? { tlsOptions: connection.tlsOptions } : {}),
    retryOptions: connection.retryOptions,
  });
  return {
    getToken: async (scopes, options) => {
      try {
        return await exchange.getToken(scopes, options);
      } catch (error) {
        throw signInError(error, identity, presented);
      }
    },
  };
}
