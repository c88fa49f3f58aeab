// What a reviewed program reads by itself under HOME and in the working directory (docs/confirmation.md, "What a
// proven read inherits", stop 77): strace is the oracle. Each reviewed program installed here runs with HOME and
// the working directory empty scratch directories; every path it opens or looks up there must be one reviewed
// in the engine's catalogue, which the record of a proven read counts (kept-files.ts), or a login it never prints.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { scratch } from '../hardening/helpers.js';
import { READS } from '../../src/language/validate/read-commands.js';
import { PROGRAMS } from '../../src/language/validate/read-programs.js';
import { reviewedVerbs } from '../../src/language/validate/read-verbs.js';
import { allowlistFindings } from '../../src/language/validate/shell-lint.js';
import { HOME_FILES } from '../../src/engine/implicit-files.js';

/** Paths under HOME a program may look at: the engine's catalogue (engine/implicit-files.ts), whose files a proven
 *  read's record counts like the files its words name (a 0600 ~/.jq gives the step a secret). */
const reviewedHome = (name: string, rest: string): boolean =>
  Object.hasOwn(HOME_FILES, name) && HOME_FILES[name]!.files.some((f) => rest === f || rest.startsWith(`${f}/`));

const hasStrace = spawnSync('strace', ['-V'], { stdio: 'ignore' }).status === 0 && spawnSync('bwrap', ['--version'], { stdio: 'ignore' }).status === 0;
const installed = (name: string): boolean => spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
const programs = [...new Set([...Object.keys(READS), ...Object.keys(PROGRAMS), ...reviewedVerbs().map((v) => v.words[0]!)])].filter((n) => /^[a-z0-9_.-]+$/.test(n)).sort();
const ARGS: Record<string, string[]> = { awk: ['1', 'f'], gawk: ['1', 'f'], mawk: ['1', 'f'], sed: ['p', 'f'], rg: ['x'], grep: ['x', 'f'], jq: ['.', 'f'], kubectl: ['version', '--client'], docker: ['ps'],
  date: [], hostname: [], getent: ['passwd', 'root'], openssl: ['version'], systemctl: ['status'], pg_ctl: ['status', '-D', 'f'] };
/** Never proven (read-programs.ts says why): not run here. */
const NEVER = new Set(['top']);

test('no reviewed program opens a configuration file of its own in the working directory or under HOME but the reviewed ones', { skip: !hasStrace, timeout: 300_000 }, (t) => {
  const dir = scratch(t);
  const home = join(dir, 'home');
  const cwd = join(dir, 'cwd');
  mkdirSync(home); mkdirSync(cwd);
  spawnSync('sh', ['-c', 'echo "{}" > f'], { cwd });
  const trace = join(dir, 'trace');
  const found: string[] = [];
  let ran = 0;
  for (const name of programs.filter((n) => !NEVER.has(n) && installed(n))) {
    // Only what the lint proves a read is run (`hostname f`, unproven, set this machine's name as root), and in
    // namespaces of its own (host name, network, IPC, pids) all the same.
    const args = ARGS[name] ?? ['f'];
    if (allowlistFindings([name, ...args].join(' ')) !== undefined) continue;
    ran++;
    spawnSync('bwrap', ['--dev-bind', '/', '/', '--unshare-uts', '--unshare-ipc', '--unshare-net', '--unshare-pid', '--die-with-parent', '--chdir', cwd,
      'strace', '-f', '-qq', '-e', 'trace=openat,open,stat,newfstatat,access,execve', '-o', trace, 'timeout', '-s', 'KILL', '2', name, ...args],
      { cwd, env: { PATH: process.env.PATH, HOME: home, LANG: 'C.UTF-8' }, stdio: ['ignore', 'ignore', 'ignore'], timeout: 3_000, killSignal: 'SIGKILL' });
    let text = '';
    try { text = readFileSync(trace, 'utf8'); } catch { continue; }
    for (const [, place, rest] of text.matchAll(new RegExp(`"${dir}/(home|cwd)/?([^"]*)"`, 'g'))) {
      if (place === 'cwd' && (rest === '' || rest === 'f' || rest === '.')) continue; // its operand, its directory
      if (place === 'home' && (rest === '' || reviewedHome(name, rest!))) continue;
      found.push(`${name}: ${place}/${rest}`);
    }
  }
  assert.deepEqual([...new Set(found)], []);
  assert.ok(ran >= 30, `${ran} programs run as proven reads`);
});
