// safe_because vouches for the author's own code (a stored function the lists cannot know), never for code known
// to act. Found by probe4: it vouched for PostgreSQL's own built-ins that are not reviewed as read-only, and some
// of those run what the text does not show as code: `query_to_xml('SELECT pg_terminate_backend(…)', …)` and
// `ts_stat('…')` run SQL given as a string, `table_to_xml('v', …)`, `schema_to_xml` and `database_to_xml` read
// a view named by a value (the relation check never saw it). Each terminated the victim in a vouched read.
// Now a read calling a built-in (resolved on the server, under the pinned path) that is not reviewed read-only
// is refused, vouched or not. Generated from the server's catalog: every pg_catalog function name that is not
// reviewed, called vouched for, is refused before it runs, on PostgreSQL 15 to 18; the author's own function
// still runs vouched for.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { startPostgres, type LabServer } from '../../src/lab/index.js';
import { PG_READ_ONLY, pgActs } from '../../src/language/sql/read-only-functions.js';
import { pgCatalogFunctions } from '../../src/language/sql/pg-catalog-functions.js';
import { classifySql } from '../../src/language/sql/index.js';
import { adminQuery, victimSession } from '../db/helpers.js';
import { runSteps, type Step } from './read-steps.js';
import { majorOf, PG_EDGE_MAJORS, PG_MAJORS, PG_MAJORS_AT_ONCE } from '../helpers/pg-majors.js';

const KILL = "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = ''victim''";

/** [what, the read]: each reaches pg_terminate_backend through a built-in that is not reviewed. */
const NAMED: [string, string][] = [
  ['query_to_xml runs SQL text', `SELECT query_to_xml('${KILL}', true, false, '')`],
  ['pg_catalog.query_to_xmlschema', `SELECT pg_catalog.query_to_xml_and_xmlschema('${KILL}', true, false, '')`],
  ['ts_stat runs SQL text', `SELECT * FROM ts_stat('SELECT to_tsvector(pg_terminate_backend(pid)::text) FROM pg_stat_activity WHERE application_name = ''victim''')`],
  ['table_to_xml reads a view named by a value', "SELECT table_to_xml('public.v_term', true, false, '')"],
  ['schema_to_xml reads every view of a schema', "SELECT \"schema_to_xml\"('hidden', true, false, '')"],
  ['database_to_xml reads every view', "SELECT length(database_to_xml(true, false, '')::text) AS n"],
  ['a view calling query_to_xml', 'SELECT * FROM public.v_xml'],
];

