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
  // insufficient_privilege: no CONNECT on the database at login; a table or function later.
  '42501': 'privilege',
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
  1142: 'privilege',            // ER_TABLEACCESS_DENIED_ERROR
  1143: 'privilege',            // ER_COLUMNACCESS_DENIED_ERROR
  1227: 'privilege',            // ER_SPECIFIC_ACCESS_DENIED_ERROR (needs SUPER, PROCESS, …)
  1370: 'privilege',            // ER_PROCACCESS_DENIED_ERROR
  4151: 'account-locked',       // ER_ACCOUNT_HAS_BEEN_LOCKED (ACCOUNT LOCK)
  3118: 'account-locked',       // MySQL ER_ACCOUNT_HAS_BEEN_LOCKED
  1820: 'password-expired',     // ER_MUST_CHANGE_PASSWORD: logged in (sandbox mode), every statement refused
  1862: 'password-expired',     // ER_MUST_CHANGE_PASSWORD_LOGIN: a client that cannot handle the sandbox
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

function fromCode(e: { code?: unknown; errno?: unknown; message?: unknown; detail?: unknown }): Classification | undefined {
  const code = typeof e.code === 'string' ? e.code : undefined;
  if (code === '28000') return classifyPg28000(String(e.message ?? ''));
  if (code === '57P03') return classifyPg57P03(`${String(e.message ?? '')} ${String(e.detail ?? '')}`);
  if (code === '08P01') return classifyPgbouncer(String(e.message ?? ''));
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
  if (/no pg_hba\.conf entry.*no encryption/i.test(message)) return 'ssl-required';
  // NOLOGIN: `role "x" is not permitted to log in`: the account is disabled, whatever the password.
  return /is not permitted to log in/i.test(message) ? 'account-locked' : 'auth';
}

/**
 * 57P03 (cannot_connect_now) is a server that is up but not taking logins. The message (postmaster.c)
 * tells a standby (hot_standby off, or not yet consistent) from a server starting, shutting down or in
 * crash recovery; a translated message falls back to server-starting, the transient reading.
 */
function classifyPg57P03(text: string): Classification {
  return /hot standby|consistent recovery state|not yet accepting connections|not accepting connections/i.test(text)
    ? 'standby' : 'server-starting';
}

/**
 * PgBouncer answers every error with 08P01 (protocol_violation, as PostgreSQL uses it for a broken
 * client), so its message is all there is: these are the texts of PgBouncer 1.x (src/client.c,
 * src/objects.c, src/janitor.c). A 08P01 without one of them stays `other`.
 */
const PGBOUNCER: [RegExp, Classification][] = [
  [/no more connections allowed \(max_client_conn\)|max_db_connections|max_user_connections/i, 'pooler-client-limit'],
  [/query_wait_timeout/i, 'pooler-wait-timeout'],
  [/server login has been failing|pgbouncer cannot connect to server|client_login_timeout \(server down\)|server_login_retry/i, 'pooler-backend-down'],
  [/SASL authentication failed|password authentication failed|auth failed|no such user/i, 'pooler-auth'],
  [/SSL required/i, 'ssl-required'],
  [/no such database/i, 'database-missing'],
  [/query_timeout/i, 'timeout'],
  [/client_idle_timeout|idle_transaction_timeout|server conn crashed|database configuration changed|database removed/i, 'connection-lost'],
];

function classifyPgbouncer(message: string): Classification {
  return PGBOUNCER.find(([re]) => re.test(message))?.[1] ?? 'other';
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
  'target-hostkey-changed': "The target's SSH host key is not the one known_hosts holds for it: the host was rebuilt or re-keyed, or something else answers at its address. Confirm the new key out of band (the host's console: ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub) before replacing the line (ssh-keygen -R); runbook never accepts it silently.",
  'target-hostkey-unknown': "No SSH host key is known for the target (not in known_hosts; or the ssh config checks none, which runbook refuses): get its key's fingerprint out of band (the host's console, the provider's API) and add it to known_hosts; runbook never trusts it at first sight.",
  'target-hostkey-pinned': 'The target answered with another SSH host key than the one this run identified it by earlier: a different machine answers now (a failover, a DNS change, a rebuilt host, or someone in the middle). Nothing was sent to it. Find out which machine it is before resuming with --retarget.',
  'target-denied': 'The target does not let the step run (no bash there, a forced command, no exec permission).',
  'target-client-missing': 'The client a target needs (ssh, kubectl, docker) is not installed where runbook runs.',
  'server-starting': 'The server is up but not taking logins yet: starting, in crash recovery or shutting down. Wait and retry; if it lasts, read the server log.',
  standby: 'The server is a standby (replica) that does not take logins (hot_standby off, or not yet consistent): point the application at the primary, or check the failover.',
  privilege: 'The login is valid but the role lacks a privilege: CONNECT on the database (GRANT CONNECT), or on the table or function used.',
  'account-locked': 'The account exists but is disabled (MariaDB/MySQL ACCOUNT LOCK, PostgreSQL NOLOGIN): every password is refused until it is unlocked.',
  'password-expired': "The account's password has expired: the server refuses it until a new password is set (ALTER USER … IDENTIFIED BY).",
  'pooler-client-limit': "The connection pooler (PgBouncer) refuses more clients: max_client_conn (or a database or user limit) is reached. Find who holds the pooler's client slots.",
  'pooler-wait-timeout': "The connection pooler queued the client for a server connection: its pool to the server is full. The pooler gave up (query_wait_timeout), or the login completed and the first query waited past the client's timeout. Look at SHOW POOLS (cl_waiting, sv_active) and default_pool_size.",
  'pooler-auth': 'The connection pooler (PgBouncer) rejected the credentials: check its auth_file / auth_query and the password the application sends.',
  'pooler-backend-down': 'The connection pooler (PgBouncer) works but cannot log in to the database server behind it: the server is down, or the pooler\'s own credentials or address for it are wrong.',
  other: 'An error without a known cause; read the message.',
};

/** One line a human can act on, for `diagnose` and reports. */
export function explain(classification: Classification): string {
  return EXPLANATIONS[classification];
}
