// What each reviewed program really opens is the oracle for the engine's reading of what a proven read reads
// (engine/kept-files.ts; issue #44). option-oracle.test.ts checks that a proven read writes nothing; this checks
// what it reads. Generated command lines (seed 81: clusters of the program's letters, `--long` names and their
// prefixes from its own --help, `--opt=value`, `-oVALUE`, `--`, an empty value, values and operands that name a
// file, a directory or a path through one) are read by the lint; each one it proves and the engine would show
// (keptFilesRead says no file others may not read) runs under strace in a sandbox (no network, a scratch /tmp).
// A file the program opened that others may not read, another program it started, or a socket it connected, is a
// divergence: the engine showed a step whose reading was not its own. A probe of stop 81 had `diff /etc x/shadow`
// (diff compares a directory with the file of the other operand's base name) print /etc/shadow, real and dry.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { scratch } from '../hardening/helpers.js';
import { rng } from '../helpers/rng.js';
import { READS, STARTS } from '../../src/language/validate/read-commands.js';
import { allowlistFindings } from '../../src/language/validate/shell-lint.js';
import { planOfTemplate } from '../../src/language/shell-plan.js';
import { keptFilesRead } from '../../src/engine/kept-files.js';

const SEED = Number(process.env.READ_ORACLE_SEED ?? 81);
/** Command lines generated for each program (read by the lint and the engine: cheap). */
const PER_PROGRAM = Number(process.env.READ_ORACLE_LINES ?? 60);
/** Of those the engine would show, how many each program runs under strace (each a process: the suite's time). */
const RUN_CAP = Number(process.env.READ_ORACLE_RUN_CAP ?? 12);
/** Programs that wait (for input, for time), print for ever or scan the whole system: not run (option-oracle's). */
const NOT_RUN = new Set(['sleep', 'yes', 'hash', 'tail', 'lsof', 'pg_lsclusters']);

const installed = (p: string) => spawnSync('sh', ['-c', `command -v ${p}`], { stdio: 'ignore' }).status === 0;
const tools = installed('strace') && installed('bwrap');

