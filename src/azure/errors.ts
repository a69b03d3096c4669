/** Errors of the Azure modes. */
import type { AzureIdentity } from '../config/config.js';
import type { IdTokenClaims } from './credential.js';
import { UserError } from '../errors.js';

/**
 * An Azure mode that cannot run here and must not fail the job (a pull request from a fork gets no
 * OIDC token): the mode says why and succeeds.
 */
export class SkippedError extends UserError {
  override name = 'SkippedError';
}

interface ArmErrorBody {
  code?: string;
  message?: string;
  target?: string;
  details?: ArmErrorBody[];
}

/** ARM's own error code and message (with nested details), from a RestError or an error body. */
export function armErrorText(error: unknown): string {
  const body = armErrorBody(error);
  if (body?.code || body?.message) return describe(body);
  if (error instanceof Error) return error.message;
  return String(error);
}

export function armErrorBody(error: unknown): ArmErrorBody | undefined {
  if (!error || typeof error !== 'object') return undefined;
  const candidate = error as { details?: unknown; response?: { bodyAsText?: string }; code?: string; message?: string };
  const details = candidate.details as { error?: ArmErrorBody } | ArmErrorBody | undefined;
  if (details && typeof details === 'object') {
    if ('error' in details && details.error) return details.error;
    if ('code' in details && (details as ArmErrorBody).code) return details as ArmErrorBody;
  }
  const text = candidate.response?.bodyAsText;
  if (text) {
    try {
      const parsed = JSON.parse(text) as { error?: ArmErrorBody };
      if (parsed.error) return parsed.error;
    } catch {
      // not JSON: fall through
    }
  }
  return undefined;
}

export function statusCodeOf(error: unknown): number | undefined {
  const code = (error as { statusCode?: unknown } | undefined)?.statusCode;
  return typeof code === 'number' ? code : undefined;
}

function describe(body: ArmErrorBody, depth = 0): string {
  const head =
    `${body.code ?? 'Error'}: ${body.message ?? ''}`.trim() + (body.target ? ` (target: ${body.target})` : '');
  const nested = (body.details ?? []).filter((detail) => depth < 3 && (detail.code || detail.message));
  return [head, ...nested.map((detail) => `  - ${describe(detail, depth + 1)}`)].join('\n');
}

type SignInFix = (identity: AzureIdentity, token: IdTokenClaims | undefined) => string;

const noFederatedCredential: SignInFix = (identity, token) =>
  `the app registration (or managed identity) ${identity.clientId} has no federated credential matching this job's ID token` +
  (token ? ` (subject '${token.sub}', issuer ${token.iss}, audience ${token.aud})` : '') +
  '. Add one with exactly that subject under Certificates & secrets > Federated credentials; see docs/azure-setup.md.';

/** The Entra ID refusals users meet, each with what to fix. */
const SIGN_IN_FIXES: Record<string, SignInFix> = {
  // No record for the token's issuer, subject and audience; 700211 and 700213 are its narrower forms.
  '70021': noFederatedCredential,
  '700211': noFederatedCredential,
  '700213': noFederatedCredential,
  '700016': (identity) =>
    `no application with client-id ${identity.clientId} in tenant ${identity.tenantId}. Check client-id (the Application (client) ID of the app registration or managed identity) and that tenant-id is the tenant it was created in.`,
  '700024': () =>
    'the GitHub ID token was expired or not yet valid when Entra ID received it. Check the clock of the runner (it must be within minutes of UTC) and that no ID token is kept and presented again: each exchange needs a fresh one.',
  '90002': (identity) =>
    `tenant ${identity.tenantId} was not found. Check tenant-id (Entra ID > Overview > Tenant ID) and, outside the public cloud, AZURE_AUTHORITY_HOST.`,
};

/**
 * Why signing in to Azure failed, as one line: the fix for the Entra ID errors users meet, Entra's
 * own first line for any other AADSTS code. Anything else (a network error) is returned as it is.
 */
export function signInError(error: unknown, identity: AzureIdentity, token?: IdTokenClaims): unknown {
  // @azure/identity wraps what the assertion callback threw (the ID token request) as the cause.
  const cause = (error as { cause?: unknown } | undefined)?.cause;
  if (cause instanceof UserError) return cause;
  if (error instanceof UserError) return error;
  const entra = /AADSTS(\d+):[^\r\n]*/.exec(error instanceof Error ? error.message : String(error));
  if (!entra) return error;
  const fix = SIGN_IN_FIXES[entra[1]!];
  return new UserError(`Azure sign-in failed: ${fix ? `AADSTS${entra[1]}: ${fix(identity, token)}` : entra[0]}`);
}
