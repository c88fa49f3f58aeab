// A probe of stop 70: a run resumed from the same directory reached through a symlink acted elsewhere: the engine
// compares the physical directory (it matched), while bash kept the inherited PWD (the link's path), and the
// step's `cd ..` went to the link's parent. A step's PWD is the physical path of its directory now.
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cli, scratch, writeRunbook } from '../hardening/helpers.js';
import { E2E_TEST_LIMIT_MS } from '../helpers/limits.js';

test('a run started from a symlinked path: the step\'s PWD, pwd and cd .. are the physical directory\'s', { timeout: E2E_TEST_LIMIT_MS }, async (t) => {
  const dir = scratch(t);
  const real = join(dir, 'a', 'real', 'w');
  mkdirSync(real, { recursive: true });
  mkdirSync(join(dir, 'b'));
  const link = join(dir, 'b', 'w');
  symlinkSync(real, link);
  const file = writeRunbook(dir, 'pwd', `name: pwd
title: pwd
steps:
  - id: mark
    destructive: true
    shell: echo "PWD=$PWD"; cd .. && pwd && touch marker
  - { id: done, end: resolved, message: ok }
`);
  const r = await cli(['run', file, '--plain', '--yes', '--no-transcript'], { cwd: link, env: { PWD: link } });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, new RegExp(`\\| PWD=${real}\\n`), r.stdout);
  assert.match(r.stdout, new RegExp(`\\| ${join(dir, 'a', 'real')}\\n`), 'cd .. went to the link\'s parent');
});
