/**
 * Microsoft.HDInsight for the fake ARM (push `hdinsight.route` onto `arm.providers`), at the
 * api-version @azure/arm-hdinsight 1.2.1 sends (2021-06-01):
 *
 * - clusters GET: GetLinuxHadoopCluster.json's body with the cluster's name, id, kind and state;
 * - clusters/{name}/getGatewaySettings POST: the gateway login (`restAuthCredential.*`);
 * - clusters/{name}/executeScriptActions POST: the request checked (scriptActions with name, uri,
 *   roles; persistOnSuccess), then 202 with a `location` header as in PostExecuteScriptAction.json
 *   and an `Azure-AsyncOperation` header (executeScriptActions/azureasyncoperations/{id}, the path
 *   the SDK knows), which the SDK polls: InProgress until the test's `runScript` has answered and
 *   `pollsToComplete` polls passed, then Succeeded, or Failed with an error when a node failed;
 *   operationresults/{id} (the `location`) is 202, then 200;
 * - clusters/{name}/scriptExecutionHistory GET (list) and /{id} GET (getExecutionDetail, with the
 *   debug information: Ambari's request JSON, one task per head node with stdout, stderr, exit code).
 *
 * `runScript` stands in for the cluster running the script: it gets the action as ARM received it
 * and returns what each node printed. An unknown cluster is ARM's 404 ResourceNotFound.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { armError, EXAMPLES, json, send, type ArmCall, type ArmProviderRoute } from '../arm-server.js';

export const HDINSIGHT_API_VERSION = '2021-06-01';
const EXAMPLE_DIR = path.join(EXAMPLES, 'hdinsight', HDINSIGHT_API_VERSION);

export interface FakeCluster {
  name: string;
  resourceGroup: string;
  kind: 'hadoop' | 'kafka';
  clusterState: string;
  gatewayUserName: string;
  gatewayPassword: string;
  /** Host names of the head nodes (the nodes a 'headnode' script action runs on). */
  headNodes: string[];
}

/** The request body of executeScriptActions, as ARM received it. */
export interface ExecuteScriptActionsRequest {
  scriptActions: Array<{ name: string; uri: string; roles: string[]; parameters?: string }>;
  persistOnSuccess: boolean;
}

export interface NodeRun {
  host: string;
  exitCode: number;
  stdout: string;
  stderr: string;
}

interface Execution {
  id: number;
  operationId: string;
  cluster: FakeCluster;
  action: ExecuteScriptActionsRequest['scriptActions'][number];
  polls: number;
  startTime: string;
  endTime?: string;
  nodes?: NodeRun[];
  /** runScript threw: the fake's own failure, reported as a failed operation. */
  crashed?: string;
}

export interface FakeHdinsight {
  route: ArmProviderRoute;
  clusters: Map<string, FakeCluster>;
  addCluster(cluster: Omit<FakeCluster, 'clusterState' | 'headNodes'> & Partial<FakeCluster>): FakeCluster;
  /** executeScriptActions requests, in order. */
  scriptActionRequests: Array<{ cluster: string; body: ExecuteScriptActionsRequest }>;
  /** getGatewaySettings calls answered (cluster names). */
  gatewayReads: string[];
  /** Runs a script action on the cluster's nodes (the part only Azure can do). */
  runScript: (cluster: FakeCluster, action: ExecuteScriptActionsRequest['scriptActions'][number]) => Promise<NodeRun[]>;
  /** Status polls an execution stays InProgress after runScript answered. */
  pollsToComplete: number;
}

