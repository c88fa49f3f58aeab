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
