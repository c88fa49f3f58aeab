// A resume compares the files a client configuration file includes, not only the file (a hostile tester's find:
// ~/.psqlrc unchanged, the file it `\i`ncluded edited to `\c` server B, and the resumed INSERT landed on B).
// Generated include trees (fixed seed) across psql's startup files (`\i`, `\include`, `\ir`, `\include_relative`),
// the MySQL/MariaDB option files (`!include`, `!includedir`) and ssh_config (`Include`, globs), in a temp HOME:
// an unchanged tree is no change; a file changed at any depth, a file added to an included directory or glob, an
// include line added, each is a change naming the file; a psqlrc line that runs a command or takes its target from
// a variable is refused naming the file and the line, unchanged or not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { rng } from '../helpers/rng.js';
import { clientFileChanges, clientFilesOf } from '../../src/resume/client-files.js';
import { MAX_DEPTH, MAX_INCLUDED } from '../../src/resume/client-includes.js';

const SEED = 4747;
const TRIALS = 250;

type Fmt = 'psqlrc' | 'mycnf' | 'ssh';

/** Lines that include nothing and run nothing: never a change, never a refusal. */
const FILLER: Record<Fmt, string[]> = {
  psqlrc: ['\\set probe 1', '\\pset null \'(null)\'', '\\timing on', '-- \\! echo a comment', '\\set PROMPT1 \'%n@%/%R%# \'',
    '\\set PROMPT2 \'%`date`> \'', '\\set ON_ERROR_STOP on', '\\echo :probe', 'SELECT :\'probe\';', '\\x auto', '\\set QUIET 1 \\\\ SELECT 1;'],
  mycnf: ['[client]', 'port=3306', '# !include /nowhere', '; a comment', 'default-character-set=utf8mb4', '[mysql]', 'prompt=\\u@\\h> '],
  ssh: ['Host jump', '  Port 22', '# Include /nowhere', '  User op', 'Host *', '  ServerAliveInterval 30'],
};

/** psqlrc lines the engine cannot compare, each as it must be refused. */
const DYNAMIC = ['\\! echo hi', '\\set x `hostname`', '\\c :target', '\\connect :\'dsn\'', '\\i :file', '\\ir :"f"', '\\o |cat',
  'SELECT 1 \\g |cat', '\\copy t from program \'cat x\'', '\\c `cat /tmp/dsn`', '\\echo hi \\\\ \\c :x', '\\include -', '\\if `test -e /x` \\endif'];

interface Tree {
  /** Every file followed (roots and included), literal. */
  files: string[];
  /** Directories a glob or !includedir reads: a file matching `ext` added there is a change, another is none. */
  dirs: { dir: string; ext: string; fmt: Fmt }[];
  psqlFiles: string[];
}

