// The system-call probe (fixtures/syscall-probe.c, compiled here: its numbers come from this system's
// <sys/syscall.h>, not from the tables under test) and what each of its probes is answered, for the walls that
// load the filter: the dry run's sandbox (sandbox-syscalls.test.ts) and a real run's shield (shield-syscalls.test.ts).
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { asNobody } from '../helpers/as-nobody.js';
import { EPERM, ENOSYS, REFUSED, UNAVAILABLE } from '../../src/executors/sandbox-syscalls.js';

export const CC = ['/usr/bin/cc', '/usr/bin/gcc', '/usr/bin/clang'].find(existsSync);
export const asRoot = process.getuid?.() === 0;
const x64 = process.arch === 'x64';

/** Probe name → the filter's answer (errno). Arguments decide some calls: those have probes of their own. */
export const REFUSED_CALLS = new Map<string, number>([
  ...REFUSED.filter(([, x, a]) => (x64 ? x : a) !== undefined).map(([name]) => [name, EPERM] as const),
  ...UNAVAILABLE.map(([name]) => [name, ENOSYS] as const),
  ['unshare-user', EPERM], ['unshare-time', EPERM], ['clone-user', EPERM], ['flock-ex', EPERM], ['fcntl-lease', EPERM],
  ['syslog-console', EPERM],
  // Naming a process by its pid (here its own: harmless outside; inside it could be a host process).
  ...['kill-pid', 'tkill-signal', 'tgkill-signal', 'setpriority-pid', 'ioprio-pid', 'prlimit-set', 'sched_setaffinity-pid',
    'sched_setparam-pid', 'sched_setscheduler-pid', 'sched_setattr-pid', 'migrate_pages-pid', 'move_pages-pid',
    'fcntl-setown', 'fcntl-setsig', 'ioctl-setown'].map((n) => [n, EPERM] as const),
]);
export const LEFT = ['clone-plain', 'unshare-files', 'flock-sh', 'fcntl-getfl', 'syslog-size', 'kill-group', 'kill-exists',
  'tkill-exists', 'tgkill-urg', 'setpriority-self', 'prlimit-read', 'sched_setaffinity-self'];

export type Answers = Map<string, string>;

/** Where the probe runs: `wrap` puts its argv inside a wall (undefined: outside), `name` tells runs apart. */
export interface Wall { name?: string; wrap?: (argv: string[], cwd: string) => string[]; asNobody?: boolean }

export function setup(t: { after(fn: () => void): void }) {
  const dir = mkdtempSync('/var/tmp/runbook-syscalls-');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  chmodSync(dir, 0o755);
  const exe = join(dir, 'probe');
  const cc = spawnSync(CC!, ['-O1', '-o', exe, join(import.meta.dirname, 'fixtures', 'syscall-probe.c')], { encoding: 'utf8' });
  assert.equal(cc.status, 0, cc.stderr);
  return { dir, argv: [exe, LOCKFILE, ...REFUSED_CALLS.keys(), ...LEFT, 'past-table'] };
}

/** Stands for the file the lock and lease probes open; each run of the probe gets one of its own (lockFor). */
const LOCKFILE = '<lockfile>';

/** A run's own file for the lock and lease probes: the runs of one test go side by side, and a probe that took
 *  `flock-ex` holds it until it exits, so a shared file made another run's `flock-sh` answer EWOULDBLOCK. Owned by
 *  the unprivileged user, so that user may lease it outside. */
function lockFor(cwd: string, how: Wall): string {
  const file = join(cwd, `lockfile-${how.name ?? 'outside'}-${how.asNobody ? 'nobody' : 'self'}`);
  writeFileSync(file, 'x');
  if (asRoot) chownSync(file, 65534, 65534);
  return file;
}

/** Runs the probe (asynchronously: other tests' servers keep answering) and reads its "<name> <answer>" lines. */
export function answers(argv: string[], cwd: string, how: Wall): Promise<Answers> {
  argv = argv.map((a) => (a === LOCKFILE ? lockFor(cwd, how) : a));
  if (how.wrap) argv = how.wrap(argv, cwd);
  if (how.asNobody) argv = asNobody(argv);
  const child = spawn(argv[0]!, argv.slice(1), { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { out += d.toString(); });
  return new Promise((resolve, reject) => child.on('close', (code) => {
    if (code !== 0) return reject(new Error(`probe exited ${code}: ${out}`));
    resolve(new Map(out.trim().split('\n').map((l) => l.split(' ') as [string, string])));
  }));
}

export const skipNoCc = !CC ? 'no C compiler (cc) here to build the probe' : false;

