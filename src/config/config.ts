/**
 * The one typed, validated configuration every mode receives. parseConfig is pure: it turns raw
 * strings (from the action, the CLI or the environment) into a Config or throws one InputError that
 * names the input, the value given and what is allowed. The process environment is read only for
 * the default simulator image (the GitHub owner that publishes it).
 */
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { InputError } from '../errors.js';
import { parseExternal, type ExternalOptions } from './external.js';
import {
  COMMENT_POLICIES,
  INPUTS,
  isAzurePlatform,
  JOBS,
  MODES,
  PLATFORMS,
  type CommentPolicy,
  type InputName,
  type Mode,
  type PlatformName,
  type RawInputs,
} from './inputs.js';
import { customTier, localSizing, MAX_EVENTS_PER_SECOND, TIER_PRESETS, type Tier } from './tiers.js';
import {
  AZURE_DEPLOY_MINUTES,
  AZURE_MEASURE_START_SECONDS,
  MAX_MAX_DURATION_MINUTES,
  minimumMaxDurationMinutes,
} from './durations.js';
import { TOOL_VERSION } from '../version.js';
import { DEFAULT_WORKLOAD, type Workload } from '../../simulator/src/workload.js';
import { repoRoot } from '../repo-root.js';
import {
  builtInJobSpec,
  JOB_NAME,
  joinArguments,
  PLACEHOLDERS,
  splitArguments,
  unknownPlaceholders,
  userJobName,
  usesPlaceholder,
  type JobSpec,
} from '../flink/job-spec.js';
import { bool, matching, oneOf, optionalCount, optionalPositive, positiveNumber, wholeNumber } from './values.js';

export interface AzureIdentity {
  clientId: string;
  tenantId: string;
  subscriptionId: string;
}

export interface GateThresholds {
  minPercentOfTarget: number;
  minSteadyMinutes: number;
  maxP99LatencyMs?: number;
  maxRampUpMinutes?: number;
  maxLoss: number;
  maxRegressionPercent?: number;
}

/** Mode ab: base and head checkouts run in turn on this machine; see src/modes/ab.ts. */
export interface ABOptions {
  /** Absolute folders of the two checkouts (the same folder for an A/A run). */
  base: string;
  head: string;
  /** Planned rounds (one base and one head run each), before any confirmation pair. */
  rounds: number;
  baseSyntheticWorkUs: number;
  headSyntheticWorkUs: number;
  minimumEffectPercent: number;
  inconclusiveFails: boolean;
}

export interface Config {
  mode: Mode;
  platform: PlatformName;
  tier: Tier;
  /** The job's name in reports (jobSpec.name): a built-in job's, or the user's jar's. */
  job: string;
  /** The job to submit: a built-in one, or the user's own (job-jar). */
  jobSpec: JobSpec;
  /** The load's event template, key, duplicates and topics (load.ts reads workload-file). */
  workload: Workload;
  /** The workload file, absolute; undefined for the built-in IoT event. */
  workloadFile?: string;
  /** The run's input and output topics (the workload's). */
  topics: { input: string; output: string };
  solutionName: string;
  location: string;
  /** Present exactly when the platform is on Azure. */
  azure?: AzureIdentity;
  /** Present exactly on platform external: the user's Kafka (and Flink). */
  external?: ExternalOptions;
  minutes: number;
  intervalSeconds: number;
  runId?: string;
  workDir: string;
  wait: boolean;
  keepRunDir: boolean;
  /** teardown / cleanup on Azure: wait until ARM has deleted the resource groups. */
  waitForDeletion: boolean;
  /** deploy on Azure: hours until the resource group's expires-at tag. */
  expiresInHours: number;
  /** Azure: the run's limit, from deploy's start; deploy records the deadline it gives. */
  maxDurationMinutes: number;
  /** cleanup: list what would be deleted, delete nothing. */
  dryRun: boolean;
  /** The tier's figures, possibly overridden by inputs. */
  partitions: number;
  parallelism: number;
  simulatorInstances: number;
  /**
   * Which sizing inputs this call was given (not defaulted): a stage after deploy takes the rest
   * from the run (sizedByRun in src/run-state).
   */
  givenSizing: { tier: boolean; parallelism: boolean; simulatorInstances: boolean };
  /**
   * Image of the simulator and the measure agent (Azure platforms): the input, or the released
   * image of this version; undefined where no default is known (outside GitHub Actions).
   */
  simulatorImage?: string;
  syntheticWorkUs: number;
  /** Present exactly in mode ab. */
  ab?: ABOptions;
  /** run only: step the load up until it is not sustained (max-throughput-search). */
  capacitySearch?: { stepPercent: number; maxSteps: number };
  audit: boolean;
  reportFile?: string;
  summaryFile?: string;
  baselineReport?: string;
  githubToken?: string;
  comment: CommentPolicy;
  /** comment mode: the pull request to comment on. */
  pullRequest?: number;
  gate: GateThresholds;
}