describe('safe_because does not cover PostgreSQL built-ins that are not reviewed as read-only', { concurrency: PG_MAJORS_AT_ONCE }, () => {
  for (const version of PG_MAJORS.filter((v) => majorOf(v) >= 15)) {
    describe(`PostgreSQL ${majorOf(version)}`, { concurrency: 1 }, () => {
      let server: LabServer;
      let victim: pg.Client;
      const alive = () => victim.query('SELECT 1').then(() => true, () => false);
      before(async () => {
        server = await startPostgres({ postgresVersion: version });
        await adminQuery(server, `CREATE VIEW public.v_term AS ${KILL.replace(/''/g, "'")}; CREATE SCHEMA hidden;
          CREATE VIEW hidden.v AS SELECT * FROM public.v_term; GRANT USAGE ON SCHEMA hidden TO PUBLIC;
          GRANT SELECT ON ALL TABLES IN SCHEMA public, hidden TO PUBLIC;
          CREATE FUNCTION public.own_code() RETURNS int LANGUAGE sql AS 'SELECT 7';
          CREATE VIEW public.v_xml AS SELECT query_to_xml('${KILL}', true, false, '') AS x;
          GRANT SELECT ON public.v_xml TO PUBLIC`);
        victim = await victimSession(server);
      });
      after(async () => {
        await victim?.end().catch(() => undefined);
        await server?.stop();
      });

      for (const [what, query] of NAMED) {
        it(`${what}: refused vouched for, the victim survives; through a plain connection it terminates the victim`, async () => {
          // validate refuses it (below); here the run's own check, for a name validate's list would not know.
          const events = await runSteps(server.url(), [{ query, params: [], vouched: true }], false, undefined, true);
          const f = events.find((e) => e.type === 'step-finished' && e.stepId === 's0');
          assert.ok(f?.type === 'step-finished');
          assert.deepEqual([f.result.status, f.result.classification], ['failed', 'not-read-only'], f.result.error);
          assert.match(f.result.error ?? '', /a PostgreSQL built-in not reviewed as read-only/);
          assert.ok(await alive(), 'the victim survives');
          const plain = new pg.Client({ connectionString: server.url() });
          await plain.connect();
          try { await plain.query(query.replace(/ AS n$/, '')); } finally { await plain.end(); }
          assert.equal(await alive(), false, 'the read is real: a plain connection terminates the victim');
          victim = await victimSession(server);
        });
      }

      it('every pg_catalog function name not reviewed read-only (from the catalog), called vouched for: refused before it runs', async () => {
        const rows = await adminQuery(server, "SELECT DISTINCT proname::text AS name FROM pg_catalog.pg_proc WHERE pronamespace = 'pg_catalog'::regnamespace ORDER BY 1");
        // Known to act: the lint refuses them vouched for already (sql-read-only.test.ts).
        const names = rows.map((r) => String(r.name)).filter((n) => !PG_READ_ONLY.has(n) && !pgActs(n));
        assert.ok(names.length > 1500, `${names.length} names`);
        // validate knows them too (language/sql/pg-catalog-functions.ts): every name of this catalog is listed, and
        // each, called unqualified or through pg_catalog, is refused vouched for before anything connects.
        assert.deepEqual(rows.map((r) => String(r.name)).filter((n) => !pgCatalogFunctions().has(n)), [], 'names missing from pg-catalog-functions.ts');
        const vouchable = names.flatMap((n) => [`SELECT "${n}"()`, `SELECT pg_catalog."${n}"(1)`])
          .filter((q) => { const v = classifySql(q, 'postgres'); return !v.parsed || !v.acts; });
        assert.deepEqual(vouchable.slice(0, 10), [], `${vouchable.length} calls validate would let safe_because vouch for`);
        const wrong: string[] = [];
        // Every name on the oldest and newest major; on the majors between (the same check, the same server
        // question), every 15th: each name's run is heavy, and four majors' at once starved CI's machine.
        const tried = PG_EDGE_MAJORS.includes(version) ? names : names.filter((_, i) => i % 15 === 0);
        for (let from = 0; from < tried.length; from += 1000) { // a runbook holds up to 2000 steps
          const chunk = tried.slice(from, from + 1000);
          const steps: Step[] = chunk.map((n) => ({ query: `SELECT "${n.replace(/"/g, '""')}"()`, params: [], vouched: true }));
          const events = await runSteps(server.url(), steps, false, undefined, true);
          chunk.forEach((n, i) => {
            const f = events.find((e) => e.type === 'step-finished' && e.stepId === `s${i}`);
            const r = f?.type === 'step-finished' ? f.result : undefined;
            // A built-in that returns every setting's value (pg_show_all_settings) is a read of settings only a
            // superuser sees (pg-setting-reads.ts): its error, like its rows, is withheld from the record, which says why.
            const why = r?.withheld ? /the server's settings a superuser reads/.test(r.withheld.because.join(', ')) : /not reviewed as read-only/.test(r?.error ?? '');
            if (r?.status !== 'failed' || r.classification !== 'not-read-only' || !why) wrong.push(`${n}: ${r?.status} ${r?.classification} ${r?.error}`);
          });
        }
        assert.deepEqual(wrong.slice(0, 10), [], `${wrong.length} of ${tried.length} built-ins ran (or failed on the server) vouched for`);
        assert.ok(await alive(), 'the victim survives');
      });

      it('the author\'s own function still runs vouched for; reviewed built-ins still read', async () => {
        const events = await runSteps(server.url(), [{ query: 'SELECT public.own_code() AS x', params: [], vouched: true },
          { query: 'SELECT upper(\'a\') AS u, count(*) AS n FROM pg_stat_activity', params: [] },
          // SQL syntax that calls a built-in by another name: COLLATION FOR is pg_collation_for().
          { query: 'SELECT COLLATION FOR (\'a\') AS c', params: [] }], false);
        for (const id of ['s0', 's1', 's2']) {
          const f = events.find((e) => e.type === 'step-finished' && e.stepId === id);
          assert.ok(f?.type === 'step-finished' && f.result.status === 'ok', `${id}: ${f?.type === 'step-finished' ? f.result.error : ''}`);
        }
      });
    });
  }
});
