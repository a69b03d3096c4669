/**
 * Tier presets from the origin sample's create-solution.sh (see docs/architecture.md), and the
 * sizing rule for a custom events/s rate. Pure: no I/O.
 */
export interface VmPool {
  count: number;
  size: string;
}

export interface Tier {
  /** '1', '5', '10' for the presets; 'custom' for a plain events/s number. */
  name: '1' | '5' | '10' | 'custom';
  eventsPerSecond: number;
  partitions: number;
  flinkParallelism: number;
  simulatorInstances: number;
  kafkaWorkers: VmPool;
  aksNodes: VmPool;
  yarnWorkers: VmPool;
}

const D3_V2 = 'Standard_D3_V2';

export const TIER_PRESETS: Readonly<Record<'1' | '5' | '10', Tier>> = {
  '1': {
    name: '1',
    eventsPerSecond: 1_000,
    partitions: 1,
    flinkParallelism: 1,
    simulatorInstances: 1,
    kafkaWorkers: { count: 4, size: D3_V2 },
    aksNodes: { count: 3, size: 'Standard_D2s_v3' },
    yarnWorkers: { count: 3, size: D3_V2 },
  },
  '5': {
    name: '5',
    eventsPerSecond: 5_000,
    partitions: 4,
    flinkParallelism: 4,
    simulatorInstances: 3,
    kafkaWorkers: { count: 4, size: D3_V2 },
    aksNodes: { count: 5, size: 'Standard_D2s_v3' },
    yarnWorkers: { count: 3, size: D3_V2 },
  },
  '10': {
    name: '10',
    eventsPerSecond: 10_000,
    partitions: 8,
    flinkParallelism: 8,
    simulatorInstances: 5,
    kafkaWorkers: { count: 4, size: D3_V2 },
    aksNodes: { count: 4, size: 'Standard_D4s_v3' },
    yarnWorkers: { count: 3, size: D3_V2 },
  },
};

/** The highest custom rate accepted: far above what the largest preset deploys. */
export const MAX_EVENTS_PER_SECOND = 1_000_000;

/**
 * A custom rate gets the smallest preset's infrastructure that covers it (or the largest), and
 * partitions, parallelism and simulator instances scaled like the presets: one partition and one
 * Flink slot per 1,250 events/s, one simulator instance per 2,000 events/s.
 */
export function customTier(eventsPerSecond: number): Tier {
  const base =
    eventsPerSecond <= 1_000 ? TIER_PRESETS['1'] : eventsPerSecond <= 5_000 ? TIER_PRESETS['5'] : TIER_PRESETS['10'];
  const partitions = Math.max(1, Math.ceil(eventsPerSecond / 1_250));
  return {
    ...base,
    name: 'custom',
    eventsPerSecond,
    partitions,
    flinkParallelism: partitions,
    simulatorInstances: Math.max(1, Math.ceil(eventsPerSecond / 2_000)),
  };
}

/**
 * Flink slots and simulator processes for the local platform, where simulator, Kafka and Flink
 * share one machine: the tier's figures, but no more of each than the machine has cores. More only
 * adds contention: one simulator process paces 10,000 events/s on about half a core, and a Flink
 * slot per core already parses and enriches far more (docs/benchmarks.md).
 */
export function localSizing(tier: Tier, cores: number): Pick<Tier, 'flinkParallelism' | 'simulatorInstances'> {
  const most = Math.max(1, Math.floor(cores));
  return {
    flinkParallelism: Math.min(tier.flinkParallelism, most),
    simulatorInstances: Math.min(tier.simulatorInstances, most),
  };
}

/** The `tier` input that selects this tier again: '1', '5', '10', or a custom rate such as '2000'. */
export function tierInput(tier: Tier): string {
  return tier.name === 'custom' ? String(tier.eventsPerSecond) : tier.name;
}
