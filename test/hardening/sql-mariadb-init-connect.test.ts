// MariaDB's init_connect (probes of stop 68): an owner set `init_connect = 'CALL app_db.p()'`, a definer-rights
// procedure that committed a row, raised max_connections and killed another session, and the server ran it at
// every login of the engine: a proven read's, dry and real, three times in one dry run of pool-exhausted. Then
// around the first fixes: an account named 'ops@app' (its privileges looked up by name found 'ops', which skips it),
// a procedure that erased init_connect as it ran, one that reset the status counters (FLUSH STATUS), one that
// rewrote init_connect to SET NAMES. Nothing can ask before a login; after it the session's own
// statement counter says what ran, and the engine sends nothing more on that server in the run, nor logs in to it
// again as that account. A login that skips it (CONNECTION ADMIN) and one that only set the character set read.
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
    // One that erases itself from init_connect as it runs: read after the login, init_connect says nothing.
    await adminQuery(server, `CREATE DEFINER = CURRENT_USER PROCEDURE app_db_marker.erasing() SQL SECURITY DEFINER
      BEGIN INSERT INTO app_db_marker.logins (who) VALUES (USER()); SET GLOBAL init_connect = ''; END`);
    // One that resets the status counters as it runs, and one that rewrites init_connect to a mere setting.
    await adminQuery(server, `CREATE DEFINER = CURRENT_USER PROCEDURE app_db_marker.flushing() SQL SECURITY DEFINER
      BEGIN INSERT INTO app_db_marker.logins (who) VALUES (USER()); FLUSH STATUS; END`);
    await adminQuery(server, `CREATE DEFINER = CURRENT_USER PROCEDURE app_db_marker.rewriting() SQL SECURITY DEFINER
      BEGIN INSERT INTO app_db_marker.logins (who) VALUES (USER()); SET GLOBAL init_connect = 'SET NAMES utf8mb4'; END`);
    // One that blinds the engine's status question (a probe of stop 70): information_schema.SESSION_STATUS is
    // copied into a temporary table that no longer fits, and init_connect reads as a mere setting afterwards.
    await adminQuery(server, `CREATE DEFINER = CURRENT_USER PROCEDURE app_db_marker.blinding() SQL SECURITY DEFINER
      BEGIN INSERT INTO app_db_marker.logins (who) VALUES (USER()); SET GLOBAL init_connect = 'SET NAMES utf8mb4';
      SET SESSION tmp_memory_table_size = 0, tmp_disk_table_size = 0; END`);
    // One that acts, then fails the login (SIGNAL): the server drops the session after its code ran.
    await adminQuery(server, `CREATE DEFINER = CURRENT_USER PROCEDURE app_db_marker.failing() SQL SECURITY DEFINER
      BEGIN INSERT INTO app_db_marker.logins (who) VALUES (USER()); SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'nope'; END`);
    // An account whose name holds an '@', beside an account named like its first part that skips init_connect.
    for (const [user, extra] of [['ops@app', ''], ['eraser', ''], ['flusher', ''], ['rewriter', ''], ['failer', ''], ['blinder', '']] as const) {
      await adminQuery(server, `CREATE USER '${user}'@'%' IDENTIFIED BY 'pw'${extra}`);
      await adminQuery(server, `GRANT SELECT ON ${server.database}.* TO '${user}'@'%'`);
      await adminQuery(server, `GRANT EXECUTE ON app_db_marker.* TO '${user}'@'%'`);
    }
    // A reset of the status counters is told from the server's start by the time between them (whole seconds).
    while (Number((await adminQuery(server, "SELECT VARIABLE_VALUE AS u FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'UPTIME'"))[0]?.u) < 3) {
      await new Promise((r) => setTimeout(r, 200));
    }
    await adminQuery(server, "CREATE USER 'ops'@'%' ACCOUNT LOCK");
    await adminQuery(server, "GRANT CONNECTION ADMIN ON *.* TO 'ops'@'%'");
  });
  const as = (user: string) => server.url({ user, password: 'pw' });
  after(async () => { await server?.stop(); });

  const read = [{ query: 'SELECT COUNT(*) AS n FROM t', params: [] }];

  it('an init_connect that only sets the session\'s character set: reads run', async () => {
    await adminQuery(server, "SET GLOBAL init_connect = 'SET NAMES utf8mb4'");
    try {
      assert.equal(stepResult(await runSteps(server.url(), read, true), 's0').status, 'ok');
    } finally { await adminQuery(server, "SET GLOBAL init_connect = ''"); }
  });

  for (const [what, user, init] of [
    ['an account whose name holds an \'@\' (a lookup of its privileges by name found the account \'ops\')', 'ops@app', 'CALL app_db_marker.p()'],
    ['an init_connect that erased itself as it ran (empty when read)', 'eraser', 'CALL app_db_marker.erasing()'],
    ['a procedure that reset the status counters as it ran (FLUSH STATUS)', 'flusher', 'CALL app_db_marker.flushing()'],
    ['a procedure that rewrote init_connect to SET NAMES as it ran', 'rewriter', 'CALL app_db_marker.rewriting()'],
    ['a procedure that made the session\'s status question fail, then rewrote init_connect to SET NAMES', 'blinder', 'CALL app_db_marker.blinding()'],
  ] as const) {
    it(`${what}: it ran at the login, and the session is refused, dry and real`, async () => {
      const before = await logins();
      const maxBefore = (await adminQuery(server, 'SELECT @@GLOBAL.max_connections AS m'))[0]?.m;
      try {
        for (const dryRun of [true, false]) {
          // Set for each run: some of these erase or rewrite it as they run.
          await adminQuery(server, `SET GLOBAL init_connect = '${init}'`);
          const r = stepResult(await runSteps(as(user), read, dryRun), 's0');
          assert.equal(r.status, 'failed', JSON.stringify(r));
          assert.match(String(r.error ?? ''), /init_connect/);
        }
        assert.equal(await logins(), before + 2, 'once a run (two runs), at its first login');
      } finally {
        await adminQuery(server, "SET GLOBAL init_connect = ''");
        await adminQuery(server, `SET GLOBAL max_connections = ${String(maxBefore)}`);
        // A reset of the counters just before a login refuses that login too, whoever made it: let it age.
        if (user === 'flusher') await new Promise((r) => setTimeout(r, 2500));
      }
    });
  }

  // A probe of stop 69: a procedure that acts and then fails the login ran at every poll of a dry run (16 rows):
  // the failed login was not remembered. Now no later login of the run runs it, until an operator's answer at a
  // manual step (the auth runbook's "fix or clear init_connect"), which lets one login find out.
  it('an init_connect that acts, then fails the login: it ran at the first login only, dry and real', async () => {
    const before = await logins();
    await adminQuery(server, "SET GLOBAL init_connect = 'CALL app_db_marker.failing()'");
    try {
      for (const dryRun of [true, false]) {
        const events = await runSteps(as('failer'), [...read, ...read, ...read], dryRun);
        for (const id of ['s0', 's1', 's2']) assert.match(String(stepResult(events, id).error ?? ''), /init_connect|init-connect|aborting/i, id);
      }
      assert.equal(await logins(), before + 2, 'once a run (two runs), at its first login');
      // The auth runbook's "fix or clear init_connect", answered: one login finds out.
      const events = await runSteps(as('failer'), [...read, { query: '', params: [], manual: 'Fix init_connect.' }, ...read, ...read], true);
      for (const id of ['s0', 's2', 's3']) assert.equal(stepResult(events, id).status, 'failed', id);
      assert.equal(await logins(), before + 4, 'after the operator\'s answer, one login finds out');
    } finally { await adminQuery(server, "SET GLOBAL init_connect = ''"); }
  });

  it('the owner\'s procedure: it ran at the first login only; every read refused, dry and real, naming init_connect; nothing else changed', async () => {
    const maxBefore = (await adminQuery(server, 'SELECT @@GLOBAL.max_connections AS m'))[0]?.m;
    const before = await logins();
    await adminQuery(server, "SET GLOBAL init_connect = 'CALL app_db_marker.p()'");
    try {
      for (const dryRun of [true, false]) {
        const events = await runSteps(server.url(), [...read, ...read], dryRun);
        for (const id of ['s0', 's1']) {
          const r = stepResult(events, id);
          assert.equal(r.status, 'failed', JSON.stringify(r));
          assert.match(String(r.error ?? ''), /init_connect.*'CALL app_db_marker\.p\(\)'/);
        }
      }
      assert.equal(await logins(), before + 2, 'the engine logged in once a run (two runs), and no more after it saw init_connect');
      // The login ran it (as every login of the application does): the setting it changed says so.
      assert.equal((await adminQuery(server, 'SELECT @@GLOBAL.max_connections AS m'))[0]?.m, 77);
      // An account that skips init_connect (CONNECTION ADMIN) reads as before.
      assert.equal(stepResult(await runSteps(server.adminUrl(), read, true), 's0').status, 'ok');
      assert.equal(await logins(), before + 2, 'the account that skips it ran nothing');
    } finally {
      await adminQuery(server, "SET GLOBAL init_connect = ''");
      await adminQuery(server, `SET GLOBAL max_connections = ${String(maxBefore)}`);
    }
  });
});
