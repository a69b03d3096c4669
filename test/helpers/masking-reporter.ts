/**
 * A Reporter that records lines and secrets the way a workflow log treats them: a line that shows
 * a secret is a leak unless setSecret had been called for that secret before the line was printed.
 */
import type { Reporter } from '../../src/console/reporter.js';

export interface MaskingReporter extends Reporter {
  lines: string[];
  secrets: string[];
  /** Outputs set, by name (each also printed as `output <name>=<value>`). */
  outputs: Record<string, string>;
  /** Lines printed while a secret in them was not yet masked. */
  leaks(): string[];
}

export function maskingReporter(): MaskingReporter {
  const printed: Array<{ line: string; masked: string[] }> = [];
  const print = (line: string) => {
    reporter.lines.push(line);
    printed.push({ line, masked: [...reporter.secrets] });
  };
  const reporter: MaskingReporter = {
    lines: [],
    secrets: [],
    outputs: {},
    info: print,
    warning: (message) => print(`warning: ${message}`),
    group: (title, work) => (print(`## ${title}`), work()),
    setOutput: (name, value) => {
      reporter.outputs[name] = String(value);
      print(`output ${name}=${String(value)}`);
    },
    setSecret: (value) => void reporter.secrets.push(value),
    appendSummary: async (markdown) => print(markdown),
    leaks: () =>
      printed
        .filter(({ line, masked }) => reporter.secrets.some((s) => s && line.includes(s) && !masked.includes(s)))
        .map(({ line }) => line),
  };
  return reporter;
}
