// Code the planner runs for a relation a read names (issue #45), planted by the application's own role (no
// superuser): PostgreSQL folds IMMUTABLE functions of constants in a relation's index expressions and
// predicates (a materialized view's too), extended statistics' expressions, partition keys and CHECK
// constraints (constraint exclusion) while it plans any read of it, EXPLAIN included, so a read-only transaction
// does not stop them. Every planted place × every way of reading the relation (generated below) is refused,
// dry and real, on 15 and 18; the author's text through a plain connection runs the planted function for
// each place (the attack is live); the same reads of the same relations without the plant still run.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startPostgres, type LabServer } from '../../src/lab/index.js';
import { appQuery } from '../db/helpers.js';
import { runSteps } from './read-steps.js';
import { majorOf, PG_EDGE_MAJORS, PG_MAJORS_AT_ONCE } from '../helpers/pg-majors.js';

const RAN = 'PLANTED FUNCTION RAN';

/** [where the code sits, the DDL planting it on table T (as the application's role)]. `planted(n)` is armed later. */
const PLACES: [string, (t: string) => string][] = [
  ['an index expression', (t) => `CREATE TABLE ${t} (a int); CREATE INDEX ON ${t} ((a + public.planted(1)))`],
  ['an index predicate', (t) => `CREATE TABLE ${t} (a int); CREATE INDEX ON ${t} (a) WHERE public.planted(1) = 1`],
  ['an extended statistics expression', (t) => `CREATE TABLE ${t} (a int); CREATE STATISTICS ${t}_st ON (a + public.planted(1)) FROM ${t}`],
  ['a partition key', (t) => `CREATE TABLE ${t} (a int) PARTITION BY RANGE ((a + public.planted(1))); CREATE TABLE ${t}_p PARTITION OF ${t} FOR VALUES FROM (0) TO (100)`],
  ['a CHECK constraint of an inheritance child', (t) => `CREATE TABLE ${t} (a int); CREATE TABLE ${t}_c (a int CHECK (a > public.planted(1))) INHERITS (${t})`],
  ['a CHECK constraint (constraint_exclusion = on for the role)', (t) => `CREATE TABLE ${t} (a int CHECK (a > public.planted(1)))`],
  ['an index of a materialized view', (t) => `CREATE MATERIALIZED VIEW ${t} AS SELECT 5 AS a; CREATE INDEX ON ${t} (a) WHERE public.planted(1) = 1`],
  ['an index under a view', (t) => `CREATE TABLE ${t}_base (a int); CREATE INDEX ON ${t}_base ((a + public.planted(1))); CREATE VIEW ${t} AS SELECT a FROM ${t}_base`],
];

/** Ways of reading relation T (column a): each plans T. */
const READS: ((t: string) => string)[] = [
  (t) => `SELECT a FROM ${t}`,
  (t) => `SELECT count(*) AS n FROM ${t} WHERE a = 5`,
  (t) => `SELECT x.a FROM (SELECT a FROM ${t} WHERE a > 1) x`,
  (t) => `WITH w AS (SELECT a FROM ${t}) SELECT a FROM w WHERE a = 5`,
  (t) => `SELECT 1 AS one WHERE EXISTS (SELECT 1 FROM ${t} WHERE a = 5)`,
  (t) => `SELECT u.a FROM ${t} u JOIN ${t} v ON u.a = v.a`,
  (t) => `SELECT (SELECT max(a) FROM ${t}) AS m`,
];

describe('code the planner runs for a relation', { concurrency: PG_MAJORS_AT_ONCE }, () => {
  for (const version of PG_EDGE_MAJORS) {
    describe(`PostgreSQL ${majorOf(version)}`, { concurrency: 1 }, () => {
      let server: LabServer;
      before(async () => {
        server = await startPostgres({ postgresVersion: version });
        const role = new URL(server.url()).username;
        // As the application's role: its own function, armed by a row of its own table, and its own setting.
        await appQuery(server, `CREATE TABLE public.armed (on_ bool);
          CREATE FUNCTION public.planted(int) RETURNS int LANGUAGE plpgsql IMMUTABLE AS
            $$ BEGIN IF EXISTS (SELECT 1 FROM public.armed) THEN RAISE EXCEPTION '${RAN}'; END IF; RETURN $1; END $$;
          ALTER ROLE "${role}" SET constraint_exclusion = on`);
        for (const [i, [, plant]] of PLACES.entries()) await appQuery(server, `${plant(`planted_${i}`)}; ${plant(`clean_${i}`).replaceAll('public.planted(1)', '1')}`);
        await appQuery(server, 'INSERT INTO public.armed VALUES (true)');
      });
      after(async () => { await server?.stop(); });

      for (const [i, [where]] of PLACES.entries()) {
        it(`${where}: every read of it is refused, dry and real; the author's text runs it; the clean twin reads`, async () => {
          let live = 0;
          for (const read of READS) {
            const text = read(`planted_${i}`);
            // Not every way of reading plans every place (a partition key without a WHERE): counted, not required.
            if (await appQuery(server, text).then(() => false, (e: Error) => new RegExp(RAN).test(e.message))) live++;
            for (const dryRun of [true, false]) {
              const events = await runSteps(server.url(), [{ query: text, params: [] }, { query: read(`clean_${i}`), params: [] }], dryRun);
              const finished = (id: string) => events.find((e) => e.type === 'step-finished' && e.stepId === id);
              const f = finished('s0');
              assert.ok(f?.type === 'step-finished');
              assert.equal(f.result.status, 'failed', `${text}: ${JSON.stringify(f.result)}`);
              assert.equal(f.result.classification, 'not-read-only', `${text}: ${f.result.error}`);
              assert.match(f.result.error ?? '', /calls (public\.)?planted\(integer\), which is not known to be read-only/);
              assert.doesNotMatch(f.result.error ?? '', new RegExp(RAN));
              const clean = finished('s1');
              assert.ok(clean?.type === 'step-finished');
              assert.equal(clean.result.status, 'ok', `${read(`clean_${i}`)}: ${clean.result.error}`);
            }
          }
          assert.ok(live >= 1, `the attack is live through at least one of the reads (${live} of ${READS.length})`);
        });
      }
    });
  }
});
