// PostgreSQL's own views are read like any other relation (issue #45): a superuser can replace one in place (its
// columns, its OID) so that every read of it calls their code, and the engine's own queries read some of them. So
// the stored code of every relation a read names is checked, and a built-in called there passes when it is on the
// read list, a cast's or an operator's function, or one PostgreSQL's own views call (pg-system-view-calls.ts).
// Held to fresh servers of every major the engine reads: the list names every function their views call that no
// other rule admits, and a read of each of their views is proven by the run's own check (checkRead, as
// the session sends it) — except the one view that calls a function known to act.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { startPostgres, type LabServer } from '../../src/lab/index.js';
import { checkRead } from '../../src/db/pg-checked-read.js';
import type { Rows } from '../../src/db/pg-pin.js';
import { PG_READ_ONLY, pgActs } from '../../src/language/sql/read-only-functions.js';
import { pgSystemViewCalls } from '../../src/language/sql/pg-system-view-calls.js';
import { classifySql } from '../../src/language/sql/index.js';
import { majorOf, PG_MAJORS, PG_MAJORS_AT_ONCE } from '../helpers/pg-majors.js';
import { adminQuery } from '../db/helpers.js';

/** Every function the stored trees of PostgreSQL's own views call, with whether a cast or an operator uses it. */
const VIEW_CALLS = `WITH trees AS (
  SELECT r.ev_action::text AS tree FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class
  WHERE c.relnamespace IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace) AND r.ev_type = '1' AND c.relkind = 'v'
)
SELECT DISTINCT p.proname::text AS name,
  EXISTS (SELECT FROM pg_cast k WHERE k.castfunc = p.oid) OR EXISTS (SELECT FROM pg_operator o WHERE o.oprcode = p.oid) AS known
FROM trees, regexp_matches(tree, ':(?:funcid|aggfnoid|winfnoid|opfuncid|hashfuncid|negfuncid|tsmhandler) ([0-9]+)', 'g') m
JOIN pg_proc p ON p.oid = m[1]::oid`;

/** The views whose reads are refused, and why: they call a function known to act. */
const ACTING_VIEWS = new Map([['pg_catalog.pg_sequences', 'pg_sequence_last_value']]);

describe('PostgreSQL\'s own views: read like any relation, and every one of a fresh server is proven a read', { concurrency: PG_MAJORS_AT_ONCE }, () => {
  for (const version of PG_MAJORS.filter((v) => majorOf(v) >= 15)) {
    describe(`PostgreSQL ${majorOf(version)}`, () => {
      let server: LabServer;
      let client: pg.Client;
      before(async () => {
        server = await startPostgres({ postgresVersion: version });
        // The administrator: every view is readable to it (the relations are locked for the check, which needs the
        // privilege the statement needs; information_schema._pg_foreign_data_wrappers is not granted to everyone).
        client = new pg.Client({ connectionString: server.adminUrl() });
        await client.connect();
      });
      /** The run's own checks of a read (checkRead, as the session sends them), then the transaction ended. */
      const checked = async (sql: string) => {
        const send = async (message: string) => (await client.query(message)) as unknown as Rows[];
        try { await checkRead(send, sql, { timeout: [], vouched: false, major: majorOf(version) }); } finally { await client.query('ROLLBACK'); }
      };
      after(async () => {
        await client?.end().catch(() => undefined);
        await server?.stop();
      });

      it('the list names every function their views call that no other rule admits, and none known to act', async () => {
        const rows = (await client.query<{ name: string; known: boolean }>(VIEW_CALLS)).rows;
        assert.ok(rows.length > 150, `${rows.length} functions: the trees were read`);
        const missing = rows.filter((r) => !r.known && !PG_READ_ONLY.has(r.name) && !pgActs(r.name) && !pgSystemViewCalls().has(r.name));
        assert.deepEqual(missing.map((r) => r.name), []);
        assert.deepEqual([...pgSystemViewCalls()].filter(pgActs), []);
      });

      it('a read of each view is proven by the run\'s own check, but for the views that call a function known to act', async () => {
        const views = (await client.query<{ name: string }>(`SELECT format('%I.%I', n.nspname, c.relname) AS name FROM pg_class c
          JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname IN ('pg_catalog', 'information_schema') AND c.relkind = 'v' ORDER BY 1`)).rows.map((r) => r.name);
        assert.ok(views.length > 130, `${views.length} views`);
        const refused: string[] = [];
        for (const view of views) {
          const sql = `SELECT 1 AS x FROM ${view}`;
          assert.ok(classifySql(sql, 'postgres').readOnly, `${sql}: proven by the lint`);
          try { await checked(sql); } catch (err) {
            const acts = ACTING_VIEWS.get(view);
            assert.ok(acts && String((err as Error).message).includes(`calls ${acts}`), `${view}: ${(err as Error).message}`);
            refused.push(view);
          }
        }
        assert.deepEqual(refused, [...ACTING_VIEWS.keys()]);
      });

      // Operator classes an extension installs over PostgreSQL's types are the server's own C code: a member added
      // by hand in SQL refuses every read (sql-pg-twins.test.ts), these must not.
      it('extensions with operator classes over PostgreSQL\'s types (pg_trgm, btree_gist, btree_gin, intarray) leave reads proven', async (t) => {
        const wanted = ['pg_trgm', 'btree_gist', 'btree_gin', 'intarray'];
        const have = (await adminQuery(server, 'SELECT name FROM pg_available_extensions WHERE name = ANY ($1)', [wanted])).map((r) => String(r.name));
        if (have.length === 0) return t.skip('this server has none of them');
        for (const name of have) await adminQuery(server, `CREATE EXTENSION ${name}`);
        try {
          const members = await adminQuery(server, 'SELECT count(*)::int AS n FROM pg_amproc WHERE oid >= 16384');
          assert.ok(Number(members[0]!.n) > 10, 'their operator families hold members the server made for them');
          const sql = "SELECT name FROM pg_settings WHERE name LIKE 'max%' ORDER BY name";
          await checked(sql);
        } finally {
          for (const name of have.reverse()) await adminQuery(server, `DROP EXTENSION ${name}`);
        }
      });
    });
  }
});
