/**
 * The Kafka brokers' private addresses, as what runs inside the VNet (Flink, simulators, the measure
 * agent) reaches them: recorded in the run state by submit-flink, else read from the Kafka
 * cluster's Ambari through its HTTPS gateway (a load or measure job of its own finds them too).
 */
import { kafkaBrokerAddresses } from '../../azure/ambari.js';
import type { ArmClients } from '../../azure/clients.js';
import { openHdinsightGateway } from '../../azure/hdinsight-gateway.js';
import { saveRun, type RunState } from '../../run-state/run-state.js';
import type { ModeContext } from '../platform.js';

export async function privateKafkaBrokers(ctx: ModeContext, state: RunState, clients: ArmClients): Promise<string> {
  if (state.kafkaBootstrapServers) return state.kafkaBootstrapServers;
  const kafka = await openHdinsightGateway(clients, state, ctx.reporter, 'kafka');
  const brokers = (await kafkaBrokerAddresses(kafka)).join(',');
  ctx.reporter.info(`Kafka brokers (private addresses, from Ambari on ${kafka.clusterName}): ${brokers}`);
  state.kafkaBootstrapServers = brokers;
  await saveRun(state);
  return brokers;
}
