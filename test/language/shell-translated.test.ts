// bash looks a $"…" string up in the message catalog TEXTDOMAIN and TEXTDOMAINDIR name, and expands the
// translation as if it were written in "…": a translation `$(touch M)` ran touch from `echo $"hello"`, a step
// that validated clean. The catalog is text from outside the script (the operator's environment names it, and
// a target's). Generated over words and the places a word stands, each run by bash first with a catalog
// written here; the lint now refuses $"…", and a step's bash starts without TEXTDOMAIN (bash-startup-env.ts).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
// The reader's and the tables' verdict on the author's text (allowlistFindings); a step is proven only when its
// text is in the subset as well (shell-plan.ts, test/language/shell-plan*.test.ts).
import { allowlistFindings as shellDanger } from '../../src/language/validate/shell-lint.js';

/** A GNU .mo catalog holding `pairs` (msgid → msgstr), as msgfmt writes it (no hash table). */
function catalog(pairs: [string, string][]): Buffer {
  const sorted = [['', 'Content-Type: text/plain; charset=UTF-8\n'] as [string, string], ...pairs].sort(([a], [b]) => (Buffer.from(a) < Buffer.from(b) ? -1 : 1));
  const n = sorted.length;
  const header = Buffer.alloc(28 + 16 * n);
  header.writeUInt32LE(0x950412de, 0); header.writeUInt32LE(0, 4); header.writeUInt32LE(n, 8);
  header.writeUInt32LE(28, 12); header.writeUInt32LE(28 + 8 * n, 16); header.writeUInt32LE(0, 20); header.writeUInt32LE(0, 24);
  const strings: Buffer[] = [];
  let offset = header.length;
  [...sorted.map(([id]) => id), ...sorted.map(([, str]) => str)].forEach((text, k) => {
    const b = Buffer.from(text);
    header.writeUInt32LE(b.length, 28 + 8 * k); header.writeUInt32LE(offset, 32 + 8 * k);
    strings.push(b, Buffer.from([0]));
    offset += b.length + 1;
  });
  return Buffer.concat([header, ...strings]);
}

const WORDS = ['hello', 'done', 'checking disk', 'ok', 'Status: %s'];
const PLACES = [(w: string) => `echo $"${w}"`, (w: string) => `x=$"${w}"; echo "$x"`, (w: string) => `printf '%s\\n' $"${w}"`, (w: string) => `[ $"${w}" = a ] || true`,
  (w: string) => `case $"${w}" in a) ;; esac`, (w: string) => `echo pre$"${w}"post`];

describe('a translated string $"…" is not proven: bash expands a translation from outside the script', () => {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-i18n-'));
  const marker = join(dir, 'M');
  mkdirSync(join(dir, 'C.UTF-8', 'LC_MESSAGES'), { recursive: true });
  writeFileSync(join(dir, 'C.UTF-8', 'LC_MESSAGES', 'hostile.mo'), catalog(WORDS.map((w) => [w, `$(touch ${marker})`])));
  const acts = (script: string, env: NodeJS.ProcessEnv) => {
    rmSync(marker, { force: true });
    spawnSync('bash', ['-e', '-o', 'pipefail', '-c', script], { env: { PATH: process.env.PATH, LC_ALL: 'C.UTF-8', ...env }, stdio: 'ignore', timeout: 30_000 });
    return existsSync(marker);
  };

  test('generated: the translation runs, and the lint refuses the step', () => {
    fc.assert(fc.property(fc.constantFrom(...WORDS), fc.constantFrom(...PLACES), (word, place) => {
      const script = place(word);
      assert.equal(acts(script, {}), false, `without a catalog bash prints the text: ${script}`);
      assert.ok(acts(script, { TEXTDOMAIN: 'hostile', TEXTDOMAINDIR: dir }), `bash did not run the translation (the case is not real): ${script}`);
      assert.ok(shellDanger(script), `should not be proven: ${script}`);
    }), { numRuns: 24 });
  });

  test('"…", a $ before a closing quote, and $"…" as a here-document\'s text stay proven', () => {
    for (const s of ['echo "hello"', 'echo "a$"b', 'echo "$"', "cat <<'EOF'\n$\"x\"\nEOF", 'cat <<EOF\n$"x"\nEOF']) assert.equal(shellDanger(s), undefined, s);
  });

  test.after(() => rmSync(dir, { recursive: true, force: true }));
});
