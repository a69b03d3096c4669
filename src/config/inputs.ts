/**
 * Every input of the action, with its default. action.yml documents the same list (a test keeps the
 * two in step); CLI flags are these names (`--solution-name`), and environment variables
 * `STREAMING_AT_SCALE_<NAME>` (upper case, dashes as underscores) fill what a flag leaves out.
 */
import {
  AZURE_DEPLOY_MINUTES,
  AZURE_MEASURE_START_SECONDS,
  DEFAULT_MAX_DURATION_MINUTES,
  minimumMaxDurationMinutes,
} from './durations.js';

export const MODES = [
  'deploy',
  'submit-flink',
  'load',
  'measure',
  'teardown',
  'cleanup',
  'run',
  'ab',
  'comment',
] as const;
export type Mode = (typeof MODES)[number];

export const PLATFORMS = ['local', 'external', 'aks', 'hdinsight'] as const;
export type PlatformName = (typeof PLATFORMS)[number];
/** The platforms that deploy to Azure (and need an Azure identity). */
export const AZURE_PLATFORMS = ['aks', 'hdinsight'] as const;
export type AzurePlatformName = (typeof AZURE_PLATFORMS)[number];
export const isAzurePlatform = (platform: PlatformName): platform is AzurePlatformName =>
  (AZURE_PLATFORMS as readonly string[]).includes(platform);

export const JOBS = ['simple-relay', 'complex-processing'] as const;
export type JobName = (typeof JOBS)[number];

export const COMMENT_POLICIES = ['always', 'on-failure', 'never'] as const;
export type CommentPolicy = (typeof COMMENT_POLICIES)[number];

export interface InputSpec {
  description: string;
  /** The default as action.yml states it; '' means "none" (or derived, as the description says). */
  default: string;
  /** Never printed; masked in logs as soon as it is read. */
  secret?: boolean;
}

