// Files the system keeps from others, read by a proven read (engine/kept-files.ts). A probe of stop 78 had
// `head -c 12 /etc/shadow | rev` (validate clean, a proven read) print root's shadow line, real and dry; so would a
// 0600 file of the application's. Real files with real modes (a 0600 file, a 0640 root:shadow file, a link to
// one, a directory holding one walked by grep -r, rg, find, ls -R), the operand positions generated with seed 79
// (plain, after `--`, an input redirection, a glued or `=` option value, a ${{ }} value, under a wrapper, through a
// pipe, relative to `env -C`): every step withheld, naming the file, no form of its content on the screen or in the
// transcript, dry and real. Their twins on world-readable files are shown.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { scratch } from '../hardening/helpers.js';
import { E2E_TEST_LIMIT_MS } from '../helpers/limits.js';
import { runReads } from './kept-reads.js';
import { rng } from '../helpers/rng.js';
import { keptFilesRead } from '../../src/engine/kept-files.js';
import { IMPLICIT } from '../../src/engine/implicit-files.js';
import { planOfTemplate } from '../../src/language/shell-plan.js';

const SECRETS = { k: 'keptSecret79alpha', g: 'shadowLike79beta', s: 'walkedSecret79gamma' };
const PUBLIC = 'publicText79delta';
const reversed = (s: string) => [...s].reverse().join('');
const FORMS = Object.values(SECRETS).flatMap((s) => [s, reversed(s), s.toUpperCase(), reversed(s).toUpperCase(), Buffer.from(s).toString('base64').slice(0, 16)]);

/** `@` is the file's path as the step names it. */
const READS = ['cat @', 'cat -- @', 'head -c 40 @', 'head -c40 @', 'tail -n 1 @', 'rev < @', 'tr a-z A-Z < @', 'grep -h . @', 'grep -e . -- @',
  'od -c @', 'base64 @', 'xxd @', 'sort @', 'nl @', 'tac @', 'cut -c 1- @', "awk '{print}' @", 'sed -n p @', 'jq -R . @', 'diff /dev/null @',
  'strings @', 'hexdump -C @', 'fold -w 3 @', 'paste @', 'uniq @', 'zcat -f @', 'grep -f@ @', 'grep --file=@ -- @',
  "jq -n --rawfile v @ '$v'", 'cat -- "${{ inputs.f }}"'];
const WRAPS = ['', 'timeout 20 ', 'nice -n 1 ', 'env '];
const TAILS = ['', ' | rev', ' | tr a-z A-Z', ' | od -c'];
/** How a step names each kept file: relative, `./`, absolute, through `..`, through a link. */
const NAMES = (dir: string) => ['k', './k', join(dir, 'k'), 'd/../k', 'g', join(dir, 'g'), 'lnk'];
/** Walks of `d`, which holds a 0600 file two levels down. */
const WALKS = ['grep -r . d', 'grep -rh . d', 'grep -R . d', 'grep --recursive walked d', 'grep -d recurse . d', 'ls -R d', 'find d', 'find d -type f',
  'grep -rh walked', 'find', 'ls -lR d'];
const rg = spawnSync('rg', ['--version'], { stdio: 'ignore' }).status === 0;

function generated(dir: string, seed: number, count: number): { run: string; input?: string }[] {
  const next = rng(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(next() * xs.length)]!;
  return Array.from({ length: count }, () => {
    const form = pick(READS);
    const name = pick(NAMES(dir));
    const run = `${pick(WRAPS)}${form.replaceAll('@', name)}${pick(TAILS)} || true`; // diff and grep exit 1
    return form.includes('inputs.f') ? { run, input: name } : { run };
  });
}


function files(dir: string): void {
  chmodSync(dir, 0o755); // mkdtemp's 0700 keeps everything under it from others (path-reach.ts): the twins are open
  writeFileSync(join(dir, 'k'), `${SECRETS.k}\n`, { mode: 0o600 });
  writeFileSync(join(dir, 'g'), `${SECRETS.g}\n`, { mode: 0o640 });
  try { chownSync(join(dir, 'g'), 0, 42); } catch { /* not root: a 0640 file of the operator's own group */ }
  symlinkSync('k', join(dir, 'lnk'));
  mkdirSync(join(dir, 'd', 'sub'), { recursive: true });
  writeFileSync(join(dir, 'd', 'open'), 'open file\n', { mode: 0o644 });
  writeFileSync(join(dir, 'd', 'sub', 's'), `${SECRETS.s}\n`, { mode: 0o600 });
  mkdirSync(join(dir, 'pd'));
  writeFileSync(join(dir, 'pub'), `${PUBLIC}\n`, { mode: 0o644 });
  writeFileSync(join(dir, 'pd', 'p'), `${PUBLIC}\n`, { mode: 0o644 });
  for (const f of ['k', 'g', 'd/sub/s']) chmodSync(join(dir, f), f === 'g' ? 0o640 : 0o600);
}

