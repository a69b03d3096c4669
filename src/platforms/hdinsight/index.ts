/**
 * What platform hdinsight adds to the Azure platform wiring (src/platforms/azure/index.ts):
 * submit-flink through a script action, and Ambari's Kafka figures and broker list through the
 * Kafka cluster's gateway.
 */
export { submitFlinkHdinsight } from './submit.js';
export { brokerFiguresSampler, kafkaBrokerAddresses, type BrokerFigures } from '../../azure/ambari.js';
export { openHdinsightGateway, type HdinsightGateway } from '../../azure/hdinsight-gateway.js';
