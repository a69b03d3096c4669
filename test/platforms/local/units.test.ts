/**
 * The local platform's building blocks that need no Kafka or Flink: ports, processes, prerequisites,
 * templates, what a JobManager restart resumes from and reports.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  checkJava,
  checkMaven,
  parseJavaVersion,
  PrerequisiteError,
  resolveClasspath,
} from '../../../src/platforms/local/maven.js';
import { allocatePorts, freePorts, isPortFree, LOOPBACK, PortInUseError } from '../../../src/platforms/local/ports.js';
import {
  isAlive,
  killStartedProcessesNow,
  startProcess,
  stopProcess,
  tailFile,
  waitFor,
  ProcessExitedError,
} from '../../../src/platforms/local/processes.js';
import { optionLines, renderTemplate } from '../../../src/platforms/local/runtime-files.js';
import { parseBashJavaUtilsOutput, retainedCheckpoints } from '../../../src/platforms/local/flink.js';
import { followedJobFigures } from '../../../src/flink/figures.js';
import type { FlinkFigures } from '../../../src/report/schema.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sas-local-units-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('ports', () => {
  test('freePorts gives distinct bindable ports', async () => {
    const ports = await freePorts(5);
    expect(new Set(ports).size).toBe(5);
    for (const port of ports) expect(await isPortFree(port)).toBe(true);
  });

  test('a configured port that is taken gives an error naming it', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, LOOPBACK, resolve));
    const taken = (server.address() as net.AddressInfo).port;
    try {
      const error = await allocatePorts({ 'Kafka broker': taken, 'Kafka controller': undefined }).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(PortInUseError);
      expect((error as Error).message).toContain(`Port ${taken} on 127.0.0.1 (Kafka broker) is already in use`);
    } finally {
      server.close();
    }
  });

  test('configured ports are kept, unset ones picked free and distinct', async () => {
    const [configured] = await freePorts(1);
    const ports = await allocatePorts({ a: configured, b: undefined, c: undefined });
    expect(ports.a).toBe(configured);
    expect(new Set([ports.a, ports.b, ports.c]).size).toBe(3);
  });
});

describe('processes', () => {
  test('a detached process is alive until stopped; stop waits for the exit; a second stop is a no-op', async () => {
    const logFile = path.join(dir, 'sleep.log');
    const handle = await startProcess({ command: 'sh', args: ['-c', 'echo started; sleep 60'], cwd: dir, logFile });
    expect(isAlive(handle.pid, handle.startTime)).toBe(true);
    await waitFor('echo', async () => ((await tailFile(logFile)).includes('started') ? true : undefined), {
      timeoutMs: 5000,
    });
    expect(await stopProcess(handle)).toBe('terminated');
    expect(isAlive(handle.pid)).toBe(false);
    expect(await stopProcess(handle)).toBe('not-running');
  });

  test('a process ignoring SIGTERM is killed after the grace period', async () => {
    const handle = await startProcess({
      command: 'sh',
      args: ['-c', "trap '' TERM; sleep 60 & wait; sleep 60"],
      cwd: dir,
      logFile: path.join(dir, 'stubborn.log'),
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await stopProcess(handle, { graceMs: 500 })).toBe('killed');
    expect(isAlive(handle.pid)).toBe(false);
  });

  test('a recorded pid with another start time is not ours: never signalled', async () => {
    const handle = await startProcess({
      command: 'sleep',
      args: ['60'],
      cwd: dir,
      logFile: path.join(dir, 'other.log'),
    });
    expect(isAlive(handle.pid, 'not-its-start-time')).toBe(false);
    expect(await stopProcess({ pid: handle.pid, startTime: 'not-its-start-time' })).toBe('not-running');
    expect(isAlive(handle.pid)).toBe(true);
    await stopProcess(handle);
  });

  test('a forced exit kills at once every group started here and still running, children too, nothing else', async () => {
    const stopped = await startProcess({ command: 'sleep', args: ['60'], cwd: dir, logFile: path.join(dir, 'a.log') });
    await stopProcess(stopped);
    const parent = await startProcess({
      command: 'sh',
      args: ['-c', "trap '' TERM; sleep 60 & echo $! > child.pid; wait"],
      cwd: dir,
      logFile: path.join(dir, 'b.log'),
    });
    await waitFor('child pid', async () => (await tailFile(path.join(dir, 'child.pid'))) || undefined, {
      timeoutMs: 5000,
    });
    const child = Number(await tailFile(path.join(dir, 'child.pid')));
    expect(isAlive(child)).toBe(true);
    expect(killStartedProcessesNow()).toBe(1);
    await waitFor('the kill', async () => (isAlive(parent.pid) || isAlive(child) ? undefined : true), {
      timeoutMs: 5000,
    });
    expect(killStartedProcessesNow()).toBe(0);
  });

  test('waitFor fails early with the log tail when the process exits', async () => {
    const logFile = path.join(dir, 'dies.log');
    const handle = await startProcess({
      command: 'sh',
      args: ['-c', 'echo "bind failed: port taken"; exit 3'],
      cwd: dir,
      logFile,
    });
    const error = await waitFor('thing', async () => undefined, { timeoutMs: 10_000, process: handle }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ProcessExitedError);
    expect((error as Error).message).toContain('bind failed: port taken');
  });
});

describe('prerequisites', () => {
  test('parses java -version output', () => {
    expect(parseJavaVersion('openjdk version "17.0.15" 2025-04-15')).toBe(17);
    expect(parseJavaVersion('java version "1.8.0_392"')).toBe(8);
    expect(parseJavaVersion('openjdk version "25" 2025-09-16')).toBe(25);
    expect(parseJavaVersion('nonsense')).toBeUndefined();
  });

  test('the installed Java is 17+', async () => {
    expect((await checkJava()).version).toBeGreaterThanOrEqual(17);
  });

  test('a missing Java gives one clear error saying how to install it', async () => {
    const error = await checkJava({ ...process.env, JAVA_HOME: path.join(dir, 'no-jdk') }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PrerequisiteError);
    expect((error as Error).message).toMatch(/Java was not found at JAVA_HOME=.*Java 17\+ and Maven are required/);
  });

  test('a missing Maven gives one clear error saying how to install it', async () => {
    const error = await checkMaven({ ...process.env, MAVEN_CMD: path.join(dir, 'no-mvn') }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PrerequisiteError);
    expect((error as Error).message).toMatch(/Maven \(mvn\) was not found.*Java 17\+ and Maven are required/);
  });

  test('classpaths are resolved once, then read from the cache keyed by the poms', async () => {
    const cacheDir = path.join(dir, 'cache');
    const first = await resolveClasspath({ component: 'kafka', cacheDir });
    expect(first.cached).toBe(false);
    expect(first.jars.some((jar) => jar.endsWith('kafka_2.13-3.9.1.jar'))).toBe(true);
    const second = await resolveClasspath({
      component: 'kafka',
      cacheDir,
      env: { ...process.env, MAVEN_CMD: '/nonexistent' },
    });
    expect(second.cached).toBe(true);
    expect(second.jars).toEqual(first.jars);
  }, 180_000);
});

describe('templates', () => {
  test('every placeholder needs a value', () => {
    expect(renderTemplate('port=@PORT@ dir=@DIR@', { PORT: 9092, DIR: '/x' })).toBe('port=9092 dir=/x');
    expect(() => renderTemplate('port=@PORT@', {})).toThrow('@PORT@');
  });

  test('option files drop comments and blank lines', () => {
    expect(optionLines('# c\n\n--add-opens=a\n  --add-exports=b  \n')).toEqual(['--add-opens=a', '--add-exports=b']);
  });

  test('BashJavaUtils output becomes JVM flags and dynamic properties', () => {
    const output = [
      'INFO something',
      'BASH_JAVA_UTILS_EXEC_RESULT:-Xmx697932173 -Xms697932173 -XX:MaxDirectMemorySize=300647712 -XX:MaxMetaspaceSize=268435456',
      'BASH_JAVA_UTILS_EXEC_RESULT:-D taskmanager.memory.network.min=166429984b -D taskmanager.cpu.cores=8.0',
    ].join('\n');
    expect(parseBashJavaUtilsOutput(output)).toEqual({
      jvmArgs: [
        '-Xmx697932173',
        '-Xms697932173',
        '-XX:MaxDirectMemorySize=300647712',
        '-XX:MaxMetaspaceSize=268435456',
      ],
      dynamicArgs: ['-D', 'taskmanager.memory.network.min=166429984b', '-D', 'taskmanager.cpu.cores=8.0'],
    });
  });
});

describe('JobManager restarts', () => {
  test('the retained checkpoints of a job: completed ones (with _metadata), newest first', async () => {
    const checkpoints = path.join(dir, 'checkpoints');
    const job = path.join(checkpoints, 'job-a');
    for (const [name, completed] of [
      ['chk-9', true],
      ['chk-10', true],
      ['chk-11', false], // in progress: no _metadata yet
      ['shared', false],
      ['taskowned', false],
    ] as const) {
      await mkdir(path.join(job, name), { recursive: true });
      if (completed) await writeFile(path.join(job, name, '_metadata'), 'x');
    }
    expect(await retainedCheckpoints(checkpoints, 'job-a')).toEqual([
      { id: 10, path: path.join(job, 'chk-10') },
      { id: 9, path: path.join(job, 'chk-9') },
    ]);
    expect(await retainedCheckpoints(checkpoints, 'no-such-job')).toEqual([]);
  });

  test('the figures follow the job id; restarts count across ids, one more per JobManager restart', async () => {
    const figures = (restarts: number | null): FlinkFigures => ({
      recordsInPerSecond: 1,
      recordsOutPerSecond: 1,
      backpressure: 0,
      checkpoints: { completed: 1, failed: 0, lastDurationMs: null },
      restarts,
    });
    let current = { jobId: 'a', jobManagerRestarts: 0 };
    const answers: Record<string, number | null> = { a: 2, b: null };
    const asked: string[] = [];
    const follow = followedJobFigures(
      () => current,
      async (jobId) => (asked.push(jobId), figures(answers[jobId] ?? null)),
    );
    expect((await follow()).restarts).toBe(2); // two TaskManager restarts of job a
    current = { jobId: 'b', jobManagerRestarts: 1 };
    expect((await follow()).restarts).toBeNull(); // job b's metrics not there yet
    answers.b = 0;
    expect((await follow()).restarts).toBe(3); // a's 2 + the JobManager restart
    answers.b = 1;
    expect((await follow()).restarts).toBe(4);
    current = { jobId: 'c', jobManagerRestarts: 2 };
    answers.c = 0;
    expect((await follow()).restarts).toBe(5); // a's 2 + b's 1 + two JobManager restarts
    expect(asked).toEqual(['a', 'b', 'b', 'b', 'c']);
  });
});
