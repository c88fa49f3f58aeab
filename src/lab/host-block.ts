// host-blocked, for real: connections from the application host that close before the handshake completes (a
// load balancer's TCP check, a port scan) until MariaDB's host cache blocks that host (max_connect_errors). Each
// one waits for the server's first packet, so it has reached the handshake before it is dropped; the server then
// counts it. No fixed sleeps: the lab breaks connections until the server's first packet is 1129 itself.
import { connect } from 'node:net';
import { startAppHostRelay, type AppHostRelay } from './app-host.js';
import { LabError } from './lab-error.js';
import { LOOPBACK } from './ports.js';

const ER_HOST_IS_BLOCKED = 1129;

export interface BlockedHost {
  relay: AppHostRelay;
  /** Connections the lab broke off before the server refused the host. */
  broken: number;
}

/** A relay from the application host, and that host blocked by `server` after at least `limit` broken connections. */
export async function blockAppHost(server: { host: string; port: number }, limit: number): Promise<BlockedHost> {
  const relay = await startAppHostRelay(server);
  try {
    // The server counts a break after our close, so a few may still see a greeting: a hang guard, not a count.
    for (let broken = 0; broken < limit * 10 + 10; broken++) {
      if ((await firstPacketError(relay.port)) === ER_HOST_IS_BLOCKED) {
        if (broken < limit) throw new LabError(`host-blocked: the server blocked the host after ${broken} broken connections, below max_connect_errors ${limit}`);
        return { relay, broken };
      }
    }
    throw new LabError(`host-blocked: the server still greets the application host after ${limit * 10 + 10} broken connections`);
  } catch (err) {
    await relay.close();
    throw err;
  }
}

/** Opens a TCP connection, reads the server's first packet and drops the connection: its error number, or
 *  undefined for a greeting. */
function firstPacketError(port: number): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: LOOPBACK, port });
    let got = Buffer.alloc(0);
    const timer = setTimeout(() => { socket.destroy(); reject(new LabError('host-blocked: the server sent nothing within 30 s')); }, 30_000);
    socket.on('data', (d: Buffer) => {
      got = Buffer.concat([got, d]);
      if (got.length < 7) return; // 4-byte header, then 0xff and the error number, or the greeting's protocol byte
      clearTimeout(timer);
      socket.destroy();
      resolve(got[4] === 0xff ? got.readUInt16LE(5) : undefined);
    });
    socket.once('error', (err) => { clearTimeout(timer); reject(err); });
    socket.once('close', () => { clearTimeout(timer); reject(new LabError('host-blocked: the server closed before its first packet')); });
  });
}
