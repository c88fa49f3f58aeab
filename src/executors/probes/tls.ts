// tls: does the server offer TLS, with which certificate, and would a verifying client trust it?
// Database URLs get their server's preamble first (see preamble.ts); a bare host/port gets plain TLS.
import net from 'node:net';
import tls from 'node:tls';
import { classify } from '../../db/classify.js';
import { tlsFiles } from '../../db/ssl-options.js';
import { certDetails } from './cert.js';
import { mysqlPreamble, pgPreamble, type Preamble } from './preamble.js';
import { probeFailed, probeOk } from './probe-result.js';
import { connectTcp, deadline } from './socket.js';
import { probeTarget, requirePort, type ProbeTarget } from './target.js';
import type { ExecContext, ProbeAction, StepResult } from '../types.js';

export async function tlsProbe(action: ProbeAction, ctx: ExecContext, env?: Record<string, string | undefined>): Promise<StepResult> {
  const startedAt = Date.now();
  let details: Record<string, unknown> = {};
  const limit = deadline(ctx.signal, action.timeoutMs, 'tls handshake');
  let socket: net.Socket | undefined;
  try {
    const target = probeTarget(action, env);
    const port = requirePort(target, 'tls');
    const engine = target.info?.engine;
    details = { host: target.host, port, preamble: engine ?? 'none', ...(target.socket ? { socket: target.socket } : {}) };
    // Drivers never use TLS over a Unix socket (and PostgreSQL refuses it there): nothing to check.
    if (target.socket) return probeFailed(ctx, startedAt, 'a Unix socket carries no TLS', details, 'ssl-unsupported');
    socket = await connectTcp(target.host, port, limit.signal);
    const preamble = await runPreamble(engine, socket, limit.signal);
    if (preamble.serverVersion) details.serverVersion = preamble.serverVersion;
    if (!preamble.tls) return probeFailed(ctx, startedAt, preamble.reason, details, 'ssl-unsupported');
    const servername = action.servername ?? (net.isIP(target.host) ? undefined : target.host);
    const secure = await startTls(socket, target, servername, limit.signal);
    socket = secure;
    details = { ...details, ...certDetails(secure, servername ?? target.host) };
    if (secure.authorized) return probeOk(startedAt, details);
    const code = String(secure.authorizationError);
    const classification = classify(code);
    return probeFailed(ctx, startedAt, `certificate not accepted: ${code}`, details,
      classification === 'other' ? 'cert-untrusted' : classification);
  } catch (err) {
    return probeFailed(ctx, startedAt, err, details);
  } finally {
    socket?.destroy();
    limit.dispose();
  }
}

async function runPreamble(
  engine: string | undefined, socket: net.Socket, signal: AbortSignal,
): Promise<Preamble & { serverVersion?: string }> {
  if (engine === 'postgres') return pgPreamble(socket, signal);
  if (engine === 'mysql' || engine === 'mariadb') return mysqlPreamble(socket, signal);
  return { tls: true };
}

/** Handshakes without rejecting, so an untrusted certificate can still be inspected and reported. */
function startTls(socket: net.Socket, target: ProbeTarget, servername: string | undefined, signal: AbortSignal): Promise<tls.TLSSocket> {
  const files = target.info ? tlsFiles(target.info) : {};
  return new Promise((resolve, reject) => {
    const secure = tls.connect({
      socket, host: target.host, rejectUnauthorized: false,
      ...(servername ? { servername } : {}), ...files,
    });
    const onAbort = (): void => { secure.destroy(); reject(signal.reason); };
    secure.once('secureConnect', () => { signal.removeEventListener('abort', onAbort); resolve(secure); });
    secure.once('error', (err) => { signal.removeEventListener('abort', onAbort); reject(err); });
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
}
