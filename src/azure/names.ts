/**
 * Names and tags of the Azure resources of a run, all derived from the solution name (lowercase
 * letters and digits, validated by the config). Pure: no I/O.
 */

/** The tag that marks a resource group as the toolkit's: cleanup looks for it. */
export const TOOLKIT_TAG = 'streaming-at-scale';
export const TAG_RUN_ID = 'run-id';
export const TAG_STARTED_BY = 'started-by';
export const TAG_EXPIRES_AT = 'expires-at';
export const TAG_SOLUTION = 'solution-name';
/** When the run must end (deploy's start + max-duration-minutes): every later stage reads it. */
export const TAG_DEADLINE = 'deadline';

/** Resource group of a solution: one per solution name, so a re-run with the same name converges. */
export function resourceGroupName(solutionName: string): string {
  return `${solutionName}-rg`;
}

/** One ARM deployment per run (deployment names: at most 64 characters). */
export function deploymentName(runId: string): string {
  return `streaming-at-scale-${runId}`.slice(0, 64);
}

export interface RunTagsInput {
  solutionName: string;
  runId: string;
  startedBy: string;
  now: Date;
  expiresInHours: number;
  /** The run's deadline (max-duration-minutes from deploy's start). */
  deadline: Date;
}

export function resourceGroupTags(input: RunTagsInput): Record<string, string> {
  const expiresAt = new Date(input.now.getTime() + input.expiresInHours * 3_600_000);
  return {
    [TOOLKIT_TAG]: 'true',
    [TAG_SOLUTION]: input.solutionName,
    [TAG_RUN_ID]: input.runId,
    [TAG_STARTED_BY]: input.startedBy.slice(0, 256),
    [TAG_EXPIRES_AT]: expiresAt.toISOString(),
    [TAG_DEADLINE]: input.deadline.toISOString(),
  };
}

/** Who started the run: the GitHub actor in a workflow, the OS user on a laptop. */
export function startedBy(env: NodeJS.ProcessEnv, osUser: () => string): string {
  if (env.GITHUB_ACTOR) {
    const where =
      env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID ? ` (${env.GITHUB_REPOSITORY} run ${env.GITHUB_RUN_ID})` : '';
    return `${env.GITHUB_ACTOR}${where}`;
  }
  try {
    return osUser();
  } catch {
    return 'unknown';
  }
}

/**
 * The expiry of a tagged resource group, or undefined when the tag is missing or not a date (such a
 * group is never deleted by cleanup: it may not be ours to judge).
 */
export function expiresAt(tags: Record<string, string> | undefined): Date | undefined {
  return dateTag(tags, TAG_EXPIRES_AT);
}

/** A run's deadline from its group's tags; undefined for a group deployed before deadlines existed. */
export function deadlineTag(tags: Record<string, string> | undefined): Date | undefined {
  return dateTag(tags, TAG_DEADLINE);
}

function dateTag(tags: Record<string, string> | undefined, name: string): Date | undefined {
  const text = tags?.[name];
  if (!text) return undefined;
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
