// A hostile twin for every reviewed PostgreSQL name (issue #45), generated from the read lists themselves: for every
// function name on PG_READ_ONLY, every type name a cast may use, and every operator name, a same-named object in
// the application's schema (public) whose code the server counts when it runs (track_functions = all, read back
// from pg_stat_user_functions). Each name is used as a call, a quoted call, a cast, a quoted cast and a prefix
// operator; every text the classifier proves a read runs for real and dry, on every PostgreSQL major the lab has (14 to 18). No twin runs.
// Adding a name to a list adds its twin.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { startPostgres, type LabServer } from '../../src/lab/index.js';
import { PG_READ_ONLY } from '../../src/language/sql/read-only-functions.js';
import { PG_BUILTIN_TYPES } from '../../src/language/sql/pg-builtins.js';
import { classifySql } from '../../src/language/sql/index.js';
import { adminQuery } from '../db/helpers.js';
import { runSteps, type Step } from './read-steps.js';
import { BIN } from '../helpers/cli.js';
import { majorOf, PG_MAJORS, PG_MAJORS_AT_ONCE } from '../helpers/pg-majors.js';
import { JSON_SYNTAX, OPERATORS, plantTwins, texts, twinCalls } from './pg-twins.js';

describe('PostgreSQL: a reviewed name never reaches a same-named object of the application\'s schema', { concurrency: PG_MAJORS_AT_ONCE }, () => {
  for (const version of PG_MAJORS) {
    describe(`PostgreSQL ${majorOf(version)}`, { concurrency: 1 }, () => {
      let server: LabServer;
      let baseline = 0;
      before(async () => {
        server = await startPostgres({ postgresVersion: version });
        assert.ok(await plantTwins(server) > PG_READ_ONLY.size, 'the twins were planted');
      });
      after(() => server?.stop());

      it('the lists hold pg_catalog\'s own names only: every type and operator a read may name unqualified exists there', async () => {
        const types = new Set((await adminQuery(server, "SELECT typname FROM pg_type WHERE typnamespace = 'pg_catalog'::regnamespace")).map((r) => String(r.typname)));
        const ops = new Set((await adminQuery(server, "SELECT oprname FROM pg_operator WHERE oprnamespace = 'pg_catalog'::regnamespace")).map((r) => String(r.oprname)));
        assert.deepEqual([...PG_BUILTIN_TYPES].filter((t) => !types.has(t)), []);
        assert.deepEqual(OPERATORS.filter((o) => o !== '!' && !ops.has(o)), []);
        assert.equal(ops.has('!'), false, 'PostgreSQL 14+ has no ! operator');
      });

      it('the twins are real: called through their schema, the server counts them', async () => {
        for (const q of ['SELECT public."greatest"(1)', 'SELECT 5::public."integer"', 'SELECT OPERATOR(public.!) 5']) await adminQuery(server, q);
        await new Promise((r) => setTimeout(r, 1500)); // the admin session's stats reach the shared view within a second
        baseline = await twinCalls(server);
        assert.ok(baseline >= 3, `counted ${baseline}`);
      });

      for (const dryRun of [false, true]) {
        it(`${dryRun ? 'dry run' : 'real run'}: every text the classifier proves a read runs no twin`, async () => {
          const proven: Step[] = texts().filter((t) => classifySql(t, 'postgres').readOnly).map((query) => ({ query, params: [] }));
          assert.ok(proven.length > 100, `${proven.length} proven texts: too few to say anything`);
          // The issue's named cases, and the SQL/JSON syntax PostgreSQL 15 reads as calls of functions of those names.
          for (const q of ['SELECT "greatest"(1) AS x', 'SELECT 5::"integer" AS x', 'SELECT CAST(5 AS "bigint") AS x', 'SELECT ! 5 AS x', 'SELECT "current_catalog"(1) AS x',
            ...JSON_SYNTAX]) {
            assert.equal(proven.some((s) => s.query === q), false, `${q} is proven a read`);
          }
          const events = await runSteps(server.url(), proven, dryRun);
          assert.equal(events.filter((e) => e.type === 'step-finished').length, proven.length, 'every step ran to its end');
          assert.equal(await twinCalls(server), baseline, 'a twin ran');
        });
      }
    });
  }
});

/** Conversions the pin's own queries make that have no cast of PostgreSQL's (an I/O conversion a cast created later replaces). */
const CAST_PAIRS = [['regprocedure', 'text'], ['regclass', 'text'], ['regtype', 'text'], ['regoperator', 'text'], ['text', 'oid']] as const;

