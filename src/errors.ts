/**
 * Errors the user can act on. They are printed as one line (no stack trace) and make the
 * process exit non-zero; anything else is a bug and keeps its stack.
 */
export class UserError extends Error {
  override name = 'UserError';
}

/** A bad input value: names the input, the value given and what is allowed. */
export class InputError extends UserError {
  override name = 'InputError';
  constructor(
    readonly input: string,
    value: string,
    allowed: string,
  ) {
    super(`Invalid input '${input}': ${JSON.stringify(value)}. ${allowed}`);
  }
}

/** A path that is designed but not built yet: says so and fails, never pretends success. */
export class NotImplementedError extends UserError {
  override name = 'NotImplementedError';
  constructor(what: string, tracking: string) {
    super(`${what} is not implemented yet (${tracking}).`);
  }
}

export function errorMessage(error: unknown): string {
  if (error instanceof UserError) return error.message;
  if (error instanceof Error) return error.stack ?? error.message;
  return String(error);
}
