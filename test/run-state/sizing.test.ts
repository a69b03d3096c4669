import { parseConfig } from '../../src/config/config.js';
import { runSizing, sizedByRun, STATE_VERSION, type RunState } from '../../src/run-state/run-state.js';

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

describe("a later stage takes the run's size, not its own call's defaults", () => {
  it('submit-flink and load called alone after deploy --tier 10 keep tier 10 (local sizing on 2 cores)', () => {
    const run = deployedWith({ tier: '10' });
    for (const mode of ['submit-flink', 'load', 'measure']) {
      const config = sizedByRun(parseConfig({ mode }, {}, TWO_CORES), run);
      expect({
        tier: config.tier.name,
        eventsPerSecond: config.tier.eventsPerSecond,
        partitions: config.partitions,
        parallelism: config.parallelism,
        simulatorInstances: config.simulatorInstances,
      }).toEqual({ tier: '10', eventsPerSecond: 10_000, partitions: 8, parallelism: 2, simulatorInstances: 2 });
    }
  });

  it('explicit sizes given to deploy stay with the run; a custom rate stays custom', () => {
    const run = deployedWith({ tier: '2000', partitions: '3', parallelism: '1', 'simulator-instances': '1' });
    expect(run.tier).toBe('2000');
    const config = sizedByRun(parseConfig({ mode: 'load', tier: '5' }, {}, TWO_CORES), run);
    expect(config.tier).toMatchObject({ name: 'custom', eventsPerSecond: 2000 });
    expect([config.partitions, config.parallelism, config.simulatorInstances]).toEqual([3, 1, 1]);
  });

  it("a state written before the tier was recorded keeps the call's tier and simulator count", () => {
    const { tier: _tier, simulatorInstances: _instances, ...older } = deployedWith({ tier: '5' });
    const config = sizedByRun(
      parseConfig({ mode: 'load', tier: '5', 'simulator-instances': '3' }, {}, TWO_CORES),
      older,
    );
    expect(config.tier.name).toBe('5');
    expect(config.simulatorInstances).toBe(3);
    expect(config.parallelism).toBe(older.parallelism);
  });
});
