// The dry-run sandbox (executors/sandbox.ts), run directly: as root and as an unprivileged user (setpriv), the
// filesystem is read-only, /tmp and /run are private, no outside process can be signalled, capabilities are
// gone (no remount), and the network is the host's (a loopback listener answers); offline, no socket but
// netlink's routing and diagnostic ones can be created (the seccomp filter), in the host's network namespace.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { NO_SANDBOX_ENV, sandboxAvailable, sandboxed } from '../../src/executors/sandbox.js';
import { asNobody, SETPRIV } from '../helpers/as-nobody.js';

const asRoot = process.getuid?.() === 0;

/** Asynchronous: the test's own loopback server must keep answering meanwhile. */
function inSandbox(script: string, opts: { cwd: string; asNobody?: boolean; offline?: boolean }): Promise<{ code: number | null; out: string }> {
  let argv = sandboxed(['bash', '-c', script], opts.cwd, !opts.offline);
  if (opts.asNobody) argv = asNobody(argv);
  const child = spawn(argv[0]!, argv.slice(1), { cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { out += d.toString(); });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, out })));
}

describe('the dry-run sandbox', () => {
  test('is available here (bwrap installed; .ci/run installs it)', () => {
    assert.equal(sandboxAvailable(), true);
  });

  for (const asNobody of [false, true]) {
    const skip = asNobody && (!asRoot || !SETPRIV) ? 'needs root and setpriv to become another user' : false;
    test(`${asNobody ? 'as an unprivileged user' : 'as the current user'}: nothing outside can be changed or signalled`, { skip }, async (t) => {
      const dir = mkdtempSync('/var/tmp/runbook-sandbox-unit-');
      t.after(() => rmSync(dir, { recursive: true, force: true }));
      chmodSync(dir, 0o777);
      const keep = join(dir, 'keep');
      writeFileSync(keep, 'x');
      chmodSync(keep, 0o666);
      // A sleep of our own under a unique name: were the sandbox broken, pkill would hit only this process.
      const name = `rbs${Math.random().toString(36).slice(2, 10)}`;
      copyFileSync('/bin/sleep', join(dir, name));
      const victim = spawn(join(dir, name), ['600'], { stdio: 'ignore' });
      t.after(() => victim.kill('SIGKILL'));
      const server = createServer((s) => s.end('hello\n'));
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      t.after(() => server.close());
      const port = (server.address() as { port: number }).port;
      const script = [
        `rm -f ${keep} && echo REMOVED`, `echo x > ${dir}/new && echo WROTE`, `kill ${victim.pid} && echo KILLED`,
        // /run first: mount(8) itself creates /run/mount (in the private /run).
        `pkill -x ${name} && echo PKILLED`, 'ls -A /run | grep -q . && echo RUN-VISIBLE', 'mount -o remount,rw / 2>/dev/null && echo REMOUNTED',
        'touch /tmp/scratch && echo TMP-OK', `exec 3<>/dev/tcp/127.0.0.1/${port} && head -1 <&3`, 'echo END',
      ].join('\n');
      const r = await inSandbox(script, { cwd: dir, asNobody });
      assert.equal(r.code, 0, r.out);
      assert.match(r.out, /TMP-OK/);
      assert.match(r.out, /hello/, 'the loopback network is reachable');
      assert.match(r.out, /END/);
      for (const word of ['REMOVED', 'WROTE', 'KILLED', 'PKILLED', 'REMOUNTED', 'RUN-VISIBLE']) assert.doesNotMatch(r.out, new RegExp(word), r.out);
      assert.ok(existsSync(keep));
      assert.ok(!existsSync(join(dir, 'new')));
      assert.ok(!existsSync('/tmp/scratch') || !asNobody, 'the private /tmp is not the real one');
      assert.equal(victim.exitCode, null);
      assert.equal(victim.signalCode, null);
    });
  }

  // The host's /proc is visible, and /proc/<pid>/root and /cwd of a host process lead to the host's writable files.
  // The class: a process of the same user without capabilities (which the kernel lets its peers reach), a sweep of
  // every process the step can see (bwrap's own included), and the step's own processes.
  for (const asNobody of [false, true]) {
    const skip = !asRoot || !SETPRIV ? 'needs root and setpriv' : false;
    test(`${asNobody ? 'as an unprivileged user' : 'as root'}: no process's /proc/<pid>/root or cwd leads out of the sandbox`, { skip }, async (t) => {
      const dir = mkdtempSync('/var/tmp/runbook-sandbox-escape-');
      t.after(() => rmSync(dir, { recursive: true, force: true }));
      chmodSync(dir, 0o777);
      const user = asNobody ? ['--reuid', '65534', '--regid', '65534', '--clear-groups'] : [];
      const peer = spawn(SETPRIV!, [...user, '--inh-caps=-all', '--bounding-set=-all', 'sleep', '600'], { cwd: dir, stdio: 'ignore' });
      t.after(() => peer.kill('SIGKILL'));
      const script = [
        `[ -d /proc/${peer.pid} ] && echo PEER-SEEN`,
        `touch /proc/${peer.pid}/root${dir}/via-root 2>/dev/null && echo ESCAPED-ROOT`,
        `touch /proc/${peer.pid}/cwd/via-cwd 2>/dev/null && echo ESCAPED-CWD`,
        `for d in /proc/[0-9]*; do touch "$d/root${dir}/sweep-\${d#/proc/}" 2>/dev/null && echo "ESCAPED-SWEEP \${d#/proc/}"; done`,
        'echo END',
      ].join('\n');
      const r = await inSandbox(script, { cwd: '/', asNobody });
      assert.match(r.out, /PEER-SEEN/, r.out);
      assert.match(r.out, /END/, r.out);
      assert.doesNotMatch(r.out, /ESCAPED/, r.out);
      assert.deepEqual(readdirSync(dir), []);
      // Not vacuous: outside, the same user reaches the peer's root and writes through it.
      const outside = spawnSync(SETPRIV!, [...user, '--inh-caps=-all', '--bounding-set=-all', 'touch', `/proc/${peer.pid}/root${dir}/outside`]);
      assert.equal(outside.status, 0, String(outside.stderr));
      assert.ok(existsSync(join(dir, 'outside')));
    });
  }

  // What the offline filter (sandbox-seccomp.ts) refuses, and what it leaves: each call made for real by python.
  for (const asNobody of [false, true]) {
    const skip = asNobody && (!asRoot || !SETPRIV) ? 'needs root and setpriv to become another user' : false;
    test(`offline, ${asNobody ? 'as an unprivileged user' : 'as the current user'}: no socket but netlink's routing and diagnostics; socket pairs still work`, { skip }, async (t) => {
      const dir = mkdtempSync('/var/tmp/runbook-sandbox-filter-');
      t.after(() => rmSync(dir, { recursive: true, force: true }));
      chmodSync(dir, 0o755);
      const py = [
        'import ctypes, os, socket',
        'def attempt(name, f):',
        '    try: f(); print(name, "ok")',
        '    except OSError as e: print(name, e.errno)',
        'attempt("unix", lambda: socket.socket(socket.AF_UNIX))',
        'attempt("unix-dgram", lambda: socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM))',
        'attempt("pair", lambda: socket.socketpair())',
        'attempt("inet", lambda: socket.socket(socket.AF_INET))',
        'attempt("inet6", lambda: socket.socket(socket.AF_INET6))',
        'attempt("netlink", lambda: socket.socket(16, socket.SOCK_RAW, 0))',
        'attempt("netlink-diag", lambda: socket.socket(16, socket.SOCK_RAW, 4))',
        'attempt("netlink-generic", lambda: socket.socket(16, socket.SOCK_RAW, 16))',
        'attempt("vsock", lambda: socket.socket(40, socket.SOCK_STREAM))',
        'attempt("packet", lambda: socket.socket(17, socket.SOCK_DGRAM, 0))',
        'libc = ctypes.CDLL(None, use_errno=True)',
        'params = ctypes.create_string_buffer(120)',
        'fd = libc.syscall(425, 4, params)',
        'print("io_uring", "ok" if fd >= 0 else ctypes.get_errno())',
      ].join('\n');
      const script = `python3 -c '${py}'`;
      const offline = await inSandbox(script, { cwd: dir, offline: true, asNobody });
      assert.equal(offline.code, 0, offline.out);
      assert.match(offline.out, /^unix 13$/m);
      assert.match(offline.out, /^unix-dgram 13$/m);
      assert.match(offline.out, /^pair ok$/m);
      assert.match(offline.out, /^inet 13$/m);
      assert.match(offline.out, /^inet6 13$/m);
      assert.match(offline.out, /^netlink ok$/m);
      assert.match(offline.out, /^netlink-diag ok$/m);
      assert.match(offline.out, /^netlink-generic 13$/m);
      // Every other family is refused by the filter (EACCES), whatever the kernel offers.
      assert.match(offline.out, /^vsock 13$/m);
      assert.match(offline.out, /^packet 13$/m);
      assert.match(offline.out, /^io_uring 38$/m);
      const online = await inSandbox(script, { cwd: dir, asNobody });
      assert.match(online.out, /^unix ok$/m, `with the network the same calls work (not vacuous): ${online.out}`);
      for (const name of ['inet', 'inet6', 'netlink-generic']) assert.match(online.out, new RegExp(`^${name} ok$`, 'm'), online.out);
      assert.match(online.out, /^vsock (ok|97)$/m, `with the network the filter leaves socket families to the kernel: ${online.out}`);
      // io_uring is refused in both forms (sandbox-syscalls.ts); outside it works: sandbox-syscalls.test.ts.
      assert.match(online.out, /^io_uring 38$/m, online.out);
    });
  }

  for (const offline of [false, true]) {
    test(`${offline ? 'offline' : 'with the network'}: nothing leaves the step's session (setsid -f); a group of its own is left (timeout's, in the session the step's end sweeps); nothing outlives it`, async (t) => {
      const cwd = mkdtempSync('/var/tmp/runbook-sandbox-');
      t.after(() => rmSync(cwd, { recursive: true, force: true }));
      const marker = `runbook-escape-${process.pid}-${offline ? 'off' : 'on'}`;
      const r = await inSandbox(`setsid -f sleep 300 ${marker} 2>&1; echo "setsid=$?"; perl -e 'exit(setpgrp(0, 0) ? 0 : 1)' 2>/dev/null; echo "setpgrp=$?"; timeout 0.3 sleep 5; echo "timeout=$?"`, { cwd, offline });
      // setsid -f forks first (its parent exits 0); the child's setsid is refused, so sleep never starts. The
      // child writes its message in pieces while the parent's echo runs: the pieces may interleave.
      assert.match(r.out, /setsid failed/, r.out);
      assert.match(r.out, /Operation not permitted/, r.out);
      // Refused until stop 76, GNU timeout signalled the step's whole group: `timeout 1 sleep 5 || echo` died in a
      // dry run and went on in the real run.
      assert.match(r.out, /setpgrp=0/, r.out);
      assert.match(r.out, /timeout=124/, r.out);
      assert.equal(r.code, 0, r.out);
      assert.equal(spawnSync('pgrep', ['-f', marker]).status, 1, 'no process of the step is left running');
    });
  }

  test(`${NO_SANDBOX_ENV} makes it unavailable, and then nothing is wrapped (the caller must not run the step)`, () => {
    const saved = process.env[NO_SANDBOX_ENV];
    process.env[NO_SANDBOX_ENV] = '1';
    try {
      assert.equal(sandboxAvailable(), false);
      assert.throws(() => sandboxed(['true'], '/', true), /no sandbox/);
    } finally {
      if (saved === undefined) delete process.env[NO_SANDBOX_ENV]; else process.env[NO_SANDBOX_ENV] = saved;
    }
  });
});