/** What the program's own --help lists: its long options and short letters. */
function helpOf(program: string): { long: string[]; short: string[] } {
  const r = spawnSync(program, ['--help'], { encoding: 'utf8', timeout: 5000, stdio: ['ignore', 'pipe', 'pipe'] });
  const text = `${r.stdout}\n${r.stderr}`;
  return {
    long: [...new Set([...text.matchAll(/--([a-z][a-z0-9-]+)/g)].map((m) => m[1]!))],
    short: [...new Set([...text.matchAll(/(?:^|[\s,[])-([a-zA-Z0-9])\b/g)].map((m) => m[1]!))],
  };
}

/** Names in the scratch directory: K is kept (0600), the others open; D/K kept too, and x/K a readable file whose
 *  base name is a kept file's in D. The empty value and an absolute kept file (/etc/shadow) too. */
const VALUES = ['IN', 'K', 'D', 'D/K', 'x/K', 'x', '', 'L', '/etc/shadow', 'D/', '.', '-'];

function commandLine(program: string, help: { long: string[]; short: string[] }, next: () => number): string[] {
  const pick = <T>(xs: T[]): T => xs[Math.floor(next() * xs.length)]!;
  const spec = READS[program]!;
  const reviewedLong = (spec.long ?? '').split(/\s+/).filter(Boolean).map((n) => n.replace(/\[?=\]?$/, ''));
  const letters = [...`${spec.flags ?? ''}${spec.valued ?? ''}${spec.optional ?? ''}`, ...help.short];
  const words: string[] = [];
  for (let n = 1 + Math.floor(next() * 3); n > 0; n--) {
    const value = pick(VALUES);
    const kind = next();
    if (kind < 0.35 && letters.length) {
      const cluster = Array.from({ length: 1 + Math.floor(next() * 3) }, () => pick(letters)).join('');
      const v = next();
      words.push(...(v < 0.3 ? [`-${cluster}${value}`] : v < 0.6 ? [`-${cluster}`, value] : [`-${cluster}`]));
    } else if (kind < 0.8) {
      const names = [...reviewedLong, ...help.long];
      if (!names.length) continue;
      const name = pick(names);
      const cut = next() < 0.7 ? name : name.slice(0, 2 + Math.floor(next() * Math.max(1, name.length - 1)));
      const dash = spec.singleDash ? '-' : '--';
      const v = next();
      words.push(...(v < 0.35 ? [`${dash}${cut}=${value}`] : v < 0.7 ? [`${dash}${cut}`, value] : [`${dash}${cut}`]));
    } else if (kind < 0.9) words.push('--');
    else words.push(value);
  }
  const operands = Array.from({ length: Math.floor(next() * 3) }, () => pick(VALUES));
  return [...words, ...operands];
}

/** A word as the shell text that gives the program exactly it. */
/** In the environment of every traced run: a program that prints an environment prints it. */
const MARK = 'environMark81';

const quoted = (w: string) => (/^[\w./=,:+-]+$/.test(w) ? w : `'${w.replaceAll("'", "'\\''")}'`);

/** What a traced run did that the engine did not account for: files opened that others may not read (a regular
 *  file without the read bit for others), programs started that the catalogue does not say it starts (STARTS),
 *  sockets connected. */
function divergences(trace: string, program: string, printed: string, operands: string[] = []): string[] {
  const operandPaths = new Set(operands.flatMap((o) => { try { return [realpathSync(o)]; } catch { return []; } }));
  const out: string[] = [];
  // ps opens every process's environment for its default formats and prints it only with BSD `e`, which the
  // engine reads (kept-files.ts): judged by what it printed, the marker in the traced run's own environment
  // (printenv prints its own: the environment the engine gives a proven read, proven-env.ts).
  if (printed.includes(MARK) && program !== 'printenv') out.push(`printed an environment (${MARK})`);
  let execs = 0;
  for (const line of trace.split('\n')) {
    const open = /\bopen(?:at)?\(.*\) = \d+<([^>]*)>$/.exec(line);
    if (open) {
      const path = open[1]!;
      let s;
      try { s = statSync(path); } catch { continue; }
      if (program === 'ps' && /^\/proc\/\d+\/environ$/.test(path)) continue;
      // df opens each operand (an automount point mounts on open) and reads nothing of it: it prints the file
      // system's usage (kept-files.ts NAMES_ONLY). Its own files (mtab, locale) are still judged.
      if (program === 'df' && operandPaths.has(path)) continue;
      if (s.isFile() && (s.mode & 0o004) === 0) out.push(`opened ${path}, which others may not read`);
      continue;
    }
    const exec = /\bexecve\("([^"]*)".* = 0$/.exec(line);
    const started = exec?.[1]?.slice(exec[1].lastIndexOf('/') + 1);
    if (exec && ++execs === 1) {
      if (started !== program) out.push(`ran ${exec[1]} for ${program}`);
    } else if (exec && !STARTS[program]?.includes(started!)) out.push(`started ${exec[1]}, not a program it is reviewed to start`);
    if (/\bconnect\(.* = 0$/.test(line)) out.push(`connected: ${line.slice(0, 160)}`);
  }
  return out;
}

test('what a proven read opens, starts or connects is what the engine read from its command line', { skip: !tools && 'strace and bwrap are not installed', timeout: 900_000 }, (t) => {
  const root = scratch(t);
  const dir = join(root, 'work');
  const traces = join(root, 'traces');
  mkdirSync(dir); mkdirSync(traces);
  chmodSync(root, 0o755);
  // An ignore file above the working directory (rg reads them up to '/'), kept: its patterns choose what rg prints.
  writeFileSync(join(root, '.ignore'), 'kept-pattern-81\n', { mode: 0o600 });
  const plant = () => {
    for (const n of ['IN', 'K', 'L', 'D', 'x', 'home']) rmSync(join(dir, n), { recursive: true, force: true });
    writeFileSync(join(dir, 'IN'), 'b 2\na 1\n', { mode: 0o644 });
    writeFileSync(join(dir, 'K'), 'kept 81\n', { mode: 0o600 });
    symlinkSync('K', join(dir, 'L'));
    mkdirSync(join(dir, 'D')); mkdirSync(join(dir, 'x')); mkdirSync(join(dir, 'home'));
    writeFileSync(join(dir, 'D', 'K'), 'kept in D 81\n', { mode: 0o600 });
    writeFileSync(join(dir, 'D', 'IN'), 'open in D\n', { mode: 0o644 });
    writeFileSync(join(dir, 'x', 'K'), 'open in x\n', { mode: 0o644 });
    writeFileSync(join(dir, 'x', 'IN'), 'open in x\n', { mode: 0o644 });
  };
  plant();
  const next = rng(SEED);
  const found = new Map<string, string>();
  let lines = 0;
  let shown = 0;
  let ran = 0;
  const programs = Object.keys(READS).filter((p) => !NOT_RUN.has(p) && installed(p)).sort();
  assert.ok(programs.length >= 30, programs.join(' '));
  for (const program of programs) {
    const help = helpOf(program);
    let runs = 0;
    for (let i = 0; i < PER_PROGRAM; i++) {
      const args = commandLine(program, help, next);
      const script = [program, ...args.map(quoted)].join(' ');
      lines++;
      if (allowlistFindings(script) !== undefined) continue;
      const plan = planOfTemplate(script);
      if (!plan || keptFilesRead(plan, [], dir, undefined, join(dir, 'home')).length) continue;
      shown++;
      if (runs++ >= RUN_CAP) continue;
      ran++;
      const trace = join(traces, 'trace');
      rmSync(trace, { force: true });
      const r = spawnSync('bwrap', ['--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--bind', traces, traces, '--unshare-all', '--die-with-parent', '--chdir', dir,
        'strace', '-f', '-qq', '-y', '-e', 'trace=openat,open,execve,connect', '-o', trace, program, ...args],
      { cwd: dir, env: { PATH: process.env.PATH, HOME: join(dir, 'home'), LC_ALL: 'C', ORACLE: MARK }, encoding: 'latin1', stdio: ['ignore', 'pipe', 'pipe'], timeout: 3000, killSignal: 'SIGKILL', maxBuffer: 1 << 26 });
      let text = '';
      try { text = readFileSync(trace, 'utf8'); } catch { continue; }
      for (const d of divergences(text, program, `${r.stdout}${r.stderr}`, args.map((a) => resolve(dir, a)))) if (!found.has(d)) found.set(d, script);
    }
  }
  const said = [...found].map(([d, script]) => `${script}: ${d}`);
  assert.deepEqual(said, [], `proven reads the engine would show did what it did not read:\n${said.join('\n')}`);
  // Not vacuous: thousands of lines read, many shown and run.
  assert.ok(lines >= programs.length * PER_PROGRAM, `${lines} lines`);
  assert.ok(ran > programs.length * 3, `${ran} runs of ${shown} shown`);
});

// procps re-reads a `-` word its UNIX parser rejects as BSD letters, where `e` prints every process's environment:
// `ps -ex` and `ps -eaux` did (a probe of stop 81), read by the lint as -e -x and -e -a -u x. Generated clusters
// of ps's reviewed letters (seed 81) run by ps itself, a marker in its own environment: each one that printed an
// environment is one the engine gives a secret.
test("ps's own parser: a command line that prints an environment is one the engine withholds", { skip: !installed('ps') && 'ps not installed' }, () => {
  const next = rng(SEED);
  const spec = READS.ps!;
  // e and x weighted up: BSD `e` needs both a cluster procps rejects and an `e` in it.
  const letters = `${spec.flags ?? ''}${spec.valued ?? ''}eeexxx`;
  const missed: string[] = [];
  let printed = 0;
  let proven = 0;
  for (let i = 0; i < 300; i++) {
    const words = Array.from({ length: 1 + Math.floor(next() * 2) }, () => `-${Array.from({ length: 1 + Math.floor(next() * 4) }, () => letters[Math.floor(next() * letters.length)]).join('')}`);
    const script = `ps ${words.join(' ')}`;
    if (allowlistFindings(script) !== undefined) continue;
    proven++;
    const r = spawnSync('ps', words, { encoding: 'latin1', env: { PATH: process.env.PATH, LC_ALL: 'C', ORACLE: MARK }, stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000, maxBuffer: 1 << 26 });
    if (!r.stdout.includes(MARK)) continue;
    printed++;
    if (!keptFilesRead(planOfTemplate(script)!, []).join().includes('environ')) missed.push(script);
  }
  assert.deepEqual(missed, [], 'printed every environment, shown by the engine');
  assert.ok(proven > 100 && printed > 5, `${proven} proven, ${printed} printed an environment`);
});
