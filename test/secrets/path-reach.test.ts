// The way to a file counts, not only its mode (engine/path-reach.ts). A probe of stop 80: `cat d7/f` (0644 in a
// 0700 directory of another account, as /home/alice/notes is) and `cat lnk/../f2` (a 0600 file reached through a link's `..`, which the
// engine had joined away as text) were shown, real and dry, validate clean; and a file in a directory another
// account owns was shown though that account may swap its name for a link to a kept file between the engine's
// look and the program's open. Real files, modes and owners; reads generated with seed 80 (forms × wrappers ×
// pipes × ways to the file): every one withheld naming why, no form of the contents on the screen or in the
// transcript, dry and real; the same shapes where others may reach the file are shown.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { scratch } from '../hardening/helpers.js';
import { E2E_TEST_LIMIT_MS } from '../helpers/limits.js';
import { runReads } from './kept-reads.js';
import { rng } from '../helpers/rng.js';
import { keptFromOthers } from '../../src/engine/path-reach.js';

const SECRETS = { inner: 'innerSecret80alpha', dotdot: 'dotdotSecret80beta', swap: 'swapSecret80gamma', walk: 'walkSecret80delta' };
const PUBLIC = 'publicText80epsilon';
const reversed = (s: string) => [...s].reverse().join('');
const FORMS = Object.values(SECRETS).flatMap((s) => [s, reversed(s), s.toUpperCase(), reversed(s).toUpperCase()]);
const root = process.geteuid?.() === 0;
const NOBODY = 65534;

const READS = ['cat @', 'cat -- @', 'head -c 40 @', 'tail -n 1 @', 'rev < @', 'grep -h . @', 'od -c @', 'base64 @', 'sort @', "awk '{print}' @",
  'sed -n p @', 'jq -R . @', 'grep -f@ @', 'cat -- "${{ inputs.f }}"'];
const WRAPS = ['', 'timeout 20 ', 'nice -n 1 ', 'env '];
const TAILS = ['', ' | rev', ' | tr a-z A-Z'];
/** Ways to a kept file: inside a 0700 directory, two levels under one, through a link into it, through a link's
 *  `..`, absolutely; a name in a directory of another account, and another account's file in a sticky one. */
const KEPT = (dir: string) => ['up/../f2', ...(root ? ['d7/f', './d7/f', 'd7/in/g', 'lnk/g', join(dir, 'd7', 'in', 'g'), 'theirs/f', 'sticky/f'] : [])];
/** The same shapes others may reach; and, decided (path-reach.ts), a file in a 0700 directory of root's own. */
const OPEN = ['o/f', 'o/in/g', 'olnk/g', 'oup/../pub', 'sticky/mine', 'r7/f'];
const WALKS = root ? ['grep -r . w', 'grep -rh . w', 'find w -type f', 'ls -R w', 'find w'] : [];

function generated(names: string[], seed: number, count: number): { run: string; input?: string }[] {
  const next = rng(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(next() * xs.length)]!;
  return Array.from({ length: count }, (_, i) => {
    const form = pick(READS);
    const name = names[i % names.length]!; // every way at least once
    const run = `${pick(WRAPS)}${form.replaceAll('@', name)}${pick(TAILS)} || true`;
    return form.includes('inputs.f') ? { run, input: name } : { run };
  });
}

