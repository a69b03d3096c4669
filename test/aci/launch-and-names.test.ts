/**
 * The pieces the container instances are built from: the simulator's launch arguments (read back
 * by its own parser), its stats lines (read back from logs), container group names, and the
 * simulators subnet's delegation in the Bicep and the compiled template.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { containerGroupName } from '../../src/azure/container-instances.js';
import { parseSimulatorArgs } from '../../simulator/src/args.js';
import { simulatorArgs } from '../../simulator/src/launch.js';
import { parseStatsLine, statsLine } from '../../simulator/src/stats-file.js';
import { REPO_ROOT } from '../helpers/processes.js';

describe('simulatorArgs', () => {
  it('builds what the simulator parses back, for every setting', () => {
    const args = simulatorArgs({
      bootstrapServers: '10.0.1.11:9092,10.0.1.12:9092',
      topic: 'in',
      eventsPerSecond: 10_000,
      instanceIndex: 4,
      instanceCount: 5,
      durationSeconds: 1800.4,
      statsFile: '/tmp/stats-4.json',
      statsIntervalSeconds: 1,
    });
    expect(parseSimulatorArgs(args)).toEqual({
      kind: 'run',
      statsFile: '/tmp/stats-4.json',
      options: {
        brokers: ['10.0.1.11:9092', '10.0.1.12:9092'],
        topic: 'in',
        eventsPerSecond: 10_000,
        instanceIndex: 4,
        instanceCount: 5,
        durationSeconds: 1800,
        statsIntervalSeconds: 1,
      },
    });
  });

  it('leaves out the optional settings not given', () => {
    const args = simulatorArgs({
      bootstrapServers: 'b:9092',
      topic: 'in',
      eventsPerSecond: 1000,
      instanceIndex: 0,
      instanceCount: 1,
      durationSeconds: 60,
    });
    expect(args).not.toContain('--stats-file');
    expect(args).not.toContain('--stats-interval-seconds');
  });
});

describe('parseStatsLine', () => {
  const stats = {
    sent: 1_234_567,
    acknowledged: 1_234_001,
    duplicatesSent: 1_234,
    errors: 12,
    shortfall: 5_432,
    elapsedSeconds: 1234.5,
    currentRate: 1000.2,
    averageRate: 999.9,
    targetRate: 1000,
  };

  it('reads back the counts statsLine prints, also after a prefix', () => {
    const expected = { sent: 1_234_567, acknowledged: 1_234_001, errors: 12, shortfall: 5_432, elapsedSeconds: 1234.5 };
    expect(parseStatsLine(statsLine(stats))).toEqual(expected);
    expect(parseStatsLine(`Finished: ${statsLine(stats)}`)).toEqual(expected);
  });

  it('reads a line without duplicates or shortfall (printed only when non-zero) as zero shortfall', () => {
    const line = statsLine({ ...stats, duplicatesSent: 0, shortfall: 0, elapsedSeconds: 5 });
    expect(line).not.toContain('shortfall');
    expect(parseStatsLine(line)).toMatchObject({ shortfall: 0, sent: 1_234_567, elapsedSeconds: 5 });
  });

  it('ignores any other line', () => {
    expect(parseStatsLine("Simulator 1/3: 1666.7 events/s to topic 'in' on b:9092.")).toBeUndefined();
    expect(parseStatsLine('error: KafkaJSConnectionError: Connection timeout')).toBeUndefined();
    expect(parseStatsLine('')).toBeUndefined();
  });
});

describe('containerGroupName', () => {
  const ACI_NAME = /^[a-z0-9]([a-z0-9]|-(?!-)){0,61}[a-z0-9]$/;

  it('is the role and the run id, as ACI allows names', () => {
    expect(containerGroupName('sim-2', '20261126-152807-ab12')).toBe('sim-2-20261126-152807-ab12');
    expect(containerGroupName('measure-agent', 'My_Run.01')).toBe('measure-agent-my-run-01');
  });

  it('keeps the role whole and cuts a long run id to 63 characters, never ending in a hyphen', () => {
    const name = containerGroupName('sim-10', `${'a'.repeat(55)}-${'b'.repeat(20)}`);
    expect(name).toMatch(ACI_NAME);
    expect(name.startsWith('sim-10-aaaa')).toBe(true);
    expect(name.length).toBeLessThanOrEqual(63);
    expect(containerGroupName('sim-0', `${'x'.repeat(56)}-y`)).toMatch(ACI_NAME);
  });
});

describe('the simulators subnet', () => {
  const DELEGATION = 'Microsoft.ContainerInstance/containerGroups';

  it('is delegated to container groups in the Bicep and in the compiled main.json', async () => {
    const bicep = await readFile(path.join(REPO_ROOT, 'bicep', 'modules', 'network.bicep'), 'utf8');
    const subnet = bicep.slice(bicep.indexOf("name: 'simulators'"));
    expect(subnet.slice(0, subnet.indexOf('output '))).toContain(`serviceName: '${DELEGATION}'`);

    const template = JSON.parse(await readFile(path.join(REPO_ROOT, 'bicep', 'main.json'), 'utf8')) as unknown;
    const subnets: Array<{
      name: string;
      properties: { delegations?: Array<{ properties: { serviceName: string } }> };
    }> = [];
    const visit = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(visit);
      else if (node && typeof node === 'object') {
        const resource = node as { type?: string; properties?: { subnets?: typeof subnets } };
        if (resource.type === 'Microsoft.Network/virtualNetworks')
          subnets.push(...(resource.properties?.subnets ?? []));
        Object.values(node).forEach(visit);
      }
    };
    visit(template);
    const simulators = subnets.find((s) => s.name === 'simulators');
    expect(simulators?.properties.delegations?.map((d) => d.properties.serviceName)).toEqual([DELEGATION]);
  });
});
