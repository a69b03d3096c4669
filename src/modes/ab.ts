/**
 * `ab`: the pull request gate that compares like with like. The base and the head checkout each run
 * short local benchmarks on this machine, interleaved base-head, head-base, ... for `rounds`
 * rounds; per metric the head is compared with the base with a confidence interval and the noise
 * floor between runs of one side (src/gate/ab). A suspected regression runs one more pair before
 * the gate fails; an invalid measurement (a load generator that fell short, producer errors,
 * missing samples, different workloads) is inconclusive, never a pass, and stops the runs at once.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ABOptions } from '../config/config.js';
import { errorMessage, UserError } from '../errors.js';
import { prepareJob, type PreparedJob } from '../flink/job-jar.js';
import { repoRoot } from '../repo-root.js';
import { commentSubject } from '../github/pr-comment.js';
import { decideAfterRounds, type ConfirmationDecision } from '../gate/ab/confirmation.js';
import { sidesInOrder } from '../gate/ab/interleaving.js';
import type { ABMetricName, ABSide } from '../gate/ab/metrics.js';
import { buildABReport, completeRounds, firstRunOf, type ABReport, type ABRunResult } from '../gate/ab/report.js';
import { compareRounds, DEFAULT_CONFIDENCE, type ComparisonOptions } from '../gate/ab/statistics.js';
import { abGateVerdict, runsProblems, workloadHash, type ABGateResult } from '../gate/ab/validity.js';
import type { ModeContext } from '../platforms/platform.js';
import { renderABConsole, renderABSections } from '../report/ab-render.js';
import { publishSections } from '../report/publish.js';
import { workloadOf } from '../report/workload.js';
import { readReport, writeReport } from '../report/summary.js';
import { newRunId } from '../run-state/run-state.js';
import { TOOL_VERSION } from '../version.js';
import {
  checkCheckout,
  checkoutCommit,
  runArguments,
  runCheckout,
  sharedClusterObstacle,
  type SharedCluster,
} from './ab-checkout.js';
import { deploySharedCluster, localPlatform } from '../platforms/local/index.js';

/** Runs the comparison, publishes it and fails the step as the verdict and inconclusive-fails say. */
export async function abMode(ctx: ModeContext): Promise<ABReport> {
  const { config, reporter } = ctx;
  const options = config.ab!; // parseConfig sets it in mode ab
  const ownJob = !config.jobSpec.builtIn;
  checkCheckout(options.base, 'base', ownJob);
  checkCheckout(options.head, 'head', ownJob);
  const dir = path.resolve(config.workDir, `ab-${newRunId()}`);
  const reportFile = path.resolve(config.reportFile ?? path.join(dir, 'ab-report.json'));

  const report = await compare(ctx, options, dir);
  await writeReport(reportFile, report);
  reporter.info(renderABConsole(report));
  reporter.info(`A/B report: ${reportFile} (each run's report and log: ${dir})`);
  reporter.setOutput('report-file', reportFile);
  reporter.setOutput('verdict', report.verdict);
  // Under the comment policy, as measure comments. A pull request job's read-only token only warns:
  // the fork-safe gate uploads the report and mode comment posts it from a workflow_run workflow.
  await publishSections(ctx, renderABSections(report), commentSubject(report), reportFile);

  const outcome = stepOutcome(report);
  if (outcome.kind === 'fail') throw new UserError(outcome.message);
  if (outcome.kind === 'warn') reporter.warning(outcome.message);
  else reporter.info(outcome.message);
  return report;
}

/**
 * What the step does with the verdict: fail says which metrics regressed; inconclusive fails only
 * with inconclusive-fails, and otherwise warns loudly that nothing was shown either way. Pure.
 */
export function stepOutcome(report: Pick<ABReport, 'verdict' | 'reasons' | 'comparisons' | 'inconclusiveFails'>): {
  kind: 'fail' | 'warn' | 'pass';
  message: string;
} {
  const reasons = report.reasons.join(' ');
  switch (report.verdict) {
    case 'fail': {
      const regressed = report.reasons.filter((_, index) => report.comparisons[index]?.verdict === 'regression');
      return { kind: 'fail', message: `A/B gate failed: ${regressed.join(' ')}` };
    }
    case 'inconclusive':
      return report.inconclusiveFails
        ? { kind: 'fail', message: `A/B gate inconclusive (inconclusive-fails is true): ${reasons}` }
        : {
            kind: 'warn',
            message:
              `A/B gate INCONCLUSIVE: the measurement is not valid, so it shows neither a regression nor its absence. ${reasons} ` +
              'This step does not fail because inconclusive-fails is false.',
          };
    case 'pass':
      return { kind: 'pass', message: 'A/B gate passed: no regression beyond the minimum effect.' };
  }
}