/** Solution names become storage account names (3-24 chars) after the longest suffix we append. */
export const LONGEST_NAME_SUFFIX = 'storage';
const SOLUTION_NAME_MAX = 24 - LONGEST_NAME_SUFFIX.length;
const SOLUTION_NAME = new RegExp(`^[a-z][a-z0-9]{2,${SOLUTION_NAME_MAX - 1}}$`);
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LOCAL_SOLUTION_NAME = 'local';
/**
 * A run id names a folder in work-dir: no path separators, not '.' or '..' nor any name starting
 * with a dot (teardown deletes that folder), at most 100 characters.
 */
export const RUN_ID = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}$/;
const RUN_ID_RULE =
  "Use 1-100 letters, digits, dots, dashes and underscores, not starting with a dot: it names the run's folder in work-dir.";
export const isRunId = (text: string): boolean => RUN_ID.test(text);
/** Shortest load or measurement in minutes (a measuring mode also needs one whole interval). */
export const MIN_MINUTES = 0.1;
const MAX_MINUTES = 24 * 60;
/** The noise between runs of one side needs two runs of each. */
export const MIN_AB_ROUNDS = 2;
/** The most rounds mode ab plans (a confirmation pair may add one): a pull request check must end. */
export const MAX_AB_ROUNDS = 20;

/**
 * `cores`: the machine's, for the local platform's default sizing (localSizing); a parameter so
 * that tests can fix it.
 */
