// A ${{ }} inside '…' (or $'…') is spliced into the string's text: the engine closes the quotes around its
// reference ('"${V}"'). The lint read the string as literal text, so `bash -c 'echo hello ${{ inputs.who }}'`
// was proven a read and ran who = 'x; touch M' as code (the CLI, end to end), and so did eval, trap, find -exec
// bash -c, awk and sed programs. A hole in '…' now makes the word computed, as in "…". Generated over the
// constructs that take a string as code and the wrappers around them; each is run by bash as the engine writes
// it first, then must not be proven.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { HOLE, holeContexts, holeReference } from '../../src/language/shell-holes.js';
// The reader's and the tables' verdict on the author's text (allowlistFindings); a step is proven only when its
// text is in the subset as well (shell-plan.ts, test/language/shell-plan*.test.ts).
import { allowlistFindings as shellDanger } from '../../src/language/validate/shell-lint.js';
import { cli, scratch, writeRunbook } from '../hardening/helpers.js';

/** [a construct with its hole H inside a quoted string that becomes code, the value that runs touch M there]. */
const CODE: [(h: string) => string, (m: string) => string][] = [
  [(h) => `bash -c 'echo hello ${h}'`, (m) => `x; touch ${m}`],
  [(h) => `bash -c $'echo hello ${h}'`, (m) => `x; touch ${m}`],
  [(h) => `eval 'echo ${h}'`, (m) => `x; touch ${m}`],
  [(h) => `trap 'echo ${h}' EXIT`, (m) => `x; touch ${m}`],
  [(h) => `find . -maxdepth 0 -exec bash -c 'echo ${h}' \\;`, (m) => `x; touch ${m}`],
  [(h) => `awk 'BEGIN { print "${h}" }'`, (m) => `"; system("touch ${m}"); print "`],
  [(h) => `echo a | sed -n 's/a/${h}/p'`, (m) => `x/;e touch ${m};#`],
];
const WRAPS = [(c: string) => c, (c: string) => `env ${c}`, (c: string) => `timeout 5 ${c}`, (c: string) => `nice ${c}`];

describe("a ${{ }} inside '…' is a value spliced into the text, never literal", () => {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-holecode-'));
  const marker = join(dir, 'M');
  /** Whether bash, given the script as the engine writes it and the value, ran the touch. */
  const acts = (marked: string, value: string) => {
    const contexts = holeContexts(marked);
    let k = 0;
    const rendered = marked.replaceAll(HOLE, () => holeReference(contexts[k] ?? 'word', `\${RUNBOOK_V${++k}}`));
    rmSync(marker, { force: true });
    spawnSync('bash', ['-c', rendered], { cwd: dir, env: { PATH: process.env.PATH, RUNBOOK_V1: value }, stdio: 'ignore', timeout: 30_000 });
    return existsSync(marker);
  };

  test('generated: the value runs as code in bash, and the lint refuses the step', () => {
    fc.assert(fc.property(fc.constantFrom(...CODE), fc.constantFrom(...WRAPS), ([code, value], wrap) => {
      if (/^(trap|eval)/.test(code('')) && wrap('') !== '') return; // builtins: no wrapper runs them
      assert.ok(acts(wrap(code(HOLE)), value(marker)), `bash did not run the value (the case is not real): ${wrap(code('H'))}`);
      const script = wrap(code('${{ inputs.who }}'));
      assert.ok(shellDanger(script), `should not be proven: ${script}`);
    }), { numRuns: 40 });
  });

  test("a value in '…' that is only an argument stays proven", () => {
    for (const s of ["echo 'hi ${{ inputs.who }}'", "find . -name '${{ inputs.who }}'", "grep -e 'a${{ inputs.who }}' f", "cat -- '${{ inputs.who }}'", "printf '%s\\n' 'x${{ inputs.who }}'"]) {
      assert.equal(shellDanger(s), undefined, s);
    }
  });

  test('end to end: the CLI refuses the step, and the value never runs', async (t) => {
    const d = scratch(t);
    const m = join(d, 'M');
    const file = writeRunbook(d, 'greet', `name: greet\ntitle: Greet\ninputs:\n  who: { description: a name }\nsteps:\n  - id: greet\n    shell: bash -c 'echo hello \${{ inputs.who }}'\n  - id: done\n    end: resolved\n`);
    const r = await cli(['run', file, '--plain', '--no-transcript', '--input', `who=x; touch ${m}`]);
    assert.notEqual(r.code, 0, r.stdout);
    assert.match(r.stdout + r.stderr, /unsafe-unmarked/);
    assert.equal(existsSync(m), false);
  });

  test.after(() => rmSync(dir, { recursive: true, force: true }));
});
