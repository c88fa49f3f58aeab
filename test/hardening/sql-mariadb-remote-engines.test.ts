// A hostile probe (MariaDB 10.11) found proven reads that made the server log in to another one: with a FEDERATED
// table in the application's database, `SHOW TABLE STATUS` and information_schema's TABLES (TABLE_ROWS),
// PARTITIONS and STATISTICS (CARDINALITY) open the handler of every table they match and ask it, and FEDERATED
// then connects to its remote server, dry run or real. The read names no such table, so the relation check passed
// it. Now such a read asks first whether the session can see a table of an engine that is not local, and is
// refused, naming it, before anything opens it (src/db/mysql-remote-engines.ts). Here the "remote" server is this
// same MariaDB behind a loopback relay that counts the connections made through it.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startMariadb, type LabServer } from '../../src/lab/index.js';
import { SHOW_OPENS_NAMED_ONLY } from '../../src/language/sql/mysql-information-schema.js';
import type { RunEvent } from '../../src/engine/events.js';
import { adminQuery, appQuery } from '../db/helpers.js';
import { runSteps, stepResult, type Step } from './read-steps.js';
import { rng } from '../helpers/rng.js';

/** Where Debian's MariaDB keeps its plugins: the test needs ha_federatedx from there. */
const PLUGIN = '/usr/lib/mysql/plugin/ha_federatedx.so';

