// `set` and `shopt` change how bash reads the rest of a step's script after the lint has read it. Two did so in
// steps that validated clean and ran with no gate: `set -k` (a later `BASH_ENV=/dev/stdin` operand became the
// environment of `bash -c true`, which ran its input) and `set -o history -H` (`echo "!!:1"` pasted an earlier
// line's `$(…)` into a double-quoted string). The lint now proves only reviewed options (shell-options.ts).
// Generated over every option the installed bash itself knows, in generated spellings (clusters, either sign,
// `-o name`, `shopt -s/-u/-so`, positional words around them): an option not reviewed is refused in every one.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
// The reader's and the tables' verdict on the author's text (allowlistFindings); a step is proven only when its
// text is in the subset as well (shell-plan.ts, test/language/shell-plan*.test.ts).
import { allowlistFindings as shellDanger } from '../../src/language/validate/shell-lint.js';
import { SET_NAMES, SHOPT_NAMES } from '../../src/language/validate/shell-options.js';

const bash = (script: string, cwd?: string) => spawnSync('bash', ['-e', '-o', 'pipefail', '-c', script], { encoding: 'utf8', cwd, input: '' });
const names = (script: string) => bash(script).stdout.split('\n').map((l) => l.split(/\s+/)[0]!).filter(Boolean);

