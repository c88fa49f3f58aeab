// Where bash takes a value read at run time as a variable name or as array syntax, a subscript in it is
// evaluated as arithmetic and a compound assignment is expanded again: `${!x}`, `declare "$x"`, `b=([$x]=1)`
// and `declare -a b="$v"` each ran the code in a file's line (x = 'a[$(touch M)]') in a step the lint proved
// a read. Generated over the expansion's operators, the declare family's options and the contexts around them;
// each case is first run by bash against such a file, to show it really runs the code.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
// The reader's and the tables' verdict on the author's text (allowlistFindings); a step is proven only when its
// text is in the subset as well (shell-plan.ts, test/language/shell-plan*.test.ts).
import { allowlistFindings as shellDanger } from '../../src/language/validate/shell-lint.js';

describe('a value bash reads as a name or as array syntax is not proven', () => {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-names-'));
  const marker = join(dir, 'M');
  writeFileSync(join(dir, 'name'), `a[$(touch ${marker})]\n`);
  writeFileSync(join(dir, 'compound'), `([a[$(touch ${marker})]]=1)\n`);
  const acts = (script: string) => {
    rmSync(marker, { force: true });
    spawnSync('bash', ['-e', '-o', 'pipefail', '-c', script], { cwd: dir, stdio: 'ignore', timeout: 10_000, input: '' });
    return existsSync(marker);
  };
  const readName = `read -r x < ${join(dir, 'name')}; `;
  const readCompound = `read -r v < ${join(dir, 'compound')}; `;
  const both = (script: string) => {
    assert.ok(acts(script), `bash did not run the code (the case is not real): ${script}`);
    assert.ok(shellDanger(script), `should not be proven: ${script}`);
  };

  test('indirect expansion ${!x…}, with every operator, in every context', () => {
    const op = fc.constantFrom('', ':-d', '-d', ':+d', '#a', '##a', '%a', '/a/b', '//a/b', '^', '^^', ',', '@Q', '@U', '@E', '@a', '[0]');
    const context = fc.constantFrom((e: string) => `echo "${e}"`, (e: string) => `echo ${e}`, (e: string) => `y=${e}`, (e: string) => `for n in "${e}"; do :; done`,
      (e: string) => `case "${e}" in *) ;; esac`, (e: string) => `cat <<< "${e}"`, (e: string) => `[ -n "${e}" ]`, (e: string) => `printf '%s\\n' "${e}" >/dev/null`);
    fc.assert(fc.property(op, context, (o, c) => both(readName + c(`\${!x${o}}`))), { numRuns: 60 });
  });

  test('declare, typeset, local: a name built from a value; with an array, any value; export and readonly with -a/-A', () => {
    fc.assert(fc.property(fc.constantFrom('declare', 'typeset', 'declare -g', 'typeset -g'), fc.constantFrom('"$x=1"', '"$x"=1', '"$x"+=1', '"${x}=1"'), (d, w) => both(`${readName}${d} ${w}`)), { numRuns: 30 });
    fc.assert(fc.property(fc.constantFrom('declare -a', 'declare -A', 'typeset -a', 'declare -ga', 'export -a', 'readonly -a', 'export -A', 'b=(1); declare', 'b=(1); typeset'),
      fc.constantFrom('b="$v"', 'b=$v', 'b="${v}"'), (d, w) => both(`${readCompound}${d} ${w}`)), { numRuns: 40 });
  });

  test('a compound assignment whose subscript is built from a value', () => {
    fc.assert(fc.property(fc.constantFrom('b=', 'b+=', 'declare -a b=', 'b=(0); b+='), fc.constantFrom('[$x]=1', '["$x"]=1', '[${x}]=1', '[1]=a [$x]=1'), (lhs, el) => both(`${readName}${lhs}(${el})`)), { numRuns: 30 });
  });

  test('what does not re-read a value stays a proven read', () => {
    for (const s of ['echo "${!x[@]}" "${!x*}" "${!x@}" "${!x[*]}"', 'export y="$x"', 'readonly y="$x"', 'b=([0]=$x [1]="$x")', 'b=("$x" $x)', 'y="$x"; echo "$y"',
      'export y', 'declare y=1', 'declare -r z=2']) {
      assert.equal(shellDanger(readName + s), undefined, s);
      assert.ok(!acts(readName + s), `bash ran the code: ${s}`);
    }
  });

  test.after(() => rmSync(dir, { recursive: true, force: true }));
});
