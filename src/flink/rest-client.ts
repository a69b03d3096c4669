/**
 * A client of Flink's REST API (the subset the toolkit uses: cluster overview, jar upload and run,
 * job status, exceptions, checkpoints, cancel). Platform-neutral: used against the local cluster
 * and, through the Kubernetes API server's service proxy, against Flink on AKS — hence the base
 * URL may carry a path prefix and the caller may add headers (e.g. Authorization).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../errors.js';

export interface FlinkRestClientOptions {
  /** Extra headers on every request (e.g. `Authorization: Bearer ...` for an API-server proxy). */
  headers?: Record<string, string>;
  /** Per-request timeout (default 30 s; uploads get 5 minutes). */
  timeoutMs?: number;
  /** A fetch implementation (default: the platform's). */
  fetch?: typeof fetch;
}

/** A non-2xx answer; `errors` holds Flink's own error texts (often a Java stack trace). */
/**
 * A connection closed or refused before an answer (a JobManager starting behind a proxy, a kept-alive
 * socket the other side just closed): worth another poll, unlike an answer that says no.
 */
function droppedConnection(error: unknown): boolean {
  const code =
    (error as { code?: unknown; cause?: { code?: unknown } }).code ??
    (error as { cause?: { code?: unknown } }).cause?.code;
  return typeof code === 'string' && ['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'UND_ERR_SOCKET'].includes(code);
}

export class FlinkRestError extends Error {
  override name = 'FlinkRestError';
  constructor(
    readonly method: string,
    readonly url: string,
    readonly status: number,
    readonly errors: string[],
    readonly body: string,
  ) {
    super(
      `Flink REST ${method} ${url} answered ${status}: ${errors.length > 0 ? errors.join('\n') : body.slice(0, 2000)}`,
    );
  }
}

/** GET /overview */
export interface ClusterOverview {
  taskmanagers: number;
  'slots-total': number;
  'slots-available': number;
  'jobs-running': number;
  'jobs-finished': number;
  'jobs-cancelled': number;
  'jobs-failed': number;
  'flink-version': string;
  'flink-commit'?: string;
}

export type JobState =
  | 'INITIALIZING'
  | 'CREATED'
  | 'RUNNING'
  | 'FAILING'
  | 'FAILED'
  | 'CANCELLING'
  | 'CANCELED'
  | 'FINISHED'
  | 'RESTARTING'
  | 'SUSPENDED'
  | 'RECONCILING';

/** States a job never leaves. */
export const TERMINAL_JOB_STATES: readonly JobState[] = ['FAILED', 'CANCELED', 'FINISHED', 'SUSPENDED'];

/** GET /jobs/:jobid (the fields the toolkit reads). */
export interface JobDetails {
  jid: string;
  name: string;
  state: JobState;
  'start-time': number;
  'end-time': number;
  duration: number;
  now: number;
  vertices: Array<{ id: string; name: string; parallelism: number; status: string; tasks?: Record<string, number> }>;
  'status-counts'?: Record<string, number>;
}

/** One entry of GET /jobs/overview. */
export interface JobOverview {
  jid: string;
  name: string;
  state: JobState;
  'start-time': number;
  'end-time': number;
  duration: number;
  tasks: Record<string, number>;
}

/** GET /jobs/:jobid/exceptions */
export interface JobExceptions {
  'root-exception'?: string | null;
  timestamp?: number | null;
  exceptionHistory?: {
    entries: Array<{ exceptionName: string; stacktrace: string; timestamp: number; taskName?: string | null }>;
    truncated: boolean;
  };
}

/** GET /jobs/:jobid/checkpoints (the counts and the latest completed checkpoint). */
export interface JobCheckpoints {
  counts: { restored: number; total: number; in_progress: number; completed: number; failed: number };
  latest: {
    completed: { id: number; external_path?: string; latest_ack_timestamp: number } | null;
    restored: { id: number; restore_timestamp: number; external_path?: string } | null;
  };
}

/** One entry of GET /taskmanagers. */
export interface TaskManagerInfo {
  id: string;
  path: string;
  dataPort: number;
  timeSinceLastHeartbeat: number;
  slotsNumber: number;
  freeSlots: number;
}

export interface RunJarRequest {
  /** Main class (default: the jar manifest's Main-Class). */
  entryClass?: string;
  /** Program arguments, passed as a list (no shell-style splitting). */
  programArgs?: string[];
  parallelism?: number;
  /** Restore from this savepoint or retained checkpoint. */
  savepointPath?: string;
  allowNonRestoredState?: boolean;
}

export class FlinkRestClient {
  private readonly base: string;
  private readonly fetchImpl: typeof fetch;

  constructor(
    baseUrl: string,
    private readonly options: FlinkRestClientOptions = {},
  ) {
    this.base = baseUrl.replace(/\/+$/, '');
    this.fetchImpl = options.fetch ?? fetch;
  }

  /** GET /overview: TaskManagers, slots, job counts, Flink version. */
  overview(): Promise<ClusterOverview> {
    return this.request('GET', '/overview');
  }

  /** GET /taskmanagers */
  async taskManagers(): Promise<TaskManagerInfo[]> {
    return (await this.request<{ taskmanagers: TaskManagerInfo[] }>('GET', '/taskmanagers')).taskmanagers;
  }

  /** POST /jars/upload (multipart field `jarfile`); returns the jar id used by runJar. */
  async uploadJar(jarPath: string): Promise<string> {
    const form = new FormData();
    const bytes = await readFile(jarPath);
    form.append('jarfile', new Blob([bytes], { type: 'application/x-java-archive' }), path.basename(jarPath));
    const answer = await this.request<{ filename: string; status: string }>('POST', '/jars/upload', form, 300_000);
    // filename is the server-side path: "<dir>/flink-web-upload/<uuid>_<name>.jar"; the id is its last segment.
    return answer.filename.split('/').pop()!;
  }

  /** DELETE /jars/:jarid */
  async deleteJar(jarId: string): Promise<void> {
    await this.request('DELETE', `/jars/${encodeURIComponent(jarId)}`);
  }

  /**
   * POST /jars/:jarid/run: runs the jar's main() on the cluster and returns the job id. When
   * main() fails, the FlinkRestError carries Flink's exception text.
   */
  async runJar(jarId: string, request: RunJarRequest = {}): Promise<string> {
    const body: Record<string, unknown> = {};
    if (request.entryClass) body.entryClass = request.entryClass;
    if (request.programArgs) body.programArgsList = request.programArgs;
    if (request.parallelism !== undefined) body.parallelism = request.parallelism;
    if (request.savepointPath) body.savepointPath = request.savepointPath;
    if (request.allowNonRestoredState !== undefined) body.allowNonRestoredState = request.allowNonRestoredState;
    const answer = await this.request<{ jobid: string }>(
      'POST',
      `/jars/${encodeURIComponent(jarId)}/run`,
      body,
      300_000,
    );
    return answer.jobid;
  }

  /** GET /jobs/overview */
  async jobs(): Promise<JobOverview[]> {
    return (await this.request<{ jobs: JobOverview[] }>('GET', '/jobs/overview')).jobs;
  }

  /** GET /jobs/:jobid */
  job(jobId: string): Promise<JobDetails> {
    return this.request('GET', `/jobs/${encodeURIComponent(jobId)}`);
  }

  /** GET /jobs/:jobid/exceptions */
  jobExceptions(jobId: string): Promise<JobExceptions> {
    return this.request('GET', `/jobs/${encodeURIComponent(jobId)}/exceptions`);
  }

  /** GET /jobs/:jobid/checkpoints */
  jobCheckpoints(jobId: string): Promise<JobCheckpoints> {
    return this.request('GET', `/jobs/${encodeURIComponent(jobId)}/checkpoints`);
  }

  /** GET /jobs/:jobid/metrics?get=...: job-scoped metrics (e.g. numRestarts) by name; absent ones are left out. */
  async jobMetrics(jobId: string, names: string[]): Promise<Record<string, number>> {
    const query = names.map(encodeURIComponent).join(',');
    const metrics = await this.request<Array<{ id: string; value: string }>>(
      'GET',
      `/jobs/${encodeURIComponent(jobId)}/metrics?get=${query}`,
    );
    return Object.fromEntries(metrics.map((m) => [m.id, Number(m.value)]));
  }

  /** GET /jobs/:jobid/vertices/:vertexid/subtasks/metrics: the names of the vertex's subtask metrics. */
  async vertexMetricNames(jobId: string, vertexId: string): Promise<string[]> {
    const metrics = await this.request<Array<{ id: string }>>('GET', this.subtaskMetricsPath(jobId, vertexId));
    return metrics.map((m) => m.id);
  }

  /**
   * GET /jobs/:jobid/vertices/:vertexid/subtasks/metrics?get=...&agg=sum: each metric summed over the
   * vertex's subtasks. Only names the vertex has (vertexMetricNames): Flink answers [] for the whole
   * request when one name is unknown.
   */
  async vertexMetricSums(jobId: string, vertexId: string, names: string[]): Promise<Record<string, number>> {
    if (!names.length) return {};
    const query = names.map(encodeURIComponent).join(',');
    const metrics = await this.request<Array<{ id: string; sum?: number }>>(
      'GET',
      `${this.subtaskMetricsPath(jobId, vertexId)}?get=${query}&agg=sum`,
    );
    return Object.fromEntries(metrics.filter((m) => m.sum !== undefined).map((m) => [m.id, m.sum!]));
  }

  private subtaskMetricsPath(jobId: string, vertexId: string): string {
    return `/jobs/${encodeURIComponent(jobId)}/vertices/${encodeURIComponent(vertexId)}/subtasks/metrics`;
  }

  /** GET /jobs/:jobid/vertices/:vertexid/backpressure: the busiest subtask's back-pressured ratio (0..1). */
  async vertexBackpressure(jobId: string, vertexId: string): Promise<number | null> {
    const answer = await this.request<{
      status: string;
      subtasks?: Array<{ ratio?: number; backPressuredRatio?: number }>;
    }>('GET', `/jobs/${encodeURIComponent(jobId)}/vertices/${encodeURIComponent(vertexId)}/backpressure`);
    // The first request only starts the sampling ("deprecated" status, no subtasks): no figure yet.
    const ratios = (answer.subtasks ?? []).map((s) => s.backPressuredRatio ?? s.ratio ?? 0);
    return ratios.length ? Math.max(...ratios) : null;
  }

  /** PATCH /jobs/:jobid?mode=cancel (accepted; the job then goes CANCELLING -> CANCELED). */
  async cancelJob(jobId: string): Promise<void> {
    await this.request('PATCH', `/jobs/${encodeURIComponent(jobId)}?mode=cancel`);
  }

  /**
   * Polls until the cluster lists a job and returns its id: in Application mode the JobManager
   * submits the job itself. 404, 5xx and non-JSON answers count as "not up yet" (the proxy in front
   * of a starting JobManager answers them); any other error ends the wait. `via` names the route
   * (e.g. 'the YARN proxy') in the errors.
   */
  async waitForFirstJob(options: {
    timeoutMs: number;
    intervalMs: number;
    signal?: AbortSignal;
    via: string;
  }): Promise<string> {
    const deadline = Date.now() + options.timeoutMs;
    let lastProblem = 'no answer yet';
    for (;;) {
      options.signal?.throwIfAborted();
      try {
        const [job] = await this.jobs();
        if (job) return job.jid;
        lastProblem = 'Flink lists no job yet';
      } catch (error) {
        const notUpYet =
          error instanceof SyntaxError ||
          (error instanceof FlinkRestError && (error.status === 404 || error.status >= 500)) ||
          droppedConnection(error);
        if (!notUpYet)
          throw new UserError(`Flink's REST API through ${options.via} failed: ${(error as Error).message}`);
        lastProblem = (error as Error).message.slice(0, 300);
      }
      if (Date.now() > deadline)
        throw new UserError(`Flink's REST API through ${options.via} did not show the job in time: ${lastProblem}`);
      await new Promise((resolve) => setTimeout(resolve, options.intervalMs));
    }
  }

  /**
   * Polls the job until its state is one of `states`. Fails with Flink's root exception when the
   * job reaches a terminal state that is not wanted (e.g. FAILED while waiting for RUNNING).
   * With `allTasksRunning`, RUNNING counts only once every task is running (not just scheduled).
   */
  async waitForJobState(
    jobId: string,
    states: JobState[],
    options: { timeoutMs?: number; intervalMs?: number; signal?: AbortSignal; allTasksRunning?: boolean } = {},
  ): Promise<JobDetails> {
    const deadline = Date.now() + (options.timeoutMs ?? 120_000);
    let last: JobDetails | undefined;
    for (;;) {
      options.signal?.throwIfAborted();
      last = await this.job(jobId).catch((error: unknown) => {
        if (error instanceof FlinkRestError && error.status === 404) return undefined;
        throw error;
      });
      if (last && states.includes(last.state)) {
        const running =
          !options.allTasksRunning || last.state !== 'RUNNING' || last.vertices.every((v) => v.status === 'RUNNING');
        if (running) return last;
      }
      if (last && TERMINAL_JOB_STATES.includes(last.state)) {
        const exceptions = await this.jobExceptions(jobId).catch(() => undefined);
        const cause = exceptions?.['root-exception'] ?? exceptions?.exceptionHistory?.entries[0]?.stacktrace;
        throw new Error(`Flink job ${jobId} is ${last.state}${cause ? `:\n${cause}` : ''}`);
      }
      if (Date.now() > deadline) {
        throw new Error(
          `Flink job ${jobId} did not reach ${states.join('/')} in time (last state: ${last?.state ?? 'unknown'})`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 500));
    }
  }

  private async request<T>(
    method: string,
    pathAndQuery: string,
    body?: FormData | Record<string, unknown>,
    timeoutMs?: number,
  ): Promise<T> {
    const url = `${this.base}${pathAndQuery}`;
    const headers: Record<string, string> = { Accept: 'application/json', ...this.options.headers };
    let payload: RequestInit['body'];
    if (body instanceof FormData) payload = body;
    else if (body !== undefined) {
      payload = JSON.stringify(body);
      headers['Content-Type'] = 'application/json';
    }
    const response = await this.fetchImpl(url, {
      method,
      headers,
      body: payload,
      signal: AbortSignal.timeout(timeoutMs ?? this.options.timeoutMs ?? 30_000),
    });
    const text = await response.text();
    if (!response.ok) {
      let errors: string[] = [];
      try {
        errors = (JSON.parse(text) as { errors?: string[] }).errors ?? [];
      } catch {
        // not JSON (a proxy's error page): keep the body
      }
      throw new FlinkRestError(method, url, response.status, errors, text);
    }
    return (text ? JSON.parse(text) : undefined) as T;
  }
}