export const INPUTS = {
  mode: { description: `What to do: ${MODES.join(' | ')}.`, default: '' },
  platform: {
    description: `Where the pipeline runs: ${PLATFORMS.join(' | ')}. local starts Kafka and Flink on this machine; external benchmarks a Kafka cluster you already have (kafka-bootstrap-servers), with a Flink cluster of yours (flink-rest-url) or one started here (docs/external-kafka.md).`,
    default: 'local',
  },
  'kafka-bootstrap-servers': {
    description:
      "Platform external: the Kafka cluster to benchmark, as host:port[,host:port...] (e.g. 'broker1.example.com:9093'). Required there.",
    default: '',
  },
  'kafka-security-protocol': {
    description:
      'Platform external: how to reach the brokers, as Kafka names it (security.protocol): PLAINTEXT | SSL | SASL_PLAINTEXT | SASL_SSL.',
    default: 'PLAINTEXT',
  },
  'kafka-sasl-mechanism': {
    description:
      'Platform external with SASL_PLAINTEXT or SASL_SSL: PLAIN | SCRAM-SHA-256 | SCRAM-SHA-512 (Azure Event Hubs: PLAIN).',
    default: 'PLAIN',
  },
  'kafka-username': {
    description:
      "Platform external with SASL: the user name (Azure Event Hubs: '$ConnectionString'). Required with SASL.",
    default: '',
  },
  'kafka-password': {
    description:
      "Platform external with SASL: the password (Azure Event Hubs: the namespace's connection string). Required with SASL; never written to the run state, a report or a command line.",
    default: '',
    secret: true,
  },
  'kafka-ca-file': {
    description:
      "Platform external with SSL or SASL_SSL: a PEM file of the CA(s) that signed the brokers' certificates. Default: the system's trusted CAs.",
    default: '',
  },
  'flink-rest-url': {
    description:
      "Platform external: the REST API of a Flink cluster of yours to run the job on (e.g. 'https://flink.example.com:8081'). Default: a Flink cluster started on this machine for the run.",
    default: '',
  },
  'flink-rest-auth-header': {
    description:
      "Platform external with flink-rest-url: the Authorization header for its REST API, e.g. 'Bearer <token>' or 'Basic <base64 of user:password>'.",
    default: '',
    secret: true,
  },
  'create-topics': {
    description:
      "Platform external: true creates the run's input and output topics (they must not exist yet) and teardown deletes them; false uses topics that exist, checks their partitions, and never deletes them.",
    default: 'true',
  },
  tier: {
    description:
      'Load tier: 1, 5 or 10 (1,000 / 5,000 / 10,000 events/s with the origin sample sizing), or a whole number of events per second.',
    default: '1',
  },
  job: {
    description: `Built-in Flink job to benchmark: ${JOBS.join(' | ')}. To benchmark your own job, set job-jar instead (docs/own-job.md).`,
    default: 'simple-relay',
  },
  'workload-file': {
    description:
      "The load: a workload file (YAML or JSON; docs/workload.md, simulator/workload.schema.json) naming the topics, partitions, rate or tier, key field, duplicates and the event template. Its rate and partitions apply where 'tier' and 'partitions' are not given. Default: the seed's IoT event (simulator/workloads/iot.yaml). Platform local.",
    default: '',
  },
  'job-jar': {
    description:
      "Your own Flink job: its jar, relative to the checkout (ab: to each of base and head) or absolute, e.g. 'target/my-job.jar'. Default: the built-in job named by 'job'.",
    default: '',
  },
  'job-build-command': {
    description:
      "Your own job: the shell command, run in the checkout (ab: in each of base and head), that builds job-jar, e.g. 'mvn -B -ntp package -DskipTests'; its last lines are shown when it fails. Default: none (job-jar is built already).",
    default: '',
  },
  'job-class': {
    description:
      "Your own job: its entry class, e.g. 'com.example.MyJob'. Default: the Main-Class of the jar's manifest.",
    default: '',
  },
  'latency-field': {
    description:
      "Your own job: the JSON field of its output records (a dotted path, e.g. 'window.createdAt') holding the input event's createdAt (ISO 8601, or epoch milliseconds) that the record stems from; end-to-end latency runs from it to the record's append time on the output topic. Output without it has no latency figures.",
    default: 'createdAt',
  },
  'job-args': {
    description:
      'Your own job: its program arguments, split on white space (quote with \' or "), with placeholders the toolkit fills: {bootstrap}, {inputTopic}, {outputTopic}, {groupId} (the consumer group measure reads consumption and lag from), {parallelism}, {syntheticWorkUs}, {runId}.',
    default: '',
  },
  'solution-name': {
    description:
      'Prefix of every Azure resource name (3-17 lowercase letters and digits, starting with a letter; it also names a storage account). Required for aks and hdinsight.',
    default: '',
  },
  location: { description: 'Azure region for the resource group.', default: 'eastus' },
  'client-id': {
    description: 'Azure client (application) id of the identity with a federated credential (OIDC).',
    default: '',
  },
  'tenant-id': { description: 'Azure tenant id.', default: '' },
  'subscription-id': { description: 'Azure subscription id.', default: '' },
  minutes: {
    description: 'How long to measure, in minutes (load runs as long); default: 30, and 2 per run in mode ab.',
    default: '',
  },
  'interval-seconds': {
    description: 'Seconds between two samples of the throughput table; default: 60, and 10 in mode ab.',
    default: '',
  },
  'run-id': { description: 'Run to act on; default: a new run for deploy/run, the latest run otherwise.', default: '' },
  'work-dir': { description: 'Folder holding run directories and run state.', default: '.streaming-at-scale' },
  wait: { description: 'load: block until the load is done and print its final stats.', default: 'false' },
  'keep-run-dir': { description: 'teardown (local): keep the run directory with its logs.', default: 'false' },
  'wait-for-deletion': {
    description:
      'teardown and cleanup (Azure): wait until ARM has deleted the resource groups, not just accepted the deletion.',
    default: 'true',
  },
  'expires-in-hours': {
    description: "deploy (Azure): hours until the resource group's expires-at tag, after which cleanup deletes it.",
    default: '24',
  },
  'max-duration-minutes': {
    description: `Azure: the run's hard limit in minutes, counted from deploy's start (when billing starts). submit-flink, load and measure check it: once reached, the load is stopped, the resource group deleted and the step fails saying so. deploy and run refuse less than minutes + ${minimumMaxDurationMinutes(0)} (deploy ${AZURE_DEPLOY_MINUTES}, the later stages' start-up ${AZURE_MEASURE_START_SECONDS / 60}). ${DEFAULT_MAX_DURATION_MINUTES} fits the seed's 30-minute measurement (${minimumMaxDurationMinutes(30)} needed) with room for a slow HDInsight deploy or queued jobs, and stops a stuck run after ${DEFAULT_MAX_DURATION_MINUTES / 60} hours of nodes.`,
    default: String(DEFAULT_MAX_DURATION_MINUTES),
  },
  'dry-run': { description: 'cleanup: list the expired resource groups without deleting them.', default: 'false' },
  partitions: { description: "Partitions of topics 'in' and 'out'; default: the tier's.", default: '' },
  parallelism: {
    description: "Flink job parallelism; default: the tier's (on platform local at most the machine's cores).",
    default: '',
  },
  'simulator-instances': {
    description:
      "Simulator instances sharing the rate; default: the tier's (on platform local at most the machine's cores).",
    default: '',
  },
  'simulator-image': {
    description:
      "Container image of the simulator and the measure agent (aks, hdinsight). Default: ghcr.io/<owner>/streaming-at-scale-simulator:<this toolkit's version>, as the release workflow publishes it, where <owner> is the owner of the action's repository (GITHUB_ACTION_REPOSITORY), else GITHUB_REPOSITORY_OWNER, in lower case; outside GitHub Actions there is no default.",
    default: '',
  },
  'max-throughput-search': {
    description:
      'run: step the load up by search-step-percent per measurement until the pipeline stops keeping up; report the highest sustained rate.',
    default: 'false',
  },
  'search-step-percent': { description: 'Max-throughput search: load increase per step, in percent.', default: '50' },
  'search-max-steps': { description: 'Max-throughput search: most steps to measure.', default: '6' },
  'synthetic-work-us': {
    description: 'Fixed CPU work per record in the relay (microseconds), to emulate a heavier job.',
    default: '0',
  },
  base: {
    description:
      'ab: folder of the base checkout of this project (the pull request gate checks the base out beside the head).',
    default: '.',
  },
  head: { description: 'ab: folder of the head checkout of this project.', default: '.' },
  rounds: {
    description:
      'ab: rounds of base and head runs, interleaved base-head, head-base, ... (ABBA); a suspected regression adds one pair.',
    default: '3',
  },
  'base-synthetic-work-us': {
    description: "ab: the base's synthetic-work-us; default: synthetic-work-us.",
    default: '',
  },
  'head-synthetic-work-us': {
    description: "ab: the head's synthetic-work-us; default: synthetic-work-us.",
    default: '',
  },
  'min-effect-percent': {
    description:
      'ab: smallest change worth failing on, in percent of the base (throughput, p99 latency); a regression must exceed it with 95% confidence.',
    default: '10',
  },
  'inconclusive-fails': {
    description:
      'ab: fail the step when the measurement is not valid (verdict inconclusive); by default it warns loudly and passes.',
    default: 'false',
  },
  audit: {
    description: 'Read every output record to count duplicates, loss and reordering; default: true on local.',
    default: '',
  },
  'report-file': {
    description:
      'Where measure writes the JSON report; default: report.json in the run directory (ab: the A/B report, default ab-report.json in work-dir/ab-<id>/). comment: the report to post, a benchmark or an A/B report (required).',
    default: '',
  },
  'summary-file': { description: 'Also write the markdown summary to this file.', default: '' },
  'baseline-report': { description: 'A previous JSON report to compare against.', default: '' },
  'github-token': {
    description: 'Token used to post the pull request comment.',
    default: '${{ github.token }}',
    secret: true,
  },
  comment: { description: `When to post the PR comment: ${COMMENT_POLICIES.join(' | ')}.`, default: 'always' },
  'pull-request': {
    description:
      "comment: number of the pull request to comment on (required). Under a workflow_run event the pull request's head must be the commit that run benchmarked.",
    default: '',
  },
  'min-percent-of-target': {
    description: 'Gate: output throughput must stay at or above this percent of the target rate in steady state.',
    default: '90',
  },
  'min-steady-minutes': {
    description:
      'Gate: consecutive steady-state minutes required; default: 3, or minutes - 1 for shorter runs (at least 1).',
    default: '',
  },
  'max-p99-latency-ms': { description: 'Gate: highest allowed steady-state p99 end-to-end latency (ms).', default: '' },
  'max-ramp-up-minutes': { description: 'Gate: longest allowed ramp-up (minutes).', default: '' },
  'max-loss': { description: 'Gate: most events allowed to be lost (audit).', default: '0' },
  'max-regression-percent': {
    description: 'Gate: largest allowed regression against baseline-report, in percent, for any metric.',
    default: '',
  },
} as const satisfies Record<string, InputSpec>;

export type InputName = keyof typeof INPUTS;
export const INPUT_NAMES = Object.keys(INPUTS) as InputName[];

/** Raw string values as they came from the action, the CLI or the environment. */
export type RawInputs = Partial<Record<InputName, string>>;

/** The secret inputs' values that were given: masked in logs, replaced in error lines. */
export function secretValues(inputs: RawInputs): string[] {
  return INPUT_NAMES.filter((name) => (INPUTS[name] as InputSpec).secret)
    .map((name) => inputs[name] ?? '')
    .filter((value) => value !== '');
}

export function envVarFor(name: InputName): string {
  return `STREAMING_AT_SCALE_${name.toUpperCase().replace(/-/g, '_')}`;
}
