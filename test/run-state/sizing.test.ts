import { parseConfig } from '../../src/config/config.js';
import { adoptLoadRate, runSizing, sizedByRun, STATE_VERSION, type RunState } from '../../src/run-state/run-state.js';

const TWO_CORES = 2;

function deployedWith(raw: Record<string, string>): RunState {
  const config = parseConfig({ mode: 'deploy', ...raw }, {}, TWO_CORES);
  return {
    version: STATE_VERSION,
    runId: 'r1',
    platform: config.platform,
    createdAt: '2026-11-27T00:00:00.000Z',
    runDir: '/tmp/r1',
    ...runSizing(config),
    platformState: {},
  };
}

const sizeOf = (raw: Record<string, string>, run: RunState) => {
  const config = sizedByRun(parseConfig(raw, {}, TWO_CORES), run);
  return {
    tier: config.tier.name,
    eventsPerSecond: config.tier.eventsPerSecond,
    partitions: config.partitions,
    parallelism: config.parallelism,
    simulatorInstances: config.simulatorInstances,
  };
};

describe("a later stage: the sizing inputs it was given, the run's size for the rest", () => {
  it('submit-flink, load and measure called alone after deploy --tier 10 keep tier 10 (local sizing on 2 cores)', () => {
    const run = deployedWith({ tier: '10' });
    for (const mode of ['submit-flink', 'load', 'measure']) {
      expect(sizeOf({ mode }, run)).toEqual({
        tier: '10',
        eventsPerSecond: 10_000,
        partitions: 8,
        parallelism: 2,
        simulatorInstances: 2,
      });
    }
  });

  it('explicit sizes given to deploy stay with the run; a custom rate stays custom', () => {
    const run = deployedWith({ tier: '2000', partitions: '3', parallelism: '1', 'simulator-instances': '1' });
    expect(run.tier).toBe('2000');
    expect(sizeOf({ mode: 'measure' }, run)).toEqual({
      tier: 'custom',
      eventsPerSecond: 2000,
      partitions: 3,
      parallelism: 1,
      simulatorInstances: 1,
    });
  });

  it("a tier given to the stage wins, with that tier's parallelism and simulators; partitions stay the run's", () => {
    const run = deployedWith({});
    expect(sizeOf({ mode: 'load', tier: '2000' }, run)).toEqual({
      tier: 'custom',
      eventsPerSecond: 2000,
      partitions: 1,
      parallelism: 2,
      simulatorInstances: 1,
    });
    expect(sizeOf({ mode: 'load', 'simulator-instances': '2' }, run).simulatorInstances).toBe(2);
  });

  it('load records the rate it sends in the run, so the measurement that follows targets it', () => {
    const run = deployedWith({});
    adoptLoadRate(run, sizedByRun(parseConfig({ mode: 'load', tier: '2000' }, {}, TWO_CORES), run));
    expect([run.eventsPerSecond, run.tier, run.simulatorInstances]).toEqual([2000, '2000', 1]);
    expect(sizeOf({ mode: 'measure' }, run)).toMatchObject({ tier: 'custom', eventsPerSecond: 2000 });
  });

  it("a state written before the tier was recorded keeps the call's tier and simulator count", () => {
    const { tier: _tier, simulatorInstances: _instances, ...older } = deployedWith({ tier: '5' });
    expect(sizeOf({ mode: 'load', 'simulator-instances': '3' }, older)).toMatchObject({
      tier: '1',
      parallelism: older.parallelism,
      simulatorInstances: 3,
    });
  });
});
