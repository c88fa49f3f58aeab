// Layers 3 and 4 (tcp, tls) of a MySQL/MariaDB URL over TCP, read off the login's own connection (#31). MariaDB
// counts every connection that ends before a login against the client's host (max_connect_errors, with name
// resolution on): a bare TCP connect, a greeting read, a TLS handshake alike. A tcp and a tls probe of their own
// added 2 a diagnose and blocked a host near the limit, or a host whose login failed for another reason (no
// successful login resets the count). So the login goes first, and its connection is the evidence: when TCP came
// up and to which address, the server's greeting (version, TLS offered), the certificate of the TLS it started.
import { classify } from '../db/classify.js';
import { linkOf, reachedMysql, type MysqlLink } from '../db/mysql-link.js';
import { openSession } from '../db/open.js';
import { sslMode } from '../db/ssl-options.js';
import { socketPath, type ConnectionInfo } from '../db/url.js';
import { errorLine } from '../executors/outcome.js';
import type { StepResult } from '../executors/types.js';
import type { ProbeRunner } from './probe-runner.js';
import { tlsVerdict } from './tls-verdict.js';
import type { Check } from './types.js';

export interface LoginLayers {
  tcp: StepResult;
  tls: Check;
  login: StepResult;
  /** The login got a MySQL/MariaDB packet: a peer read would only find that, at the cost of a counted connection. */
  reachedMysql: boolean;
}

/** MySQL/MariaDB over TCP (a Unix socket has no host cache to count against, and its own probes). */
export function readsLayersFromLogin(info: ConnectionInfo): boolean {
  return info.engine !== 'postgres' && !socketPath(info);
}

const FROM_LOGIN = 'the login';
const FROM_TLS_LOGIN = 'a TLS login after the plain one';

export async function layersFromLogin(runner: ProbeRunner, info: ConnectionInfo, timeoutMs: number): Promise<LoginLayers> {
  const login = await runner.probe('db-connect');
  const link = login.details?.link as MysqlLink | undefined;
  // The login walked the name's addresses as the client does (db-connect): that walk is the tcp layer's too.
  const where = { host: info.host, port: info.port, from: FROM_LOGIN, ...(login.details?.addressWalk ? { addressWalk: login.details.addressWalk } : {}) };
  const tcp: StepResult = link?.tcpMs !== undefined
    ? { status: 'ok', classification: 'ok', durationMs: link.tcpMs, details: { ...where, address: link.address, family: link.family, connectMs: link.tcpMs } }
    : { ...failureOf(login), details: where };
  return { tcp, tls: await tlsLayer(info, login, link, timeoutMs), login, reachedMysql: reachedMysql(link) };
}

async function tlsLayer(info: ConnectionInfo, login: StepResult, link: MysqlLink | undefined, timeoutMs: number): Promise<Check> {
  const details = { host: info.host, port: info.port, preamble: info.engine, from: FROM_LOGIN, ...(link?.greeting ? { serverVersion: link.greeting.version } : {}) };
  const verdict = (r: StepResult): Check => from(tlsVerdict(info, r), String(r.details?.from ?? FROM_LOGIN));
  if (link?.tls) return verdict(certResult(link.tls, details, login.durationMs));
  // No greeting (silence, a close, an error packet in its place), or a TLS handshake that failed: the login's own
  // failure, as the tls probe met it on its connection.
  if (!link?.greeting || link.tlsStarted) {
    return verdict({ ...failureOf(login), details });
  }
  if (!link.greeting.offersTls) {
    return verdict({ status: 'failed', classification: 'ssl-unsupported', durationMs: login.durationMs, error: 'the server does not offer TLS (have_ssl = DISABLED)', details });
  }
  // A plain login on a server that offers TLS: its certificate comes from a TLS login with the same credentials,
  // only after this one worked (it cannot count a failed password; a successful login resets the host's count).
  if (login.status === 'ok') return verdict(await certificateLogin(info, { ...details, from: FROM_TLS_LOGIN }, timeoutMs));
  return {
    layer: 'tls', status: 'ok', classification: 'ok', durationMs: 0, details: { ...details, offersTls: true },
    summary: `server offers TLS (its greeting); sslmode ${sslMode(info)} connects in plain text. Certificate not read: `
      + 'the login failed, and a TLS connection of its own would count against this host\'s max_connect_errors',
  };
}

/** The tls probe's result for a certificate: ok when a verifying client would accept it, else its problem. */
function certResult(tls: NonNullable<MysqlLink['tls']>, details: Record<string, unknown>, durationMs: number): StepResult {
  const d = { ...details, ...tls };
  if (tls.authorized) return { status: 'ok', classification: 'ok', durationMs, details: d };
  const code = tls.authorizationError ?? 'unknown';
  const c = classify(code);
  return { status: 'failed', classification: c === 'other' ? 'cert-untrusted' : c, durationMs, error: `certificate not accepted: ${code}`, details: d };
}

async function certificateLogin(info: ConnectionInfo, details: Record<string, unknown>, timeoutMs: number): Promise<StepResult> {
  const started = Date.now();
  try {
    const session = await openSession({ ...info, sslmode: 'require' }, { timeoutMs, signal: AbortSignal.timeout(timeoutMs) });
    const tls = session.mysqlLink?.tls;
    await session.close();
    if (tls) return certResult(tls, details, Date.now() - started);
    return { status: 'failed', classification: 'other', durationMs: Date.now() - started, error: 'the TLS login showed no certificate', details };
  } catch (err) {
    const tls = linkOf(err)?.tls;
    if (tls) return certResult(tls, details, Date.now() - started);
    return { status: 'failed', classification: classify(err), durationMs: Date.now() - started, error: errorLine(err, (s) => s), details };
  }
}

function failureOf(login: StepResult): StepResult {
  return {
    status: login.status === 'ok' ? 'failed' : login.status, durationMs: login.durationMs,
    classification: login.classification ?? 'other', ...(login.error ? { error: login.error } : {}),
  };
}

/** Says where the evidence came from, so a reader of the tls layer knows no connection of its own was made. */
function from(check: Check, source: string): Check {
  return { ...check, summary: `${check.summary} [read off ${source}]` };
}
