#!/usr/bin/env node
// Writes the input and output tables of docs/inputs-outputs.md from action.yml (between the
// GENERATED markers; the prose around them is kept). `--check` only reports whether they are current.
// Usage: node scripts/tools/gen-inputs-outputs.mjs [--check]
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

const root = path.resolve(import.meta.dirname, '..', '..');
const docFile = path.join(root, 'docs', 'inputs-outputs.md');

export function renderTables(actionText) {
  const action = parse(actionText);
  const cell = (text) =>
    String(text)
      .replace(/\|/g, '\\|')
      .replace(/\s*\n\s*/g, ' ')
      .trim();
  const lines = ['### Inputs', '', '| input | default | description |', '|---|---|---|'];
  for (const [name, input] of Object.entries(action.inputs)) {
    const value = input.required
      ? '**required**'
      : input.default === '' || input.default === undefined
        ? ''
        : `\`${input.default}\``;
    lines.push(`| \`${name}\` | ${value} | ${cell(input.description)} |`);
  }
  lines.push('', '### Outputs', '', '| output | description |', '|---|---|');
  for (const [name, output] of Object.entries(action.outputs))
    lines.push(`| \`${name}\` | ${cell(output.description)} |`);
  return lines.join('\n');
}

const BEGIN = '<!-- GENERATED from action.yml by scripts/tools/gen-inputs-outputs.mjs: do not edit by hand -->';
const END = '<!-- END GENERATED -->';

export function updateDoc(doc, tables) {
  const start = doc.indexOf(BEGIN);
  const end = doc.indexOf(END);
  if (start < 0 || end < start) throw new Error(`${docFile} lacks the markers ${BEGIN} ... ${END}`);
  return `${doc.slice(0, start + BEGIN.length)}\n\n${tables}\n\n${doc.slice(end)}`;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const doc = readFileSync(docFile, 'utf8');
  const updated = updateDoc(doc, renderTables(readFileSync(path.join(root, 'action.yml'), 'utf8')));
  if (process.argv.includes('--check')) {
    if (updated !== doc) {
      console.error('docs/inputs-outputs.md is out of date: run node scripts/tools/gen-inputs-outputs.mjs');
      process.exit(1);
    }
  } else if (updated !== doc) {
    writeFileSync(docFile, updated);
    console.log('Updated docs/inputs-outputs.md');
  }
}
