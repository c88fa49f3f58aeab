// A loopback TCP socket held by a tiny python3 process, for the two faults Node's net cannot make: a port
// bound and listening with a backlog of 0 that never accepts (dropped SYNs), and a port bound but never
// listening (refused, yet held, so that no other server of a concurrent test can take it).
import { spawn, type ChildProcess } from 'node:child_process';
import { LabError } from './lab-error.js';
import { findTool } from './binaries.js';
import { labEnv } from '../secrets/credential-env.js';

const HOLDER = `
import socket, sys
s = socket.socket()
s.bind((sys.argv[1], int(sys.argv[2])))
if sys.argv[3] == 'listen':
    s.listen(0)
print(s.getsockname()[1], flush=True)
sys.stdin.read()  # lives until the lab closes our stdin (or dies)
`;

export interface HeldSocket { port: number; close(): Promise<void> }

export const hasSocketHolder = (): boolean => findTool('python3') !== undefined;

/** `what` names the fault in errors; listen: whether the socket listens (backlog 0) or is only bound. */
export async function holdSocket(host: string, port: number, listen: boolean, what: string): Promise<HeldSocket> {
  const python = findTool('python3');
  if (!python) throw new LabError(`the ${what} fault needs python3 (apt-get install -y python3)`);
  const child = spawn(python, ['-c', HOLDER, host, String(port), listen ? 'listen' : 'bind'],
    { stdio: ['pipe', 'pipe', 'inherit'], env: labEnv() });
  const held = await firstLine(child, what);
  // A test that never calls close() must still exit: nothing here holds Node's event loop, and the holder ends
  // when its stdin closes with this process.
  child.unref();
  for (const stream of [child.stdin, child.stdout]) (stream as unknown as { unref?: () => void } | null)?.unref?.();
  return {
    port: held,
    close: async () => {
      child.ref(); // awaited: the loop must wait for its exit (unref'd, a test's last await ended with it pending)
      child.stdin?.end();
      child.kill('SIGTERM');
      await new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(undefined) : child.once('exit', resolve)));
    },
  };
}

function firstLine(child: ChildProcess, what: string): Promise<number> {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const port = Number(out.split('\n')[0]);
      if (out.includes('\n') && port > 0) resolve(port);
    });
    child.once('exit', (code) => reject(new LabError(`the ${what} socket holder exited (${code})`)));
    child.once('error', reject);
  });
}
