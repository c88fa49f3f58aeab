// ripgrep's -z (--search-zip) starts a decompressor chosen by the file's suffix (gzip, zstd, xz, …) with the path
// as its last argument and no `--`: the path is read by that program's option parser, which the lint never reads.
// A probe of stop 76 proved `cat payload.zst | rg -z -c hello -- -o=PWN.zst` a read: zstd took the file's name
// for `-o PWN.zst` and wrote what the pipe gave it (a real run as a non-root operator, whose proven reads are not
// shielded; as root the shield refused the write). Generated (fixed seed): rg commands from every option reviewed
// for rg and the ones that start programs, over files of every compressed suffix with names that are options;
// each the lint proves a read runs under strace, and starts no program but the script's own (bash, cat, rg),
// creating nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allowlistFindings } from '../../src/language/validate/shell-lint.js';
import { READS } from '../../src/language/validate/read-commands.js';
import { rng } from '../helpers/rng.js';

const RUNS = Number(process.env.RG_HELPERS_RUNS ?? 300);
const SEED = Number(process.env.RG_HELPERS_SEED ?? 76);
const have = (p: string) => spawnSync(p, ['--version'], { stdio: 'ignore' }).status === 0;
const tools = have('rg') && have('zstd') && have('strace');

/** The options that start another program with a path (not reviewed now), then every one reviewed for rg. */
const ACTING = ['-z', '--search-zip', '--pre=cat', '--pre-glob=*'];
function rgOptions(): string[] {
  const spec = READS.rg!;
  const value = (name: string) => ({ e: 'hello', regexp: 'hello', f: 'pats', file: 'pats', g: '*', glob: '*', iglob: '*', t: 'txt', type: 'txt',
    T: 'txt', 'type-not': 'txt', r: 'y', replace: 'y', sort: 'path', sortr: 'path', color: 'never', colors: 'match:fg:red' } as Record<string, string>)[name] ?? '1';
  return [...ACTING, ...[...spec.flags ?? ''].map((c) => `-${c}`), ...[...spec.valued ?? ''].map((c) => `-${c} ${value(c)}`),
    ...(spec.long ?? '').split(/\s+/).filter(Boolean).map((n) => (n.endsWith('=') ? `--${n}${value(n.slice(0, -1))}` : `--${n}`))];
}

/** Files of each suffix rg decompresses, some named as a decompressor's options. */
function fixture(dir: string): void {
  const zst = spawnSync('zstd', ['-q', '-c'], { input: 'hello PWNED\n' }).stdout;
  writeFileSync(join(dir, 'payload.zst'), zst);
  writeFileSync(join(dir, 'pats'), 'hello\n');
  for (const name of ['-o=PWN.zst', '-o=PWN.gz', '--output=PWN.br', '-oPWN.xz', 'plain.txt', 'a.gz', 'a.bz2', 'a.xz', 'a.lz4', 'a.lzma', 'a.br', 'a.Z']) {
    writeFileSync(join(dir, name), name.endsWith('.txt') ? 'hello\n' : zst);
  }
}

const quote = (w: string) => `'${w.replaceAll("'", `'\\''`)}'`;

/** The programs a script started (strace's execve lines), and whether it created a file. */
function run(dir: string, script: string): string[] {
  const log = join(dir, '..', `${dir.split('/').pop()}.strace`);
  spawnSync('strace', ['-f', '-qq', '-e', 'trace=execve', '-e', 'signal=none', '-o', log, 'bash', '-c', script], { cwd: dir, stdio: 'ignore', timeout: 10_000 });
  const started = readFileSync(log, 'utf8').split('\n').map((l) => /execve\("([^"]+)"/.exec(l)?.[1]).filter((p): p is string => !!p);
  rmSync(log, { force: true });
  return started.map((p) => p.slice(p.lastIndexOf('/') + 1));
}

test(`rg as proven starts no other program (${RUNS} generated, seed ${SEED})`, { skip: !tools && 'needs rg, zstd and strace' }, (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-rg-helpers-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  fixture(dir);
  const before = readdirSync(dir).sort();
  const rand = rng(SEED);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const options = rgOptions();
  let proven = 0;
  for (let i = 0; i < RUNS; i++) {
    const chosen = Array.from({ length: Math.floor(rand() * 4) }, () => pick(options));
    const operands = pick([[], ['.'], ['--', '-o=PWN.zst'], ['--', '-o=PWN.gz', 'a.xz'], ['payload.zst', 'a.gz'], ['--', '--output=PWN.br']]);
    const script = `${pick(['', 'cat payload.zst | '])}rg ${chosen.join(' ')} hello ${operands.map(quote).join(' ')}`;
    if (allowlistFindings(script) !== undefined) continue;
    proven++;
    const started = run(dir, `${script} < /dev/null`);
    assert.deepEqual(started.filter((p) => !['bash', 'rg', 'cat'].includes(p)), [], `proven a read, and it started other programs: ${script}`);
    assert.deepEqual(readdirSync(dir).sort(), before, `proven a read, and it created a file: ${script}`);
  }
  assert.ok(proven > RUNS / 10, `${proven} proven: rg's reading options are still proven`);
});

test('the probe: rg -z hands a file named -o=PWN.zst to zstd, which writes it', { skip: !tools && 'needs rg, zstd and strace' }, (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-rg-helpers-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  fixture(dir);
  const script = 'cat payload.zst | rg -z -c hello -- -o=PWN.zst';
  spawnSync('bash', ['-c', script], { cwd: dir, stdio: 'ignore' });
  assert.ok(existsSync(join(dir, 'PWN.zst')), 'zstd wrote the file: the case is real');
  assert.match(allowlistFindings(script) ?? '', /'rg -z': not an option reviewed/);
  assert.match(allowlistFindings('rg --search-zip hello .') ?? '', /not an option reviewed/);
  assert.equal(allowlistFindings('rg -c hello -- -o=PWN.zst'), undefined, 'without -z the same name is only read');
});
