// The MySQL/MariaDB greeting as the login's own connection sees it: version and TLS offered, read from real MariaDB
// greetings (TLS off and on); and which versions can count failed logins (#31: the TLS retry after a 1045 is made
// only where a failure cannot count).
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { countsFailedLogins, parseGreeting, watchGreeting } from '../../src/db/mysql-greeting.js';
import { connectMysql, mysqlConfig } from '../../src/db/mysql-session.js';
import { parseUrl } from '../../src/db/url.js';
import { startServer, type LabServer } from '../../src/lab/index.js';

const HANG_GUARD_MS = 30_000;

/** The greeting as the server sends it, read by the same watcher the driver's connection uses. */
function greetingOf(server: LabServer): Promise<ReturnType<ReturnType<typeof watchGreeting>>> {
  return new Promise((resolve, reject) => {
    const socket = connect(server.port, server.host);
    const seen = watchGreeting(socket);
    const timer = setTimeout(() => { socket.destroy(); reject(new Error('no greeting')); }, HANG_GUARD_MS);
    socket.on('data', () => {
      const g = seen();
      if (!g) return;
      clearTimeout(timer);
      socket.destroy();
      resolve(g);
    });
    socket.on('error', reject);
  });
}

describe('the greeting of a real MariaDB', () => {
  let plain: LabServer;
  let tls: LabServer;
  before(async () => { [plain, tls] = await Promise.all([startServer('mariadb'), startServer('mariadb', { tls: 'on' })]); });
  after(async () => { await Promise.all([plain?.stop(), tls?.stop()]); });

  it('names the version without the 5.5.5- prefix, and whether TLS is offered', async () => {
    const [p, t] = [await greetingOf(plain), await greetingOf(tls)];
    assert.match(p?.version ?? '', /^1\d\.\d+\.\d+-MariaDB/);
    assert.equal(p?.offersTls, false);
    assert.equal(t?.offersTls, true);
    assert.equal(countsFailedLogins(p), true, 'MariaDB 10.11 counts failed logins (max_password_errors)');
  });

  it('a failed login carries the greeting it came after (no second connection)', async () => {
    const info = parseUrl(tls.url({ password: 'wrong' }));
    const err = await connectMysql(mysqlConfig(info, null, HANG_GUARD_MS), AbortSignal.timeout(HANG_GUARD_MS)).then(() => undefined, (e: unknown) => e);
    assert.equal((err as { errno?: number }).errno, 1045);
    const g = (err as { mysqlGreeting?: { version: string; offersTls: boolean } }).mysqlGreeting;
    assert.match(g?.version ?? '', /MariaDB/);
    assert.equal(g?.offersTls, true);
  });
});

describe('greeting bytes', () => {
  it('an error packet instead of a greeting (too many connections, host blocked) is no greeting', () => {
    const payload = Buffer.from([0xff, 0x10, 0x04, ...Buffer.from('Too many connections')]);
    const head = Buffer.from([payload.length, 0, 0, 0]);
    assert.equal(parseGreeting(Buffer.concat([head, payload])), null);
  });

  it('an incomplete greeting waits for more bytes', () => {
    assert.equal(parseGreeting(Buffer.from([0x50, 0, 0, 0, 10, 0x38])), undefined);
  });
});

describe('which servers count failed logins', () => {
  const at = (version: string) => countsFailedLogins({ version, offersTls: true });
  it('MariaDB from 10.4 (max_password_errors), MySQL from 8.0.19 (FAILED_LOGIN_ATTEMPTS); an unknown server might', () => {
    assert.equal(at('10.3.39-MariaDB'), false);
    assert.equal(at('10.4.2-MariaDB-log'), true);
    assert.equal(at('11.4.2-MariaDB'), true);
    assert.equal(at('8.0.18'), false);
    assert.equal(at('5.7.44-log'), false);
    assert.equal(at('8.0.19'), true);
    assert.equal(at('8.4.0'), true);
    assert.equal(countsFailedLogins(undefined), true);
    assert.equal(at('garbage'), true);
  });
});
