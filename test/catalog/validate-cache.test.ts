// The content-keyed cache of `validate` results (src/catalog/validate-cache.ts): what the launcher prints with a
// cache hit is byte for byte what full validation prints; any change to the file or to a runbook it calls is a
// miss; an entry that is corrupt is ignored. Run against the built CLI (the cache needs dist/build-id).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, ROOT } from '../helpers/cli.js';

const built = existsSync(join(ROOT, 'dist', 'build-id'));
const skip = !built && 'dist/ not built';

const CLEAN = `name: clean
title: Clean
summary: Nothing wrong.
steps:
  - id: look
    shell: echo hi
  - id: done
    end: resolved
`;
const WARNS = `name: warns
title: Warns
summary: An input nobody reads.
inputs:
  unused: { description: never read }
steps:
  - id: look
    shell: echo hi
  - id: done
    end: resolved
`;
const BROKEN = `name: broken
title: Broken
summary: A step with no action.
steps:
  - id: look
  - id: done
    end: resolved
`;
const caller = (inputs: string) => `name: caller
title: Caller
summary: Calls the runbook beside it.
steps:
  - id: call
    runbook: { name: callee${inputs} }
  - id: done
    end: resolved
`;
const callee = (required: boolean) => `name: callee
title: Callee
summary: Called.
inputs:
  who: { description: someone, required: ${required} }
steps:
  - id: greet
    shell: echo \${{ inputs.who }}
  - id: done
    end: resolved
`;

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-vcache-'));
  const cache = mkdtempSync(join(tmpdir(), 'runbook-vcache-home-'));
  return { dir, cache, env: { XDG_CACHE_HOME: cache } };
}

/** Whether dist/fast.cjs answers without validating (a cache hit): it never reads the validator,
 *  dist/validator.cjs, which it loads (since #32) to validate a local runbook itself. */
function answeredFast(args: string[], env: Record<string, string>): boolean {
  const script = "const fs = require('node:fs'); const read = fs.readFileSync; let validated = false;"
    + "fs.readFileSync = function (p, ...rest) { if (String(p).endsWith('validator.cjs')) validated = true; return read.call(this, p, ...rest); };"
    + `require(${JSON.stringify(join(ROOT, 'dist', 'fast.cjs'))}).fastMain(['node', 'runbook', ...process.argv.slice(1)])`
    + '.then((r) => { process.exitCode = r && !validated ? 0 : 99; })';
  const r = spawnSync(process.execPath, ['-e', script, '--', ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env } });
  return r.status !== 99;
}

const run = (args: string[], env: Record<string, string>) => { const r = cli(args, { env }); return [r.code, r.stdout, r.stderr]; };

test('a hit prints exactly what full validation prints, with the same exit code (clean, warnings, errors)', { skip }, () => {
  const { dir, env } = setup();
  for (const [name, text] of [['clean', CLEAN], ['warns', WARNS], ['broken', BROKEN]] as const) {
    const file = join(dir, `${name}.yaml`);
    writeFileSync(file, text);
    for (const extra of [[], ['--json']]) {
      const full = run(['validate', file, ...extra], { ...env, RUNBOOK_NO_CACHE: '1' });
      // One entry per file, whatever the output format: only the first run misses.
      assert.equal(answeredFast(['validate', file, ...extra], env), extra.length > 0, `${name}: cached or not yet`);
      const first = run(['validate', file, ...extra], env); // validates in full, stores
      assert.equal(answeredFast(['validate', file, ...extra], env), true, `${name}: answered from the cache`);
      const second = run(['validate', file, ...extra], env);
      assert.deepEqual(first, full, name);
      assert.deepEqual(second, full, name);
    }
  }
  assert.equal(run(['validate', join(dir, 'broken.yaml')], env)[0], 2);
});