/** What the installed bash knows: every `set` letter it accepts, its `set -o` names and its `shopt` names. */
const LETTERS = [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'].filter((l) => l !== 'o' && l !== 'i' && l !== 's' && l !== 'c' && bash(`set -${l}; set +${l} 2>/dev/null || true`).status === 0);
const SET_O = names('set -o');
const SHOPT = names('shopt');
/** The letters reviewed (the same as SET_NAMES, by their letter). */
const REVIEWED_LETTERS = 'euxvfnChBbPET';

const clean = (s: string) => assert.equal(shellDanger(s), undefined, `should be proven a read: ${s}`);
const refused = (s: string) => assert.ok(shellDanger(s), `should not be proven: ${s}`);

describe('set and shopt: only reviewed options are proven', () => {
  test('bash knows the options this test generates over (the corpus is real)', () => {
    for (const l of ['k', 'H', 'a', 'e', 'u']) assert.ok(LETTERS.includes(l), `bash accepts set -${l}`);
    for (const n of ['keyword', 'history', 'histexpand', 'allexport', 'pipefail']) assert.ok(SET_O.includes(n), n);
    for (const n of ['expand_aliases', 'sourcepath', 'extdebug', 'extglob']) assert.ok(SHOPT.includes(n), n);
    // What is reviewed is a subset of what bash knows (a typo would prove nothing).
    for (const n of SET_NAMES) assert.ok(SET_O.includes(n), `set -o ${n}`);
    for (const n of SHOPT_NAMES) assert.ok(SHOPT.includes(n), `shopt ${n}`);
    for (const l of REVIEWED_LETTERS) assert.ok(LETTERS.includes(l), `set -${l}`);
    // The two that acted are not reviewed, nor their relatives.
    for (const n of ['keyword', 'history', 'histexpand', 'allexport', 'onecmd', 'privileged', 'monitor']) assert.ok(!SET_NAMES.has(n), n);
    for (const n of ['expand_aliases', 'sourcepath', 'extdebug', 'execfail', 'histexpand', 'histverify']) assert.ok(!SHOPT_NAMES.has(n), n);
  });

  test('the two that acted: bash runs the hidden command, the lint refuses the step', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-set-'));
    try {
      const cases = [
        `set -k\nbash -c true BASH_ENV=/dev/stdin <<< 'touch ${dir}/m0'`,
        `set -o history -H\necho '$(touch ${dir}/m1)' >/dev/null\necho "!!:1" >/dev/null`,
        `set -o keyword; bash -c true BASH_ENV=/dev/stdin <<< 'touch ${dir}/m2'`,
        `set -Ho history\necho '$(touch ${dir}/m3)' >/dev/null\necho "!!:1" >/dev/null`,
      ];
      cases.forEach((s, i) => {
        // The option is the cause: without its `set` line bash does not act.
        bash(s.replace(/^set [^\n;]*[\n;]\s*/, ''), dir);
        assert.ok(!existsSync(join(dir, `m${i}`)), `acted without the option: ${s}`);
        bash(s, dir);
        assert.ok(existsSync(join(dir, `m${i}`)), `bash did not act: ${s}`);
        refused(s);
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  const sign = fc.constantFrom('-', '+');
  const reviewedLetters = fc.array(fc.constantFrom(...REVIEWED_LETTERS), { maxLength: 3 }).map((a) => a.join(''));
  const positional = fc.array(fc.constantFrom('a', 'b c', '"$x"', '*', '-k', '-H'), { maxLength: 2 });
  const unreviewedLetters = LETTERS.filter((l) => !REVIEWED_LETTERS.includes(l));
  const unreviewedSetO = SET_O.filter((n) => !SET_NAMES.has(n));
  const unreviewedShopt = SHOPT.filter((n) => !SHOPT_NAMES.has(n));

  test('every set letter not reviewed is refused, alone or in a cluster, with either sign', () => {
    assert.ok(unreviewedLetters.length >= 5, unreviewedLetters.join(''));
    fc.assert(fc.property(sign, reviewedLetters, fc.constantFrom(...unreviewedLetters), reviewedLetters, positional, (s, a, l, b, rest) =>
      refused(['set', `${s}${a}${l}${b}`, ...(rest.length ? ['--', ...rest] : [])].join(' '))), { numRuns: 400 });
  });

  test('every set -o name not reviewed is refused, after reviewed options or in a cluster (-eo NAME)', () => {
    fc.assert(fc.property(sign, reviewedLetters, fc.constantFrom(...unreviewedSetO), fc.boolean(), (s, a, n, cluster) =>
      refused(cluster ? `set ${s}${a}o ${n}` : `set ${a ? `-${a} ` : ''}${s}o ${n}`)), { numRuns: 300 });
  });

  test('every shopt name not reviewed is refused when set or unset; -so takes set -o names', () => {
    fc.assert(fc.property(fc.constantFrom('-s', '-u', '-qs', '-su'), fc.constantFrom(...unreviewedShopt), fc.subarray([...SHOPT_NAMES]), (o, n, ok) =>
      refused(`shopt ${o} ${[...ok, n].join(' ')}`)), { numRuns: 300 });
    fc.assert(fc.property(fc.constantFrom('-so', '-uo', '-s -o'), fc.constantFrom(...unreviewedSetO), (o, n) => refused(`shopt ${o} ${n}`)), { numRuns: 100 });
  });

  test('reviewed options, in generated spellings, are proven reads; words after -- or a plain word are positional', () => {
    fc.assert(fc.property(sign, fc.constantFrom(...REVIEWED_LETTERS), reviewedLetters, fc.subarray([...SET_NAMES], { minLength: 1, maxLength: 2 }), positional, (s, l, more, o, rest) => {
      clean(`set ${s}${l}${more} ${o.map((n) => `${s}o ${n}`).join(' ')} -- ${rest.join(' ')}`);
      clean(`set -- ${rest.join(' ')}`);
      clean(`set ${s}${l} word ${rest.join(' ')}`);
    }), { numRuns: 300 });
    fc.assert(fc.property(fc.constantFrom('-s', '-u'), fc.subarray([...SHOPT_NAMES], { minLength: 1 }), (o, n) => clean(`shopt ${o} ${n.join(' ')}`)), { numRuns: 100 });
    for (const s of ['set -euo pipefail', 'set -o', 'set +o', 'set -x; set +x', 'shopt', 'shopt -p', 'shopt -q extdebug', `shopt -q ${unreviewedShopt.join(' ')}`]) clean(s);
  });

  test('an option word bash builds at run time (a value, a pattern that may match a file named -k) is not proven', () => {
    fc.assert(fc.property(fc.constantFrom('"$x"', '$x', '${{ inputs.o }}', '*', '-[k]', '$(cat f)', '`cat f`'), fc.constantFrom('set', 'set -e', 'shopt -s', 'set -o'), (w, head) =>
      refused(`${head} ${w}`)), { numRuns: 100 });
  });

  test('a nested bash may not be given them either (bash -o/-O reviewed the same way)', () => {
    for (const n of unreviewedSetO) refused(`bash -o ${n} -c 'echo hi'`);
    for (const n of unreviewedShopt) refused(`bash -O ${n} -c 'echo hi'`);
    for (const n of SET_NAMES) clean(`bash -o ${n} -c 'echo hi'`);
  });
});
