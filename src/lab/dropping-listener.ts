// A loopback port whose TCP handshake never completes, the way a firewall that DROPs packets looks to a
// client. A socket that listens with a backlog of 0 and never accepts has room for one queued connection;
// once the lab fills it, the kernel drops every further SYN and clients time out in connect().
// Node's net.Server always accepts, so the listener is held by python3 (held-socket.ts).
import { connect, type Socket } from 'node:net';
import { LabError } from './lab-error.js';
import { LOOPBACK } from './ports.js';
import { holdSocket } from './held-socket.js';

export interface DroppingListener { port: number; close(): Promise<void> }

/** host and port: where it listens (default: the lab's loopback address, any free port). */
export async function startDroppingListener(at: { host?: string; port?: number } = {}): Promise<DroppingListener> {
  const host = at.host ?? LOOPBACK;
  const held = await holdSocket(host, at.port ?? 0, true, 'dropped-packets');
  const filler = await fillQueue(host, held.port).catch(async (err: unknown) => { await held.close(); throw err; });
  return {
    port: held.port,
    close: async () => {
      filler.destroy();
      await held.close();
    },
  };
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
