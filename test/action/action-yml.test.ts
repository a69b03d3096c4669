import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { INPUTS, INPUT_NAMES } from '../../src/config/inputs.js';
import { OUTPUTS } from '../../src/config/outputs.js';
import { TOOL_VERSION } from '../../src/version.js';
import { REPO_ROOT } from '../helpers/processes.js';

interface ActionYml {
  runs: { using: string; main: string };
  inputs: Record<string, { description: string; default?: string; required?: boolean }>;
  outputs: Record<string, { description: string }>;
  branding: { icon: string; color: string };
}

describe('action.yml', () => {
  let action: ActionYml;
  beforeAll(async () => {
    action = parse(await readFile(path.join(REPO_ROOT, 'action.yml'), 'utf8')) as ActionYml;
  });

  it('runs the bundle on node24', () => {
    expect(action.runs).toMatchObject({ using: 'node24', main: 'dist/index.js' });
    expect(action.branding.icon).toBeTruthy();
  });

  it('documents exactly the inputs the config reads, with the same descriptions and defaults', () => {
    expect(Object.keys(action.inputs).sort()).toEqual([...INPUT_NAMES].sort());
    for (const name of INPUT_NAMES) {
      expect({ name, description: action.inputs[name].description }).toEqual({
        name,
        description: INPUTS[name].description,
      });
      expect({ name, default: action.inputs[name].default ?? '' }).toEqual({ name, default: INPUTS[name].default });
    }
    expect(action.inputs.mode.required).toBe(true);
  });

  it('documents exactly the outputs the modes set', () => {
    expect(Object.keys(action.outputs).sort()).toEqual(Object.keys(OUTPUTS).sort());
    for (const [name, description] of Object.entries(OUTPUTS))
      expect(action.outputs[name].description).toBe(description);
  });

  it('reports carry the version package.json declares', async () => {
    const manifest = JSON.parse(await readFile(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(TOOL_VERSION).toBe(manifest.version);
  });
});
