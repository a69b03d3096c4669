/**
 * Kafka on HDInsight through Ambari's REST API behind the cluster's gateway: the brokers' private
 * addresses (for what runs inside the VNet) and the broker-level figures the origin sample printed
 * every minute, IncomingMessages / IncomingBytes / OutgoingBytes summed over all topics and brokers
 * as `1MinuteRate x 60`.
 */
import type { BrokerFigures } from '../report/schema.js';
import { UserError } from '../errors.js';
import type { HdinsightGateway } from './hdinsight-gateway.js';

/** The port of HDInsight Kafka's PLAINTEXT listener on every broker. */
export const KAFKA_BROKER_PORT = 9092;

const BROKER_COMPONENT = (cluster: string) =>
  `/api/v1/clusters/${encodeURIComponent(cluster)}/services/KAFKA/components/KAFKA_BROKER`;

const noCluster = (cluster: string) =>
  `Ambari has no cluster '${cluster}' with a KAFKA service: is ${cluster} the run's HDInsight Kafka cluster (kind KAFKA)?`;

/** GET .../services/KAFKA/components/KAFKA_BROKER (the fields read here). */
interface BrokerComponent {
  host_components?: Array<{ HostRoles?: { host_name?: string } }>;
}

/** GET .../hosts/<host> (the fields read here). */
interface AmbariHost {
  Hosts?: { host_name?: string; ip?: string };
}

/** One BrokerTopicMetrics meter as Ambari aggregates it over the brokers (_sum, _avg, _min, _max). */
type AggregatedMeter = Record<string, number | undefined>;

/** GET .../KAFKA_BROKER?fields=metrics/kafka/server/BrokerTopicMetrics */
interface BrokerTopicMetricsAnswer {
  metrics?: {
    kafka?: {
      server?: {
        BrokerTopicMetrics?: {
          AllTopicsMessagesInPerSec?: AggregatedMeter;
          AllTopicsBytesInPerSec?: AggregatedMeter;
          AllTopicsBytesOutPerSec?: AggregatedMeter;
        };
      };
    };
  };
}

/**
 * The brokers' private `ip:9092` addresses, from Ambari's host list of the KAFKA_BROKER component
 * (IPs rather than host names: container instances in the VNet do not resolve the cluster's
 * internal names).
 */
export async function kafkaBrokerAddresses(gateway: HdinsightGateway): Promise<string[]> {
  const cluster = gateway.clusterName;
  const component = await gateway.getJson<BrokerComponent>(BROKER_COMPONENT(cluster), noCluster(cluster));
  const hosts = (component.host_components ?? []).map((c) => c.HostRoles?.host_name).filter((h) => !!h) as string[];
  if (hosts.length === 0)
    throw new UserError(`Ambari on cluster ${cluster} lists no Kafka broker: is the KAFKA service installed?`);
  const addresses = await Promise.all(
    hosts.map(async (host) => {
      const answer = await gateway.getJson<AmbariHost>(
        `/api/v1/clusters/${encodeURIComponent(cluster)}/hosts/${encodeURIComponent(host)}`,
        `Ambari on cluster ${cluster} has no host ${host}.`,
      );
      const ip = answer.Hosts?.ip;
      if (!ip) throw new UserError(`Ambari on cluster ${cluster} gives no IP address for broker host ${host}.`);
      return `${ip}:${KAFKA_BROKER_PORT}`;
    }),
  );
  return addresses.sort();
}

/** One read of the broker figures, and when it was read. */
export interface BrokerSample extends BrokerFigures {
  at: Date;
}

/** One read of the KAFKA_BROKER component's BrokerTopicMetrics: `1MinuteRate._sum x 60`. */
export async function readBrokerFigures(gateway: HdinsightGateway): Promise<Omit<BrokerSample, 'stale'>> {
  const cluster = gateway.clusterName;
  const answer = await gateway.getJson<BrokerTopicMetricsAnswer>(
    `${BROKER_COMPONENT(cluster)}?fields=metrics/kafka/server/BrokerTopicMetrics`,
    noCluster(cluster),
  );
  const meters = answer.metrics?.kafka?.server?.BrokerTopicMetrics;
  const perMinute = (meter: AggregatedMeter | undefined) => {
    const rate = meter?.['1MinuteRate._sum'];
    return typeof rate === 'number' && Number.isFinite(rate) ? rate * 60 : null;
  };
  return {
    at: new Date(),
    messagesInPerMinute: perMinute(meters?.AllTopicsMessagesInPerSec),
    bytesInPerMinute: perMinute(meters?.AllTopicsBytesInPerSec),
    bytesOutPerMinute: perMinute(meters?.AllTopicsBytesOutPerSec),
  };
}

/** Reads the broker figures on each call and marks a sample stale when nothing refreshed since the last. */
export function brokerFiguresSampler(gateway: HdinsightGateway): () => Promise<BrokerSample> {
  let previous: Omit<BrokerSample, 'stale'> | undefined;
  return async () => {
    const current = await readBrokerFigures(gateway);
    const figures = [current.messagesInPerMinute, current.bytesInPerMinute, current.bytesOutPerMinute];
    const before = previous && [previous.messagesInPerMinute, previous.bytesInPerMinute, previous.bytesOutPerMinute];
    const stale =
      !!before &&
      figures.every((value, i) => value !== null && value === before[i]) &&
      figures.some((value) => value !== 0);
    previous = current;
    return { ...current, stale };
  };
}
