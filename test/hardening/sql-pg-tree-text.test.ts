// A probe of stop 70 (a superuser who edits catalogs, PostgreSQL 15): the engine found what a view reads through
// pg_depend, and the code in stored trees with patterns that wanted one space after a field's name. The server
// expands a view from its rule's tree and never asks pg_depend, and its node reader skips any run of whitespace:
// with pg_depend's row for the view's base table deleted, the table's RLS policy terminated a session; with
// `:funcid` followed by a newline in the view's tree, its call did. Both are refused now, dry and real, and each
// control (the same objects, not edited) is refused the same.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type pg from 'pg';
import { startPostgres, type LabServer } from '../../src/lab/index.js';
import { adminQuery, appQuery, victimSession } from '../db/helpers.js';
import { majorOf, PG_EDGE_MAJORS, PG_MAJORS_AT_ONCE } from '../helpers/pg-majors.js';
import { runSteps, stepResult } from './read-steps.js';

const EVIL = `CREATE FUNCTION appx.evil(int) RETURNS int LANGUAGE plpgsql AS $$ BEGIN
  PERFORM pg_catalog.pg_terminate_backend(pid) FROM pg_catalog.pg_stat_activity WHERE application_name = 'victim';
  RETURN $1; END $$`;

describe('stored trees read as the server reads them', { concurrency: PG_MAJORS_AT_ONCE }, () => {
  for (const version of PG_EDGE_MAJORS) {
    describe(`PostgreSQL ${majorOf(version)}`, { concurrency: 1 }, () => {
      let server: LabServer;
      before(async () => {
        server = await startPostgres({ postgresVersion: version });
        for (const sql of ['CREATE SCHEMA appx', EVIL, 'CREATE TABLE appx.b (x int)', 'INSERT INTO appx.b VALUES (1)',
          'ALTER TABLE appx.b ENABLE ROW LEVEL SECURITY', 'ALTER TABLE appx.b FORCE ROW LEVEL SECURITY',
          'CREATE POLICY p ON appx.b USING (appx.evil(x) = 1)', 'CREATE VIEW appx.v AS SELECT x FROM appx.b', 'CREATE VIEW appx.v2 AS SELECT x FROM appx.b',
          'CREATE TABLE appx.c (x int)', 'INSERT INTO appx.c VALUES (7)', 'CREATE VIEW appx.k AS SELECT appx.evil(x) AS x FROM appx.c',
          'CREATE VIEW appx.k2 AS SELECT appx.evil(x) AS x FROM appx.c']) await appQuery(server, sql);
        await adminQuery(server, `DELETE FROM pg_catalog.pg_depend WHERE classid = 'pg_catalog.pg_rewrite'::pg_catalog.regclass
          AND objid = (SELECT oid FROM pg_catalog.pg_rewrite WHERE ev_class = 'appx.v'::pg_catalog.regclass) AND refobjid = 'appx.b'::pg_catalog.regclass`);
        await adminQuery(server, `CREATE CAST (text AS pg_node_tree) WITHOUT FUNCTION;
          UPDATE pg_catalog.pg_rewrite SET ev_action = replace(ev_action::text, ':funcid ' || 'appx.evil'::regproc::oid, ':funcid' || chr(10) || 'appx.evil'::regproc::oid)::pg_node_tree
            WHERE ev_class = 'appx.k'::pg_catalog.regclass;
          DROP CAST (text AS pg_node_tree)`);
        const edited = await adminQuery(server, "SELECT ev_action::text LIKE '%:funcid' || chr(10) || '%' AS ok FROM pg_catalog.pg_rewrite WHERE ev_class = 'appx.k'::pg_catalog.regclass");
        assert.deepEqual(edited, [{ ok: true }], 'the tree holds the newline');
      });
      after(async () => { await server?.stop(); });

      it('a view whose pg_depend row is gone, a tree with a newline after :funcid, and their controls: refused dry and real, the victim lives', async () => {
        const victim: pg.Client = await victimSession(server);
        try {
          const reads = ['SELECT x FROM appx.v', 'SELECT x FROM appx.v2', 'SELECT x FROM appx.k', 'SELECT x FROM appx.k2'];
          for (const dryRun of [true, false]) {
            const events = await runSteps(server.url(), reads.map((query) => ({ query, params: [] })), dryRun);
            reads.forEach((q, i) => {
              const r = stepResult(events, `s${i}`);
              assert.equal(r.status, 'failed', `${q}: ${JSON.stringify(r)}`);
              assert.match(String(r.error ?? ''), /evil\(integer\), which is not known to be read-only/, q);
            });
          }
          assert.deepEqual((await victim.query('SELECT 1 AS one')).rows, [{ one: 1 }], 'the victim session survives');
        } finally { await victim.end(); }
      });
    });
  }
});
