// A failed TLS handshake names the narrower side from evidence (issue #48): a TLS 1.3-only server met by a URL pinned
// to TLS 1.2 at most is no "old server"; a server that speaks only TLS 1.0 is. Real servers of both engines, set up
// with the lab's tlsVersion; diagnose's tls layer is a default client, its login the URL's.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { diagnose } from '../../src/diagnose/diagnose.js';
import { startServer, type LabEngine, type LabServer } from '../../src/lab/index.js';
import { assertAdviceAgrees } from './advice-agrees.js';

const run = (url: string) => diagnose({ url, from: 'test' }, { timeoutMs: 10_000 });

for (const engine of ['postgres', 'mariadb'] as LabEngine[]) {
  describe(`TLS versions on ${engine}`, () => {
    const servers: LabServer[] = [];
    after(async () => { await Promise.all(servers.map((s) => s.stop())); });

    it('a TLS 1.3-only server, the URL capped at TLS 1.2: the client is narrower, the server is not old', async () => {
      const s = await startServer(engine, { tls: 'on', tlsVersion: '1.3' });
      servers.push(s);
      const url = s.url({ params: engine === 'postgres' ? { sslmode: 'require', ssl_max_protocol_version: 'TLSv1.2' }
        : { ssl: JSON.stringify({ rejectUnauthorized: false, maxVersion: 'TLSv1.2' }) } });
      const d = await run(url);
      assert.deepEqual([d.classification, d.runbook], ['tls-handshake', 'ssl'], JSON.stringify(d.checks));
      // PostgreSQL: the tls layer is a default client's handshake. MariaDB: the login's own (a second handshake
      // would count against max_connect_errors), so the finding says what was not tried.
      assert.match(d.finding, engine === 'postgres'
        ? /with what this URL allows \(up to TLSv1\.2\), yet a default TLS client does get through \(TLSv1\.3\): the server is not old/
        : /with what this URL allows \(up to TLSv1\.2\)\. Whether a default TLS client gets through was not tried/);
      assert.doesNotMatch(d.finding, /speaks only older versions/);
      // The ssl runbook reads the same sides: on PostgreSQL its own default handshake gets through.
      const { advice } = await assertAdviceAgrees(url, d);
      if (engine === 'postgres') assert.match(advice, /A default TLS client does get through \(TLSv1\.3/);
    });

    it('a server that speaks only TLS 1.0: a default client fails too, the server is the old side', async () => {
      const s = await startServer(engine, { tls: 'on', tlsVersion: '1.0' });
      servers.push(s);
      const url = s.url({ params: engine === 'postgres' ? { sslmode: 'require' } : { ssl: JSON.stringify({ rejectUnauthorized: false }) } });
      const d = await run(url);
      assert.deepEqual([d.classification, d.runbook], ['tls-handshake', 'ssl'], JSON.stringify(d.checks));
      assert.match(d.finding, /not even by a default TLS client .*the server speaks only older versions/);
      const { advice } = await assertAdviceAgrees(url, d);
      assert.match(advice, /the server offers nothing a current client accepts/);
      assert.doesNotMatch(advice, /A default TLS client does get through/);
    });
  });
}
