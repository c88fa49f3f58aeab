// MariaDB lab servers and faults, asserted against the real mysql2 driver errors.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import mysql from 'mysql2/promise';
import { injectFault, LabError, startMariadb, type LabServer } from '../../src/lab/index.js';
import { eventually, myConnectError, myQuery, onceLetIn } from './helpers.js';

describe('mariadb lab', () => {
  let healthy: LabServer;
  before(async () => {
    healthy = await startMariadb();
  });
  after(() => healthy.stop());

  it('serves an app account without global privileges, on 127.0.0.1 only, TLS off', async () => {
    const [row] = await myQuery(healthy.url(), `SELECT current_user() AS who, database() AS db,
      @@bind_address AS bind, @@have_ssl AS tls, @@max_connections AS maxc`);
    assert.deepEqual(row, { who: 'app_user@%', db: 'app_db', bind: '127.0.0.1', tls: 'DISABLED', maxc: 30 });
    const grants = await myQuery(healthy.url(), 'SHOW GRANTS');
    assert.match(JSON.stringify(grants), /GRANT USAGE ON \*\.\*/);
    const [admin] = await myQuery(healthy.adminUrl(), 'SELECT current_user() AS who');
    assert.equal(admin?.['who'], 'lab_admin@%');
  });

  it('leaves no password-less root over TCP', async () => {
    const rows = await myQuery(healthy.adminUrl(), "SELECT host AS host FROM mysql.user WHERE user IN ('root', '')");
    assert.deepEqual(rows, [{ host: 'localhost' }]);
  });

  it('none: connects', async () => {
    const fault = await injectFault('none', 'mariadb', { server: healthy });
    const [row] = await myQuery(fault.url, 'SELECT 1 AS ok');
    assert.equal(row?.['ok'], 1);
  });

  it('auth: 1045 ER_ACCESS_DENIED_ERROR', async () => {
    const fault = await injectFault('auth', 'mariadb', { server: healthy });
    const err = await myConnectError(fault.url);
    assert.equal(err.errno, 1045);
    assert.equal(err.code, 'ER_ACCESS_DENIED_ERROR');
    assert.equal(err.sqlState, '28000');
    assert.match(err.message, /Access denied for user 'app_user'@'127\.0\.0\.1' \(using password: YES\)/);
  });

  it('database-missing: 1044 for the app account, 1049 for a global account', async () => {
    const app = await injectFault('database-missing', 'mariadb', { server: healthy });
    const appErr = await myConnectError(app.url);
    assert.equal(appErr.errno, 1044);
    assert.equal(appErr.code, 'ER_DBACCESS_DENIED_ERROR');
    assert.match(appErr.message, /Access denied for user 'app_user'@'%' to database 'missing_db'/);
    const su = await injectFault('database-missing', 'mariadb', { server: healthy, as: 'super' });
    const suErr = await myConnectError(su.url);
    assert.equal(suErr.errno, 1049);
    assert.equal(suErr.code, 'ER_BAD_DB_ERROR');
    assert.equal(suErr.message, "Unknown database 'missing_db'");
  });

  it('ssl-unsupported: HANDSHAKE_NO_SSL_SUPPORT', async () => {
    const fault = await injectFault('ssl-unsupported', 'mariadb', { server: healthy });
    const err = await myConnectError(fault.url);
    assert.equal(err.code, 'HANDSHAKE_NO_SSL_SUPPORT');
    assert.equal(err.message, 'Server does not support secure connection');
  });

  it('refuses a reused server that cannot produce the fault', async () => {
    await assert.rejects(injectFault('cert-untrusted', 'mariadb', { server: healthy }), LabError);
    await assert.rejects(injectFault('auth', 'postgres', { server: healthy }), /not postgres/);
  });

  it('ssl-required: 1045 like a bad password (MariaDB 10.11); TLS with the CA works', async () => {
    const fault = await injectFault('ssl-required', 'mariadb');
    try {
      const err = await myConnectError(fault.url);
      assert.equal(err.errno, 1045);
      assert.equal(err.code, 'ER_ACCESS_DENIED_ERROR');
      const [row] = await myQuery(fault.url, "SHOW SESSION STATUS LIKE 'Ssl_version'", { caFile: fault.caFile! });
      assert.match(String(row?.['Value']), /^TLSv1\.[23]$/);
      const [v] = await myQuery(fault.url, 'SELECT @@require_secure_transport AS r', { caFile: fault.caFile! });
      assert.equal(v?.['r'], 1);
    } finally {
      await fault.cleanup();
    }
  });

  it('cert-untrusted: HANDSHAKE_SSL_ERROR "self-signed certificate in certificate chain"', async () => {
    const fault = await injectFault('cert-untrusted', 'mariadb');
    try {
      const err = await myConnectError(fault.url);
      assert.equal(err.code, 'HANDSHAKE_SSL_ERROR'); // mysql2 overwrites Node's TLS code
      assert.equal(err.message, 'self-signed certificate in certificate chain');
    } finally {
      await fault.cleanup();
    }
  });

  it('cert-hostname: HANDSHAKE_SSL_ERROR with the altname mismatch message', async () => {
    const fault = await injectFault('cert-hostname', 'mariadb');
    try {
      const err = await myConnectError(fault.url);
      assert.equal(err.code, 'HANDSHAKE_SSL_ERROR');
      assert.match(err.message, /^Hostname\/IP does not match certificate's altnames: Host: localhost\. is not in the cert's altnames: DNS:db\.invalid-host\.test$/);
      assert.ok(err.reason);
    } finally {
      await fault.cleanup();
    }
  });

  it('too-many-connections: 1040; one extra slot for SUPER; KILLing idle sessions frees slots', async () => {
    const fault = await injectFault('too-many-connections', 'mariadb');
    try {
      assert.equal(fault.held?.opened, 10); // max_connections 10, MariaDB's minimum
      const err = await myConnectError(fault.url);
      assert.equal(err.errno, 1040);
      assert.equal(err.code, 'ER_CON_COUNT_ERROR');
      assert.equal(err.sqlState, '08004');
      assert.equal(err.message, 'Too many connections');

      // The extra connection reserved for SUPER / CONNECTION ADMIN accounts. Once the refused connection above is
      // gone from the server's count: its thread is released after the refusal reaches the client, and a
      // connection straight after it was refused too on a loaded CI machine (30 s: a hang guard, ~10 ms idle).
      const adminUrl = fault.server!.adminUrl();
      const admin = await onceLetIn(() => mysql.createConnection(adminUrl), 'the administrator\'s extra slot');
      const err2 = await myConnectError(adminUrl);
      assert.equal(err2.errno, 1040);

      // What a runbook would do: kill idle app sessions. The lab must survive it.
      const [ids] = await admin.query("SELECT id FROM information_schema.processlist WHERE user = 'app_user' AND command = 'Sleep'");
      for (const { id } of ids as { id: number }[]) await admin.query(`KILL ${Number(id)}`);
      await admin.end();
      assert.ok(await eventually(() => fault.held!.alive() === 0));
      const [row] = await onceLetIn(() => myQuery(fault.url, 'SELECT 1 AS ok'), 'the killed sessions\' slots');
      assert.equal(row?.['ok'], 1);
    } finally {
      await fault.cleanup();
    }
  });
});
