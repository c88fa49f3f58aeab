// How long each phase of the connection took (issue #48), and whether the login fits the client's own timeout:
// a login diagnose completes within its limit can still outlast the application's connect_timeout (libpq,
// seconds) or connectTimeout (mysql2, ms), and the application then fails where diagnose succeeded.
import type { LoginTimeline } from '../db/login-timeline.js';
import { clientTimeout } from '../db/client-timeout.js';
import type { StepResult } from '../executors/types.js';
import type { ConnectionInfo } from '../db/url.js';
import { spokenDuration } from './spoken-duration.js';
import type { Check, Phases } from './types.js';

/** The phases from the probes' checks and the login's own timeline (`own`: its connection is the client's path,
 *  so its TCP and TLS times stand before the probes' own; where it has one, TLS is timed there alone: a MySQL tls
 *  layer read off the login lasts the whole login). */
export function phasesOf(info: ConnectionInfo, checks: Check[], own: LoginTimeline | undefined): Phases {
  const at = (layer: string) => checks.find((c) => c.layer === layer && c.status !== 'skipped');
  const num = (v: unknown) => (typeof v === 'number' ? v : undefined);
  const login = at('connect');
  const loginMs = num(login?.details?.connectMs);
  const firstQueryMs = login?.status === 'ok' && loginMs !== undefined && login.durationMs !== undefined ? login.durationMs - loginMs : undefined;
  const limit = clientTimeout(info);
  const phases: Phases = {
    dnsMs: at('dns')?.durationMs, tcpMs: own?.tcpMs ?? num(at('tcp')?.details?.connectMs), tlsMs: own ? own.tlsMs : at('tls')?.durationMs,
    loginMs, firstQueryMs, greetingMs: own?.greetingMs, authMs: own?.authMs, startupMs: own?.startupMs, stalledIn: own?.stalledIn, stalledMs: own?.stalledMs,
    ...(limit ? { clientTimeoutMs: limit.ms, clientTimeoutFrom: limit.from } : {}),
  };
  return Object.fromEntries(Object.entries(phases).filter(([, v]) => v !== undefined)) as Phases;
}

/** db-connect fails a login that completed after the URL's own connect timeout (a runbook's reading: the
 *  application's client gave up). Diagnose shows the login it was, and againstClientTimeout says it was slower
 *  than the client allows. */
export function loggedInAfterAll(login: StepResult): StepResult {
  if (login.status !== 'failed' || login.details?.loggedIn !== true || typeof login.details.clientTimeoutMs !== 'number') return login;
  const { error: _error, classification: _classification, ...rest } = login;
  return { ...rest, status: 'ok' };
}

/** A login that worked within diagnose's limit but took longer than the client's own: a warning, timeout. */
export function againstClientTimeout(connect: Check, info: ConnectionInfo): Check {
  const limit = clientTimeout(info);
  const took = connect.details?.connectMs;
  if (connect.status !== 'ok' || !limit || typeof took !== 'number' || took <= limit.ms) return connect;
  return { ...connect, status: 'warn', classification: 'timeout',
    summary: `timeout: ${connect.summary}, longer than the URL's ${limit.from} (${limit.ms} ms): the application's client gives up before this login completes` };
}

/** How long a login may sit in authentication before the wait is the finding: a password check is milliseconds. */
const AUTH_WAIT_MS = 1_000;

/** A login refused as auth after it sat in authentication, on a path that was quick up to it (TCP, TLS): the
 *  server's own check waited on something (LDAP, RADIUS, PAM). Only a refusal says so: a login that timed out in
 *  authentication may as well be held by a pooler (PgBouncer holds a PAUSEd database's clients there, after they
 *  sent their credentials), which waitedFinding names. Undefined otherwise. */
export function authWaitFinding(failed: Check, explained: string): string | undefined {
  const t = (failed.details?.timeline ?? {}) as LoginTimeline;
  if (failed.classification !== 'auth' || t.stalledIn !== 'auth' || (t.stalledMs ?? 0) < AUTH_WAIT_MS) return undefined;
  const before = (t.tcpMs ?? 0) + (t.greetingMs ?? 0) + (t.tlsMs ?? 0);
  if (before >= t.stalledMs!) return undefined; // the path was as slow as the wait: a slow path, not the authentication
  const path = ['TCP', ...(t.greetingMs !== undefined ? ["the server's greeting"] : []), ...(t.tlsMs !== undefined ? ['TLS'] : [])];
  const named = path.length > 1 ? `${path.slice(0, -1).join(', ')} and ${path[path.length - 1]}` : path[0];
  return `The login sat ${spokenDuration(t.stalledMs!)} in authentication before the server refused it, where ${named} took ${before} ms: `
    + 'the path is quick, and the server waited on its own authentication - an external service (LDAP, RADIUS, PAM, Kerberos) '
    + `answering slowly or not at all. Read the server's log at that time. ${explained}`;
}
