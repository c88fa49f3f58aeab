// Something between the application and the database, for real: HAProxy in TCP mode (its backend down, or
// its one backend slot held so clients queue and time out) and stunnel terminating TLS in front of a server.
// Each listens on a free loopback port and is stopped (and its dir removed) by stop() or at exit.
import { writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { labCerts } from './certs.js';
import { findTool } from './binaries.js';
import { LabError } from './lab-error.js';
import { makeServerDir, removeDir } from './lab-root.js';
import { freePort, LOOPBACK } from './ports.js';
import { spawnServer } from './server-process.js';

export interface LabProxy {
  port: number;
  stop(): Promise<void>;
}

export interface HaproxyOptions {
  /** The backend's port (a closed one makes the backend down). */
  backendPort: number;
  /** Connections HAProxy gives the backend at once; more wait in its queue. */
  backendMaxconn?: number;
  /** How long a client waits in the queue before HAProxy closes it. */
  queueTimeoutMs?: number;
  /** HAProxy's connect timeout, which is also its pause between retries (three) to a backend that refuses. */
  connectTimeoutMs?: number;
}

export async function startHaproxy(opts: HaproxyOptions): Promise<LabProxy> {
  const haproxy = findTool('haproxy') ?? '/usr/sbin/haproxy';
  const dir = makeServerDir('haproxy', undefined);
  const port = await freePort();
  const config = [
    'global',
    'defaults', '  mode tcp', `  timeout connect ${opts.connectTimeoutMs ?? 1000}ms`, '  timeout client 60s', '  timeout server 60s',
    `  timeout queue ${opts.queueTimeoutMs ?? 2000}ms`,
    'frontend fe', `  bind ${LOOPBACK}:${port}`, '  default_backend be',
    'backend be', `  server db ${LOOPBACK}:${opts.backendPort} maxconn ${opts.backendMaxconn ?? 100}`, '',
  ].join('\n');
  writeFileSync(join(dir, 'haproxy.cfg'), config);
  // -d: foreground, and it says when it polls (its listeners are bound by then); it also logs each connection.
  return start('HAProxy', haproxy, ['-d', '-f', join(dir, 'haproxy.cfg')], /as the polling mechanism/, dir, port);
}

/** stunnel in server mode: TLS from the first byte on its port, plain text to the server behind it. */
export async function startStunnel(backendPort: number): Promise<LabProxy> {
  const stunnel = findTool('stunnel4') ?? findTool('stunnel');
  if (!stunnel) throw new LabError('stunnel is not installed: apt-get install -y stunnel4');
  const certs = await labCerts();
  const dir = makeServerDir('stunnel', undefined);
  const port = await freePort();
  const config = ['foreground = yes', 'pid =', 'debug = 5', '[db]', `accept = ${LOOPBACK}:${port}`,
    `connect = ${LOOPBACK}:${backendPort}`, `cert = ${certs.files.good.cert}`, `key = ${certs.files.good.key}`, ''].join('\n');
  writeFileSync(join(dir, 'stunnel.conf'), config);
  return start('stunnel', stunnel, [join(dir, 'stunnel.conf')], /Configuration successful/, dir, port);
}

/** Until the port accepts a connection: a proxy's "ready" line can come before its listener is bound. */
async function accepting(port: number, label: string, logTail: () => string): Promise<void> {
  for (const until = Date.now() + 30_000; Date.now() < until; await sleep(50)) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: LOOPBACK, port }, () => { socket.destroy(); resolve(true); });
      socket.on('error', () => resolve(false));
    });
    if (ok) return;
  }
  throw new LabError(`${label} does not accept connections on ${LOOPBACK}:${port}\n--- log ---\n${logTail()}`);
}

async function start(label: string, cmd: string, args: string[], readyPattern: RegExp, dir: string, port: number): Promise<LabProxy> {
  try {
    const proc = await spawnServer({ label, cmd, args, user: undefined, readyPattern, stopSignal: 'SIGKILL' });
    await accepting(port, label, proc.logTail);
    return { port, stop: async () => { await proc.stop(); removeDir(dir); } };
  } catch (err) {
    removeDir(dir);
    throw err;
  }
}
