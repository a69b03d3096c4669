/** The real ARM SDK clients of a run, pointed at the configured endpoint with the OIDC credential. */
import { ContainerInstanceManagementClient } from '@azure/arm-containerinstance';
import { ContainerServiceClient } from '@azure/arm-containerservice';
import { HDInsightManagementClient } from '@azure/arm-hdinsight';
import { ResourceManagementClient } from '@azure/arm-resources';
import { DeploymentsClient } from '@azure/arm-resourcesdeployments';
import { StorageManagementClient } from '@azure/arm-storage';
import type { TokenCredential } from '@azure/identity';
import { RESOURCES_API_VERSION, type ArmConnection } from './connection.js';

export interface ArmClients {
  connection: ArmConnection;
  credential: TokenCredential;
  resources: ResourceManagementClient;
  deployments: DeploymentsClient;
  /** AKS: kubeconfig of the run's cluster. */
  containerService: ContainerServiceClient;
  /** HDInsight: script actions, gateway settings. */
  hdinsight: HDInsightManagementClient;
  /** Container instances in the VNet (simulators, measure agent on hdinsight). */
  containerInstances: ContainerInstanceManagementClient;
  /** The run's storage account keys. */
  storage: StorageManagementClient;
}

export function armClients(credential: TokenCredential, subscriptionId: string, connection: ArmConnection): ArmClients {
  const options = {
    endpoint: connection.armEndpoint,
    // The token is for ARM of the public cloud unless the endpoint says otherwise.
    credentials: { scopes: [`${armAudience(connection.armEndpoint)}/.default`] },
    ...(connection.tlsOptions ? { tlsOptions: connection.tlsOptions } : {}),
    ...(connection.retryOptions ? { retryOptions: connection.retryOptions } : {}),
    userAgentOptions: { userAgentPrefix: 'streaming-at-scale' },
  };
  // Every other provider client speaks its own SDK's default api-version.
  const resourcesOptions = { ...options, apiVersion: RESOURCES_API_VERSION };
  // The older generated clients (HDInsight, container instances) name the endpoint $host and the
  // token scopes credentialScopes.
  const classicOptions = { ...options, $host: connection.armEndpoint, credentialScopes: options.credentials.scopes };
  return {
    connection,
    credential,
    resources: new ResourceManagementClient(credential, subscriptionId, resourcesOptions),
    deployments: new DeploymentsClient(credential, subscriptionId, resourcesOptions),
    containerService: new ContainerServiceClient(credential, subscriptionId, options),
    hdinsight: new HDInsightManagementClient(credential, subscriptionId, classicOptions),
    containerInstances: new ContainerInstanceManagementClient(credential, subscriptionId, classicOptions),
    storage: new StorageManagementClient(credential, subscriptionId, options),
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