test('entries are private: directory 0700, files 0600', { skip }, () => {
  const { dir, cache, env } = setup();
  writeFileSync(join(dir, 'clean.yaml'), CLEAN);
  run(['validate', join(dir, 'clean.yaml')], env);
  const store = join(cache, 'runbook', 'validate');
  assert.equal(statSync(store).mode & 0o777, 0o700);
  const files = readdirSync(store);
  assert.equal(files.length, 1);
  assert.ok(files[0]!.endsWith('.json'), 'no temporary file left behind');
  assert.equal(statSync(join(store, files[0]!)).mode & 0o777, 0o600);
});

test('a changed file, or a changed runbook it calls, is a miss', { skip }, () => {
  const { dir, env } = setup();
  const file = join(dir, 'caller.yaml');
  writeFileSync(file, caller(', inputs: { who: me }'));
  writeFileSync(join(dir, 'callee.yaml'), callee(true));
  run(['validate', file], env);
  assert.equal(answeredFast(['validate', file], env), true);

  appendFileSync(file, '# edited\n');
  assert.equal(answeredFast(['validate', file], env), false, 'the file changed');
  run(['validate', file], env);
  assert.equal(answeredFast(['validate', file], env), true);

  // The callee now requires nothing: still fine; then the caller stops giving the input it requires.
  writeFileSync(file, caller(''));
  const missing = run(['validate', file], env);
  assert.equal(missing[0], 2, String(missing[1]));
  writeFileSync(join(dir, 'callee.yaml'), callee(false));
  assert.equal(answeredFast(['validate', file], env), false, 'the callee changed');
  assert.deepEqual(run(['validate', file], env), run(['validate', file], { ...env, RUNBOOK_NO_CACHE: '1' }));
  assert.equal(run(['validate', file], env)[0], 0);

  // A callee.yml that a new callee.yaml would shadow: the new file must be a miss.
  writeFileSync(file, caller(', inputs: { who: me }').replace('name: callee', 'name: other'));
  writeFileSync(join(dir, 'other.yml'), callee(true).replace('name: callee', 'name: other'));
  run(['validate', file], env);
  assert.equal(answeredFast(['validate', file], env), true);
  writeFileSync(join(dir, 'other.yaml'), BROKEN.replace('name: broken', 'name: other'));
  assert.equal(answeredFast(['validate', file], env), false, 'a file now shadows the callee');
  assert.deepEqual(run(['validate', file], env), run(['validate', file], { ...env, RUNBOOK_NO_CACHE: '1' }));
});

test('a corrupt or truncated entry is ignored: full validation, the same output', { skip }, () => {
  const { dir, cache, env } = setup();
  const file = join(dir, 'warns.yaml');
  writeFileSync(file, WARNS);
  const full = run(['validate', file], { ...env, RUNBOOK_NO_CACHE: '1' });
  run(['validate', file], env);
  const store = join(cache, 'runbook', 'validate');
  const [entry] = readdirSync(store);
  for (const junk of ['{"format":1,', 'not json', '{"format":1,"key":"x","diagnostics":[],"deps":[]}', '']) {
    writeFileSync(join(store, entry!), junk);
    assert.equal(answeredFast(['validate', file], env), false, JSON.stringify(junk));
    assert.deepEqual(run(['validate', file], { ...env, RUNBOOK_NO_CACHE: '1' }), full);
    writeFileSync(join(store, entry!), junk); // the run above did not store (no cache): corrupt again
    assert.deepEqual(run(['validate', file], env), full, 'falls back and rewrites the entry');
    assert.equal(answeredFast(['validate', file], env), true);
  }
});

test('RUNBOOK_NO_CACHE turns it off, and a call through the catalog is never cached', { skip }, () => {
  const { dir, cache, env } = setup();
  writeFileSync(join(dir, 'clean.yaml'), CLEAN);
  run(['validate', join(dir, 'clean.yaml')], { ...env, RUNBOOK_NO_CACHE: '1' });
  assert.equal(existsSync(join(cache, 'runbook')), false);
  const viaCatalog = join(dir, 'via.yaml');
  writeFileSync(viaCatalog, caller('').replace('name: callee', 'name: refused'));
  run(['validate', viaCatalog], env);
  assert.equal(answeredFast(['validate', viaCatalog], env), false);
});
