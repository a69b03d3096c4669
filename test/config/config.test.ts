import path from 'node:path';
import { parseConfig } from '../../src/config/config.js';
import type { RawInputs } from '../../src/config/inputs.js';
import { TIER_PRESETS } from '../../src/config/tiers.js';
import { InputError } from '../../src/errors.js';
import { expectInputError } from '../helpers/input-errors.js';

const AZURE = {
  platform: 'aks',
  'solution-name': 'sasbench01',
  'client-id': '11111111-2222-3333-4444-555555555555',
  'tenant-id': '66666666-7777-8888-9999-000000000000',
  'subscription-id': 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
};

describe('parseConfig: bad inputs', () => {
  // [what, inputs, input named in the error, text the error must contain]
  const cases: Array<[string, RawInputs, string, RegExp]> = [
    [
      'unknown mode',
      { mode: 'deplyo' },
      'mode',
      /Allowed: deploy, submit-flink, load, measure, teardown, cleanup, run/,
    ],
    ['unknown platform', { mode: 'deploy', platform: 'gke' }, 'platform', /Allowed: local, external, aks, hdinsight/],
    ['tier 0', { mode: 'deploy', tier: '0' }, 'tier', /Allowed: 1, 5 or 10/],
    ['tier -5', { mode: 'deploy', tier: '-5' }, 'tier', /whole number of events per second/],
    ['tier abc', { mode: 'deploy', tier: 'abc' }, 'tier', /"abc"/],
    ['tier 1.5', { mode: 'deploy', tier: '1.5' }, 'tier', /Allowed: 1, 5 or 10/],
    ['unknown job', { mode: 'deploy', job: 'relay' }, 'job', /Allowed: simple-relay, complex-processing/],
    ['solution name with capitals', { mode: 'deploy', 'solution-name': 'MyBench' }, 'solution-name', /lowercase/],
    [
      'solution name with hyphens',
      { mode: 'deploy', 'solution-name': 'my-bench' },
      'solution-name',
      /letters and digits/,
    ],
    ['solution name too long', { mode: 'deploy', 'solution-name': 'abcdefghijklmnopqr' }, 'solution-name', /3-17/],
    ['solution name too short', { mode: 'deploy', 'solution-name': 'ab' }, 'solution-name', /3-17/],
    [
      'solution name starting with a digit',
      { mode: 'deploy', 'solution-name': '1bench' },
      'solution-name',
      /starting with a letter/,
    ],
    ['minutes 0', { mode: 'measure', minutes: '0' }, 'minutes', /greater than 0/],
    ['minutes negative', { mode: 'measure', minutes: '-3' }, 'minutes', /greater than 0/],
    ['minutes not a number', { mode: 'measure', minutes: 'ten' }, 'minutes', /"ten"/],
    ['interval 0', { mode: 'measure', 'interval-seconds': '0' }, 'interval-seconds', /whole number from 1/],
    [
      'azure without solution name',
      { ...AZURE, mode: 'deploy', 'solution-name': '' },
      'solution-name',
      /needs a solution name/,
    ],
    ['azure without client-id', { ...AZURE, mode: 'deploy', 'client-id': '' }, 'client-id', /OIDC/],
    ['azure without tenant-id', { ...AZURE, mode: 'deploy', 'tenant-id': undefined }, 'tenant-id', /tenant-id/],
    [
      'azure without subscription-id',
      { ...AZURE, mode: 'deploy', 'subscription-id': '' },
      'subscription-id',
      /subscription-id/,
    ],
    ['client-id not a GUID', { ...AZURE, mode: 'deploy', 'client-id': 'my-app' }, 'client-id', /GUID/],
    ['wait outside load', { mode: 'measure', wait: 'true' }, 'wait', /mode 'load' only/],
    ['wait not a boolean', { mode: 'load', wait: 'yes' }, 'wait', /true or false/],
    ['cleanup on local', { mode: 'cleanup' }, 'platform', /use platform 'aks' or 'hdinsight'/],
    [
      'regression without baseline',
      { mode: 'measure', 'max-regression-percent': '10' },
      'max-regression-percent',
      /baseline-report/,
    ],
    [
      'steady minutes longer than the run',
      { mode: 'measure', minutes: '2', 'min-steady-minutes': '5' },
      'min-steady-minutes',
      /cannot exceed the intervals measured \(2: minutes 2 x 60 \/ interval-seconds 60\)/,
    ],
    ['ab on Azure', { ...AZURE, mode: 'ab' }, 'platform', /use platform 'local'/],
    ['one A/B round', { mode: 'ab', rounds: '1' }, 'rounds', /whole number from 2 to 20/],
    ['a minimum effect of 0', { mode: 'ab', 'min-effect-percent': '0' }, 'min-effect-percent', /greater than 0/],
    ['inconclusive-fails maybe', { mode: 'ab', 'inconclusive-fails': 'maybe' }, 'inconclusive-fails', /true or false/],
    [
      'a negative head work',
      { mode: 'ab', 'head-synthetic-work-us': '-5' },
      'head-synthetic-work-us',
      /whole number from 0/,
    ],
    ['partitions 0', { mode: 'deploy', partitions: '0' }, 'partitions', /whole number from 1/],
    ['unknown comment policy', { mode: 'measure', comment: 'sometimes' }, 'comment', /always, on-failure, never/],
    // A run id names the folder teardown deletes: never the work dir, its parent or another folder.
    ['run id ..', { mode: 'teardown', 'run-id': '..' }, 'run-id', /not starting with a dot/],
    ['run id .', { mode: 'teardown', 'run-id': '.' }, 'run-id', /not starting with a dot/],
    ['run id .hidden', { mode: 'measure', 'run-id': '.hidden' }, 'run-id', /not starting with a dot/],
    ['run id ../x', { mode: 'teardown', 'run-id': '../x' }, 'run-id', /letters, digits, dots, dashes and underscores/],
    ['run id a/b', { mode: 'teardown', 'run-id': 'a/b' }, 'run-id', /it names the run's folder in work-dir/],
    ['run id a\\b', { mode: 'teardown', 'run-id': 'a\\b' }, 'run-id', /letters, digits/],
    ['run id /tmp', { mode: 'run', 'run-id': '/tmp' }, 'run-id', /letters, digits/],
    ['run id of 101 characters', { mode: 'deploy', 'run-id': 'r'.repeat(101) }, 'run-id', /1-100 letters/],
    [
      'minutes 0.001',
      { mode: 'measure', minutes: '0.001' },
      'minutes',
      /Expected at least 0\.1 \(6 s\) and at most 1440/,
    ],
    ['minutes 0.001 of a load', { mode: 'load', minutes: '0.001', wait: 'true' }, 'minutes', /at least 0\.1 \(6 s\)/],
    [
      'interval longer than the measurement',
      { mode: 'measure', minutes: '1', 'interval-seconds': '120' },
      'interval-seconds',
      /"120"\. It is longer than the measurement: minutes 1 measures 60 s, less than one interval \(interval-seconds 120\); measure at least 2 min, or sample more often \(interval-seconds at most 60\)\./,
    ],
    [
      'minutes shorter than the default interval',
      { mode: 'run', minutes: '0.5' },
      'minutes',
      /"0\.5"\. Too short for one row of the table: minutes 0\.5 measures 30 s, less than one interval \(interval-seconds 60\)/,
    ],
    [
      'ab shorter than its interval',
      { mode: 'ab', minutes: '0.1', 'interval-seconds': '10' },
      'interval-seconds',
      /6 s/,
    ],
  ];

  it.each(cases)('%s', (_what, inputs, input, message) => {
    const error = expectInputError(() => parseConfig(inputs), input, message);
    expect(error.message).toContain(`Invalid input '${input}'`);
  });
});

describe('parseConfig: good inputs', () => {
  it('takes run ids with dots, dashes and underscores inside', () => {
    for (const runId of ['20260101-101010-abcd', 'r1', 'my_run.2', 'a..b', '-x', 'r'.repeat(100)]) {
      expect(parseConfig({ mode: 'teardown', 'run-id': runId }).runId).toBe(runId);
    }
  });

  it('takes a measurement of exactly one interval, and a short load whatever the interval', () => {
    expect(parseConfig({ mode: 'measure', minutes: '1', 'interval-seconds': '60' })).toMatchObject({ minutes: 1 });
    expect(parseConfig({ mode: 'measure', minutes: '0.1', 'interval-seconds': '6' })).toMatchObject({ minutes: 0.1 });
    expect(parseConfig({ mode: 'load', minutes: '0.5', wait: 'true' })).toMatchObject({ minutes: 0.5 });
    expect(parseConfig({ mode: 'deploy', minutes: '0.1' })).toMatchObject({ minutes: 0.1 });
  });

  it('mode ab: short runs sampled often, checkouts as absolute folders, the head work defaulting to the shared one', () => {
    const config = parseConfig({
      mode: 'ab',
      base: '../base',
      'synthetic-work-us': '100',
      'head-synthetic-work-us': '2000',
    });
    expect(config).toMatchObject({ minutes: 2, intervalSeconds: 10 });
    expect(config.ab).toEqual({
      base: path.resolve('../base'),
      head: path.resolve('.'),
      rounds: 3,
      baseSyntheticWorkUs: 100,
      headSyntheticWorkUs: 2000,
      minimumEffectPercent: 10,
      inconclusiveFails: false,
    });
    expect(parseConfig({ mode: 'run' }).ab).toBeUndefined();
    expect(parseConfig({ mode: 'ab', minutes: '5', 'interval-seconds': '30' })).toMatchObject({
      minutes: 5,
      intervalSeconds: 30,
    });
  });

  it('applies defaults for a local run', () => {
    const config = parseConfig({ mode: 'run' });
    expect(config).toMatchObject({
      platform: 'local',
      job: 'simple-relay',
      solutionName: 'local',
      minutes: 30,
      intervalSeconds: 60,
      audit: true,
      partitions: 1,
      parallelism: 1,
      comment: 'always',
      gate: { minPercentOfTarget: 90, minSteadyMinutes: 3, maxLoss: 0 },
    });
    expect(config.tier).toBe(TIER_PRESETS['1']);
    expect(config.azure).toBeUndefined();
  });

  it.each([
    ['1', 1_000, 1, 1, 1],
    ['5', 5_000, 4, 4, 3],
    ['10', 10_000, 8, 8, 5],
    ['10k', 10_000, 8, 8, 5],
    ['2000', 2_000, 2, 2, 1],
    ['12000', 12_000, 10, 10, 6],
  ])(
    'tier %s: %i events/s, %i partitions, parallelism %i, %i simulators',
    (tier, eps, partitions, parallelism, sims) => {
      for (const config of [
        parseConfig({ ...AZURE, mode: 'deploy', tier }),
        parseConfig({ mode: 'deploy', tier }, {}, 64),
      ]) {
        expect(config.tier.eventsPerSecond).toBe(eps);
        expect(config.partitions).toBe(partitions);
        expect(config.parallelism).toBe(parallelism);
        expect(config.simulatorInstances).toBe(sims);
      }
    },
  );

  it("on platform local, no more Flink slots or simulators than cores; partitions stay the tier's", () => {
    const tier10 = (cores: number) => parseConfig({ mode: 'run', tier: '10' }, {}, cores);
    expect([tier10(2).partitions, tier10(2).parallelism, tier10(2).simulatorInstances]).toEqual([8, 2, 2]);
    expect([tier10(6).parallelism, tier10(6).simulatorInstances]).toEqual([6, 5]);
    expect([tier10(1).parallelism, tier10(1).simulatorInstances]).toEqual([1, 1]);
    // On Azure the machine running the action is not where the pipeline runs.
    const aks = parseConfig({ ...AZURE, mode: 'deploy', tier: '10' }, {}, 2);
    expect([aks.parallelism, aks.simulatorInstances]).toEqual([8, 5]);
    // Explicit inputs win.
    const explicit = parseConfig({ mode: 'run', tier: '10', parallelism: '8', 'simulator-instances': '5' }, {}, 2);
    expect([explicit.parallelism, explicit.simulatorInstances]).toEqual([8, 5]);
  });

  it('keeps the seed sizing of each preset', () => {
    expect(TIER_PRESETS['10'].aksNodes).toEqual({ count: 4, size: 'Standard_D4s_v3' });
    expect(TIER_PRESETS['5'].aksNodes).toEqual({ count: 5, size: 'Standard_D2s_v3' });
    expect(TIER_PRESETS['1'].kafkaWorkers).toEqual({ count: 4, size: 'Standard_D3_V2' });
  });

  it('overrides tier figures with explicit inputs', () => {
    const config = parseConfig({ mode: 'deploy', tier: '5', partitions: '6', parallelism: '2' }, {}, 64);
    expect([config.partitions, config.parallelism, config.simulatorInstances]).toEqual([6, 2, 3]);
  });

  it('reads the Azure identity for Azure platforms', () => {
    const config = parseConfig({ ...AZURE, mode: 'deploy' });
    expect(config.azure).toEqual({
      clientId: AZURE['client-id'],
      tenantId: AZURE['tenant-id'],
      subscriptionId: AZURE['subscription-id'],
    });
    expect(config.audit).toBe(false);
  });

  it('shortens the steady-state requirement for short runs', () => {
    expect(parseConfig({ mode: 'measure', minutes: '2' }).gate.minSteadyMinutes).toBe(1);
    expect(parseConfig({ mode: 'measure', minutes: '3' }).gate.minSteadyMinutes).toBe(2);
  });
});

describe('parseConfig: max-duration-minutes', () => {
  const message = (raw: RawInputs): string => {
    try {
      parseConfig(raw, {});
    } catch (error) {
      expect(error).toBeInstanceOf(InputError);
      return (error as Error).message;
    }
    throw new Error('accepted');
  };

  it("defaults to 120, enough for the seed's 30 minutes after an HDInsight deploy", () => {
    expect(parseConfig({ mode: 'deploy', ...AZURE }, {}).maxDurationMinutes).toBe(120);
    expect(parseConfig({ mode: 'run', ...AZURE, 'simulator-image': 'ghcr.io/o/i:1' }, {}).maxDurationMinutes).toBe(120);
  });

  it('refuses what is not a whole number of minutes, naming the input', () => {
    for (const bad of ['0', 'abc', '-5', '90.5', '4321'])
      expect(message({ mode: 'measure', 'max-duration-minutes': bad })).toBe(
        `Invalid input 'max-duration-minutes': ${JSON.stringify(bad)}. Expected a whole number from 1 to 4320.`,
      );
  });

  it('refuses, on deploy and run on Azure, less than minutes + 30 of deploy + 10 of stage start-up', () => {
    expect(
      parseConfig({ mode: 'deploy', ...AZURE, minutes: '30', 'max-duration-minutes': '70' }, {}).maxDurationMinutes,
    ).toBe(70);
    expect(message({ mode: 'deploy', ...AZURE, minutes: '30', 'max-duration-minutes': '69' })).toBe(
      "Invalid input 'max-duration-minutes': \"69\". A run measuring 30 min needs at least 70: 30 for deploy (HDInsight clusters take 20-30), 10 for the later stages to start, then 'minutes'. Raise it, or measure for less.",
    );
    // The default too, for a measurement it cannot hold: the error says which input to raise.
    expect(message({ mode: 'deploy', ...AZURE, minutes: '90' })).toMatch(
      /^Invalid input 'max-duration-minutes': "120"\. A run measuring 90 min needs at least 130/,
    );
    expect(message({ mode: 'deploy', ...AZURE, minutes: '0.5', 'max-duration-minutes': '40' })).toMatch(
      /needs at least 41/,
    );
  });

  it('leaves later modes and platform local alone (deploy set the deadline; local has no bill)', () => {
    expect(
      parseConfig({ mode: 'measure', ...AZURE, 'simulator-image': 'ghcr.io/o/i:1', minutes: '90' }, {})
        .maxDurationMinutes,
    ).toBe(120);
    expect(parseConfig({ mode: 'run', minutes: '200' }, {}).maxDurationMinutes).toBe(120);
  });

  it('refuses a resource group that cleanup may delete before the run may end', () => {
    expect(message({ mode: 'deploy', ...AZURE, 'expires-in-hours': '1' })).toBe(
      'Invalid input \'expires-in-hours\': "1". The scheduled cleanup could delete the resource group while the run may still go on (max-duration-minutes 120): make it at least 2.',
    );
  });
});