export function parseConfig(
  raw: RawInputs,
  env: NodeJS.ProcessEnv = process.env,
  cores: number = availableParallelism(),
  workload: Workload = DEFAULT_WORKLOAD,
): Config {
  const value = (name: InputName): string => (raw[name] ?? INPUTS[name].default).trim();
  const optional = (name: InputName): string | undefined => value(name) || undefined;
  const given = (name: InputName): boolean => (raw[name] ?? '').trim() !== '';

  const mode = oneOf('mode', value('mode'), MODES);
  const platform = oneOf('platform', value('platform'), PLATFORMS);
  const tier = parseTier(value('tier'));
  const onAzure = isAzurePlatform(platform);

  const solutionName = value('solution-name') || (onAzure ? '' : LOCAL_SOLUTION_NAME);
  // cleanup sweeps a whole subscription: it needs no solution name.
  if (!(mode === 'cleanup' && solutionName === '') && !SOLUTION_NAME.test(solutionName)) {
    throw new InputError(
      'solution-name',
      solutionName,
      onAzure && solutionName === ''
        ? `Platform '${platform}' needs a solution name: 3-${SOLUTION_NAME_MAX} lowercase letters and digits, starting with a letter (e.g. sasbench01).`
        : `Use 3-${SOLUTION_NAME_MAX} lowercase letters and digits, starting with a letter: it also names an Azure storage account ('<name>${LONGEST_NAME_SUFFIX}', at most 24 characters).`,
    );
  }

  // ab runs several short benchmarks: shorter runs, sampled more often, by default.
  const minutesText = optional('minutes') ?? (mode === 'ab' ? '2' : '30');
  const minutes = positiveNumber('minutes', minutesText, MAX_MINUTES);
  if (minutes < MIN_MINUTES) {
    throw new InputError(
      'minutes',
      minutesText,
      `Expected at least ${MIN_MINUTES} (${Math.round(MIN_MINUTES * 60)} s) and at most ${MAX_MINUTES}: a shorter load or measurement says nothing.`,
    );
  }
  const intervalSeconds = wholeNumber(
    'interval-seconds',
    optional('interval-seconds') ?? (mode === 'ab' ? '10' : '60'),
    1,
    3600,
  );
  const partitions = optionalCount('partitions', optional('partitions')) ?? tier.partitions;
  const sizing = onAzure ? tier : localSizing(tier, cores);
  const minSteadyDefault = Math.max(1, Math.min(3, Math.floor(minutes) - 1));
  const syntheticWorkUs = wholeNumber('synthetic-work-us', value('synthetic-work-us'), 0, 1_000_000);
  const abOptions = (): ABOptions => {
    const workUs = (name: 'base-synthetic-work-us' | 'head-synthetic-work-us') =>
      optional(name) === undefined ? syntheticWorkUs : wholeNumber(name, value(name), 0, 1_000_000);
    return {
      base: path.resolve(value('base') || '.'),
      head: path.resolve(value('head') || '.'),
      rounds: wholeNumber('rounds', value('rounds'), MIN_AB_ROUNDS, MAX_AB_ROUNDS),
      baseSyntheticWorkUs: workUs('base-synthetic-work-us'),
      headSyntheticWorkUs: workUs('head-synthetic-work-us'),
      minimumEffectPercent: positiveNumber('min-effect-percent', value('min-effect-percent'), 1000),
      inconclusiveFails: bool('inconclusive-fails', value('inconclusive-fails')),
    };
  };

  const jobSpec = parseJobSpec(value, optional);

  const config: Config = {
    mode,
    platform,
    tier,
    job: jobSpec.name,
    jobSpec,
    workload,
    workloadFile: optional('workload-file') && path.resolve(value('workload-file')),
    topics: { input: workload.topics.input, output: workload.topics.output },
    solutionName,
    location: matching('location', value('location'), /^[a-z][a-z0-9]*$/, "Use an Azure region name such as 'eastus'."),
    azure: onAzure ? azureIdentity(raw, platform) : undefined,
    external: parseExternal(platform, value, given),
    minutes,
    intervalSeconds,
    runId: optional('run-id') && matching('run-id', value('run-id'), RUN_ID, RUN_ID_RULE),
    workDir: value('work-dir') || INPUTS['work-dir'].default,
    wait: bool('wait', value('wait')),
    keepRunDir: bool('keep-run-dir', value('keep-run-dir')),
    waitForDeletion: bool('wait-for-deletion', value('wait-for-deletion')),
    expiresInHours: positiveNumber('expires-in-hours', value('expires-in-hours'), 24 * 30),
    maxDurationMinutes: wholeNumber('max-duration-minutes', value('max-duration-minutes'), 1, MAX_MAX_DURATION_MINUTES),
    dryRun: bool('dry-run', value('dry-run')),
    partitions,
    parallelism: optionalCount('parallelism', optional('parallelism')) ?? sizing.flinkParallelism,
    simulatorInstances:
      optionalCount('simulator-instances', optional('simulator-instances')) ?? sizing.simulatorInstances,
    givenSizing: {
      tier: given('tier'),
      parallelism: given('parallelism'),
      simulatorInstances: given('simulator-instances'),
    },
    simulatorImage: optional('simulator-image')
      ? imageReference(value('simulator-image'))
      : onAzure
        ? defaultSimulatorImage(env)
        : undefined,
    capacitySearch: bool('max-throughput-search', value('max-throughput-search'))
      ? {
          stepPercent: positiveNumber('search-step-percent', value('search-step-percent'), 1000),
          maxSteps: wholeNumber('search-max-steps', value('search-max-steps'), 1, 50),
        }
      : undefined,
    syntheticWorkUs,
    ab: mode === 'ab' ? abOptions() : undefined,
    // A user's job is not known to emit one record per event: no audit unless asked (and then refused).
    audit: optional('audit') === undefined ? !onAzure && jobSpec.builtIn : bool('audit', value('audit')),
    reportFile: optional('report-file'),
    summaryFile: optional('summary-file'),
    baselineReport: optional('baseline-report'),
    githubToken: optional('github-token'),
    comment: oneOf('comment', value('comment'), COMMENT_POLICIES),
    pullRequest: optional('pull-request')
      ? wholeNumber('pull-request', value('pull-request'), 1, Number.MAX_SAFE_INTEGER)
      : undefined,
    gate: {
      minPercentOfTarget: positiveNumber('min-percent-of-target', value('min-percent-of-target'), 1000),
      minSteadyMinutes: optionalCount('min-steady-minutes', optional('min-steady-minutes')) ?? minSteadyDefault,
      maxP99LatencyMs: optionalPositive('max-p99-latency-ms', optional('max-p99-latency-ms')),
      maxRampUpMinutes: optionalPositive('max-ramp-up-minutes', optional('max-ramp-up-minutes')),
      maxLoss: wholeNumber('max-loss', value('max-loss'), 0, Number.MAX_SAFE_INTEGER),
      maxRegressionPercent: optionalPositive('max-regression-percent', optional('max-regression-percent')),
    },
  };
  crossCheck(config, {
    explicitSteadyMinutes: optional('min-steady-minutes') !== undefined,
    explicitInterval: optional('interval-seconds') !== undefined,
  });
  return config;
}

