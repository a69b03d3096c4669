/**
 * One HDInsight script action through ARM (run once, not persisted) and what each node printed:
 * the execution history's debug information is Ambari's request for it, one task per node with
 * its stdout, stderr and exit code.
 */
import type { ArmClients } from './clients.js';
import { armErrorText } from './errors.js';
import { armFailure } from './resource-groups.js';
import { UserError } from '../errors.js';

export interface ScriptAction {
  /** Unique in the cluster's history, so its outputs can be found there. */
  name: string;
  /** A URL the cluster can read the bash script from. */
  uri: string;
  roles: string[];
  /** The script's arguments: words without spaces or shell syntax (the agent passes them on a command line). */
  args: string[];
}

export interface NodeOutput {
  host: string;
  /** Ambari's task status (COMPLETED, FAILED, TIMEDOUT, ...). */
  status: string;
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

/** The Ambari request in `debugInformation` (the fields read here). */
interface AmbariRequestDebug {
  tasks?: Array<{
    Tasks?: { host_name?: string; status?: string; exit_code?: number; stdout?: string | null; stderr?: string | null };
  }>;
}

const SHELL_WORD = /^[A-Za-z0-9._:,/=+@%-]+$/;

/**
 * Runs the script action and waits for it; returns each node's output. A failed script action is
 * a UserError carrying ARM's error and every node's stdout and stderr (also logged).
 */
export async function runScriptAction(
  clients: ArmClients,
  resourceGroup: string,
  cluster: string,
  action: ScriptAction,
  log: (line: string) => void,
  signal: AbortSignal,
): Promise<NodeOutput[]> {
  const unsafe = action.args.filter((arg) => !SHELL_WORD.test(arg));
  if (unsafe.length > 0) throw new Error(`Script action arguments must be plain words: ${JSON.stringify(unsafe)}`);
  let failure: unknown;
  try {
    await clients.hdinsight.clusters.beginExecuteScriptActionsAndWait(
      resourceGroup,
      cluster,
      {
        scriptActions: [{ name: action.name, uri: action.uri, roles: action.roles, parameters: action.args.join(' ') }],
        persistOnSuccess: false,
      },
      { updateIntervalInMs: clients.connection.pollIntervalMs, abortSignal: signal },
    );
  } catch (error) {
    if (signal.aborted) throw new UserError(`Cancelled while script action ${action.name} ran on ${cluster}.`);
    failure = error;
  }
  const outputs = await nodeOutputs(clients, resourceGroup, cluster, action.name).catch((error: unknown) => {
    // Without the history the outcome still stands; say why the outputs are missing.
    log(`Could not read the output of script action ${action.name}: ${armErrorText(error)}`);
    return [];
  });
  if (failure === undefined) return outputs;
  const printed = formatOutputs(outputs);
  log(`Script action ${action.name} on ${cluster} failed:\n${printed}`);
  // The SDK reports a failed operation as "The long-running operation has failed. <code>. <message>".
  const armError = armErrorText(failure).replace(/^The long-running operation has failed\. ([^.\s]+)\. /, '$1: ');
  throw new UserError(`Script action ${action.name} on HDInsight cluster ${cluster} failed: ${armError}\n${printed}`);
}

/** Each node's output of the latest execution of the named script action, from the cluster's history. */
async function nodeOutputs(
  clients: ArmClients,
  resourceGroup: string,
  cluster: string,
  name: string,
): Promise<NodeOutput[]> {
  let latest: number | undefined;
  try {
    for await (const entry of clients.hdinsight.scriptExecutionHistory.listByCluster(resourceGroup, cluster)) {
      if (entry.name === name && entry.scriptExecutionId !== undefined)
        latest = Math.max(latest ?? entry.scriptExecutionId, entry.scriptExecutionId);
    }
  } catch (error) {
    throw armFailure(`Listing the script actions of ${cluster}`, error);
  }
  if (latest === undefined) throw new UserError(`the history of ${cluster} has no script action named ${name}`);
  const detail = await clients.hdinsight.scriptActions.getExecutionDetail(resourceGroup, cluster, String(latest));
  return parseDebugInformation(detail.debugInformation ?? '');
}

/** The nodes' tasks in a script action's debug information (Ambari's request, as JSON text). */
export function parseDebugInformation(text: string): NodeOutput[] {
  let request: AmbariRequestDebug;
  try {
    request = JSON.parse(text) as AmbariRequestDebug;
  } catch {
    return text ? [{ host: 'unknown', status: 'unknown', exitCode: null, stdout: text, stderr: '' }] : [];
  }
  return (request.tasks ?? []).map(({ Tasks: task = {} }) => ({
    host: task.host_name ?? 'unknown',
    status: task.status ?? 'unknown',
    exitCode: task.exit_code ?? null,
    stdout: task.stdout ?? '',
    stderr: task.stderr ?? '',
  }));
}

/** Every node's exit code, stdout and stderr (the last few thousand characters of each). */
export function formatOutputs(outputs: NodeOutput[]): string {
  if (outputs.length === 0) return '(no node output in the script execution history)';
  const block = (label: string, text: string) =>
    text.trim()
      ? [
          `  ${label}:`,
          ...text
            .trimEnd()
            .slice(-4000)
            .split('\n')
            .map((line) => `    ${line}`),
        ]
      : [];
  return outputs
    .flatMap((node) => [
      `${node.host} (${node.status}, exit code ${node.exitCode ?? '?'})`,
      ...block('stdout', node.stdout),
      ...block('stderr', node.stderr),
    ])
    .join('\n');
}
