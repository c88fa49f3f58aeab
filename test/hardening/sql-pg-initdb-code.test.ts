// What initdb's scripts made (OIDs 12000–16383) repointed at another of the server's own functions (a probe of
// stop 80): `UPDATE pg_ts_template SET tmpllexize = 'pg_stat_reset'::regproc WHERE tmplname = 'snowball'` (the
// template of every language's dictionary, english_stem under the default configuration). The session's fresh-
// install comparison read PostgreSQL's rows below 12000 by every code column, and initdb's by hand-picked ones (a
// dictionary by its template's name, not the template's functions), so `SELECT 'disk full' @@ 'disk'`, a proven
// read of the application's role, reset the database's statistics in a dry run and answered false. Now every code
// column of every row initdb made, in each catalog the session asks about (db/pg-code-catalogs.ts), is compared by
// name (db/pg-builtin-rows.ts). The attack dry and real, and 40 generated plants (seed 80) over every such row and
// column, each refused by the session's question; PostgreSQL 15 and 18.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { startPostgres, type LabServer } from '../../src/lab/index.js';
import { catalogHooks } from '../../src/db/pg-catalog-hooks.js';
import { CATALOGS, NAMES_ROW_OF } from '../../src/db/pg-code-catalogs.js';
import { firstAnswers } from '../../src/db/pg-first-question.js';
import { adminQuery } from '../db/helpers.js';
import { rng } from '../helpers/rng.js';
import { majorOf, PG_EDGE_MAJORS, PG_MAJORS_AT_ONCE } from '../helpers/pg-majors.js';
import { runSteps, stepResult } from './read-steps.js';

const SNOWBALL = "UPDATE pg_catalog.pg_ts_template SET tmpllexize = 'pg_catalog.pg_stat_reset'::pg_catalog.regproc WHERE tmplname = 'snowball'";
const UNDO = "UPDATE pg_catalog.pg_ts_template SET tmpllexize = 'pg_catalog.dsnowball_lexize'::pg_catalog.regproc WHERE tmplname = 'snowball'";
const READ = "SELECT 'disk full' @@ 'disk' AS v";

/** Another of PostgreSQL's own rows for a column to name, by the catalog it names a row of (the first that is not
 *  the column's value now). */
const OTHERS: Record<string, string[]> = {
  pg_proc: ["'pg_catalog.pg_stat_reset()'::pg_catalog.regprocedure", "'pg_catalog.pg_reload_conf()'::pg_catalog.regprocedure"],
  pg_type: ["'pg_catalog.int4'::pg_catalog.regtype", "'pg_catalog.text'::pg_catalog.regtype"],
  pg_operator: ["'pg_catalog.=(int4,int4)'::pg_catalog.regoperator", "'pg_catalog.<(int4,int4)'::pg_catalog.regoperator"],
  pg_ts_template: ["(SELECT oid FROM pg_catalog.pg_ts_template WHERE tmplname = 'simple')", "(SELECT oid FROM pg_catalog.pg_ts_template WHERE tmplname = 'synonym')"],
  pg_ts_dict: ["'pg_catalog.simple'::pg_catalog.regdictionary", "'pg_catalog.danish_stem'::pg_catalog.regdictionary"],
};

/** One row initdb made (where it lives now: an UPDATE moves it, for every spot of the row) and one of its code
 *  columns, with what it names. */
interface Spot { table: string; column: string; row: { ctid: string }; value: string }

/** Every initdb-made row's code columns that can name another of PostgreSQL's rows (a catalog with only one row of
 *  that kind, the text search parser, has no other to point at). */
async function spots(server: LabServer): Promise<Spot[]> {
  const found: Spot[] = [];
  const rows = new Map<string, { ctid: string }>();
  const row = (table: string, ctid: string) => rows.get(`${table} ${ctid}`) ?? rows.set(`${table} ${ctid}`, { ctid }).get(`${table} ${ctid}`)!;
  for (const c of CATALOGS.filter((x) => x.code.length && (x.since ?? 0) <= 15)) {
    for (const column of c.code.filter((col) => OTHERS[NAMES_ROW_OF[col] ?? 'pg_proc'])) {
      const values = await adminQuery(server, `SELECT ctid::text AS ctid, ${column}::oid::text AS value FROM pg_catalog.${c.name} WHERE ${c.key}::oid >= 12000 AND ${c.key}::oid < 16384`);
      for (const r of values) found.push({ table: c.name, column, row: row(c.name, String(r.ctid)), value: String(r.value) });
    }
  }
  return found;
}

