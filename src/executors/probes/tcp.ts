// tcp: can a TCP connection be opened to host:port? ok / refused / timeout / unreachable / dns.
// A name is walked as the application's client walks it (address-walk.ts): its addresses in order, one at a time.
import { clientTimeout } from '../../db/client-timeout.js';
import { reachAsClient, walkOf } from './address-walk.js';
import { connectTarget, deadline } from './socket.js';
import { probeFailed, probeOk } from './probe-result.js';
import { probeTarget, requirePort, type ProbeTarget } from './target.js';
import type net from 'node:net';
import type { ExecContext, ProbeAction, StepResult } from '../types.js';

export async function tcpProbe(action: ProbeAction, ctx: ExecContext, env?: Record<string, string | undefined>): Promise<StepResult> {
  const startedAt = Date.now();
  let details: Record<string, unknown> = {};
  const limit = deadline(ctx.signal, action.timeoutMs, 'tcp connect');
  try {
    const target = probeTarget(action, env);
    const port = requirePort(target, 'tcp');
    details = { host: target.host, port, ...(target.socket ? { socket: target.socket } : {}) };
    if (target.socket) {
      const socket = await connectTarget(target, port, limit.signal).catch((err: unknown) => {
        // No socket file: nothing listens there, as ECONNREFUSED is for TCP.
        throw (err as { code?: unknown }).code === 'ENOENT' ? Object.assign(new Error(`connect ENOENT ${target.socket}: no socket file (nothing listens there)`), { code: 'ECONNREFUSED' }) : err;
      });
      socket.destroy();
      return probeOk(startedAt, { ...details, address: target.socket, family: 'unix', connectMs: Date.now() - startedAt });
    }
    const socket = await walked(target, port, limit.signal, env, (walk) => { details = { ...details, ...walk }; });
    details = { ...details, address: socket.remoteAddress, family: socket.remoteFamily, connectMs: Date.now() - startedAt };
    socket.destroy();
    return probeOk(startedAt, details);
  } catch (err) {
    return probeFailed(ctx, startedAt, err, details);
  } finally {
    limit.dispose();
  }
}

/** The socket the client's walk reached; `seen` gets the walk when the name has several addresses. The URL's own
 *  connect timeout is each address's (an explicit host/port with no URL: none, as nc). */
async function walked(target: ProbeTarget, port: number, signal: AbortSignal, env: Record<string, string | undefined> | undefined,
  seen: (walk: Record<string, unknown>) => void): Promise<net.Socket> {
  const own = target.info && target.host === target.info.host ? clientTimeout(target.info, env ?? process.env) : undefined;
  try {
    const walk = await reachAsClient(target.host, port, signal, own);
    if (walk.addresses.length > 1) seen({ addressWalk: walk.tries });
    return walk.reached.socket;
  } catch (err) {
    const tries = walkOf(err);
    if (tries) seen({ addressWalk: tries });
    throw err;
  }
}
