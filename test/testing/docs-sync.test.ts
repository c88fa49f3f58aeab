// The docs cannot drift from the code: generated files are regenerated and compared, and the YAML in the
// hand-written docs must validate. To regenerate: node --import tsx src/docs/reference.ts --write
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { docsDir, generatedDocs } from '../../src/docs/reference.js';
import { FUNCTIONS } from '../../src/language/expression/index.js';
import { formatDiagnostic } from '../../src/language/diagnostic.js';
import { parseRunbook, readRunbook } from '../../src/language/runbook.js';
import { STEP_KINDS } from '../../src/language/schema.js';
import { loadCases } from '../../src/testing/load-cases.js';
import { ROOT } from '../helpers/cli.js';
import { tempDir } from './helpers.js';

const doc = (name: string) => readFileSync(join(docsDir(), name), 'utf8');
const yamlBlocks = (markdown: string) => [...markdown.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);
const errorsOf = (text: string, file: string) =>
  parseRunbook(text, file).diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic);

for (const [name, text] of Object.entries(generatedDocs())) {
  test(`docs/${name} is what the generator produces`, () => {
    assert.ok(doc(name) === text, `docs/${name} is out of date: run node --import tsx src/docs/reference.ts --write`);
  });
}

test('docs/reference.md covers every key of a step', () => {
  const reference = doc('reference.md');
  for (const kind of STEP_KINDS) assert.ok(reference.includes(`| \`${kind}\` |`), kind);
});

test('docs/expressions.md documents every function', () => {
  const text = doc('expressions.md');
  for (const name of FUNCTIONS.keys()) assert.match(text, new RegExp(`\`${name}\\(`), `${name} is not documented`);
});

test('docs/step-kinds.md has a section per kind, and its examples validate together', () => {
  const text = doc('step-kinds.md');
  for (const kind of STEP_KINDS) assert.match(text, new RegExp(`^## ${kind}$`, 'm'), kind);
  const steps = yamlBlocks(text).map((b) => b.replace(/^/gm, '  ')).join('\n');
  const runbook = `name: kinds
title: Step kinds
inputs:
  url: { env: DATABASE_URL, secret: true, required: true }
  service: { default: app }
  minutes: { default: 10, type: number }
connections:
  db: { url: "\${{ inputs.url }}" }
steps:
${steps}
  - id: done
    end: resolved
  - id: escalate
    end: escalate
`;
  assert.deepEqual(errorsOf(runbook, 'step-kinds.md'), []);
});

test('docs/tutorial.md builds exactly the example runbook, and its cases fit it', () => {
  const blocks = yamlBlocks(doc('tutorial.md'));
  const casesAt = blocks.findIndex((b) => /^cases:/m.test(b));
  const runbookText = blocks.slice(0, casesAt).join('\n');
  assert.deepEqual(errorsOf(runbookText, 'tutorial.md'), []);
  const built = parseRunbook(runbookText, 'tutorial.md').runbook!.doc;
  const example = readRunbook(join(ROOT, 'runbooks/examples/pg-disk-full.yaml')).runbook!.doc;
  assert.deepEqual(built.steps.map((s) => s.id), example.steps.map((s) => s.id));
  assert.deepEqual(Object.keys(built.inputs ?? {}), Object.keys(example.inputs ?? {}));
  const file = join(tempDir(), 'tutorial.cases.yaml');
  writeFileSync(file, blocks[casesAt]!);
  assert.deepEqual(loadCases(file, example).diagnostics.map(formatDiagnostic), []);
});

test('the docs link to one another by names that exist', () => {
  for (const name of ['tutorial.md', 'editor.md', 'expressions.md', 'step-kinds.md', 'confirmation.md', 'reference.md']) {
    for (const [, target] of doc(name).matchAll(/\]\(([a-z-]+\.(?:md|json))(?:#[a-z0-9-]+)?\)/g)) {
      assert.doesNotThrow(() => doc(target!), `${name} links to missing docs/${target}`);
    }
  }
});