async function compare(ctx: ModeContext, options: ABOptions, dir: string): Promise<ABReport> {
  const { config } = ctx;
  const startedAt = new Date().toISOString();
  const comparison: ComparisonOptions = {
    minimumEffectPercent: options.minimumEffectPercent,
    intervalSeconds: config.intervalSeconds,
    confidence: DEFAULT_CONFIDENCE,
  };
  const ownJobs = config.jobSpec.builtIn ? undefined : await buildSides(ctx, options);
  // Runs share one Kafka and Flink where both sides would start the same: each run brings its own
  // topics and job (platform external), and none waits for a start-up. A user's job runs under
  // this toolkit on both sides; checkouts of this project, when their local set-up is the same.
  const obstacle = ownJobs ? null : await sharedClusterObstacle(options.base, options.head, repoRoot());
  if (obstacle) ctx.reporter.info(`A/B: each run starts its own Kafka and Flink: ${obstacle}.`);
  const cluster = obstacle ? undefined : await startSharedCluster(ctx, dir);
  try {
    return await compareOn(ctx, options, dir, { startedAt, comparison, ownJobs, cluster: cluster?.address });
  } finally {
    if (cluster) await cluster.stop();
  }
}

/** The rounds, the confirmation pair if one is needed, and the A/B report. */
async function compareOn(
  ctx: ModeContext,
  options: ABOptions,
  dir: string,
  shared: {
    startedAt: string;
    comparison: ComparisonOptions;
    ownJobs?: Record<ABSide, PreparedJob>;
    cluster?: SharedCluster;
  },
): Promise<ABReport> {
  const { config, reporter, signal } = ctx;
  const { startedAt, comparison, ownJobs, cluster } = shared;
  const runs: ABRunResult[] = [];
  let stoppedEarly: string | null = null;

  /** Runs one round; false when a run was invalid (the verdict can only be inconclusive then). */
  const runRound = async (round: number, why: string): Promise<boolean> => {
    const order = sidesInOrder(round);
    reporter.info(`A/B round ${round} (${why}): ${order.join(', then ')}.`);
    for (const [index, side] of order.entries()) {
      if (signal.aborted) throw new UserError('A/B comparison cancelled: the runs so far are in ' + dir + '.');
      runs.push(
        await runSide(ctx, options, dir, {
          round,
          side,
          position: index === 0 ? 1 : 2,
          ownJob: ownJobs?.[side],
          cluster,
        }),
      );
      const problems = runsProblems(runs);
      if (problems.length > 0) {
        stoppedEarly = `Stopped after round ${round}, ${side}: the measurement is invalid, so no further run can make it conclusive.`;
        reporter.warning(`${stoppedEarly} ${problems.join(' ')}`);
        return false;
      }
    }
    return true;
  };

  let decision: Extract<ConfirmationDecision, { needsConfirmationPair: false }> | null = null;
  let suspected: ABMetricName[] = [];
  let valid = true;
  for (let round = 1; round <= options.rounds && valid; round++) {
    valid = await runRound(round, `${round} of ${options.rounds}`);
  }
  if (valid) {
    const first = decideAfterRounds(completeRounds(runs), { ...comparison, plannedRounds: options.rounds });
    if (first.needsConfirmationPair) {
      suspected = first.suspected;
      reporter.info(`Suspected regression in ${first.suspected.join(', ')}: one more pair confirms or clears it.`);
      if (await runRound(options.rounds + 1, 'confirmation')) {
        const confirmed = decideAfterRounds(completeRounds(runs), { ...comparison, plannedRounds: options.rounds });
        if (confirmed.needsConfirmationPair) throw new Error('A confirmation pair cannot ask for another.');
        decision = confirmed;
      }
    } else {
      decision = first;
    }
  }
  const result: ABGateResult = decision
    ? abGateVerdict(runs, decision)
    : { verdict: 'inconclusive', reasons: runsProblems(runs) };

  const [baseCommit, headCommit] = await Promise.all([checkoutCommit(options.base), checkoutCommit(options.head)]);
  return buildABReport({
    toolVersion: TOOL_VERSION,
    verdict: result.verdict,
    reasons: result.reasons,
    inconclusiveFails: options.inconclusiveFails,
    startedAt,
    endedAt: new Date().toISOString(),
    platform: config.platform,
    job: config.job,
    tier: { name: config.tier.name, eventsPerSecond: config.tier.eventsPerSecond },
    minutes: config.minutes,
    intervalSeconds: config.intervalSeconds,
    plannedRounds: options.rounds,
    confirmation: { ran: runs.some((run) => run.round > options.rounds), suspected },
    stoppedEarly,
    minimumEffectPercent: options.minimumEffectPercent,
    confidence: comparison.confidence ?? DEFAULT_CONFIDENCE,
    base: {
      folder: options.base,
      commit: baseCommit,
      syntheticWorkUs: options.baseSyntheticWorkUs,
      firstRun: firstRunOf(runs, 'base'),
    },
    head: {
      folder: options.head,
      commit: headCommit,
      syntheticWorkUs: options.headSyntheticWorkUs,
      firstRun: firstRunOf(runs, 'head'),
    },
    comparisons: compareRounds(completeRounds(runs), comparison),
    runs,
  });
}

