// One function from any driver, socket or TLS error to a Classification, read from the error table
// (db/errors/): codes decide wherever a code exists; English text is read only where one code covers
// several causes or the driver gives none (noted at each row).
import type { Classification } from '../common/classification.js';
import { lookupError, sqlStateClass, type ErrorFields } from './errors/table.js';

const MAX_DEPTH = 4;

export function classify(err: unknown, depth = 0): Classification {
  if (err === null || err === undefined || depth > MAX_DEPTH) return 'other';
  if (typeof err === 'string') return lookupError({ code: err })?.classification ?? 'other';
  if (typeof err !== 'object') return 'other';
  const e = err as ErrorFields & { name?: unknown; errors?: unknown; cause?: unknown; classification?: unknown };
  // An error this project already diagnosed further (see diagnosed()) says what it is.
  if (typeof e.classification === 'string' && e.classification in EXPLANATIONS) return e.classification as Classification;
  const row = lookupError(e);
  if (row && (row.code || !hasInner(e))) return row.classification;
  // `localhost` tries ::1 and 127.0.0.1: both failures come as an AggregateError, message empty.
  for (const inner of Array.isArray(e.errors) ? e.errors : []) {
    const c = classify(inner, depth + 1);
    if (c !== 'other') return c;
  }
  if (e.cause !== undefined) {
    const c = classify(e.cause, depth + 1);
    if (c !== 'other') return c;
  }
  if (e.name === 'TimeoutError') return 'timeout';
  return row?.classification ?? sqlStateClass(e.code) ?? 'other';
}

/** An error wrapping others: their codes say more than the wrapper's text. */
const hasInner = (e: { errors?: unknown; cause?: unknown }): boolean => Array.isArray(e.errors) || e.cause !== undefined;

/** The same error, carrying a classification found by further checks (one line, same codes). */
export function diagnosed(err: unknown, classification: Classification, why: string): Error {
  const e = (err ?? {}) as { message?: unknown; code?: unknown; errno?: unknown; mysqlLink?: unknown; loginTimeline?: unknown };
  const message = typeof e.message === 'string' ? e.message : String(err);
  // What the connection showed below the login (db/mysql-link.ts, db/login-timeline.ts) stays with it: diagnose's
  // tcp and tls layers, and its phase times.
  return Object.assign(new Error(`${message} (${why})`), {
    code: e.code, errno: e.errno, classification,
    ...(e.mysqlLink ? { mysqlLink: e.mysqlLink } : {}), ...(e.loginTimeline ? { loginTimeline: e.loginTimeline } : {}),
  });
}

