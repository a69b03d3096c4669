/**
 * Provenance: which code and which machine a report's figures come from, and the one line the
 * summary writes about a baseline (its commit, its age relative to this run, its runner, and plain
 * warnings when it came from another machine or is old). Pure: the facts are read by
 * provenance-io.ts and passed in.
 */
import type { Provenance, RunnerInfo } from './schema.js';

/** Older baselines are flagged: runner images, JDKs and dependencies move on within weeks. */
export const BASELINE_MAX_AGE_DAYS = 7;

/** Shown whenever there is no baseline: neutral, so it never reads as a passed regression check. */
export const NO_BASELINE_LINE = 'No baseline: regressions were not checked.';

/** Digits of a commit shown, as GitHub shows them. */
const SHORT_COMMIT = 7;
/** Longest label kept from the environment (runner names, CPU models, refs); untrusted.ts refuses longer. */
export const MAX_LABEL = 200;

/** What provenance-io.ts reads; everything optional is simply unknown. */
export interface ProvenanceFacts {
  env: {
    GITHUB_SHA?: string;
    GITHUB_REF?: string;
    RUNNER_NAME?: string;
    RUNNER_OS?: string;
    RUNNER_ARCH?: string;
  };
  /** This project's own git checkout; null when the code does not run from one (npm package, action tarball). */
  git: { head: string | null; ref: string | null; dirty: boolean | null } | null;
  host: {
    hostname: string;
    /** process.platform */
    platform: string;
    /** process.arch */
    arch: string;
    /** os.cpus() models, one per logical CPU (may be empty). */
    cpuModels: readonly string[];
    cpuCount: number;
  };
}

/** A full SHA-1 or SHA-256 object name, as git and GITHUB_SHA write it. */
export const COMMIT = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

// The spellings GitHub Actions uses for RUNNER_OS / RUNNER_ARCH, so a laptop's report and a runner's
// compare field by field.
const OS_NAMES: Record<string, string> = { linux: 'Linux', darwin: 'macOS', win32: 'Windows' };
const ARCH_NAMES: Record<string, string> = { x64: 'X64', arm64: 'ARM64', ia32: 'X86', arm: 'ARM' };

export function provenanceFrom(facts: ProvenanceFacts): Provenance {
  const { env, git, host } = facts;
  const githubSha = commitOrNull(env.GITHUB_SHA);
  // The checkout the tool runs from is the code measured: in the pull request gate the base runs from
  // its own checkout while GITHUB_SHA names the merge commit, so the workflow's commit comes second.
  const commit = commitOrNull(git?.head) ?? githubSha;
  // GITHUB_REF describes GITHUB_SHA only: never attach it to another commit.
  const ref = labelOrNull(git?.ref) ?? (commit !== null && commit === githubSha ? labelOrNull(env.GITHUB_REF) : null);
  const models = [...new Set(host.cpuModels.map((model) => label(model)).filter((model) => model !== ''))];
  return {
    commit,
    ref,
    dirty: git?.dirty ?? null,
    runner: {
      name: labelOrNull(env.RUNNER_NAME) ?? labelOrNull(host.hostname),
      os: labelOrNull(env.RUNNER_OS) ?? OS_NAMES[host.platform] ?? label(host.platform),
      arch: labelOrNull(env.RUNNER_ARCH) ?? ARCH_NAMES[host.arch] ?? label(host.arch.toUpperCase()),
      // Capped as a whole: a long list of models must not pass the untrusted check's limit either.
      cpuModel: labelOrNull(models.join(' + ')),
      cpuCount: host.cpuCount,
    },
  };
}

function commitOrNull(text: string | undefined | null): string | null {
  const commit = text?.trim().toLowerCase();
  return commit && COMMIT.test(commit) ? commit : null;
}

function labelOrNull(text: string | undefined | null): string | null {
  const cleaned = text == null ? '' : label(text);
  return cleaned === '' ? null : cleaned;
}

/**
 * One line of plain text, short, and free of what the untrusted-report check refuses (markup, links,
 * mentions, references, code spans, control characters): a report we write must always pass it, or
 * the fork-safe comment would refuse our own report. A space goes where the check would see a link:
 * CPU models such as "CPU @3.2GHz" become "CPU @ 3.2GHz", a container's hostname 3f4e5d6c7b8a (a
 * commit hash to GitHub) becomes "3f4e5d 6c7b8a". Removals first: they can join what a space split.
 */
function label(text: string): string {
  return (
    text
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u001f\u007f\s]+/g, ' ')
      .replace(/[`<>]/g, '')
      .replace(/\]\(/g, '] (')
      .replace(/:\/\//g, ': //')
      .replace(/@(?=[\w-])/g, '@ ')
      .replace(/(www\.)(?=\S)/gi, '$1 ')
      .replace(/\](?=[[:])/g, '] ')
      .replace(/(#|\bgh-)(?=\d)/gi, '$1 ')
      .replace(/&(?=(#\d+|#x[\da-f]+|[a-z][a-z\d]*);)/gi, '& ')
      .replace(/\\(?=[!-/:-@[-`{-~])/g, '\\ ')
      // Last: the spaces above can start a word.
      .replace(/(?<![\w-])[\da-f]{7,40}(?!\w)/gi, (word) =>
        /[a-f]/i.test(word) ? word.replace(/.{6}(?=.)/g, '$& ') : word,
      )
      .trim()
      .slice(0, MAX_LABEL)
      .trim()
  );
}

