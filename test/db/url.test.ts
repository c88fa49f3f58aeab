import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildUrl, maskUrl, parseUrl, UrlError, writtenWithoutPassword } from '../../src/db/url.js';
import { connectionFromEnv } from '../../src/db/url-env.js';

describe('parseUrl', () => {
  it('parses a full postgres URL', () => {
    assert.deepEqual(parseUrl('postgresql://app:s3cret@db.internal:6432/orders?sslmode=verify-full&application_name=api'), {
      engine: 'postgres', host: 'db.internal', port: 6432, user: 'app', password: 's3cret', database: 'orders',
      params: { sslmode: 'verify-full', application_name: 'api' }, sslmode: 'verify-full',
    });
  });

  it('applies default ports and engines by scheme', () => {
    assert.equal(parseUrl('postgres://h/db').port, 5432);
    assert.equal(parseUrl('mysql://h/db').port, 3306);
    assert.equal(parseUrl('mariadb://u@h').engine, 'mariadb');
    assert.equal(parseUrl('mysql://u:p@h:3307/').database, '');
  });

  it('decodes percent-encoded credentials and database names', () => {
    const info = parseUrl('postgres://app%40tenant:p%40ss%3Aw%2Fo%23rd%25@h/my%20db');
    assert.equal(info.user, 'app@tenant');
    assert.equal(info.password, 'p@ss:w/o#rd%');
    assert.equal(info.database, 'my db');
  });

  it('refuses schemes that are names on Object.prototype', () => {
    for (const scheme of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      assert.throws(() => parseUrl(`${scheme}://u@h/db`), /unsupported scheme|not a connection URL/);
    }
  });

  it('keeps ":" inside a password and reads IPv6 hosts', () => {
    const info = parseUrl('postgres://u:a:b:c@[::1]:5433/db');
    assert.equal(info.password, 'a:b:c');
    assert.equal(info.host, '::1');
    assert.equal(info.port, 5433);
  });

  it("accepts '@' and '/' inside query values", () => {
    const info = parseUrl('postgres://u:pw@h/db?application_name=a@b&sslrootcert=/etc/ssl/ca.pem');
    assert.equal(info.host, 'h');
    assert.equal(info.password, 'pw');
    assert.deepEqual(info.params, { application_name: 'a@b', sslrootcert: '/etc/ssl/ca.pem' });
    assert.equal(parseUrl('postgres://h/db?application_name=a@b').user, '');
  });

  it("reads '+' in query values as a space, as URLSearchParams writes it", () => {
    const query = new URLSearchParams({ ssl: '{"ca":"-----BEGIN CERTIFICATE-----"}' }).toString();
    assert.equal(parseUrl(`mysql://u:p@h/db?${query}`).params.ssl, '{"ca":"-----BEGIN CERTIFICATE-----"}');
  });

  it('takes libpq-style host/port/user from query parameters', () => {
    const info = parseUrl('postgres:///db?host=/var/run/postgresql&port=5433&user=me');
    assert.equal(info.host, '/var/run/postgresql');
    assert.equal(info.port, 5433);
    assert.equal(info.user, 'me');
  });

  const SECRET = 'Xy9';
  const rawPasswordCases: [string, string, string][] = [
    ['@', `postgres://app:p@${SECRET}@db:5432/x`, '%40'],
    ['#', `postgres://app:p#${SECRET}@db:5432/x`, '%23'],
    ['/', `postgres://app:p/${SECRET}@db:5432/x`, '%2F'],
    ['?', `postgres://app:p?${SECRET}@db:5432/x`, '%3F'],
    ['%', `postgres://app:100%${SECRET}@db:5432/x`, '%25'],
    ['# with a numeric start', `postgres://u:123#${SECRET}@h/db`, '%23'],
    ['/ with a numeric start', `postgres://u:12/${SECRET}@h/db`, '%2F'],
    ['? with a numeric start', `mysql://u:12?${SECRET}@h/db`, '%3F'],
  ];
  for (const [what, url, encoding] of rawPasswordCases) {
    it(`explains a raw '${what}' in the password without echoing it`, () => {
      const char = what[0]!;
      assert.throws(() => parseUrl(url), (e: unknown) => {
        assert.ok(e instanceof UrlError);
        assert.equal(e.message, `the password contains '${char}' — URL-encode it as ${encoding}`);
        assert.ok(!e.message.includes(SECRET));
        return true;
      });
    });
  }

  it("explains a raw '@' in the user name (user@server logins)", () => {
    assert.throws(() => parseUrl('postgres://app@srv:pw@h/db'), /the user name contains '@' — URL-encode it as %40/);
  });

  it('rejects other malformed URLs with a UrlError, never a crash', () => {
    for (const bad of ['', 'not a url', 'http://h/db', 'postgres://h:99999/db', 'postgres://h:abc/db', 'postgres://u:p@h/a/b',
      'postgres://h/db?=x', 'postgres://u:%zz@h/db']) {
      assert.throws(() => parseUrl(bad), UrlError, bad);
    }
  });

  it('round-trips through buildUrl', () => {
    const info = parseUrl('postgresql://a%40b:p%40%23%2F%3F%25@h:1/d%20b?sslmode=require');
    assert.deepEqual(parseUrl(buildUrl(info)), info);
  });
});

