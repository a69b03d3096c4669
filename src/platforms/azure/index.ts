/**
 * The Azure platforms: HDInsight Kafka with Flink on AKS (aks) or on an HDInsight Hadoop cluster
 * (hdinsight). deploy and teardown are ARM operations here; Flink, load and measure come with issue #9.
 */
import { deployAzure } from '../../azure/deploy.js';
import { defaultAzureDeps, type AzureDeps } from '../../azure/session.js';
import { teardownAzure } from '../../azure/teardown.js';
import type { PlatformName } from '../../config/inputs.js';
import { NotImplementedError } from '../../errors.js';
import type { Platform } from '../platform.js';

export function azurePlatform(name: Exclude<PlatformName, 'local'>, deps: AzureDeps = defaultAzureDeps()): Platform {
  const pending = (mode: string) => async (): Promise<never> => {
    throw new NotImplementedError(`Mode '${mode}' on platform '${name}'`, 'issue #9, Flink and load on Azure');
  };
  return {
    deploy: (ctx) => deployAzure(ctx, name, deps),
    submitFlink: pending('submit-flink'),
    load: pending('load'),
    stopLoad: pending('load'),
    measure: pending('measure'),
    teardown: async (ctx, state) => {
      await teardownAzure(ctx, state, deps);
    },
  };
}
