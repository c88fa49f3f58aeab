// db-connect: a real login with the URL's own settings (sslmode included), SELECT 1, disconnect.
// The classification is the application's problem, in one word.
import type { RefusedServers } from '../../db/refused-servers.js';
import { classify } from '../../db/classify.js';
import { clientTimeout } from '../../db/client-timeout.js';
import { openSession } from '../../db/open.js';
import { peerFinding, readPeer } from './peer.js';
import { sslMode } from '../../db/ssl-options.js';
import { parseUrl, socketPath, UrlError, type ConnectionInfo } from '../../db/url.js';
import { withEnvCredentials } from '../../db/url-env.js';
import { probeFailed, probeOk } from './probe-result.js';
import { deadline } from './socket.js';
import { addressesOf, reachAddresses, walkOf, type AddressTry } from './address-walk.js';
import { linkOf, reachedMysql } from '../../db/mysql-link.js';
import { timelineOf, type LoginTimeline } from '../../db/login-timeline.js';
import type { Session } from '../../db/session.js';
import type { Classification, ExecContext, ProbeAction, StepResult } from '../types.js';

/** Failures that come fast and say little of what answered: the peer is read once to tell the other engine,
 *  a proxy that closes, or a TLS terminator from the database itself. A timeout is not read again (a silent
 *  server would cost the probe twice its timeout; diagnose reads the peer beside the login instead). */
const READ_PEER_ON = new Set<Classification>(['connection-lost', 'tls-handshake', 'other', 'protocol-mismatch', 'ssl-unsupported']);
/** A proxy's queue timeout is seconds: long enough to see it close, short beside any step timeout. */
const PEER_MS = 5_000;

async function whatAnswered(err: unknown, info: ConnectionInfo | undefined, timeoutMs: number, signal: AbortSignal): Promise<ReturnType<typeof peerFinding>> {
  // A Unix socket: nothing stands between. A login that got a MySQL/MariaDB packet already knows what answers:
  // reading it again would be one more connection the server counts against this host (max_connect_errors).
  if (!info || socketPath(info) || signal.aborted || !READ_PEER_ON.has(classify(err)) || reachedMysql(linkOf(err))) return undefined;
  return peerFinding(await readPeer(info.host, info.port, Math.min(PEER_MS, timeoutMs), signal), info.engine, `${info.host}:${info.port}`);
}

/** A TCP URL whose host name has several addresses: the one libpq would reach, walking them in order (each for the
 *  URL's connect timeout), for the login to go to; a silent one first with no such timeout fails as the client
 *  would (address-walk.ts). One address (or a socket): the driver connects there itself, no extra connection. */
async function pinnedAddress(info: ConnectionInfo, signal: AbortSignal, own: ReturnType<typeof clientTimeout>): Promise<{ address: string; tries: AddressTry[] } | undefined> {
  const addresses = socketPath(info) ? [] : await addressesOf(info.host, signal);
  if (addresses.length < 2) return undefined;
  const walk = await reachAddresses(addresses, info.host, info.port, signal, own);
  walk.reached.socket.destroy();
  return { address: walk.reached.address, tries: walk.tries };
}

