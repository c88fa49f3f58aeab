// MariaDB's init_connect (a probe of stop 68): an owner set `init_connect = 'CALL app_db.p()'`, a definer-rights
// procedure that committed a row, raised max_connections and killed another session, and the server ran it at
// every login of the engine: a proven read's, dry and real, three times in one dry run of pool-exhausted. Nothing
// can ask before a login; after it the session asks (in the round trip that asks the version), and the engine sends
// nothing more on that server in the run, nor logs in to it again as that account. A login that skips it
// (CONNECTION ADMIN) and an init_connect that only sets the character set run as before.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startMariadb, type LabServer } from '../../src/lab/index.js';
import { adminQuery } from '../db/helpers.js';
import { runSteps, stepResult } from './read-steps.js';

describe('MariaDB: a server whose init_connect ran at the engine\'s login gets nothing more', { concurrency: 1 }, () => {
  let server: LabServer;
  const logins = async () => Number((await adminQuery(server, 'SELECT COUNT(*) AS n FROM app_db_marker.logins'))[0]?.n);

  before(async () => {
    server = await startMariadb();
    await adminQuery(server, `CREATE DATABASE app_db_marker`);
    await adminQuery(server, 'CREATE TABLE app_db_marker.logins (id INT AUTO_INCREMENT PRIMARY KEY, who VARCHAR(200)) ENGINE = InnoDB');
    await adminQuery(server, `CREATE TABLE ${server.database}.t (a INT) ENGINE = InnoDB`);
    await adminQuery(server, `INSERT INTO ${server.database}.t VALUES (1), (2)`);
    await adminQuery(server, `GRANT SELECT ON ${server.database}.* TO '${server.appUser}'@'%'`);
    await adminQuery(server, `CREATE DEFINER = CURRENT_USER PROCEDURE app_db_marker.p() SQL SECURITY DEFINER
      BEGIN INSERT INTO app_db_marker.logins (who) VALUES (USER()); SET GLOBAL max_connections = 77; END`);
    await adminQuery(server, `GRANT EXECUTE ON PROCEDURE app_db_marker.p TO '${server.appUser}'@'%'`);
  });
  after(async () => { await server?.stop(); });

  const read = [{ query: 'SELECT COUNT(*) AS n FROM t', params: [] }];

  it('an init_connect that only sets the session\'s character set: reads run', async () => {
    await adminQuery(server, "SET GLOBAL init_connect = 'SET NAMES utf8mb4'");
    try {
      assert.equal(stepResult(await runSteps(server.url(), read, true), 's0').status, 'ok');
    } finally { await adminQuery(server, "SET GLOBAL init_connect = ''"); }
  });

  it('the owner\'s procedure: it ran at the first login only; every read refused, dry and real, naming init_connect; nothing else changed', async () => {
    const maxBefore = (await adminQuery(server, 'SELECT @@GLOBAL.max_connections AS m'))[0]?.m;
    await adminQuery(server, "SET GLOBAL init_connect = 'CALL app_db_marker.p()'");
    try {
      for (const dryRun of [true, false]) {
        const events = await runSteps(server.url(), [...read, ...read], dryRun);
        for (const id of ['s0', 's1']) {
          const r = stepResult(events, id);
          assert.equal(r.status, 'failed', JSON.stringify(r));
          assert.match(String(r.error ?? ''), /init_connect \('CALL app_db_marker\.p\(\)'\)/);
        }
      }
      assert.equal(await logins(), 1, 'the engine logged in once, and no more after it saw init_connect');
      // The login ran it (as every login of the application does): the setting it changed says so.
      assert.equal((await adminQuery(server, 'SELECT @@GLOBAL.max_connections AS m'))[0]?.m, 77);
      // An account that skips init_connect (CONNECTION ADMIN) reads as before.
      assert.equal(stepResult(await runSteps(server.adminUrl(), read, true), 's0').status, 'ok');
      assert.equal(await logins(), 1, 'the account that skips it ran nothing');
    } finally {
      await adminQuery(server, "SET GLOBAL init_connect = ''");
      await adminQuery(server, `SET GLOBAL max_connections = ${String(maxBefore)}`);
    }
  });
});
