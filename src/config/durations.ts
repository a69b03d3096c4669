/**
 * How long the parts of a benchmark take, where more than one module needs the figure: the load's
 * margins (src/modes/stages.ts), the cost formula (src/report/cost.ts, docs/cost.md) and the
 * smallest max-duration-minutes a run can finish in (src/config/config.ts). Pure constants.
 */

/**
 * How much longer than the measurement a load started by `run` lasts (teardown stops it), so the last
 * minute measured is a full-load minute rather than the load's own wind-down.
 */
export const LOAD_MARGIN_SECONDS = 60;

/**
 * On Azure a `measure` after a `load` of its own runs in a later job, whose measure agent must be
 * scheduled and pull its image before the first sample: the load covers that too.
 */
export const AZURE_MEASURE_START_SECONDS = 600;

/** deploy on Azure until the VMs bill and the pipeline is up: HDInsight clusters take 20-30 minutes. */
export const AZURE_DEPLOY_MINUTES = 30;

/** teardown on Azure: until ARM has deleted the resource group (and the VMs stop billing). */
export const AZURE_TEARDOWN_MINUTES = 15;

/**
 * The shortest max-duration-minutes in which a run measuring `minutes` can finish before its
 * deadline: the deploy, then the later stages' start-up (submit-flink, the load, the measure agent,
 * each its own job in the reusable workflow), then the measurement. Teardown comes after the
 * deadline and is not part of it.
 */
export function minimumMaxDurationMinutes(minutes: number): number {
  return Math.ceil(AZURE_DEPLOY_MINUTES + AZURE_MEASURE_START_SECONDS / 60 + minutes);
}

/**
 * The default max-duration-minutes: the seed's 30-minute measurement needs 70 (30 deploy, 10 stage
 * start-up, 30 measuring); 120 leaves 50 minutes for a slow HDInsight deploy or queued jobs, and
 * stops a stuck run after 2 hours of nodes.
 */
export const DEFAULT_MAX_DURATION_MINUTES = 120;

/** GitHub's longest job timeout (72 h, self-hosted runners): a longer limit could never be enforced by it. */
export const MAX_MAX_DURATION_MINUTES = 72 * 60;
