/**
 * bicep/main.json is the hand-compiled main.bicep (no Bicep compiler here; CI rebuilds it with
 * `az bicep build` and fails on drift). This checks what can be checked without the compiler: the
 * same parameters, resources (symbolic names and types, modules as nested deployments) and outputs
 * as the Bicep files, a valid ARM template structure, secure passwords never output, tier sizes.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { generatePassword } from '../../src/azure/passwords.js';
import { deploymentParameters } from '../../src/azure/template.js';
import { parseConfig } from '../../src/config/config.js';
import { REPO_ROOT } from '../helpers/processes.js';

interface ArmTemplate {
  $schema: string;
  languageVersion: string;
  contentVersion: string;
  parameters: Record<string, { type: string; defaultValue?: unknown; allowedValues?: unknown[] }>;
  resources: Record<
    string,
    {
      type: string;
      existing?: boolean;
      condition?: string;
      dependsOn?: string[];
      properties?: { template?: ArmTemplate; parameters?: Record<string, unknown> };
    }
  >;
  outputs: Record<string, { type: string; value: string }>;
}

interface BicepFile {
  params: Record<string, { type: string; secure: boolean; default?: string }>;
  resources: Record<string, { type: string; existing: boolean }>;
  modules: Record<string, { file: string; condition: boolean }>;
  outputs: Record<string, string>;
}

/** A small reader of the Bicep we write: top-level param, resource, module and output lines. */
function readBicep(file: string): BicepFile {
  const text = readFileSync(file, 'utf8');
  const result: BicepFile = { params: {}, resources: {}, modules: {}, outputs: {} };
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    let m = line.match(/^param (\w+) (\w+)(?: = (.+))?$/);
    if (m) {
      let j = i - 1;
      let secure = false;
      while (j >= 0 && lines[j].startsWith('@')) {
        if (lines[j].startsWith('@secure()')) secure = true;
        j--;
      }
      result.params[m[1]] = { type: m[2], secure, default: m[3] };
    }
    m = line.match(/^resource (\w+) '([^@']+)@[^']+'( existing)? = /);
    if (m) result.resources[m[1]] = { type: m[2], existing: Boolean(m[3]) };
    m = line.match(/^module (\w+) '([^']+)' = (if \()?/);
    if (m) result.modules[m[1]] = { file: m[2], condition: Boolean(m[3]) };
    m = line.match(/^output (\w+) (\w+) = /);
    if (m) result.outputs[m[1]] = m[2];
  });
  return result;
}

const BICEP = path.join(REPO_ROOT, 'bicep');
const main = JSON.parse(readFileSync(path.join(BICEP, 'main.json'), 'utf8')) as ArmTemplate;

function checkAgainst(template: ArmTemplate, bicepFile: string): void {
  const bicep = readBicep(bicepFile);
  expect(template.$schema).toBe('https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#');
  expect(template.contentVersion).toBe('1.0.0.0');
  expect(template.languageVersion).toBe('2.0');
  // Parameters: the same names, types (secure ones as securestring).
  expect(Object.keys(template.parameters).sort()).toEqual(Object.keys(bicep.params).sort());
  for (const [name, param] of Object.entries(bicep.params)) {
    expect({ name, type: template.parameters[name].type }).toEqual({
      name,
      type: param.secure ? 'securestring' : param.type,
    });
    expect({ name, hasDefault: template.parameters[name].defaultValue !== undefined }).toEqual({
      name,
      hasDefault: param.default !== undefined,
    });
  }
  // Resources: symbolic names and types; modules are nested deployments of their file's template.
  const expected = {
    ...Object.fromEntries(
      Object.entries(bicep.resources).map(([name, r]) => [name, { type: r.type, existing: r.existing }]),
    ),
    ...Object.fromEntries(
      Object.keys(bicep.modules).map((name) => [name, { type: 'Microsoft.Resources/deployments', existing: false }]),
    ),
  };
  const actual = Object.fromEntries(
    Object.entries(template.resources).map(([name, r]) => [name, { type: r.type, existing: Boolean(r.existing) }]),
  );
  expect(actual).toEqual(expected);
  for (const [name, resource] of Object.entries(template.resources)) {
    for (const dependency of resource.dependsOn ?? [])
      expect({ name, dependency, known: dependency in template.resources }).toEqual({ name, dependency, known: true });
  }
  for (const [name, module] of Object.entries(bicep.modules)) {
    const nested = template.resources[name];
    expect(Boolean(nested.condition)).toBe(module.condition);
    const inner = nested.properties!.template!;
    checkAgainst(inner, path.join(path.dirname(bicepFile), module.file));
    // Every module parameter without a default is passed.
    const required = Object.entries(inner.parameters)
      .filter(([, p]) => p.defaultValue === undefined)
      .map(([n]) => n);
    expect(Object.keys(nested.properties!.parameters!).sort()).toEqual(required.sort());
  }
  // Outputs: the same names and types; never a secure parameter.
  expect(Object.fromEntries(Object.entries(template.outputs).map(([name, o]) => [name, o.type]))).toEqual(
    bicep.outputs,
  );
  const secure = Object.entries(template.parameters)
    .filter(([, p]) => p.type === 'securestring')
    .map(([n]) => n);
  for (const output of Object.values(template.outputs))
    for (const name of secure) expect(output.value).not.toContain(`'${name}'`);
}

