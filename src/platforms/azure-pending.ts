/**
 * The Azure platforms until their issues land: every mode says it is not implemented and fails,
 * so no workflow ever reports a benchmark that did not run.
 */
import type { PlatformName } from '../config/inputs.js';
import { NotImplementedError } from '../errors.js';
import type { Platform } from './platform.js';

export function pendingAzurePlatform(name: Exclude<PlatformName, 'local'>): Platform {
  const fail = (mode: string, issue: string) => async (): Promise<never> => {
    throw new NotImplementedError(`Mode '${mode}' on platform '${name}'`, issue);
  };
  return {
    deploy: fail('deploy', 'issue #8, Azure deploy/teardown'),
    submitFlink: fail('submit-flink', 'issue #9, Flink and load on Azure'),
    load: fail('load', 'issue #9, Flink and load on Azure'),
    measure: fail('measure', 'issue #9, Flink and load on Azure'),
    teardown: fail('teardown', 'issue #8, Azure deploy/teardown'),
  };
}