for (const mode of ['real', 'dry'] as const) {
  test(`a proven read of a file others may not read is given a secret, by the engine's reading (${mode} run); world-readable twins are shown`, { timeout: E2E_TEST_LIMIT_MS }, async () => {
    const dir = scratch({ after: () => undefined });
    files(dir);
    const reads = generated(dir, 79, 40);
    const walks = [...WALKS, ...(rg ? ['rg . d', 'rg -N walked'] : [])].map((run) => ({ run: `${run} || true` }));
    const shadow = existsSync('/etc/shadow') && (statSync('/etc/shadow').mode & 0o004) === 0 ? [{ run: 'head -c 12 /etc/shadow | rev' }] : [];
    const kept = [...reads, ...walks, ...shadow, { run: 'ps axe' }, { run: 'ps e -A || true' }];
    const clean = [...READS.filter((f) => !f.includes('inputs.f')).slice(0, 12).map((f) => ({ run: f.replaceAll('@', 'pub') })),
      { run: 'grep -r . pd' }, { run: 'find pd -type f' }, { run: 'ls -R pd' }, { run: 'env -C pd cat p' }, { run: 'ps -o pid,comm' }];
    const { finished, stdout } = await runReads(dir, 'kept', [...kept, ...clean], mode, FORMS);
    kept.forEach((s, i) => {
      const res = finished.get(`s${i}`);
      assert.ok(res, `${s.run} ran`);
      assert.ok(res.withheld, `${s.run}: withheld (${JSON.stringify(res)})`);
      assert.match(res.withheld.because.join(), /a file others may not read|by ps e|which the engine does not/, s.run);
    });
    // The record names the file (never its content); a file named with a value is said so.
    const because = [...finished.values()].flatMap((res) => res.withheld?.because ?? []).join('\n');
    for (const f of [join(dir, 'k'), join(dir, 'g'), join(dir, 'd', 'sub', 's')]) assert.ok(because.includes(f), `${f} named in the record:\n${because}`);
    clean.forEach((s, i) => {
      const res = finished.get(`s${kept.length + i}`);
      assert.equal(res?.status, 'ok', s.run);
      assert.equal(res?.withheld, undefined, `${s.run} is shown`);
    });
    assert.ok(stdout.includes(`| ${PUBLIC}`), 'a world-readable file is on the screen');
  });
}

// Where the engine cannot bound what a program reads, the step is given a secret rather than shown.
test('what a proven read can read, by the engine reading of its argv', () => {
  const dir = scratch({ after: () => undefined });
  files(dir);
  const read = (script: string, values: string[] = [], cwd = dir) => keptFilesRead(planOfTemplate(script)!, values, cwd);
  assert.deepEqual(read('cat pub; head -c 5 pub | rev; grep -r . pd; ls d; stat -c %a k; ls -l k'), [], 'world-readable files, and names and metadata only');
  assert.equal(read('timeout 5 stat k').length, 1, 'behind a wrapper every word counts');
  assert.equal(read('cat -- "${{ inputs.f }}"', ['k']).join(), 'a file others may not read (named with a ${{ }} value)');
  assert.equal(read('cat -- "${{ inputs.f }}"', ['pub']).length, 0);
  assert.ok(read('env -C d cat sub/s').join().includes(join(dir, 'd', 'sub', 's')), 'relative to env -C');
  assert.ok(read('cd d; cat sub/s').join().includes(join(dir, 'd', 'sub', 's')) || planOfTemplate('cd d; cat sub/s') === undefined);
  assert.match(read("awk 'BEGIN { getline l < \"/x\"; print l }'").join(), /opens by itself/);
  assert.match(read('ps e').join(), /environ/);
  assert.ok(read('diff -r --from-file=d pd').join().includes(join(dir, 'd', 'sub', 's')), 'a directory diff compares, walked');
  assert.deepEqual(read('ps -o pid,user'), []);
  assert.match(read('grep -r x /', [], '/').join(), /does not bound|others may not read/);
  // Files a program reads that its words do not name: the journal's, a data directory's pg_control.
  writeFileSync(join(dir, 'pd', 'system.journal'), 'log line\n', { mode: 0o640 });
  chmodSync(join(dir, 'pd', 'system.journal'), 0o640);
  const journal = (script: string) => keptFilesRead(planOfTemplate(script)!, [], dir, { ...IMPLICIT, journalctl: () => [join(dir, 'pd')] });
  assert.match(journal('journalctl -u db -n 5').join(), /system\.journal, walked by journalctl/);
  assert.deepEqual(journal('systemctl is-active db'), []);
  assert.match(read('pg_controldata -D d').join(), /walked by pg_controldata/);
});