export async function dbConnectProbe(action: ProbeAction, ctx: ExecContext, env?: Record<string, string | undefined>, refused?: RefusedServers): Promise<StepResult> {
  const startedAt = Date.now();
  let details: Record<string, unknown> = {};
  const limit = deadline(ctx.signal, action.timeoutMs, 'db-connect');
  let session: Session | undefined;
  let info: ConnectionInfo | undefined;
  try {
    if (!action.url) throw new UrlError('the db-connect probe needs a connection url');
    info = withEnvCredentials(parseUrl(action.url), env ?? process.env); // details name the user that logs in
    details = { engine: info.engine, host: info.host, port: info.port, database: info.database, user: info.user, sslmode: sslMode(info), clientCert: namesClientCert(info) };
    const own = clientTimeout(info, env ?? process.env);
    const pin = await pinnedAddress(info, limit.signal, own);
    if (pin) details = { ...details, addressWalk: pin.tries };
    const loginAt = Date.now();
    session = await openSession(info, {
      timeoutMs: Math.max(1, action.timeoutMs - (loginAt - startedAt)), signal: limit.signal, ...(pin ? { address: pin.address } : {}),
      ...(env ? { env } : {}), ...(refused ? { refused } : {}),
    });
    // What the application waits: any address its client waits out first, then the login.
    const connectMs = Date.now() - startedAt;
    const loginMs = Date.now() - loginAt;
    // Logged in: a failure from here on is the first statement's (a role's statement_timeout cancels it), which
    // diagnose tells apart from a connection failure.
    details = { ...details, loggedIn: true, connectMs };
    await session.ping(limit.signal);
    details = {
      ...details, connectMs, ...(session.timeline ? { timeline: session.timeline } : {}), server: session.flavour, serverVersion: session.serverVersion,
      backendId: session.backendId, tls: session.tls !== null, ...(session.mysqlLink ? { link: session.mysqlLink } : {}),
    };
    // The application's client gives up at the URL's own connect timeout: a login that outlasts it is the
    // application's timeout, however it ended here (a probe of stop 70: the timeout runbook ended resolved on
    // 908 ms logins where mysql2 with connectTimeout=300 failed every time). clientTimeoutMs says so (diagnose).
    // The timeout is each address's (libpq's connect_timeout): the login at the address reached is measured.
    // The client's own login (TCP, TLS, authentication, the backend's start: what its connect timeout covers), not
    // the engine's questions after it: under load those took a 2 s login over the limit where psql got in.
    const clientLoginMs = session.timeline ? timelineMs(session.timeline) : loginMs;
    if (own && clientLoginMs > own.ms) {
      const slow = Object.assign(new Error(`the login took ${clientLoginMs} ms, longer than the URL's ${own.from} (${own.ms} ms): the application's client gives up before it completes`), { name: 'TimeoutError' });
      return probeFailed(ctx, startedAt, slow, { ...details, clientTimeoutMs: own.ms }, 'timeout');
    }
    return probeOk(startedAt, details);
  } catch (err) {
    const walk = walkOf(err);
    if (walk) details = { ...details, addressWalk: walk };
    const link = linkOf(err);
    if (link) details = { ...details, link };
    const timeline = timelineOf(err);
    if (timeline) details = { ...details, timeline };
    const code = (err as { code?: unknown } | null)?.code;
    if (typeof code === 'string') details = { ...details, sqlState: code };
    // The peer gets its own PEER_MS, not what the login left of the deadline: behind a proxy whose backend is down a
    // prefer login spends two of the proxy's closes (TLS, then plain), and on a loaded machine the read was cut off.
    const peer = await whatAnswered(err, info, action.timeoutMs, ctx.signal);
    if (peer) return probeFailed(ctx, startedAt, Object.assign(new Error(peer.summary), { cause: err }), { ...details, peer: peer.summary }, peer.classification);
    return probeFailed(ctx, startedAt, err, details);
  } finally {
    await session?.close();
    limit.dispose();
  }
}

/** A finished login's own time: the sum of its phases. */
const timelineMs = (t: LoginTimeline): number => (t.tcpMs ?? 0) + (t.greetingMs ?? 0) + (t.tlsMs ?? 0) + (t.authMs ?? 0) + (t.startupMs ?? 0);

/** Whether the URL names a client certificate (sslcert, ssl-cert, or the ssl JSON's cert): a route reads this, not
 *  the URL's text, which holds its password (engine/secret-route.ts; the built-in auth runbook's REQUIRE X509 test). */
function namesClientCert(info: ConnectionInfo): boolean {
  const p = info.params;
  if (p.sslcert || p['ssl-cert']) return true;
  if (!p.ssl?.startsWith('{')) return false;
  try { return typeof (JSON.parse(p.ssl) as { cert?: unknown }).cert === 'string'; } catch { return /"cert"/.test(p.ssl); }
}
