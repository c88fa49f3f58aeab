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
  assert.equal(absolutePath(undefined), undefined);
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