/** A random include tree under `home`, every format rooted at the user's file, written to disk. */
function makeTree(r: () => number, home: string, cwd: string): Tree {
  const int = (n: number) => Math.floor(r() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const text = new Map<string, string[]>();
  const tree: Tree = { files: [], dirs: [], psqlFiles: [] };
  let id = 0;
  const maxDepth = 1 + int(MAX_DEPTH - 1);

  /** An include line for `fmt` in `from`, and the files it makes the client read. */
  const includeLine = (fmt: Fmt, from: string): { line: string; targets: string[] } => {
    const n = ++id;
    if (fmt === 'psqlrc') {
      return pick([
        () => ({ line: `\\i ${join(home, `p${n}.psql`)}`, targets: [join(home, `p${n}.psql`)] }),
        () => ({ line: `\\include '${join(home, `p ${n}.psql`)}'`, targets: [join(home, `p ${n}.psql`)] }),
        () => ({ line: `\\ir sub${n}/r${n}.psql`, targets: [join(dirname(from), `sub${n}`, `r${n}.psql`)] }),
        () => ({ line: `\\include_relative r${n}.psql`, targets: [join(dirname(from), `r${n}.psql`)] }),
        () => ({ line: `\\i c${n}.psql`, targets: [join(cwd, `c${n}.psql`)] }),
        () => ({ line: `\\set probe ${n} \\i ~/t/t${n}.psql`, targets: [join(home, 't', `t${n}.psql`)] }),
      ])();
    }
    if (fmt === 'mycnf') {
      if (r() < 0.3) {
        const dir = join(home, `conf${n}.d`);
        tree.dirs.push({ dir, ext: '.cnf', fmt });
        writeOther(join(dir, 'README'));
        const k = 1 + int(3);
        return { line: `!includedir ${pick([dir, `${dir}/`, `~/conf${n}.d`])}`, targets: Array.from({ length: k }, (_, i) => join(dir, `${i}-m${n}.cnf`)) };
      }
      return pick([
        () => ({ line: `!include ${join(home, `m${n}.cnf`)}`, targets: [join(home, `m${n}.cnf`)] }),
        () => ({ line: `  ! include ~/mm${n}.cnf`, targets: [join(home, `mm${n}.cnf`)] }),
      ])();
    }
    if (r() < 0.3) {
      const dir = join(home, '.ssh', `g${n}`);
      tree.dirs.push({ dir, ext: '.conf', fmt });
      writeOther(join(dir, 'notes.txt'));
      const k = 1 + int(3);
      return { line: `Include g${n}/*.conf`, targets: Array.from({ length: k }, (_, i) => join(dir, `${i}.conf`)) };
    }
    return pick([
      () => ({ line: `Include ${join(home, `s${n}.conf`)}`, targets: [join(home, `s${n}.conf`)] }),
      () => ({ line: `  include s${n}.conf`, targets: [join(home, '.ssh', `s${n}.conf`)] }),
      () => ({ line: `Include=~/x${n}.conf`, targets: [join(home, `x${n}.conf`)] }),
      () => ({ line: `Include "${join(home, `q${n}a.conf`)}" ~/q${n}b.conf # two`, targets: [join(home, `q${n}a.conf`), join(home, `q${n}b.conf`)] }),
    ])();
  };

  const writeOther = (path: string) => { mkdirSync(dirname(path), { recursive: true }); writeFileSync(path, 'not read\n'); };

  const grow = (fmt: Fmt, path: string, depth: number, ancestors: string[]): void => {
    const lines = Array.from({ length: int(4) }, () => pick(FILLER[fmt]));
    text.set(path, lines);
    tree.files.push(path);
    if (fmt === 'psqlrc') tree.psqlFiles.push(path);
    const children = depth >= maxDepth ? 0 : depth < 2 ? int(3) : int(2);
    for (let c = 0; c < children; c++) {
      const { line, targets } = includeLine(fmt, path);
      lines.splice(int(lines.length + 1), 0, line);
      for (const t of targets) grow(fmt, t, depth + 1, [...ancestors, path]);
    }
    if (ancestors.length && r() < 0.1) { // a cycle: the client would loop, the engine cuts it
      const back = pick(ancestors);
      lines.push(fmt === 'psqlrc' ? `\\i ${back}` : fmt === 'mycnf' ? `!include ${back}` : `Include ${back}`);
    }
  };
  grow('psqlrc', join(home, '.psqlrc'), 0, []);
  if (r() < 0.3) grow('psqlrc', join(home, '.psqlrc-15'), 0, []); // a version-named one, read through ~/.psqlrc*
  grow('mycnf', join(home, '.my.cnf'), 0, []);
  grow('ssh', join(home, '.ssh', 'config'), 0, []);
  for (const [path, lines] of text) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, lines.map((l) => `${l}\n`).join(''));
  }
  return tree;
}

const includes = (changes: string[], path: string) => changes.some((c) => c.includes(`${path} `) || c.includes(`${path},`) || c.includes(`${path})`));

