/**
 * The docs against the code: the inputs/outputs reference lists exactly action.yml's inputs and
 * outputs, every example that calls the action or the reusable workflow uses only inputs that exist,
 * links resolve, and the cost tables follow from their own formula and prices.
 */
import { MODES } from '../../src/config/inputs.js';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import type { PlatformName } from '../../src/config/inputs.js';
import { TIER_PRESETS } from '../../src/config/tiers.js';
import {
  AZURE_TEARDOWN_MINUTES,
  DEFAULT_MAX_DURATION_MINUTES,
  minimumMaxDurationMinutes,
} from '../../src/config/durations.js';
import {
  billedHours,
  estimateRunCost,
  nodePools,
  PRICES_DATE,
  PRICES_PER_NODE_HOUR,
  usdPerHour,
} from '../../src/report/cost.js';
import { ROOT, callsThisAction, loadAction, loadWorkflow } from '../workflows/model.js';
import { BAD_INPUTS } from '../fixtures/bad-inputs.js';

/** docs/cost.md names HDInsight sizes as Azure's price list does ("D3 v2"), the template as "Standard_D3_V2". */
function hdinsightLabel(size: string): string {
  return size.replace(/^Standard_/, 'HDInsight ').replace(/_[vV](\d)$/, ' v$1');
}

const action = loadAction();
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
    expect(rows.map((row) => row[0]!.replace(/`/g, ''))).toEqual([...MODES]);
    for (const row of rows) {
      for (const name of row[1]!.matchAll(/`([^`]+)`/g)) {
        expect([...Object.keys(action.inputs), ...MODES] as string[]).toContain(name[1]);
      }
    }
  });
});

describe('docs/troubleshooting.md', () => {
  it('lists every bad input that test/cli/bad-inputs.test.ts tries, with its error, in the same order', () => {
    const rows = tableRows(section(read('docs/troubleshooting.md'), '## Bad inputs')).slice(1);
    const code = (text: string) => `\`${text}\``;
    expect(rows).toEqual(
      BAD_INPUTS.map((input) => [
        code(`streaming-at-scale ${input.argv.join(' ')}`),
        input.given.replace(/\$BIG/g, code('$BIG')),
        code(input.error) + (input.warning ? ` (after the warning ${code(input.warning)})` : ''),
      ]),
    );
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
      expect(MODES as readonly string[]).toContain(call.with.mode);
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

  it("state the cost formula's prices, node pools and per-run figures exactly as src/report/cost.ts computes them", () => {
    const cost = read('docs/cost.md');
    // The prices table is the module's price list, with its date.
    const prices = tableRows(section(cost, '## Prices used')).slice(1);
    const listed = Object.fromEntries(
      prices.map((row) => [
        `${row[0]!.startsWith('HDInsight') ? 'hdinsight' : 'vm'} ${row[0]!.split(' (')[0]}`,
        Number(row[2]),
      ]),
    );
    const module = Object.fromEntries(
      Object.entries(PRICES_PER_NODE_HOUR).flatMap(([kind, sizes]) =>
        Object.entries(sizes).map(([size, usd]) => [
          `${kind} ${kind === 'hdinsight' ? hdinsightLabel(size) : size}`,
          usd,
        ]),
      ),
    );
    expect(listed).toEqual(module);
    expect(section(cost, '## Prices used')).toContain(`Recorded on ${PRICES_DATE}`);

    // $/h per platform and tier, as the formula table prints them (2 decimals).
    const columns: Array<[Exclude<PlatformName, 'local'>, '1' | '5' | '10']> = [
      ['aks', '1'],
      ['aks', '5'],
      ['aks', '10'],
      ['hdinsight', '1'],
    ];
    const hourly = tableRows(section(cost, '## The formula')).slice(1);
    expect(hourly.map((r) => r[4]!.match(/\*\*([\d.]+) \$\/h\*\*/)![1])).toEqual(
      columns.map(([platform, tier]) => usdPerHour(nodePools(platform, TIER_PRESETS[tier])).toFixed(2)),
    );
    // hdinsight's figure holds for every tier, as its row says.
    for (const tier of ['5', '10'] as const)
      expect(usdPerHour(nodePools('hdinsight', TIER_PRESETS[tier]))).toBe(
        usdPerHour(nodePools('hdinsight', TIER_PRESETS['1'])),
      );

    // The default maximum duration's bound: max-duration-minutes + teardown, at aks tier 1 and hdinsight.
    const bound = (AZURE_TEARDOWN_MINUTES + DEFAULT_MAX_DURATION_MINUTES) / 60;
    const maxDuration = section(cost, '## The maximum duration of a run');
    expect(maxDuration).toContain(`(default ${DEFAULT_MAX_DURATION_MINUTES})`);
    expect(maxDuration).toContain(`${bound} h,`);
    for (const [platform, tier] of [columns[0]!, columns[3]!])
      expect(maxDuration).toContain(
        `${(bound * usdPerHour(nodePools(platform, TIER_PRESETS[tier]))).toFixed(2)} $ (${platform}`,
      );
    expect(maxDuration).toContain(`\`minutes\` +\n${minimumMaxDurationMinutes(0)}`);

    // Per run: billed hours and each column's dollars, from estimateRunCost.
    const perRun = tableRows(section(cost, '## Per run')).slice(1);
    expect(perRun.length).toBeGreaterThanOrEqual(3);
    for (const row of perRun) {
      const minutes = Number(row[0]!.split(' ')[0]);
      expect(row[1]).toBe(billedHours(minutes).toFixed(2));
      expect(row.slice(2)).toEqual(
        columns.map(
          ([platform, tier]) => `${estimateRunCost(platform, TIER_PRESETS[tier], minutes)!.estimatedUsd.toFixed(2)} $`,
        ),
      );
    }
  });
});
