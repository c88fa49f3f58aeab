// Which words a wrapper (xargs, timeout, env, nice, stdbuf, nohup, time, ionice) runs as its command is the
// wrapper's own getopt_long to say. The lint read xargs's `--max-lines` as taking the next word (GNU xargs: an
// optional value, only `--max-lines=N`), so `xargs --max-lines rm ls -rf D` was `ls -rf D` to the lint and
// deleted D. Generated: argument lists from each wrapper's reviewed options (every spelling: bare, `=V`, glued,
// clusters), options it does not list, values and command names; the real wrapper runs each with PATH holding
// only recorders (named cat, grep and echo, so that xargs's "reads any arguments" rule holds), and what a
// recorder got must be the command the lint read — or the lint refused the list, or nothing ran. A fixed seed
// in `npm test`; WRAPPER_ORACLE_SEED/RUNS.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WRAPPERS, wrapperDanger } from '../../src/language/validate/shell-wrappers.js';
import { allowlistFindings } from '../../src/language/validate/shell-lint.js';
import type { Word } from '../../src/language/shell-words.js';
import { rng } from '../helpers/rng.js';

const RUNS = Number(process.env.WRAPPER_ORACLE_RUNS ?? 2000);
const SEED = Number(process.env.WRAPPER_ORACLE_SEED ?? 4242);
const RECORDERS = ['cat', 'grep', 'echo'];

/** Options each wrapper takes that its table does not list (from its getopt_long table): refused by the lint,
 *  generated so that the lists reach the wrapper's own reading of them. */
const UNLISTED: Record<string, string[]> = {
  xargs: ['-l', '-l1', '-e', '-eX', '-i', '-iX', '-I', '-p', '-o', '--replace', '--replace=X', '--max-l', '--interactive', '--open-tty', '--show-limits', '--process-slot-var=V'],
  timeout: ['--sig=KILL', '--kill', '--fore'],
  env: ['-S', '-v', '--split-string=cat', '--debug', '--list-signal-handling', '--chdir', '--unse'],
  nice: ['--5', '-+5', '--adj=1'],
  stdbuf: ['--out=L', '-oL1'],
  nohup: ['--help'],
  time: ['-a', '-o', '--output=F', '--append'],
  ionice: ['-p', '--pid=1', '-P', '-u'],
};
const VALUES = ['1', '2', '0', 'KILL', 'L', '.', '/dev/null', 'A=1', 'X', '-', '--'];

/** Each option the wrapper's table lists, as its spellings, and the ones it does not list: an option is picked
 *  first, then a spelling, so that a wrapper with many options still gets each one often. */
function optionWords(name: string): string[][] {
  const o = WRAPPERS[name]!.options;
  const out = (UNLISTED[name] ?? []).map((u) => [u]);
  for (const f of o.flags ?? '') out.push([`-${f}`, `-${f}${(o.flags ?? f)[0]}`]);
  for (const v of o.valued ?? '') out.push([`-${v}`, `-${v}1`, `-${v}L`]);
  for (const l of (o.long ?? '').split(/\s+/).filter(Boolean)) {
    const bare = l.replace(/(\[=\]|=)$/, '');
    out.push([`--${bare}`, `--${bare}`, `--${bare}=1`, `--${bare}=KILL`]);
  }
  if (o.numeric) out.push(['-1', '-5']);
  return out;
}

/** The lint's reading of `wrapper args`: proven or not, and the words it reads as the command. */
function lintReading(name: string, args: string[]): { proven: boolean; command?: string[] } {
  let command: string[] | undefined;
  const words: Word[] = args.map((text) => ({ text, dynamic: false, pattern: false, quoted: true }));
  const found = wrapperDanger(name, words, {
    // As the lint reads a command: proven only when it is one it reviewed (here: a recorder's name).
    words: (w) => { command ??= w.map((x) => x.text); return RECORDERS.includes(w[0]!.text) ? undefined : `not reviewed: ${w[0]!.text}`; },
    script: () => 'code', cannotRead: (why) => `cannot read: ${why}`, isLooks: () => false, phrase: (w) => w.map((x) => x.text).join(' '),
  }, () => undefined);
  return { proven: found === undefined, ...(command ? { command } : {}) };
}

