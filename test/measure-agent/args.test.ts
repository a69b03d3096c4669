/** The measure agent's command line and blob format, without servers. */
import { helpText, parseSimulatorArgs } from '../../simulator/src/args.js';
import { emptyLatencyHistograms, latencySet } from '../../src/analysis/latency.js';
import {
  CONTAINER_URL_ENV,
  measureAgentArgs,
  measureAgentHelp,
  newMeasurementId,
} from '../../src/measure/agent/args.js';
import {
  decodeResult,
  encodeResult,
  measurementPrefix,
  parseAgentBlob,
  rowBlobName,
  rowMinute,
} from '../../src/measure/agent/blobs.js';
import { UserError } from '../../src/errors.js';
import type { JobSpec } from '../../src/flink/job-spec.js';

const RUN = { runId: '20260101-120000-ab12', measurementId: '20260101-121500-cd34' };

test('the arguments a platform builds parse back to the same measurement', () => {
  const args = measureAgentArgs(
    {
      minutes: 2.5,
      intervalSeconds: 30,
      jobSpec: {
        oneOutputPerInput: false,
        latency: { createdField: ['window', 'createdAt'], end: 'append-time' },
      } as JobSpec,
    },
    { ...RUN, bootstrapServers: '10.0.0.4:9092,10.0.0.5:9092', eventsPerSecond: 5500 },
  );
  expect(args[0]).toBe('measure-agent');
  expect(parseSimulatorArgs(args)).toEqual({
    kind: 'measure-agent',
    options: {
      ...RUN,
      bootstrapServers: '10.0.0.4:9092,10.0.0.5:9092',
      minutes: 2.5,
      intervalSeconds: 30,
      eventsPerSecond: 5500,
      basis: 'consumption',
      latency: { createdField: ['window', 'createdAt'], end: 'append-time' },
    },
  });
});

test.each([
  [
    ['--run-id', 'r', '--minutes', '1', '--interval-seconds', '5', '--events-per-second', '10'],
    /--bootstrap-servers is required/,
  ],
  [
    ['--bootstrap-servers', 'b:1', '--minutes', '1', '--interval-seconds', '5', '--events-per-second', '10'],
    /--run-id is required/,
  ],
  [
    [
      '--bootstrap-servers',
      'b:1',
      '--run-id',
      'a/b',
      '--minutes',
      '1',
      '--interval-seconds',
      '5',
      '--events-per-second',
      '10',
    ],
    /Invalid value for --run-id: "a\/b"/,
  ],
  [
    [
      '--bootstrap-servers',
      'b:1',
      '--run-id',
      'r',
      '--minutes',
      '0',
      '--interval-seconds',
      '5',
      '--events-per-second',
      '10',
    ],
    /Invalid input 'minutes': "0"\. Expected a number greater than 0 and at most 1440/,
  ],
  [
    [
      '--bootstrap-servers',
      'b:1',
      '--run-id',
      'r',
      '--minutes',
      '1',
      '--interval-seconds',
      '0.5',
      '--events-per-second',
      '10',
    ],
    /Invalid input 'interval-seconds': "0.5"\. Expected a whole number from 1 to 3600/,
  ],
  [
    [
      '--bootstrap-servers',
      'b:1',
      '--run-id',
      'r',
      '--minutes',
      '1',
      '--interval-seconds',
      '5',
      '--events-per-second',
      '-1',
    ],
    /Invalid value for --events-per-second/,
  ],
  [
    [
      '--bootstrap-servers',
      'b:1',
      '--run-id',
      'r',
      '--minutes',
      '1',
      '--interval-seconds',
      '5',
      '--events-per-second',
      '10',
      '--topic',
      'x',
    ],
    /Unknown option '--topic'.*--help/,
  ],
])('bad agent arguments %j -> one clear error', (args, message) => {
  expect(() => parseSimulatorArgs(['measure-agent', ...args])).toThrow(UserError);
  expect(() => parseSimulatorArgs(['measure-agent', ...args])).toThrow(message);
});

test('--help documents the subcommand, every flag and the container URL variable', () => {
  expect(parseSimulatorArgs(['measure-agent', '--help'])).toEqual({ kind: 'measure-agent-help' });
  expect(helpText()).toContain('measure-agent --help');
  for (const flag of [
    '--bootstrap-servers',
    '--run-id',
    '--measurement-id',
    '--minutes',
    '--interval-seconds',
    '--events-per-second',
  ])
    expect(measureAgentHelp()).toContain(flag);
  expect(measureAgentHelp()).toContain(CONTAINER_URL_ENV);
});

test('blob names: one folder per measurement, rows in order', () => {
  expect(measurementPrefix(RUN)).toBe('20260101-120000-ab12/20260101-121500-cd34/');
  expect(rowBlobName(7)).toBe('rows/000007.json');
  expect(rowMinute(rowBlobName(123))).toBe(123);
  expect(rowMinute('result.json')).toBeUndefined();
  expect(newMeasurementId(new Date('2026-03-04T05:06:07Z'))).toMatch(/^20260304-050607-[0-9a-f]{4}$/);
});

test('the result survives its blob: histograms, offsets, cost', () => {
  const set = emptyLatencyHistograms();
  for (const ms of [3, 5, 8, 13, 21, 340]) set.processed.recordMs(ms);
  set.enqueued.recordMs(2);
  set.processedFromSent.recordMs(1);
  const sampled = {
    result: {
      startedAt: Date.parse('2026-01-01T12:00:00.123Z'),
      endedAt: Date.parse('2026-01-01T12:01:00.456Z'),
      rows: [],
      latencyHistograms: new Map([[1, set]]),
      outStart: new Map([
        [0, 10],
        [1, 12],
      ]),
      inStart: new Map([[0, 7]]),
      lastSample: { at: 1, inEnd: 2, outEnd: 3, lagRecords: null, consumed: null },
    },
    cost: { cpuSeconds: 0.5, wallSeconds: 60, cpuPercentOfOneCore: 0.83, latencyRecords: 'all' as const },
  };
  const blob = JSON.stringify(encodeResult(RUN, sampled, { warnings: ['w'], stoppedEarly: false }));
  const decoded = decodeResult(parseAgentBlob('result.json', blob));
  expect({ ...decoded.result, latencyHistograms: undefined }).toEqual({
    ...sampled.result,
    latencyHistograms: undefined,
  });
  expect(decoded.result.latencyHistograms.get(1)!.processed.percentiles()).toEqual(set.processed.percentiles());
  expect(decoded.result.latencyHistograms.get(1)!.enqueued.percentiles()).toEqual(set.enqueued.percentiles());
  expect(decoded.result.latencyHistograms.get(1)!.processedFromSent.percentiles()).toEqual(
    set.processedFromSent.percentiles(),
  );
  // The result of an agent image from before the actual send time: that latency unknown (null), not 0.
  const older = JSON.parse(blob) as { latencyHistograms: Array<{ processedFromSent?: unknown }> };
  for (const histograms of older.latencyHistograms) delete histograms.processedFromSent;
  const olderSet = decodeResult(parseAgentBlob('result.json', JSON.stringify(older))).result.latencyHistograms.get(1)!;
  expect(latencySet(olderSet)!.processedFromSent).toBeNull();
  expect(latencySet(olderSet)!.processed).toEqual(set.processed.percentiles());
  expect(decoded.cost).toEqual(sampled.cost);
  expect(() => parseAgentBlob('result.json', blob.replace('"format":1', '"format":2'))).toThrow(
    /has format 2, this toolkit reads format 1/,
  );
  expect(() => parseAgentBlob('result.json', '<html>')).toThrow(/is not JSON/);
});
