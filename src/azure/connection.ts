/**
 * Where the ARM and Entra ID endpoints are. The public cloud by default; the environment can point
 * the real SDK clients elsewhere (a sovereign cloud, or the local fake ARM of the tests).
 */
/** The part of @azure/core-rest-pipeline's TlsSettings this toolkit uses. */
export interface TlsSettings {
  ca?: string | Buffer | Array<string | Buffer>;
}

export const DEFAULT_ARM_ENDPOINT = 'https://management.azure.com';
export const DEFAULT_AUTHORITY_HOST = 'https://login.microsoftonline.com';
/** The api-version of Microsoft.Resources this toolkit speaks (resource groups and deployments). */
export const RESOURCES_API_VERSION = '2024-03-01';

export interface ArmConnection {
  armEndpoint: string;
  authorityHost: string;
  /** Extra trusted CA for HTTPS (tests); the process also honours NODE_EXTRA_CA_CERTS. */
  tlsOptions?: TlsSettings;
  retryOptions?: { maxRetries?: number; retryDelayInMs?: number; maxRetryDelayInMs?: number };
  /** How often long-running operations are polled when ARM gives no Retry-After. */
  pollIntervalMs: number;
  /** The Blob service URL of a storage account (Azure's, or a local emulator's in tests). */
  blobEndpoint(account: string): string;
}

/** Azure's Blob endpoint; a template with {account} (e.g. Azurite's http://127.0.0.1:10000/{account}) replaces it. */
export const DEFAULT_BLOB_ENDPOINT = 'https://{account}.blob.core.windows.net';

export function armConnection(env: NodeJS.ProcessEnv = process.env): ArmConnection {
  return {
    armEndpoint: (env.STREAMING_AT_SCALE_ARM_ENDPOINT || DEFAULT_ARM_ENDPOINT).replace(/\/+$/, ''),
    authorityHost: (env.AZURE_AUTHORITY_HOST || DEFAULT_AUTHORITY_HOST).replace(/\/+$/, ''),
    pollIntervalMs: 10_000,
    blobEndpoint: (account) =>
      (env.STREAMING_AT_SCALE_BLOB_ENDPOINT || DEFAULT_BLOB_ENDPOINT).replace('{account}', account).replace(/\/+$/, ''),
  };
}
