// Unsetting a variable sets it too. With PATH unset, bash looks commands up in its built-in default path, which
// ends in '.': the step's working directory, which the runbook's `cwd:` chooses. `unset PATH; rg x`, `env -i bash
// -c 'rg x'`, `env -u PATH …` and `exec -c bash -c …` each ran the author's ./rg on a host without rg, in a step
// that validated clean. `exec -l` and `exec -a NAME` choose argv[0], which makes bash a login shell (running
// profile files) or sudo sudoedit. Generated over the ways to lose PATH and the reviewed commands missing on this
// host, each run in bash first; then the lint must not prove it. Unsetting a name a read may set stays proven.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
// The reader's and the tables' verdict on the author's text (allowlistFindings); a step is proven only when its
// text is in the subset as well (shell-plan.ts, test/language/shell-plan*.test.ts).
import { allowlistFindings as shellDanger } from '../../src/language/validate/shell-lint.js';
import { BUILTINS, READS } from '../../src/language/validate/read-commands.js';

const SYSTEM = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];
/** Reviewed read commands this host does not have: bash without PATH finds them in '.' only. */
const MISSING = Object.keys(READS).filter((n) => /^[a-z0-9_]+$/.test(n) && !BUILTINS.has(n) && !SYSTEM.some((d) => existsSync(join(d, n))));
/** Ways a step runs C (a command line) with PATH gone. */
const LOSE_PATH: ((c: string) => string)[] = [
  (c) => `unset PATH; ${c}`, (c) => `unset -v PATH; ${c}`, (c) => `unset PATH x; ${c}`, (c) => `f() { unset PATH; ${c}; }; f`,
  (c) => `env -i bash -c '${c}'`, (c) => `env - bash -c '${c}'`, (c) => `env -u PATH bash -c '${c}'`, (c) => `env --unset=PATH bash -c '${c}'`,
  (c) => `env --ignore-environment bash -c '${c}'`, (c) => `env -iC. bash -c '${c}'`, (c) => `exec -c bash -c '${c}'`, (c) => `timeout 5 env -i bash -c '${c}'`,
];

describe('a step that unsets PATH (or a name a read may not set) is not proven', () => {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-unset-'));
  const cwd = join(dir, 'work');
  mkdirSync(cwd);
  const marker = join(dir, 'ran');
  for (const name of MISSING) {
    writeFileSync(join(cwd, name), `#!/bin/sh\ntouch ${marker}\n`);
    chmodSync(join(cwd, name), 0o755);
  }
  const acts = (script: string, env: NodeJS.ProcessEnv = process.env) => {
    rmSync(marker, { force: true });
    spawnSync('bash', ['-e', '-o', 'pipefail', '-c', script], { cwd, env, stdio: 'ignore', timeout: 30_000 });
    return existsSync(marker);
  };

  test('generated: bash without PATH runs the directory\'s program, and the lint refuses the step', () => {
    assert.ok(MISSING.length >= 3, `reviewed commands missing on this host: ${MISSING.join(' ')}`);
    const cases = fc.sample(fc.tuple(fc.constantFrom(...LOSE_PATH), fc.constantFrom(...MISSING)), { numRuns: 40, seed: 47 });
    for (const [lose, name] of cases) {
      assert.equal(acts(`${name} x || true`), false, `with PATH, ${name} is not found in '.'`);
      const script = lose(`${name} x`);
      assert.ok(acts(script), `bash did not run ./${name} (the case is not real): ${script}`);
      assert.ok(shellDanger(script), `should not be proven: ${script}`);
    }
  });

  test('exec -l and exec -a choose argv[0]: bash becomes a login shell and runs profile files', () => {
    const home = join(dir, 'home');
    mkdirSync(home, { recursive: true });
    writeFileSync(join(home, '.bash_profile'), `touch ${marker}\n`);
    for (const script of ['exec -l bash -c true', 'exec -a -bash bash -c true', 'exec -a -x bash -c true', 'exec -la x bash -c true']) {
      assert.ok(acts(script, { ...process.env, HOME: home }), `bash did not run ~/.bash_profile: ${script}`);
      assert.ok(shellDanger(script), `should not be proven: ${script}`);
    }
    for (const script of ['exec -a sudoedit sudo cat f', 'exec -a sh bash -c "cat f"', 'exec -c cat f', 'exec -a cat cat f']) assert.ok(shellDanger(script), script);
  });

  test('unsetting a name a read may set, or functions, stays proven', () => {
    for (const s of ['unset x', 'unset -v x y', 'unset -f PATH', 'env -u lang cat f', 'exec cat f', 'env cat f']) {
      assert.equal(shellDanger(s), undefined, s);
    }
    for (const s of ['unset HOME', 'unset -v IFS', 'unset "$n"', 'env -u HOME cat f', 'env -u "$n" cat f', 'unset http_proxy',
      'unset LC_ALL', 'env --unset=LC_CTYPE cat f']) assert.ok(shellDanger(s), s); // a locale falls back to the operator's (shell-locale.test.ts)
  });

  test.after(() => rmSync(dir, { recursive: true, force: true }));
});
