/**
 * The measure agent: runs inside the VNet, where the brokers are reachable, and samples them with
 * the same code as a local `measure` (kafkaSampling -> sampleIntervals), writing each row as it is
 * measured and then the whole result to the run's measurements container (layout in blobs.ts). Its
 * log shows the same table; the container's SAS never appears in it.
 */
import { ContainerClient } from '@azure/storage-blob';
import { UserError } from '../../errors.js';
import { kafkaClient } from '../../kafka/client.js';
import { consoleHeader, consoleRow } from '../../report/render.js';
import { kafkaSampling, samplingPlan, type Sampled } from '../measure.js';
import { CONTAINER_URL_ENV, type MeasureAgentOptions } from './args.js';
import {
  AGENT_BLOB_FORMAT,
  AGENT_BLOBS,
  encodeResult,
  measurementPrefix,
  rowBlobName,
  type AgentFailure,
  type AgentRow,
  type AgentStarted,
} from './blobs.js';

export interface AgentIo {
  /** Where MEASUREMENTS_CONTAINER_URL is read from. */
  env: NodeJS.ProcessEnv;
  /** One line of the agent's log (stdout in the container). */
  log: (line: string) => void;
  /** Stops measuring early (SIGTERM when the Job or container is deleted); the rows so far are kept. */
  signal: AbortSignal;
}

/**
 * Measures, writes the blobs and returns what it wrote. On failure it writes error.json (when the
 * container is reachable) and throws one UserError with the same message.
 */
export async function runMeasureAgent(options: MeasureAgentOptions, io: AgentIo): Promise<Sampled> {
  const container = openContainer(io.env[CONTAINER_URL_ENV]);
  const log = (line: string) => io.log(container.redact(line));
  const prefix = measurementPrefix(options);
  const measurement = { runId: options.runId, measurementId: options.measurementId };
  const write = async (name: string, content: object) => {
    const body = JSON.stringify(content);
    await container.client
      .getBlockBlobClient(prefix + name)
      .upload(body, Buffer.byteLength(body), { blobHTTPHeaders: { blobContentType: 'application/json' } });
  };
  const fail = async (problem: string): Promise<UserError> => {
    const message = container.redact(problem);
    const failure: AgentFailure = { format: AGENT_BLOB_FORMAT, ...measurement, at: new Date().toISOString(), message };
    await write(AGENT_BLOBS.error, failure).catch((error: unknown) =>
      log(`warning: cannot write ${prefix}${AGENT_BLOBS.error} either: ${messageOf(error)}`),
    );
    return new UserError(message);
  };

  const plan = samplingPlan(options);
  const started: AgentStarted = {
    format: AGENT_BLOB_FORMAT,
    ...measurement,
    at: new Date().toISOString(),
    intervalSeconds: plan.intervalSeconds,
    totalSeconds: plan.totalSeconds,
    targetPerSecond: plan.targetPerSecond,
  };
  await write(AGENT_BLOBS.started, started).catch((error: unknown) => {
    throw new UserError(
      container.redact(
        `The measure agent cannot write to the container in ${CONTAINER_URL_ENV} (${container.name}): ${messageOf(error)}. The SAS must allow create and write and be valid for the whole measurement.`,
      ),
    );
  });
  log(
    `Measure agent: run ${options.runId}, measurement ${options.measurementId}: ${options.minutes} min, a row every ${options.intervalSeconds} s, target ${options.eventsPerSecond.toLocaleString('en-US')} events/s, Kafka at ${options.bootstrapServers}; results in ${container.name}/${prefix}.`,
  );
  log(consoleHeader());

  const warnings: string[] = [];
  // Rows are written in order, one after the other; a row that cannot be written is still in result.json.
  let rowWrites = Promise.resolve();
  let sampled: Sampled;
  try {
    sampled = await kafkaSampling(
      kafkaClient({ bootstrapServers: options.bootstrapServers }, 'streaming-at-scale-measure-agent'),
    )(plan, {
      onRow: (row) => {
        log(consoleRow(row));
        const blob: AgentRow = { format: AGENT_BLOB_FORMAT, row };
        rowWrites = rowWrites
          .then(() => write(rowBlobName(row.minute), blob))
          .catch((error: unknown) => log(`warning: cannot write the row of minute ${row.minute}: ${messageOf(error)}`));
      },
      onWarning: (message) => {
        warnings.push(message);
        log(`warning: ${message}`);
      },
      signal: io.signal,
    });
  } catch (error) {
    await rowWrites;
    throw await fail(
      `The measure agent cannot sample Kafka at ${options.bootstrapServers}: ${messageOf(error)}. Check the bootstrap servers and that the agent runs in the brokers' virtual network.`,
    );
  }
  await rowWrites;
  try {
    await write(AGENT_BLOBS.result, encodeResult(measurement, sampled, { warnings, stoppedEarly: io.signal.aborted }));
  } catch (error) {
    throw await fail(`The measure agent cannot write ${prefix}${AGENT_BLOBS.result}: ${messageOf(error)}`);
  }
  log(`Measure agent: ${sampled.result.rows.length} rows written${io.signal.aborted ? ' (stopped early)' : ''}.`);
  return sampled;
}

/** The container client of a SAS URL, and a redactor for anything that could echo the SAS. */
function openContainer(url: string | undefined): {
  client: ContainerClient;
  name: string;
  redact: (text: string) => string;
} {
  if (!url) throw new UserError(`${CONTAINER_URL_ENV} is not set: give the measurements container's URL with a SAS.`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UserError(`${CONTAINER_URL_ENV} is not a URL: give the measurements container's URL with a SAS.`);
  }
  const signature = parsed.searchParams.get('sig');
  const secrets = [parsed.search.slice(1), signature, signature && encodeURIComponent(signature)].filter(
    (secret): secret is string => !!secret,
  );
  const client = new ContainerClient(url);
  return {
    client,
    name: `${parsed.origin}${parsed.pathname}`,
    redact: (text) => secrets.reduce((result, secret) => result.split(secret).join('***'), text),
  };
}

/**
 * The first line of an error's message, without a stack or a final period: it goes into one
 * sentence of the error blob and the log (Azure Storage adds RequestId and Time lines).
 */
function messageOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0]!.trim().replace(/\.$/, '');
}
