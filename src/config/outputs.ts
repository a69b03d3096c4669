import { REPORT_OUTPUTS } from '../report/outputs.js';

/** Every output of the action (action.yml documents the same list; a test keeps them in step). */
export const OUTPUTS = {
  'run-id': 'Id of the run (deploy and later modes).',
  'kafka-bootstrap-servers': "Kafka bootstrap servers of the run's broker (deploy).",
  'flink-rest-url': "URL of the Flink REST API of the run's cluster (deploy).",
  'flink-job-id': 'Id of the running Flink job (submit-flink).',
  'report-file': 'Path of the JSON report (measure).',
  'resource-group': 'Azure resource group of the run (deploy, teardown on aks and hdinsight).',
  'deployment-name': 'Name of the ARM deployment that created the Azure resources (deploy).',
  'kafka-cluster-name': 'Name of the HDInsight Kafka cluster (deploy on aks and hdinsight).',
  'flink-cluster-name': 'Name of the AKS cluster or HDInsight Hadoop cluster running Flink (deploy).',
  'storage-account': "Name of the run's storage account (deploy on aks and hdinsight).",
  'deleted-resource-groups': 'Comma-separated resource groups cleanup deleted (or would delete, with dry-run).',
  skipped: 'true when an Azure mode skipped because no OIDC token is available (a pull request from a fork).',
  ...REPORT_OUTPUTS,
  'max-sustained-events-per-second': 'Highest rate the max-throughput search sustained; empty when none (run).',
} as const;

export type OutputName = keyof typeof OUTPUTS;
