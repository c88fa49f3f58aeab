// dns: what the host name resolves to. dns.lookup answers as the application would (getaddrinfo:
// /etc/hosts, then DNS); resolve4/resolve6 ask DNS itself, which shows a hosts-file override.
import dns from 'node:dns';
import net from 'node:net';
import { raceAbort } from '../../db/abort.js';
import { deadline } from './socket.js';
import { addressesOf } from './address-walk.js';
import { probeFailed, probeOk } from './probe-result.js';
import { probeTarget } from './target.js';
import type { ExecContext, ProbeAction, StepResult } from '../types.js';

export async function dnsProbe(action: ProbeAction, ctx: ExecContext, env?: Record<string, string | undefined>): Promise<StepResult> {
  const startedAt = Date.now();
  let details: Record<string, unknown> = {};
  const limit = deadline(ctx.signal, action.timeoutMs, 'dns lookup');
  const resolver = new dns.promises.Resolver({ timeout: action.timeoutMs, tries: 1 });
  try {
    const { host, socket } = probeTarget(action, env);
    details = { host };
    // A Unix socket is a path on this machine: nothing to resolve, and never a DNS name.
    if (socket) return probeOk(startedAt, { ...details, socket, addresses: [socket] });
    if (net.isIP(host)) return probeOk(startedAt, { ...details, addresses: [host], literal: true });
    const direct = isLocalName(host) ? undefined : askDns(resolver, host); // never send "localhost" to DNS
    details = { ...details, addresses: await addressesOf(host, limit.signal), lookupMs: Date.now() - startedAt };
    if (direct) details = { ...details, ...(await raceAbort(direct, limit.signal).catch(() => ({}))) };
    return probeOk(startedAt, details);
  } catch (err) {
    return probeFailed(ctx, startedAt, err, details);
  } finally {
    resolver.cancel();
    limit.dispose();
  }
}

function isLocalName(host: string): boolean {
  return /^localhost\.?$|\.localhost\.?$/i.test(host);
}

/** A and AAAA records straight from DNS; failures are evidence, not errors. */
async function askDns(resolver: dns.promises.Resolver, host: string): Promise<Record<string, unknown>> {
  const startedAt = Date.now();
  const [a, aaaa] = await Promise.allSettled([resolver.resolve4(host), resolver.resolve6(host)]);
  const show = (r: PromiseSettledResult<string[]>): string[] | string =>
    r.status === 'fulfilled' ? r.value : String((r.reason as { code?: unknown }).code ?? 'error');
  return { dnsA: show(a), dnsAAAA: show(aaaa), dnsMs: Date.now() - startedAt };
}
