// A name absent while a proven read is prepared, made by another account before the program opens it (stop 80's
// left item; path-reach.ts). The engine judged a path with nothing there as opening nothing, so `cat B/n`, with B a
// directory another account may write, was shown; that account then made B/n a link to a 0600 file and cat printed
// it as root (fs.protected_symlinks is 0 here, and the sticky bit keeps only names that exist). The real reader is
// the kernel: each generated case (seed 81: the directory's kind, the name's depth, the reading program) is judged
// by the engine before the other account acts (setpriv to uid/gid 65534), then run. Either the engine withheld the
// step, or what ran printed no byte of the kept file. And rg's ignore files above a root it walks (rg reads
// .rgignore, .ignore, .gitignore up to '/'): a 0600 one chooses what it prints, and is read like a walked file.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { scratch } from '../hardening/helpers.js';
import { rng } from '../helpers/rng.js';
import { keptFilesRead } from '../../src/engine/kept-files.js';
import { planOfTemplate } from '../../src/language/shell-plan.js';

const SECRET = 'absentNameSecret81';
const OTHER = 65534;
const root = process.geteuid?.() === 0;
const installed = (p: string) => spawnSync('sh', ['-c', `command -v ${p}`], { stdio: 'ignore' }).status === 0;

/** Directories another account may add a name to: its own, one its group may write, and one anybody may (sticky or not). */
const KINDS: { name: string; make: (path: string) => void }[] = [
  { name: 'another account owns', make: (p) => { chmodSync(p, 0o755); chownSync(p, OTHER, OTHER); } },
  { name: 'its group may write', make: (p) => { chmodSync(p, 0o775); chownSync(p, 0, OTHER); } },
  { name: 'anybody may write, sticky', make: (p) => chmodSync(p, 0o1777) },
  { name: 'anybody may write', make: (p) => chmodSync(p, 0o777) },
];
const READERS = ['cat @', 'head -c 60 @', 'rev @', 'grep -h . @', 'tac @', 'od -c @', 'sort @', 'base64 @'];
const DEPTHS = ['n', 'n/f'];

test('a name another account may make after a proven read is prepared is not shown (the kernel opens what is there then)', { skip: !root && 'needs root to act as another account' }, (t) => {
  const dir = scratch(t);
  chmodSync(dir, 0o755);
  writeFileSync(join(dir, 'K'), `${SECRET}\n`, { mode: 0o600 });
  const next = rng(81);
  const pick = <T>(xs: T[]): T => xs[Math.floor(next() * xs.length)]!;
  const shown: string[] = [];
  for (let i = 0; i < 24; i++) {
    const kind = KINDS[i % KINDS.length]!;
    const b = join(dir, `b${i}`);
    mkdirSync(b);
    kind.make(b);
    const depth = pick(DEPTHS);
    const run = pick(READERS).replace('@', `b${i}/${depth}`);
    const verdict = keptFilesRead(planOfTemplate(run)!, [], dir);
    // The other account acts now: the name (or the directory on its way) becomes a link to the kept file.
    const made = depth === 'n' ? `ln -s ${join(dir, 'K')} ${join(b, 'n')}` : `mkdir ${join(b, 'n')} && ln -s ${join(dir, 'K')} ${join(b, 'n', 'f')}`;
    const as = spawnSync('setpriv', ['--reuid', String(OTHER), '--regid', String(OTHER), '--clear-groups', 'sh', '-c', made], { encoding: 'utf8' });
    assert.equal(as.status, 0, `${kind.name}: the other account made the link (${as.stderr})`);
    const r = spawnSync('sh', ['-c', run], { cwd: dir, encoding: 'latin1' });
    const printed = `${r.stdout}`.replace(/\s+/g, '');
    const leaked = printed.includes(SECRET) || printed.includes([...SECRET].reverse().join('')) || printed.includes(Buffer.from(SECRET).toString('base64').slice(0, 12)) || /a\s*b\s*s\s*e\s*n/.test(r.stdout);
    assert.ok(leaked, `${run} in a directory ${kind.name}: the kernel followed the link (the case is real)`);
    if (verdict.length === 0) shown.push(`${run} (a directory ${kind.name})`);
    else assert.match(verdict.join(), /may create/, run);
  }
  assert.deepEqual(shown, [], 'shown by the engine, then printed the kept file');
  // Its twin: an absent name in a directory only root may write opens nothing another account chose.
  mkdirSync(join(dir, 'mine'));
  assert.deepEqual(keptFilesRead(planOfTemplate('cat mine/n')!, [], dir), []);
});

