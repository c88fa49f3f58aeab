// A proven read's temporary files are its own and go with it (executors/read-scratch.ts): a probe of stop 67 left
// hundreds of GNU sort's spill files in the host's /tmp per run of `yes | timeout -s KILL 3 sort -S 1M` (sort
// removes them on SIGTERM, not on SIGKILL). The run's TMPDIR is a scratch directory here, so what is left in it
// is exactly what the steps left.
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cli, scratch, writeRunbook } from '../hardening/helpers.js';
import { SANDBOX_TMPFS_BYTES } from '../../src/executors/sandbox.js';
import { E2E_TEST_LIMIT_MS } from '../helpers/limits.js';

test('a proven read that spills to temporary files and is killed leaves nothing in the temp dir; it ran with a TMPDIR of its own', { timeout: E2E_TEST_LIMIT_MS }, async (t) => {
  const dir = scratch(t);
  const tmp = join(dir, 'tmp');
  mkdirSync(tmp);
  const file = writeRunbook(dir, 'spill', `name: spill
title: Spill
steps:
  - id: where
    shell: env | grep '^TMPDIR='
  - id: spill
    shell: yes 0123456789abcdef | timeout -s KILL 3 sort -S 1M
    on: { error: done }
  - { id: done, end: resolved, message: ok }
`);
  const r = await cli(['run', file, '--plain', '--no-transcript'], { cwd: dir, env: { TMPDIR: tmp } });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, new RegExp(`\\| TMPDIR=${tmp}/runbook-read-`), 'the read had a TMPDIR of its own');
  assert.match(r.stdout, /spill.*(SIGKILL|killed|137)/s, 'sort was killed mid-spill');
  assert.deepEqual(readdirSync(tmp), [], 'nothing is left in the temp dir');
});

test("a dry run's private /tmp is sized: a read that spills there stops at no space, not at the host's memory", { timeout: E2E_TEST_LIMIT_MS }, async (t) => {
  const dir = scratch(t);
  const file = writeRunbook(dir, 'size', `name: size
title: Size
steps:
  - id: df
    shell: df -k --output=size /tmp
  - { id: done, end: resolved, message: ok }
`);
  const r = await cli(['run', file, '--plain', '--no-transcript', '--dry-run'], { cwd: dir });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /ran in the sandbox|sandbox/);
  assert.match(r.stdout, new RegExp(`\\| +${SANDBOX_TMPFS_BYTES / 1024}\\n`), 'the sandbox\'s /tmp has its size');
});