/** A loopback relay to the lab server that counts the connections made through it. */
async function countingRelay(to: number): Promise<{ port: number; connections: () => number; close: () => Promise<void> }> {
  let connections = 0;
  const sockets = new Set<net.Socket>();
  const relay = net.createServer((client) => {
    connections++;
    const up = net.connect(to, '127.0.0.1');
    for (const s of [client, up]) { sockets.add(s); s.on('close', () => sockets.delete(s)); }
    client.on('error', () => up.destroy());
    up.on('error', () => client.destroy());
    client.pipe(up).pipe(client);
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  return {
    port: (relay.address() as net.AddressInfo).port,
    connections: () => connections,
    close: () => { for (const s of sockets) s.destroy(); return new Promise((resolve) => relay.close(() => resolve())); },
  };
}

describe('MariaDB: a read that makes the server open tables it does not name runs only where none reaches another server', { skip: !existsSync(PLUGIN) && `${PLUGIN} is not on this machine (Debian's mariadb-server ships it)` }, () => {
  let server: LabServer;
  let relay: Awaited<ReturnType<typeof countingRelay>>;
  let db = '';

  before(async () => {
    server = await startMariadb();
    db = server.database;
    relay = await countingRelay(server.port);
    await adminQuery(server, "INSTALL SONAME 'ha_federatedx'");
    await adminQuery(server, 'CREATE DATABASE remote_db');
    await adminQuery(server, 'CREATE TABLE remote_db.rt (a INT) ENGINE = InnoDB');
    await adminQuery(server, "CREATE USER 'fed'@'%' IDENTIFIED BY 'fedpw'");
    await adminQuery(server, "GRANT SELECT ON remote_db.* TO 'fed'@'%'");
    await adminQuery(server, `CREATE SERVER lsrv FOREIGN DATA WRAPPER mysql OPTIONS (HOST '127.0.0.1', PORT ${relay.port}, USER 'fed', PASSWORD 'fedpw', DATABASE 'remote_db')`);
    // The application's own account creates them, in its own database.
    await appQuery(server, `CREATE TABLE fed (a INT) ENGINE = FEDERATED CONNECTION = 'mysql://fed:fedpw@127.0.0.1:${relay.port}/remote_db/rt'`);
    await appQuery(server, "CREATE TABLE fed_srv (a INT) ENGINE = FEDERATED CONNECTION = 'lsrv/rt'");
    await appQuery(server, 'CREATE TABLE loc (a INT PRIMARY KEY) ENGINE = InnoDB');
  });
  after(async () => {
    await server?.stop();
    await relay?.close();
  });

  const listing = (): Step[] => [
    "SHOW TABLE STATUS LIKE 'fed'",
    'SHOW TABLE STATUS',
    "SHOW TABLE STATUS LIKE 'fed%'",
    `SELECT TABLE_NAME, TABLE_ROWS FROM information_schema.TABLES WHERE TABLE_SCHEMA = '${db}'`,
    `SELECT TABLE_NAME, TABLE_ROWS FROM information_schema.PARTITIONS WHERE TABLE_SCHEMA = '${db}'`,
    `SELECT TABLE_NAME, INDEX_NAME, CARDINALITY FROM INFORMATION_SCHEMA.STATISTICS WHERE TABLE_SCHEMA = '${db}'`,
  ].map((query) => ({ query, params: [] }));

  /** The steps, run with no federated connection open (FLUSH TABLES closes those the table cache kept), and how
   *  many connections the relay saw meanwhile. */
  async function counted(url: string, steps: Step[], dryRun: boolean): Promise<{ events: RunEvent[]; connections: number }> {
    await adminQuery(server, 'FLUSH TABLES');
    const before = relay.connections();
    const events = await runSteps(url, steps, dryRun);
    await new Promise((resolve) => setTimeout(resolve, 100));
    return { events, connections: relay.connections() - before };
  }

  const refused = (events: RunEvent[], steps: Step[], table: RegExp): void => {
    steps.forEach((s, i) => {
      const r = stepResult(events, `s${i}`);
      assert.deepEqual([r.status, r.classification], ['failed', 'not-read-only'], `${s.query}: ${r.error}`);
      assert.match(r.error ?? '', table, s.query);
      assert.match(r.error ?? '', /the server opens every table this read lists, and .* may reach another server or file when opened: not run as a read/);
    });
  };

  for (const dryRun of [true, false]) {
    const dry = dryRun ? 'dry run: ' : '';

    it(`${dry}SHOW TABLE STATUS and information_schema's TABLES, PARTITIONS and STATISTICS are refused, naming the table and its engine, and nothing connects`, async () => {
      const steps = listing();
      const { events, connections } = await counted(server.url(), steps, dryRun);
      assert.equal(connections, 0, 'connections made to the remote server');
      refused(events, steps, new RegExp(`${db}\\.fed \\(FEDERATED\\)`));
    });

    it(`${dry}in information_schema as the session's database, an unqualified TABLES is refused the same`, async () => {
      const steps: Step[] = [{ query: `SELECT TABLE_NAME, TABLE_ROWS FROM TABLES WHERE TABLE_SCHEMA = '${db}'`, params: [] }];
      const { events, connections } = await counted(server.url({ database: 'information_schema' }), steps, dryRun);
      assert.equal(connections, 0, 'connections made to the remote server');
      refused(events, steps, new RegExp(`${db}\\.fed \\(FEDERATED\\)`));
    });

    it(`${dry}a view of the server's own that reads information_schema (sys.schema_auto_increment_columns) is refused the same`, async () => {
      const steps: Step[] = [{ query: 'SELECT * FROM sys.schema_auto_increment_columns', params: [] }];
      const admin = server.url({ user: server.superuser, password: server.superPassword, database: db });
      const { events, connections } = await counted(admin, steps, dryRun);
      assert.equal(connections, 0, 'connections made to the remote server');
      refused(events, steps, new RegExp(`${db}\\.fed \\(FEDERATED\\)`));
    });

    it(`${dry}the SHOW statements on the allowlist run beside the FEDERATED table, and nothing connects`, async () => {
      const named: Record<string, string> = { 'CREATE DATABASE': `CREATE DATABASE ${db}`, 'CREATE SCHEMA': `CREATE SCHEMA ${db}` };
      const steps = SHOW_OPENS_NAMED_ONLY.map((form): Step => ({
        query: `SHOW ${named[form] ?? (/COLUMNS|FIELDS|INDEX|KEYS/.test(form) ? `${form} FROM loc` : form)}`, params: [],
      }));
      const { events, connections } = await counted(server.url(), steps, dryRun);
      steps.forEach((s, i) => assert.equal(stepResult(events, `s${i}`).status, 'ok', `${s.query}: ${stepResult(events, `s${i}`).error}`));
      assert.equal(connections, 0);
    });
  }

  // A probe of stop 67: `SHOW INDEX FROM t FROM db` opens db.t whatever t is qualified with; the relation check read
  // the name as written (in the session's database, or a real InnoDB table's qualifier), and SHOW INDEX was on the
  // short list, so a FEDERATED table in another schema was opened and its server reached.
  it('SHOW INDEX / SHOW KEYS with the schema in a second FROM are asked about: refused, dry and real, and nothing connects', async () => {
    await adminQuery(server, 'CREATE DATABASE other_db');
    await adminQuery(server, `CREATE TABLE other_db.fed_other (a INT) ENGINE = FEDERATED CONNECTION = 'mysql://fed:fedpw@127.0.0.1:${relay.port}/remote_db/rt'`);
    await adminQuery(server, `GRANT SELECT ON other_db.* TO '${server.appUser}'@'%'`);
    try {
      const steps: Step[] = ['SHOW INDEX FROM fed_other FROM other_db', `SHOW KEYS FROM ${db}.loc IN other_db`, 'SHOW INDEXES IN fed_other IN other_db']
        .map((query) => ({ query, params: [] }));
      for (const dryRun of [true, false]) {
        const { events, connections } = await counted(server.url(), steps, dryRun);
        assert.equal(connections, 0, 'connections made to the remote server');
        steps.forEach((s, i) => assert.deepEqual([stepResult(events, `s${i}`).status, stepResult(events, `s${i}`).classification], ['failed', 'not-read-only'], s.query));
      }
    } finally { await adminQuery(server, 'DROP DATABASE other_db'); }
  });

  // A probe of stop 71: sql_select_limit (a root's SET GLOBAL, or a gated step's SET SESSION on the reused
  // connection) cut the engine's own questions about what a read opens to their first rows, so a FEDERATED table
  // joined after a local one went unasked and the server logged in to another. The pin lifts it and reads it back.
  // Generated joins, fixed seed: the FEDERATED table at every place, each limit, dry and real.
  it('sql_select_limit, global or left by a gated step: a join that reaches the FEDERATED table is still refused, and nothing connects', async () => {
    for (const t of ['loc2', 'loc3']) await appQuery(server, `CREATE TABLE IF NOT EXISTS ${t} (a INT PRIMARY KEY) ENGINE = InnoDB`);
    const random = rng(711);
    try {
      for (let n = 0; n < 12; n++) {
        const tables = ['loc', 'loc2', 'loc3'].slice(0, 1 + Math.floor(random() * 3));
        tables.splice(Math.floor(random() * (tables.length + 1)), 0, 'fed');
        // Qualified or not, as the application's database: the relations question asks each spelling.
        const name = (t: string) => (random() < 0.5 ? `${db}.${t}` : t);
        const named = tables.map(name);
        const query = `SELECT ${named.map((t, i) => `${t}.a AS c${i}`).join(', ')} FROM ${named.join(' JOIN ')}`;
        const limit = 1 + Math.floor(random() * 3);
        const global = n % 2 === 0;
        if (global) await adminQuery(server, `SET GLOBAL sql_select_limit = ${limit}`);
        try {
          for (const dryRun of [true, false]) {
            await adminQuery(server, 'FLUSH TABLES');
            const before = relay.connections();
            // The gated step runs in a real run only (a dry run shows it): the global limit covers the dry one.
            const events = await runSteps(server.url(), [{ query, params: [] }], dryRun, global ? undefined : `SET SESSION sql_select_limit = ${limit}`);
            await new Promise((resolve) => setTimeout(resolve, 100));
            assert.equal(relay.connections() - before, 0, `${query} (limit ${limit}, ${global ? 'global' : 'session'})`);
            assert.equal(stepResult(events, 's0').status, 'failed', query);
          }
        } finally { if (global) await adminQuery(server, 'SET GLOBAL sql_select_limit = DEFAULT'); }
      }
    } finally { for (const t of ['loc2', 'loc3']) await appQuery(server, `DROP TABLE ${t}`); }
  });

  // A probe of stop 71: a gated step (the owner's procedure) created a TEMPORARY TABLE of the checked table's name,
  // FEDERATED; the engine checked and held the InnoDB table (information_schema lists no temporary table) and the
  // server read the temporary one, on another server. What a gated step leaves on the session is cleared before
  // the next proven read (COM_RESET_CONNECTION).
  it('a temporary table a gated step left in front of a checked table: the next read reads the checked table, and nothing connects', async () => {
    await appQuery(server, 'DELETE FROM loc');
    await appQuery(server, 'INSERT INTO loc VALUES (1), (2), (3)');
    await appQuery(server, `CREATE PROCEDURE tidy() BEGIN CREATE TEMPORARY TABLE loc (a BIGINT) ENGINE = FEDERATED CONNECTION = 'mysql://fed:fedpw@127.0.0.1:${relay.port}/remote_db/rt'; END`);
    try {
      for (const first of ['CALL tidy()', 'CREATE TEMPORARY TABLE loc (a INT) ENGINE = MEMORY', "SET @x = 1, SESSION sql_select_limit = 1"]) {
        await adminQuery(server, 'FLUSH TABLES');
        const before = relay.connections();
        const events = await runSteps(server.url(), [{ query: 'SELECT COUNT(*) AS n FROM loc', params: [] }, { query: 'SELECT a FROM loc ORDER BY a', params: [] }], false, first);
        await new Promise((resolve) => setTimeout(resolve, 100));
        assert.equal(stepResult(events, 's0').status, 'ok', `${first}: ${stepResult(events, 's0').error}`);
        assert.equal(Number(stepResult(events, 's0').rows?.[0]?.n), 3, first);
        assert.equal(stepResult(events, 's1').rowCount, 3, first);
        // FederatedX tries its link once when the gated step creates the table; the reads add none.
        assert.equal(relay.connections() - before, first === 'CALL tidy()' ? 1 : 0, first);
      }
    } finally { await appQuery(server, 'DROP PROCEDURE tidy'); }
  });

  it('a FEDERATED table over CREATE SERVER is refused the same, and without either the reads run', async () => {
    await appQuery(server, 'DROP TABLE fed');
    const steps = listing();
    for (const dryRun of [true, false]) {
      const { events, connections } = await counted(server.url(), steps, dryRun);
      assert.equal(connections, 0, 'connections made to the remote server');
      refused(events, steps, new RegExp(`${db}\\.fed_srv \\(FEDERATED\\)`));
    }
    await appQuery(server, 'DROP TABLE fed_srv');
    for (const dryRun of [true, false]) {
      const events = await runSteps(server.url(), steps, dryRun);
      steps.forEach((s, i) => assert.equal(stepResult(events, `s${i}`).status, 'ok', `${s.query}: ${stepResult(events, `s${i}`).error}`));
    }
  });
});

// A probe of stop 67: with innodb_stats_on_metadata ON (a superuser's global), the same listing reads recalculate
// the statistics of every InnoDB table with transient statistics they open (MODIFIED_COUNTER back to 0 after a
// dry run): the application's query plans may change. Now they are refused while it is on.
describe('MariaDB: a read that lists tables recalculates no statistics', () => {
  let server: LabServer;
  before(async () => {
    server = await startMariadb();
    await appQuery(server, 'CREATE TABLE t2 (id INT PRIMARY KEY, v INT) ENGINE = InnoDB STATS_PERSISTENT = 0');
    await appQuery(server, `INSERT INTO t2 VALUES ${Array.from({ length: 50 }, (_, i) => `(${i + 1}, 0)`).join(', ')}`);
  });
  after(async () => { await server?.stop(); });

  const modified = async (): Promise<number> => Number((await adminQuery(server,
    `SELECT MODIFIED_COUNTER AS m FROM information_schema.INNODB_SYS_TABLESTATS WHERE NAME = '${server.database}/t2'`))[0]?.m);

  it('with innodb_stats_on_metadata ON: SHOW TABLE STATUS, SHOW INDEX and TABLE_ROWS are refused, dry and real, and the statistics stay; OFF, they run', async () => {
    const steps: Step[] = ['SHOW TABLE STATUS', 'SHOW INDEX FROM t2',
      `SELECT TABLE_NAME, TABLE_ROWS FROM information_schema.TABLES WHERE TABLE_SCHEMA = '${server.database}'`].map((query) => ({ query, params: [] }));
    await adminQuery(server, 'SET GLOBAL innodb_stats_on_metadata = ON');
    try {
      for (const dryRun of [true, false]) {
        await appQuery(server, 'UPDATE t2 SET v = v + 1 WHERE id <= 3');
        const before = await modified();
        assert.ok(before > 0, 'rows changed since the statistics were computed');
        const events = await runSteps(server.url(), steps, dryRun);
        steps.forEach((s, i) => {
          const r = stepResult(events, `s${i}`);
          assert.deepEqual([r.status, r.classification], ['failed', 'not-read-only'], `${s.query}: ${r.error}`);
          assert.match(r.error ?? '', /innodb_stats_on_metadata is 1 .* recalculates the statistics/);
        });
        assert.equal(await modified(), before, 'the statistics were recalculated');
      }
    } finally { await adminQuery(server, 'SET GLOBAL innodb_stats_on_metadata = OFF'); }
    const events = await runSteps(server.url(), steps, true);
    steps.forEach((s, i) => assert.equal(stepResult(events, `s${i}`).status, 'ok', `${s.query}: ${stepResult(events, `s${i}`).error}`));
  });
});

// A probe of stop 68: CONVERT_TZ with a named zone makes the server open mysql.time_zone_name, whatever its engine;
// an owner replaced it with a FEDERATED table, and a read sent its literals to the remote server, dry and real. The
// relation checks see only what the text names, so CONVERT_TZ is off the read list: such a read is not proven.
describe('MariaDB: CONVERT_TZ opens the time zone tables, which an owner can make FEDERATED', { skip: !existsSync(PLUGIN) && `${PLUGIN} is not on this machine` }, () => {
  let server: LabServer;
  let relay: Awaited<ReturnType<typeof countingRelay>>;
  before(async () => {
    server = await startMariadb();
    relay = await countingRelay(server.port);
    await adminQuery(server, "INSTALL SONAME 'ha_federatedx'");
    await adminQuery(server, 'CREATE DATABASE tz_remote');
    await adminQuery(server, 'CREATE TABLE tz_remote.tzn (Name char(64) NOT NULL, Time_zone_id int unsigned NOT NULL, PRIMARY KEY (Name)) ENGINE = InnoDB');
    await adminQuery(server, "CREATE USER 'fedtz'@'%' IDENTIFIED BY 'fedpw'");
    await adminQuery(server, "GRANT SELECT ON tz_remote.* TO 'fedtz'@'%'");
    await adminQuery(server, 'RENAME TABLE mysql.time_zone_name TO mysql.time_zone_name_orig');
    await adminQuery(server, `CREATE TABLE mysql.time_zone_name (Name char(64) NOT NULL, Time_zone_id int unsigned NOT NULL, PRIMARY KEY (Name))
      ENGINE = FEDERATED CONNECTION = 'mysql://fedtz:fedpw@127.0.0.1:${relay.port}/tz_remote/tzn'`);
    await adminQuery(server, 'FLUSH TABLES');
  });
  after(async () => { await relay?.close(); await server?.stop(); });

  it('a read calling CONVERT_TZ is not proven, dry or real: the remote server is never reached', async () => {
    const read: Step[] = [{ query: "SELECT CONVERT_TZ('2020-01-01 00:00:00', 'UTC', 'Europe/Paris') AS v", params: [] }];
    const before = relay.connections();
    for (const dryRun of [true, false]) {
      const r = stepResult(await runSteps(server.url(), read, dryRun, undefined, true), 's0');
      assert.equal(r.status, 'failed', JSON.stringify(r));
    }
    assert.equal(relay.connections(), before, 'no connection to the remote server');
  });
});
