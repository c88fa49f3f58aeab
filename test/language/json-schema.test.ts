// The published schema is real JSON Schema and accepts every shipped runbook.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import Ajv from 'ajv';
import { publishedSchema } from '../../src/language/json-schema.js';
import { builtinDir, filesIn } from '../../src/catalog/discover.js';

function validator() {
  const ajv = new Ajv.default({ allErrors: true, strict: false });
  return ajv.compile(publishedSchema());
}

test('the schema compiles under a JSON Schema validator', () => {
  assert.equal(typeof validator(), 'function');
});

test('every built-in and example runbook validates against the schema', () => {
  const validate = validator();
  const files = [...filesIn(builtinDir()), ...filesIn(join(builtinDir(), 'examples'))];
  assert.ok(files.length >= 1);
  for (const file of files) {
    const ok = validate(load(readFileSync(file, 'utf8')));
    assert.ok(ok, `${file}: ${JSON.stringify(validate.errors)}`);
  }
});

test('the schema rejects what the validator rejects at the shape level', () => {
  const validate = validator();
  assert.equal(validate({ name: 'x', title: 'x', steps: [{ id: 'a', shell: 'x', sql: { query: 'x' } }] }), false, 'two kinds');
  assert.equal(validate({ name: 'x', title: 'x', steps: [{ id: 'a' }] }), false, 'no kind');
  assert.equal(validate({ name: 'x', title: 'x', steps: [{ id: 'a', end: 'resolved', bogus: 1 }] }), false, 'unknown key');
});

test('the shipped docs/runbook.schema.json, when present, is the generated one', () => {
  const docs = join(builtinDir(), '..', 'docs');
  if (!readdirSync(docs).includes('runbook.schema.json')) return;
  assert.deepEqual(JSON.parse(readFileSync(join(docs, 'runbook.schema.json'), 'utf8')), publishedSchema());
});

test('hover text is clean: no inherited root title, no anyOf joined with "||", no markdown headings', async () => {
  const { publishedCasesSchema } = await import('../../src/testing/cases-schema.js');
  for (const schema of [publishedSchema(), publishedCasesSchema()]) {
    // yaml-language-server gives every untitled property its closest ancestor's title ("#### runbook"), and
    // joins an anyOf's branch titles with "||" ("#### runbook || runbook").
    assert.equal('title' in schema, false);
    const text = JSON.stringify(schema);
    assert.equal(text.includes('"anyOf"'), false);
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) { node.forEach(walk); return; }
      if (typeof node !== 'object' || node === null) return;
      for (const [k, v] of Object.entries(node)) {
        if ((k === 'description' || k === 'title' || k === 'markdownDescription') && typeof v === 'string') {
          assert.doesNotMatch(v, /^#|\|\||\brunbook for runbook\b/i, v);
        }
        walk(v);
      }
    };
    walk(schema);
  }
});

test('the editor schema still rejects what the unions reject', () => {
  const validate = validator();
  const base = { name: 'x', title: 'x' };
  assert.equal(validate({ ...base, steps: [{ id: 'a', end: 'resolved' }] }), true);
  assert.equal(validate({ ...base, steps: [{ id: 'a', end: 'fixed' }] }), false, 'end is one of the outcomes');
  assert.equal(validate({ ...base, steps: [{ id: 'a', end: 'resolved', timeout: true }] }), false, 'timeout: duration or seconds');
  assert.equal(validate({ ...base, targets: { db: { ssh: 'db-1', kubectl: { pod: 'p' } } }, steps: [{ id: 'a', end: 'resolved' }] }), false, 'one kind of target');
  assert.equal(validate({ ...base, targets: { db: { docker: { container: 'c' } } }, steps: [{ id: 'a', end: 'resolved' }] }), true);
});