describe('maskUrl', () => {
  it('replaces the password, keeping the rest', () => {
    assert.equal(maskUrl('postgres://app:s3cret@h:5432/db?sslmode=require'), 'postgres://app:****@h:5432/db?sslmode=require');
    assert.equal(maskUrl('mysql://u:p%40ss@h/db'), 'mysql://u:****@h/db');
  });
  it('masks passwords of malformed URLs too', () => {
    assert.equal(maskUrl('postgres://app:p@ss#w@h/db'), 'postgres://app:****@h/db');
  });
  it('leaves URLs without a password alone', () => {
    for (const url of ['postgres://app@h/db', 'postgres://h/db', 'postgres://[::1]:5432/db', 'postgres://h/db?x=a:b@c']) {
      assert.equal(maskUrl(url), url);
    }
  });
});

describe('connectionFromEnv', () => {
  it('prefers DATABASE_URL', () => {
    const c = connectionFromEnv({ DATABASE_URL: 'mysql://u:p@h/db', PGHOST: 'other' });
    assert.equal(c?.source, 'DATABASE_URL');
    assert.equal(c?.info.engine, 'mysql');
  });

  it('builds from PG* variables, encoding what needs it', () => {
    const c = connectionFromEnv({ PGHOST: 'db', PGPORT: '6543', PGUSER: 'app', PGPASSWORD: 'p@ss/#?', PGDATABASE: 'orders', PGSSLMODE: 'require' });
    assert.ok(c);
    assert.deepEqual(parseUrl(c.url), c.info);
    assert.equal(c.info.password, 'p@ss/#?');
    assert.equal(c.info.sslmode, 'require');
    assert.equal(c.info.port, 6543);
  });

  it('builds from MYSQL_* variables', () => {
    const c = connectionFromEnv({ MYSQL_HOST: 'h', MYSQL_TCP_PORT: '3307', MYSQL_USER: 'u', MYSQL_PWD: 'pw', MYSQL_DATABASE: 'd' });
    assert.deepEqual(c?.info, { engine: 'mysql', host: 'h', port: 3307, user: 'u', password: 'pw', database: 'd', params: {}, sslmode: undefined });
  });

  it('returns undefined without any variable, and a UrlError for a bad port', () => {
    assert.equal(connectionFromEnv({}), undefined);
    assert.throws(() => connectionFromEnv({ PGHOST: 'h', PGPORT: 'x' }), UrlError);
  });
});

// A probe of stop 70: a pattern of its own read a URL's credentials where libpq does not (up to an '@' behind a
// '?'), and resume's comparison dropped a parameter with them. The credentials are the parser's, or the URL is
// compared whole; a URL libpq reads two ways does not parse.
describe('writtenWithoutPassword and an \'@\' behind a \'?\'', () => {
  it('leaves out exactly the password the parser found', () => {
    assert.equal(writtenWithoutPassword('postgres://u:p%40w@h:5/d?sslmode=require'), 'postgres://u@h:5/d?sslmode=require');
    assert.equal(writtenWithoutPassword('postgres://u@h:5/d'), 'postgres://u@h:5/d');
    assert.equal(writtenWithoutPassword('mysql://h:5/d'), 'mysql://h:5/d');
  });
  it('refuses an \'@\' before any \'/\' behind a \'?\' or \'#\' (libpq takes the credentials up to it)', () => {
    for (const url of ['postgres://127.0.0.1?port=5&application_name=x@localhost', 'postgres://h?application_name=a:&port=6&x=b@c', 'mysql://h?x=a@b']) {
      assert.throws(() => parseUrl(url), /reads two ways/, url);
      assert.equal(writtenWithoutPassword(url), undefined, url);
    }
    assert.equal(parseUrl('postgres://h:5/d?application_name=x@y').host, 'h', "after the '/', an '@' is the parameter's");
  });
});
