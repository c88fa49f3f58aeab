// One function from any driver, socket or TLS error to a Classification. Codes decide wherever a
// code exists; English text is read only where the drivers give none (noted at each use).
import type { Classification } from '../executors/types.js';

/** Node/OpenSSL/driver string codes. */
const BY_CODE: Record<string, Classification> = {
  ECONNREFUSED: 'refused',
  ENOTFOUND: 'dns', EAI_AGAIN: 'dns', EAI_NONAME: 'dns', EAI_NODATA: 'dns', EAI_FAIL: 'dns',
  ETIMEDOUT: 'timeout', ETIMEOUT: 'timeout', ESOCKETTIMEDOUT: 'timeout', ERR_SOCKET_CONNECTION_TIMEOUT: 'timeout',
  EHOSTUNREACH: 'unreachable', ENETUNREACH: 'unreachable', EHOSTDOWN: 'unreachable', ENETDOWN: 'unreachable',
  // TLS verification (Node's err.code, or tlsSocket.authorizationError)
  DEPTH_ZERO_SELF_SIGNED_CERT: 'cert-untrusted', SELF_SIGNED_CERT_IN_CHAIN: 'cert-untrusted',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'cert-untrusted', UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'cert-untrusted',
  UNABLE_TO_GET_ISSUER_CERT: 'cert-untrusted', CERT_UNTRUSTED: 'cert-untrusted', CERT_SIGNATURE_FAILURE: 'cert-untrusted',
  ERR_TLS_CERT_ALTNAME_INVALID: 'cert-hostname',
  ERR_SSL_WRONG_VERSION_NUMBER: 'ssl-unsupported', // plain TLS to a port that does not speak it
  CERT_HAS_EXPIRED: 'cert-expired', CERT_NOT_YET_VALID: 'cert-expired',
  // PostgreSQL SQLSTATE (28000 is decided in classifyPg)
  '28P01': 'auth', '3D000': 'database-missing', '53300': 'too-many-connections', '57014': 'timeout',
  // mysql2
  HANDSHAKE_NO_SSL_SUPPORT: 'ssl-unsupported', PROTOCOL_SEQUENCE_TIMEOUT: 'timeout',
  // The server went away under an open connection: killed, restarted, crashed, or a proxy cut it.
  '57P01': 'connection-lost', '57P02': 'connection-lost', ECONNRESET: 'connection-lost', EPIPE: 'connection-lost',
  PROTOCOL_CONNECTION_LOST: 'connection-lost',
  // A write (or nextval, SELECT … FOR UPDATE, …) refused by a read-only transaction.
  '25006': 'not-read-only',
};

/** MySQL/MariaDB server error numbers. */
const BY_ERRNO: Record<number, Classification> = {
  1040: 'too-many-connections', // ER_CON_COUNT_ERROR
  1203: 'too-many-connections', // ER_TOO_MANY_USER_CONNECTIONS
  1226: 'too-many-connections', // ER_USER_LIMIT_REACHED (max_user_connections)
  1045: 'auth',                 // ER_ACCESS_DENIED_ERROR
  1130: 'auth',                 // ER_HOST_NOT_PRIVILEGED: this host may not log in
  1049: 'database-missing',     // ER_BAD_DB_ERROR
  // ER_DBACCESS_DENIED_ERROR. MariaDB answers 1044 rather than 1049 for a database the user cannot
  // see, so it is usually a missing database; it can also be a real missing grant.
  1044: 'database-missing',
  3159: 'ssl-required',         // ER_SECURE_TRANSPORT_REQUIRED (require_secure_transport=ON)
  3024: 'timeout',              // ER_QUERY_TIMEOUT (MySQL MAX_EXECUTION_TIME)
  2013: 'connection-lost',      // CR_SERVER_LOST: lost connection during query
  2006: 'connection-lost',      // CR_SERVER_GONE_ERROR
  1969: 'timeout',              // ER_STATEMENT_TIMEOUT (MariaDB max_statement_time)
  1792: 'not-read-only',        // ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION
};

