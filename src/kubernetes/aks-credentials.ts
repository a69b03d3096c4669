/**
 * The run's AKS cluster credentials through ARM (listClusterUserCredential with the run's OIDC
 * credential), so a hosted runner needs nothing but ARM and the cluster's public API server. The
 * kubeconfig is written for helm as a 0600 file in the run directory; its secrets are masked first.
 */
import { chmod, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ArmClients } from '../azure/clients.js';
import { armFailure } from '../azure/resource-groups.js';
import type { Reporter } from '../console/reporter.js';
import { UserError } from '../errors.js';
import { parseKubeconfig, type ClusterAccess } from './kubeconfig.js';

export interface AksKubeconfig {
  /** The kubeconfig as AKS returned it (YAML). */
  text: string;
  /** Where it was written (mode 0600), for helm's --kubeconfig. */
  file: string;
  cluster: ClusterAccess;
}

export const KUBECONFIG_FILE = 'kubeconfig';

export async function kubeconfigFromArm(
  clients: ArmClients,
  group: string,
  clusterName: string,
  options: { runDir: string; reporter: Reporter },
): Promise<AksKubeconfig> {
  const managedClusters = clients.containerService.managedClusters;
  const cluster = await managedClusters.get(group, clusterName).catch((error: unknown) => {
    throw armFailure(`Reading AKS cluster ${clusterName} in resource group ${group}`, error);
  });
  if (cluster.powerState?.code === 'Stopped') {
    throw new UserError(
      `AKS cluster ${clusterName} is stopped: start it (az aks start -g ${group} -n ${clusterName}) and retry.`,
    );
  }
  if (cluster.provisioningState !== 'Succeeded') {
    throw new UserError(
      `AKS cluster ${clusterName} is '${cluster.provisioningState}', not 'Succeeded': wait for it (or run 'deploy' again) and retry.`,
    );
  }
  const credentials = await managedClusters.listClusterUserCredentials(group, clusterName).catch((error: unknown) => {
    throw armFailure(`Reading the user credentials of AKS cluster ${clusterName}`, error);
  });
  const value = credentials.kubeconfigs?.find((kubeconfig) => kubeconfig.value?.length)?.value;
  if (!value) throw new UserError(`ARM returned no kubeconfig for AKS cluster ${clusterName}.`);
  const text = Buffer.from(value).toString('utf8');
  const access = parseKubeconfig(text, `AKS cluster ${clusterName}`);
  maskCredentials(text, access, options.reporter);

  const file = path.join(options.runDir, KUBECONFIG_FILE);
  await writeFile(file, text, { mode: 0o600 });
  // writeFile's mode applies only when it creates the file: a kubeconfig left by an earlier mode keeps its own.
  await chmod(file, 0o600);
  return { text, file, cluster: access };
}

/** The token, and the client key both as the kubeconfig carries it (base64) and line by line as PEM. */
function maskCredentials(text: string, access: ClusterAccess, reporter: Reporter): void {
  if (access.auth.token) reporter.setSecret(access.auth.token);
  const keyData = text.match(/^\s*client-key-data:\s*(\S+)\s*$/m)?.[1];
  if (keyData) reporter.setSecret(keyData);
  for (const line of access.auth.clientKey?.split('\n') ?? []) {
    if (line.trim() && !line.startsWith('-----')) reporter.setSecret(line.trim());
  }
}
