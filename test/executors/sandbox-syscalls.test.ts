// Each system call the sandbox's filter refuses (sandbox-syscalls.ts), made for real by a small C program
// compiled here (fixtures/syscall-probe.c: the numbers come from this system's <sys/syscall.h>, not from the
// tables under test), inside the sandbox with and without the network, as root and as an unprivileged user.
// Outside the sandbox the same calls with the same (harmless) arguments get the kernel's own answer — success, or
// an error other than the filter's — so the refusal inside is the filter's, not the arguments'. A few calls the
// filter must leave (plain clone, unshare of no namespace, a shared lock, fcntl, the kernel log's size) answer
// inside as they do outside for a user without capabilities.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sandboxed } from '../../src/executors/sandbox.js';
import { asNobody, SETPRIV } from '../helpers/as-nobody.js';
import { EPERM, ENOSYS, REFUSED, UNAVAILABLE } from '../../src/executors/sandbox-syscalls.js';

const CC = ['/usr/bin/cc', '/usr/bin/gcc', '/usr/bin/clang'].find(existsSync);
const asRoot = process.getuid?.() === 0;
const x64 = process.arch === 'x64';

/** Probe name → the filter's answer (errno). Arguments decide some calls: those have probes of their own. */
const REFUSED_CALLS = new Map<string, number>([
  ...REFUSED.filter(([, x, a]) => (x64 ? x : a) !== undefined).map(([name]) => [name, EPERM] as const),
  ...UNAVAILABLE.map(([name]) => [name, ENOSYS] as const),
  ['unshare-user', EPERM], ['unshare-time', EPERM], ['clone-user', EPERM], ['flock-ex', EPERM], ['fcntl-lease', EPERM],
  ['syslog-console', EPERM],
  // Naming a process by its pid (here its own: harmless outside; inside it could be a host process).
  ...['kill-pid', 'tkill-signal', 'tgkill-signal', 'setpriority-pid', 'ioprio-pid', 'prlimit-set', 'sched_setaffinity-pid',
    'sched_setparam-pid', 'sched_setscheduler-pid', 'sched_setattr-pid', 'migrate_pages-pid', 'move_pages-pid',
    'fcntl-setown', 'fcntl-setsig', 'ioctl-setown'].map((n) => [n, EPERM] as const),
]);
const LEFT = ['clone-plain', 'unshare-files', 'flock-sh', 'fcntl-getfl', 'syslog-size', 'kill-group', 'kill-exists',
  'tkill-exists', 'tgkill-urg', 'setpriority-self', 'prlimit-read', 'sched_setaffinity-self'];

type Answers = Map<string, string>;

function setup(t: { after(fn: () => void): void }) {
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
function lockFor(cwd: string, how: { sandbox?: 'network' | 'offline'; asNobody?: boolean }): string {
  const file = join(cwd, `lockfile-${how.sandbox ?? 'outside'}-${how.asNobody ? 'nobody' : 'self'}`);
  writeFileSync(file, 'x');
  if (asRoot) chownSync(file, 65534, 65534);
  return file;
}

/** Runs the probe (asynchronously: other tests' servers keep answering) and reads its "<name> <answer>" lines. */
function answers(argv: string[], cwd: string, how: { sandbox?: 'network' | 'offline'; asNobody?: boolean }): Promise<Answers> {
  argv = argv.map((a) => (a === LOCKFILE ? lockFor(cwd, how) : a));
  if (how.sandbox) argv = sandboxed(argv, cwd, how.sandbox === 'network');
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

const skipNoCc = !CC ? 'no C compiler (cc) here to build the probe' : false;

describe('the sandbox refuses each call of its filter, and only the filter refuses it', { concurrency: true }, () => {
  for (const asNobody of [false, true]) {
    const skip = skipNoCc || (asNobody && (!asRoot || !SETPRIV) ? 'needs root and setpriv to become another user' : false);
    test(`${asNobody ? 'as an unprivileged user' : 'as the current user'}: refused inside (network and offline), answered by the kernel outside`, { skip }, async (t) => {
      const s = setup(t);
      const [outside, network, offline] = await Promise.all([
        answers(s.argv, s.dir, { asNobody }),
        answers(s.argv, s.dir, { sandbox: 'network', asNobody }),
        answers(s.argv, s.dir, { sandbox: 'offline', asNobody }),
      ]);
      const capless = asNobody ? outside : await answers(s.argv, s.dir, { asNobody: true }).catch(() => undefined);
      for (const [name, errno] of REFUSED_CALLS) {
        assert.notEqual(outside.get(name), undefined, `${name}: no probe for it`);
        assert.notEqual(outside.get(name), '-1', `${name}: the probe does not know it`);
        assert.equal(network.get(name), String(errno), `${name} with the network: ${network.get(name)}`);
        assert.equal(offline.get(name), String(errno), `${name} offline: ${offline.get(name)}`);
        // As root every call reaches the kernel outside and gets another answer; as a user without capabilities
        // the kernel itself refuses some with EPERM (mount, reboot…), where the filter's answer cannot be told
        // apart — the root run shows the filter refuses those.
        if (!asNobody) assert.notEqual(outside.get(name), String(errno), `${name} outside answers ${outside.get(name)}: the probe proves nothing`);
      }
      if (!asNobody) {
        // The calls an unprivileged user may make outside: the filter's answer differs from the kernel's there too.
        const open = [...REFUSED_CALLS].filter(([n, e]) => capless?.get(n) !== String(e)).map(([n]) => n);
        assert.ok(open.length >= 20, `unprivileged calls the kernel answers outside: ${open.join(' ')}`);
      }
      for (const name of LEFT) {
        if (capless) assert.equal(network.get(name), capless.get(name), `${name} is left to the kernel: inside ${network.get(name)}, outside ${capless.get(name)}`);
        assert.equal(offline.get(name), network.get(name), name);
      }
      assert.equal(network.get('past-table'), String(ENOSYS), 'a number past the reviewed table');
    });
  }
});
