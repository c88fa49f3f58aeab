// Errors told by their words where no code is printed: the servers' and PgBouncer's own messages (from the
// connection-error table's rows, so a row added there is recognised here), and what libpq, the JDKs, Go, Python
// and the MySQL client library say about the network and TLS.
import type { Classification } from '../common/classification.js';
import { ERROR_TABLE, type ErrorRow } from '../db/errors/table.js';
import { CLIENT_LOGIN_TIMEOUT } from '../db/errors/clients.js';
import type { Side } from './finding.js';

export interface Phrase { classification: Classification; side: Side; text: RegExp; why: string; engine?: 'postgres' | 'mysql' }

/** Read before any code: the MySQL client library's numbers say too little here (2002 and 2013 cover a refusal,
 *  a silence and a cut alike); its words and the system error it quotes tell them apart. */
export const BEFORE_CODES: Phrase[] = [
  { classification: 'timeout', side: 'network', engine: 'mysql', text: /Lost connection to (?:MySQL |MariaDB )?server (?:at '[^']*', system error: 110|during query \(timed out\))/,
    why: 'the MySQL client library: no answer in time (lost connection, system error 110 / timed out)' },
  { classification: 'refused', side: 'network', engine: 'mysql', text: /Can't connect to (?:local )?(?:MySQL |MariaDB )?server (?:on '[^']*'|through socket '[^']*') \((?:111|115|2)\)/,
    why: "the MySQL client library: can't connect (errno 111/115: refused, 2: no socket file)" },
  { classification: 'timeout', side: 'network', engine: 'mysql', text: /Can't connect to (?:MySQL |MariaDB )?server on '[^']*' \(110\)/,
    why: "the MySQL client library: can't connect (errno 110: timed out)" },
  { classification: 'unreachable', side: 'network', engine: 'mysql', text: /Can't connect to (?:MySQL |MariaDB )?server on '[^']*' \(113\)/,
    why: "the MySQL client library: can't connect (errno 113: no route)" },
];

/** PostgreSQL's other words for a full server (53300), which the table's sample does not spell. */
const PG_FULL: Phrase[] = [
  { classification: 'too-many-connections', side: 'server', engine: 'postgres', why: 'PostgreSQL: the slots left are reserved (53300)',
    text: /remaining connection slots are reserved for|too many connections for (?:role|database) "[^"]*"/ },
];

/** PgBouncer's own refusal of a client's SCRAM login (its auth_file or auth_query): bare, where the server says
 *  'password authentication failed for user "…"'. */
const POOLER_AUTH: Phrase[] = [
  { classification: 'pooler-auth', side: 'pooler', engine: 'postgres', text: /\bSASL authentication failed\b(?! for user)/,
    why: "PgBouncer: the client's password failed at the pooler (its auth_file or auth_query), before any server login" },
];

/** A row's sample as a pattern: quoted names and numbers stand for any. */
function fromSample(sample: string): RegExp {
  const escaped = sample.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    .replace(/"[^"]*"/g, '"[^"]*"').replace(/'[^']*'/g, "'[^']*'").replace(/\d+/g, '\\d+');
  return new RegExp(escaped, 'i');
}

const engineOf = (row: ErrorRow): 'postgres' | 'mysql' | undefined =>
  row.family === 'postgres' ? 'postgres' : row.family === 'mariadb' || row.family === 'mysql' ? 'mysql' : undefined;

/** PgBouncer rows whose words only PgBouncer uses (its relays of a server's "password authentication failed"
 *  or "no such database" read the same as the server's own, and are told by the code or the log instead). */
const POOLER_ONLY = new Set([CLIENT_LOGIN_TIMEOUT, 'max_client_conn', 'max_db_client_connections / max_user_client_connections', 'query_wait_timeout',
  'server login failing', 'database disabled / paused', 'unsupported startup parameter', 'client_idle_timeout / idle_transaction_timeout', 'server gone']);

function tablePhrases(): Phrase[] {
  const server = ERROR_TABLE.filter((r) => engineOf(r) && r.classification !== 'other' && (r.text || r.sample.length >= 16))
    .map((r) => ({ classification: r.classification, side: 'server' as const, text: r.text ?? fromSample(r.sample),
      why: `${r.family === 'postgres' ? 'PostgreSQL' : 'MySQL/MariaDB'} says "${r.sample}" (${r.name}${r.code ? ` ${r.code}` : ''})`, engine: engineOf(r)! }));
  const pooler = ERROR_TABLE.filter((r) => r.family === 'pgbouncer' && POOLER_ONLY.has(r.name))
    .map((r) => ({ classification: r.classification, side: 'pooler' as const, text: r.text!, why: `PgBouncer: ${r.name}`, engine: 'postgres' as const }));
  // The longest first: a row whose words begin another's ("Access denied for user 'u'@'h'", 1698) must not take
  // the longer one's text ("… to database 'd'", 1044).
  return [...pooler, ...server.sort((a, b) => b.text.source.length - a.text.source.length)];
}

const net = (classification: Classification, text: RegExp, why: string, side: Side = 'network'): Phrase => ({ classification, side, text, why });

/** The network and TLS, as the client libraries word them. */
const CLIENT_PHRASES: Phrase[] = [
  net('socket-access', /Can't connect to local (?:MySQL |MariaDB )?server through socket '[^']*' \(13\)/, 'the socket file is not open to this user (errno 13)'),
  net('dns', /could not translate host name|Name or service not known|nodename nor servname|no such host|Temporary failure in name resolution|UnknownHostException|getaddrinfo failed|Unknown (?:MySQL|MariaDB) server host/i, 'the name does not resolve'),
  net('refused', /Connection refused|ConnectException: Connection refused|connect: connection refused|ConnectionRefusedError/i, 'connection refused: nothing listens there'),
  net('unreachable', /No route to host|Network is unreachable|NoRouteToHostException/i, 'no route to the host'),
  // Python's bare TimeoutError (asyncpg's wait_for) ends its traceback on a line of its own.
  net('timeout', /timeout expired|Connection timed out|connect timed out|i\/o timeout|SocketTimeoutException|Connect timed out|connection timeout|Connection attempt timed out|^(?:asyncio\.exceptions\.)?TimeoutError\s*$/im, 'the connection timed out'),
  net('connection-lost', /server closed the connection unexpectedly|Connection lost: The server closed the connection|PROTOCOL_CONNECTION_LOST|Connection reset by peer|Lost connection to (?:MySQL |MariaDB )?server|server has gone away|Connection terminated unexpectedly|EOFException|unexpected EOF/i, 'the connection was cut'),
  // Before "certificate verify failed": Python's ssl says both ("…: IP address mismatch, certificate is not valid for").
  // Go's crypto/x509: "x509: certificate is valid for db.internal, not db", "… because it doesn't contain any IP SANs".
  net('cert-hostname', /does not match host name|server certificate for "[^"]*" does not match|altnames|No subject alternative (?:DNS )?names? matching|IP address mismatch|Hostname mismatch|certificate is not valid for|x509: certificate is valid for|doesn't contain any IP SANs/i, 'the certificate is for another name', 'tls'),
  net('cert-expired', /certificate has expired|CertificateExpiredException|x509: certificate has expired/i, 'the server certificate has expired', 'tls'),
  net('cert-untrusted', /certificate verify failed|unable to get local issuer certificate|self[- ]signed certificate|PKIX path building failed|unable to verify the first certificate|x509: certificate signed by unknown authority/i, 'the server certificate is not trusted', 'tls'),
  // libpq (psql, psycopg, Ruby pg, asyncpg's reading of the same rule) verifying with no CA file at all.
  net('cert-untrusted', /root certificate file "[^"]*" does not exist/, "the client has no CA file to verify the server's certificate with (libpq: sslrootcert, by default ~/.postgresql/root.crt)", 'tls'),
  // asyncpg: "rejected SSL upgrade"; mysql2: "Server does not support secure connection" (HANDSHAKE_NO_SSL_SUPPORT).
  net('ssl-unsupported', /server does not support SSL|SSL is not enabled on the server|does not support SSL connections|SSL connection error: SSL is required but the server doesn't support it|rejected SSL upgrade|Server does not support secure connection|HANDSHAKE_NO_SSL_SUPPORT/i, 'the server does not speak TLS', 'tls'),
  net('password-missing', /no password supplied|client password must be a string/i, 'the client sent no password', 'driver'),
];

export const PHRASES: Phrase[] = [...POOLER_AUTH, ...tablePhrases(), ...PG_FULL, ...CLIENT_PHRASES];
