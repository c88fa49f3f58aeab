// Slow is not silent (issue #48): a path that adds 2 s each way made a layer time out, and diagnose said the server
// "sends nothing back" though its answer came at 4 s. A layer that times out is told apart by the peer read that
// runs beside it for PATIENCE times the limit: an answer after the limit is a slow server or path, named with its
// time; only a silence longer than that wait is "sends nothing".
import type { Peer } from '../executors/probes/peer.js';
import { spokenDuration as seconds } from './spoken-duration.js';
import type { LoginTimeline } from '../db/login-timeline.js';
import type { Check } from './types.js';

/** How many times the layer's limit the peer read listens before a silence counts as silence. */
export const PATIENCE = 3;

/** The timed-out layer's check, told slow (with the answer's time) or silent (with how long was listened). */
export function slowOrSilent(failed: Check, peer: Peer, timeoutMs: number, listenedMs: number): Check {
  const answered = peer.kind === 'postgres' || peer.kind === 'mysql' ? peer.answeredMs : undefined;
  // Past the limit, or in time but slowly: a login needs several round trips of that length.
  if (answered !== undefined && isSlow(answered, timeoutMs)) {
    const why = answered > timeoutMs ? `past the ${seconds(timeoutMs)} limit`
      : `and a login needs several such round trips: it did not finish within the ${seconds(timeoutMs)} limit`;
    return {
      ...failed, details: { ...failed.details, answeredMs: answered },
      summary: `timeout: the server answers, but slowly: its first answer came ${seconds(answered)} after the request, ${why} (${peer.said})`,
    };
  }
  // The port answered its first request at once, the layer did not: the wait is behind the protocol's first step
  // (a pooler waiting for a server connection, an authentication that hangs), which pooler-console.ts reads on.
  if (answered !== undefined) return { ...failed, details: { ...failed.details, portAnsweredMs: answered } };
  if (peer.kind === 'unknown' && /^nothing within/.test(peer.said)) {
    if (listenedMs <= timeoutMs) return failed; // no longer than the wait: not a measured silence
    return { ...failed, details: { ...failed.details, silentMs: listenedMs }, summary: `${failed.summary}; nothing came back within ${seconds(listenedMs)} either (${Math.round(listenedMs / timeoutMs)}× the limit): silence, not a slow answer` };
  }
  return failed;
}

/** A MySQL/MariaDB login that got the server's greeting and then timed out (its own connection's timeline): a
 *  greeting that took a good part of the limit is a slow path or server, named with its time; a quick one means
 *  the port answered at once and the login itself waited (waitedFinding). */
export function greetedThenTimedOut(failed: Check, timeoutMs: number): Check {
  const greetingMs = (failed.details?.timeline as LoginTimeline | undefined)?.greetingMs;
  if (failed.classification !== 'timeout' || greetingMs === undefined) return failed;
  if (!isSlow(greetingMs, timeoutMs)) return { ...failed, details: { ...failed.details, portAnsweredMs: greetingMs } };
  return {
    ...failed, details: { ...failed.details, greetedMs: greetingMs },
    summary: `timeout: the server answers, but slowly: its greeting came ${seconds(greetingMs)} after TCP was up, and the login did not finish within the ${seconds(timeoutMs)} limit`,
  };
}

/** A first answer (an SSLRequest's, a greeting) later than this, or than a third of the limit, is slow: a server
 *  gives it as soon as it reads the request (or TCP is up), and a login needs several round trips. */
const SLOW_ANSWER_MS = 1_000;
const isSlow = (answeredMs: number, timeoutMs: number): boolean => answeredMs >= Math.min(SLOW_ANSWER_MS, timeoutMs / PATIENCE);

/** The finding for a layer whose answer came late (answeredMs), or whose login ran out after a slow greeting. */
export function slowFinding(d: { answeredMs?: number; greetedMs?: number }): string {
  const what = d.greetedMs !== undefined
    ? `its greeting came ${seconds(d.greetedMs)} after TCP was up, and the login ran out of time`
    : `its first answer came ${seconds(d.answeredMs ?? 0)} after the request, where a server answers in milliseconds`;
  return `The server answers, but slowly: ${what}. `
    + 'Not a firewall dropping packets, and not a silent server: a slow network path (a VPN, a congested or distant link) or an overloaded server. '
    + 'Measure the round trip (ping, mtr) and the server\'s load; a client whose connect timeout is shorter than that answer fails every connection.';
}

/** The finding for a login that timed out where the port answered its first request at once. */
export function waitedFinding(answeredMs: number, engine: unknown): string {
  const first = engine === 'postgres' ? 'answered its first request' : 'sent its greeting';
  const behind = engine === 'postgres'
    ? 'A pooler waiting for a server connection (a full pool, a PAUSEd database, a server login that failed and is '
      + 'retried after server_login_retry), or an authentication that hangs (LDAP, RADIUS, PAM). Read the pooler\'s log and '
      + 'SHOW POOLS, or the server\'s log at the time of the login.'
    : 'A proxy waiting for a backend (ProxySQL, MaxScale), an authentication that hangs (PAM, LDAP), or a server out of '
      + 'threads (thread_pool, max_connections reached inside a proxy). Read the proxy\'s and the server\'s log at the time of the login.';
  return `The port ${first} at once (${answeredMs} ms), so nothing on the path drops packets: the login itself waited. ${behind}`;
}
