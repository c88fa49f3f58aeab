// tcp: can a TCP connection be opened to host:port? ok / refused / timeout / unreachable / dns.
import { connectTcp, deadline } from './socket.js';
import { probeFailed, probeOk } from './probe-result.js';
import { probeTarget, requirePort } from './target.js';
import type { ExecContext, ProbeAction, StepResult } from '../types.js';

export async function tcpProbe(action: ProbeAction, ctx: ExecContext): Promise<StepResult> {
  const startedAt = Date.now();
  let details: Record<string, unknown> = {};
  const limit = deadline(ctx.signal, action.timeoutMs, 'tcp connect');
  try {
    const target = probeTarget(action);
    const port = requirePort(target, 'tcp');
    details = { host: target.host, port };
    const socket = await connectTcp(target.host, port, limit.signal);
    details = { ...details, address: socket.remoteAddress, family: socket.remoteFamily, connectMs: Date.now() - startedAt };
    socket.destroy();
    return probeOk(startedAt, details);
  } catch (err) {
    return probeFailed(ctx, startedAt, err, details);
  } finally {
    limit.dispose();
  }
}
