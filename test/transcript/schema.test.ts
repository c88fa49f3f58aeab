// docs/transcript.schema.json is generated from src/events/schema.ts, and real transcripts validate
// against it, line by line. Regenerate with: UPDATE_GOLDEN=1 node --import tsx --test test/transcript/schema.test.ts
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { transcriptJsonSchema } from '../../src/transcript/json-schema.js';
import { EVERYTHING_SCRIPT, ROOT, fixture, loadRunbookFile, runWithTranscript, scratch } from './helpers.js';

const SCHEMA_FILE = join(ROOT, 'docs', 'transcript.schema.json');

function validator() {
  const ajv = new Ajv({ allErrors: true, strict: true });
  return ajv.compile(JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as object);
}

test('docs/transcript.schema.json is the schema generated from the TypeBox definitions', () => {
  const generated = `${JSON.stringify(transcriptJsonSchema(), null, 2)}\n`;
  if (process.env.UPDATE_GOLDEN) writeFileSync(SCHEMA_FILE, generated);
  assert.ok(existsSync(SCHEMA_FILE), 'run with UPDATE_GOLDEN=1 to write it');
  assert.equal(readFileSync(SCHEMA_FILE, 'utf8'), generated, 'out of date: run with UPDATE_GOLDEN=1');
});

test('every line of a real transcript validates against the published schema', async (t) => {
  const dir = scratch(t);
  const file = join(dir, 'everything.jsonl');
  await runWithTranscript(loadRunbookFile(fixture('everything')), { dir }, file, EVERYTHING_SCRIPT);
  const validate = validator();
  const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
  const types = new Set<string>();
  for (const [i, text] of lines.entries()) {
    const line = JSON.parse(text) as { type: string };
    types.add(line.type);
    assert.ok(validate(line), `line ${i + 1} (${line.type}): ${JSON.stringify(validate.errors?.slice(0, 3))}`);
  }
  assert.ok(types.has('header') && types.has('output-dropped') && types.has('run-finished'));
});

test('the schema rejects lines that drifted from the format', () => {
  const validate = validator();
  const ok = { type: 'note', seq: 3, ts: '2024-05-01T12:00:00.000Z', text: 'x', by: 'alice' };
  assert.equal(validate(ok), true);
  assert.equal(validate({ ...ok, ts: '2024-05-01 12:00' }), false, 'time not ISO UTC');
  assert.equal(validate({ ...ok, extra: 1 }), false, 'unknown field');
  assert.equal(validate({ ...ok, type: 'nope' }), false, 'unknown type');
  const { seq: _, ...noSeq } = ok;
  assert.equal(validate(noSeq), false, 'no seq');
});
