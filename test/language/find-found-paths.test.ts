// What find puts where `{}` stands is a path it found, named by whoever named the file: the lint read a `{}` word
// as the text `{}`, and a probe of stop 75 proved `find up -type f -exec awk '{}' /dev/null ';'` a read, which ran
// a file named `up/1;BEGIN{system(…)}` as awk's program (in a real run and in the dry run's sandbox: it connected
// to a loopback listener, killed another process and left one running). Generated (fixed seed): find commands
// whose -exec hands `{}` to a reviewed program's program, script or option position, over a directory of hostile
// names; every one the lint proves a read is run by bash and GNU find, and must create or change nothing. Ended by
// `+`, `{}` is every path found: `find u -type f -exec uniq -c '{}' +` ran `uniq -c u/f1 u/f2` and wrote f2 (a real
// run as a non-root operator, whose proven reads are not shielded).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allowlistFindings } from '../../src/language/validate/shell-lint.js';
import { rng } from '../helpers/rng.js';

const RUNS = Number(process.env.FIND_PATHS_RUNS ?? 300);
const SEED = Number(process.env.FIND_PATHS_SEED ?? 75);
const gnuFind = spawnSync('find', ['--version'], { encoding: 'utf8' }).stdout?.includes('GNU findutils');

/** File names that are code to a program reading them as its program or script: each creates PWNED. */
const HOSTILE = ['1;BEGIN{system("touch PWNED")}', 'e touch PWNED', 'wPWNED', '1e touch PWNED', '-oPWNED'];
/** `two` holds two files: `uniq '{}' +` writes the second of exactly two. */
const STARTS = ['.', 'up', 'wPWNED', '1e touch PWNED', '1*', 'up/', 'two', 'two'];
/** Argument lists with `{}` where a program reads code or options. */
const COMMANDS = [['awk', '{}'], ['awk', '{}', 'f'], ['gawk', '{}', 'f'], ['sed', '-n', '{}'], ['sed', '-n', '-e', '{}', 'f'],
  ['sed', '{}', 'f'], ['sort', '{}', 'f'], ['cat', '{}'], ['grep', '-c', 'x', '{}'], ['jq', '-n', '{}'], ['date', '{}'], ['date', '+{}'],
  ['uniq', '{}'], ['uniq', '-c', '{}'], ['xxd', '{}'], ['xxd', '-p', '{}'], ['uniq', 'f', '{}']];

/** Every file under dir and its content. */
const snapshot = (dir: string): Record<string, string> => Object.fromEntries(readdirSync(dir, { recursive: true, encoding: 'utf8' })
  .sort().map((f) => [f, statSync(join(dir, f)).isFile() ? readFileSync(join(dir, f), 'latin1') : 'dir']));

const quote = (w: string) => `'${w.replaceAll("'", `'\\''`)}'`;

test(`a {} word is a found path, not the text {} (${RUNS} generated, seed ${SEED})`, { skip: !gnuFind && 'GNU find is not installed' }, (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-find-paths-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'up'));
  for (const name of HOSTILE) { writeFileSync(join(dir, 'up', name), `${name}\n`); writeFileSync(join(dir, name), `${name}\n`); }
  writeFileSync(join(dir, 'f'), 'x\n');
  mkdirSync(join(dir, 'two'));
  writeFileSync(join(dir, 'two', 'a'), 'a\na\n');
  writeFileSync(join(dir, 'two', 'b'), 'b\n');
  const before = snapshot(dir);
  const rand = rng(SEED);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  let proven = 0;
  for (let i = 0; i < RUNS; i++) {
    const starts = Array.from({ length: 1 + Math.floor(rand() * 2) }, () => pick(STARTS));
    const words = ['find', ...starts.map((s) => (s === '1*' ? s : quote(s))), '-maxdepth', '1', '-type', 'f',
      pick(['-exec', '-execdir']), ...pick(COMMANDS).map(quote), pick(["';'", "';'", '+'])];
    const script = words.join(' ');
    if (script.endsWith('+') && !script.includes("'{}' +")) continue; // find refuses it
    if (allowlistFindings(script) !== undefined) continue;
    proven++;
    spawnSync('bash', ['-c', `${script} < /dev/null`], { cwd: dir, stdio: 'ignore', timeout: 10_000 });
    assert.equal(existsSync(join(dir, 'PWNED')), false, `proven a read, and it created PWNED: ${script}`);
    assert.deepEqual(snapshot(dir), before, `proven a read, and it changed a file: ${script}`);
  }
  assert.ok(proven > RUNS / 10, `${proven} proven: the benign cases (cat, grep, sort) are still proven`);
});

test('the probe: find up -exec awk {} over a file named as awk code', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-find-paths-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'up'));
  writeFileSync(join(dir, 'up', HOSTILE[0]!), '');
  const script = "find up -type f -exec awk '{}' /dev/null ';'";
  spawnSync('bash', ['-c', script], { cwd: dir, stdio: 'ignore' });
  assert.equal(existsSync(join(dir, 'PWNED')), true, 'awk ran the file name: the case is real');
  assert.match(allowlistFindings(script) ?? '', /awk program built from a value/);
  assert.equal(allowlistFindings("find up -type f -exec grep -c x '{}' +"), undefined, 'a found path as an operand still reads');
  assert.equal(allowlistFindings("find . -execdir cat '{}' ';'"), undefined);
});

test('the probe: find u -exec uniq -c {} + writes the second file it found', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-find-paths-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'u'));
  writeFileSync(join(dir, 'u', 'f1'), 'a\na\n');
  writeFileSync(join(dir, 'u', 'f2'), 'precious\n');
  const script = "find u -type f -exec uniq -c '{}' +";
  spawnSync('bash', ['-c', script], { cwd: dir, stdio: 'ignore' });
  // find's order is the directory's: one of the two was written over with the other's counts.
  assert.ok(readFileSync(join(dir, 'u', 'f2'), 'utf8') !== 'precious\n' || readFileSync(join(dir, 'u', 'f1'), 'utf8') !== 'a\na\n', 'uniq wrote the second path: the case is real');
  assert.match(allowlistFindings(script) ?? '', /uniq writing its second operand/);
  assert.equal(allowlistFindings("find u -type f -exec uniq -c '{}' ';'"), undefined, 'one path at a time: uniq reads it');
});
