/**
 * Where a mode's messages, outputs and summary go. The action writes through @actions/core; the
 * CLI prints plainly to a terminal and, when it runs inside a workflow step (GITHUB_OUTPUT /
 * GITHUB_STEP_SUMMARY set), also writes outputs and the summary the way the action does.
 */
import * as core from '@actions/core';

export interface Reporter {
  info(message: string): void;
  warning(message: string): void;
  /** Folds long output (a collapsible group in a workflow log, a header on a terminal). */
  group<T>(title: string, work: () => Promise<T>): Promise<T>;
  setOutput(name: string, value: string | number | boolean): void;
  /** Masks a secret in every later log line (in a workflow; a terminal has nothing to mask). */
  setSecret(value: string): void;
  appendSummary(markdown: string): Promise<void>;
}

export const actionReporter: Reporter = {
  info: (message) => core.info(message),
  warning: (message) => core.warning(message),
  group: (title, work) => core.group(title, work),
  setOutput: (name, value) => core.setOutput(name, value),
  setSecret: (value) => core.setSecret(value),
  appendSummary: async (markdown) => {
    await core.summary.addRaw(markdown, true).write();
  },
};

export function cliReporter(env: NodeJS.ProcessEnv = process.env): Reporter {
  if (env.GITHUB_ACTIONS === 'true') return actionReporter;
  return {
    info: (message) => console.log(message),
    warning: (message) => console.warn(`warning: ${message}`),
    group: async (title, work) => {
      console.log(`==> ${title}`);
      return work();
    },
    setOutput: (name, value) => {
      if (env.GITHUB_OUTPUT) core.setOutput(name, value);
    },
    setSecret: () => undefined,
    appendSummary: async (markdown) => {
      if (env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(markdown, true).write();
    },
  };
}
