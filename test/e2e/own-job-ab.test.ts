/**
 * The A/B gate on a user's repository, as its pull request workflow calls it: the action's bundle
 * (dist/index.js) run as the Actions runner runs it, with the inputs of the example repository's own
 * workflow (examples/windowed-count/.github/workflows/benchmark.yml, job ab), shortened for the test.
 * Base and head are two checkouts of the example, side by side in the workspace as the workflow
 * checks them out; the head's parse step is made slower by 2 ms of CPU per event (at most 500
 * events/s at parallelism 1, of a 1,000 events/s load). Each side is built by the user's build
 * command in its own checkout; this toolkit runs both, on one Kafka broker and one Flink cluster
 * they share (platform external, each run its own topics and job). The head fails after a
 * confirmation pair, and the step's outputs and summary say so. Runs alone (scripts/test.sh): it
 * compares timings.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ABReport } from '../../src/gate/ab/report.js';
import type { BenchmarkReport } from '../../src/report/schema.js';
import { copyExample, exampleActionInputs } from '../helpers/example-repo.js';
import { actionEnvironment, expectExitCode, processesOf, REPO_ROOT, runCommand } from '../helpers/processes.js';

const RUN_TIMEOUT_MS = 25 * 60_000;
let root: string;

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'sas-own-ab-'));
});

afterAll(async () => {
  expect(processesOf(root)).toEqual([]);
  await rm(root, { recursive: true, force: true });
});

test(
  "A/B on the user's repository: a head whose job is slower fails after a confirmation pair, each side its own build",
  async () => {
    const base = await copyExample(path.join(root, 'base'));
    const head = await copyExample(path.join(root, 'head'), 2000);
    const reportFile = path.join(root, 'ab-report.json');
    const step = await actionEnvironment({
      ...exampleActionInputs('ab'),
      // Shorter than the workflow's: 2 rounds of 30-s runs, a row every 5 s, a small load.
      rounds: '2',
      tier: '1000',
      partitions: '2',
      parallelism: '1',
      'simulator-instances': '1',
      minutes: '0.5',
      'interval-seconds': '5',
      'work-dir': path.join(root, 'work'),
      'report-file': reportFile,
    });
    const result = await runCommand(process.execPath, [path.join(REPO_ROOT, 'dist', 'index.js')], {
      cwd: root,
      env: { ...step.env, HOME: process.env.HOME },
      timeoutMs: RUN_TIMEOUT_MS,
    });
    const output = result.stdout + result.stderr;
    const report = JSON.parse(await readFile(reportFile, 'utf8').catch(() => 'null')) as ABReport | null;
    expectExitCode(result, 1);
    expect(report?.verdict).toBe('fail');
    // Each side built once, in its own checkout.
    expect(output).toContain(`Building the job in ${base}`);
    expect(output).toContain(`Building the job in ${head}`);
    expect(output.split('Building the job in').length - 1).toBe(2);
    // A workflow command escapes '%' as '%25'.
    expect(output).toMatch(/^::error::A\/B gate failed: Sustained throughput: head -\d+\.\d%25 vs base/m);
    expect(await step.outputs()).toMatch(/^verdict<<.*\nfail\n/m);
    expect(await step.summary()).toContain('windowed-count');
    expect(report!.job).toBe('windowed-count');
    expect(report!.confirmation).toEqual({ ran: true, suspected: expect.arrayContaining(['sustained-throughput']) });
    const throughput = report!.comparisons.find((comparison) => comparison.metric === 'sustained-throughput')!;
    expect(throughput.verdict).toBe('regression');
    expect(throughput.headVsBase!.estimate).toBeLessThanOrEqual(0.7);
    // One Kafka broker and one Flink cluster for all six runs; each run its own topics and job.
    expect(output.split('Starting Kafka').length - 1).toBe(1);
    expect(output.split('Starting Flink').length - 1).toBe(1);
    expect(output.split('Created topic in ').length - 1).toBe(report!.runs.length);
    for (const run of report!.runs) {
      const own = JSON.parse(await readFile(run.reportFile, 'utf8')) as BenchmarkReport;
      expect(own).toMatchObject({ job: 'windowed-count', throughputBasis: 'consumption' });
      expect(own.workload!.platform).toBe('external');
      // Consumption read from the group's offsets on topics made anew for each run: never more than
      // the run's own load (a previous run's offsets would show as more, or as negative).
      const consumed = own.rows.reduce((sum, row) => sum + (row.consumedRecords ?? 0), 0);
      expect(consumed).toBeGreaterThan(0);
      expect(consumed).toBeLessThanOrEqual(own.load!.acknowledged);
      for (const row of own.rows) expect(row.consumedRecords ?? 0).toBeGreaterThanOrEqual(0);
    }
    console.log(`own job A/B: ${report!.reasons.join(' ')}`);
  },
  RUN_TIMEOUT_MS,
);
