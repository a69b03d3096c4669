/**
 * How the stages of a run on this machine (platforms local and external) reach its Kafka and Flink:
 * the addresses from the run state, the secrets from this call's config (never from the state).
 */
import type { Config } from '../../config/config.js';
import type { FlinkEndpoint } from '../../config/external.js';
import { UserError } from '../../errors.js';
import { FlinkRestClient, type FlinkRestClientOptions } from '../../flink/rest-client.js';
import type { KafkaConnection } from '../../kafka/client.js';
import type { RunState } from '../../run-state/run-state.js';

export function runKafkaConnection(config: Pick<Config, 'external'>, state: RunState): KafkaConnection {
  if (!state.kafkaBootstrapServers) throw new UserError(`Run ${state.runId} has no Kafka broker: run 'deploy' first.`);
  const security = state.platform === 'external' ? config.external?.kafka.security : undefined;
  return { bootstrapServers: state.kafkaBootstrapServers, ...(security ? { security } : {}) };
}

/** A client of a Flink REST API that sends the endpoint's Authorization header, if it has one. */
export function flinkClient(
  endpoint: FlinkEndpoint,
  options: Omit<FlinkRestClientOptions, 'headers'> = {},
): FlinkRestClient {
  return new FlinkRestClient(endpoint.restUrl, {
    ...options,
    ...(endpoint.authHeader ? { headers: { Authorization: endpoint.authHeader } } : {}),
  });
}

/** A client of the run's Flink REST API, with the Authorization header a cluster of the user's needs. */
export function runFlinkClient(
  config: Pick<Config, 'external'>,
  state: RunState,
  options: Omit<FlinkRestClientOptions, 'headers'> = {},
): FlinkRestClient {
  if (!state.flinkRestUrl) throw new UserError(`Run ${state.runId} has no Flink cluster: run 'deploy' first.`);
  const authHeader = state.platform === 'external' ? config.external?.flink?.authHeader : undefined;
  return flinkClient({ restUrl: state.flinkRestUrl, authHeader }, options);
}
