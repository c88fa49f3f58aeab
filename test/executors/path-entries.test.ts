// A step's commands are found through the absolute entries of the operator's PATH only. An empty or relative
// entry names the step's working directory, which the runbook's `cwd:` chooses: a hostile author's `cat` there
// would run in place of the `cat` the lint proved a read (found by the hostile-author probe). Every way to write a
// relative entry, through the real CLI, with the real bash.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { absolutePath } from '../../src/executors/path-entries.js';
import { cli, scratch, writeRunbook } from '../hardening/helpers.js';

const SYSTEM = '/usr/local/bin:/usr/bin:/bin';
const RELATIVE = [`:${SYSTEM}`, `${SYSTEM}:`, `/usr/local/bin::/usr/bin:/bin`, `.:${SYSTEM}`, `bin:${SYSTEM}`, `./:${SYSTEM}`];

test('absolutePath keeps the absolute entries in order and drops every other', () => {
  for (const path of RELATIVE) assert.equal(absolutePath(path), SYSTEM.split(':').filter((e) => path.split(':').includes(e)).join(':'), path);
  assert.equal(absolutePath('.:'), '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'nothing absolute left: a fixed path, not bash\'s default with its "."');
  assert.equal(absolutePath(undefined), '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'no PATH at all: the same fixed path');
});

// An operator whose environment has no PATH (a cron job, a bare service unit): bash then searches its built-in
// default path, which ends in '.', so a reviewed command missing on the host ran the author's program of that
// name in the step's directory (found by the third probe; the lint side is test/language/shell-unset-path.test.ts).
test('with no PATH in the operator\'s environment, a read step never runs a program from its working directory', async (t) => {
  const SYSTEM_DIRS = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];
  const missing = ['iostat', 'mpstat', 'rg', 'lsblk', 'pg_lsclusters'].filter((n) => !SYSTEM_DIRS.some((d) => existsSync(join(d, n))));
  assert.ok(missing.length >= 1, 'a reviewed command missing on this host');
  const dir = scratch(t);
  const cwd = join(dir, 'work');
  mkdirSync(cwd, { recursive: true });
  const marker = join(dir, 'ran');
  for (const name of missing) {
    writeFileSync(join(cwd, name), `#!/bin/sh\ntouch ${marker}\n`);
    chmodSync(join(cwd, name), 0o755);
    const file = writeRunbook(dir, `nopath-${name}`, `name: nopath-${name}
title: Ask a tool the host may not have
steps:
  - id: look
    shell: { run: '${name} x || true', cwd: ${cwd} }
  - id: done
    end: resolved
`);
    const r = await cli(['run', file, '--plain', '--no-transcript'], { env: { PATH: undefined } });
    assert.equal(r.code, 0, `${name}: ${r.stdout}${r.stderr}`);
    assert.equal(existsSync(marker), false, `no PATH: the directory's own ${name} ran`);
  }
});

test('a read step never runs a command of the same name from its working directory, whatever PATH says', async (t) => {
  const dir = scratch(t);
  const cwd = join(dir, 'work');
  mkdirSync(join(cwd, 'bin'), { recursive: true });
  const marker = join(dir, 'ran');
  for (const at of [join(cwd, 'cat'), join(cwd, 'bin', 'cat')]) {
    writeFileSync(at, `#!/bin/sh\ntouch ${marker}\n`);
    chmodSync(at, 0o755);
  }
  writeFileSync(join(cwd, 'notes'), 'hello\n');
  const file = writeRunbook(dir, 'path', `name: path
title: Read a file in a directory the author chose
steps:
  - id: look
    shell: { run: cat notes, cwd: ${cwd} }
  - id: done
    end: resolved
`);
  for (const path of RELATIVE) {
    const r = await cli(['run', file, '--plain', '--no-transcript'], { env: { PATH: path } });
    assert.equal(r.code, 0, `${path}: ${r.stdout}${r.stderr}`);
    assert.match(r.stdout, /\| hello/, path);
    assert.equal(existsSync(marker), false, `PATH=${path}: the directory's own cat ran`);
  }
});
