/** Errors of the Azure modes. */
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