/** The fields of two runners that differ, of those that decide the figures (the name does not: hosted runners are named per run). */
export function runnerDifferences(a: RunnerInfo, b: RunnerInfo): string[] {
  const fields: Array<[string, keyof RunnerInfo]> = [
    ['OS', 'os'],
    ['architecture', 'arch'],
    ['CPU model', 'cpuModel'],
    ['CPU count', 'cpuCount'],
  ];
  return fields.filter(([, key]) => a[key] !== b[key]).map(([name]) => name);
}

/** "Linux X64, AMD EPYC 7763 64-Core Processor, 4 CPUs" (the name first when known). */
export function describeRunner(runner: RunnerInfo): string {
  const machine = [
    `${runner.os} ${runner.arch}`,
    ...(runner.cpuModel === null ? [] : [runner.cpuModel]),
    `${runner.cpuCount} ${runner.cpuCount === 1 ? 'CPU' : 'CPUs'}`,
  ].join(', ');
  return runner.name === null ? machine : `${runner.name} (${machine})`;
}

/**
 * A time difference, cut down (never rounded up) to the two largest units shown: 45 -> "45 s",
 * 600 -> "10 min", 11400 -> "3 h 10 min", 7200 -> "2 h", 190800 -> "2 days 5 h". Days start at
 * 48 h, so "a day and a bit" stays in hours, where the minutes still say something.
 */
export function formatAge(seconds: number): string {
  const whole = Math.floor(Math.abs(seconds));
  if (whole < 60) return `${whole} s`;
  const minutes = Math.floor(whole / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
  const days = Math.floor(hours / 24);
  return hours % 24 === 0 ? `${days} days` : `${days} days ${hours % 24} h`;
}

/** A run as the baseline line sees it: a report, or a baseline comparison's fields about its baseline. */
export interface MeasuredRun {
  runId: string;
  startedAt: string;
  /** null or absent: the report was written before provenance was recorded. */
  provenance?: Provenance | null;
}

export interface BaselineLineOptions {
  /** How the line names the other run: 'Baseline' (default), or 'Base' in the A/B gate. */
  label?: string;
  maxAgeDays?: number;
}

/**
 * The summary's line about a baseline, relative to the run it is compared with: its commit (short)
 * and ref, its run, its age (from both reports' startedAt), its runner, then a warning for each
 * reason to distrust the comparison: another machine, a runner not recorded, or an age over
 * `maxAgeDays`. Markdown, one paragraph.
 */
export function baselineLine(current: MeasuredRun, baseline: MeasuredRun, options: BaselineLineOptions = {}): string {
  const name = options.label ?? 'Baseline';
  const maxAgeDays = options.maxAgeDays ?? BASELINE_MAX_AGE_DAYS;
  const source = baseline.provenance ?? null;
  const here = current.provenance ?? null;

  const commit = commitText(source);
  const ageSeconds = (Date.parse(current.startedAt) - Date.parse(baseline.startedAt)) / 1000;
  const when =
    Math.abs(ageSeconds) < 1
      ? 'measured at the same time as this run'
      : `measured ${formatAge(ageSeconds)} ${ageSeconds > 0 ? 'before' : 'after'} this run`;
  const runner = source === null ? 'runner not recorded' : `on ${inline(describeRunner(source.runner))}`;
  const sentences = [`${name}: ${commit} (run \`${baseline.runId}\`), ${when}, ${runner}.`];

  if (source === null || here === null) {
    const whose = source === null && here === null ? 'neither report' : source === null ? 'its report' : 'this report';
    sentences.push(
      `⚠️ Figures possibly from another machine: ${whose} does not record its runner (written by an older version), compare with care.`,
    );
  } else {
    const differences = runnerDifferences(source.runner, here.runner);
    if (differences.length > 0) {
      sentences.push(
        `⚠️ Figures from another machine (${differences.join(', ')} differ; this run: ${inline(describeRunner(here.runner))}): compare with care.`,
      );
    }
  }
  if (ageSeconds > maxAgeDays * 86_400) {
    sentences.push(
      `⚠️ The ${name.toLowerCase()} is more than ${maxAgeDays} days older than this run: the runner image and dependencies may have changed since.`,
    );
  }
  return sentences.join(' ');
}

/** "commit `0123abc` on main" (with uncommitted changes when the checkout had them), or "commit unknown". */
function commitText(provenance: Provenance | null): string {
  if (provenance?.commit == null) return 'commit unknown';
  return (
    `commit \`${provenance.commit.slice(0, SHORT_COMMIT)}\`` +
    (provenance.dirty ? ' with uncommitted changes' : '') +
    (provenance.ref === null ? '' : ` on ${inline(shortRef(provenance.ref))}`)
  );
}

/** This run's provenance for the summary's heading: "commit `0123abc` on main · runner GitHub Actions 3 (Linux X64, ..., 4 CPUs)". */
export function provenanceText(provenance: Provenance): string {
  return `${commitText(provenance)} · runner ${inline(describeRunner(provenance.runner))}`;
}

/** refs/heads/main -> main; refs/pull/12/merge -> pull/12/merge (tags and others unchanged). */
function shortRef(ref: string): string {
  return ref.replace(/^refs\/heads\//, '').replace(/^refs\/pull\//, 'pull/');
}

/** Text from a report placed in running markdown: characters that would format it are escaped. */
function inline(text: string): string {
  return text.replace(/\s+/g, ' ').replace(/([\\`*_[\]<>|~])/g, '\\$1');
}
