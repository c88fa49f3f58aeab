// A URL that names the wrong engine for its port: diagnose sniffs which engine answers there (a MySQL
// greeting, or PostgreSQL's answer to an SSLRequest) and says so, where the login alone reads as a
// timeout or a garbled TLS answer. Real PostgreSQL and MariaDB; a port that never answers stays a timeout.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { diagnose } from '../../src/diagnose/diagnose.js';
import { readPeer } from '../../src/executors/probes/peer.js';
import { startMariadb, startPostgres, startSilentServer, type LabServer, type SilentServer } from '../../src/lab/index.js';

const run = (url: string) => diagnose({ url, from: 'test' }, { timeoutMs: 3_000 });
const swapScheme = (url: string, scheme: string): string => url.replace(/^[a-z]+:/, `${scheme}:`);

describe('the engine on the port', () => {
  let pg: LabServer;
  let maria: LabServer;
  let silent: SilentServer;
  before(async () => { [pg, maria, silent] = await Promise.all([startPostgres(), startMariadb(), startSilentServer()]); });
  after(async () => { await Promise.all([pg?.stop(), maria?.stop(), silent?.close()]); });

  it('sniffs each engine by its own protocol', async () => {
    assert.equal((await readPeer(pg.host, pg.port, 3000)).kind, 'postgres');
    assert.equal((await readPeer(maria.host, maria.port, 3000)).kind, 'mysql');
  });

  it('a mysql:// URL at a PostgreSQL port is protocol-mismatch, naming PostgreSQL', async () => {
    const d = await run(swapScheme(pg.url(), 'mysql'));
    assert.equal(d.classification, 'protocol-mismatch', JSON.stringify(d.checks));
    assert.match(d.checks.find((c) => c.classification === 'protocol-mismatch')?.summary ?? '', /speaks PostgreSQL .*the URL is mysql:\/\//);
  });

  it('a postgres:// URL at a MariaDB port is protocol-mismatch, naming MySQL/MariaDB', async () => {
    const d = await run(swapScheme(maria.url(), 'postgres'));
    assert.equal(d.classification, 'protocol-mismatch', JSON.stringify(d.checks));
    assert.match(d.checks.find((c) => c.classification === 'protocol-mismatch')?.summary ?? '', /speaks MySQL\/MariaDB \(a MySQL\/MariaDB greeting/);
  });

  it('the right engine with a wrong password stays auth', async () => {
    const d = await run(pg.url({ password: 'wrong' }));
    assert.equal(d.classification, 'auth');
  });

  it('a port that accepts and never answers stays a timeout (nothing to sniff)', async () => {
    const d = await run(`postgres://u:p@127.0.0.1:${silent.port}/db`);
    assert.equal(d.classification, 'timeout', JSON.stringify(d.checks));
  });
});
