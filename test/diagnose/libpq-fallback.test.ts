// diagnose reads sslmode as libpq does: with prefer (the default), a server that refuses the TLS login
// (a hostnossl-only pg_hba.conf) or speaks only a TLS version Node refuses is reached in plain text, as the
// application's libpq reaches it; a TLS file the URL names that cannot be read goes to the ssl runbook.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { diagnose } from '../../src/diagnose/diagnose.js';
import { startPostgres, type LabServer } from '../../src/lab/index.js';

const run = (url: string) => diagnose({ url, from: 'test' }, { timeoutMs: 10_000 });

describe('libpq sslmode semantics', () => {
  let server: LabServer;
  before(async () => { server = await startPostgres({ tls: 'on', hbaLines: ['hostnossl all all 127.0.0.1/32 scram-sha-256'] }); });
  after(async () => { await server?.stop(); });

  it('prefer: a server whose pg_hba.conf takes only plain text is reached without TLS, as libpq does', async () => {
    const d = await run(server.url({ params: { sslmode: 'prefer' } }));
    assert.equal(d.classification, 'ok', JSON.stringify(d.checks));
    assert.equal(d.checks.find((c) => c.layer === 'connect')?.details?.tls, false);
  });

  it('require on the same server still fails: there is no plain-text retry to make', async () => {
    const d = await run(server.url({ params: { sslmode: 'require' } }));
    assert.notEqual(d.classification, 'ok');
  });

  it('an sslrootcert that cannot be read is a config failure that names the ssl runbook', async () => {
    const d = await run(server.url({ params: { sslmode: 'verify-full', sslrootcert: '/nonexistent/ca.pem' } }));
    assert.equal(d.checks[0]?.status, 'failed');
    assert.match(d.checks[0]?.summary ?? '', /cannot read sslrootcert file \/nonexistent\/ca\.pem/);
    assert.equal(d.runbook, 'ssl');
  });
});

describe('a server that speaks only TLS 1.0', () => {
  let tls10: LabServer;
  before(async () => { tls10 = await startPostgres({ tls: 'on' }); });
  after(async () => { await tls10?.stop(); });

  it('prefer: a server that speaks only TLS 1.0 is reached without TLS', async () => {
    const admin = new pg.Client({ connectionString: tls10.adminUrl().replace(/\?.*$/, ''), ssl: false, connectionTimeoutMillis: 30_000 });
    await admin.connect();
    try {
      await admin.query(`ALTER SYSTEM SET ssl_max_protocol_version = 'TLSv1'`);
      await admin.query(`ALTER SYSTEM SET ssl_min_protocol_version = 'TLSv1'`);
      await admin.query('SELECT pg_reload_conf()');
      const required = await run(tls10.url({ params: { sslmode: 'require' } }));
      assert.equal(required.classification, 'tls-handshake', JSON.stringify(required.checks)); // the handshake does fail
      const d = await run(tls10.url());
      assert.equal(d.classification, 'ok', JSON.stringify(d.checks));
    } finally {
      await admin.query('ALTER SYSTEM RESET ssl_max_protocol_version');
      await admin.query('ALTER SYSTEM RESET ssl_min_protocol_version');
      await admin.query('SELECT pg_reload_conf()');
      await admin.end();
    }
  });

});
