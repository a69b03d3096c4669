/**
 * Plays Azure Container Instances' part for the fake ACI provider: when a container group is
 * created, its one container's command runs here as a real process (the simulator image's
 * `node /app/dist/simulator/index.js ...` becomes this Node running the repo's dist/simulator, the
 * image's /app), with the environment and secure environment the request carried and nothing of
 * the test's own. The container's log (stdout and stderr, as ACI's logs API returns them) and exit
 * code are what the fake answers; deleting the group stops the process (SIGTERM, as ACI does).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { FakeContainerGroup, FakeContainerInstances } from './arm/containerinstance.js';
import { REPO_ROOT } from './processes.js';

/** Where the simulator image keeps the repository's files (simulator/Dockerfile: WORKDIR /app). */
const IMAGE_ROOT = '/app/';

export interface LocalContainer {
  group: FakeContainerGroup;
  /** The command as the request gave it, and as it ran here. */
  requested: string[];
  ran: string[];
  /** Environment variables and secure values, as the request gave them. */
  env: Record<string, string>;
  process: ChildProcess;
  startedAt: number;
  log: string;
  exitCode: number | null | undefined;
  exited: Promise<void>;
}

export interface LocalContainers {
  /** Every container started, in order of creation. */
  started: LocalContainer[];
  /** Those still running. */
  running(): LocalContainer[];
  /** Stops whatever still runs (afterAll). */
  stopAll(): Promise<void>;
}

/**
 * Hooks into `aci`: every group created runs `rewrite(command)` (the test's one substitution, e.g.
 * the brokers' VNet addresses) locally. `onStart` sees each container as it starts.
 */
export function runContainersLocally(
  aci: FakeContainerInstances,
  rewrite: (command: string[], group: FakeContainerGroup) => string[],
  onStart: (container: LocalContainer) => void = () => undefined,
): LocalContainers {
  const byGroup = new Map<FakeContainerGroup, LocalContainer>();
  const started: LocalContainer[] = [];

  aci.onCreate = (group) => {
    const spec = group.request.properties.containers[0]!.properties;
    const requested = spec.command ?? [];
    const ran = rewrite(requested, group).map((word, index) =>
      index === 0 && word === 'node'
        ? process.execPath
        : word.startsWith(IMAGE_ROOT)
          ? path.join(REPO_ROOT, word.slice(IMAGE_ROOT.length))
          : word,
    );
    const env = Object.fromEntries(
      (spec.environmentVariables ?? []).map((v) => [v.name, v.value ?? v.secureValue ?? '']),
    );
    const child = spawn(ran[0]!, ran.slice(1), {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const container: LocalContainer = {
      group,
      requested,
      ran,
      env,
      process: child,
      startedAt: Date.now(),
      log: '',
      exitCode: undefined,
      exited: new Promise((resolve) =>
        child.on('close', (code, signal) => {
          container.exitCode = code ?? (signal ? 128 : null);
          resolve();
        }),
      ),
    };
    child.stdout!.on('data', (chunk: Buffer) => (container.log += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (container.log += chunk.toString()));
    child.on('error', (error) => (container.log += `${error.message}\n`));
    byGroup.set(group, container);
    started.push(container);
    onStart(container);
  };
  aci.onDelete = (group) => {
    const container = byGroup.get(group);
    if (container && container.exitCode === undefined) container.process.kill('SIGTERM');
  };
  aci.logs = (group) => byGroup.get(group)?.log ?? '';
  aci.exits = (group) => {
    const container = byGroup.get(group);
    return container && container.exitCode !== undefined
      ? { exitCode: container.exitCode ?? 1, logs: container.log }
      : undefined;
  };

  const running = () => started.filter((container) => container.exitCode === undefined);
  return {
    started,
    running,
    stopAll: async () => {
      const left = running();
      for (const container of left) container.process.kill('SIGKILL');
      await Promise.all(left.map((container) => container.exited));
    },
  };
}
