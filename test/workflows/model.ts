/**
 * Reads action.yml and the workflows as data for the workflow and docs tests: which steps call this
 * action, which jobs call a reusable workflow of this repository, which `inputs.X` an expression uses.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

export const ROOT = path.resolve(import.meta.dirname, '..', '..');
export const WORKFLOWS_DIR = path.join(ROOT, '.github', 'workflows');

export interface ActionYml {
  inputs: Record<string, { description: string; default?: string; required?: boolean }>;
  outputs: Record<string, { description: string }>;
}

export interface Step {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
}

/** A bare string is a group whose runs queue (cancel-in-progress defaults to false). */
export type Concurrency = string | { group: string; 'cancel-in-progress'?: boolean | string };

export interface Job {
  'runs-on'?: string;
  environment?: string | { name: string; url?: string };
  concurrency?: Concurrency;
  if?: string;
  needs?: string | string[];
  permissions?: Record<string, string> | string;
  outputs?: Record<string, string>;
  uses?: string;
  with?: Record<string, unknown>;
  secrets?: Record<string, string> | string;
  steps?: Step[];
}

export interface WorkflowInput {
  description?: string;
  type?: string;
  default?: string | boolean | number;
  required?: boolean;
  options?: string[];
}

export interface Workflow {
  name?: string;
  on: {
    workflow_call?: {
      inputs?: Record<string, WorkflowInput>;
      secrets?: Record<string, unknown>;
      outputs?: Record<string, { value: string }>;
    };
    workflow_dispatch?: { inputs?: Record<string, WorkflowInput> } | null;
    [event: string]: unknown;
  };
  permissions?: Record<string, string> | string;
  concurrency?: { group: string; 'cancel-in-progress'?: boolean | string };
  env?: Record<string, string>;
  jobs: Record<string, Job>;
}

export function loadAction(): ActionYml {
  return parse(readFileSync(path.join(ROOT, 'action.yml'), 'utf8')) as ActionYml;
}

export function workflowFiles(): string[] {
  return readdirSync(WORKFLOWS_DIR)
    .filter((file) => /\.ya?ml$/.test(file))
    .sort();
}

export function readWorkflowText(file: string): string {
  return readFileSync(path.join(WORKFLOWS_DIR, file), 'utf8');
}

export function loadWorkflow(file: string): Workflow {
  return parse(readWorkflowText(file)) as Workflow;
}

/** This action as users call it from another repository: `org/streaming-at-scale@ref`. */
const PUBLISHED_ACTION = /^[\w.-]+\/streaming-at-scale@[\w./-]+$/;

/**
 * Whether a step's `uses` runs this repository's action: `./` (a checkout of this repository at
 * the workspace root), `./<dir>` where a checkout step of the same job put a checkout (its `path`,
 * `${{ env.X }}` resolved against the workflow's env), or the published `org/streaming-at-scale@ref`.
 */
export function callsThisAction(
  uses: string | undefined,
  job: Job | undefined,
  env: Record<string, string> = {},
): boolean {
  if (!uses) return false;
  if (PUBLISHED_ACTION.test(uses)) return true;
  const local = uses.match(/^\.\/?(.*?)\/?$/);
  if (!local) return false;
  const dir = local[1]!;
  if (dir === '') return true;
  const resolve = (text: string) =>
    text.replace(/\$\{\{\s*env\.([\w-]+)\s*\}\}/g, (_, name: string) => env[name] ?? `<env.${name}>`);
  return (job?.steps ?? [])
    .filter((step) => step.uses?.startsWith('actions/checkout@'))
    .some(
      (step) =>
        resolve(String(step.with?.path ?? ''))
          .replace(/^\.\//, '')
          .replace(/\/$/, '') === dir,
    );
}

export interface ActionCall {
  file: string;
  job: string;
  step: string;
  with: Record<string, unknown>;
}

/** Every step of every workflow that runs this action. */
export function actionCalls(): ActionCall[] {
  const calls: ActionCall[] = [];
  for (const file of workflowFiles()) {
    const workflow = loadWorkflow(file);
    for (const [jobId, job] of Object.entries(workflow.jobs)) {
      (job.steps ?? []).forEach((step, index) => {
        if (callsThisAction(step.uses, job, workflow.env)) {
          calls.push({ file, job: jobId, step: step.id ?? step.name ?? `#${index}`, with: step.with ?? {} });
        }
      });
    }
  }
  return calls;
}

/** The names X of every `inputs.X` (or `inputs['X']`) inside `${{ }}` expressions of a text. */
export function inputsUsed(text: string): Set<string> {
  const names = new Set<string>();
  for (const expression of text.matchAll(/\$\{\{([\s\S]*?)\}\}/g)) {
    for (const m of expression[1]!.matchAll(/(?<![\w.])inputs\.([A-Za-z_][\w-]*)/g)) names.add(m[1]!);
    for (const m of expression[1]!.matchAll(/(?<![\w.])inputs\[\s*'([^']+)'\s*\]/g)) names.add(m[1]!);
  }
  return names;
}

/** Same for bare `if:` conditions, which need no `${{ }}`. */
export function inputsUsedInConditions(value: unknown): Set<string> {
  const names = new Set<string>();
  const visit = (node: unknown, key?: string): void => {
    if (Array.isArray(node)) node.forEach((item) => visit(item));
    else if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) visit(v, k);
    } else if (key === 'if' && typeof node === 'string') {
      for (const name of inputsUsed(`\${{ ${node} }}`)) names.add(name);
    }
  };
  visit(value);
  return names;
}

