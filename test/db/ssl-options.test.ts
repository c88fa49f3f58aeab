import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { sslMode, tlsAttempts } from '../../src/db/ssl-options.js';
import { parseUrl, UrlError } from '../../src/db/url.js';

const attempts = (url: string) => tlsAttempts(parseUrl(url)).map((a) => ({
  tls: a.tls && { chain: a.tls.verifyChain, host: a.tls.verifyHost, ca: Boolean(a.tls.ca) },
  ...(a.fallbackOn ? { fallbackOn: a.fallbackOn } : {}),
}));

describe('sslmode (libpq meanings)', () => {
  const plain = { tls: null };
  const unverified = { tls: { chain: false, host: false, ca: false } };
  it('disable: plain only', () => assert.deepEqual(attempts('postgres://h/d?sslmode=disable'), [plain]));
  it('allow: plain, then TLS after any error the server sent (as libpq)', () =>
    assert.deepEqual(attempts('postgres://h/d?sslmode=allow'), [{ ...plain, fallbackOn: 'server-refused' }, unverified]));
  it('prefer (the default): TLS without verification, then plain after any error the server sent (as libpq)', () => {
    const expected = [{ ...unverified, fallbackOn: 'server-refused' }, plain];
    assert.deepEqual(attempts('postgres://h/d?sslmode=prefer'), expected);
    assert.deepEqual(attempts('postgres://h/d'), expected);
  });
  it('MySQL preferred/allow: the other way only when TLS itself decides (no second login to count as a failure)', () => {
    assert.deepEqual(attempts('mysql://h/d?ssl-mode=PREFERRED'), [{ ...unverified, fallbackOn: 'ssl-unsupported' }, plain]);
  });
  it('require: encrypts without verifying (pg itself would verify)', () =>
    assert.deepEqual(attempts('postgres://h/d?sslmode=require'), [unverified]));
  it('verify-ca and verify-full', () => {
    assert.deepEqual(attempts('postgres://h/d?sslmode=verify-ca'), [{ tls: { chain: true, host: false, ca: false } }]);
    assert.deepEqual(attempts('postgres://h/d?sslmode=verify-full'), [{ tls: { chain: true, host: true, ca: false } }]);
  });

  it('honours sslrootcert; with it, require verifies the chain as libpq does', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-ssl-'));
    const ca = join(dir, 'ca.pem');
    writeFileSync(ca, '-----BEGIN CERTIFICATE-----\n');
    assert.deepEqual(attempts(`postgres://h/d?sslmode=require&sslrootcert=${ca}`), [{ tls: { chain: true, host: false, ca: true } }]);
    assert.deepEqual(attempts(`postgres://h/d?sslmode=verify-full&sslrootcert=${ca}`), [{ tls: { chain: true, host: true, ca: true } }]);
  });

  it('reports an unreadable sslrootcert and an unknown mode as UrlError', () => {
    assert.throws(() => tlsAttempts(parseUrl('postgres://h/d?sslmode=require&sslrootcert=/nonexistent/ca.pem')), /cannot read sslrootcert.*ENOENT/);
    assert.throws(() => sslMode(parseUrl('postgres://h/d?sslmode=sometimes')), UrlError);
  });
});

describe('ssl-mode (MySQL names) and mysql2 ssl options', () => {
  it('maps the MySQL names', () => {
    assert.equal(sslMode(parseUrl('mysql://h/d?ssl-mode=DISABLED')), 'disable');
    assert.equal(sslMode(parseUrl('mysql://h/d?ssl-mode=PREFERRED')), 'prefer');
    assert.equal(sslMode(parseUrl('mysql://h/d?ssl-mode=REQUIRED')), 'require');
    assert.equal(sslMode(parseUrl('mysql://h/d?sslmode=VERIFY_CA')), 'verify-ca');
    assert.equal(sslMode(parseUrl('mariadb://h/d?ssl-mode=VERIFY_IDENTITY')), 'verify-full');
  });
  it('defaults to plain text as mysql2 does', () => assert.equal(sslMode(parseUrl('mysql://h/d')), 'disable'));
  it('reads the ssl JSON a Node app hands mysql2', () => {
    const q = (o: unknown) => `mysql://h/d?${new URLSearchParams({ ssl: JSON.stringify(o) })}`;
    assert.equal(sslMode(parseUrl(q({ rejectUnauthorized: false }))), 'require');
    assert.equal(sslMode(parseUrl(q({ rejectUnauthorized: true, verifyIdentity: true }))), 'verify-full');
    assert.equal(sslMode(parseUrl(q({ rejectUnauthorized: true, verifyIdentity: false }))), 'verify-ca');
    const [a] = tlsAttempts(parseUrl(q({ ca: 'PEM TEXT', rejectUnauthorized: true })));
    assert.equal(a?.tls?.ca, 'PEM TEXT');
  });
});

describe('TLS versions the URL pins', () => {
  const pinned = (url: string) => tlsAttempts(parseUrl(url)).map((a) => a.tls && [a.tls.minVersion, a.tls.maxVersion]);
  it('libpq ssl_min/max_protocol_version on every TLS attempt', () => {
    assert.deepEqual(pinned('postgres://h/d?sslmode=prefer&ssl_max_protocol_version=TLSv1.2'), [[undefined, 'TLSv1.2'], null]);
    assert.deepEqual(pinned('postgres://h/d?sslmode=verify-full&ssl_min_protocol_version=TLSv1.3'), [['TLSv1.3', undefined]]);
  });
  it('mysql2 ssl={"minVersion","maxVersion"}', () => {
    const url = `mysql://h/d?${new URLSearchParams({ ssl: JSON.stringify({ rejectUnauthorized: false, minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' }) })}`;
    assert.deepEqual(pinned(url), [['TLSv1.2', 'TLSv1.2']]);
  });
  it('a version no client knows is a URL error naming the parameter', () => {
    assert.throws(() => tlsAttempts(parseUrl('postgres://h/d?ssl_max_protocol_version=TLS1.2')), (e: Error) =>
      e instanceof UrlError && /invalid ssl_max_protocol_version value "TLS1\.2"/.test(e.message));
  });
});