/** [plant, remove]: a view of pg_catalog replaced in place (its columns, its OID) by one that also calls twin_mark. */
function replaceView(view: string): [string, string] {
  const saved = `public.saved_${view}`;
  const replace = (body: string) => `DO $$ BEGIN EXECUTE 'CREATE OR REPLACE VIEW pg_catalog.${view} AS ' || ${body}; END $$`;
  return [`CREATE TABLE ${saved} AS SELECT pg_get_viewdef('pg_catalog.${view}'::regclass) AS d;
    ${replace(`rtrim((SELECT d FROM ${saved}), '; ' || chr(10)) || ' WHERE public.twin_mark(1) = 1'`)}`,
  `${replace(`(SELECT d FROM ${saved})`)}; DROP TABLE ${saved}`];
}

/** [what a superuser planted, how to remove it, a read it would take over]. */
const PLANTED: [string, string, string, RegExp][] = [
  ['CREATE CAST (bigint AS text) WITH FUNCTION public.twin_cast(bigint)', 'DROP CAST (bigint AS text)', 'SELECT count(*)::text AS n FROM pg_class', /cast someone created .*\(bigint AS text\)/],
  ['CREATE VIEW information_schema.twin_view AS SELECT public.twin_mark(1) AS x; GRANT SELECT ON information_schema.twin_view TO PUBLIC', 'DROP VIEW information_schema.twin_view', 'SELECT x FROM information_schema.twin_view', /twin_mark/],
  ['CREATE FUNCTION pg_catalog.lower(int) RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN public.twin_mark($1); END $$', 'DROP FUNCTION pg_catalog.lower(int)', 'SELECT lower(1) AS x', /function someone created .*lower\(integer\)/],
  // PostgreSQL's own relations, changed in place: their OIDs stay those initdb gave them.
  [...replaceView('pg_settings'), 'SELECT name FROM pg_settings LIMIT 1', /pg_settings calls twin_mark/],
  [`ALTER TABLE information_schema.sql_features ENABLE ROW LEVEL SECURITY;
    CREATE POLICY twin ON information_schema.sql_features USING (public.twin_mark(1) = 1)`,
  'DROP POLICY twin ON information_schema.sql_features; ALTER TABLE information_schema.sql_features DISABLE ROW LEVEL SECURITY',
  'SELECT feature_id FROM information_schema.sql_features LIMIT 1', /sql_features calls twin_mark/],
  // Casts PostgreSQL has none of, between types the engine's own pin queries convert (they write text with
  // format() and read oids with oidin(), so none of these runs there while the read is refused).
  [CAST_PAIRS.map(([from, to], i) => `CREATE FUNCTION public.twin_c${i}(${from}) RETURNS ${to} LANGUAGE plpgsql AS $$ BEGIN PERFORM public.twin_mark(1); RETURN ${to === 'oid' ? '0' : "'x'"}; END $$;
    CREATE CAST (${from} AS ${to}) WITH FUNCTION public.twin_c${i}(${from})`).join(';\n'),
  CAST_PAIRS.map(([from, to], i) => `DROP CAST (${from} AS ${to}); DROP FUNCTION public.twin_c${i}(${from})`).join('; '),
  'SELECT count(*) AS n FROM pg_stat_activity s WHERE s.pid > 0', /cast someone created among PostgreSQL's own/],
  // A support function added to one of PostgreSQL's operator families: in_range for (bigint, integer), which
  // integer_ops lacks; a window frame over a bigint with an integer offset calls it.
  [`CREATE FUNCTION public.twin_in_range(int8, int8, int4, bool, bool) RETURNS bool LANGUAGE plpgsql AS $$ BEGIN PERFORM public.twin_mark(1); RETURN true; END $$;
    ALTER OPERATOR FAMILY integer_ops USING btree ADD FUNCTION 3 (int8, int4) public.twin_in_range(int8, int8, int4, bool, bool)`,
  'ALTER OPERATOR FAMILY integer_ops USING btree DROP FUNCTION 3 (int8, int4); DROP FUNCTION public.twin_in_range(int8, int8, int4, bool, bool)',
  'SELECT sum(x) OVER (ORDER BY x RANGE BETWEEN 1 PRECEDING AND CURRENT ROW) AS s FROM (VALUES (1::int8), (2::int8)) v(x)',
  /an operator family member someone created .*twin_in_range.* for \(bigint, integer\) in integer_ops/],
  [`CREATE DOMAIN public.twin_text AS text CHECK (VALUE IS DISTINCT FROM 'x' OR public.twin_mark(1) = 1);
    ALTER TABLE information_schema.sql_features ALTER COLUMN comments TYPE public.twin_text`,
  'ALTER TABLE information_schema.sql_features ALTER COLUMN comments TYPE information_schema.character_data; DROP DOMAIN public.twin_text',
  "SELECT array_position(ARRAY[comments], 'x') AS p FROM information_schema.sql_features LIMIT 1", /twin_mark/],
];

describe('PostgreSQL: objects a superuser planted among PostgreSQL\'s own make no read proven', { concurrency: PG_MAJORS_AT_ONCE }, () => {
  for (const version of PG_MAJORS) {
    describe(`PostgreSQL ${majorOf(version)}`, { concurrency: 1 }, () => {
      let server: LabServer;
      before(async () => {
        server = await startPostgres({ postgresVersion: version });
        await adminQuery(server, "ALTER SYSTEM SET track_functions = 'all'");
        await adminQuery(server, 'SELECT pg_reload_conf()');
        await adminQuery(server, 'CREATE FUNCTION public.twin_mark(int) RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN $1; END $$');
        await adminQuery(server, "CREATE FUNCTION public.twin_cast(bigint) RETURNS text LANGUAGE plpgsql AS $$ BEGIN PERFORM public.twin_mark(1); RETURN 'twin'; END $$");
        await adminQuery(server, 'GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO PUBLIC');
      });
      after(() => server?.stop());

      it('the built-in pool-exhausted, dry run, with a cast planted: nothing of the planted code runs (its fingerprint and reads included)', async () => {
        await adminQuery(server, PLANTED[0]![0]);
        try {
          const r = spawnSync(process.execPath, [BIN, 'run', 'pool-exhausted', '--dry-run', '--plain', '--no-transcript', '-i', `url=${server.adminUrl()}`],
            { encoding: 'utf8', timeout: 120_000, env: { ...process.env, NO_COLOR: '1' } });
          assert.ok(r.status !== null, `${r.stdout}${r.stderr}`);
        } finally { await adminQuery(server, PLANTED[0]![1]); }
        assert.equal(await twinCalls(server), 0, 'the planted cast ran');
      });

      it('pg_stat_activity replaced in place: the built-in pool-exhausted, dry and real, runs nothing of it (its session opening, fingerprint and reads included)', async () => {
        const [plant, remove] = replaceView('pg_stat_activity');
        await adminQuery(server, plant);
        try {
          for (const dry of [['--dry-run'], []]) {
            const r = spawnSync(process.execPath, [BIN, 'run', 'pool-exhausted', ...dry, '--plain', '--no-transcript', '-i', `url=${server.url()}`],
              { encoding: 'utf8', timeout: 120_000, env: { ...process.env, NO_COLOR: '1' } });
            assert.ok(r.status !== null, `${r.stdout}${r.stderr}`);
            if (majorOf(version) >= 15) assert.match(r.stdout + r.stderr, /pg_stat_activity calls twin_mark/, 'a read of the view is refused, naming what it calls');
          }
        } finally { await adminQuery(server, remove); }
        assert.equal(await twinCalls(server), 0, 'the replaced view\'s code ran');
      });

      for (const [plant, remove, read, why] of PLANTED) {
        for (const dryRun of [false, true]) {
          it(`${plant.split(' AS ')[0]}${dryRun ? ', dry run' : ''}: the read is refused, naming it; the planted code never runs`, async () => {
            await adminQuery(server, plant);
            try {
              const events = await runSteps(server.url(), [{ query: read, params: [] }], dryRun);
              const finished = events.find((e) => e.type === 'step-finished' && e.stepId === 's0');
              assert.ok(finished && finished.type === 'step-finished', 'the step finished');
              assert.equal(finished.result.status, 'failed', JSON.stringify(finished.result));
              // PostgreSQL 14: no proven read at all (the engine reads 15's to 18's grammars), refused before anything is sent.
              assert.match(String(finished.result.error ?? ''), majorOf(version) < 15 ? /grammars of PostgreSQL 15 to 18, and this server is PostgreSQL 14/ : why);
            } finally { await adminQuery(server, remove); }
            assert.equal(await twinCalls(server), 0, 'the planted code ran');
          });
        }
      }
    });
  }
});