/**
 * The Kafka broker and Flink cluster the runs share, as a run of its own in the comparison's folder
 * (`cluster`): stopped at the end, or by `teardown --work-dir <dir> --run-id cluster`.
 */
async function startSharedCluster(
  ctx: ModeContext,
  dir: string,
): Promise<{ address: SharedCluster; stop: () => Promise<void> }> {
  const clusterCtx: ModeContext = {
    ...ctx,
    config: { ...ctx.config, mode: 'deploy', runId: 'cluster', workDir: dir, keepRunDir: false },
  };
  const state = await ctx.reporter.group('A/B: one Kafka broker and Flink cluster for every run', () =>
    deploySharedCluster(clusterCtx),
  );
  return {
    address: { bootstrapServers: state.kafkaBootstrapServers!, flinkRestUrl: state.flinkRestUrl! },
    stop: () =>
      ctx.reporter.group('A/B: stopping the shared Kafka broker and Flink cluster', () =>
        localPlatform.teardown({ ...clusterCtx, config: { ...clusterCtx.config, mode: 'teardown' } }, state),
      ),
  };
}

/**
 * The user's job of each side, built once in its checkout before the rounds (one build when base
 * and head are the same folder); a side whose build fails stops the comparison with its error.
 */
async function buildSides(ctx: ModeContext, options: ABOptions): Promise<Record<ABSide, PreparedJob>> {
  const build = (side: ABSide) => {
    const dir = side === 'base' ? options.base : options.head;
    return ctx.reporter.group(`A/B: the ${side}'s job (${dir})`, () =>
      prepareJob({ ...ctx.config.jobSpec, dir }, ctx.reporter).catch((error: unknown) => {
        throw new UserError(`A/B ${side} (${dir}): ${errorMessage(error)}`);
      }),
    );
  };
  const base = await build('base');
  return { base, head: await build('head') };
}

async function runSide(
  ctx: ModeContext,
  options: ABOptions,
  dir: string,
  run: { round: number; side: ABSide; position: 1 | 2; ownJob?: PreparedJob; cluster?: SharedCluster },
): Promise<ABRunResult> {
  const { config, reporter, signal } = ctx;
  const { round, side, position, ownJob, cluster } = run;
  const checkout = side === 'base' ? options.base : options.head;
  const syntheticWorkUs = side === 'base' ? options.baseSyntheticWorkUs : options.headSyntheticWorkUs;
  const name = `round-${round}-${side}`;
  const reportFile = path.join(dir, `${name}.json`);
  const logFile = path.join(dir, `${name}.log`);
  const args = runArguments(config, { syntheticWorkUs, reportFile, workDir: path.join(dir, 'runs'), ownJob, cluster });
  // A user's job runs under this toolkit's command line on both sides (ab-checkout.ts).
  const command = ownJob ? path.join(repoRoot(), 'bin', 'streaming-at-scale.js') : undefined;
  const exitCode = await reporter.group(`A/B round ${round}: ${side} (${checkout})`, () =>
    runCheckout({ checkout, command, args, label: `[${round} ${side}]`, logFile, reporter, signal }),
  );
  if (signal.aborted) throw new UserError(`A/B comparison cancelled during round ${round}, ${side}.`);
  let report;
  try {
    report = await readReport(reportFile);
  } catch {
    throw new UserError(
      `A/B round ${round}, ${side}: the run ended (exit code ${exitCode}) without a report, so there is nothing to compare. ` +
        `Its last lines: ${await lastLines(logFile)} (whole log: ${logFile}).`,
    );
  }
  // A run's own gate may fail (a slower head that cannot keep up): a measured result, not an error.
  if (exitCode !== 0) reporter.info(`Round ${round}, ${side}: its own gate failed; its figures count.`);
  // Reports of versions before the A/B gate do not record their workload: what was asked for then.
  const workload = report.workload ?? workloadOf({ ...config, syntheticWorkUs });
  return { round, side, position, reportFile, report, workloadHash: workloadHash(workload) };
}

async function lastLines(file: string, count = 5): Promise<string> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return (
    text
      .trimEnd()
      .split('\n')
      .slice(-count)
      .map((line) => line.trim())
      .join(' | ') || '(no output)'
  );
}
