/**
 * The Hadoop cluster's YARN through its HDInsight gateway: the ResourceManager's REST API
 * (/yarnui/ws/v1/...) and the YARN web proxy (/yarnui/hn/proxy/<application>/), which forwards to
 * the application master's web server: Flink's REST API for a Flink application.
 */
import { GatewayError, type HdinsightGateway } from '../../azure/hdinsight-gateway.js';
import { UserError } from '../../errors.js';

/** GET /ws/v1/cluster/apps/<id> -> app (the fields read here). */
export interface YarnApplication {
  id: string;
  name: string;
  state: 'NEW' | 'NEW_SAVING' | 'SUBMITTED' | 'ACCEPTED' | 'RUNNING' | 'FINISHED' | 'FAILED' | 'KILLED';
  finalStatus: string;
  diagnostics?: string;
  applicationType?: string;
  /** Milliseconds since the epoch. */
  startedTime?: number;
}

const ENDED: YarnApplication['state'][] = ['FINISHED', 'FAILED', 'KILLED'];

export function yarnApplication(gateway: HdinsightGateway, applicationId: string): Promise<YarnApplication> {
  return gateway
    .getJson<{ app: YarnApplication }>(
      `/yarnui/ws/v1/cluster/apps/${encodeURIComponent(applicationId)}`,
      `YARN knows no application ${applicationId}.`,
    )
    .then((answer) => answer.app);
}

/**
 * The newest RUNNING application of this name (GET /ws/v1/cluster/apps?states=RUNNING; YARN answers
 * `{"apps": null}` when none runs): how a stage without the run's recorded application id finds it.
 */
export async function runningYarnApplication(
  gateway: HdinsightGateway,
  name: string,
): Promise<YarnApplication | undefined> {
  const answer = await gateway.getJson<{ apps: { app?: YarnApplication[] } | null }>(
    '/yarnui/ws/v1/cluster/apps?states=RUNNING',
  );
  const named = (answer.apps?.app ?? []).filter((app) => app.name === name && app.state === 'RUNNING');
  return named.sort((a, b) => (b.startedTime ?? 0) - (a.startedTime ?? 0))[0];
}

/** The base URL of the application master's web server through the gateway (Flink's REST API). */
export function yarnProxyUrl(gateway: HdinsightGateway, applicationId: string): string {
  return `${gateway.url}/yarnui/hn/proxy/${applicationId}`;
}

/**
 * Polls the application until YARN says RUNNING. An application that ended is a UserError with
 * YARN's diagnostics; the gateway's 5xx answers (the ResourceManager failing over) are waited out.
 */
export async function waitForYarnRunning(
  gateway: HdinsightGateway,
  applicationId: string,
  options: { deadline: number; intervalMs: number; signal: AbortSignal },
): Promise<YarnApplication> {
  let last: YarnApplication | undefined;
  let lastError: GatewayError | undefined;
  for (;;) {
    options.signal.throwIfAborted();
    try {
      last = await yarnApplication(gateway, applicationId);
      lastError = undefined;
    } catch (error) {
      if (!(error instanceof GatewayError && (error.status ?? 0) >= 500)) throw error;
      lastError = error;
    }
    if (last?.state === 'RUNNING') return last;
    if (last && ENDED.includes(last.state)) {
      throw new UserError(
        `YARN application ${applicationId} (${last.name}) is ${last.state} (${last.finalStatus})${last.diagnostics ? `: ${last.diagnostics}` : ''}. Its logs: yarn logs -applicationId ${applicationId} on a head node.`,
      );
    }
    if (Date.now() > options.deadline) {
      throw new UserError(
        `YARN application ${applicationId} did not reach RUNNING in time (last state: ${last?.state ?? lastError?.message ?? 'unknown'}).`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs));
  }
}
