// PgBouncer (every error answers 08P01, so its text is all there is), Node's socket and DNS codes,
// OpenSSL's verification and handshake codes as Node reports them, and the drivers' own errors.
import { PGBOUNCER_SRC, type ErrorFamily, type ErrorRow } from './row.js';

type Cls = ErrorRow['classification'];
const bouncer = (name: string, classification: Cls, sample: string, text: RegExp): ErrorRow =>
  ({ family: 'pgbouncer', code: '08P01', name, classification, sample, source: PGBOUNCER_SRC, text });
const coded = (family: ErrorFamily, source: string) => (code: string, classification: Cls, sample: string): ErrorRow =>
  ({ family, code, name: code, classification, sample, source });
const textual = (family: ErrorFamily, source: string) => (name: string, classification: Cls, text: RegExp, sample: string): ErrorRow =>
  ({ family, code: '', name, classification, sample, source, text });

/** The row of PgBouncer's own login timeout, by name. */
export const CLIENT_LOGIN_TIMEOUT = 'client_login_timeout';

export const PGBOUNCER_ROWS: ErrorRow[] = [
  // The server's own refusal of the pooler's login, relayed to the waiting client with 08P01 and the server's text
  // (PgBouncer's kill_pool_logins): PgBouncer accepted the client; the pooler's login to the server is what failed.
  // First: their texts are the server's, and one ("password authentication failed for user") would otherwise read
  // as the pooler refusing the client.
  bouncer('relayed: the server refused the pooler\'s login', 'pooler-backend-down', 'password authentication failed for user "app"',
    /(password|SASL) authentication failed for user "|no pg_hba\.conf entry for host|pg_hba\.conf rejects connection|role "[^"]*" does not exist/i),
  bouncer('relayed: too many connections for a role, a database, or the server', 'too-many-connections', 'too many connections for role "app"',
    /too many connections for (role|database)|sorry, too many clients already|remaining connection slots are reserved/i),
  bouncer('relayed: the server\'s database missing', 'database-missing', 'database "app" does not exist', /database "[^"]*" does not exist/i),
  bouncer('relayed: the role may not log in', 'account-locked', 'role "app" is not permitted to log in', /is not permitted to log in/i),
  bouncer('relayed: the server starting, in recovery or shutting down', 'server-starting', 'the database system is starting up',
    /the database system is (starting up|shutting down|in recovery mode|not yet accepting connections)/i),
  bouncer('max_client_conn', 'pooler-client-limit', 'no more connections allowed (max_client_conn)',
    /no more connections allowed \(max_client_conn\)|max_client_conn/i),
  bouncer('max_db_client_connections / max_user_client_connections', 'pooler-client-limit',
    'client connections exceeded (max_db_client_connections)', /max_(db|user)_client_connections|max_db_connections|max_user_connections/i),
  bouncer('query_wait_timeout', 'pooler-wait-timeout', 'query_wait_timeout', /query[_ ]wait[_ ]timeout/i),
  // client_login_timeout: the client's login waited on the server (auth_query needs a server connection), or on
  // a database PgBouncer holds PAUSEd. Its own row: diagnose reads the pooler's console for it (by this name).
  bouncer(CLIENT_LOGIN_TIMEOUT, 'pooler-backend-down', 'client_login_timeout (server down)', /client_login_timeout/i),
  bouncer('server login failing', 'pooler-backend-down', 'server login has been failing, try again later (server_login_retry)',
    /server login has been failing|cannot connect to server|server[_ ]login[_ ]retry/i),
  // PgBouncer's one text for a login its own configuration cannot serve: the auth_query lookup failed (auth_user's
  // query denied or its server login refused before the client's), auth_type=any without a forced user, an
  // unconfigured auth_dbname. Never the client's password: that is not checked yet.
  bouncer('bouncer config error (auth_query lookup)', 'pooler-auth-query', 'bouncer config error', /bouncer config error/i),
  bouncer('auth failed', 'pooler-auth', 'password authentication failed',
    /SASL authentication failed|password authentication failed|auth failed|no such user|login rejected/i),
  bouncer('SSL required', 'ssl-required', 'SSL required', /SSL required/i),
  bouncer('no such database', 'database-missing', 'no such database: app', /no such database/i),
  bouncer('database disabled / paused', 'database-closed', 'database does not allow connections: app',
    /does not allow connections|database .*is (disabled|paused)|pause mode/i),
  bouncer('unsupported startup parameter', 'pooler-config', 'unsupported startup parameter: extra_float_digits',
    /unsupported startup parameter|unsupported pkt type|unsupported protocol/i),
  bouncer('query_timeout', 'timeout', 'query_timeout', /query[_ ]timeout/i),
  bouncer('client_idle_timeout / idle_transaction_timeout', 'session-timeout', 'client_idle_timeout',
    /client[_ ]idle[_ ]timeout|idle[_ ]transaction[_ ]timeout/i),
  bouncer('server gone', 'connection-lost', 'server conn crashed?',
    // Not libpq's own "server closed the connection unexpectedly": any closed connection, pooler or not.
    /server conn crashed|database configuration changed|database removed|server closed the connection(?! unexpectedly)/i),
];

const node = coded('node', 'node doc/api/errors.md, libuv errno');
const ssl = coded('openssl', 'node doc/api/tls.md (X509_V_ERR_*, ERR_SSL_*)');
const pgText = textual('pg', 'node-postgres lib/client.js, lib/connection.js, lib/crypto/sasl.js');
const mysql2 = coded('mysql2', 'mysql2 lib/commands/client_handshake.js, auth_switch.js, base/connection.js');

export const CLIENT_ROWS: ErrorRow[] = [
  node('ECONNREFUSED', 'refused', 'connect ECONNREFUSED 127.0.0.1:5432'),
  node('ENOENT', 'refused', 'connect ENOENT /var/run/postgresql/.s.PGSQL.5432'),
  node('EACCES', 'socket-access', 'connect EACCES /var/run/mysqld/mysqld.sock'),
  node('ENOTFOUND', 'dns', 'getaddrinfo ENOTFOUND db.internal'),
  node('EAI_AGAIN', 'dns', 'getaddrinfo EAI_AGAIN db.internal'),
  node('EAI_NONAME', 'dns', 'getaddrinfo EAI_NONAME db.internal'),
  node('EAI_NODATA', 'dns', 'getaddrinfo EAI_NODATA db.internal'),
  node('EAI_FAIL', 'dns', 'getaddrinfo EAI_FAIL db.internal'),
  node('ETIMEDOUT', 'timeout', 'connect ETIMEDOUT 127.0.0.1:5432'),
  node('ETIMEOUT', 'timeout', 'queryA ETIMEOUT db.internal'),
  node('ESOCKETTIMEDOUT', 'timeout', 'socket timed out'),
  node('ERR_SOCKET_CONNECTION_TIMEOUT', 'timeout', 'Socket connection timeout'),
  node('EHOSTUNREACH', 'unreachable', 'connect EHOSTUNREACH 127.0.0.1:5432'),
  node('ENETUNREACH', 'unreachable', 'connect ENETUNREACH ::1:5432'),
  node('EHOSTDOWN', 'unreachable', 'connect EHOSTDOWN 127.0.0.1:5432'),
  node('ENETDOWN', 'unreachable', 'connect ENETDOWN 127.0.0.1:5432'),
  node('EADDRNOTAVAIL', 'unreachable', 'connect EADDRNOTAVAIL 127.0.0.1:5432 - Local (0.0.0.0:0)'),
  node('ECONNRESET', 'connection-lost', 'read ECONNRESET'),
  node('EPIPE', 'connection-lost', 'write EPIPE'),
  node('ECONNABORTED', 'connection-lost', 'read ECONNABORTED'),
  ssl('DEPTH_ZERO_SELF_SIGNED_CERT', 'cert-untrusted', 'self-signed certificate'),
  ssl('SELF_SIGNED_CERT_IN_CHAIN', 'cert-untrusted', 'self-signed certificate in certificate chain'),
  ssl('UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'cert-untrusted', 'unable to verify the first certificate'),
  ssl('UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'cert-untrusted', 'unable to get local issuer certificate'),
  ssl('UNABLE_TO_GET_ISSUER_CERT', 'cert-untrusted', 'unable to get issuer certificate'),
  ssl('CERT_UNTRUSTED', 'cert-untrusted', 'certificate not trusted'),
  ssl('CERT_SIGNATURE_FAILURE', 'cert-untrusted', 'certificate signature failure'),
  ssl('CERT_REVOKED', 'cert-untrusted', 'certificate revoked'),
  ssl('ERR_TLS_CERT_ALTNAME_INVALID', 'cert-hostname', "Hostname/IP does not match certificate's altnames"),
  ssl('CERT_HAS_EXPIRED', 'cert-expired', 'certificate has expired'),
  ssl('CERT_NOT_YET_VALID', 'cert-expired', 'certificate is not yet valid'),
  ssl('ERR_SSL_WRONG_VERSION_NUMBER', 'ssl-unsupported', 'wrong version number'),
  ssl('ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION', 'tls-handshake', 'tlsv1 alert protocol version'),
  ssl('ERR_SSL_UNSUPPORTED_PROTOCOL', 'tls-handshake', 'unsupported protocol'),
  ssl('ERR_SSL_NO_PROTOCOLS_AVAILABLE', 'tls-handshake', 'no protocols available'),
  ssl('ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE', 'tls-handshake', 'sslv3 alert handshake failure'),
  ssl('ERR_SSL_NO_SHARED_CIPHER', 'tls-handshake', 'no shared cipher'),
  ssl('ERR_SSL_DH_KEY_TOO_SMALL', 'tls-handshake', 'dh key too small'),
  ssl('ERR_SSL_EE_KEY_TOO_SMALL', 'tls-handshake', 'ee key too small'),
  ssl('ERR_SSL_CA_MD_TOO_WEAK', 'tls-handshake', 'ca md too weak'),
  ssl('CERT_CHAIN_TOO_LONG', 'cert-untrusted', 'certificate chain too long'),
  ssl('ERR_SSL_UNSAFE_LEGACY_RENEGOTIATION_DISABLED', 'tls-handshake', 'unsafe legacy renegotiation disabled'),
  ssl('ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED', 'client-cert-rejected', 'tlsv13 alert certificate required'),
  ssl('ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED', 'client-cert-rejected', 'sslv3 alert certificate expired'),
  ssl('ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE', 'client-cert-rejected', 'sslv3 alert bad certificate'),
  ssl('ERR_SSL_SSLV3_ALERT_CERTIFICATE_REVOKED', 'client-cert-rejected', 'sslv3 alert certificate revoked'),
  ssl('ERR_SSL_SSLV3_ALERT_CERTIFICATE_UNKNOWN', 'client-cert-rejected', 'sslv3 alert certificate unknown'),
  ssl('ERR_SSL_TLSV1_ALERT_UNKNOWN_CA', 'client-cert-rejected', 'tlsv1 alert unknown ca'),
  ssl('ERR_SSL_TLSV1_ALERT_ACCESS_DENIED', 'client-cert-rejected', 'tlsv1 alert access denied'),
  pgText('no TLS on the server', 'ssl-unsupported', /does not support SSL connections/i, 'The server does not support SSL connections'),
  pgText('socket closed', 'connection-lost', /Connection terminated unexpectedly/i, 'Connection terminated unexpectedly'),
  pgText('connect timeout', 'timeout', /timeout expired|due to connection timeout|Query read timeout/i, 'timeout expired'),
  pgText('no password', 'password-missing', /client password must be a (non-empty )?string|Password must be a string/i,
    'SASL: SCRAM-SERVER-FIRST-MESSAGE: client password must be a string'),
  pgText('SASL mechanism', 'auth-method', /SASL: Only mechanism|SCRAM-SHA-256-PLUS requires a certificate/i,
    'SASL: Only mechanism(s) SCRAM-SHA-256 are supported'),
  pgText('TLS setup', 'tls-handshake', /There was an error establishing an SSL connection/i, 'There was an error establishing an SSL connection'),
  // mysql2 replaces OpenSSL's code with HANDSHAKE_SSL_ERROR: its text decides (rows below, by text).
  mysql2('HANDSHAKE_NO_SSL_SUPPORT', 'ssl-unsupported', 'Server does not support secure connection'),
  mysql2('PROTOCOL_SEQUENCE_TIMEOUT', 'timeout', 'Query inactivity timeout'),
  mysql2('PROTOCOL_CONNECTION_LOST', 'connection-lost', 'Connection lost: The server closed the connection.'),
  mysql2('AUTH_SWITCH_PLUGIN_ERROR', 'auth-method', 'Server requests authentication using unknown plugin auth_gssapi_client.'),
  mysql2('MYSQL_CLEAR_PASSWORD_NOT_ENABLED', 'auth-method', 'Authentication method mysql_clear_password not enabled'),
  mysql2('HANDSHAKE_UNKNOWN_ERROR', 'protocol-mismatch', 'Unknown handshake error'),
];

/** Text of OpenSSL's errors where a driver dropped the code (mysql2's HANDSHAKE_SSL_ERROR). */
export const TLS_TEXT_ROWS: ErrorRow[] = [
  ['self-signed / chain', 'cert-untrusted', /self[- ]signed certificate|unable to (verify|get local issuer)|unable to get issuer/i, 'self-signed certificate'],
  ['altnames', 'cert-hostname', /does not match certificate's altnames/i, "Hostname/IP does not match certificate's altnames"],
  ['expired', 'cert-expired', /certificate has expired|certificate is not yet valid/i, 'certificate has expired'],
  ['alert about the client certificate', 'client-cert-rejected', /alert (certificate|bad certificate|unknown ca|access denied)/i,
    'tlsv13 alert certificate required'],
  ['handshake', 'tls-handshake', /alert protocol version|unsupported protocol|no protocols available|handshake failure|no shared cipher|too small|too weak/i,
    'tlsv1 alert protocol version'],
].map(([name, classification, text, sample]) => ({ family: 'mysql2', code: '', name, classification, text, sample,
  source: 'OpenSSL reason strings (ssl/ssl_err.c) as mysql2 passes them' }) as ErrorRow);
