/**
 * The Azure platforms: HDInsight Kafka with Flink on AKS (aks) or on an HDInsight Hadoop cluster
 * (hdinsight). deploy and teardown are the same ARM work for both; each platform adds how it runs
 * Flink, the load and the measure agent (src/platforms/aks, src/platforms/hdinsight).
 */
import { readDeadline } from '../../azure/deadline.js';
import { deployAzure } from '../../azure/deploy.js';
import { recoverAzureRun } from '../../azure/recover-state.js';
import { azureState } from '../../azure/state.js';
import { defaultAzureDeps, openArm, type AzureDeps } from '../../azure/session.js';
import { teardownAzure } from '../../azure/teardown.js';
import type { AzurePlatformName } from '../../config/inputs.js';
import { aksParts } from '../aks/index.js';
import { hdinsightParts } from '../hdinsight/index.js';
import type { Platform } from '../platform.js';
import { createHdinsightTopics } from './topics.js';

export function azurePlatform(name: AzurePlatformName, deps: AzureDeps = defaultAzureDeps()): Platform {
  const parts = name === 'aks' ? aksParts : hdinsightParts;
  return {
    deploy: async (ctx) => {
      const state = await deployAzure(ctx, name, deps);
      await createHdinsightTopics(ctx, state, openArm(ctx.config, deps));
      return state;
    },
    recoverRun: (ctx) => recoverAzureRun(ctx, deps),
    submitFlink: (ctx, state) => parts.submitFlink(ctx, state, openArm(ctx.config, deps)),
    load: (ctx, state, durationSeconds) => parts.load(ctx, state, openArm(ctx.config, deps), durationSeconds),
    stopLoad: (ctx, state) => parts.stopLoad(ctx, state, openArm(ctx.config, deps)),
    measure: (ctx, state) => parts.measure(ctx, state, openArm(ctx.config, deps)),
    timeLimit: async (ctx, state) => {
      const deadline = await readDeadline(state, ctx.config.solutionName, () => openArm(ctx.config, deps));
      if (!deadline) return undefined;
      const { maxDurationMinutes } = azureState(state);
      return { deadline, msLeft: deadline.getTime() - deps.now().getTime(), maxDurationMinutes };
    },
    teardown: async (ctx, state) => {
      await teardownAzure(ctx, state, deps);
    },
  };
}
