import path from 'node:path';
import { parseConfig } from '../../src/config/config.js';
import type { RawInputs } from '../../src/config/inputs.js';
import { expectInputError } from '../helpers/input-errors.js';
import { jobArguments } from '../../src/flink/job-arguments.js';
import { joinArguments, splitArguments, unknownPlaceholders } from '../../src/flink/job-spec.js';
import { REPO_ROOT } from '../helpers/processes.js';

const OWN_JOB: RawInputs = {
  mode: 'run',
  'job-jar': 'target/windowed-count.jar',
  'job-build-command': 'mvn -B package -DskipTests',
  'job-args':
    '--bootstrap-servers {bootstrap} --input-topic {inputTopic} --output-topic {outputTopic} --group-id {groupId} -p {parallelism}',
};

describe('job-args', () => {
  it('splits on white space and new lines, quotes keep white space, adjacent parts join', () => {
    expect(splitArguments('')).toEqual([]);
    expect(splitArguments('  --a 1\n--b\t2  ')).toEqual(['--a', '1', '--b', '2']);
    expect(splitArguments(`--name 'two words' --x "a b"c --empty ''`)).toEqual([
      '--name',
      'two words',
      '--x',
      'a bc',
      '--empty',
      '',
    ]);
    expect(() => splitArguments(`--name 'open`)).toThrow("unclosed ' quote");
  });

  it('names unknown placeholders once each', () => {
    expect(unknownPlaceholders(['{bootstrap}', '{topic}', 'x{topic}', '{runId}', '{Bootstrap}'])).toEqual([
      'topic',
      'Bootstrap',
    ]);
  });
});

describe('the job a run submits', () => {
  it('a built-in job is described as a user job is: the flink-job jar, JobMain, its arguments with placeholders', () => {
    const config = parseConfig({ mode: 'run', job: 'complex-processing', parallelism: '3' });
    expect(config.job).toBe('complex-processing');
    expect(config.jobSpec).toMatchObject({
      builtIn: true,
      dir: path.join(REPO_ROOT, 'flink-job'),
      oneOutputPerInput: false,
    });
    expect(jobArguments(config, '127.0.0.1:9092')).toEqual([
      '--job',
      'complex-processing',
      '--bootstrap-servers',
      '127.0.0.1:9092',
      '--input-topic',
      'in',
      '--output-topic',
      'out',
      '--group-id',
      'streaming-at-scale-flink',
      '--parallelism',
      '3',
      '--synthetic-work-us',
      '0',
    ]);
    expect(parseConfig({ mode: 'run' }).jobSpec.oneOutputPerInput).toBe(true);
  });

  it('a user job: named after its jar, relative to the checkout, placeholders filled, no audit by default', () => {
    const config = parseConfig({ ...OWN_JOB, parallelism: '2' });
    expect(config.job).toBe('windowed-count');
    expect(config.jobSpec).toEqual({
      name: 'windowed-count',
      builtIn: false,
      dir: process.cwd(),
      buildCommand: 'mvn -B package -DskipTests',
      jar: 'target/windowed-count.jar',
      entryClass: undefined,
      args: expect.any(Array),
      oneOutputPerInput: false,
      latency: { createdField: ['createdAt'], end: 'append-time' },
    });
    expect(parseConfig({ ...OWN_JOB, 'latency-field': 'window.createdAt' }).jobSpec.latency.createdField).toEqual([
      'window',
      'createdAt',
    ]);
    expect(config.audit).toBe(false);
    expect(jobArguments(config, 'h1:9092,h2:9092', { runId: 'r1' })).toEqual([
      '--bootstrap-servers',
      'h1:9092,h2:9092',
      '--input-topic',
      'in',
      '--output-topic',
      'out',
      '--group-id',
      'streaming-at-scale-flink',
      '-p',
      '2',
    ]);
  });

  // [what, inputs, input named in the error, text the error must contain]
  const bad: Array<[string, RawInputs, string, RegExp]> = [
    [
      'a build command without a jar',
      { mode: 'run', 'job-build-command': 'make' },
      'job-build-command',
      /set 'job-jar'/,
    ],
    ['a class without a jar', { mode: 'run', 'job-class': 'com.x.Y' }, 'job-class', /set 'job-jar'/],
    ['job and job-jar', { ...OWN_JOB, job: 'complex-processing' }, 'job', /remove 'job'/],
    ['a jar that is not a .jar', { ...OWN_JOB, 'job-jar': 'target/classes' }, 'job-jar', /ending in '\.jar'/],
    ['a class name with a slash', { ...OWN_JOB, 'job-class': 'com/x/Y' }, 'job-class', /fully qualified Java class/],
    ['an unclosed quote', { ...OWN_JOB, 'job-args': `--name 'x` }, 'job-args', /unclosed ' quote/],
    [
      'an unknown placeholder',
      { ...OWN_JOB, 'job-args': '--topic {topic} --servers {bootstrap}' },
      'job-args',
      /Unknown placeholder \{topic\}; known: \{bootstrap\}, \{inputTopic\}/,
    ],
    ['the audit', { ...OWN_JOB, audit: 'true' }, 'audit', /one input event/],
    ['a latency field that is no JSON path', { ...OWN_JOB, 'latency-field': 'a..b' }, 'latency-field', /dotted path/],
    ['a latency field for a built-in job', { mode: 'run', 'latency-field': 'ts' }, 'latency-field', /set 'job-jar'/],
    [
      'synthetic work the job never gets',
      { ...OWN_JOB, mode: 'ab', 'head-synthetic-work-us': '100' },
      'synthetic-work-us',
      /only through \{syntheticWorkUs\}/,
    ],
  ];
  it.each(bad)('refuses %s', (_what, inputs, input, message) => {
    expectInputError(() => parseConfig(inputs), input, message);
  });
});

test('joinArguments gives the job-args text that splits back to the same arguments', () => {
  for (const args of [
    [],
    ['--a', '1'],
    ['two words', '', "it's", `both ' and "`, "''", '{bootstrap}', '--x=a,b', '$HOME', 'a\nb'],
  ]) {
    expect(splitArguments(joinArguments(args))).toEqual(args);
  }
});
