// The variables a step that is not destructive may set are an allowlist (src/language/shell-vars.ts): lowercase
// names but the proxy settings, and a reviewed few uppercase ones. Every way bash sets a variable is tried with
// generated names (not a hand-picked list of the variables that act), and each way is checked against bash
// itself: the construct really sets the name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
// The reader's and the tables' verdict on the author's text (allowlistFindings); a step is proven only when its
// text is in the subset as well (shell-plan.ts, test/language/shell-plan*.test.ts).
import { allowlistFindings as shellDanger } from '../../src/language/validate/shell-lint.js';
import { inertVariable } from '../../src/language/shell-vars.js';

/** Ways bash sets the variable NAME to /tmp (each a whole script, read then run). */
const SETTERS: ((n: string) => string)[] = [
  (n) => `${n}=/tmp; cat /dev/null`,
  (n) => `${n}=/tmp cat /dev/null`,
  (n) => `export ${n}=/tmp`,
  (n) => `declare ${n}=/tmp`,
  (n) => `typeset -x ${n}=/tmp`,
  (n) => `readonly ${n}=/tmp`,
  (n) => `local ${n}=/tmp`,
  (n) => `read -r ${n} <<< /tmp`,
  (n) => `read -ra ${n} <<< /tmp`,
  (n) => `printf -v ${n} /tmp`,
  (n) => `printf -v${n} /tmp`,
  (n) => `for ${n} in /tmp; do :; done`,
  (n) => `select ${n} in /tmp; do break; done <<< 1`,
  (n) => `: \${${n}:=/tmp}`,
  (n) => `: \${${n}=/tmp}`,
  (n) => `set -- -a; getopts a ${n}`,
  (n) => `env ${n}=/tmp cat /dev/null`,
];

/** What bash says NAME holds after the setter (the loop and local forms print from inside). */
function bashSets(setter: string, name: string): boolean {
  // local works inside a function only: there the value is printed before the function returns.
  const body = setter.startsWith('local ') ? `f() { ${setter}; printf '%s' "\${${name}}"; }; f` : setter;
  const script = `unset ${name} 2>/dev/null; ${body}; printf '%s' "\${${name}-}"`;
  if (/^(env|\w+=\/tmp cat)/.test(setter)) return true; // a variable of the command's environment: bash sets it there
  const r = spawnSync('bash', ['-c', script], { encoding: 'utf8' });
  return /\/tmp|^a$|^\?$|a$/.test(r.stdout);
}

/** Generated names: a seeded stream, so a failure names a name that reproduces. */
function* names(seed: number, alphabet: string, count: number): Generator<string> {
  let x = seed;
  const next = () => { x = (x * 1103515245 + 12345) % 2 ** 31; return x; };
  for (let i = 0; i < count; i++) {
    const len = 2 + (next() % 10);
    let n = alphabet[next() % alphabet.length]!;
    for (let k = 1; k < len; k++) n += (alphabet + '_0123456789')[next() % (alphabet.length + 11)]!;
    yield n;
  }
}

test('every way bash sets a variable is one: checked against bash', () => {
  for (const set of SETTERS) assert.ok(bashSets(set('RB_PROBE'), 'RB_PROBE'), `bash does not set the variable with: ${set('RB_PROBE')}`);
});

test('generated uppercase and mixed-case names, set any way bash sets a variable, make the step unreadable', () => {
  const upper = [...names(7, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 40), ...names(11, 'AbCdEfGhIjKlMnOpQrStUvWxYz', 20)].filter((n) => !inertVariable(n));
  assert.ok(upper.length >= 55, 'enough names that are not reviewed');
  for (const n of [...upper, 'PATH', 'BASH_ENV', 'GIT_CONFIG_COUNT', 'PGOPTIONS', 'GLIBC_TUNABLES', 'HOSTALIASES']) {
    for (const set of SETTERS) assert.ok(shellDanger(set(n)), `should be unreadable: ${set(n)}`);
  }
});

test('the proxy settings curl and wget read from lowercase names are not inert', () => {
  for (const n of ['http_proxy', 'https_proxy', 'all_proxy', 'ftp_proxy', 'no_proxy', 'proxy']) {
    for (const set of SETTERS) assert.ok(shellDanger(set(n)), `should be unreadable: ${set(n)}`);
  }
});

test('generated lowercase names and the reviewed uppercase ones read clean', () => {
  const lower = [...names(5, 'abcdefghijklmnopqrstuvwxyz', 40)].filter((n) => !/proxy$/.test(n));
  for (const n of [...lower, 'COLUMNS']) {
    for (const set of SETTERS) assert.equal(shellDanger(set(n)), undefined, `should be clean: ${set(n)}`);
  }
});

test('a locale variable, LANGUAGE or TZ set to a path, any way bash sets it, is unreadable (shell-locale.test.ts, tz-setters.test.ts)', () => {
  for (const n of ['LANG', 'LC_ALL', 'LC_CTYPE', 'LC_COLLATE', 'LANGUAGE', 'TZ']) {
    for (const set of SETTERS) assert.ok(shellDanger(set(n)), `should be unreadable: ${set(n)}`);
  }
});

test('a nameref, which makes one name set another, is unreadable; so is exporting a name that is not inert', () => {
  for (const s of ['declare -n r=PATH; r=/tmp', 'local -n r=x', 'typeset -n r', 'export PATH', 'declare -x HOME']) {
    assert.ok(shellDanger(s), `should be unreadable: ${s}`);
  }
});

test("a step's env map: a name that is not inert is unreadable", async () => {
  const { parseRunbook } = await import('../../src/language/runbook.js');
  const lint = (name: string) => parseRunbook(`name: t\ntitle: T\nsteps:\n  - id: s\n    shell: { run: cat /dev/null, env: { ${name}: x } }\n  - id: done\n    end: resolved\n`, 't.yaml')
    .diagnostics.filter((d) => d.code === 'unsafe-unmarked');
  for (const n of [...names(3, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 10)].filter((x) => !inertVariable(x))) assert.equal(lint(n).length, 1, n);
  for (const n of [...names(9, 'abcdefghijklmnopqrstuvwxyz', 10)].filter((x) => !/proxy$/.test(x))) assert.equal(lint(n).length, 0, n);
});
