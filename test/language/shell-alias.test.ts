// An alias's text is read in place of the word and joined to what follows it. With alias expansion on, the
// lines after `alias cat='cat <<true'` and a use of `cat` are the body of a here-document bash expands, so
// `echo '$(touch M)'` (a literal to the lint) ran touch, and the script validated clean. Expansion is off in a
// script, but `set -o posix` (reviewed as harmless) turned it on, as do POSIXLY_CORRECT, SHELLOPTS=posix or
// BASHOPTS=expand_aliases in the operator's environment. Generated over alias names, here-document delimiters
// the lint reads as reads, hidden lines and the ways expansion is on; each is run by bash first. Now an alias
// definition is never proven (what acts in it is still reported), and posix mode is not a reviewed option.
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

const NAMES = ['cat', 'ls', 'echo', 'true', 'wc'];
/** Delimiters whose line the lint reads as a proven read. */
const DELIMITERS = ['true', ':', 'pwd', 'uptime'];
const HIDDEN = [(m: string) => `echo '$(touch ${m})'`, (m: string) => `printf '%s\\n' '\`touch ${m}\`'`, (m: string) => `: '$(touch ${m})'`];
/** How alias expansion is on: a line of the script, or the environment the step's bash starts with. */
const ON: [string, NodeJS.ProcessEnv][] = [['set -o posix\n', {}], ['set -o posix; ', {}], ['', { POSIXLY_CORRECT: '1' }], ['', { SHELLOPTS: 'posix' }], ['', { BASHOPTS: 'expand_aliases' }]];

describe('an alias definition is never proven: its text joins the lines after it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-alias-'));
  const marker = join(dir, 'M');
  const acts = (script: string, env: NodeJS.ProcessEnv) => {
    rmSync(marker, { force: true });
    spawnSync('bash', ['-e', '-o', 'pipefail', '-c', script], { cwd: dir, env: { ...process.env, ...env }, stdio: 'ignore', timeout: 30_000 });
    return existsSync(marker);
  };

  test('generated: the next lines become a here-document body bash expands, and the lint refuses the step', () => {
    const cases = fc.sample(fc.tuple(fc.constantFrom(...NAMES), fc.constantFrom(...DELIMITERS), fc.constantFrom(...HIDDEN), fc.constantFrom(...ON)), { numRuns: 40, seed: 61 });
    for (const [name, delimiter, hidden, [line, env]] of cases) {
      const script = `${line}alias ${name}='${name} <<${delimiter}'\n${name}\n${hidden(marker)}\n${delimiter}\n`;
      assert.equal(acts(script.replace(line, ''), {}), false, `without alias expansion bash reads it as the lint does: ${script}`);
      assert.ok(acts(script, env), `bash did not act (the case is not real): ${JSON.stringify(env)} ${script}`);
      assert.ok(shellDanger(script), `should not be proven: ${script}`);
    }
  });

  test('posix mode is not a reviewed option, however it is asked for; listing aliases stays a read', () => {
    for (const s of ['set -o posix', 'set -eo posix', 'bash --posix -c "cat f"', 'bash -o posix -c "cat f"', "alias ll='ls -l'", 'alias a=b c=d']) assert.ok(shellDanger(s), s);
    assert.match(shellDanger("alias x='rm -rf /tmp/x'") ?? '', /looks destructive/);
    for (const s of ['alias', 'alias -p', 'alias ll', 'set -o pipefail', 'bash -o pipefail -c "cat f"']) assert.equal(shellDanger(s), undefined, s);
  });

  test.after(() => rmSync(dir, { recursive: true, force: true }));
});