/** Every HDInsight cluster's name in main.json for a solution name (its `format('...{0}', solutionName)`). */
function hdinsightClusterNames(solutionName: string): string[] {
  return Object.values(main.resources).flatMap((module) =>
    Object.values(module.properties?.template?.resources ?? {})
      .filter((resource) => resource.type === 'Microsoft.HDInsight/clusters')
      .map((resource) => {
        const name = (resource as { name?: string }).name ?? '';
        const m = name.match(/^\[format\('([^']*)', parameters\('solutionName'\)\)\]$/);
        expect({ name, evaluable: Boolean(m) }).toEqual({ name, evaluable: true });
        return m![1]!.replace('{0}', solutionName);
      }),
  );
}

describe('bicep/main.json', () => {
  // HDInsight: "the first six characters of the cluster name must be unique within a virtual
  // network" (learn.microsoft.com/azure/hdinsight/hdinsight-plan-virtual-network-deployment).
  it.each(['abc', 'saspr1', 'saspr12', 'a'.repeat(17)])(
    'HDInsight cluster names differ in their first six characters (solution %s)',
    (solutionName) => {
      const names = hdinsightClusterNames(solutionName);
      expect(names).toHaveLength(2);
      expect(new Set(names.map((name) => name.slice(0, 6))).size).toBe(names.length);
      for (const name of names) expect(name).toMatch(/^[a-z][a-z0-9]{2,58}$/); // 3-59 characters, a letter first
    },
  );

  it('has exactly the parameters, resources and outputs of the Bicep files, as a valid ARM template', () => {
    checkAgainst(main, path.join(BICEP, 'main.bicep'));
  });

  it('deploys HDInsight 5.1 Kafka 3.2 with topic auto-creation off and managed data disks, no Log Analytics', () => {
    const kafka = main.resources.kafka.properties!.template!;
    const cluster = JSON.stringify(kafka.resources.cluster);
    expect(cluster).toContain('"clusterVersion":"5.1"');
    expect(cluster).toContain('"componentVersion":{"Kafka":"3.2"}');
    expect(cluster).toContain('"auto.create.topics.enable":"false"');
    expect(cluster).toContain('"dataDisksGroups":[{"disksPerNode":"[parameters(\'disksPerWorker\')]"}]');
    expect(main.resources.aks.condition).toBe("[equals(parameters('flinkPlatform'), 'aks')]");
    expect(main.resources.hadoop.condition).toBe("[equals(parameters('flinkPlatform'), 'hdinsight')]");
    // Nothing reads Log Analytics, and HDInsight's key-based Azure Monitor extension is unsupported
    // since February 2025: no workspace, no HDInsight extensions, no AKS monitoring add-on.
    const everything = JSON.stringify(main);
    for (const gone of ['Microsoft.OperationalInsights', 'Microsoft.HDInsight/clusters/extensions', 'addonProfiles'])
      expect(everything).not.toContain(gone);
  });

  it("defaults are tier 1's sizes, and each tier's parameters are the design table's", () => {
    const defaults = Object.fromEntries(Object.entries(main.parameters).map(([name, p]) => [name, p.defaultValue]));
    expect(defaults).toMatchObject({
      kafkaWorkerCount: 4,
      kafkaWorkerSize: 'Standard_D3_V2',
      aksNodeCount: 3,
      aksNodeSize: 'Standard_D2s_v3',
      yarnWorkerCount: 3,
      yarnWorkerSize: 'Standard_D3_V2',
    });
    const table: Record<string, [number, number, string]> = {
      '1': [4, 3, 'Standard_D2s_v3'],
      '5': [4, 5, 'Standard_D2s_v3'],
      '10': [4, 4, 'Standard_D4s_v3'],
    };
    for (const [tier, [kafka, aks, aksSize]] of Object.entries(table)) {
      const config = parseConfig({
        mode: 'deploy',
        platform: 'aks',
        tier,
        'solution-name': 'sasbench01',
        'client-id': '11111111-2222-3333-4444-555555555555',
        'tenant-id': '11111111-2222-3333-4444-555555555555',
        'subscription-id': '11111111-2222-3333-4444-555555555555',
      });
      const parameters = deploymentParameters(
        config,
        'aks',
        { clusterLoginPassword: generatePassword(), sshPassword: generatePassword() },
        {},
      );
      expect({
        tier,
        kafka: parameters.kafkaWorkerCount.value,
        size: parameters.kafkaWorkerSize.value,
        aks: parameters.aksNodeCount.value,
        aksSize: parameters.aksNodeSize.value,
        yarn: parameters.yarnWorkerCount.value,
      }).toEqual({ tier, kafka, size: 'Standard_D3_V2', aks, aksSize, yarn: 3 });
      for (const name of Object.keys(parameters)) expect(main.parameters[name]).toBeDefined();
    }
  });

  it('generates distinct passwords meeting HDInsight rules', () => {
    // 10+ characters with an upper and a lower case letter, a digit and a symbol; never ' " ` \ or '.'.
    const passwords = Array.from({ length: 500 }, () => generatePassword());
    expect(new Set(passwords).size).toBe(500);
    for (const p of passwords) expect(p).toMatch(/^(?=.*[A-Z])(?=.*[a-z])(?=.*\d)(?=.*[^A-Za-z0-9])[^'"`\\.]{28}$/);
  });
});
