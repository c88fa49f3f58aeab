// What the server does to a working login's sessions, and whose connection limit refused one (issue #48): a role's
// statement_timeout is no firewall, an idle_session_timeout no healthy server, a role's CONNECTION LIMIT 0 no full
// server. Real servers, each setting made where a DBA makes it; diagnose must name the setting and its scope.
import { assertAdviceAgrees } from './advice-agrees.js';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import mysql from 'mysql2/promise';
import { diagnose } from '../../src/diagnose/diagnose.js';
import { startMariadb, startPostgres, type LabServer } from '../../src/lab/index.js';
import { adminQuery } from '../db/helpers.js';

const run = (url: string) => diagnose({ url, from: 'test' }, { timeoutMs: 10_000 });
type Diagnosis = Awaited<ReturnType<typeof run>>;
const layer = (d: Diagnosis, name: string) => d.checks.find((c) => c.layer === name);
const shown = (d: Diagnosis) => JSON.stringify(d, null, 1);

describe('session limits on PostgreSQL', () => {
  let server: LabServer;
  before(async () => { server = await startPostgres(); });
  after(async () => { await server?.stop(); });

  async function role(name: string, ...settings: string[]): Promise<string> {
    await adminQuery(server, `CREATE ROLE ${name} LOGIN PASSWORD 'pw'`);
    await adminQuery(server, `GRANT CONNECT ON DATABASE ${server.database} TO ${name}`);
    for (const s of settings) await adminQuery(server, s.replaceAll('$ROLE', name).replaceAll('$DB', server.database));
    return server.url({ user: name, password: 'pw' });
  }

  it("a role's statement_timeout of 1 ms: not a connection problem, the setting and the role named, no runbook", async () => {
    const d = await run(await role('quick', 'ALTER ROLE $ROLE SET statement_timeout = 1'));
    assert.deepEqual([d.classification, d.scenario, d.runbook], ['statement-timeout', 'statement-timeout', null], shown(d));
    assert.equal(layer(d, 'session')?.status, 'warn');
    assert.match(d.finding, /^Not a connection problem: statement_timeout = 1 ms on role quick \(ALTER ROLE … SET\): the server cancels every statement/);
    assert.doesNotMatch(d.finding, /firewall|packets/);
    assert.equal(layer(d, 'connect')?.status, 'ok', 'the login itself works');
  });

  it('idle_session_timeout of 1 s on the role in this database: session-timeout, the session-dropped runbook, the scope named', async () => {
    const url = await role('idler', 'ALTER ROLE $ROLE IN DATABASE $DB SET idle_session_timeout = 1000');
    const d = await run(url);
    assert.deepEqual([d.classification, d.runbook], ['session-timeout', 'session-dropped'], shown(d));
    assert.match(d.finding, new RegExp(`idle_session_timeout = 1 s on role idler in database ${server.database} \\(ALTER ROLE … IN DATABASE … SET\\)`));
    assert.match(d.finding, /a pool's idle connections fail when taken/);
    await assertAdviceAgrees(url, d);
  });

  it('a statement_timeout of 30 s on the database is what a DBA sets on purpose: every layer works, the limit listed', async () => {
    const url = await role('steady');
    await adminQuery(server, `CREATE DATABASE steady_db`);
    await adminQuery(server, `ALTER DATABASE steady_db SET statement_timeout = '30s'`);
    const d = await run(url.replace(`/${server.database}`, '/steady_db'));
    assert.equal(d.classification, 'ok', shown(d));
    assert.equal(layer(d, 'session')?.status, 'ok');
    assert.match(layer(d, 'session')?.summary ?? '', /statement_timeout 30 s \(database steady_db \(ALTER DATABASE … SET\)\)/);
  });

  it("a role with CONNECTION LIMIT 0 and no session: that role's own limit, never \"no free slots\" on a nearly empty server", async () => {
    const url = await role('barred', 'ALTER ROLE $ROLE CONNECTION LIMIT 0');
    const d = await run(url);
    assert.deepEqual([d.classification, d.runbook], ['too-many-connections', 'pool-exhausted'], shown(d));
    // The role itself cannot log in: the runbook asks for an administrator's URL, reads the limits, and names the role.
    await assertAdviceAgrees(url, d, { inputs: { target_percent: '1000' }, answers: [server.adminUrl()], steps: ['role-limit'] });
    const connect = layer(d, 'connect');
    assert.deepEqual([connect?.details?.limitScope, connect?.details?.limitOf], ['role', 'barred']);
    assert.match(d.finding, /role barred's own CONNECTION LIMIT .*not by the server's max_connections: the server may have free slots/);
    assert.doesNotMatch(d.finding, /The server has no free connection slots/);
  });
});

describe('session limits on MariaDB', () => {
  let server: LabServer;
  before(async () => { server = await startMariadb(); });
  after(async () => { await server?.stop(); });

  async function account(name: string, options = ''): Promise<string> {
    await adminQuery(server, `CREATE USER '${name}'@'%' IDENTIFIED BY 'pw' ${options}`);
    await adminQuery(server, `GRANT SELECT ON ${server.database}.* TO '${name}'@'%'`);
    return server.url({ user: name, password: 'pw' });
  }

  it("an account's MAX_STATEMENT_TIME of 0.5 s: not a connection problem, the account named", async () => {
    const d = await run(await account('quick', 'WITH MAX_STATEMENT_TIME 0.5'));
    assert.deepEqual([d.classification, d.runbook], ['statement-timeout', null], shown(d));
    assert.match(d.finding, /^Not a connection problem: max_statement_time = 500 ms on account quick@% \(MAX_STATEMENT_TIME\)/);
  });

  it("an account at its MAX_USER_CONNECTIONS of 1: the account's own limit, not the server's", async () => {
    const url = await account('capped1', 'WITH MAX_USER_CONNECTIONS 1');
    const held = await mysql.createConnection({ uri: url, connectTimeout: 30_000 });
    try {
      const d = await run(url);
      assert.deepEqual([d.classification, d.runbook], ['too-many-connections', 'pool-exhausted'], shown(d));
      assert.equal(layer(d, 'connect')?.details?.limitScope, 'account');
      assert.match(d.finding, /account capped1's own limit \(MAX_USER_CONNECTIONS/);
      // The held session is idle but young: the runbook offers to lower the idle threshold first (Enter: no).
      await assertAdviceAgrees(url, d, { inputs: { target_percent: '1000' }, answers: [server.adminUrl(), ''], steps: ['role-limit'] });
    } finally {
      await held.end();
    }
  });

  it('a server whose wait_timeout is 5 s: session-timeout, the session-dropped runbook', async () => {
    await adminQuery(server, 'SET GLOBAL wait_timeout = 5');
    const d = await run(server.url());
    assert.deepEqual([d.classification, d.runbook], ['session-timeout', 'session-dropped'], shown(d));
    assert.match(d.finding, /wait_timeout = 5 s on the server \(SET GLOBAL, my\.cnf\)/);
    await assertAdviceAgrees(server.url(), d);
  });
});