export function fakeHdinsight(): FakeHdinsight {
  const executions = new Map<string, Execution>();
  let nextExecutionId = 3_141;
  const hdinsight: FakeHdinsight = {
    clusters: new Map(),
    scriptActionRequests: [],
    gatewayReads: [],
    pollsToComplete: 1,
    runScript: async (cluster) =>
      cluster.headNodes.map((host) => ({ host, exitCode: 0, stdout: 'nothing to do', stderr: '' })),
    addCluster: (cluster) => {
      const prefix = cluster.name.slice(0, 6);
      const full: FakeCluster = {
        clusterState: 'Running',
        headNodes: [0, 1].map((n) => `hn${n}-${prefix}.xkmmnbclxnbuzh0fvbmuckhghd.bx.internal.cloudapp.net`),
        ...cluster,
      };
      hdinsight.clusters.set(`${cluster.resourceGroup}/${cluster.name}`.toLowerCase(), full);
      return full;
    },
    route: async (call, response) => {
      const match = call.below?.match(/^\/providers\/Microsoft\.HDInsight\/clusters\/([^/]+)(\/.*)?$/i);
      if (!match || !call.resourceGroup) return false;
      if (call.apiVersion !== HDINSIGHT_API_VERSION) {
        armError(
          response,
          400,
          'InvalidApiVersionParameter',
          `The api-version '${call.apiVersion}' is invalid. The supported versions are '${HDINSIGHT_API_VERSION}' (fake).`,
        );
        return true;
      }
      const name = decodeURIComponent(match[1]!);
      const cluster = hdinsight.clusters.get(`${call.resourceGroup}/${name}`.toLowerCase());
      if (!cluster) {
        armError(
          response,
          404,
          'ResourceNotFound',
          `The Resource 'Microsoft.HDInsight/clusters/${name}' under resource group '${call.resourceGroup}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
        );
        return true;
      }
      const rest = match[2] ?? '';
      const clusterId = `/subscriptions/${call.arm.subscriptionId}/resourceGroups/${call.resourceGroup}/providers/Microsoft.HDInsight/clusters/${cluster.name}`;
      const handled = answer(call, response, cluster, clusterId, rest);
      if (!handled) armError(response, 405, 'MethodNotAllowed', `${call.method} ${call.path}`);
      return true;
    },
  };

  function answer(
    call: ArmCall,
    response: Parameters<ArmProviderRoute>[1],
    cluster: FakeCluster,
    id: string,
    rest: string,
  ) {
    const { method } = call;
    if (rest === '' && method === 'GET') {
      const body = example('GetLinuxHadoopCluster.json').responses['200']!.body as {
        properties: Record<string, unknown> & { clusterDefinition: Record<string, unknown> };
      };
      json(response, 200, {
        ...body,
        id,
        name: cluster.name,
        properties: {
          ...body.properties,
          clusterVersion: '5.1.3000.0',
          clusterDefinition: { ...body.properties.clusterDefinition, kind: cluster.kind },
          clusterState: cluster.clusterState,
          connectivityEndpoints: [
            { name: 'SSH', protocol: 'TCP', location: `${cluster.name}-ssh.azurehdinsight.net`, port: 22 },
            { name: 'HTTPS', protocol: 'TCP', location: `${cluster.name}.azurehdinsight.net`, port: 443 },
          ],
        },
      });
      return true;
    }
    if (rest.toLowerCase() === '/getgatewaysettings' && method === 'POST') {
      hdinsight.gatewayReads.push(cluster.name);
      json(response, 200, {
        'restAuthCredential.isEnabled': 'true',
        'restAuthCredential.username': cluster.gatewayUserName,
        'restAuthCredential.password': cluster.gatewayPassword,
      });
      return true;
    }
    if (rest.toLowerCase() === '/executescriptactions' && method === 'POST') {
      const body = call.body as ExecuteScriptActionsRequest;
      const problem = checkScriptActions(body);
      if (problem) {
        armError(response, 400, 'BadRequest', problem);
        return true;
      }
      hdinsight.scriptActionRequests.push({ cluster: cluster.name, body });
      if (cluster.clusterState !== 'Running') {
        armError(response, 409, 'Conflict', `Cluster '${cluster.name}' is not in a Running state.`);
        return true;
      }
      const action = body.scriptActions[0]!;
      const execution: Execution = {
        id: nextExecutionId++,
        operationId: randomUUID(),
        cluster,
        action,
        polls: 0,
        startTime: new Date().toISOString(),
      };
      executions.set(execution.operationId, execution);
      void hdinsight.runScript(cluster, action).then(
        (nodes) => {
          execution.nodes = nodes;
          execution.endTime = new Date().toISOString();
        },
        (error: unknown) => {
          execution.crashed = String(error);
          execution.endTime = new Date().toISOString();
        },
      );
      // As PostExecuteScriptAction.json's 202 (location), with the async-operation header.
      send(response, 202, undefined, {
        location: `${call.arm.url}${id}/operationresults/${execution.operationId}?api-version=${HDINSIGHT_API_VERSION}`,
        'Azure-AsyncOperation': `${call.arm.url}${id}/executeScriptActions/azureasyncoperations/${execution.operationId}?api-version=${HDINSIGHT_API_VERSION}`,
        'Retry-After': '0',
      });
      return true;
    }
    const status = rest.match(/^\/executeScriptActions\/azureasyncoperations\/([^/]+)$/i);
    if (status && method === 'GET') {
      const execution = executions.get(status[1]!);
      if (!execution) return notFound(response, 'operation');
      const outcome = done(execution);
      if (outcome === 'InProgress') json(response, 200, { status: 'InProgress' }, { 'Retry-After': '0' });
      else if (outcome === 'Succeeded') json(response, 200, { status: 'Succeeded' });
      else {
        json(response, 200, {
          status: 'Failed',
          error: {
            code: 'ScriptExecutionFailed',
            message: `Script action '${execution.action.name}' failed on ${failedHosts(execution).join(', ')}: ${execution.crashed ?? 'the script exited non-zero'}. See the script action history for the nodes' output.`,
          },
        });
      }
      return true;
    }
    const result = rest.match(/^\/operationresults\/([^/]+)$/i);
    if (result && method === 'GET') {
      const execution = executions.get(result[1]!);
      if (!execution) return notFound(response, 'operation');
      send(response, done(execution) === 'InProgress' ? 202 : 200, undefined);
      return true;
    }
    if (rest.toLowerCase() === '/scriptexecutionhistory' && method === 'GET') {
      const value = [...executions.values()]
        .filter((execution) => execution.cluster === cluster)
        .map((execution) => detail(execution, false));
      json(response, 200, { value });
      return true;
    }
    const history = rest.match(/^\/scriptExecutionHistory\/(\d+)$/i);
    if (history && method === 'GET') {
      const execution = [...executions.values()].find((e) => e.cluster === cluster && String(e.id) === history[1]);
      if (!execution) return notFound(response, 'script execution');
      json(response, 200, detail(execution, true));
      return true;
    }
    return false;
  }

  /** Polled: InProgress until runScript answered and pollsToComplete polls passed. */
  function done(execution: Execution): 'InProgress' | 'Succeeded' | 'Failed' {
    if (!execution.endTime || execution.polls++ < hdinsight.pollsToComplete) return 'InProgress';
    return execution.crashed || failedHosts(execution).length > 0 ? 'Failed' : 'Succeeded';
  }

  function failedHosts(execution: Execution): string[] {
    return (execution.nodes ?? []).filter((node) => node.exitCode !== 0).map((node) => node.host);
  }

  /** A RuntimeScriptActionDetail as the service returns it (debug information on the single GET only). */
  function detail(execution: Execution, withDebug: boolean): Record<string, unknown> {
    const finished = execution.endTime !== undefined;
    const failed = failedHosts(execution);
    const nodes = execution.nodes ?? [];
    const debug = {
      href: `http://${execution.cluster.headNodes[0]}:8080/api/v1/clusters/${execution.cluster.name}/requests/${execution.id}`,
      tasks: nodes.map((node, index) => ({
        href: `http://${execution.cluster.headNodes[0]}:8080/api/v1/clusters/${execution.cluster.name}/requests/${execution.id}/tasks/${index + 100}`,
        Tasks: {
          attempt_cnt: 1,
          command: 'ACTIONEXECUTE',
          command_detail: 'run_customscriptaction ACTIONEXECUTE',
          end_time: Date.parse(execution.endTime ?? execution.startTime),
          error_log: `/var/lib/ambari-agent/data/errors-${index + 100}.txt`,
          exit_code: node.exitCode,
          host_name: node.host,
          id: String(index + 100),
          output_log: `/var/lib/ambari-agent/data/output-${index + 100}.txt`,
          request_id: String(execution.id),
          role: 'run_customscriptaction',
          stage_id: '0',
          start_time: Date.parse(execution.startTime),
          status: node.exitCode === 0 ? 'COMPLETED' : 'FAILED',
          stderr: node.stderr || null,
          stdout: node.stdout,
          structured_out: {},
        },
      })),
    };
    return {
      name: execution.action.name,
      uri: execution.action.uri,
      parameters: execution.action.parameters ?? '',
      roles: execution.action.roles,
      scriptExecutionId: execution.id,
      startTime: execution.startTime,
      ...(finished ? { endTime: execution.endTime } : {}),
      status: !finished ? 'InProgress' : failed.length || execution.crashed ? 'Failed' : 'Succeeded',
      operation: 'PostClusterCreateScriptActionRequest',
      executionSummary: finished
        ? [
            { status: 'COMPLETED', instanceCount: nodes.length - failed.length },
            ...(failed.length ? [{ status: 'FAILED', instanceCount: failed.length }] : []),
          ]
        : [],
      ...(withDebug ? { debugInformation: JSON.stringify(debug, null, 4) } : {}),
    };
  }

  return hdinsight;
}

function checkScriptActions(body: ExecuteScriptActionsRequest | undefined): string | undefined {
  if (!body || typeof body.persistOnSuccess !== 'boolean') return 'persistOnSuccess is required.';
  if (!Array.isArray(body.scriptActions) || body.scriptActions.length === 0) return 'scriptActions is required.';
  for (const action of body.scriptActions) {
    if (!action.name || !action.uri || !Array.isArray(action.roles) || action.roles.length === 0)
      return 'Each script action needs a name, a uri and at least one role.';
    const unknown = action.roles.filter(
      (role) => !['headnode', 'workernode', 'zookeepernode', 'edgenode'].includes(role),
    );
    if (unknown.length) return `Unknown roles: ${unknown.join(', ')}.`;
  }
  return undefined;
}

function notFound(response: Parameters<ArmProviderRoute>[1], what: string): true {
  armError(response, 404, 'NotFound', `The ${what} was not found.`);
  return true;
}

function example(file: string): { responses: Record<string, { body?: unknown }> } {
  return JSON.parse(readFileSync(path.join(EXAMPLE_DIR, file), 'utf8'));
}
