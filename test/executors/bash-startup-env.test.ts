// The operator's environment is the step's, and bash reads some of it to run other code than the script the
// lint proved: BASH_ENV is sourced first, PS4's `$(…)` runs at every command a reviewed `set -x` traces
// (SHELLOPTS=xtrace turns that on by itself), and an exported function (BASH_FUNC_echo%%) runs in place of the
// command. Each ran touch in a step that validated clean, through the CLI. The step's bash now starts without
// them; everything else of the environment is inherited as before.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withoutBashStartup } from '../../src/executors/bash-startup-env.js';
import { cli, scratch, writeRunbook } from '../hardening/helpers.js';

test("through the CLI: nothing of the operator's environment makes a proven read run other code", async (t) => {
  const dir = scratch(t);
  const marker = join(dir, 'M');
  const hook = join(dir, 'hook.sh');
  writeFileSync(hook, `touch ${marker}\n`);
  const cases: [string, NodeJS.ProcessEnv][] = [
    ['echo hi', { BASH_ENV: hook }],
    // bash ignores an inherited PS4 when it runs as root: these two act for any other operator.
    ['set -x; echo hi', { PS4: `$(touch ${marker}) ` }],
    ['echo hi', { SHELLOPTS: 'xtrace', PS4: `$(touch ${marker}) ` }],
    ['echo hi', { 'BASH_FUNC_echo%%': `() { touch ${marker}; }` }],
    ['cat /dev/null', { 'BASH_FUNC_cat%%': `() { touch ${marker}; }` }],
  ];
  for (const [run, env] of cases) {
    const file = writeRunbook(dir, 'env', `name: env\ntitle: Print\nsteps:\n  - id: show\n    shell: '${run}'\n  - id: done\n    end: resolved\n`);
    rmSync(marker, { force: true });
    const r = await cli(['run', file, '--plain', '--no-transcript'], { env });
    assert.equal(r.code, 0, `${JSON.stringify(env)}: ${r.stdout}${r.stderr}`);
    assert.equal(existsSync(marker), false, `${JSON.stringify(env)}: the step '${run}' ran other code`);
  }
});

test('withoutBashStartup drops only what bash reads to run other code', () => {
  const env = { PATH: '/usr/bin', HOME: '/h', LANG: 'C.UTF-8', PS1: 'x', BASH_ENV: 'f', ENV: 'f', SHELLOPTS: 'xtrace', BASHOPTS: 'expand_aliases',
    POSIXLY_CORRECT: '1', PS4: '$(x)', TEXTDOMAIN: 'd', TEXTDOMAINDIR: '/t', 'BASH_FUNC_ls%%': '() { :; }', BASH_FUNCTIONS: 'kept', MY_BASH_ENV: 'kept' };
  assert.deepEqual(withoutBashStartup(env), { PATH: '/usr/bin', HOME: '/h', LANG: 'C.UTF-8', PS1: 'x', BASH_FUNCTIONS: 'kept', MY_BASH_ENV: 'kept' });
});
