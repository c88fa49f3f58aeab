import assert from 'node:assert/strict';
import net from 'node:net';
import { describe, it } from 'node:test';
import { classify, diagnosed, explain } from '../../src/db/classify.js';
import type { Classification } from '../../src/executors/types.js';

const err = (fields: Record<string, unknown>, message = ''): Error => Object.assign(new Error(message), fields);

describe('classify', () => {
  const cases: [string, unknown, Classification][] = [
    ['ECONNREFUSED', err({ code: 'ECONNREFUSED', errno: -111 }), 'refused'],
    ['ENOTFOUND', err({ code: 'ENOTFOUND', errno: -3008 }), 'dns'],
    ['EAI_AGAIN', err({ code: 'EAI_AGAIN' }), 'dns'],
    ['ETIMEDOUT', err({ code: 'ETIMEDOUT', errno: -110 }), 'timeout'],
    ['EHOSTUNREACH', err({ code: 'EHOSTUNREACH', errno: -113 }), 'unreachable'],
    ['ENETUNREACH', err({ code: 'ENETUNREACH', errno: -101 }), 'unreachable'],
    ['pg 28P01', err({ code: '28P01' }, 'password authentication failed for user "app"'), 'auth'],
    ['pg 28000 role', err({ code: '28000' }, 'role "nobody" does not exist'), 'auth'],
    ['pg 28000 hostssl-only', err({ code: '28000' },
      'no pg_hba.conf entry for host "127.0.0.1", user "app", database "db", no encryption'), 'ssl-required'],
    ['pg 28000 no entry with encryption', err({ code: '28000' },
      'no pg_hba.conf entry for host "127.0.0.1", user "app", database "db", SSL encryption'), 'auth'],
    ['pg 28000 reject line', err({ code: '28000' },
      'pg_hba.conf rejects connection for host "127.0.0.1", user "app", database "db", no encryption'), 'auth'],
    ['pg 28000 client certificate missing', err({ code: '28000' }, 'connection requires a valid client certificate'), 'auth'],
    ['pg 28000 client certificate CN', err({ code: '28000' }, 'certificate authentication failed for user "app"'), 'auth'],
    ['pg 3D000', err({ code: '3D000' }, 'database "x" does not exist'), 'database-missing'],
    ['pg 53300 (PG15 wording)', err({ code: '53300' }, 'sorry, too many clients already'), 'too-many-connections'],
    ['pg 53300 (PG16 wording)', err({ code: '53300' }, 'remaining connection slots are reserved for roles with the SUPERUSER attribute'), 'too-many-connections'],
    ['pg connect timeout (no code)', new Error('timeout expired'), 'timeout'],
    ['pg-pool connect timeout (no code)', new Error('Connection terminated due to connection timeout'), 'timeout'],
    ['pg no TLS on server (no code)', new Error('The server does not support SSL connections'), 'ssl-unsupported'],
    ['mysql 1040', err({ code: 'ER_CON_COUNT_ERROR', errno: 1040 }), 'too-many-connections'],
    ['mysql 1045', err({ code: 'ER_ACCESS_DENIED_ERROR', errno: 1045 }), 'auth'],
    ['mysql 1049', err({ code: 'ER_BAD_DB_ERROR', errno: 1049 }), 'database-missing'],
    ['mariadb 1044', err({ code: 'ER_DBACCESS_DENIED_ERROR', errno: 1044 }), 'database-missing'],
    ['mysql 3159', err({ code: 'ER_SECURE_TRANSPORT_REQUIRED', errno: 3159 }), 'ssl-required'],
    ['mysql2 no TLS on server', err({ code: 'HANDSHAKE_NO_SSL_SUPPORT' }), 'ssl-unsupported'],
    ['mysql2 TLS self-signed', err({ code: 'HANDSHAKE_SSL_ERROR' }, 'self-signed certificate'), 'cert-untrusted'],
    ['mysql2 TLS chain', err({ code: 'HANDSHAKE_SSL_ERROR' }, 'self-signed certificate in certificate chain'), 'cert-untrusted'],
    ['mysql2 TLS leaf', err({ code: 'HANDSHAKE_SSL_ERROR' }, 'unable to verify the first certificate'), 'cert-untrusted'],
    ['mysql2 TLS hostname', err({ code: 'HANDSHAKE_SSL_ERROR' },
      "Hostname/IP does not match certificate's altnames: IP: 127.0.0.1 is not in the cert's list: "), 'cert-hostname'],
    ['mysql2 TLS expired', err({ code: 'HANDSHAKE_SSL_ERROR' }, 'certificate has expired'), 'cert-expired'],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', err({ code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }), 'cert-untrusted'],
    ['SELF_SIGNED_CERT_IN_CHAIN', err({ code: 'SELF_SIGNED_CERT_IN_CHAIN' }), 'cert-untrusted'],
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', err({ code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' }), 'cert-untrusted'],
    ['UNABLE_TO_GET_ISSUER_CERT_LOCALLY', err({ code: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY' }), 'cert-untrusted'],
    ['ERR_TLS_CERT_ALTNAME_INVALID', err({ code: 'ERR_TLS_CERT_ALTNAME_INVALID' }), 'cert-hostname'],
    ['CERT_HAS_EXPIRED', err({ code: 'CERT_HAS_EXPIRED' }), 'cert-expired'],
    ['authorizationError string', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'cert-untrusted'],
    ['TimeoutError by name', Object.assign(new Error('x'), { name: 'TimeoutError' }), 'timeout'],
    ['wrapped in cause', new Error('outer', { cause: err({ code: 'ECONNREFUSED' }) }), 'refused'],
    ['pg 57P01 admin shutdown', err({ code: '57P01' }, 'terminating connection due to administrator command'), 'connection-lost'],
    ['pg socket closed (no code)', new Error('Connection terminated unexpectedly'), 'connection-lost'],
    ['mysql2 connection lost', err({ code: 'PROTOCOL_CONNECTION_LOST' }), 'connection-lost'],
    ['mysql 2013', err({ errno: 2013 }), 'connection-lost'],
    ['ECONNRESET', err({ code: 'ECONNRESET' }), 'connection-lost'],
    ['pg 57P03 starting', err({ code: '57P03' }, 'the database system is starting up'), 'server-starting'],
    ['pg 57P03 shutting down', err({ code: '57P03' }, 'the database system is shutting down'), 'server-starting'],
    ['pg 57P03 crash recovery', err({ code: '57P03' }, 'the database system is in recovery mode'), 'server-starting'],
    ['pg 57P03 hot standby off', err({ code: '57P03', detail: 'Hot standby mode is disabled.' }, 'the database system is not accepting connections'), 'standby'],
    ['pg 57P03 not consistent', err({ code: '57P03', detail: 'Consistent recovery state has not been yet reached.' }, 'the database system is not yet accepting connections'), 'standby'],
    ['pg 57P03 translated', err({ code: '57P03' }, 'le système de bases de données se lance'), 'server-starting'],
    ['pg 42501 no CONNECT', err({ code: '42501' }, 'permission denied for database "db"'), 'privilege'],
    ['pg 42501 table', err({ code: '42501' }, 'permission denied for table t'), 'privilege'],
    ['pg 28000 NOLOGIN', err({ code: '28000' }, 'role "app" is not permitted to log in'), 'account-locked'],
    ['mariadb 4151 locked (mysql2 mislabels the code)', err({ code: 'ER_BULK_PARSER_INCOMPLETE_ESCAPE_SEQUENCE', errno: 4151 }, 'Access denied, this account is locked'), 'account-locked'],
    ['mysql 3118 locked', err({ errno: 3118 }), 'account-locked'],
    ['mariadb 1820 expired (sandbox)', err({ code: 'ER_MUST_CHANGE_PASSWORD', errno: 1820 }), 'password-expired'],
    ['mariadb 1862 expired (login)', err({ code: 'ER_MUST_CHANGE_PASSWORD_LOGIN', errno: 1862 }), 'password-expired'],
    ['mysql 1142 table denied', err({ code: 'ER_TABLEACCESS_DENIED_ERROR', errno: 1142 }), 'privilege'],
    ['mysql 1227 needs SUPER', err({ code: 'ER_SPECIFIC_ACCESS_DENIED_ERROR', errno: 1227 }), 'privilege'],
    // PgBouncer 1.18: every error is 08P01, the text is the only evidence.
    ['pgbouncer max_client_conn', err({ code: '08P01' }, 'no more connections allowed (max_client_conn)'), 'pooler-client-limit'],
    ['pgbouncer max_db_connections', err({ code: '08P01' }, 'no more connections allowed (max_db_connections)'), 'pooler-client-limit'],
    ['pgbouncer query_wait_timeout', err({ code: '08P01' }, 'query_wait_timeout'), 'pooler-wait-timeout'],
    ['pgbouncer SASL', err({ code: '08P01' }, 'SASL authentication failed'), 'pooler-auth'],
    ['pgbouncer password', err({ code: '08P01' }, 'password authentication failed'), 'pooler-auth'],
    ['pgbouncer no such database', err({ code: '08P01' }, 'no such database: nope'), 'database-missing'],
    ['pgbouncer server login failing', err({ code: '08P01' }, 'server login has been failing, try again later (server_login_retry)'), 'pooler-backend-down'],
    ['pgbouncer cannot connect', err({ code: '08P01' }, 'pgbouncer cannot connect to server'), 'pooler-backend-down'],
    ['pgbouncer login timeout, server down', err({ code: '08P01' }, 'client_login_timeout (server down)'), 'pooler-backend-down'],
    ['pgbouncer SSL required', err({ code: '08P01' }, 'SSL required'), 'ssl-required'],
    ['pg 08P01 protocol violation', err({ code: '08P01' }, 'invalid message length'), 'other'],
    ['unknown', new Error('something else'), 'other'],
    ['not an error', 42, 'other'],
    ['null', null, 'other'],
  ];
  for (const [name, input, expected] of cases) {
    it(`${name} → ${expected}`, () => assert.equal(classify(input), expected));
  }

  it('reads a dual-stack AggregateError with an empty message from errors[0]', () => {
    const agg = new AggregateError([err({ code: 'ECONNREFUSED' }, 'connect ECONNREFUSED ::1:1'), err({ code: 'ECONNREFUSED' })], '');
    assert.equal(agg.message, '');
    assert.equal(classify(agg), 'refused');
  });

  it('classifies a real refused connection to localhost', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const error = await new Promise<unknown>((resolve) => {
      net.connect({ host: 'localhost', port }).on('error', resolve).on('connect', () => resolve(new Error('connected')));
    });
    assert.equal(classify(error), 'refused');
  });

  it('honours a classification found by further diagnosis, keeping the codes', () => {
    const original = err({ code: 'ER_ACCESS_DENIED_ERROR', errno: 1045 }, 'Access denied');
    const d = diagnosed(original, 'ssl-required', 'TLS works');
    assert.equal(classify(d), 'ssl-required');
    assert.equal((d as { errno?: number }).errno, 1045);
    assert.equal(d.message, 'Access denied (TLS works)');
  });
});

describe('explain', () => {
  it('has one line for every classification', () => {
    const all: Classification[] = ['ok', 'dns', 'refused', 'timeout', 'unreachable', 'auth', 'database-missing', 'ssl-required',
      'ssl-unsupported', 'cert-untrusted', 'cert-hostname', 'cert-expired', 'too-many-connections', 'other'];
    for (const c of all) {
      const text = explain(c);
      assert.ok(text.length > 10 && !text.includes('\n'), c);
    }
  });
});
