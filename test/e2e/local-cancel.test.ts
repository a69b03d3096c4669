/**
 * Cancelling on the local platform leaves nothing running that nobody can find: a deploy killed
 * outright (its JVMs are in the run state from the moment they are spawned, for teardown), Ctrl-C
 * twice during deploy (everything started is killed at once), Ctrl-C during run's measurement
 * (teardown runs), and the action cancelled as the runner cancels it (SIGINT, then SIGTERM), its
 * post step stopping what is left. After each, no process of the run is left.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { LocalState } from '../../src/platforms/local/state.js';
import { LOCAL_RUN_STATE } from '../../src/run-state/post-state.js';
import type { RunState } from '../../src/run-state/run-state.js';
import { actionEnvironment, processesOf, REPO_ROOT, runCommand } from '../helpers/processes.js';

const BIN = path.join(REPO_ROOT, 'bin', 'streaming-at-scale.js');
const RUNS = '.streaming-at-scale';
let workDir: string;

beforeEach(async () => {
  workDir = await mkdtemp(path.join(tmpdir(), 'sas-cancel-'));
});

afterEach(async () => {
  await runCommand(process.execPath, [BIN, 'teardown'], { cwd: workDir, env: { PATH: process.env.PATH } });
  await rm(workDir, { recursive: true, force: true });
}, 120_000);

interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function start(command: string[], env: NodeJS.ProcessEnv = { PATH: process.env.PATH }): Started {
  const child = spawn(process.execPath, command, { cwd: workDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  return { child, output: () => output, exited };
}

/** Waits for `check`; a process that ended, or the deadline, fails with its last output. */
async function until<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 180_000,
  of?: Started,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let ended = false;
  void of?.exited.then(() => (ended = true));
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (ended || Date.now() > deadline) {
      const output = of ? `; its output ends:\n${of.output().slice(-3000)}` : '';
      throw new Error(`${ended ? 'The process ended' : 'Timed out'} waiting for ${what}${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function runState(): Promise<RunState | undefined> {
  const [runId] = await readdir(path.join(workDir, RUNS)).catch(() => []);
  if (!runId) return undefined;
  return JSON.parse(await readFile(path.join(workDir, RUNS, runId, 'state.json'), 'utf8')) as RunState;
}

/** The run state once it records `roles` as spawned (and those processes run). */
const spawned = (roles: string[]) =>
  until(`${roles.join(', ')} spawned`, async () => {
    const local = (await runState())?.platformState as LocalState | undefined;
    return roles.every((role) => local?.spawned?.[role]) && processesOf(workDir).length > 0 ? local : undefined;
  });

/** The first row of the measurement's table: the run is measuring. */
const firstRow = /^\s+1\s+\d\d:\d\d:\d\d\s/m;

/** Processes exit a little after their kill: wait for none of the run's to be left. */
const noneLeft = () =>
  until('no process of the run left', async () => processesOf(workDir).length === 0 || undefined, 60_000);

test('a deploy killed outright: its JVMs are in the state from their spawn, teardown stops them all', async () => {
  const deploy = start([BIN, 'deploy', '--tier', '1']);
  await spawned(['kafka', 'flink-jobmanager']);
  deploy.child.kill('SIGKILL');
  await deploy.exited;
  expect(processesOf(workDir).length).toBeGreaterThan(0); // orphans, as a runner's kill leaves them

  const teardown = await runCommand(process.execPath, [BIN, 'teardown'], {
    cwd: workDir,
    env: { PATH: process.env.PATH },
  });
  expect(teardown.stdout + teardown.stderr).toMatch(/Stopped run \S+ and deleted/);
  expect(teardown.code).toBe(0);
  expect(processesOf(workDir)).toEqual([]);
}, 300_000);

test('Ctrl-C twice during deploy: everything started is killed at once, exit 130', async () => {
  const deploy = start([BIN, 'deploy', '--tier', '1']);
  await spawned(['kafka', 'flink-jobmanager']);
  deploy.child.kill('SIGINT');
  await new Promise((resolve) => setTimeout(resolve, 300));
  deploy.child.kill('SIGINT');
  expect(await deploy.exited).toBe(130);
  expect(deploy.output()).toMatch(/Received SIGINT again: killed \d+ process group\(s\) started here/);
  await noneLeft();
  // The state is whole and names what was started: teardown reads it without an error.
  const teardown = await runCommand(process.execPath, [BIN, 'teardown'], {
    cwd: workDir,
    env: { PATH: process.env.PATH },
  });
  expect(teardown.code).toBe(0);
}, 300_000);

test("Ctrl-C during run's measurement: teardown stops and deletes the run, exit 130", async () => {
  const run = start([BIN, 'run', '--tier', '1', '--minutes', '2', '--interval-seconds', '10']);
  await until('the first measured row', async () => (firstRow.test(run.output()) ? true : undefined), 300_000, run);
  run.child.kill('SIGINT');
  expect(await run.exited).toBe(130);
  expect(run.output()).toMatch(/Stopped run \S+ and deleted/);
  expect(run.output()).toMatch(/Received SIGINT: stopping/);
  expect(processesOf(workDir)).toEqual([]);
  expect(await readdir(path.join(workDir, RUNS))).toEqual([]);
}, 400_000);

test('the action cancelled as the runner does (SIGINT, SIGTERM a second later): it exits, the post step stops what is left', async () => {
  const action = await actionEnvironment({
    mode: 'run',
    platform: 'local',
    tier: '1',
    minutes: '2',
    'interval-seconds': '10',
  });
  const stateFile = path.join(action.env.RUNNER_TEMP!, 'state');
  await writeFile(stateFile, '');
  action.env.GITHUB_STATE = stateFile;
  action.env['INPUT_WORK-DIR'] = path.join(workDir, RUNS);
  const step = start([path.join(REPO_ROOT, 'dist', 'index.js')], action.env);
  await until('the first measured row', async () => (firstRow.test(step.output()) ? true : undefined), 300_000, step);
  step.child.kill('SIGINT');
  await new Promise((resolve) => setTimeout(resolve, 1000));
  step.child.kill('SIGTERM'); // mid-teardown: cancelling the job, stopping the load, Flink, Kafka
  expect(await step.exited).toBe(130);
  expect(step.output()).toMatch(/Received SIGTERM again: killed \d+ process group\(s\) started here/);
  await noneLeft();

  // The runner hands the saved state to the post step as STATE_<name>; the run's state is whole.
  const saved = (await readFile(stateFile, 'utf8')).match(
    new RegExp(`^${LOCAL_RUN_STATE}<<(.+)\\n([\\s\\S]*?)\\n\\1$`, 'm'),
  );
  expect(saved).not.toBeNull();
  const post = await runCommand(process.execPath, [path.join(REPO_ROOT, 'dist', 'post', 'index.js')], {
    env: { ...action.env, [`STATE_${LOCAL_RUN_STATE}`]: saved![2] },
    timeoutMs: 120_000,
  });
  expect(post.stdout).toMatch(/Post step: the job failed or was cancelled; stopping what is left of local run/);
  expect(post.stdout).toMatch(/Stopped run \S+ and deleted/);
  expect(post.code).toBe(0);
  expect(await readdir(path.join(workDir, RUNS))).toEqual([]);
}, 400_000);
