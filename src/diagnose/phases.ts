// How long each phase of the connection took (issue #48), and whether the login fits the client's own timeout:
// a login diagnose completes within its limit can still outlast the application's connect_timeout (libpq,
// seconds) or connectTimeout (mysql2, ms), and the application then fails where diagnose succeeded.
import type { ConnectionInfo } from '../db/url.js';
import type { Check, Phases } from './types.js';

/** libpq reads connect_timeout in seconds and treats less than 2 as 2; mysql2's connectTimeout is milliseconds. */
export function clientTimeout(info: ConnectionInfo): { ms: number; from: string } | undefined {
  const libpq = Number(info.params.connect_timeout);
  if (info.engine === 'postgres' && libpq > 0) return { ms: Math.max(2, libpq) * 1000, from: `connect_timeout=${info.params.connect_timeout}` };
  const mysql = Number(info.params.connectTimeout);
  if (info.engine !== 'postgres' && mysql > 0) return { ms: mysql, from: `connectTimeout=${info.params.connectTimeout}` };
  return undefined;
}

export function phasesOf(info: ConnectionInfo, checks: Check[]): Phases {
  const at = (layer: string) => checks.find((c) => c.layer === layer && c.status !== 'skipped');
  const num = (v: unknown) => (typeof v === 'number' ? v : undefined);
  const login = at('connect');
  const loginMs = num(login?.details?.connectMs);
  const firstQueryMs = login?.status === 'ok' && loginMs !== undefined && login.durationMs !== undefined ? login.durationMs - loginMs : undefined;
  const limit = clientTimeout(info);
  const phases: Phases = {
    dnsMs: at('dns')?.durationMs, tcpMs: num(at('tcp')?.details?.connectMs), tlsMs: at('tls')?.durationMs, loginMs, firstQueryMs,
    ...(limit ? { clientTimeoutMs: limit.ms, clientTimeoutFrom: limit.from } : {}),
  };
  return Object.fromEntries(Object.entries(phases).filter(([, v]) => v !== undefined)) as Phases;
}

/** A login that worked within diagnose's limit but took longer than the client's own: a warning, timeout. */
export function againstClientTimeout(connect: Check, info: ConnectionInfo): Check {
  const limit = clientTimeout(info);
  const took = connect.details?.connectMs;
  if (connect.status !== 'ok' || !limit || typeof took !== 'number' || took <= limit.ms) return connect;
  return { ...connect, status: 'warn', classification: 'timeout',
    summary: `timeout: ${connect.summary}, longer than the URL's ${limit.from} (${limit.ms} ms): the application's client gives up before this login completes` };
}
