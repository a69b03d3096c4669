/**
 * Microsoft.ContainerService for the fake ARM (push `aks.route` onto `arm.providers`), at the
 * api-version @azure/arm-containerservice 25.5 sends:
 *
 * - managedClusters GET: the cluster as ManagedClustersGet.json shows it, with its own name, fqdn,
 *   provisioning and power state;
 * - managedClusters/{name}/listClusterUserCredential POST: the cluster's kubeconfig, base64 in
 *   `kubeconfigs[].value` as ManagedClustersListClusterUserCredentials.json shows (a test gives the
 *   kubeconfig of its fake Kubernetes API server, with that server's CA and credentials).
 *
 * Bodies follow test/fixtures/azure-rest-examples/aks/2024-08-01; errors ARM's shape.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { armError, EXAMPLES, json, type ArmProviderRoute } from '../arm-server.js';

/** What @azure/arm-containerservice 25.5.0 sends (its default apiVersion). */
export const CONTAINER_SERVICE_API_VERSION = '2026-06-01';
const EXAMPLE_VERSION = '2024-08-01';

export interface FakeAksCluster {
  resourceGroup: string;
  name: string;
  /** The kubeconfig (YAML text) listClusterUserCredential returns. */
  kubeconfig: string;
  provisioningState: string;
  powerState: 'Running' | 'Stopped';
}

export interface FakeAks {
  route: ArmProviderRoute;
  /** Clusters by `<resource group>/<name>` in lower case. */
  clusters: Map<string, FakeAksCluster>;
  add(resourceGroup: string, name: string, kubeconfig: string): FakeAksCluster;
  /** listClusterUserCredential calls answered. */
  credentialReads: number;
}

function example(file: string): { responses: Record<string, { body: Record<string, unknown> }> } {
  return JSON.parse(readFileSync(path.join(EXAMPLES, 'aks', EXAMPLE_VERSION, file), 'utf8'));
}

export function fakeAks(): FakeAks {
  const aks: FakeAks = {
    clusters: new Map(),
    credentialReads: 0,
    add(resourceGroup, name, kubeconfig) {
      const cluster: FakeAksCluster = {
        resourceGroup,
        name,
        kubeconfig,
        provisioningState: 'Succeeded',
        powerState: 'Running',
      };
      aks.clusters.set(`${resourceGroup}/${name}`.toLowerCase(), cluster);
      return cluster;
    },
    route(call, response) {
      const match = call.below?.match(
        /^\/providers\/Microsoft\.ContainerService\/managedClusters\/([^/]+)(\/[^/]+)?$/i,
      );
      if (!match || call.resourceGroup === undefined) return false;
      if (call.apiVersion !== CONTAINER_SERVICE_API_VERSION) {
        armError(
          response,
          400,
          'InvalidApiVersionParameter',
          `The api-version '${call.apiVersion}' is invalid. The supported versions are '${CONTAINER_SERVICE_API_VERSION}' (fake).`,
        );
        return true;
      }
      const group = call.arm.groups.get(call.resourceGroup.toLowerCase());
      if (!group) {
        armError(response, 404, 'ResourceGroupNotFound', `Resource group '${call.resourceGroup}' could not be found.`);
        return true;
      }
      const name = decodeURIComponent(match[1]);
      const action = match[2]?.slice(1);
      const cluster = aks.clusters.get(`${call.resourceGroup}/${name}`.toLowerCase());
      if (!cluster) {
        armError(
          response,
          404,
          'ResourceNotFound',
          `The Resource 'Microsoft.ContainerService/managedClusters/${name}' under resource group '${call.resourceGroup}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
        );
        return true;
      }
      const id = `/subscriptions/${call.arm.subscriptionId}/resourcegroups/${group.name}/providers/Microsoft.ContainerService/managedClusters/${cluster.name}`;
      if (!action && call.method === 'GET') {
        const body = example('ManagedClustersGet.json').responses['200'].body;
        const properties = body.properties as Record<string, unknown>;
        const fqdn = `${cluster.name}-dns-4f2a8c1e.hcp.${group.location}.azmk8s.io`;
        json(response, 200, {
          ...body,
          id,
          name: cluster.name,
          location: group.location,
          tags: group.tags,
          properties: {
            ...properties,
            provisioningState: cluster.provisioningState,
            powerState: { code: cluster.powerState },
            dnsPrefix: cluster.name,
            fqdn,
            azurePortalFQDN: fqdn.replace('.hcp.', '.portal.hcp.'),
          },
        });
        return true;
      }
      if (action === 'listClusterUserCredential' && call.method === 'POST') {
        aks.credentialReads++;
        const body = example('ManagedClustersListClusterUserCredentials.json').responses['200'].body;
        json(response, 200, {
          ...body,
          kubeconfigs: [{ name: 'clusterUser', value: Buffer.from(cluster.kubeconfig).toString('base64') }],
        });
        return true;
      }
      armError(response, 405, 'MethodNotAllowed', `${call.method} ${call.path}`);
      return true;
    },
  };
  return aks;
}