const JAVA_CLASS = /^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/;

/** The built-in job named by 'job', or the user's own when job-jar is given. */
function parseJobSpec(value: (name: InputName) => string, optional: (name: InputName) => string | undefined): JobSpec {
  const jar = optional('job-jar');
  if (!jar) {
    const stray =
      (['job-build-command', 'job-class', 'job-args'] as const).find((name) => optional(name)) ??
      (value('latency-field') !== INPUTS['latency-field'].default ? 'latency-field' : undefined);
    if (stray) {
      throw new InputError(
        stray,
        value(stray),
        "It describes your own job: set 'job-jar' to its jar as well, or remove it.",
      );
    }
    return builtInJobSpec(oneOf('job', value('job'), JOBS), repoRoot());
  }
  if (optional('job') && value('job') !== INPUTS.job.default) {
    throw new InputError(
      'job',
      value('job'),
      "It names a built-in job, and job-jar gives your own: remove 'job' (your job is named after its jar in reports).",
    );
  }
  if (!/\.jar$/i.test(jar)) {
    throw new InputError(
      'job-jar',
      jar,
      "Expected the path of a jar file (ending in '.jar'), e.g. 'target/my-job.jar'.",
    );
  }
  if (!JOB_NAME.test(userJobName(jar))) {
    throw new InputError(
      'job-jar',
      jar,
      'Its file name names the job in reports: use letters, digits, dots, dashes and underscores (e.g. my-job.jar).',
    );
  }
  const entryClass = optional('job-class');
  if (entryClass !== undefined && !JAVA_CLASS.test(entryClass)) {
    throw new InputError(
      'job-class',
      entryClass,
      "Expected a fully qualified Java class name, e.g. 'com.example.MyJob'.",
    );
  }
  let args: string[];
  try {
    args = splitArguments(value('job-args'));
  } catch (error) {
    throw new InputError(
      'job-args',
      value('job-args'),
      `It has an ${(error as Error).message}: close it, or remove it.`,
    );
  }
  const unknown = unknownPlaceholders(args);
  if (unknown.length > 0) {
    throw new InputError(
      'job-args',
      value('job-args'),
      `Unknown placeholder${unknown.length > 1 ? 's' : ''} ${unknown.map((name) => `{${name}}`).join(', ')}; known: ${Object.keys(
        PLACEHOLDERS,
      )
        .map((name) => `{${name}}`)
        .join(', ')}.`,
    );
  }
  return {
    name: userJobName(jar),
    builtIn: false,
    dir: path.resolve('.'),
    buildCommand: optional('job-build-command'),
    jar,
    entryClass,
    args,
    oneOutputPerInput: false,
    latency: { createdField: latencyField(value('latency-field')), end: 'append-time' },
  };
}

