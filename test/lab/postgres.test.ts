// PostgreSQL lab servers and faults, asserted against the real pg driver errors.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { injectFault, LabError, startPostgres, type LabServer } from '../../src/lab/index.js';
import { eventually, onceLetIn, pgConnectError, pgQuery } from './helpers.js';

describe('postgres lab', () => {
  let healthy: LabServer;
  before(async () => {
    healthy = await startPostgres();
  });
  after(() => healthy.stop());

  it('serves a non-superuser app role owning its database, on 127.0.0.1 only', async () => {
    const [row] = await pgQuery(healthy.url(), `SELECT current_user AS who, current_database() AS db,
      (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS su, current_setting('listen_addresses') AS listen`);
    assert.deepEqual(row, { who: 'app_user', db: 'app_db', su: false, listen: '127.0.0.1' });
    const [admin] = await pgQuery(healthy.adminUrl(), 'SELECT rolsuper FROM pg_roles WHERE rolname = current_user');
    assert.equal(admin?.['rolsuper'], true);
  });

  it('authenticates TCP with scram-sha-256 and keeps 3 reserved slots by default', async () => {
    const rows = await pgQuery(healthy.adminUrl(), `SELECT rolpassword LIKE 'SCRAM-SHA-256$%' AS scram FROM pg_authid
      WHERE rolname IN ('app_user', 'lab_admin')`);
    assert.deepEqual(rows, [{ scram: true }, { scram: true }]);
    const [r] = await pgQuery(healthy.url(), 'SHOW superuser_reserved_connections');
    assert.equal(r?.['superuser_reserved_connections'], '3');
  });

  it('none: connects', async () => {
    const fault = await injectFault('none', 'postgres', { server: healthy });
    const [row] = await pgQuery(fault.url, 'SELECT 1 AS ok');
    assert.equal(row?.['ok'], 1);
  });

  it('auth: 28P01', async () => {
    const fault = await injectFault('auth', 'postgres', { server: healthy });
    const err = await pgConnectError(fault.url);
    assert.equal(err.code, '28P01');
    assert.match(err.message, /password authentication failed for user "app_user"/);
  });

  it('database-missing: 3D000 for app and superuser', async () => {
    for (const as of ['app', 'super'] as const) {
      const fault = await injectFault('database-missing', 'postgres', { server: healthy, as });
      const err = await pgConnectError(fault.url);
      assert.equal(err.code, '3D000');
      assert.match(err.message, /database "missing_db" does not exist/);
    }
  });

  it('refuses a reused server that cannot produce the fault', async () => {
    await assert.rejects(injectFault('ssl-required', 'postgres', { server: healthy }), LabError);
    await assert.rejects(injectFault('cert-hostname', 'postgres', { server: healthy }), /wrong-host/);
  });

  it('ssl-required: 28000 "no encryption"; TLS with the CA still works', async () => {
    const fault = await injectFault('ssl-required', 'postgres');
    try {
      const err = await pgConnectError(fault.url);
      assert.equal(err.code, '28000');
      assert.match(err.message, /no pg_hba\.conf entry for host "127\.0\.0\.1", user "app_user", database "app_db", no encryption/);
      const server = fault.server!;
      const tlsUrl = server.url({ params: { sslmode: 'verify-full', sslrootcert: server.caFile! } });
      const [row] = await pgQuery(tlsUrl, 'SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()');
      assert.equal(row?.['ssl'], true);
    } finally {
      await fault.cleanup();
    }
  });

  it('ssl-unsupported: "The server does not support SSL connections"', async () => {
    const fault = await injectFault('ssl-unsupported', 'postgres', { server: healthy });
    const err = await pgConnectError(fault.url);
    assert.equal(err.code, undefined);
    assert.equal(err.message, 'The server does not support SSL connections');
  });

  it('cert-untrusted: certificate verification fails without the CA', async () => {
    const fault = await injectFault('cert-untrusted', 'postgres');
    try {
      assert.ok(fault.caFile);
      const err = await pgConnectError(fault.url);
      assert.ok(['SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'DEPTH_ZERO_SELF_SIGNED_CERT'].includes(err.code ?? ''), err.code);
      assert.equal(err.code, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'); // PostgreSQL sends only the leaf
    } finally {
      await fault.cleanup();
    }
  });

  it('cert-hostname: ERR_TLS_CERT_ALTNAME_INVALID with the right CA', async () => {
    const fault = await injectFault('cert-hostname', 'postgres');
    try {
      assert.match(fault.url, /sslrootcert=/);
      const err = await pgConnectError(fault.url);
      assert.equal(err.code, 'ERR_TLS_CERT_ALTNAME_INVALID');
      assert.match(err.message, /IP: 127\.0\.0\.1 is not in the cert's list/);
    } finally {
      await fault.cleanup();
    }
  });

  it('too-many-connections: 53300; superuser gets the reserved slot; terminating idle sessions frees slots', async () => {
    const fault = await injectFault('too-many-connections', 'postgres');
    try {
      assert.equal(fault.held?.opened, 4); // max_connections 5 - 1 reserved
      const err = await pgConnectError(fault.url);
      assert.equal(err.code, '53300');
      assert.match(err.message, /remaining connection slots are reserved for non-replication superuser connections/);

      // The reserved slot lets an operator in; a second one finds nothing left.
      const adminUrl = fault.server!.adminUrl();
      // A session of the lab's own set-up may still be closing on a loaded machine, holding the reserved slot a moment.
      const full = await onceLetIn(() => startAdminSession(adminUrl), 'the reserved slot');
      const err2 = await pgConnectError(adminUrl);
      assert.equal(err2.code, '53300');
      assert.match(err2.message, /sorry, too many clients already/);
      await full.end();

      // What a runbook would do: terminate idle app sessions. The lab must survive it.
      await onceLetIn(() => pgQuery(adminUrl, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE usename = 'app_user' AND state = 'idle'`), 'the reserved slot to be free again');
      assert.ok(await eventually(() => fault.held!.alive() === 0));
      const [row] = await onceLetIn(() => pgQuery(fault.url, 'SELECT 1 AS ok'), 'the terminated sessions\' slots');
      assert.equal(row?.['ok'], 1);
    } finally {
      await fault.cleanup();
    }
  });
});

async function startAdminSession(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return client;
}
