/**
 * Platform hdinsight: HDInsight Kafka with Flink on an HDInsight Hadoop (YARN) cluster. Flink is
 * submitted by a script action and reached through the YARN proxy behind the cluster's gateway;
 * simulators and the measure agent are container instances in the VNet.
 */
import { azureState } from '../../azure/state.js';
import { flinkFigures } from '../../flink/figures.js';
import { privateKafkaBrokers } from '../azure/brokers.js';
import { runFlinkJobId } from '../azure/flink-job.js';
import { measureOnAzure } from '../azure/measure.js';
import type { AzurePlatformParts } from '../azure/parts.js';
import { hdinsightLoadStats, startHdinsightLoad, stopHdinsightLoad } from './load.js';
import { startHdinsightMeasureAgent, stopHdinsightMeasureAgent } from './measure-agent.js';
import { hdinsightFlinkRest, submitFlinkHdinsight } from './submit.js';

export const hdinsightParts: AzurePlatformParts = {
  submitFlink: (ctx, state, clients) => submitFlinkHdinsight(ctx, state, clients),
  load: async (ctx, state, clients, durationSeconds) => {
    const brokers = await privateKafkaBrokers(ctx, state, clients);
    await startHdinsightLoad(ctx, state, clients, brokers, durationSeconds);
  },
  stopLoad: (ctx, state, clients) => stopHdinsightLoad(ctx, state, clients),
  measure: async (ctx, state, clients) => {
    const brokers = await privateKafkaBrokers(ctx, state, clients);
    const flink = await hdinsightFlinkRest(ctx, state, clients);
    const jobId = await runFlinkJobId(ctx, state, flink);
    const group = azureState(state).resourceGroup;
    return measureOnAzure(ctx, state, clients, {
      agent: {
        start: async (measurementId) => {
          const name = await startHdinsightMeasureAgent(ctx, state, clients, brokers, measurementId);
          return `container instance ${name} (az container logs -g ${group} -n ${name})`;
        },
        stop: () => stopHdinsightMeasureAgent(ctx, state, clients),
      },
      flinkFigures: flink && jobId ? () => flinkFigures(flink.client, jobId) : undefined,
      loadStats: () => hdinsightLoadStats(ctx, state, clients),
    });
  },
};
