// An unquoted here-document fed to a shell puts each expansion's value into the code that shell reads:
// `bash <<EOF` + `echo ${{ inputs.who }}` + `EOF` ran `touch` for who = 'x; touch M' (the CLI, end to end) in a step that validated
// clean (and so did `echo $x` with x read from a file). Values are arguments, never code, so such a body is not
// proven; with a quoted delimiter (<<'EOF') the inner shell reads the text as written. Generated over the shells
// and wrappers that read code from standard input, and the expansions bash fills in; each first run by bash.
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

const SHELLS = ['bash', 'sh', 'bash -s', 'sh -s', 'bash -e', 'env bash', 'timeout 5 bash', 'nice bash', 'source /dev/stdin', '. /dev/stdin'];
/** A value as the script writes it, and as bash sees it when it runs (a ${{ }} hole is rendered as a variable). */
const VALUES: [string, string][] = [['$x', '$x'], ['"$x"', '"$x"'], ['${x}', '${x}'], ['$(cat v)', '$(cat v)'], ['`cat v`', '`cat v`'], ['${{ inputs.who }}', '${x}'], ['"${x:-a}"', '"${x:-a}"']];
const LINES = [(v: string) => `echo hello ${v}`, (v: string) => `printf '%s\\n' ${v}`, (v: string) => `cat /dev/null ${v}`, (v: string) => `: ${v}`];

describe('an unquoted here-document fed to a shell is code built from a value', () => {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-hdv-'));
  const marker = join(dir, 'M');
  const payload = `$(touch ${marker})`;
  writeFileSync(join(dir, 'v'), `${payload}\n`);
  const run = (script: string) => {
    rmSync(marker, { force: true });
    spawnSync('bash', ['-e', '-o', 'pipefail', '-c', `read -r x < v; ${script}`], { cwd: dir, stdio: 'ignore', timeout: 10_000, input: '' });
    return existsSync(marker);
  };
  const doc = (shell: string, line: string, quoted: boolean) => `${shell} <<${quoted ? "'EOF'" : 'EOF'}\n${line}\nEOF\n`;

  test('generated: the value runs as code in bash, and the lint refuses the step', () => {
    fc.assert(fc.property(fc.constantFrom(...SHELLS), fc.constantFrom(...VALUES), fc.constantFrom(...LINES), (shell, [written, seen], line) => {
      assert.ok(run(doc(shell, line(seen), false)), `bash did not run the value: ${doc(shell, line(seen), false)}`);
      assert.ok(shellDanger(doc(shell, line(written), false)), `should not be proven: ${doc(shell, line(written), false)}`);
    }), { numRuns: 120 });
  });

  test('generated: a quoted delimiter keeps the text as written; such a step is proven and the value stays data', () => {
    // Code for sh (dash) is never proven: shell-other-shells.test.ts.
    fc.assert(fc.property(fc.constantFrom(...SHELLS.filter((s) => !/^sh\b/.test(s))), fc.constantFrom(...VALUES), fc.constantFrom(...LINES), (shell, [, seen], line) => {
      const script = doc(shell, line(seen), true);
      assert.equal(shellDanger(`read -r x < v; ${script}`), undefined, script);
      assert.ok(!run(script), `bash ran the value: ${script}`);
    }), { numRuns: 80 });
    for (const s of ['bash <<EOF\necho hi\nEOF\n', 'cat <<EOF\necho $x\nEOF\n']) assert.equal(shellDanger(s), undefined, s);
  });

  test.after(() => rmSync(dir, { recursive: true, force: true }));
});
