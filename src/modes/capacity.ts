/**
 * `run` with max-throughput-search: after deploy and submit-flink, the load steps up until the
 * pipeline stops keeping up; each step is one measurement (no audit: the load restarts per step).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  capacityResult,
  capacityStep,
  nextRate,
  renderCapacityMarkdown,
  type CapacityResult,
} from '../analysis/capacity.js';
import { platformFor } from '../platforms/index.js';
import type { ModeContext } from '../platforms/platform.js';
import { publishSummary } from '../report/summary.js';
import type { RunState } from '../run-state/run-state.js';
import { LOAD_MARGIN_SECONDS } from './stages.js';

export async function searchMaxThroughput(ctx: ModeContext, state: RunState): Promise<CapacityResult> {
  const { config, reporter } = ctx;
  const search = config.capacitySearch!;
  const platform = platformFor(config.platform);
  const stepCtx: ModeContext = { ...ctx, config: { ...config, audit: false, wait: false } };
  const steps = [];
  let rate = state.eventsPerSecond;
  for (let index = 1; index <= search.maxSteps && !ctx.signal.aborted; index++) {
    state.eventsPerSecond = rate;
    const report = await reporter.group(
      `max-throughput search, step ${index}: ${rate.toLocaleString('en-US')} events/s`,
      async () => {
        await platform.load(stepCtx, state, config.minutes * 60 + LOAD_MARGIN_SECONDS);
        try {
          return await platform.measure(stepCtx, state);
        } finally {
          await platform.stopLoad(stepCtx, state);
        }
      },
    );
    const step = capacityStep(report, config.gate.minPercentOfTarget);
    steps.push(step);
    reporter.info(`Step ${index}: ${step.sustained ? 'sustained' : 'NOT sustained'}: ${step.verdict}`);
    if (!step.sustained) break;
    rate = nextRate(rate, search.stepPercent);
  }
  const result = capacityResult(steps, search.maxSteps);
  const file = path.resolve(
    config.reportFile
      ? path.join(path.dirname(config.reportFile), 'capacity.json')
      : path.join(state.runDir, 'capacity.json'),
  );
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, JSON.stringify(result, null, 2) + '\n');
  await publishSummary(renderCapacityMarkdown(result), { reporter, summaryFile: config.summaryFile });
  reporter.setOutput('max-sustained-events-per-second', result.highestSustainedPerSecond ?? '');
  reporter.info(`${result.verdict}\nCapacity report: ${file}`);
  return result;
}
