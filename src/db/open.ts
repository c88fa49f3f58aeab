// Opens a session the way a libpq / MySQL client would for this URL, including sslmode's
// fallbacks: `prefer` retries in plain text when the server has no TLS, `allow` retries with
// TLS when the server demands it. The drivers (pg, mysql2) load on first use: a run with no SQL step,
// and every other command, never pays for them.
import { classify, diagnosed } from './classify.js';
import { pgOffersTls } from './pg-offers-tls.js';
import { countsFailedLogins, greetingOf } from './mysql-greeting.js';
import { tlsAttempts, tlsFiles, tlsVersions, type TlsAttempt, type TlsSettings } from './ssl-options.js';
import type { Classification } from '../common/classification.js';
import type { ConnectionInfo } from './url.js';
import { withEnvCredentials } from './url-env.js';
import type { OpenOptions, Session } from './session.js';

export async function openSession(given: ConnectionInfo, opts: OpenOptions): Promise<Session> {
  const info = withEnvCredentials(given, opts.env ?? process.env);
  const open = info.engine === 'postgres' ? (await import('./pg-session.js')).openPgSession : await mysqlOpener();
  const attempts = tlsAttempts(info);
  const deadline = Date.now() + opts.timeoutMs; // after loading the driver: the timeout is for the network
  const remaining = (): OpenOptions => ({ ...opts, timeoutMs: Math.max(1, deadline - Date.now()) });
  let overTls: unknown; // the error of a TLS attempt that was retried in plain text
  for (let i = 0; ; i++) {
    const attempt = attempts[i]!;
    try {
      return await open(info, attempt.tls, remaining());
    } catch (err) {
      const retry = attempt.fallbackOn !== undefined && i + 1 < attempts.length && !opts.signal.aborted
        && Date.now() < deadline && fallsBack(attempt.fallbackOn, classify(err));
      if (retry) {
        if (attempt.tls && !NO_TLS.has(classify(err))) overTls = err; // the server spoke TLS, then refused
        continue;
      }
      // prefer: plain text refused for want of TLS after the TLS login failed further on (a password, a client
      // certificate): the TLS attempt's error is the one that says what to fix.
      if (overTls !== undefined && classify(err) === 'ssl-required') throw overTls;
      if (attempt.tls === null && info.engine !== 'postgres' && classify(err) === 'auth') {
        throw await mysqlAuthOrTransport(info, err, remaining());
      }
      if (attempt.tls === null && info.engine === 'postgres' && classify(err) === 'ssl-required') {
        throw await pgNoEncryption(info, err, remaining());
      }
      if (attempt.tls === null && info.engine === 'postgres' && REJECTED_PLAIN.test(messageOf(err))) {
        throw await pgRejectedPlain(info, err, remaining());
      }
      throw err;
    }
  }
}

/** Failures where no server answered: trying the same address the other way cannot get further. */
const NO_ANSWER = new Set<Classification>(['refused', 'timeout', 'dns', 'unreachable', 'socket-access']);

/** A TLS attempt that failed at TLS itself: the server said nothing about the login. */
const NO_TLS = new Set<Classification>(['ssl-unsupported', 'tls-handshake']);

function fallsBack(on: NonNullable<TlsAttempt['fallbackOn']>, c: Classification): boolean {
  return on === 'server-refused' ? !NO_ANSWER.has(c) : c === on;
}

/**
 * MariaDB refuses a plain connection under require_secure_transport (and any server an account with REQUIRE SSL)
 * with the same 1045 "Access denied" as a wrong password (MySQL 8 says 3159 for the server setting). The same
 * login over TLS would tell them apart, but when the password is wrong it is a second failed login, and MariaDB
 * 10.4+ (max_password_errors) and MySQL 8.0.19+ (FAILED_LOGIN_ATTEMPTS) count it: the retry could block the
 * account. It is made only where no failure can count (older servers) and the server offers TLS; elsewhere the
 * error says why not, and the auth runbook reads require_secure_transport and the account's REQUIRE as an admin.
 */