function files(dir: string): void {
  chmodSync(dir, 0o755);
  const put = (path: string, text: string, mode = 0o644) => { writeFileSync(join(dir, path), `${text}\n`); chmodSync(join(dir, path), mode); };
  const mkdir = (path: string, mode = 0o755) => { mkdirSync(join(dir, path), { recursive: true }); chmodSync(join(dir, path), mode); };
  mkdir('d7/in'); put('d7/f', SECRETS.inner); put('d7/in/g', SECRETS.inner); chmodSync(join(dir, 'd7'), 0o700); // another's, below
  mkdir('r7'); put('r7/f', PUBLIC); chmodSync(join(dir, 'r7'), 0o700);
  symlinkSync('d7/in', join(dir, 'lnk'));
  mkdir('dd/in'); put('dd/f2', SECRETS.dotdot, 0o600); symlinkSync('dd/in', join(dir, 'up')); // up/.. is dd
  mkdir('o/in'); put('o/f', PUBLIC); put('o/in/g', PUBLIC); symlinkSync('o/in', join(dir, 'olnk')); symlinkSync('o/in', join(dir, 'oup'));
  put('pub', PUBLIC);
  mkdir('sticky', 0o1777); put('sticky/mine', PUBLIC);
  mkdir('w/priv'); put('w/open', PUBLIC); put('w/priv/s', SECRETS.walk); chmodSync(join(dir, 'w', 'priv'), 0o700);
  if (root) {
    chownSync(join(dir, 'd7'), NOBODY, NOBODY); chownSync(join(dir, 'w', 'priv'), NOBODY, NOBODY);
    mkdir('theirs'); put('theirs/f', SECRETS.swap); chownSync(join(dir, 'theirs'), NOBODY, NOBODY);
    put('sticky/f', SECRETS.swap); chownSync(join(dir, 'sticky', 'f'), NOBODY, NOBODY);
  }
}


for (const mode of ['real', 'dry'] as const) {
  test(`a proven read of a file others cannot reach, or whose name another account may swap, is given a secret (${mode} run)`, { timeout: E2E_TEST_LIMIT_MS }, async (t) => {
    const dir = scratch(t);
    files(dir);
    const kept = [...generated(KEPT(dir), 80, 24), ...WALKS.map((run) => ({ run: `${run} || true` }))];
    const open = [...generated(OPEN, 81, 10), { run: 'grep -r . o' }, { run: 'find o -type f' }];
    const { finished, stdout } = await runReads(dir, 'reach', [...kept, ...open], mode, FORMS);
    kept.forEach((s, i) => {
      const res = finished.get(`s${i}`);
      assert.ok(res?.withheld, `${s.run}: withheld (${JSON.stringify(res)})`);
      assert.match(res.withheld.because.join(), /a file others may not read/, s.run);
    });
    const because = [...finished.values()].flatMap((res) => res.withheld?.because ?? []).join('\n');
    if (root) assert.match(because, /a directory others may not search/);
    if (root) assert.match(because, /a directory of another account \(uid 65534\)/);
    open.forEach((s, i) => {
      const res = finished.get(`s${kept.length + i}`);
      assert.equal(res?.status, 'ok', s.run);
      assert.equal(res?.withheld, undefined, `${s.run} is shown`);
    });
    assert.ok(stdout.includes(`| ${PUBLIC}`), 'a file others may reach is on the screen');
  });
}

// The swap is real: the other account may put a link to a root-only file where the engine looked at its own.
test('the owner of a directory swaps a name in it for a link to a file it cannot read; the engine counts such a name', { skip: !root }, (t) => {
  const dir = scratch(t);
  files(dir);
  writeFileSync(join(dir, 'shadowish'), 'x'); chmodSync(join(dir, 'shadowish'), 0o600);
  assert.match(keptFromOthers(join(dir, 'theirs', 'f')) ?? '', /another account/, 'counted before any swap');
  const swap = spawnSync('setpriv', ['--reuid', String(NOBODY), '--regid', String(NOBODY), '--clear-groups', 'ln', '-sfn', join(dir, 'shadowish'), join(dir, 'theirs', 'f')]);
  assert.equal(swap.status, 0, swap.stderr.toString());
  assert.equal(readFileSync(join(dir, 'theirs', 'f'), 'utf8'), 'x', 'root now opens the kept file by that name');
  assert.equal(keptFromOthers(join(dir, 'sticky', 'mine')), undefined, 'a root file in a sticky directory keeps its name');
  assert.equal(keptFromOthers(join(dir, 'nothing', 'here')), undefined);
});
