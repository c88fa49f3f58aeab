// tcp: can a TCP connection be opened to host:port? ok / refused / timeout / unreachable / dns.
import { connectTarget, deadline } from './socket.js';
import { probeFailed, probeOk } from './probe-result.js';
import { probeTarget, requirePort } from './target.js';
import type { ExecContext, ProbeAction, StepResult } from '../types.js';

export async function tcpProbe(action: ProbeAction, ctx: ExecContext, env?: Record<string, string | undefined>): Promise<StepResult> {
  const startedAt = Date.now();
  let details: Record<string, unknown> = {};
  const limit = deadline(ctx.signal, action.timeoutMs, 'tcp connect');
  try {
    const target = probeTarget(action, env);
    const port = requirePort(target, 'tcp');
    details = { host: target.host, port, ...(target.socket ? { socket: target.socket } : {}) };
    const socket = await connectTarget(target, port, limit.signal).catch((err: unknown) => {
      // No socket file: nothing listens there, as ECONNREFUSED is for TCP.
      throw target.socket && (err as { code?: unknown }).code === 'ENOENT' ? Object.assign(new Error(`connect ENOENT ${target.socket}: no socket file (nothing listens there)`), { code: 'ECONNREFUSED' }) : err;
    });
    details = { ...details, ...(target.socket ? { address: target.socket, family: 'unix' } : { address: socket.remoteAddress, family: socket.remoteFamily }), connectMs: Date.now() - startedAt };
    socket.destroy();
    return probeOk(startedAt, details);
  } catch (err) {
    return probeFailed(ctx, startedAt, err, details);
  } finally {
    limit.dispose();
  }
}
