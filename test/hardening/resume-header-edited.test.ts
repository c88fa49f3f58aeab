// A probe of stop 69: a transcript's header with its environment fingerprints deleted and its client files emptied
// resumed with no refusal, and the resumed destructive step wrote into the directory another value of a variable
// named. A header without them, or listing fewer client files than the run would record, compares nothing: the
// resume is refused, naming what is missing, before anything runs; the untouched header of the same run resumes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { killedRun } from '../helpers/killed-run.js';
import { E2E_TEST_LIMIT_MS } from '../helpers/limits.js';
import { cli, scratch, transcriptLines, until, writeRunbook } from './helpers.js';

const YAML = `name: place
title: Resume place
inputs:
  go: { required: true }
steps:
  - id: mark1
    destructive: true
    shell: echo one >> "$ORDERS_DIR/log"
  - id: wait
    destructive: false
    safe_because: waits for a file only
    shell: touch "\${{ inputs.go }}.waiting"; until [ -e "\${{ inputs.go }}" ]; do sleep 0.1; done
  - id: mark2
    destructive: true
    shell: echo two >> "$ORDERS_DIR/log"
  - { id: done, end: resolved }
`;

const EDITS: [string, (h: Record<string, unknown>) => void, RegExp][] = [
  ['its environment fingerprints deleted', (h) => { delete h.envDigest; }, /no fingerprint of the run's environment/],
  ['its client files emptied', (h) => { h.clientFiles = []; }, /does not record .*\.pgpass/],
  ['both', (h) => { delete h.envDigest; h.clientFiles = []; }, /no fingerprint of the run's environment/],
];

test('a header whose fingerprints were deleted or cut: the resume is refused, naming what is missing; untouched, it resumes', { timeout: E2E_TEST_LIMIT_MS }, async (t) => {
  const dir = scratch(t);
  const [a, b] = [join(dir, 'A'), join(dir, 'B')];
  mkdirSync(a); mkdirSync(b);
  const transcript = await killedRun(dir, 'place', YAML, [], { ORDERS_DIR: a });
  const original = readFileSync(transcript, 'utf8');
  for (const [what, edit, why] of EDITS) {
    const [head, ...rest] = original.split('\n');
    const header = JSON.parse(head!) as Record<string, unknown>;
    edit(header);
    writeFileSync(transcript, [JSON.stringify(header), ...rest].join('\n'));
    const r = await cli(['resume', transcript, '--plain', '--yes'], { env: { ORDERS_DIR: b } });
    assert.notEqual(r.code, 0, `${what}: resumed\n${r.stdout}${r.stderr}`);
    assert.match(r.stderr, why, what);
    assert.equal(existsSync(join(b, 'log')), false, `${what}: the step wrote into B`);
  }
  writeFileSync(transcript, original);
  const r = await cli(['resume', transcript, '--plain', '--yes'], { env: { ORDERS_DIR: a } });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.equal(readFileSync(join(a, 'log'), 'utf8'), 'one\ntwo\n');
});
