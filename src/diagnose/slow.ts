// Slow is not silent (issue #48): a path that adds 2 s each way made a layer time out, and diagnose said the server
// "sends nothing back" though its answer came at 4 s. A layer that times out is told apart by the peer read that
// runs beside it for PATIENCE times the limit: an answer after the limit is a slow server or path, named with its
// time; only a silence longer than that wait is "sends nothing".
import type { Peer } from '../executors/probes/peer.js';
import { spokenDuration as seconds } from './spoken-duration.js';
import type { Check } from './types.js';

/** How many times the layer's limit the peer read listens before a silence counts as silence. */
export const PATIENCE = 3;

/** The timed-out layer's check, told slow (with the answer's time) or silent (with how long was listened). */
export function slowOrSilent(failed: Check, peer: Peer, timeoutMs: number): Check {
  if ((peer.kind === 'postgres' || peer.kind === 'mysql') && typeof peer.answeredMs === 'number' && peer.answeredMs > timeoutMs) {
    return {
      ...failed, details: { ...failed.details, answeredMs: peer.answeredMs },
      summary: `timeout: the server answers, but slowly: its first answer came ${seconds(peer.answeredMs)} after the request, past the ${seconds(timeoutMs)} limit (${peer.said})`,
    };
  }
  // The port answered its first request in time, the layer did not: the wait is behind the protocol's first step
  // (a pooler waiting for a server connection, an authentication that hangs), which pooler-console.ts reads on.
  if ((peer.kind === 'postgres' || peer.kind === 'mysql') && typeof peer.answeredMs === 'number') {
    return { ...failed, details: { ...failed.details, portAnsweredMs: peer.answeredMs } };
  }
  if (peer.kind === 'unknown' && /^nothing within/.test(peer.said)) {
    return { ...failed, details: { ...failed.details, silentMs: timeoutMs * PATIENCE }, summary: `${failed.summary}; nothing came back within ${seconds(timeoutMs * PATIENCE)} either (${PATIENCE}× the limit): silence, not a slow answer` };
  }
  return failed;
}

/** The finding for a layer whose answer came, late. */
export function slowFinding(answeredMs: number): string {
  return `The server answers, but slowly: its first answer came ${seconds(answeredMs)} after the request, past the limit. `
    + 'Not a firewall dropping packets, and not a silent server: a slow network path (a VPN, a congested or distant link) or an overloaded server. '
    + 'Measure the round trip (ping, mtr) and the server\'s load; a client whose connect timeout is shorter than that answer fails every connection.';
}

/** The finding for a login that timed out where the port answered its first request at once. */
export function waitedFinding(answeredMs: number): string {
  return `The port answered its first request at once (${answeredMs} ms), so nothing on the path drops packets: the login itself `
    + 'waited. A pooler waiting for a server connection (a full pool, a PAUSEd database, a server login that failed and is '
    + 'retried after server_login_retry), or an authentication that hangs (LDAP, RADIUS, PAM). Read the pooler\'s log and '
    + 'SHOW POOLS, or the server\'s log at the time of the login.';
}
