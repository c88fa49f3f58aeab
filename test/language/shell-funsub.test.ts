// bash 5.3 runs `${ list; }` and `${| list; }` as commands in the script's own shell; bash 5.2 calls both a
// "bad substitution". `echo ${ touch M; }` validated clean (the reader took any `${…}` for a parameter), so on an
// operator's machine or a target with bash 5.3 a step the lint proved a read ran touch with no gate. Now a `${`
// is proven only when bash 5.2 starts a parameter there (a name, a digit, a special parameter, after `#` or `!`).
// Checked against the real bash first: whatever it does not expand as a parameter is refused.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
// The reader's and the tables' verdict on the author's text (allowlistFindings); a step is proven only when its
// text is in the subset as well (shell-plan.ts, test/language/shell-plan*.test.ts).
import { allowlistFindings as shellDanger } from '../../src/language/validate/shell-lint.js';

/** Every printable ASCII character, the blanks, and a few beyond ASCII, each as the first one after `${`. */
const FIRST = [...Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)), '\t', '\n', 'é', '\u00a0', '\u3000'];
const FUNSUB_START = [' ', '\t', '\n', '|'];
const LIST = ['touch M;', 'touch M; ', 'rm -f f\n', 'REPLY=x;', '(touch M);', 'echo }; touch M;'];
const CONTEXTS = [
  (e: string) => `echo ${e}`, (e: string) => `echo "${e}"`, (e: string) => `x=${e}`, (e: string) => `a=(${e})`,
  (e: string) => `[[ -n ${e} ]]`, (e: string) => `case ${e} in *) :;; esac`, (e: string) => `echo "\${x:-${e}}"`,
  (e: string) => `cat <<EOF\n${e}\nEOF\n`, (e: string) => `f() { echo ${e}; }; f`, (e: string) => `echo $(echo ${e})`,
];

/** What bash (this machine's) does with `echo ${<inside>}`: expanded as a parameter, or refused. */
function bashExpands(inside: string): boolean {
  const r = spawnSync('bash', ['-c', `x=1; echo \${${inside}}`], { encoding: 'utf8', timeout: 10_000, cwd: '/tmp' });
  return r.status === 0 && !/bad substitution|syntax error/.test(r.stderr);
}

describe('a ${ that bash 5.2 does not expand as a parameter is not proven', () => {
  test('every first character after ${ that bash does not expand as a parameter is refused (the real bash decides)', () => {
    const refused: string[] = [];
    // `${{` opens the runbook's own template hole, which the engine replaces before bash reads the script.
    for (const first of FIRST.filter((c) => c !== '{')) {
      for (const rest of ['x', '', '1', '0}', 'x:-a', '[0]', '#x']) {
        const expansion = `\${${first}${rest}}`;
        const script = `echo ${expansion}`;
        if (!bashExpands(`${first}${rest}`) || FUNSUB_START.includes(first)) {
          assert.ok(shellDanger(script), `should not be proven: ${JSON.stringify(script)}`);
          refused.push(first);
        } else {
          // bash expands it as a parameter: the lint reads it as one (other findings, e.g. an offset, may remain).
          assert.ok(!String(shellDanger(script) ?? '').includes('not a parameter expansion'), `${JSON.stringify(script)} is a parameter`);
        }
      }
    }
    // The oracle did reject some: the class is real on this machine, not an empty loop.
    for (const c of FUNSUB_START) assert.ok(refused.includes(c), JSON.stringify(c));
  });

  test('bash 5.3 command substitutions in every context, every spelling of the list, are refused', () => {
    fc.assert(fc.property(fc.constantFrom(...FUNSUB_START), fc.constantFrom(...LIST), fc.constantFrom(...CONTEXTS), (start, list, context) => {
      const script = context(`\${${start}${list}}`);
      assert.ok(shellDanger(script), `should not be proven: ${JSON.stringify(script)}`);
    }), { numRuns: 400 });
  });

  test('the parameter expansions bash 5.2 has still read as before', () => {
    for (const e of ['${x}', '${#x}', '${!x[@]}', '${!p*}', '${#}', '${!}', '${1}', '${@}', '${*}', '${-}', '${?}', '${$}', '${0}', '${x:-a}', '${x%%.*}', '${#a[@]}', '${x/a/b}', '${x^^}']) {
      assert.equal(shellDanger(`echo "${e}"`), undefined, e);
    }
  });
});
