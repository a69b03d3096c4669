/** The measure agent on aks: the helm/simulator chart's agent release, one Job in the cluster's VNet. */
import type { RunState } from '../../run-state/run-state.js';
import type { MeasureAgentLauncher } from '../azure/measure.js';
import { simulatorImage } from '../azure/simulator-image.js';
import type { ModeContext } from '../platform.js';
import { measureAgentChartValues } from './chart-values.js';
import { AKS_NAMESPACE, aksReleases, type AksCluster } from './cluster.js';

/** The SAS outlives the measurement by the agent's start (image pull) and its last upload. */
const SAS_MARGIN_MINUTES = 30;

export function aksMeasureAgent(
  ctx: ModeContext,
  state: RunState,
  cluster: AksCluster,
  brokers: string,
): MeasureAgentLauncher {
  const release = aksReleases(state.runId).agent;
  return {
    start: async (measurementId, storage, container) => {
      const { config, reporter } = ctx;
      const { values, secretValues } = measureAgentChartValues(config, {
        simulatorImage: simulatorImage(config),
        bootstrapServers: brokers,
        eventsPerSecond: state.eventsPerSecond,
        runId: state.runId,
        measurementId,
        measurementsContainerUrl: storage.containerUrl(
          container,
          'racwl',
          Math.ceil(config.minutes) + SAS_MARGIN_MINUTES,
        ),
      });
      await cluster.uninstall(release); // a Job cannot be upgraded in place
      reporter.info(
        `Installing helm release ${release}: the measure agent (${config.minutes} min, measurement ${measurementId})...`,
      );
      await cluster.install(release, 'simulator', { ...values, ...secretValues });
      return `Kubernetes Job ${release}-measure-agent (kubectl logs -n ${AKS_NAMESPACE} job/${release}-measure-agent)`;
    },
    stop: () => cluster.uninstall(release),
  };
}
