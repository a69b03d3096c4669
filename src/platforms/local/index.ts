/** The local platform: real Kafka and a real Flink cluster as plain Java processes on this machine. */
import { NotImplementedError } from '../../errors.js';
import type { Platform } from '../platform.js';

const pending = (mode: string) => async (): Promise<never> => {
  throw new NotImplementedError(`Mode '${mode}' on platform 'local'`, 'issue #5, the local platform');
};

export const localPlatform: Platform = {
  deploy: pending('deploy'),
  submitFlink: pending('submit-flink'),
  load: pending('load'),
  measure: pending('measure'),
  teardown: pending('teardown'),
};
