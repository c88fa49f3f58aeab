// Whitespace other than space, tab and newline inside a shell step (issue #44, found by a probe of the gate): the
// subset's reader stopped a word at it and made no progress, so `echo A\rB` (also VT, FF, U+2028…) hung
// `validate` and `run` until the heap ran out. bash reads such a character as part of a word (only blanks and
// newlines end one), which the subset does not hold: outside it, at once. The oracle is bash's own splitting.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readTemplate } from '../../src/language/shell-plan.js';
import { cli } from '../helpers/cli.js';

/** Every character JavaScript's \s matches: what the reader's word loop stops at. */
const BLANKS = [...Array(0x10000).keys()].map((c) => String.fromCharCode(c)).filter((c) => /\s/.test(c) && !(c >= '\ud800' && c <= '\udfff'));

test('each whitespace character bash does not split on makes a step outside the subset, at once', () => {
  assert.ok(BLANKS.length >= 20, `${BLANKS.length}`);
  for (const c of BLANKS) {
    const script = `echo A${c}B`;
    const splits = c === ' ' || c === '\t' || c === '\n';
    if (c !== '\n') { // a newline ends the command itself
      const words = spawnSync('bash', ['-c', `printf '%s\\0' ${script.slice(5)}`], { encoding: 'utf8' }).stdout.split('\0').filter(Boolean);
      assert.equal(words.length, splits ? 2 : 1, `bash on U+${c.charCodeAt(0).toString(16)}`);
    }
    const r = readTemplate(script);
    if (splits) assert.ok('plan' in r, `U+${c.charCodeAt(0).toString(16)}`);
    else assert.match('outside' in r ? r.outside : '', /U\+/, `U+${c.charCodeAt(0).toString(16)}: ${JSON.stringify(r)}`);
  }
});

test('validate of a step holding a carriage return answers at once: outside the subset, so it must be marked', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-blanks-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'r.yaml');
  writeFileSync(file, 'name: p\ntitle: P\nsteps:\n  - id: a\n    shell: "echo A\\rB"\n  - id: done\n    end: resolved\n');
  const r = cli(['validate', file]);
  assert.equal(r.code, 2, r.stderr + r.stdout); // validate's exit for errors
  assert.match(r.stdout + r.stderr, /outside the proven subset \('U\+000D' outside quotes; /);
});
