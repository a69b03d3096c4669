/**
 * The docs against the code: the inputs/outputs reference lists exactly action.yml's inputs and
 * outputs, every example that calls the action or the reusable workflow uses only inputs that exist,
 * links resolve, and the cost tables follow from their own formula and prices.
 */
import { MODES } from '../../src/config/inputs.js';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
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
import {
  BENCHMARK_ENVIRONMENT,
  ROOT,
  TEARDOWN_ENVIRONMENT,
  TEARDOWN_MODES,
  callsThisAction,
  environmentOf,
  loadAction,
  loadWorkflow,
  neverEmpty,
  type Job,
} from '../workflows/model.js';
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
  'docs/azure-setup.md',
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

/** Every fenced code block of a markdown text, with its language. */
function codeBlocks(markdown: string): { lang: string; code: string }[] {
  return [...markdown.matchAll(/```(\w*)\n([\s\S]*?)```/g)].map((m) => ({ lang: m[1]!, code: m[2]! }));
}

const ALL_DOCS = ['README.md', ...readdirSync(path.join(ROOT, 'docs')).map((file) => `docs/${file}`)].filter((file) =>
  file.endsWith('.md'),
);

/** An Azure RBAC action pattern (`*` matches anything, case-insensitive) against an action. */
function grants(patterns: string[], action: string): boolean {
  const escape = (text: string) => text.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  return patterns.some((pattern) => new RegExp(`^${pattern.split('*').map(escape).join('.*')}$`, 'i').test(action));
}

/** The resource types bicep/main.json creates (its nested deployments included, `existing` ones not). */
function templateResourceTypes(): string[] {
  const types = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    const object = node as Record<string, unknown>;
    if (typeof object.type === 'string' && typeof object.apiVersion === 'string' && object.existing !== true)
      types.add(object.type);
    Object.values(object).forEach(visit);
  };
  visit(JSON.parse(read('bicep/main.json')));
  return [...types].sort();
}