const installed = (p: string) => ['/usr/bin', '/bin'].some((d) => { try { return statSync(join(d, p)).isFile(); } catch { return false; } });
const WRAPPED = ['xargs', 'timeout', 'env', 'nice', 'stdbuf', 'nohup', 'time', 'ionice'].filter(installed);
const gnuXargs = spawnSync('xargs', ['--version'], { encoding: 'utf8' }).stdout?.includes('GNU findutils');

test(`each wrapper runs the command the lint reads (${RUNS} xargs lists, ${RUNS / 5} for each other wrapper; seed ${SEED})`, { skip: !gnuXargs && 'GNU xargs is not installed' }, (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-wrapper-oracle-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  const log = join(dir, 'log');
  // A recorder: a line per run, its name then its arguments, NUL-separated.
  for (const r of RECORDERS) {
    writeFileSync(join(bin, r), `#!/bin/sh\n{ printf '%s' "\${0##*/}"; for a; do printf '\\0%s' "$a"; done; printf '\\n'; } >> ${log}\n`);
    chmodSync(join(bin, r), 0o755);
  }
  const rand = rng(SEED);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  for (const name of WRAPPED) {
    const options = optionWords(name);
    let ran = 0, proven = 0;
    for (let i = 0; i < (name === 'xargs' ? RUNS : RUNS / 5); i++) {
      const word = () => { const r = rand(); return r < 0.5 ? pick(pick(options)) : r < 0.75 ? pick(VALUES) : pick(RECORDERS); };
      const words = (most: number) => Array.from({ length: Math.floor(rand() * (most + 1)) }, word);
      // Half end in a well-formed command (timeout's DURATION, then a recorder), so that each wrapper runs many.
      const command = rand() < 0.5 ? [...Array(WRAPPERS[name]!.operands ?? 0).fill('1'), pick(RECORDERS), ...words(2)] : [word(), ...words(2)];
      const args = [...words(4), ...command];
      const lint = lintReading(name, args);
      if (existsSync(log)) rmSync(log);
      const r = spawnSync(`/usr/bin/${name}`, args, { cwd: dir, env: { PATH: bin, LC_ALL: 'C' }, input: '', encoding: 'utf8', timeout: 10_000 });
      const runs = existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean).map((l) => l.split('\0')) : [];
      if (runs.length) ran++;
      if (!lint.proven) continue;
      proven++;
      // xargs without a command runs echo; the others, without one, run nothing.
      const expected = lint.command ?? (name === 'xargs' ? ['echo'] : undefined);
      const why = `${name} ${args.join(' ')}: the lint read ${JSON.stringify(expected)}, ${name} ran ${JSON.stringify(runs)} (exit ${r.status}: ${r.stderr.trim().slice(0, 200)})`;
      for (const run of runs) assert.deepEqual(run, expected, why);
      // 126/127: the wrapper ran a word that is no recorder, which the lint did not read as the command.
      assert.ok(runs.length > 0 || (r.status !== 126 && r.status !== 127), why);
    }
    // Not vacuous: the wrapper ran many lists, and the lint proved many.
    assert.ok(ran > 10 && proven > 10, `${name}: ${ran} ran, ${proven} proven`);
  }
});

test('xargs --max-lines takes no next word (GNU: optional, only --max-lines=N): the next word is the command', () => {
  assert.deepEqual(lintReading('xargs', ['--max-lines', 'cat', 'grep', '-x']), { proven: true, command: ['cat', 'grep', '-x'] });
  assert.deepEqual(lintReading('xargs', ['--max-lines=2', 'grep', 'x']), { proven: true, command: ['grep', 'x'] });
  assert.match(allowlistFindings("xargs --max-lines sed grep -e '1e touch M' /etc/hostname") ?? '', /cannot read|destructive/);
  assert.match(allowlistFindings('xargs --max-lines rm ls -rf D') ?? '', /destructive/);
});
