/**
 * The estimated cost of an Azure run, by docs/cost.md's formula: billed hours (deploy + the
 * measurement and the load's margin + teardown) times the node pools' price per hour. The node
 * pools are what bicep/ deploys for the tier (head and ZooKeeper nodes are fixed in the modules,
 * workers and AKS nodes come from the tier); the prices are docs/cost.md's, with their date. A test
 * recomputes docs/cost.md's tables with this module, so the two cannot drift. Pure: no I/O.
 */
import type { PlatformName } from '../config/inputs.js';
import type { Tier, VmPool } from '../config/tiers.js';
import { AZURE_DEPLOY_MINUTES, AZURE_TEARDOWN_MINUTES, LOAD_MARGIN_SECONDS } from '../config/durations.js';
import type { RunCost } from './schema.js';

/** When the prices below were read (docs/cost.md, "Prices used"). */
export const PRICES_DATE = '2026-11-26';

/**
 * USD per node-hour, pay-as-you-go, Linux, East US. HDInsight bills its nodes at the VM price plus
 * its surcharge, so a size on an HDInsight cluster has another price than the same plain VM.
 */
export const PRICES_PER_NODE_HOUR = {
  hdinsight: { Standard_D3_V2: 0.314, Standard_A4_v2: 0.19 } as Readonly<Record<string, number>>,
  vm: { Standard_D2s_v3: 0.096, Standard_D4s_v3: 0.192 } as Readonly<Record<string, number>>,
};

/** Nodes every HDInsight cluster of bicep/modules/kafka.bicep and hadoop.bicep has, whatever the tier. */
const HEAD_NODES: VmPool = { count: 2, size: 'Standard_D3_V2' };
const ZOOKEEPER_NODES: VmPool = { count: 3, size: 'Standard_A4_v2' };

export interface NodePool extends VmPool {
  /** 'kafka' (HDInsight Kafka), 'aks' or 'hadoop' (HDInsight Hadoop running Flink on YARN). */
  cluster: 'kafka' | 'aks' | 'hadoop';
  role: 'head' | 'worker' | 'zookeeper' | 'node';
  usdPerNodeHour: number;
}

/** The run's node pools on an Azure platform; an unknown size is an error (add its price first). */
export function nodePools(platform: Exclude<PlatformName, 'local'>, tier: Tier): NodePool[] {
  const hdinsight = (cluster: 'kafka' | 'hadoop', role: NodePool['role'], pool: VmPool): NodePool => ({
    ...pool,
    cluster,
    role,
    usdPerNodeHour: price(PRICES_PER_NODE_HOUR.hdinsight, pool.size, 'HDInsight'),
  });
  const kafka = [
    hdinsight('kafka', 'head', HEAD_NODES),
    hdinsight('kafka', 'worker', tier.kafkaWorkers),
    hdinsight('kafka', 'zookeeper', ZOOKEEPER_NODES),
  ];
  const flink =
    platform === 'aks'
      ? [
          {
            ...tier.aksNodes,
            cluster: 'aks' as const,
            role: 'node' as const,
            usdPerNodeHour: price(PRICES_PER_NODE_HOUR.vm, tier.aksNodes.size, 'VM'),
          },
        ]
      : [
          hdinsight('hadoop', 'head', HEAD_NODES),
          hdinsight('hadoop', 'worker', tier.yarnWorkers),
          hdinsight('hadoop', 'zookeeper', ZOOKEEPER_NODES),
        ];
  return [...kafka, ...flink];
}

function price(prices: Readonly<Record<string, number>>, size: string, kind: string): number {
  const value = prices[size];
  if (value === undefined)
    throw new Error(`No ${kind} price for ${size}: add it to src/report/cost.ts and docs/cost.md.`);
  return value;
}

/** The hours billed for a run measuring `minutes`: deploy + (minutes + the load's margin) + teardown. */
export function billedHours(minutes: number): number {
  return (AZURE_DEPLOY_MINUTES + minutes + LOAD_MARGIN_SECONDS / 60 + AZURE_TEARDOWN_MINUTES) / 60;
}

export function usdPerHour(pools: readonly NodePool[]): number {
  return pools.reduce((sum, pool) => sum + pool.count * pool.usdPerNodeHour, 0);
}

/**
 * The run's estimated cost; null on platform local (it costs the runner's minutes, which GitHub
 * bills, if at all, by the repository's plan: docs/cost.md).
 */
export function estimateRunCost(platform: PlatformName, tier: Tier, minutes: number): RunCost | null {
  if (platform === 'local') return null;
  const pools = nodePools(platform, tier);
  const hours = billedHours(minutes);
  const perHour = usdPerHour(pools);
  return {
    estimatedUsd: roundCents(hours * perHour),
    billedHours: hours,
    usdPerHour: perHour,
    minutes,
    pricesDate: PRICES_DATE,
    nodePools: pools.map(({ cluster, role, count, size, usdPerNodeHour }) => ({
      cluster,
      role,
      count,
      size,
      usdPerNodeHour,
    })),
  };
}

/** Dollars to whole cents, as docs/cost.md prints them (and without binary-fraction tails). */
export function roundCents(usd: number): number {
  return Math.round(usd * 100) / 100;
}