function latencyField(text: string): string[] {
  const keys = text.split('.');
  if (keys.some((key) => !/^[A-Za-z_$][\w$-]*$/.test(key))) {
    throw new InputError(
      'latency-field',
      text,
      "Expected a JSON field name, or a dotted path of them (e.g. 'createdAt' or 'window.createdAt').",
    );
  }
  return keys;
}

/** Inputs that are each valid but contradict one another. */
function crossCheck(
  config: Config,
  { explicitSteadyMinutes, explicitInterval }: { explicitSteadyMinutes: boolean; explicitInterval: boolean },
): void {
  if (!config.jobSpec.builtIn) {
    if (config.audit) {
      throw new InputError(
        'audit',
        'true',
        "The audit matches every output record to one input event, as the built-in simple-relay emits them; your job's output is its own: remove 'audit'.",
      );
    }
    const synthetic = [
      config.syntheticWorkUs,
      config.ab?.baseSyntheticWorkUs ?? 0,
      config.ab?.headSyntheticWorkUs ?? 0,
    ];
    if (synthetic.some((us) => us > 0) && !usesPlaceholder(config.jobSpec, 'syntheticWorkUs')) {
      throw new InputError(
        'synthetic-work-us',
        String(Math.max(...synthetic)),
        'Synthetic work reaches your own job only through {syntheticWorkUs} in job-args: add it there (your job applies it), or remove it.',
      );
    }
  }
  if (config.workloadFile && isAzurePlatform(config.platform)) {
    throw new InputError(
      'workload-file',
      config.workloadFile,
      `A workload of your own runs on platforms 'local' and 'external' for now: the simulators of '${config.platform}' send the built-in IoT event. Remove it, or benchmark locally.`,
    );
  }
  if (config.wait && config.mode !== 'load') {
    throw new InputError('wait', 'true', `'wait' applies to mode 'load' only (mode is '${config.mode}'); remove it.`);
  }
  if (config.capacitySearch && config.mode !== 'run') {
    throw new InputError(
      'max-throughput-search',
      'true',
      `The search deploys, steps the load and tears down: it needs mode 'run' (mode is '${config.mode}').`,
    );
  }
  if (config.mode === 'ab' && config.platform !== 'local') {
    throw new InputError(
      'platform',
      config.platform,
      "Mode 'ab' runs base and head one after the other on this machine, several times: use platform 'local' (compare Azure runs with 'baseline-report').",
    );
  }
  if (config.mode === 'ab' && config.capacitySearch) {
    throw new InputError(
      'max-throughput-search',
      'true',
      "The search is a mode 'run' feature: remove it for mode 'ab'.",
    );
  }
  if (config.mode === 'cleanup' && !isAzurePlatform(config.platform)) {
    throw new InputError(
      'platform',
      config.platform,
      `Mode 'cleanup' deletes expired Azure resource groups: use platform 'aks' or 'hdinsight' (${config.platform} runs are stopped by 'teardown').`,
    );
  }
  if (config.gate.maxRegressionPercent !== undefined && !config.baselineReport) {
    throw new InputError(
      'max-regression-percent',
      String(config.gate.maxRegressionPercent),
      "A regression threshold needs a baseline: set 'baseline-report' to a previous JSON report, or remove it.",
    );
  }
  const runsImage = config.mode === 'load' || config.mode === 'measure' || config.mode === 'run';
  if (isAzurePlatform(config.platform) && runsImage && !config.simulatorImage) {
    throw new InputError(
      'simulator-image',
      '',
      `Mode '${config.mode}' on '${config.platform}' runs the simulator image, and outside GitHub Actions no default owner is known: set it (e.g. ghcr.io/<owner>/${SIMULATOR_IMAGE_NAME}:${TOOL_VERSION}).`,
    );
  }
  if (config.mode === 'comment') {
    if (config.pullRequest === undefined) {
      throw new InputError('pull-request', '', "Mode 'comment' needs the number of the pull request to comment on.");
    }
    if (!config.reportFile) {
      throw new InputError('report-file', '', "Mode 'comment' needs the JSON report to post: set 'report-file'.");
    }
  } else if (config.pullRequest !== undefined) {
    throw new InputError(
      'pull-request',
      String(config.pullRequest),
      `'pull-request' applies to mode 'comment' only (mode is '${config.mode}'); measure and run comment on the pull request of their own event.`,
    );
  }
  // The deadline is set when deploy starts: a limit the plan cannot fit in would only tear the run down.
  const startsRun = config.mode === 'deploy' || config.mode === 'run';
  if (isAzurePlatform(config.platform) && startsRun) {
    const minimum = minimumMaxDurationMinutes(config.minutes);
    if (config.maxDurationMinutes < minimum) {
      throw new InputError(
        'max-duration-minutes',
        String(config.maxDurationMinutes),
        `A run measuring ${config.minutes} min needs at least ${minimum}: ${AZURE_DEPLOY_MINUTES} for deploy (HDInsight clusters take 20-30), ${AZURE_MEASURE_START_SECONDS / 60} for the later stages to start, then 'minutes'. Raise it, or measure for less.`,
      );
    }
    if (config.expiresInHours * 60 < config.maxDurationMinutes) {
      throw new InputError(
        'expires-in-hours',
        String(config.expiresInHours),
        `The scheduled cleanup could delete the resource group while the run may still go on (max-duration-minutes ${config.maxDurationMinutes}): make it at least ${Math.ceil(config.maxDurationMinutes / 60)}.`,
      );
    }
  }
  const readsPropertiesFile = config.jobSpec.builtIn || usesPlaceholder(config.jobSpec, 'kafkaProperties');
  if (
    !config.jobSpec.builtIn &&
    usesPlaceholder(config.jobSpec, 'kafkaProperties') &&
    isAzurePlatform(config.platform)
  ) {
    throw new InputError(
      'job-args',
      joinArguments(config.jobSpec.args),
      `{kafkaProperties} is a file on this machine, for platforms local and external; on '${config.platform}' the job reaches the run's Kafka at {bootstrap} without security: remove it.`,
    );
  }
  if (config.external?.flink && config.external.kafka.security.protocol !== 'PLAINTEXT' && readsPropertiesFile) {
    throw new InputError(
      'flink-rest-url',
      config.external.flink.restUrl,
      `The job reads its Kafka credentials (kafka-security-protocol ${config.external.kafka.security.protocol}) from a file on this machine, which a Flink cluster of yours cannot read: remove flink-rest-url to run the job on a Flink cluster started here against your Kafka.`,
    );
  }
  const measures = config.mode === 'measure' || config.mode === 'run' || config.mode === 'ab';
  // A measurement shorter than one interval would have no row at all.
  if (measures && config.minutes * 60 < config.intervalSeconds) {
    const seconds = Number((config.minutes * 60).toFixed(3));
    const problem = `minutes ${config.minutes} measures ${seconds} s, less than one interval (interval-seconds ${config.intervalSeconds})`;
    const fix = `measure at least ${Number((config.intervalSeconds / 60).toFixed(3))} min, or sample more often (interval-seconds at most ${Math.max(1, Math.floor(config.minutes * 60))}).`;
    throw explicitInterval
      ? new InputError(
          'interval-seconds',
          String(config.intervalSeconds),
          `It is longer than the measurement: ${problem}; ${fix}`,
        )
      : new InputError('minutes', String(config.minutes), `Too short for one row of the table: ${problem}; ${fix}`);
  }
  // The gate counts consecutive intervals (a "minute" is one row of the table).
  const intervals = Math.floor((config.minutes * 60) / config.intervalSeconds);
  if (measures && explicitSteadyMinutes && config.gate.minSteadyMinutes > intervals) {
    throw new InputError(
      'min-steady-minutes',
      String(config.gate.minSteadyMinutes),
      `It cannot exceed the intervals measured (${intervals}: minutes ${config.minutes} x 60 / interval-seconds ${config.intervalSeconds}): a run that short can never pass; lower it or measure longer.`,
    );
  }
}

