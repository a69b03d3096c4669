/**
 * The run's AKS cluster as the aks modes use it: the kubeconfig read through ARM, the API server's
 * service proxy (the hosted runner's only way in), the namespace and helm release names of the run,
 * and helm installs from this checkout's charts with values written to a 0600 file.
 */
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ArmClients } from '../../azure/clients.js';
import { azureState } from '../../azure/state.js';
import { UserError } from '../../errors.js';
import { FlinkRestClient } from '../../flink/rest-client.js';
import { kubeconfigFromArm } from '../../kubernetes/aks-credentials.js';
import { helmUninstall, helmUpgradeInstall } from '../../kubernetes/helm.js';
import { serviceProxy, type ServiceProxy } from '../../kubernetes/service-proxy.js';
import { repoRoot } from '../../repo-root.js';
import type { RunState } from '../../run-state/run-state.js';
import type { ModeContext } from '../platform.js';

/** Every release of the toolkit lives in this namespace; teardown deletes the whole cluster anyway. */
export const AKS_NAMESPACE = 'streaming-at-scale';

/** Release names of a run (the charts prefix every object with them). */
export function aksReleases(runId: string): { flink: string; load: string; agent: string } {
  return { flink: `flink-${runId}`, load: `load-${runId}`, agent: `agent-${runId}` };
}

export type AksChart = 'flink-job' | 'simulator';

export interface AksCluster {
  kubeconfigFile: string;
  proxy: ServiceProxy;
  /** Installs or upgrades a release of one of this checkout's charts with these values (secrets included). */
  install(
    release: string,
    chart: AksChart,
    values: object,
    options?: { wait?: boolean; waitForJobs?: boolean; timeoutSeconds?: number },
  ): Promise<void>;
  uninstall(release: string): Promise<void>;
  /** Flink's REST API of the run's job release, through the service proxy. */
  flinkRestUrl: string;
  flinkRest(): FlinkRestClient;
  close(): void;
}

export async function openAksCluster(ctx: ModeContext, state: RunState, clients: ArmClients): Promise<AksCluster> {
  const azure = azureState(state);
  const clusterName = azure.outputs?.flinkClusterName;
  if (!azure.resourceGroup || !clusterName)
    throw new UserError(`Run ${state.runId} has no AKS cluster recorded: run 'deploy' for it first.`);
  const kubeconfig = await kubeconfigFromArm(clients, azure.resourceGroup, clusterName, {
    runDir: state.runDir,
    reporter: ctx.reporter,
  });
  const proxy = serviceProxy(kubeconfig.cluster);
  const releases = aksReleases(state.runId);
  const release = { kubeconfigFile: kubeconfig.file, namespace: AKS_NAMESPACE };
  const flinkRestUrl = proxy.url({ namespace: AKS_NAMESPACE, name: `${releases.flink}-jobmanager`, port: 'rest' });
  return {
    kubeconfigFile: kubeconfig.file,
    proxy,
    install: async (name, chart, values, options = {}) => {
      // Secret values (storage key, SAS URLs) only ever in this 0600 file, removed after the install.
      const valuesFile = path.join(state.runDir, `${name}.values.json`);
      await writeFile(valuesFile, JSON.stringify(values), { mode: 0o600 });
      try {
        await helmUpgradeInstall({
          ...release,
          release: name,
          chart: path.join(repoRoot(), 'helm', chart),
          valuesFile,
          ...options,
        });
      } finally {
        await rm(valuesFile, { force: true });
      }
    },
    uninstall: (name) => helmUninstall({ ...release, release: name }),
    flinkRestUrl,
    flinkRest: () => new FlinkRestClient(flinkRestUrl, { fetch: proxy.fetch, timeoutMs: 30_000 }),
    close: () => proxy.close(),
  };
}
