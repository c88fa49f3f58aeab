// The sandbox reads the host as a real run does (issue #35: a dry run reported "no database process runs" where
// the real run found one) and still cannot signal it: with real PostgreSQL and MariaDB servers running here, a
// script in the sandbox — with the network and offline, as root and as an unprivileged user — finds each server's
// process by name (pgrep) and in /proc, its listener (ss, /proc/net/tcp), and fails to signal it by every way
// there is to name it: kill, kill -STOP and tkill by its pid, pidfd_send_signal through a pidfd of it and through
// its /proc directory; nor can it follow its /proc/<pid>/root (the host's writable root).
// The server stays up and keeps answering. Outside the sandbox the same pid is reachable (kill -0), so the
// refusal inside is the sandbox's.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { userInfo } from 'node:os';
import { sandboxed } from '../../src/executors/sandbox.js';
import { asNobody, SETPRIV } from '../helpers/as-nobody.js';
import { labServerInfo, startServer, type LabServer } from '../../src/lab/index.js';

const asRoot = process.getuid?.() === 0;
const PYTHON = ['/usr/bin/python3', '/usr/local/bin/python3'].find(existsSync);

let servers: LabServer[] = [];
before(async () => { servers = await Promise.all([startServer('postgres'), startServer('mariadb')]); });
after(async () => { await Promise.all(servers.map((s) => s.stop())); });

function inSandbox(script: string, how: { network: boolean; asNobody: boolean }): Promise<string> {
  let argv = sandboxed(['bash', '-c', script], '/', how.network);
  if (how.asNobody) argv = asNobody(argv);
  const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { out += d.toString(); });
  return new Promise((resolve) => child.on('close', () => resolve(out)));
}

const answers = (port: number): Promise<boolean> => new Promise((resolve) => {
  const s = connect(port, '127.0.0.1', () => { s.destroy(); resolve(true); });
  s.on('error', () => resolve(false));
});

/** Every way a script names the server to signal it; each prints its outcome on a line of its own. */
function attempts(pid: number): string {
  const py = [
    'import ctypes, os, signal',
    `pid = ${pid}`,
    'libc = ctypes.CDLL(None, use_errno=True)',
    'def show(name, r): print(name, "ok" if r >= 0 else ctypes.get_errno())',
    'show("tkill", libc.syscall(200 if os.uname().machine == "x86_64" else 130, pid, signal.SIGTERM))',
    'pfd = os.pidfd_open(pid)',
    'show("pidfd-signal", libc.syscall(424, pfd, signal.SIGTERM, None, 0))',
    'fd = os.open(f"/proc/{pid}", os.O_RDONLY | os.O_DIRECTORY)',
    'show("pidfd_send_signal", libc.syscall(424, fd, signal.SIGTERM, None, 0))',
  ].join('\n');
  return [
    `kill -TERM ${pid} 2>/dev/null && echo kill=ok || echo kill=refused`,
    `kill -STOP ${pid} 2>/dev/null && echo stop=ok || echo stop=refused`,
    PYTHON ? `${PYTHON} -c '${py}'` : 'echo no-python',
  ].join('\n');
}

describe("the sandbox sees the host's database servers and cannot signal them", { concurrency: true }, () => {
  for (const asNobody of [false, true]) {
    for (const network of [true, false]) {
      const skip = asNobody && (!asRoot || !SETPRIV) ? 'needs root and setpriv to become another user' : false;
      test(`${network ? 'with the network' : 'offline'}, ${asNobody ? 'as an unprivileged user' : 'as the current user'}`, { skip }, async () => {
        for (const server of servers) {
          const pid = labServerInfo(server)!.pid;
          const comm = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
          assert.match(comm, /^(postgres|mariadbd|mysqld)$/);
          process.kill(pid, 0); // outside, this user (root) reaches the pid: the refusals below are the sandbox's
          const hex = server.port.toString(16).toUpperCase().padStart(4, '0');
          const script = [
            `pgrep -x ${comm} | grep -qx ${pid} && echo pgrep=found`,
            `for d in /proc/[0-9]*; do [ "$(cat $d/comm 2>/dev/null)" = ${comm} ] && echo "proc=\${d#/proc/}"; done | grep -qx proc=${pid} && echo walk=found`,
            `ss -ltnH | awk '{print $4}' | grep -qx 127.0.0.1:${server.port} && echo ss=found`,
            `ss -ltnp | grep -q ':${server.port} ' && echo ss-p=found`,
            `grep -q ':${hex} 00000000:0000 0A' /proc/net/tcp && echo proc-net=found`,
            `echo "owner=$(stat -c %U /proc/${pid}) $(ps -o user= -p ${pid})"`,
            `ls /proc/${pid}/root/ >/dev/null 2>&1 && echo root-link=open || echo root-link=refused`,
            // ps looks itself up in /proc by getpid(): under a PID namespace of its own that failed at random.
            'for i in 1 2 3 4 5; do ps x >/dev/null || exit 1; done && echo ps-self=ok',
            attempts(pid),
          ].join('\n');
          const out = await inSandbox(script, { network, asNobody });
          for (const seen of ['pgrep', 'walk', 'ss', 'ss-p', 'proc-net']) assert.match(out, new RegExp(`^${seen}=found$`, 'm'), `${server.engine}: ${out}`);
          // The sandbox's user namespace maps its own user alone: another user's process reads as nobody's.
          const owner = spawnSync('stat', ['-c', '%U', `/proc/${pid}`], { encoding: 'utf8' }).stdout.trim();
          const seen = owner === (asNobody ? 'nobody' : userInfo().username) ? owner : 'nobody';
          assert.match(out, new RegExp(`^owner=${seen} ${seen}$`, 'm'), out);
          assert.match(out, /^ps-self=ok$/m, out);
          // The server's /proc/<pid>/root is the host's root, writable: the user namespace keeps it shut.
          assert.match(out, /^root-link=refused$/m, out);
          // The sandbox shares the host's PID namespace: the filter refuses every signal by pid (EPERM).
          assert.match(out, /^kill=refused$/m, out);
          assert.match(out, /^stop=refused$/m, out);
          if (PYTHON) {
            assert.match(out, /^tkill 1$/m, `EPERM: ${out}`);
            // A pidfd can be had (it only names the process); sending through it, or through the /proc directory, cannot.
            assert.match(out, /^pidfd_send_signal 1$/m, `EPERM: ${out}`);
            assert.match(out, /^pidfd-signal 1$/m, `EPERM: ${out}`);
          }
          process.kill(pid, 0);
          assert.equal(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] === 'T', false, `${server.engine} was stopped`);
          assert.ok(await answers(server.port), `${server.engine} still accepts connections`);
        }
      });
    }
  }
});
