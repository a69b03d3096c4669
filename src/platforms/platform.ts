/**
 * What every platform (local, aks, hdinsight) provides to the modes. A mode does the parts common
 * to all platforms (run state, outputs, reporting) and asks the platform for the rest.
 */
import type { Config } from '../config/config.js';
import type { Reporter } from '../console/reporter.js';
import type { BenchmarkReport } from '../report/schema.js';
import type { RunState } from '../run-state/run-state.js';

export interface ModeContext {
  config: Config;
  reporter: Reporter;
  /** Aborted on Ctrl-C / SIGTERM / cancellation: long waits stop early so teardown can run. */
  signal: AbortSignal;
}

/** A run's hard limit (max-duration-minutes), as a platform records it. */
export interface TimeLimit {
  deadline: Date;
  /** Milliseconds from now (the platform's clock) to the deadline; 0 or less once it has passed. */
  msLeft: number;
  /** The limit deploy was given, when the platform recorded it. */
  maxDurationMinutes?: number;
}

export interface Platform {
  /** Creates the run's Kafka and Flink and returns the run state recording them. */
  deploy(ctx: ModeContext): Promise<RunState>;
  /** Starts the chosen Flink job; records its id in the state. */
  submitFlink(ctx: ModeContext, state: RunState): Promise<void>;
  /**
   * Starts the load for `durationSeconds` and returns once events flow (or, with `wait`, when the
   * load is done).
   */
  load(ctx: ModeContext, state: RunState, durationSeconds: number): Promise<void>;
  /** Stops a load started by `load` (a no-op when none runs). */
  stopLoad(ctx: ModeContext, state: RunState): Promise<void>;
  /** Samples the pipeline for `minutes` and returns the report (publishing is the mode's). */
  measure(ctx: ModeContext, state: RunState): Promise<BenchmarkReport>;
  /**
   * The run named by config.runId, rebuilt from where the platform keeps it, when this machine has
   * no state of it (Azure: a workflow job after deploy runs on a fresh runner). Absent: no recovery.
   */
  recoverRun?(ctx: ModeContext): Promise<RunState>;
  /** The run's limit, where the platform has one (Azure: billing); undefined means none. */
  timeLimit?(ctx: ModeContext, state: RunState): Promise<TimeLimit | undefined>;
  /** Stops and deletes everything the run created; a second call is a no-op. */
  teardown(ctx: ModeContext, state: RunState): Promise<void>;
}