test('generated include trees: unchanged is no change; any included file changed, a file added to an included directory, an include added, each names the file', (t) => {
  const root = mkdtempSync(join(tmpdir(), 'client-includes-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const r = rng(SEED);
  const int = (n: number) => Math.floor(r() * n);
  const seen = { changed: 0, added: 0, include: 0, other: 0, deepest: 0 };
  for (let trial = 0; trial < TRIALS; trial++) {
    const home = join(root, `h${trial}`);
    const cwd = join(home, 'work');
    mkdirSync(cwd, { recursive: true });
    const tree = makeTree(r, home, cwd);
    const env = { HOME: home };
    const recorded = clientFilesOf(env, cwd);
    const paths = new Set(recorded.map((f) => f.path));
    for (const f of tree.files) assert.ok(paths.has(f), `trial ${trial}: ${f} is recorded`);
    assert.deepEqual(clientFileChanges(recorded), [], `trial ${trial}: an unchanged tree`);

    const kind = tree.dirs.length ? int(4) : int(2) * 2;
    const context = `trial ${trial}, mutation ${kind}`;
    if (kind === 0) { // a file at any depth
      const file = tree.files[int(tree.files.length)]!;
      seen.deepest = Math.max(seen.deepest, file.split('/').length);
      appendFileSync(file, '# edited\n');
      const changes = clientFileChanges(recorded);
      assert.equal(changes.length, 1, `${context}: ${changes.join('; ')}`);
      assert.ok(includes(changes, file), `${context}: names ${file}: ${changes.join('; ')}`);
      seen.changed++;
    } else if (kind === 1) { // a file added to an included directory or glob
      const { dir, ext } = tree.dirs[int(tree.dirs.length)]!;
      const added = join(dir, `zz-new${ext}`);
      writeFileSync(added, 'added\n');
      const changes = clientFileChanges(recorded);
      assert.ok(includes(changes, added), `${context}: names ${added}: ${changes.join('; ')}`);
      seen.added++;
    } else if (kind === 2) { // a new include line, to a file that exists
      const file = tree.files[int(tree.files.length)]!;
      const target = join(home, 'new-target');
      writeFileSync(target, '\\set probe 1\n');
      appendFileSync(file, tree.psqlFiles.includes(file) ? `\\i ${target}\n` : file.endsWith('.cnf') ? `!include ${target}\n` : `Include ${target}\n`);
      const changes = clientFileChanges(recorded);
      assert.ok(includes(changes, file), `${context}: names ${file}: ${changes.join('; ')}`);
      seen.include++;
    } else { // a file in an included directory the client does not read (another extension): no change
      const { dir } = tree.dirs[int(tree.dirs.length)]!;
      writeFileSync(join(dir, 'README'), 'edited\n');
      writeFileSync(join(dir, 'notes.txt'), 'edited\n');
      assert.deepEqual(clientFileChanges(recorded), [], context);
      seen.other++;
    }
  }
  for (const [k, n] of Object.entries(seen)) assert.ok(n > 0, `${k} was generated`);
});

test('generated psqlrc trees with a line the engine cannot compare: refused naming the file and the line, unchanged or not', (t) => {
  const root = mkdtempSync(join(tmpdir(), 'client-includes-dyn-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const r = rng(SEED + 1);
  const int = (n: number) => Math.floor(r() * n);
  for (let trial = 0; trial < TRIALS / 3; trial++) {
    const home = join(root, `h${trial}`);
    const cwd = join(home, 'work');
    mkdirSync(cwd, { recursive: true });
    const tree = makeTree(r, home, cwd);
    const file = tree.psqlFiles[int(tree.psqlFiles.length)]!;
    const lines = readLines(file);
    const at = int(lines.length + 1);
    const dynamic = DYNAMIC[trial % DYNAMIC.length]!;
    lines.splice(at, 0, dynamic);
    writeFileSync(file, lines.map((l) => `${l}\n`).join(''));
    const changes = clientFileChanges(clientFilesOf({ HOME: home }, cwd));
    const said = changes.filter((c) => c.startsWith(`${file} line ${at + 1} `));
    assert.equal(said.length, 1, `trial ${trial}: ${dynamic} at ${file} line ${at + 1}: ${changes.join('; ')}`);
    assert.match(said[0]!, /at psql's start, whose target the engine cannot compare: check it, then resume with --retarget$/);
    assert.equal(changes.length, 1, `trial ${trial}: nothing else: ${changes.join('; ')}`);
  }
});

const readLines = (file: string) => readFileSync(file, 'utf8').split('\n').slice(0, -1);

test('the bounds: an include chain deeper than the limit, and more included files than the limit, are refused, never taken as equal', (t) => {
  const home = mkdtempSync(join(tmpdir(), 'client-includes-bounds-'));
  t.after(() => rmSync(home, { recursive: true, force: true }));
  const chain = Array.from({ length: MAX_DEPTH + 3 }, (_, i) => join(home, `c${i}.psql`));
  writeFileSync(join(home, '.psqlrc'), `\\i ${chain[0]}\n`);
  chain.forEach((f, i) => writeFileSync(f, i + 1 < chain.length ? `\\i ${chain[i + 1]}\n` : '\\set probe 1\n'));
  let changes = clientFileChanges(clientFilesOf({ HOME: home }, home));
  assert.deepEqual(changes, [`${chain[MAX_DEPTH - 1]} includes files nested deeper than ${MAX_DEPTH} levels, which the engine does not follow: check it, then resume with --retarget`]);

  writeFileSync(join(home, '.psqlrc'), '');
  mkdirSync(join(home, 'many.d'));
  for (let i = 0; i < MAX_INCLUDED + 5; i++) writeFileSync(join(home, 'many.d', `${i}.cnf`), '[client]\n');
  writeFileSync(join(home, '.my.cnf'), `!includedir ${join(home, 'many.d')}\n`);
  changes = clientFileChanges(clientFilesOf({ HOME: home }, home));
  assert.equal(changes.length, 1, changes.join('; '));
  assert.match(changes[0]!, /includes more than 200 files, which the engine does not follow: check it/);
});

test('psql\'s quoting and escapes; ssh\'s %-tokens; a cycle ends', (t) => {
  const home = mkdtempSync(join(tmpdir(), 'client-includes-syntax-'));
  t.after(() => rmSync(home, { recursive: true, force: true }));
  mkdirSync(join(home, '.ssh'));
  writeFileSync(join(home, 'a b.psql'), '\\i ~/.psqlrc\n'); // a cycle back to the start
  writeFileSync(join(home, 'it\'s.psql'), '\\set probe 2\n');
  writeFileSync(join(home, '.psqlrc'), `\\i '${home}/a b.psql'\n\\i '${home}/it''s.psql'\n\\set x '\`not run\`' \\i ${home}/c.psql\n`);
  writeFileSync(join(home, 'c.psql'), '\\set probe 3\n');
  writeFileSync(join(home, '.ssh', 'config'), 'Host *\n  Include %d/x.conf\n');
  const recorded = clientFilesOf({ HOME: home }, home);
  const paths = recorded.map((f) => f.path);
  for (const f of ['a b.psql', 'it\'s.psql', 'c.psql']) assert.ok(paths.includes(join(home, f)), `${f}: ${paths.join(', ')}`);
  assert.deepEqual(clientFileChanges(recorded), [`${join(home, '.ssh', 'config')} line 2 includes \`%d/x.conf\`, whose %-tokens or variables the engine cannot resolve: check it, then resume with --retarget`]);
});

test('a glob that matched nothing when the run started: a file added there is named', (t) => {
  const home = mkdtempSync(join(tmpdir(), 'client-includes-empty-'));
  t.after(() => rmSync(home, { recursive: true, force: true }));
  mkdirSync(join(home, '.ssh', 'conf.d'), { recursive: true });
  writeFileSync(join(home, '.ssh', 'config'), 'Include conf.d/*\n');
  const recorded = clientFilesOf({ HOME: home }, home);
  assert.deepEqual(clientFileChanges(recorded), []);
  const added = join(home, '.ssh', 'conf.d', 'b');
  writeFileSync(added, 'Host db\n  HostName db-b\n');
  assert.deepEqual(clientFileChanges(recorded), [`client configuration file changed since the run recorded it: ${join(home, '.ssh', 'conf.d')}/* (matches ${added}, which the run did not record) (a client may connect elsewhere now)`]);
});