// A federated credential for `repo:ORG/REPO:pull_request` trusts every pull request of the
// repository, whose author can edit the workflows; a GitHub environment's protection rules the pull
// request cannot change. docs/azure-setup.md's "Trust boundary" explains it; these hold the docs to it.
describe('the Azure trust boundary in the docs', () => {
  const setup = read('docs/azure-setup.md');
  const credentials = [
    ...setup.matchAll(/az ad app federated-credential create --id "\$(\w+)"[\s\S]*?"subject": "([^"]+)"/g),
  ].map((m) => ({ identity: m[1]!, subject: m[2]! }));

  it('no doc recommends a pull_request (or wildcard) federated subject: only environments, or the default branch', () => {
    const subjects = ALL_DOCS.flatMap((file) =>
      codeBlocks(read(file)).flatMap(({ code }) =>
        [...code.matchAll(/"subject"\s*:\s*"([^"]+)"/g)].map((m) => ({ file, subject: m[1]! })),
      ),
    );
    expect(subjects.length).toBeGreaterThanOrEqual(2);
    for (const { file, subject } of subjects) {
      expect({
        file,
        subject,
        allowed: /^repo:[^:*]+:(environment:[^:*]+|ref:refs\/heads\/main)$/.test(subject),
      }).toEqual({
        file,
        subject,
        allowed: true,
      });
    }
  });

  it("gives benchmark.yml's two environments a federated credential each, on two different identities", () => {
    const inputs = loadWorkflow('benchmark.yml').on.workflow_call!.inputs!;
    const byEnvironment = new Map(
      credentials.flatMap(({ identity, subject }) => {
        const name = subject.match(/:environment:(.+)$/)?.[1];
        return name ? [[name, identity] as const] : [];
      }),
    );
    expect([inputs.environment!.default, inputs['teardown-environment']!.default]).toEqual([
      BENCHMARK_ENVIRONMENT,
      TEARDOWN_ENVIRONMENT,
    ]);
    expect(byEnvironment.has(BENCHMARK_ENVIRONMENT)).toBe(true);
    expect(byEnvironment.has(TEARDOWN_ENVIRONMENT)).toBe(true);
    expect(byEnvironment.get(TEARDOWN_ENVIRONMENT)).not.toBe(byEnvironment.get(BENCHMARK_ENVIRONMENT));
  });

  it('assigns the teardown identity only its read-and-delete role, and Contributor to nothing but the benchmark identity', () => {
    const teardownIdentity = credentials.find(({ subject }) =>
      subject.endsWith(`:environment:${TEARDOWN_ENVIRONMENT}`),
    )!.identity;
    const assignments = ALL_DOCS.flatMap((file) =>
      [...read(file).matchAll(/az role assignment create --assignee "\$(\w+)" --role ("[^"]+"|\S+)/g)].map((m) => ({
        file,
        identity: m[1]!,
        role: m[2]!.replace(/"/g, ''),
      })),
    );
    expect(assignments.map(({ identity }) => identity)).toContain(teardownIdentity);
    for (const { file, identity, role } of assignments) {
      if (identity === teardownIdentity) expect({ file, role }).toEqual({ file, role: 'streaming-at-scale teardown' });
      expect({ file, identity, privileged: /^(Owner|User Access Administrator)$/i.test(role) }).toEqual({
        file,
        identity,
        privileged: false,
      });
      if (/^Contributor$/i.test(role)) expect({ file, identity }).not.toEqual({ file, identity: teardownIdentity });
    }
  });

  it('gives custom roles that cover what deploy creates and teardown deletes, the teardown one reading and deleting only', () => {
    const roles = codeBlocks(setup)
      .filter(({ lang }) => lang === 'json')
      .map(({ code }) => JSON.parse(code) as { Name: string; Actions: string[]; AssignableScopes: string[] });
    const benchmark = roles.find((role) => role.Name === 'streaming-at-scale benchmark')!;
    const teardown = roles.find((role) => role.Name === 'streaming-at-scale teardown')!;
    expect(benchmark).toBeDefined();
    expect(teardown).toBeDefined();
    // The template's resources, and the container groups src/azure/container-instances.ts creates.
    const types = [...templateResourceTypes(), 'Microsoft.ContainerInstance/containerGroups'];
    expect(types).toEqual(
      expect.arrayContaining(['Microsoft.HDInsight/clusters', 'Microsoft.Network/virtualNetworks']),
    );
    for (const type of types) {
      expect({ type, created: grants(benchmark.Actions, `${type}/write`) }).toEqual({ type, created: true });
      // Deleting a group needs delete on every resource in it; child resources go with their parent.
      if (type.split('/').length === 2)
        expect({ type, deleted: grants(teardown.Actions, `${type}/delete`) }).toEqual({ type, deleted: true });
    }
    for (const verb of ['read', 'write', 'delete'])
      expect(grants(benchmark.Actions, `Microsoft.Resources/subscriptions/resourceGroups/${verb}`)).toBe(true);
    for (const verb of ['read', 'delete'])
      expect(grants(teardown.Actions, `Microsoft.Resources/subscriptions/resourceGroups/${verb}`)).toBe(true);
    expect(teardown.Actions.filter((action) => !/\/(read|delete)$/.test(action))).toEqual([]);
    for (const role of [benchmark, teardown]) {
      expect(role.Actions.filter((action) => /^(\*|Microsoft\.Authorization\/)/i.test(action))).toEqual([]);
      expect(role.AssignableScopes).toEqual(['/subscriptions/SUBSCRIPTION_ID']);
    }
  });

  it('examples put Azure jobs in the environments: the stages in the benchmark one, teardown and cleanup in the teardown one', () => {
    const jobs: { file: string; id: string; job: Job }[] = [];
    const workflowCalls: { file: string; with: Record<string, unknown> }[] = [];
    for (const file of EXAMPLE_FILES) {
      for (const { lang, code } of codeBlocks(read(file))) {
        if (!/^ya?ml$/.test(lang)) continue;
        const data = parse(code) as { jobs?: Record<string, Job> } | null;
        for (const [id, job] of Object.entries(data?.jobs ?? {})) {
          if (job.steps) jobs.push({ file, id, job });
          if (job.uses && /\/benchmark\.yml@/.test(job.uses)) workflowCalls.push({ file, with: job.with ?? {} });
        }
      }
    }
    const azure = jobs.flatMap(({ file, id, job }) => {
      const modes = job
        .steps!.filter((step) => callsThisAction(step.uses, job) && String(step.with?.platform ?? 'local') !== 'local')
        .map((step) => String(step.with!.mode));
      return modes.length > 0 ? [{ where: `${file} ${id}`, job, modes }] : [];
    });
    expect(azure.map(({ where }) => where)).toEqual(
      expect.arrayContaining(['docs/azure-setup.md deploy', 'docs/azure-setup.md teardown']),
    );
    for (const { where, job, modes } of azure) {
      const tearsDown = modes.every((mode) => TEARDOWN_MODES.includes(mode));
      expect({ where, modes, environment: environmentOf(job) }).toEqual({
        where,
        modes,
        environment: tearsDown ? TEARDOWN_ENVIRONMENT : BENCHMARK_ENVIRONMENT,
      });
    }
    for (const call of workflowCalls) {
      for (const name of ['environment', 'teardown-environment'].filter((n) => n in call.with))
        expect({ file: call.file, name, neverEmpty: neverEmpty(call.with[name]) }).toEqual({
          file: call.file,
          name,
          neverEmpty: true,
        });
    }
  });
});