export function parseTier(text: string): Tier {
  const preset = text.toLowerCase().replace(/k$/, '');
  if (preset === '1' || preset === '5' || preset === '10') return TIER_PRESETS[preset];
  const eventsPerSecond = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(eventsPerSecond) || eventsPerSecond < 2 || eventsPerSecond > MAX_EVENTS_PER_SECOND) {
    throw new InputError(
      'tier',
      text,
      `Allowed: 1, 5 or 10 (1,000 / 5,000 / 10,000 events/s), or a whole number of events per second from 2 to ${MAX_EVENTS_PER_SECOND.toLocaleString('en-US')} (e.g. 2000).`,
    );
  }
  return customTier(eventsPerSecond);
}

export const SIMULATOR_IMAGE_NAME = 'streaming-at-scale-simulator';

/**
 * The image the release workflow publishes for this version: under the owner of the action's own
 * repository when it runs as `uses: owner/streaming-at-scale@ref`, else under the workflow
 * repository's owner (this repository's own workflows, `uses: ./`); registry paths are lower case.
 */
export function defaultSimulatorImage(env: NodeJS.ProcessEnv): string | undefined {
  const owner = env.GITHUB_ACTION_REPOSITORY?.split('/')[0] || env.GITHUB_REPOSITORY_OWNER;
  return owner ? `ghcr.io/${owner.toLowerCase()}/${SIMULATOR_IMAGE_NAME}:${TOOL_VERSION}` : undefined;
}

