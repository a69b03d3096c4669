/** saveRun: concurrent saves of one run (Kafka and Flink recorded as each JVM is spawned) never corrupt or reorder. */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { saveRun, STATE_FILE, STATE_VERSION, type RunState } from '../../src/run-state/run-state.js';

let runDir: string;
beforeAll(async () => {
  runDir = await mkdtemp(path.join(tmpdir(), 'sas-save-'));
});
afterAll(async () => {
  await rm(runDir, { recursive: true, force: true });
});

test('many saves at once: the file is whole JSON holding the last save, no temporary file left', async () => {
  const state: RunState = {
    version: STATE_VERSION,
    runId: 'r1',
    platform: 'local',
    createdAt: new Date().toISOString(),
    runDir,
    eventsPerSecond: 1000,
    partitions: 2,
    parallelism: 1,
    platformState: {},
  };
  const saves: Promise<void>[] = [];
  for (let index = 0; index < 50; index++) {
    // Each save carries a larger payload than the one before: a late small write over an early
    // large one would leave either a mix of both or an older state.
    state.platformState = { step: index, padding: 'x'.repeat(index * 1000) };
    saves.push(saveRun(state));
  }
  await Promise.all(saves);
  const saved = JSON.parse(await readFile(path.join(runDir, STATE_FILE), 'utf8')) as RunState;
  expect(saved.platformState.step).toBe(49);
  expect(await readdir(runDir)).toEqual([STATE_FILE]);
});