/** Points the spot at another built-in row; gives back what undoes it (and notes where the row is then). */
async function plant(server: LabServer, s: Spot): Promise<() => Promise<void>> {
  const choices = OTHERS[NAMES_ROW_OF[s.column] ?? 'pg_proc']!;
  const [{ a, b }] = await adminQuery(server, `SELECT (${choices[0]})::oid::text AS a, (${choices[1]})::oid::text AS b`) as [{ a: string; b: string }];
  const [moved] = await adminQuery(server, `UPDATE pg_catalog.${s.table} SET ${s.column} = ${a === s.value ? b : a} WHERE ctid = '${s.row.ctid}' RETURNING ctid::text AS ctid`);
  return async () => {
    const [back] = await adminQuery(server, `UPDATE pg_catalog.${s.table} SET ${s.column} = ${s.value} WHERE ctid = '${String(moved!.ctid)}' RETURNING ctid::text AS ctid`);
    s.row.ctid = String(back!.ctid);
  };
}

/** What the session's question says on a new connection of the application's role (undefined: nothing). */
async function sessionSays(server: LabServer): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: server.url() });
  await client.connect();
  try { return await catalogHooks((sql) => client.query(sql), await firstAnswers(client)); } finally { await client.end(); }
}

const statsReset = async (server: LabServer): Promise<string> =>
  String((await adminQuery(server, 'SELECT stats_reset::text AS r FROM pg_catalog.pg_stat_database WHERE datname = current_database()'))[0]?.r);

describe('what initdb made, pointed at another of the server\'s own functions, runs in no read', { concurrency: PG_MAJORS_AT_ONCE }, () => {
  for (const version of PG_EDGE_MAJORS) {
    describe(`PostgreSQL ${majorOf(version)}`, { concurrency: 1 }, () => {
      let server: LabServer;
      before(async () => { server = await startPostgres({ postgresVersion: version }); });
      after(async () => { await server?.stop(); });

      it('the snowball template\'s lexize at pg_stat_reset: `\'disk full\' @@ \'disk\'` refused dry and real, the statistics kept', async () => {
        assert.equal(await sessionSays(server), undefined, 'a fresh server is its own fresh install');
        await adminQuery(server, SNOWBALL);
        try {
          const before = await statsReset(server);
          for (const dryRun of [true, false]) {
            const r = stepResult(await runSteps(server.url(), [{ query: READ, params: [] }], dryRun), 's0');
            assert.equal(r.status, 'failed', JSON.stringify(r));
            assert.match(String(r.error ?? ''), /made by initdb/);
          }
          assert.equal(await statsReset(server), before, 'the statistics were not reset');
        } finally { await adminQuery(server, UNDO); }
        const r = stepResult(await runSteps(server.url(), [{ query: READ, params: [] }], true), 's0');
        assert.equal(r.status, 'ok', JSON.stringify(r));
      });

      it('40 generated plants (seed 80) over every code column of every row initdb made: each refused by the session', async () => {
        const all = await spots(server);
        const next = rng(80);
        const picked = Array.from({ length: 40 }, () => all[Math.floor(next() * all.length)]!);
        // And the ones no comparison read before: the template's functions, plpgsql's handlers, a type's array type.
        picked.push(...all.filter((s) => s.table === 'pg_ts_template' || s.table === 'pg_language'));
        for (const s of picked) {
          const undo = await plant(server, s);
          try {
            assert.match(await sessionSays(server) ?? '', /made by initdb/, `${s.table}.${s.column} at ${s.row.ctid}`);
          } finally { await undo(); }
        }
        assert.equal(await sessionSays(server), undefined, 'every plant undone');
      });
    });
  }
});
