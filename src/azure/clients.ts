/** The real ARM SDK clients of a run, pointed at the configured endpoint with the OIDC credential. */
import { ResourceManagementClient } from '@azure/arm-resources';
import { DeploymentsClient } from '@azure/arm-resourcesdeployments';
import type { TokenCredential } from '@azure/identity';
import { RESOURCES_API_VERSION, type ArmConnection } from './connection.js';

export interface ArmClients {
  connection: ArmConnection;
  resources: ResourceManagementClient;
  deployments: DeploymentsClient;
}

export function armClients(credential: TokenCredential, subscriptionId: string, connection: ArmConnection): ArmClients {
  const options = {
    endpoint: connection.armEndpoint,
    apiVersion: RESOURCES_API_VERSION,
    // The token is for ARM of the public cloud unless the endpoint says otherwise.
    credentials: { scopes: [`${armAudience(connection.armEndpoint)}/.default`] },
    ...(connection.tlsOptions ? { tlsOptions: connection.tlsOptions } : {}),
    ...(connection.retryOptions ? { retryOptions: connection.retryOptions } : {}),
    userAgentOptions: { userAgentPrefix: 'streaming-at-scale' },
  };
  return {
    connection,
    resources: new ResourceManagementClient(credential, subscriptionId, options),
    deployments: new DeploymentsClient(credential, subscriptionId, options),
  };
}

/**
 * The token audience of an ARM endpoint: the public cloud's for management.azure.com and for any
 * endpoint that is not a known sovereign cloud (a local test server accepts that audience too).
 */
export function armAudience(endpoint: string): string {
  const host = new URL(endpoint).hostname;
  if (host === 'management.chinacloudapi.cn' || host === 'management.usgovcloudapi.net') return `https://${host}`;
  return 'https://management.azure.com';
}
