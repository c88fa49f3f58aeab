// A loopback port whose TCP handshake never completes, the way a firewall that DROPs packets looks to a
// client. A socket that listens with a backlog of 0 and never accepts has room for one queued connection;
// once the lab fills it, the kernel drops every further SYN and clients time out in connect().
// Node's net.Server always accepts, so the listener is a tiny python3 process (present on these machines).
import { spawn, type ChildProcess } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { LabError } from './lab-error.js';
import { findTool } from './binaries.js';
import { LOOPBACK } from './ports.js';
import { labEnv } from '../secrets/credential-env.js';

const LISTENER = `
import socket, sys
s = socket.socket()
s.bind((sys.argv[1], int(sys.argv[2])))
s.listen(0)
print(s.getsockname()[1], flush=True)
sys.stdin.read()  # lives until the lab closes our stdin (or dies)
`;

export interface DroppingListener { port: number; close(): Promise<void> }

/** host and port: where it listens (default: the lab's loopback address, any free port). */
export async function startDroppingListener(at: { host?: string; port?: number } = {}): Promise<DroppingListener> {
  const python = findTool('python3');
  if (!python) throw new LabError('the dropped-packets fault needs python3 (apt-get install -y python3)');
  const host = at.host ?? LOOPBACK;
  const child = spawn(python, ['-c', LISTENER, host, String(at.port ?? 0)], { stdio: ['pipe', 'pipe', 'inherit'], env: labEnv() });
  const port = await firstLine(child);
  const filler = await fillQueue(host, port);
  return {
    port,
    close: async () => {
      filler.destroy();
      child.stdin?.end();
      child.kill('SIGTERM');
      await new Promise((resolve) => (child.exitCode !== null ? resolve(undefined) : child.once('exit', resolve)));
    },
  };
}

function firstLine(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const port = Number(out.split('\n')[0]);
      if (out.includes('\n') && port > 0) resolve(port);
    });
    child.once('exit', (code) => reject(new LabError(`the dropped-packets listener exited (${code})`)));
    child.once('error', reject);
  });
}

/** Takes the one queued slot so that the next SYN is dropped. */
function fillQueue(host: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ host, port });
    s.on('error', () => undefined);
    s.once('connect', () => resolve(s));
    setTimeout(() => reject(new LabError('could not fill the dropped-packets listener queue')), 5000).unref();
  });
}
