/**
 * The docs against the code: the inputs/outputs reference lists exactly action.yml's inputs and
 * outputs, every example that calls the action or the reusable workflow uses only inputs that exist,
 * links resolve, and the cost tables follow from their own formula and prices.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { ROOT, callsThisAction, loadAction, loadWorkflow } from '../workflows/model.js';

const action = loadAction();
const MODES = ['deploy', 'submit-flink', 'load', 'measure', 'teardown', 'cleanup', 'run'];
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');
const MY_DOCS = [
  'docs/quick-start.md',
  'docs/inputs-outputs.md',
  'docs/architecture.md',
  'docs/cost.md',
  'docs/troubleshooting.md',
];
const EXAMPLE_FILES = [
  'README.md',
  ...MY_DOCS,
  'docs/metrics.md',
  'docs/report-schema.md',
  'docs/benchmarks.md',
].filter((file) => existsSync(path.join(ROOT, file)));

/** Rows of the markdown tables between two headings, as arrays of cells. */
function tableRows(markdown: string): string[][] {
  return markdown
    .split('\n')
    .filter((line) => line.startsWith('|') && !/^\|[-| ]+\|$/.test(line))
    .map((line) =>
      line
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((cell) => cell.trim()),
    );
}

function section(markdown: string, heading: string): string {
  const start = markdown.indexOf(heading);
  if (start < 0) throw new Error(`no heading ${heading}`);
  const rest = markdown.slice(start + heading.length);
  const next = rest.search(/\n#{1,3} /);
  return next < 0 ? rest : rest.slice(0, next);
}

describe('docs/inputs-outputs.md', () => {
  const doc = read('docs/inputs-outputs.md');

  it('lists exactly the inputs of action.yml, with their defaults', () => {
    const rows = tableRows(section(doc, '### Inputs')).slice(1);
    const listed = rows.map((row) => row[0]!.replace(/`/g, ''));
    expect(listed).toEqual(Object.keys(action.inputs));
    for (const row of rows) {
      const name = row[0]!.replace(/`/g, '');
      const input = action.inputs[name]!;
      const expected = input.required ? '**required**' : input.default ? `\`${input.default}\`` : '';
      expect({ name, default: row[1] }).toEqual({ name, default: expected });
    }
  });

  it('lists exactly the outputs of action.yml', () => {
    const rows = tableRows(section(doc, '### Outputs')).slice(1);
    expect(rows.map((row) => row[0]!.replace(/`/g, ''))).toEqual(Object.keys(action.outputs));
  });

  it('names only real inputs and modes in its per-mode table', () => {
    const rows = tableRows(section(doc, '## Which inputs each mode reads')).slice(1);
    expect(rows.map((row) => row[0]!.replace(/`/g, ''))).toEqual(MODES);
    for (const row of rows) {
      for (const name of row[1]!.matchAll(/`([^`]+)`/g)) {
        expect([...Object.keys(action.inputs), ...MODES]).toContain(name[1]);
      }
    }
  });
});

interface Call {
  file: string;
  uses: string;
  with: Record<string, unknown>;
}

/** Every step or job in the docs' YAML examples that calls the action or the reusable workflow. */
function exampleCalls(): { action: Call[]; workflow: Call[] } {
  const found = { action: [] as Call[], workflow: [] as Call[] };
  for (const file of EXAMPLE_FILES) {
    for (const block of read(file).matchAll(/```ya?ml\n([\s\S]*?)```/g)) {
      let data: unknown;
      try {
        data = parse(block[1]!);
      } catch (error) {
        if (block[1]!.includes('streaming-at-scale')) throw new Error(`${file}: example is not YAML: ${error}`);
        continue;
      }
      const visit = (node: unknown): void => {
        if (Array.isArray(node)) return node.forEach(visit);
        if (!node || typeof node !== 'object') return;
        const object = node as Record<string, unknown>;
        if (typeof object.uses === 'string') {
          const call = { file, uses: object.uses, with: (object.with ?? {}) as Record<string, unknown> };
          if (/streaming-at-scale\/\.github\/workflows\/benchmark\.yml@/.test(object.uses)) found.workflow.push(call);
          else if (callsThisAction(object.uses, undefined)) found.action.push(call);
        }
        Object.values(object).forEach(visit);
      };
      visit(data);
    }
  }
  return found;
}

describe('examples in the README and docs/', () => {
  const calls = exampleCalls();

  it('call the action with inputs that exist and a real mode, the README included', () => {
    expect(calls.action.filter((c) => c.file === 'README.md').length).toBeGreaterThanOrEqual(1);
    expect(calls.action.length).toBeGreaterThanOrEqual(2);
    for (const call of calls.action) {
      const unknown = Object.keys(call.with).filter((name) => !(name in action.inputs));
      expect({ file: call.file, unknown }).toEqual({ file: call.file, unknown: [] });
      expect(MODES).toContain(call.with.mode);
    }
  });

  it('call the reusable workflow with inputs it declares', () => {
    const inputs = Object.keys(loadWorkflow('benchmark.yml').on.workflow_call!.inputs!);
    expect(calls.workflow.length).toBeGreaterThanOrEqual(3);
    for (const call of calls.workflow) {
      const unknown = Object.keys(call.with).filter((name) => !inputs.includes(name));
      expect({ file: call.file, unknown }).toEqual({ file: call.file, unknown: [] });
    }
  });
});

describe('the docs of the workflows', () => {
  it('link only to files that exist', () => {
    for (const file of [...MY_DOCS, 'README.md']) {
      for (const link of read(file).matchAll(/\]\((?!https?:|#)([^)#\s]+)(?:#[^)]*)?\)/g)) {
        const target = path.join(ROOT, path.dirname(file), link[1]!);
        // azure-setup.md is being written with the Azure platforms (issue 8).
        if (link[1]!.endsWith('azure-setup.md')) continue;
        expect({ file, link: link[1], exists: existsSync(target) }).toEqual({ file, link: link[1], exists: true });
      }
    }
  });

  it('draw the architecture as a Mermaid diagram', () => {
    expect(read('docs/architecture.md')).toMatch(/```mermaid\n(flowchart|graph) /);
  });

  it('compute the cost tables from the prices and node counts they state', () => {
    const cost = read('docs/cost.md');
    const price = (size: string): number => {
      const row = tableRows(section(cost, '## Prices used')).find((r) => r[0]!.startsWith(size));
      return Number(row![2]);
    };
    const kafka = 6 * price('HDInsight D3 v2') + 3 * price('HDInsight A4 v2');
    const perHour = {
      aks1: kafka + 3 * price('Standard_D2s_v3'),
      aks5: kafka + 5 * price('Standard_D2s_v3'),
      aks10: kafka + 4 * price('Standard_D4s_v3'),
      hdinsight: kafka + 5 * price('HDInsight D3 v2') + 3 * price('HDInsight A4 v2'),
    };
    const hourly = tableRows(section(cost, '## The formula')).slice(1);
    expect(hourly.map((r) => Number(r[4]!.match(/\*\*([\d.]+) \$\/h\*\*/)![1]))).toEqual(
      Object.values(perHour).map((v) => Number(v.toFixed(2))),
    );
    for (const row of tableRows(section(cost, '## Per run')).slice(1)) {
      const minutes = Number(row[0]!.split(' ')[0]);
      const hours = 0.5 + (minutes + 1) / 60 + 0.25;
      expect(Number(row[1])).toBeCloseTo(hours, 2);
      const figures = row.slice(2).map((cell) => Number(cell.replace(' $', '')));
      expect(figures).toEqual(Object.values(perHour).map((v) => Number((v * hours).toFixed(2))));
    }
  });
});
