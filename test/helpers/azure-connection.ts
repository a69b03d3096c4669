/** The ArmConnection of tests: the fake ARM (and Entra ID) with its CA, fast polling and retries. */
import { DEFAULT_BLOB_ENDPOINT, type ArmConnection } from '../../src/azure/connection.js';
import type { FakeArm } from './arm-server.js';

export function fakeArmConnection(arm: FakeArm, blobEndpoint = DEFAULT_BLOB_ENDPOINT): ArmConnection {
  return {
    armEndpoint: arm.url,
    authorityHost: arm.url,
    tlsOptions: { ca: arm.ca },
    pollIntervalMs: 20,
    retryOptions: { maxRetries: 3, retryDelayInMs: 20, maxRetryDelayInMs: 200 },
    blobEndpoint: (account) => blobEndpoint.replace('{account}', account),
  };
}
