/**
 * helm (v3) as the toolkit runs it: `upgrade --install` and `uninstall` of a release against the
 * kubeconfig read through ARM. The binary is STREAMING_AT_SCALE_HELM or `helm` on PATH; a failure
 * is a UserError carrying helm's own stderr.
 */
import { getExecOutput } from '@actions/exec';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.js';

export const HELM_ENV = 'STREAMING_AT_SCALE_HELM';

export interface HelmRelease {
  kubeconfigFile: string;
  release: string;
  namespace: string;
}

export interface HelmUpgradeInstall extends HelmRelease {
  /** A chart directory or packaged chart. */
  chart: string;
  valuesFile?: string;
  /** Wait until the release's Deployments, StatefulSets and Services are ready (--wait). */
  wait?: boolean;
  /** With wait: also until its Jobs have completed (--wait-for-jobs). */
  waitForJobs?: boolean;
  timeoutSeconds?: number;
}

/** Installs the release, or upgrades it to a new revision; creates the namespace when missing. Returns helm's stdout. */
export async function helmUpgradeInstall(
  options: HelmUpgradeInstall,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  const args = [
    'upgrade',
    '--install',
    options.release,
    options.chart,
    '--namespace',
    options.namespace,
    '--create-namespace',
  ];
  if (options.valuesFile) args.push('--values', options.valuesFile);
  if (options.wait) args.push('--wait');
  if (options.wait && options.waitForJobs) args.push('--wait-for-jobs');
  if (options.timeoutSeconds !== undefined) args.push('--timeout', `${options.timeoutSeconds}s`);
  return runHelm(args, options, `helm upgrade --install of release ${options.release}`, env);
}

/** Uninstalls the release; a release that is not there is success (teardown may run twice). */
export async function helmUninstall(
  options: HelmRelease & { wait?: boolean; timeoutSeconds?: number },
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  const args = ['uninstall', options.release, '--namespace', options.namespace, '--ignore-not-found'];
  if (options.wait) args.push('--wait');
  if (options.timeoutSeconds !== undefined) args.push('--timeout', `${options.timeoutSeconds}s`);
  await runHelm(args, options, `helm uninstall of release ${options.release}`, env);
}

async function runHelm(args: string[], release: HelmRelease, what: string, env: NodeJS.ProcessEnv): Promise<string> {
  const helm = helmBinary(env);
  const result = await getExecOutput(helm, [...args, '--kubeconfig', release.kubeconfigFile], {
    env: env as Record<string, string>,
    silent: true,
    ignoreReturnCode: true,
  });
  if (result.exitCode !== 0) {
    throw new UserError(
      `${what} in namespace ${release.namespace} failed (exit ${result.exitCode}): ${result.stderr.trim() || result.stdout.trim()}`,
    );
  }
  return result.stdout;
}

/** The helm binary: STREAMING_AT_SCALE_HELM, else the first `helm` on PATH. */
export function helmBinary(env: NodeJS.ProcessEnv = process.env): string {
  const install = 'install helm v3 (in this repository: bash scripts/tools/install-helm.sh, which prints its path)';
  const configured = env[HELM_ENV];
  if (configured) {
    if (!isExecutable(configured))
      throw new UserError(`${HELM_ENV} is ${configured}, which is not an executable file: ${install}.`);
    return configured;
  }
  for (const dir of (env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, 'helm');
    if (isExecutable(candidate)) return candidate;
  }
  throw new UserError(`helm was not found on PATH: ${install}, then put it on PATH or set ${HELM_ENV} to it.`);
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