// A container image reference as Docker and ARM read it: [registry[:port]/]path[:tag][@digest].
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const IMAGE_REFERENCE = new RegExp(
  `^(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*(?::[0-9]+)?/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*` +
    '(?::[\\w][\\w.-]{0,127})?(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?$',
);

function imageReference(text: string): string {
  const name = text.split('@')[0].replace(/:[^/]*$/, '');
  if (IMAGE_REFERENCE.test(text) && name.length <= 255) return text;
  const [first, ...rest] = name.split('/');
  const repository = rest.length > 0 && /[.:]|^localhost$/.test(first) ? rest.join('/') : name;
  const hint = /[A-Z]/.test(repository)
    ? 'Repository paths are lower case.'
    : /\s/.test(text)
      ? 'It must not contain spaces.'
      : 'Expected [registry/]path[:tag][@sha256:digest].';
  throw new InputError(
    'simulator-image',
    text,
    `${hint} For example ghcr.io/<owner>/${SIMULATOR_IMAGE_NAME}:${TOOL_VERSION}.`,
  );
}

function azureIdentity(raw: RawInputs, platform: PlatformName): AzureIdentity {
  const guid = (name: 'client-id' | 'tenant-id' | 'subscription-id'): string => {
    const text = (raw[name] ?? '').trim();
    if (text === '') {
      throw new InputError(
        name,
        text,
        `Platform '${platform}' signs in to Azure with OIDC and needs client-id, tenant-id and subscription-id (GUIDs; see docs/azure-setup.md).`,
      );
    }
    return matching(name, text, GUID, 'Expected a GUID such as 00000000-0000-0000-0000-000000000000.');
  };
  return { clientId: guid('client-id'), tenantId: guid('tenant-id'), subscriptionId: guid('subscription-id') };
}
