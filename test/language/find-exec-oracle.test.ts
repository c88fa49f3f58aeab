// Where an -exec command ends is GNU find's to say (issue #44): the lint ended it at any `+`, while find ends it
// at `;`, or (-exec, -execdir) at a `+` right after a `{}` word. A probe's `find D -exec sed -e s/a/b/ + -iname F ';'`
// was proven a read and ran `sed … -iname F` (sed -i). Generated: argument lists after -exec and -execdir from
// words that matter to that rule (`{}`, `+`, `;`, words holding `{}`, primaries); GNU find runs each with a
// recorder as the command, and the command the recorder got must be the words the lint handed to its reading of
// the command, `{}` put in. A list find refuses runs nothing and shows nothing. A fixed seed in `npm test`;
// FIND_ORACLE_SEED/RUNS.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { find } from '../../src/language/validate/read-programs.js';
import { DYNAMIC, type Word } from '../../src/language/shell-syntax.js';
import { rng } from '../helpers/rng.js';
import { planOfTemplate, withHoles } from '../../src/language/shell-plan.js';
import { valueAsFindSyntax } from '../../src/language/shell-plan-text.js';
import { allowlistFindings } from '../../src/language/validate/shell-lint.js';

const RUNS = Number(process.env.FIND_ORACLE_RUNS ?? 2000);
const SEED = Number(process.env.FIND_ORACLE_SEED ?? 44);
const gnuFind = spawnSync('find', ['--version'], { encoding: 'utf8' }).stdout?.includes('GNU findutils');

const word = (text: string): Word => ({ text, dynamic: false, pattern: false, quoted: true });

/** The words the lint reads as the first -exec's command (as find would run them, `{}` put in), or undefined. */
function lintCommand(args: string[], file: string): string[] | undefined {
  let got: string[] | undefined;
  // A word holding {} reaches the command's reading as a value (DYNAMIC where the name goes); a `{}` word as a found
  // path, its prefix (the starting point, or ./ under -execdir) then DYNAMIC for the rest of the name.
  const whole = (t: string) => [`D${DYNAMIC}`, `./${DYNAMIC}`].includes(t);
  // Ended by `+`, a `{}` is as many paths as fit: the lint reads two (one word, given twice); find found one here.
  find(args.map(word), (all) => { const words = all.filter((w, i) => i === 0 || all[i - 1] !== w); got ??= words.map((w) => (whole(w.text) ? file : w.text.replaceAll('{}', file).replaceAll(DYNAMIC, file))); return undefined; });
  return got;
}

test(`find ends an -exec command where GNU find does (${RUNS} generated, seed ${SEED})`, { skip: !gnuFind && 'GNU find is not installed' }, (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-find-oracle-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'D'));
  const log = join(dir, 'log');
  const rec = join(dir, 'rec');
  // The recorder: a line per run, R then its arguments, NUL-separated.
  writeFileSync(rec, `#!/bin/sh\n{ printf R; for a; do printf '%s\\0' "$a"; done; printf '\\n'; } >> ${log}\n`);
  chmodSync(rec, 0o755);
  const rand = rng(SEED);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const POOL = ['{}', '{}', '+', '+', ';', ';', 'a', '-iname', '-print', 'x{}', '{}+', '-exec', '-name', '(', ')', 'rec'];
  let ran = 0, refused = 0;
  for (let i = 0; i < RUNS; i++) {
    const exec = pick(['-exec', '-execdir']);
    // Half end with `;` as a well-formed command does, so that find runs many of them.
    const tail = [...Array.from({ length: 1 + Math.floor(rand() * 6) }, () => pick(POOL)), ...(rand() < 0.5 ? [';'] : [])].map((w) => (w === 'rec' ? rec : w));
    const args = ['D', '-maxdepth', '0', exec, rec, ...tail];
    if (existsSync(log)) rmSync(log);
    const r = spawnSync('find', args, { cwd: dir, encoding: 'utf8', timeout: 10_000, input: '' });
    const runs = existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean).map((l) => l.slice(1).split('\0').slice(0, -1)) : [];
    if (runs.length === 0) { refused++; continue; }
    ran++;
    const file = exec === '-execdir' ? './D' : 'D';
    assert.deepEqual([rec, ...runs[0]!], lintCommand(args, file), `find ${args.join(' ')} (exit ${r.status}: ${r.stderr.trim()})`);
  }
  assert.ok(ran > RUNS / 5 && refused > RUNS / 10, `${ran} ran, ${refused} refused by find: the cases do not reach both sides`);
});

test('-ok and -okdir end only at `;`: `{} +` is not theirs', () => {
  assert.deepEqual(lintCommand(['D', '-ok', 'cat', '{}', '+', '-iname', 'x', ';'], 'D'), ['cat', 'D', '+', '-iname', 'x']);
  assert.deepEqual(lintCommand(['D', '-exec', 'cat', '{}', '+', '-iname', 'x', ';'], 'D'), ['cat', 'D']);
});

test('-newerXY takes its reference: the word after it is never a primary', () => {
  const findings = (args: string[]) => find(args.map(word), () => undefined);
  // find reads -newermm ./-name, then -delete (a probe deleted files this way when the lint read `-name -delete`).
  assert.deepEqual(findings(['.', '-newermm', '-name', '-delete']), { looks: 'find -delete' });
  assert.deepEqual(findings(['.', '-newermm', 'ref', '-delete']), { looks: 'find -delete' });
  assert.deepEqual(findings(['.', '-newermt', '2024-01-01', '-delete']), { looks: 'find -delete' });
});

test('a value that is find syntax (`;`, `+`, `{}`…) in a command running find is refused at run time; GNU find would have deleted', (t) => {
  const script = `find D -mindepth 1 -exec true "\${{ inputs.v }}" -delete -name ';'`;
  const plan = planOfTemplate(script);
  assert.ok(plan, 'the template is in the proven subset');
  assert.equal(allowlistFindings(withHoles(script)), undefined, 'the lint proves it a read as written');
  assert.equal(valueAsFindSyntax(plan, ['anything']), undefined);
  for (const v of [';', '+', '{}', '(', '!']) assert.match(valueAsFindSyntax(plan, [v]) ?? '', /find reads as its own syntax/, v);
  assert.equal(valueAsFindSyntax(planOfTemplate('grep -c "${{ inputs.v }}" f')!, [';']), undefined, 'only where find runs');
  // The attack, with GNU find: v = ';' ends the command before -delete, which find then runs (-name takes the last ';').
  const dir = mkdtempSync(join(tmpdir(), 'runbook-find-value-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'D'));
  writeFileSync(join(dir, 'D', 'victim'), 'x');
  spawnSync('find', ['D', '-mindepth', '1', '-exec', 'true', ';', '-delete', '-name', ';'], { cwd: dir, stdio: 'ignore' });
  assert.equal(existsSync(join(dir, 'D', 'victim')), false, 'find deleted the victim: the case is real');
});