async function mysqlAuthOrTransport(info: ConnectionInfo, original: unknown, opts: OpenOptions): Promise<unknown> {
  const greeting = greetingOf(original);
  if (opts.signal.aborted || greeting?.offersTls === false) return original;
  if (countsFailedLogins(greeting)) {
    const server = greeting ? `${/mariadb/i.test(greeting.version) ? 'MariaDB' : 'MySQL'} ${greeting.version.replace(/-.*/, '')}` : 'the server';
    return diagnosed(original, 'auth', `not retried over TLS, as ${server} counts failed logins: an administrator can read whether TLS is required`);
  }
  const tls: TlsSettings = { ...tlsFiles(info), ...tlsVersions(info), verifyChain: false, verifyHost: false };
  try {
    const session = await (await mysqlOpener())(info, tls, opts);
    await session.close();
    return diagnosed(original, 'ssl-required', 'the same login succeeds over TLS: the server requires secure transport');
  } catch {
    return original;
  }
}

/**
 * PostgreSQL says "no pg_hba.conf entry …, no encryption" whenever no line matched a plain connection. That is a
 * TLS matter only when a `hostssl` line would match this client over TLS. A server without TLS (or a Unix socket)
 * cannot match one: an access rule. A server that offers TLS is asked the only way that tells: the same login over
 * TLS, unverified (as mysqlAuthOrTransport does for MariaDB). It succeeds: TLS is what is missing. It is refused
 * with "no pg_hba.conf entry" again: no line names this client at all, and TLS advice could not work. Any other
 * answer (a wrong password, a client certificate asked for) means a hostssl line matched: TLS is still the first
 * thing missing. The cost: one more login attempt.
 */
async function pgNoEncryption(info: ConnectionInfo, original: unknown, opts: OpenOptions): Promise<unknown> {
  if (opts.signal.aborted) return original;
  const offers = await pgOffersTls(info, opts.timeoutMs);
  if (offers === false) {
    return diagnosed(original, 'auth', 'the server offers no TLS, so no hostssl line can match: pg_hba.conf has no entry for this client');
  }
  const tls: TlsSettings = { ...tlsFiles(info), ...tlsVersions(info), verifyChain: false, verifyHost: false };
  try {
    const session = await (await import('./pg-session.js')).openPgSession(info, tls, opts);
    await session.close();
    return diagnosed(original, 'ssl-required', 'the same login succeeds over TLS: a hostssl line matches this client');
  } catch (err) {
    const message = String((err as { message?: unknown }).message ?? '');
    return /no pg_hba\.conf entry/i.test(message)
      ? diagnosed(original, 'auth', 'over TLS too no pg_hba.conf line matches this client: an access rule, not TLS')
      : original;
  }
}

/** A reject line that matched a plain-text connection ("…, no encryption"). */
const REJECTED_PLAIN = /pg_hba\.conf rejects connection.*no encryption/i;
const messageOf = (err: unknown): string => String((err as { message?: unknown } | null)?.message ?? '');

/**
 * "pg_hba.conf rejects connection …, no encryption": a reject line matched this plain-text login. When it is a
 * `hostnossl … reject` ahead of a `hostssl` line (a policy: TLS only), the fix is TLS on the client, not removing
 * the reject line. The same login over TLS, unverified, tells: it succeeds, so TLS is what is missing. Anything
 * else leaves the reject line as the finding. PostgreSQL counts no failed logins, so the second try costs nothing.
 */
async function pgRejectedPlain(info: ConnectionInfo, original: unknown, opts: OpenOptions): Promise<unknown> {
  if (opts.signal.aborted || (await pgOffersTls(info, opts.timeoutMs)) === false) return original;
  const tls: TlsSettings = { ...tlsFiles(info), ...tlsVersions(info), verifyChain: false, verifyHost: false };
  try {
    const session = await (await import('./pg-session.js')).openPgSession(info, tls, opts);
    await session.close();
    return diagnosed(original, 'ssl-required', 'the same login succeeds over TLS: the reject line is for plain-text connections only');
  } catch {
    return original;
  }
}

async function mysqlOpener(): Promise<typeof import('./mysql-session.js').openMysqlSession> {
  return (await import('./mysql-session.js')).openMysqlSession;
}
