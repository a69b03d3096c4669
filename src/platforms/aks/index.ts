/**
 * Platform aks: HDInsight Kafka with Flink on AKS. Everything reaches the cluster through ARM (its
 * kubeconfig) and the API server (helm, the service proxy): a hosted runner needs nothing else.
 */
import { flinkFigures } from '../../flink/figures.js';
import type { AzurePlatformParts } from '../azure/parts.js';
import { privateKafkaBrokers } from '../azure/brokers.js';
import { runFlinkJobId } from '../azure/flink-job.js';
import { measureOnAzure } from '../azure/measure.js';
import { openAksCluster } from './cluster.js';
import { startAksLoad, stopAksLoad } from './load.js';
import { aksMeasureAgent } from './measure-agent.js';
import { submitFlinkAks } from './submit.js';

export const aksParts: AzurePlatformParts = {
  submitFlink: (ctx, state, clients) => submitFlinkAks(ctx, state, clients),
  load: (ctx, state, clients, durationSeconds) => startAksLoad(ctx, state, clients, durationSeconds),
  stopLoad: (ctx, state, clients) => stopAksLoad(ctx, state, clients),
  measure: async (ctx, state, clients) => {
    const brokers = await privateKafkaBrokers(ctx, state, clients);
    const cluster = await openAksCluster(ctx, state, clients);
    try {
      // The flink-job release's REST API follows from the run id: a later job finds the job there.
      const flink = cluster.flinkRest();
      const jobId = await runFlinkJobId(ctx, state, { client: flink, restUrl: cluster.flinkRestUrl });
      return await measureOnAzure(ctx, state, clients, {
        agent: aksMeasureAgent(ctx, state, cluster, brokers),
        flinkFigures: jobId ? () => flinkFigures(flink, jobId) : undefined,
        // The simulators' counters stay in their pods' logs; the report says the figures are unknown.
        loadStats: async () => null,
      });
    } finally {
      cluster.close();
    }
  },
};
