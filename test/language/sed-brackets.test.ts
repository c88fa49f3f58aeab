// GNU sed reads a bracket expression whole in the regular-expression part of `s` and in an address (its
// match_slash calls snarf_char_class on `[`): the delimiter inside one ends nothing, so `s/[/]/#/e` is regex `[/]`,
// replacement `#` and the e flag, and `/[/p;#/]/e` is an address and the e command. The lint read `[` as the
// regex, `]` as the replacement and the rest as a comment, and proved both read-only (a hostile probe ran a
// command, real and dry). Generated here: `s` commands and addresses whose text mixes the delimiter, brackets,
// `^`, a leading `]`, classes, collating elements, equivalence classes, escapes, comments and the e/w flags and
// commands; every script the lint proves is run by GNU sed with --sandbox (which refuses e, r and w itself) in an
// empty directory: sed must not refuse it for that, and no file may appear. SED_BRACKET_SEED/RUNS.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sedScriptProblem } from '../../src/language/validate/sed-script.js';
import { allowlistFindings } from '../../src/language/validate/shell-lint.js';
import { rng } from '../helpers/rng.js';

const RUNS = Number(process.env.SED_BRACKET_RUNS ?? 2000);
const SEED = Number(process.env.SED_BRACKET_SEED ?? 45);
const gnuSed = spawnSync('sed', ['--version'], { encoding: 'utf8' }).stdout?.includes('GNU sed');

test('the delimiter inside a bracket expression of an s regex or an address does not end it: the e/w behind it is seen', () => {
  for (const script of ['s/[/]/#/e', 's/[/]/#/w FILE', 's/[[:alpha:]/]/#/e', 's/[^/]/#/e', 's/[]/]/#/e', 's/[^]/]/#/e', 's/[[.a.]/]/#/e',
    's/[[=a=]/]/#/e', 's|[|]|#|e', 's,[,],#,w FILE', '/[/p;#/]/e', '/[/p;#/]/w FILE', '\\%[%p;#%]%e', '1,/[/p;#/]/e', 's/a/b/;/[/p;#/]/W FILE']) {
    assert.ok(sedScriptProblem(script), `not proven: ${JSON.stringify(script)}`);
    assert.ok(allowlistFindings(`sed '${script}' f`), `refused: sed '${script}'`);
    assert.ok(allowlistFindings(`sed -n -e '${script}' f`), `refused: sed -n -e '${script}'`);
  }
  // The brackets sed reads whole, and the delimiter after them, stay proven.
  for (const script of ['s/[/]/x/', 's/[^]/]/x/g', 's/[]/]/x/', '/[/]/p', '\\%[%]%d', 's/[[:space:]/]*$//', 's|[|]|x|', 's/[\\]/x/', 's/[a/b]*/y/;p']) {
    assert.equal(sedScriptProblem(script), undefined, `proven: ${JSON.stringify(script)}`);
  }
  // Not in a replacement or y: there a `[` is a character like another.
  assert.ok(sedScriptProblem('s/a/[/]/e'), 'the replacement ends at its first delimiter');
  assert.equal(sedScriptProblem('s/a/[/;p'), undefined);
  assert.equal(sedScriptProblem('y/[/]/'), undefined);
  // `\c` then the delimiter: sed 4.9 reads `\c` and the delimiter, newer GNU seds (compile.c's atomic `\cX`) read
  // on to the next one, where `#` is the replacement and e the flag. Not proven either way.
  assert.ok(sedScriptProblem('s/\\c//#/e'));
  assert.ok(sedScriptProblem('s/\\c\\//#/e'));
  assert.equal(sedScriptProblem('s/\\cA/x/'), undefined);
  // A bracket left open on its line: sed refuses it, the lint does not prove it.
  assert.ok(sedScriptProblem('s/[/x/\np'));
});

function generator(rand: () => number) {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const some = (n: number, xs: readonly string[]) => Array.from({ length: Math.floor(rand() * (n + 1)) }, () => pick(xs)).join('');
  // A regular expression's text: the delimiter raw, in brackets of every shape and escaped, brackets left open or
  // closed early, classes, collating elements and equivalence classes whole and in halves.
  const regex = (d: string) => some(5, ['a', '.', '*', '^', '[', ']', d, d, `[${d}]`, `[^${d}]`, `[]${d}]`, `[^]${d}]`, `[[:alpha:]${d}]`,
    `[[.-.]${d}]`, `[[=a=]${d}]`, `[[:${d}:]]`, `[a[${d}]`, '[:alpha:]', '[[:', ':]', '[.', '.]', '[=', '=]', '[[', ']]', `\\${d}`, '\\]', '\\[', '\\.', '\\c', '#', ';', ' ']);
  const text = (d: string) => some(3, ['x', '&', '[', ']', '#', `\\${d}`, ';', ' ', d]);
  const tail = (d: string) => pick(['', '', 'g', 'p', '2', 'e', 'w out', 'gp', ';p', ' #c', `;#${d}]${d}e`, `#${d}e`, `${d}e`, `${d}w out`, `]${d}e`, `]${d}#${d}e`]);
  const one = (): string => {
    const d = pick(['/', '/', '/', '|', ',', '#', ']', '[', ':', '.', 'x']);
    if (rand() < 0.7) return `s${d}${regex(d)}${d}${text(d)}${d}${tail(d)}`;
    const ad = pick(['/', '/', '%', '|', ',', ']']);
    return `${ad === '/' ? '/' : `\\${ad}`}${regex(ad)}${ad}${pick(['p', 'p', 'd', '!p', 'e', 'w out', 'W out', ';#', `p;#${ad}]${ad}e`, `]${ad}e`, `]${ad}p`, ' s/a/b/'])}`;
  };
  return (): string => Array.from({ length: 1 + Math.floor(rand() * 2) }, one).join(pick([';', '\n', '\n#', ' ']));
}

test(`sed scripts with brackets the lint proves are ones GNU sed runs without e, r or w (${RUNS} generated, seed ${SEED})`, { skip: !gnuSed && 'GNU sed is not installed' }, (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-sed-brackets-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'in.txt'), 'a/b\n[x]\n');
  const next = generator(rng(SEED));
  let proven = 0, refused = 0, ran = 0;
  const seen = new Set<string>();
  for (let i = 0; i < RUNS; i++) {
    const script = next();
    if (sedScriptProblem(script)) { refused++; continue; }
    proven++;
    if (seen.has(script)) continue;
    seen.add(script);
    const r = spawnSync('sed', ['--sandbox', '-n', '-e', script, 'in.txt'], { cwd: dir, encoding: 'utf8', timeout: 10_000 });
    if (r.status === 0) ran++;
    assert.doesNotMatch(r.stderr, /disabled in sandbox mode/, `proven, and GNU sed finds e, r or w in it: ${JSON.stringify(script)}`);
    assert.deepEqual(readdirSync(dir), ['in.txt'], `proven, and it wrote a file: ${JSON.stringify(script)}`);
  }
  t.diagnostic(`proven ${proven} (${seen.size} distinct, ${ran} run cleanly by sed), refused ${refused}`);
  assert.ok(proven > RUNS / 20 && refused > RUNS / 10 && ran > seen.size / 4, `proven ${proven}, refused ${refused}, ran ${ran}`);
});
