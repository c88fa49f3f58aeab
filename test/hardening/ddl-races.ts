// The races of a hostile database owner racing the check (issue #45): another session changes, in a tight loop, what a read's
// relation runs, while the engine reads it 150 times. Before the relations were locked for the read and written
// with their schemas, the check saw the harmless version and the statement, a message later, the other: a view
// replaced in a loop ran its function in 44 of 200 reads. Now every read either runs the version that was
// checked or is refused; the hostile function is never called (track_functions counts it), real or dry. Each
// race is live: the loop changed it many times while reads passed.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { startPostgres, type LabServer } from '../../src/lab/index.js';
import { adminQuery } from '../db/helpers.js';
import { callsOnceEnded, raceReads } from './ddl-race.js';
import { majorOf } from '../helpers/pg-majors.js';
import type { PostgresVersion } from '../../src/lab/types.js';

const READS = 150;

/** [what changes, setup, the two DDL statements the loop alternates, the read]. */
const RACES: [string, string, [string, string], string][] = [
  ['a view replaced in place', 'CREATE VIEW b.v AS SELECT 1 AS x',
    ['CREATE OR REPLACE VIEW b.v AS SELECT public.mark() AS x', 'CREATE OR REPLACE VIEW b.v AS SELECT 1 AS x'], 'SELECT x FROM v'],
  ['a view created earlier in the path, shadowing the checked one', 'CREATE VIEW b.w AS SELECT 1 AS x',
    ['CREATE VIEW a.w AS SELECT public.mark() AS x', 'DROP VIEW a.w'], 'SELECT x FROM w'],
  ['a policy added and dropped', 'CREATE TABLE b.t (x int); INSERT INTO b.t VALUES (1); ALTER TABLE b.t ENABLE ROW LEVEL SECURITY; CREATE POLICY open ON b.t USING (true)',
    ['CREATE POLICY twin ON b.t AS RESTRICTIVE USING (public.mark() = 1)', 'DROP POLICY twin ON b.t'], 'SELECT x FROM t'],
  // ALTER TABLE … INHERIT takes SHARE UPDATE EXCLUSIVE on the parent, which the read's ACCESS SHARE lets by: a child
  // attached after the check was planned, its CHECK's IMMUTABLE function folded. The engine now writes ONLY p.
  ['an inheritance child attached and detached', 'CREATE TABLE b.p (x int); INSERT INTO b.p VALUES (1); CREATE TABLE b.c (x int CHECK (public.imark() = 1))',
    ['ALTER TABLE b.c INHERIT b.p', 'ALTER TABLE b.c NO INHERIT b.p'], 'SELECT x FROM p WHERE x = 1'],
  // The same, the table named with its database (DB: the lab's): the check resolved b.p, and ONLY was written only
  // for names without a database part (a probe of stop 72).
  ['an inheritance child attached and detached, the table named db.schema.table', '',
    ['ALTER TABLE b.c INHERIT b.p', 'ALTER TABLE b.c NO INHERIT b.p'], 'SELECT x FROM DB.b.p WHERE x = 1'],
];

/** The races on one major's server: one file per major, each well inside the runner's limit per file. */
export function ddlRaces(version: PostgresVersion): void {
  describe(`PostgreSQL ${majorOf(version)}: DDL racing a read never runs what was not checked`, { concurrency: 1 }, () => {
    let server: LabServer;
    before(async () => {
      server = await startPostgres({ postgresVersion: version });
      await adminQuery(server, "ALTER SYSTEM SET track_functions = 'all'");
      await adminQuery(server, 'SELECT pg_reload_conf()');
      await adminQuery(server, `CREATE SCHEMA a; CREATE SCHEMA b; GRANT USAGE ON SCHEMA a, b TO PUBLIC;
        ALTER DEFAULT PRIVILEGES IN SCHEMA a GRANT SELECT ON TABLES TO PUBLIC; ALTER DEFAULT PRIVILEGES IN SCHEMA b GRANT SELECT ON TABLES TO PUBLIC;
        CREATE FUNCTION public.mark() RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN 1; END $$; GRANT EXECUTE ON FUNCTION public.mark() TO PUBLIC;
        CREATE FUNCTION public.imark() RETURNS int LANGUAGE plpgsql IMMUTABLE AS $$ BEGIN RETURN 1; END $$;
        ALTER ROLE ${server.appUser} SET search_path = a, b, public`);
      for (const [, setup] of RACES) if (setup) await adminQuery(server, setup);
    });
    after(() => server?.stop());

    const calls = () => callsOnceEnded(server, server.appUser, ['mark', 'imark']);

    for (const [what, , [change, back], read] of RACES) {
      for (const dryRun of [false, true]) {
        it(`${what}${dryRun ? ', dry run' : ''}: ${READS} reads, none runs it`, async () => {
          const baseline = await calls();
          const admin = new pg.Client({ connectionString: server.adminUrl() });
          await admin.connect();
          let race;
          try {
            race = await raceReads({ exec: (sql) => admin.query(sql), change, back, url: server.url(), read: read.replace('DB.', `${server.database}.`), reads: READS, dryRun });
          } finally {
            await admin.end();
          }
          const { finished, rounds } = race;
          assert.equal(finished.length, READS);
          const ok = finished.filter((r) => r.status === 'ok').length;
          assert.ok(rounds > 20, `the loop changed it ${rounds} times: no race`);
          assert.ok(ok > 0, `every read was refused: ${finished.find((r) => r.status !== 'ok')?.error}`);
          assert.equal(await calls(), baseline, 'the function a read did not check ran');
        });
      }
    }
  });
}
