import { InputError } from '../../src/errors.js';

/** Expects `parse` to throw one InputError naming `input`, its message matching `message`. */
export function expectInputError(parse: () => unknown, input: string, message: RegExp): InputError {
  let thrown: unknown;
  try {
    parse();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(InputError);
  const error = thrown as InputError;
  expect(error.input).toBe(input);
  expect(error.message).toMatch(message);
  return error;
}