test('a tree walked through a directory another account may change is not shown (the walk reads what is there when it passes)', { skip: !root && 'needs root to act as another account' }, (t) => {
  const dir = scratch(t);
  chmodSync(dir, 0o755);
  writeFileSync(join(dir, 'K'), `${SECRET}\n`, { mode: 0o600 });
  const next = rng(81);
  const walkers = ['grep -R . W', 'grep -Rh . W', 'grep --dereference-recursive -h . W', 'diff -rN V W', ...(installed('rg') ? ['rg -L . W', 'rg -L -N --no-heading . W'] : [])];
  const shown: string[] = [];
  for (let i = 0; i < 8; i++) {
    const at = join(dir, `t${i}`);
    for (const top of ['W', 'V']) {
      mkdirSync(join(at, top, 'sub'), { recursive: true });
      writeFileSync(join(at, top, 'sub', 'f'), `${top} open\n`, { mode: 0o644 });
    }
    const kind = KINDS[i % KINDS.length]!;
    kind.make(join(at, 'W', 'sub'));
    const run = walkers[Math.floor(next() * walkers.length)]!;
    const verdict = keptFilesRead(planOfTemplate(run)!, [], at);
    // The other account adds a name there: a link to the kept file (the sticky bit keeps only names that exist).
    const as = spawnSync('setpriv', ['--reuid', String(OTHER), '--regid', String(OTHER), '--clear-groups', 'ln', '-s', join(dir, 'K'), join(at, 'W', 'sub', 'g')], { encoding: 'utf8' });
    assert.equal(as.status, 0, `the other account made the link (${as.stderr})`);
    const r = spawnSync('sh', ['-c', `${run} || true`], { cwd: at, encoding: 'latin1' });
    assert.ok(r.stdout.includes(SECRET), `${run} through a directory ${kind.name}: the walk followed the swapped name (the case is real): ${r.stdout}`);
    if (verdict.length === 0) shown.push(`${run} (a directory ${kind.name})`);
  }
  assert.deepEqual(shown, [], 'shown by the engine, then printed the kept file');
});

test("rg reads the ignore files above a root it walks: a 0600 one is read like a walked file", { skip: !installed('rg') && 'rg not installed' }, (t) => {
  const dir = scratch(t);
  chmodSync(dir, 0o755);
  mkdirSync(join(dir, 'a', 'b'), { recursive: true });
  writeFileSync(join(dir, 'a', 'b', 'f'), 'x\n');
  const next = rng(81);
  const forms = ['rg x', 'rg -c x', 'rg --files', 'rg -l x .', 'rg x b', 'rg -L x'];
  for (const name of ['.ignore', '.rgignore']) {
    writeFileSync(join(dir, name), 'secretname81\n', { mode: 0o600 });
    for (let i = 0; i < 4; i++) {
      const form = forms[Math.floor(next() * forms.length)]!;
      const cwd = form.endsWith(' b') ? join(dir, 'a') : join(dir, 'a', 'b');
      // The real reader: rg opens it (strace), and the engine counts it.
      const trace = join(dir, 'trace');
      spawnSync('strace', ['-f', '-qq', '-e', 'trace=openat', '-o', trace, 'sh', '-c', form], { cwd, stdio: 'ignore' });
      const opened = spawnSync('grep', ['-c', `${join(dir, name)}".*= [0-9]`, trace], { encoding: 'utf8' }).stdout.trim();
      assert.notEqual(opened, '0', `${form}: rg opened ${name} above its root`);
      assert.match(keptFilesRead(planOfTemplate(form)!, [], cwd).join(), new RegExp(`${name.replace('.', '\\.')}, an ignore file rg reads`), form);
    }
    chmodSync(join(dir, name), 0o644);
    assert.deepEqual(keptFilesRead(planOfTemplate('rg x')!, [], join(dir, 'a', 'b')), [], 'a world-readable one is shown');
  }
});