/** Messages of errors that carry no code. Each names the driver that words it so. */
const BY_MESSAGE: [RegExp, Classification][] = [
  [/does not support SSL connections/i, 'ssl-unsupported'],             // pg, server answered 'N'
  [/Connection terminated unexpectedly/i, 'connection-lost'],           // pg, socket closed mid-session
  [/timeout expired|due to connection timeout/i, 'timeout'],            // pg connectionTimeoutMillis
  // mysql2 replaces the TLS code with HANDSHAKE_SSL_ERROR; only OpenSSL's text is left.
  [/self[- ]signed certificate|unable to (verify|get local issuer)|unable to get issuer/i, 'cert-untrusted'],
  [/does not match certificate's altnames/i, 'cert-hostname'],
  [/certificate has expired|certificate is not yet valid/i, 'cert-expired'],
];

const MAX_DEPTH = 4;

export function classify(err: unknown, depth = 0): Classification {
  if (err === null || err === undefined || depth > MAX_DEPTH) return 'other';
  if (typeof err === 'string') return BY_CODE[err] ?? 'other';
  if (typeof err !== 'object') return 'other';
  const e = err as { name?: unknown; code?: unknown; errno?: unknown; message?: unknown; errors?: unknown; cause?: unknown; classification?: unknown };
  // An error this project already diagnosed further (see diagnosed()) says what it is.
  if (typeof e.classification === 'string' && e.classification in EXPLANATIONS) return e.classification as Classification;
  const byCode = fromCode(e);
  if (byCode) return byCode;
  // `localhost` tries ::1 and 127.0.0.1: both failures come as an AggregateError, message empty.
  if (Array.isArray(e.errors)) {
    for (const inner of e.errors) {
      const c = classify(inner, depth + 1);
      if (c !== 'other') return c;
    }
  }
  if (e.cause !== undefined) {
    const c = classify(e.cause, depth + 1);
    if (c !== 'other') return c;
  }
  if (e.name === 'TimeoutError') return 'timeout';
  const message = typeof e.message === 'string' ? e.message : '';
  return BY_MESSAGE.find(([re]) => re.test(message))?.[1] ?? 'other';
}

function fromCode(e: { code?: unknown; errno?: unknown; message?: unknown }): Classification | undefined {
  const code = typeof e.code === 'string' ? e.code : undefined;
  if (code === '28000') return classifyPg28000(String(e.message ?? ''));
  // mysql2 puts the server's number in errno; Node puts negative libuv numbers there.
  if (typeof e.errno === 'number' && BY_ERRNO[e.errno]) return BY_ERRNO[e.errno];
  return code ? BY_CODE[code] : undefined;
}

/**
 * 28000 (invalid_authorization_specification) covers both a bad role and a pg_hba.conf rejection.
 * The one case with its own classification, a `hostssl`-only server reached without TLS, is told
 * apart only by the message ("no pg_hba.conf entry for host …, no encryption"): PostgreSQL has no
 * separate code for it, and a server with translated messages (lc_messages) classifies as auth.
 */
function classifyPg28000(message: string): Classification {
  return /no pg_hba\.conf entry.*no encryption/i.test(message) ? 'ssl-required' : 'auth';
}

/** The same error, carrying a classification found by further checks (one line, same codes). */
export function diagnosed(err: unknown, classification: Classification, why: string): Error {
  const e = (err ?? {}) as { message?: unknown; code?: unknown; errno?: unknown };
  const message = typeof e.message === 'string' ? e.message : String(err);
  return Object.assign(new Error(`${message} (${why})`), { code: e.code, errno: e.errno, classification });
}

const EXPLANATIONS: Record<Classification, string> = {
  ok: 'The check passed.',
  dns: 'The host name does not resolve: check the host in the URL and the DNS/hosts configuration.',
  refused: 'Nothing is listening on that host and port: the database is down, or the port or host is wrong.',
  timeout: 'No answer in time: a firewall or security group dropping packets, a wrong address, or an overloaded server.',
  unreachable: 'No route to the host: the network path (routing, VPN, VPC peering) is broken.',
  auth: 'The server rejected the credentials (wrong user or password, or no access rule for this client).',
  'database-missing': 'The server has no database of that name, or the user may not see it (MariaDB reports both as 1044).',
  'ssl-required': 'The server only accepts encrypted connections: enable TLS on the client (sslmode=require or stricter).',
  'ssl-unsupported': 'The client asked for TLS but the server does not offer it: enable TLS on the server or relax sslmode.',
  'cert-untrusted': 'The server certificate is not signed by a trusted CA: give the client the right CA (sslrootcert).',
  'cert-hostname': 'The server certificate does not name the host connected to: use the name on the certificate.',
  'cert-expired': 'The server certificate is expired (or not yet valid): renew it.',
  'too-many-connections': 'The server has no free connection slots: find who holds them (pool sizes, leaks, idle sessions).',
  'connection-lost': 'The server closed a connection that was working: it was restarted, crashed, or a session was terminated (or a proxy or firewall cut an idle connection).',
  'not-read-only': 'A step not marked destructive tried to write (or to send more than one statement), and was refused.',
  'target-unreachable': 'The machine a shell step runs on cannot be reached (ssh, kubectl or docker could not connect): check the host, the pod or the container, and the network to it.',
  'target-auth': 'The target refused the login (ssh key, kubectl credentials, docker daemon access): check the key or agent, the context, the group.',
  'target-hostkey': "The target's SSH host key is unknown or changed: verify it out of band and add it to known_hosts; runbook never accepts it silently.",
  'target-denied': 'The target does not let the step run (no bash there, a forced command, no exec permission).',
  'target-client-missing': 'The client a target needs (ssh, kubectl, docker) is not installed where runbook runs.',
  other: 'An error without a known cause; read the message.',
};

/** One line a human can act on, for `diagnose` and reports. */
export function explain(classification: Classification): string {
  return EXPLANATIONS[classification];
}
