/**
 * The HTTPS gateway of an HDInsight cluster (https://<cluster>.azurehdinsight.net): the one way in
 * to Ambari, the YARN ResourceManager and the YARN web proxy from a hosted runner. Its login is
 * random per run and kept nowhere: it is read back through ARM (getGatewaySettings) with the run's
 * credential and masked before anything could print it.
 */
import type { Reporter } from '../console/reporter.js';
import { UserError } from '../errors.js';
import type { RunState } from '../run-state/run-state.js';
import type { ArmClients } from './clients.js';
import { armFailure } from './resource-groups.js';
import { azureState } from './state.js';

/** Which of the run's HDInsight clusters: Kafka, or the Hadoop (YARN) cluster Flink runs on. */
export type HdinsightClusterRole = 'kafka' | 'hadoop';

export interface HdinsightGateway {
  clusterName: string;
  /** The gateway's base URL, without a trailing slash (never carries the login). */
  url: string;
  /** The HTTP Basic `Authorization` header value of the cluster login (masked). */
  authorization: string;
  /**
   * GET `pathAndQuery` (starting with '/') and parse the JSON answer. A non-2xx answer or an
   * unreachable gateway is a GatewayError; `notFound` says what a 404 means at that path.
   */
  getJson<T>(pathAndQuery: string, notFound?: string): Promise<T>;
}

/** A failed call through the gateway; `status` is undefined when the gateway was not reached. */
export class GatewayError extends UserError {
  override name = 'GatewayError';
  constructor(
    message: string,
    readonly status: number | undefined,
  ) {
    super(message);
  }
}

export interface GatewayOptions {
  /** Per-request timeout (default 30 s). */
  timeoutMs?: number;
  /** A fetch implementation (default: the platform's). */
  fetch?: typeof fetch;
}

/** The cluster named in the run's deployment outputs, with its login read through ARM. */
export async function openHdinsightGateway(
  clients: ArmClients,
  state: RunState,
  reporter: Reporter,
  role: HdinsightClusterRole,
  options: GatewayOptions = {},
): Promise<HdinsightGateway> {
  const azure = azureState(state);
  const outputs = azure.outputs ?? {};
  const clusterName = role === 'kafka' ? outputs.kafkaClusterName : outputs.flinkClusterName;
  const url = role === 'kafka' ? outputs.kafkaGatewayUrl : outputs.hadoopGatewayUrl;
  if (!azure.resourceGroup || !clusterName || !url) {
    const which = role === 'kafka' ? 'HDInsight Kafka cluster' : 'HDInsight Hadoop cluster (platform hdinsight)';
    throw new UserError(`Run ${state.runId} has no ${which} recorded: run 'deploy' for it first.`);
  }
  const settings = await clients.hdinsight.clusters
    .getGatewaySettings(azure.resourceGroup, clusterName)
    .catch((error: unknown) => {
      throw armFailure(`Reading the gateway login of HDInsight cluster ${clusterName} through ARM`, error);
    });
  if (settings.password) reporter.setSecret(settings.password);
  if (settings.isCredentialEnabled?.toLowerCase() !== 'true' || !settings.userName || !settings.password) {
    throw new UserError(
      `HDInsight cluster ${clusterName} has no gateway login enabled (ARM getGatewaySettings): the deployment sets one; deploy the run again.`,
    );
  }
  const authorization = `Basic ${Buffer.from(`${settings.userName}:${settings.password}`).toString('base64')}`;
  reporter.setSecret(authorization);
  return gatewayClient(clusterName, url, authorization, options);
}

/** The gateway client itself, for a known login. */
export function gatewayClient(
  clusterName: string,
  url: string,
  authorization: string,
  options: GatewayOptions = {},
): HdinsightGateway {
  const base = url.replace(/\/+$/, '');
  const fetchImpl = options.fetch ?? fetch;
  return {
    clusterName,
    url: base,
    authorization,
    getJson: async <T>(pathAndQuery: string, notFound?: string): Promise<T> => {
      let response: Response;
      try {
        response = await fetchImpl(`${base}${pathAndQuery}`, {
          headers: { Authorization: authorization, Accept: 'application/json' },
          signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
        });
      } catch (error) {
        const cause = (error as { cause?: { message?: string } }).cause?.message ?? (error as Error).message;
        throw new GatewayError(
          `Cannot reach the HDInsight gateway of cluster ${clusterName} at ${base}: ${cause}. Check that the cluster exists and is running.`,
          undefined,
        );
      }
      const text = await response.text();
      if (!response.ok) throw gatewayError(clusterName, pathAndQuery, response.status, text, notFound);
      try {
        return JSON.parse(text) as T;
      } catch {
        throw new GatewayError(
          `The HDInsight gateway of cluster ${clusterName} answered ${pathAndQuery} with something that is not JSON: ${text.slice(0, 300)}`,
          response.status,
        );
      }
    },
  };
}

function gatewayError(
  clusterName: string,
  pathAndQuery: string,
  status: number,
  body: string,
  notFound: string | undefined,
): GatewayError {
  const path = pathAndQuery.split('?')[0];
  const where = `The HDInsight gateway of cluster ${clusterName}`;
  if (status === 401) {
    return new GatewayError(
      `${where} rejected the cluster login (401 Unauthorized): the login ARM returned (getGatewaySettings) does not work. If the gateway password was changed outside this run, set it back or deploy again.`,
      status,
    );
  }
  if (status === 403) {
    return new GatewayError(
      `${where} refused ${path} (403 Forbidden): the cluster login is not allowed there (an Ambari role, or an Enterprise Security Package cluster that wants a domain user).`,
      status,
    );
  }
  if (status === 404) {
    return new GatewayError(`${where} answered 404 for ${path}: ${notFound ?? 'no such resource.'}`, status);
  }
  if (status >= 500) {
    return new GatewayError(
      `${where} answered ${status} for ${path}: the cluster or the service behind the gateway is not healthy (still starting, or down). Check the cluster in the Azure portal and try again.`,
      status,
    );
  }
  return new GatewayError(`${where} answered ${status} for ${path}: ${body.slice(0, 500)}`, status);
}