/**
 * Events whose runs never have the default branch as github.ref: a pull request's run is on
 * refs/pull/N/merge, a merge queue's on refs/heads/gh-readonly-queue/... Every other event (push,
 * schedule, workflow_dispatch, workflow_call with a default-branch caller, workflow_run,
 * pull_request_target, ...) can run on the default branch, where runs produce baselines.
 */
const NEVER_ON_DEFAULT_BRANCH = new Set(['pull_request', 'merge_group']);

/** Whether any trigger of a workflow's `on:` (a string, a list or a map) can run on the default branch. */
export function canRunOnDefaultBranch(on: unknown): boolean {
  const events: Array<[string, unknown]> =
    typeof on === 'string'
      ? [[on, null]]
      : Array.isArray(on)
        ? on.map((event) => [String(event), null])
        : Object.entries((on ?? {}) as Record<string, unknown>);
  return events.some(([event, filters]) => {
    if (NEVER_ON_DEFAULT_BRANCH.has(event)) return false;
    // A push filtered to tags only runs on refs/tags/..., never on a branch.
    if (event === 'push' && filters && typeof filters === 'object') {
      const keys = Object.keys(filters);
      const onBranches = keys.some((key) => key === 'branches' || key === 'branches-ignore');
      if (!onBranches && keys.some((key) => key === 'tags' || key === 'tags-ignore')) return false;
    }
    return true;
  });
}

/** `cancel-in-progress: true` (or a constant expression for it), whatever run it is: no condition spares a run. */
export function cancelsUnconditionally(concurrency: Concurrency | undefined): boolean {
  if (concurrency === undefined || typeof concurrency === 'string') return false;
  const cancel = concurrency['cancel-in-progress'];
  return cancel === true || (typeof cancel === 'string' && /^\s*(true|\$\{\{\s*true\s*\}\})\s*$/.test(cancel));
}

/** The workflow's concurrency and every job's, each with where it is. */
export function concurrencySettings(workflow: Workflow): Array<{ where: string; concurrency: Concurrency }> {
  return [
    ...(workflow.concurrency ? [{ where: 'workflow', concurrency: workflow.concurrency }] : []),
    ...Object.entries(workflow.jobs).flatMap(([jobId, job]) =>
      job.concurrency ? [{ where: `jobs.${jobId}`, concurrency: job.concurrency }] : [],
    ),
  ];
}

/** The literal start of a concurrency group, before its first expression. */
export function groupPrefix(concurrency: Concurrency): string {
  const group = typeof concurrency === 'string' ? concurrency : concurrency.group;
  return group.split('${{')[0]!;
}

/** The environment a job names (`environment: x` or `environment: { name: x }`), or undefined. */
export function environmentOf(job: Job): string | undefined {
  const environment = job.environment;
  return typeof environment === 'string' ? environment : environment?.name;
}

/** The benchmark and teardown environments' defaults (benchmark.yml's inputs; docs/azure-setup.md). */
export const BENCHMARK_ENVIRONMENT = 'azure-benchmark';
export const TEARDOWN_ENVIRONMENT = 'azure-teardown';

/** Modes that only read and delete on Azure: they run unattended, in the teardown environment. */
export const TEARDOWN_MODES: readonly string[] = ['teardown', 'cleanup'];

/**
 * Which environment a job's `environment:` resolves to by default: a literal name, or
 * `${{ inputs.X }}` of the workflow's own workflow_call input X (its default, tagged with X).
 */
export function resolveEnvironment(workflow: Workflow, job: Job): { name: string | undefined; input?: string } {
  const raw = environmentOf(job);
  if (raw === undefined) return { name: undefined };
  const input = raw.match(/^\$\{\{\s*inputs\.([\w-]+)\s*\}\}$/)?.[1];
  if (!input) return { name: raw.includes('${{') ? `<expression ${raw}>` : raw };
  const declared = workflow.on.workflow_call?.inputs?.[input];
  return { name: declared?.default === undefined ? undefined : String(declared.default) || undefined, input };
}

/** Whether an expression passed as an environment name can never be empty: a literal, or `... || 'name' }}`. */
export function neverEmpty(value: unknown): boolean {
  const text = String(value ?? '').trim();
  if (text === '') return false;
  if (!text.includes('${{')) return true;
  return /^\$\{\{[\s\S]*\|\|\s*'[^']+'\s*\}\}$/.test(text);
}
