/** measure on the local platform. */
import { NotImplementedError } from '../../errors.js';
import type { RunState } from '../../run-state/run-state.js';
import type { ModeContext } from '../platform.js';

export async function measureLocal(_ctx: ModeContext, _state: RunState): Promise<void> {
  throw new NotImplementedError("Mode 'measure' on platform 'local'", 'issue #7, measure');
}