const EXPLANATIONS: Record<Classification, string> = {
  ok: 'The check passed.',
  dns: 'The host name does not resolve: check the host in the URL and the DNS/hosts configuration.',
  refused: 'Nothing is listening on that host and port: the database is down, or the port or host is wrong.',
  timeout: 'No answer in time: a firewall or security group dropping packets, a wrong address, or an overloaded server.',
  unreachable: 'No route to the host: the network path (routing, VPN, VPC peering) is broken.',
  auth: 'The server rejected the credentials (wrong user or password, or no access rule for this client).',
  'database-missing': 'The server has no database of that name, or the user may not see it (MariaDB reports both as 1044).',
  'ssl-required': 'The server only accepts encrypted connections: enable TLS on the client (sslmode=require or stricter; ssl-mode=REQUIRED on MySQL/MariaDB).',
  'ssl-unsupported': 'The client asked for TLS but the server does not offer it: enable TLS on the server or relax sslmode.',
  'cert-untrusted': 'The server certificate is not signed by a trusted CA: give the client the right CA (sslrootcert on PostgreSQL, ssl-ca on MySQL/MariaDB).',
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
  'server-starting': 'The server is up but not taking logins: starting, in crash recovery, or shutting down. A start or a recovery ends by itself: wait and retry. "Shutting down" does not, if it is a smart shutdown (pg_ctl stop -m smart, SIGTERM): it waits for every client to disconnect, and the application keeps its connections; read the server log, and find who stopped it before finishing it (pg_ctl stop -m fast) or starting it again.',
  standby: 'The server is a standby (replica) that does not take logins (hot_standby off, or not yet consistent): point the application at the primary, or check the failover.',
  privilege: 'The login is valid but the role lacks a privilege: CONNECT on the database (GRANT CONNECT), or on the table or function used.',
  'account-locked': 'The account exists but is disabled (MariaDB/MySQL ACCOUNT LOCK, PostgreSQL NOLOGIN): every password is refused until it is unlocked.',
  'password-expired': "The account's password has expired: the server refuses it until a new password is set (ALTER USER … IDENTIFIED BY).",
  'pooler-client-limit': "The connection pooler (PgBouncer) refuses more clients: max_client_conn (or a database or user limit) is reached. Find who holds the pooler's client slots.",
  'pooler-wait-timeout': "The connection pooler queued the client for a server connection: its pool to the server is full. The pooler gave up (query_wait_timeout), or the login completed and the first query waited past the client's timeout. Look at SHOW POOLS (cl_waiting, sv_active) and default_pool_size.",
  'pooler-auth': 'The connection pooler (PgBouncer) rejected the credentials: check its auth_file / auth_query and the password the application sends.',
  'pooler-auth-query': "The connection pooler (PgBouncer) could not look this user up: the user is not in its auth_file, so it asks the server with auth_query as its auth_user, and that lookup failed (PgBouncer says only 'bouncer config error'). The application's password was never checked. Read PgBouncer's log for the lookup's own error: auth_user lacks access to pg_shadow (give it a SECURITY DEFINER lookup function instead), cannot log in, or auth_dbname names a database PgBouncer does not have.",
  'pooler-backend-down': 'The connection pooler (PgBouncer) works but cannot log in to the database server behind it: the server is down, or the pooler\'s own credentials or address for it are wrong.',
  'session-timeout': "The server (or the pooler) ended a session that sat idle, or idle in a transaction, past its timeout (idle_session_timeout, idle_in_transaction_session_timeout, wait_timeout, client_idle_timeout). Tell the application's owners: set the pool's idle timeout below the server's, and validate connections on checkout (or keep them alive).",
  'read-only-server': 'The server takes no writes: a standby (after a failover the application still points at the old primary), or read_only / default_transaction_read_only is on. Point the application at the primary (check the failover and the DNS name or proxy it uses), or clear read-only on the server that should be the primary. Tell whoever runs the failover which server the application reached.',
  'database-closed': 'The database exists but does not accept connections now (ALTER DATABASE … ALLOW_CONNECTIONS false, MySQL offline_mode, a PgBouncer database disabled or paused). Ask who closed it (a migration or maintenance) before opening it again.',
  'host-blocked': "The server blocks this client host after too many broken connection attempts (max_connect_errors). Fix what breaks the connections (a health check that does not log in, a wrong port), then unblock: FLUSH HOSTS (mariadb-admin flush-hosts); tell the DBA if you may not.",
  'too-many-login-failures': "The account is blocked after too many failed passwords (MariaDB max_password_errors, MySQL FAILED_LOGIN_ATTEMPTS). Find the client sending the wrong password first (it will block it again), then unblock: FLUSH PRIVILEGES (MariaDB) or ALTER USER … ACCOUNT UNLOCK (MySQL); tell the account's owner which client it was.",
  'auth-method': "The account (or the pg_hba.conf line) wants an authentication method this client does not use: unix_socket / peer (log in as that OS user over the socket), an auth plugin the driver cannot speak, or a SASL mechanism it lacks. Change the account's method, or connect the way it expects; tell the DBA which account it is.",
  'password-missing': 'The client sent no password at all: the application\'s password setting is empty or unset (a missing secret or environment variable), not wrong. Tell whoever deploys the application which variable is empty.',
  'quota-exceeded': "The account used up an hourly quota (MAX_CONNECTIONS_PER_HOUR, MAX_QUERIES_PER_HOUR, MAX_UPDATES_PER_HOUR): it resets within the hour, or raise it with ALTER USER … WITH MAX_…_PER_HOUR; tell the DBA who set the quota.",
  'init-connect-failed': "The server's init_connect statement fails for this account, so every login is dropped right after it succeeds (accounts with SUPER or CONNECTION ADMIN skip init_connect). Tell the DBA: fix or clear init_connect.",
  'pooler-config': "The connection pooler refuses what the client sends at startup (PgBouncer: 'unsupported startup parameter', e.g. JDBC's extra_float_digits): add the parameter to ignore_startup_parameters, or stop the client sending it; tell whoever runs the pooler.",
  'protocol-mismatch': 'The client and the server do not speak the same protocol: a wrong port (another service, or the other database engine), or a proxy or pooler in between that mangles the startup. Ask which service listens on that port.',
  'server-resources': 'The database server is out of a resource (disk, memory, threads, a configured limit): read its log, and tell whoever runs the host; connecting again will not help.',
  'socket-access': "The Unix socket exists but this user may not open it: the socket directory's or file's permissions (or group) keep this client out; tell whoever runs the host which user the client runs as.",
  'tls-handshake': 'TLS could not be negotiated: no protocol version or cipher both sides accept (a server that speaks only TLS 1.0/1.1 or offers a weak key, or a client pinned to versions the server does not accept). Compare the versions each side allows (diagnose says which side is narrower); tell whoever runs the server, or the application\'s owners, which versions the other side offers.',
  'client-cert-rejected': "The server's TLS layer rejected the client's certificate (expired, unknown CA, missing, revoked): renew or replace the client certificate, or give the server the CA that signed it; tell whoever issues the client certificates.",
  'proxy-closed': "Something between the application and the database (a TCP proxy or load balancer: HAProxy, PgBouncer's TCP front, stunnel, a cloud load balancer) accepts the connection (a TLS terminator: completes the handshake), then closes it without an answer: its backend is down, or its queue is full and timed out. Check the proxy's backend health and its limits (HAProxy: server health checks, maxconn, timeout queue, timeout connect; a cloud balancer: target health); the refused runbook with backend_url (the database's own URL) tells a down database from a full queue.",
  'tls-terminator': 'The port expects TLS from the first byte (stunnel, a TLS-terminating load balancer), but the client starts in plain text (PostgreSQL asks for TLS inside its own protocol). Connect with direct TLS (PostgreSQL 17+ clients: sslnegotiation=direct), or to the plain port behind the terminator.',
  'statement-timeout': "The connection works, but the server cancels every statement that runs longer than a limit set for this role, database or account, or for the whole server (PostgreSQL statement_timeout, 57014; MariaDB max_statement_time, 1969). The finding names the setting and where it is set: tell whoever set it and the application's owners; raising a pool or a timeout in the application does nothing.",
  other: 'An error without a known cause; read the message.',
};

/** One line a human can act on, for `diagnose` and reports. */
export function explain(classification: Classification): string {
  return EXPLANATIONS[classification];
}
