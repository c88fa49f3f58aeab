// Code a superuser hangs on PostgreSQL's own catalog rows (issue #45, a probe of stop 66): a planner support
// function on a built-in, a selectivity estimator on a built-in operator, a built-in marked IMMUTABLE where it
// acts, an `in_range` support function that is `LANGUAGE internal` bound to one of the server's own C functions,
// an operator class someone made the default for their own type, a login event trigger. The planted code here
// resets the database's statistics (pg_stat_reset, through `LANGUAGE internal` or a SECURITY DEFINER function):
// a change the stats_reset timestamp shows after the engine's session is gone. Each read is refused, naming
// what was planted, and the code never runs, dry and real, on 15 and 18 — the engine's own queries included.
// The hook-free question (db/pg-catalog-hooks.ts) has its own oracle: with a support function hung on EVERY
// built-in function and an estimator on every built-in operator, asking it runs none of them.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { chmodSync, copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labServerInfo, startPostgres, type LabServer } from '../../src/lab/index.js';
import { catalogHooks, HOOKS_SQL } from '../../src/db/pg-catalog-hooks.js';
import { firstAnswers } from '../../src/db/pg-first-question.js';
import { copyOut } from '../../src/db/pg-copy-out.js';
import { openSession } from '../../src/db/open.js';
import { parseUrl } from '../../src/db/url.js';
import { adminQuery, appQuery, victimSession } from '../db/helpers.js';
import { runSteps, stepResult } from './read-steps.js';
import { majorOf, PG_EDGE_MAJORS, PG_MAJORS_AT_ONCE } from '../helpers/pg-majors.js';

const RESETS = `CREATE SCHEMA evil;
  CREATE FUNCTION evil.reset_support(internal) RETURNS internal LANGUAGE internal STRICT AS 'pg_stat_reset';
  CREATE FUNCTION evil.reset_sel(internal, oid, internal, integer) RETURNS float8 LANGUAGE internal STRICT AS 'pg_stat_reset';
  CREATE FUNCTION evil.reset_joinsel(internal, oid, internal, int2, internal) RETURNS float8 LANGUAGE internal STRICT AS 'pg_stat_reset';
  CREATE FUNCTION evil.reset() RETURNS int LANGUAGE plpgsql SECURITY DEFINER AS $$ BEGIN PERFORM pg_catalog.pg_stat_reset(); RETURN 0; END $$;
  CREATE FUNCTION evil.planned(int) RETURNS int LANGUAGE plpgsql IMMUTABLE SECURITY DEFINER AS $$ BEGIN PERFORM evil.reset();
    PERFORM pg_catalog.pg_terminate_backend(pid) FROM pg_catalog.pg_stat_activity WHERE application_name = 'victim'; RETURN $1; END $$;
  GRANT USAGE ON SCHEMA evil TO PUBLIC;
  CREATE TABLE public.plain (a int8, note text); INSERT INTO public.plain VALUES (1, 'x'), (2, 'y'), (3, 'z');
  GRANT SELECT ON public.plain TO PUBLIC`;

/** PostgreSQL has no command that takes a support function away. */
const unsupport = (f: string) => `UPDATE pg_catalog.pg_proc SET prosupport = 0 WHERE oid = '${f}'::pg_catalog.regprocedure`;

/** [what is planted, how to remove it, a read it would take over, what the refusal names]. */
const PLANTED: [string, string, string, RegExp][] = [
  ['ALTER FUNCTION pg_catalog.upper(text) SUPPORT evil.reset_support', unsupport('pg_catalog.upper(text)'),
    'SELECT upper(note) AS u FROM plain', /support function of a built-in .*upper\(text\)|pg_proc row/],
  ['ALTER OPERATOR pg_catalog.= (int8, int4) SET (RESTRICT = evil.reset_sel)', 'ALTER OPERATOR pg_catalog.= (int8, int4) SET (RESTRICT = pg_catalog.eqsel)',
    'SELECT note FROM plain WHERE a = 3', /estimator of a built-in operator .*=\(bigint,integer\)|pg_operator row/],
  [`CREATE FUNCTION evil.reset_in_range(int8, int8, int4, bool, bool) RETURNS bool LANGUAGE internal STRICT AS 'pg_stat_reset';
    ALTER OPERATOR FAMILY pg_catalog.integer_ops USING btree ADD FUNCTION 3 (int8, int4) evil.reset_in_range(int8, int8, int4, bool, bool)`,
  'ALTER OPERATOR FAMILY pg_catalog.integer_ops USING btree DROP FUNCTION 3 (int8, int4); DROP FUNCTION evil.reset_in_range(int8, int8, int4, bool, bool)',
  'SELECT a, count(*) OVER (ORDER BY a RANGE BETWEEN 1 PRECEDING AND CURRENT ROW) AS n FROM plain', /operator family member .*reset_in_range/],
  [`CREATE TYPE public.mood AS ENUM ('sad', 'ok', 'happy');
    CREATE TABLE public.feelings (id int, m public.mood); INSERT INTO public.feelings VALUES (1, 'happy'), (2, 'sad'), (3, 'ok');
    GRANT SELECT ON public.feelings TO PUBLIC;
    CREATE FUNCTION evil.mood_cmp(a public.mood, b public.mood) RETURNS int LANGUAGE plpgsql IMMUTABLE SECURITY DEFINER AS $$
      BEGIN PERFORM evil.reset(); RETURN pg_catalog.enum_cmp(a, b); END $$;
    CREATE OPERATOR CLASS evil.mood_ops DEFAULT FOR TYPE public.mood USING btree AS
      OPERATOR 1 pg_catalog.< (anyenum, anyenum), OPERATOR 2 pg_catalog.<= (anyenum, anyenum), OPERATOR 3 pg_catalog.= (anyenum, anyenum),
      OPERATOR 4 pg_catalog.>= (anyenum, anyenum), OPERATOR 5 pg_catalog.> (anyenum, anyenum), FUNCTION 1 evil.mood_cmp(public.mood, public.mood)`,
  'DROP TABLE public.feelings; DROP OPERATOR FAMILY evil.mood_ops USING btree; DROP FUNCTION evil.mood_cmp(public.mood, public.mood); DROP TYPE public.mood',
  'SELECT m FROM feelings ORDER BY m', /operator family member .*mood_cmp/],
  // A built-in that acts, marked IMMUTABLE, in an index expression: the planner folds it for any read of the table.
  [`ALTER FUNCTION pg_catalog.pg_stat_reset() IMMUTABLE;
    CREATE TABLE public.folded (a int); GRANT SELECT ON public.folded TO PUBLIC;
    CREATE INDEX folded_idx ON public.folded ((a + pg_catalog.length(pg_catalog.pg_stat_reset()::text)))`,
  'DROP TABLE public.folded; ALTER FUNCTION pg_catalog.pg_stat_reset() VOLATILE',
  'SELECT a FROM folded', /pg_stat_reset\(\), which acts on the server/],
];

/** The read, run dry and real through the engine: refused both times, saying `why`. */
async function refusedDryAndReal(server: LabServer, read: string, why: RegExp): Promise<void> {
  for (const dryRun of [true, false]) {
    const r = stepResult(await runSteps(server.url(), [{ query: read, params: [] }], dryRun), 's0');
    assert.equal(r.status, 'failed', JSON.stringify(r));
    assert.match(String(r.error ?? ''), why);
  }
}

const statsReset = async (server: LabServer): Promise<string> =>
  String((await adminQuery(server, 'SELECT stats_reset::text AS r FROM pg_catalog.pg_stat_database WHERE datname = current_database()'))[0]?.r);

describe('code hung on PostgreSQL\'s own catalog rows runs in no read, nor in the engine\'s own queries', { concurrency: PG_MAJORS_AT_ONCE }, () => {
  for (const version of PG_EDGE_MAJORS) {
    describe(`PostgreSQL ${majorOf(version)}`, { concurrency: 1 }, () => {
      let server: LabServer;
      before(async () => {
        server = await startPostgres({ postgresVersion: version });
        await adminQuery(server, RESETS);
        await adminQuery(server, 'SELECT pg_catalog.pg_stat_reset()');
      });
      after(() => server?.stop());

      for (const [plant, remove, read, why] of PLANTED) {
        it(`${plant.split('\n')[0]!.slice(0, 90)}: refused dry and real, naming it; nothing of it runs`, async () => {
          await adminQuery(server, plant);
          try {
            const before = await statsReset(server);
            await refusedDryAndReal(server, read, why);
            assert.equal(await statsReset(server), before, 'the planted code ran (the statistics were reset)');
          } finally { await adminQuery(server, remove); }
        });
      }

      // A probe of stop 67: `LANGUAGE c` made by plain SQL binds any symbol of a library the server ships (here
      // pg_prewarm's autoprewarm_dump_now, which writes autoprewarm.blocks into the data directory) as an
      // in_range support function; an extension's own C members (pg_trgm's) are the server's code and refuse nothing.
      // A probe of stop 67: a base type someone created with a plpgsql typmod input function (cstring[] is an
      // ordinary array, so plpgsql takes it); the server calls it wherever it parses the type's name with a
      // modifier from a string: to_regtype, ::regtype, the argument lists of to_regprocedure and has_*_privilege.
      it('a type someone created whose typmod input function is plpgsql: to_regtype and ::regtype of its name are refused dry and real; its code does not run', async () => {
        await adminQuery(server, `CREATE TYPE evil.tm;
          CREATE FUNCTION evil.tm_in(cstring) RETURNS evil.tm LANGUAGE internal IMMUTABLE STRICT AS 'int4in';
          CREATE FUNCTION evil.tm_out(evil.tm) RETURNS cstring LANGUAGE internal IMMUTABLE STRICT AS 'int4out';
          CREATE FUNCTION evil.tm_mod(cstring[]) RETURNS int4 LANGUAGE plpgsql AS $$ BEGIN PERFORM evil.reset(); RETURN 1; END $$;
          CREATE TYPE evil.tm (INPUT = evil.tm_in, OUTPUT = evil.tm_out, TYPMOD_IN = evil.tm_mod, INTERNALLENGTH = 4, PASSEDBYVALUE, ALIGNMENT = int4)`);
        try {
          const before = await statsReset(server);
          for (const read of ["SELECT pg_catalog.to_regtype('evil.tm(3)') AS t", "SELECT 'evil.tm(3)'::regtype AS t"]) {
            await refusedDryAndReal(server, read, /holds a type function someone created, evil\.tm \(its \w+ function evil\.tm_\w+\(/);
          }
          assert.equal(await statsReset(server), before, 'the typmod input function ran (the statistics were reset)');
        } finally {
          await adminQuery(server, 'DROP TYPE evil.tm CASCADE; DROP FUNCTION evil.tm_mod(cstring[])');
        }
      });

      it('a LANGUAGE c function someone created, bound into integer_ops, is refused dry and real; its code does not run; an extension\'s C members refuse nothing', async () => {
        const info = labServerInfo(server);
        assert.ok(info, 'the lab server\'s data directory');
        const dumped = join(info.dir, 'autoprewarm.blocks');
        await adminQuery(server, `CREATE FUNCTION evil.c_in_range(int8, int8, int4, bool, bool) RETURNS bool LANGUAGE c STRICT IMMUTABLE
            AS '$libdir/pg_prewarm', 'autoprewarm_dump_now';
          ALTER OPERATOR FAMILY pg_catalog.integer_ops USING btree ADD FUNCTION 3 (int8, int4) evil.c_in_range(int8, int8, int4, bool, bool)`);
        try {
          rmSync(dumped, { force: true });
          await refusedDryAndReal(server, 'SELECT a, count(*) OVER (ORDER BY a RANGE BETWEEN 1 PRECEDING AND CURRENT ROW) AS n FROM plain', /operator family member .*c_in_range/);
          assert.equal(existsSync(dumped), false, 'the bound C symbol ran (autoprewarm.blocks was written)');
        } finally {
          await adminQuery(server, 'ALTER OPERATOR FAMILY pg_catalog.integer_ops USING btree DROP FUNCTION 3 (int8, int4); DROP FUNCTION evil.c_in_range(int8, int8, int4, bool, bool)');
        }
        await adminQuery(server, 'CREATE EXTENSION IF NOT EXISTS pg_trgm');
        try {
          for (const dryRun of [true, false]) {
            const r = stepResult(await runSteps(server.url(), [{ query: 'SELECT count(*) AS n FROM public.plain', params: [] }], dryRun), 's0');
            assert.equal(r.status, 'ok', r.error);
          }
        } finally { await adminQuery(server, 'DROP EXTENSION pg_trgm'); }
      });

      // A second probe: PostgreSQL's own rows edited in place (UPDATE by a superuser), and objects a session meets
      // before it asks anything (an encoding conversion, an access method's handler).
      const SESSION_PLANTS: [string, string, RegExp][] = [
        [`CREATE FUNCTION evil.hash4(int4) RETURNS int4 LANGUAGE internal STRICT AS 'pg_stat_reset';
          CREATE TABLE evil.saved_amproc AS SELECT oid, amproc FROM pg_catalog.pg_amproc;
          UPDATE pg_catalog.pg_amproc SET amproc = 'evil.hash4'::regproc WHERE amprocnum = 1 AND amproclefttype = 'int4'::regtype
            AND amprocfamily IN (SELECT f.oid FROM pg_catalog.pg_opfamily f JOIN pg_catalog.pg_am m ON m.oid = f.opfmethod WHERE f.opfname = 'integer_ops' AND m.amname = 'hash')`,
        `UPDATE pg_catalog.pg_amproc a SET amproc = s.amproc FROM evil.saved_amproc s WHERE a.oid = s.oid; DROP TABLE evil.saved_amproc; DROP FUNCTION evil.hash4(int4)`,
        /pg_amproc row \d+ was given code someone created/],
        [`CREATE FUNCTION evil.ih(internal) RETURNS index_am_handler LANGUAGE internal AS 'pg_stat_reset';
          UPDATE pg_catalog.pg_am SET amhandler = 'evil.ih'::regproc WHERE amname = 'brin'`,
        `UPDATE pg_catalog.pg_am SET amhandler = 'pg_catalog.brinhandler'::regproc WHERE amname = 'brin'; DROP FUNCTION evil.ih(internal)`,
        /pg_am row \d+ was given code someone created/],
        [`CREATE FUNCTION evil.sub(internal) RETURNS internal LANGUAGE internal AS 'pg_stat_reset';
          UPDATE pg_catalog.pg_type SET typsubscript = 'evil.sub'::regproc WHERE oid = '_int4'::regtype`,
        `UPDATE pg_catalog.pg_type SET typsubscript = 'pg_catalog.array_subscript_handler'::regproc WHERE oid = '_int4'::regtype; DROP FUNCTION evil.sub(internal)`,
        /pg_type row \d+ was given code someone created .*subscripting/],
        [`CREATE FUNCTION evil.conv(int4, int4, cstring, internal, int4, bool) RETURNS int4 LANGUAGE internal STRICT AS 'pg_stat_reset';
          CREATE DEFAULT CONVERSION evil.c1 FOR 'LATIN1' TO 'UTF8' FROM evil.conv`,
        'DROP CONVERSION evil.c1; DROP FUNCTION evil.conv(int4, int4, cstring, internal, int4, bool)',
        /encoding conversion someone created/],
      ];
      const NAMES = ['integer_ops\' hash function edited in place (pg_amproc)', 'brin\'s handler edited in place (pg_am)', 'int4[]\'s subscripting edited in place (pg_type)', 'a default encoding conversion someone created'];
      for (const [i, [plant, remove, why]] of SESSION_PLANTS.entries()) {
        it(`${NAMES[i]}: the session sends nothing, naming it; nothing of it runs`, async () => {
          await adminQuery(server, plant);
          try {
            const before = await statsReset(server);
            await refusedDryAndReal(server, 'SELECT a[1] AS x, n FROM (SELECT ARRAY[1, 2] AS a, count(*) AS n FROM (SELECT DISTINCT x FROM pg_catalog.generate_series(1, 50) x) d) s', why);
            assert.equal(await statsReset(server), before, 'the planted code ran (the statistics were reset)');
          } finally { await adminQuery(server, remove); }
        });
      }

      // A fourth probe: the application's role made an unreviewed built-in (ts_rewrite, which runs its text as
      // SQL) an operator's function, and so "known"; a superuser pointed a built-in operator's negator, or oid_ops'
      // sort support (which the session's first question used to sort with), at its own code.
      it('an operator the application made of an unreviewed built-in does not make it known: ts_rewrite in a view is refused, the victim lives', async () => {
        await appQuery(server, `CREATE OPERATOR public.<<%>> (LEFTARG = tsquery, RIGHTARG = text, FUNCTION = pg_catalog.ts_rewrite);
          CREATE VIEW public.session_health AS SELECT pg_catalog.ts_rewrite('a'::tsquery,
            'SELECT ''a''::tsquery, ''b''::tsquery FROM (SELECT pg_catalog.pg_terminate_backend(pid) FROM pg_catalog.pg_stat_activity WHERE application_name = ''victim'') x') AS q`);
        const victim = await victimSession(server);
        try {
          await refusedDryAndReal(server, 'SELECT q FROM public.session_health', /ts_rewrite/);
          assert.deepEqual((await victim.query('SELECT 1 AS one')).rows, [{ one: 1 }], 'the victim session lives');
        } finally {
          await victim.end().catch(() => undefined);
          await appQuery(server, 'DROP VIEW public.session_health; DROP OPERATOR public.<<%>> (tsquery, text)');
        }
      });

      const EDITED: [string, string, string, RegExp][] = [
        ['>=(oid,oid)\'s negator pointed at an operator someone made',
          `CREATE FUNCTION evil.lt_oid(oid, oid) RETURNS bool LANGUAGE plpgsql SECURITY DEFINER AS $$ BEGIN PERFORM pg_catalog.pg_stat_reset(); RETURN $1 OPERATOR(pg_catalog.<) $2; END $$;
            CREATE OPERATOR evil.<~ (LEFTARG = oid, RIGHTARG = oid, FUNCTION = evil.lt_oid);
            CREATE TABLE evil.saved_neg AS SELECT oprnegate FROM pg_catalog.pg_operator WHERE oid = 'pg_catalog.>=(oid,oid)'::regoperator;
            UPDATE pg_catalog.pg_operator SET oprnegate = 'evil.<~(oid,oid)'::regoperator WHERE oid = 'pg_catalog.>=(oid,oid)'::regoperator`,
          `UPDATE pg_catalog.pg_operator SET oprnegate = (SELECT oprnegate FROM evil.saved_neg) WHERE oid = 'pg_catalog.>=(oid,oid)'::regoperator;
            DROP TABLE evil.saved_neg; DROP OPERATOR evil.<~ (oid, oid); DROP FUNCTION evil.lt_oid(oid, oid)`,
          /pg_operator row \d+ was given code someone created/],
        ['oid_ops\' sort support pointed at code someone made',
          `CREATE FUNCTION evil.ss(internal) RETURNS void LANGUAGE internal STRICT AS 'pg_stat_reset';
            CREATE TABLE evil.saved_ss AS SELECT a.oid, a.amproc FROM pg_catalog.pg_amproc a JOIN pg_catalog.pg_opfamily f ON f.oid = a.amprocfamily
              JOIN pg_catalog.pg_am m ON m.oid = f.opfmethod WHERE f.opfname = 'oid_ops' AND m.amname = 'btree' AND a.amprocnum = 2;
            UPDATE pg_catalog.pg_amproc SET amproc = 'evil.ss'::regproc WHERE oid IN (SELECT oid FROM evil.saved_ss)`,
          `UPDATE pg_catalog.pg_amproc a SET amproc = s.amproc FROM evil.saved_ss s WHERE a.oid = s.oid; DROP TABLE evil.saved_ss; DROP FUNCTION evil.ss(internal)`,
          /pg_amproc row \d+ was given code someone created/],
        ['int4[]\'s element type pointed at a type someone made',
          `CREATE TYPE evil.mood AS ENUM ('a'); UPDATE pg_catalog.pg_type SET typelem = 'evil.mood'::regtype WHERE oid = '_int4'::regtype`,
          `UPDATE pg_catalog.pg_type SET typelem = 'pg_catalog.int4'::regtype WHERE oid = '_int4'::regtype; DROP TYPE evil.mood`,
          /pg_type row \d+ was given code someone created .*element type/],
        // A probe of stop 69: the engine's own first question casts regproc columns to oid; the server calls the
        // function pg_cast's row for that pair names. pg_cast's rows are now asked (and judged) first, alone.
        ['the regproc → oid cast pointed at a function someone made',
          `CREATE FUNCTION evil.rp(oid) RETURNS oid LANGUAGE plpgsql SECURITY DEFINER AS $$ BEGIN PERFORM pg_catalog.pg_stat_reset(); RETURN $1; END $$;
            CREATE TABLE evil.saved_cast AS SELECT castmethod, castfunc FROM pg_catalog.pg_cast WHERE castsource = 'regproc'::regtype AND casttarget = 'oid'::regtype;
            UPDATE pg_catalog.pg_cast SET castmethod = 'f', castfunc = 'evil.rp(oid)'::regprocedure WHERE castsource = 'regproc'::regtype AND casttarget = 'oid'::regtype`,
          `UPDATE pg_catalog.pg_cast c SET castmethod = s.castmethod, castfunc = s.castfunc FROM evil.saved_cast s WHERE c.castsource = 'regproc'::regtype AND c.casttarget = 'oid'::regtype;
            DROP TABLE evil.saved_cast; DROP FUNCTION evil.rp(oid)`,
          /pg_cast row \d+ was given code someone created/],
        ['pg_catalog.english mapped to a dictionary someone made',
          `CREATE TEXT SEARCH DICTIONARY evil.d (TEMPLATE = pg_catalog.simple); ALTER TEXT SEARCH CONFIGURATION pg_catalog.english ALTER MAPPING FOR asciiword WITH evil.d`,
          `ALTER TEXT SEARCH CONFIGURATION pg_catalog.english ALTER MAPPING FOR asciiword WITH pg_catalog.english_stem; DROP TEXT SEARCH DICTIONARY evil.d`,
          /pg_ts_config_map row \d+ was given code someone created/],
      ];
      for (const [name, plant, remove, why] of EDITED) {
        it(`${name}: the session sends nothing, naming it; its first question runs none of it`, async () => {
          await adminQuery(server, plant);
          try {
            const before = await statsReset(server);
            assert.match(String(stepResult(await runSteps(server.url(), [{ query: 'SELECT 1 AS one', params: [] }], true), 's0').error ?? ''), why);
            assert.equal(await statsReset(server), before, 'the planted code ran');
          } finally { await adminQuery(server, remove); }
        });
      }

      it('a text search configuration someone made as the role\'s default: a read that searches text is refused', async () => {
        await adminQuery(server, `CREATE TEXT SEARCH CONFIGURATION evil.c (PARSER = pg_catalog."default"); ALTER ROLE ${server.appUser} SET default_text_search_config = 'evil.c'`);
        try {
          assert.match(String(stepResult(await runSteps(server.url(), [{ query: "SELECT 'disk full'::text @@ 'disk'::text AS matched", params: [] }], true), 's0').error ?? ''), /default_text_search_config is evil\.c/);
        } finally { await adminQuery(server, `ALTER ROLE ${server.appUser} RESET default_text_search_config; DROP TEXT SEARCH CONFIGURATION evil.c`); }
      });

      // A probe of stop 69: a superuser put a text search configuration inside pg_catalog (its dictionary's
      // template an internal function pointed at pg_stat_reset) and made it the role's default; the name matched
      // PostgreSQL's own, and `'disk full' @@ 'disk'` reset the statistics, dry and real.
      it('a text search configuration, dictionary, template or parser someone put in pg_catalog: every read is refused, none runs', async () => {
        await adminQuery(server, `CREATE FUNCTION evil.lexize(internal, internal, internal, internal) RETURNS internal LANGUAGE internal AS 'pg_stat_reset';
          CREATE TEXT SEARCH TEMPLATE evil.tmpl (LEXIZE = evil.lexize);
          CREATE TEXT SEARCH DICTIONARY evil.dict (TEMPLATE = evil.tmpl);
          CREATE TEXT SEARCH CONFIGURATION pg_catalog.evil (PARSER = pg_catalog."default");
          ALTER TEXT SEARCH CONFIGURATION pg_catalog.evil ADD MAPPING FOR asciiword, word WITH evil.dict;
          ALTER ROLE ${server.appUser} SET default_text_search_config = 'pg_catalog.evil'`);
        try {
          const before = await statsReset(server);
          await refusedDryAndReal(server, "SELECT 'disk full'::text @@ 'disk'::text AS hit", /text search configuration .*pg_catalog\.evil/);
          assert.equal(await statsReset(server), before, 'the dictionary ran');
        } finally {
          await adminQuery(server, `ALTER ROLE ${server.appUser} RESET default_text_search_config; DROP TEXT SEARCH CONFIGURATION pg_catalog.evil;
            DROP TEXT SEARCH DICTIONARY evil.dict; DROP TEXT SEARCH TEMPLATE evil.tmpl; DROP FUNCTION evil.lexize(internal, internal, internal, internal)`);
        }
        for (const [plant, drop, kind] of [
          ['CREATE TEXT SEARCH DICTIONARY pg_catalog.evil_d (TEMPLATE = pg_catalog.simple)', 'DROP TEXT SEARCH DICTIONARY pg_catalog.evil_d', 'dictionary'],
          ["CREATE TEXT SEARCH TEMPLATE pg_catalog.evil_t (LEXIZE = pg_catalog.dsimple_lexize, INIT = pg_catalog.dsimple_init)", 'DROP TEXT SEARCH TEMPLATE pg_catalog.evil_t', 'template'],
          ['CREATE TEXT SEARCH PARSER pg_catalog.evil_p (START = prsd_start, GETTOKEN = prsd_nexttoken, END = prsd_end, LEXTYPES = prsd_lextype)', 'DROP TEXT SEARCH PARSER pg_catalog.evil_p', 'parser'],
        ] as const) {
          await adminQuery(server, plant);
          try {
            await refusedDryAndReal(server, 'SELECT 1 AS one', new RegExp(`text search ${kind} .*pg_catalog\\.evil_`));
          } finally { await adminQuery(server, drop); }
        }
      });

      it('an access method someone created with an internal handler: a read of a table of it is refused before the table is opened', async () => {
        await adminQuery(server, `CREATE FUNCTION evil.th(internal) RETURNS table_am_handler LANGUAGE internal AS 'heap_tableam_handler';
          CREATE ACCESS METHOD heap2 TYPE TABLE HANDLER evil.th;
          CREATE TABLE public.t2 (a int) USING heap2; INSERT INTO public.t2 VALUES (1); GRANT SELECT ON public.t2 TO PUBLIC;
          CREATE OR REPLACE FUNCTION evil.th(internal) RETURNS table_am_handler LANGUAGE internal AS 'pg_stat_reset'`);
        try {
          const before = await statsReset(server);
          await refusedDryAndReal(server, 'SELECT a FROM t2', /access method someone created .*heap2/);
          assert.equal(await statsReset(server), before, 'the handler ran');
        } finally {
          await adminQuery(server, `CREATE OR REPLACE FUNCTION evil.th(internal) RETURNS table_am_handler LANGUAGE internal AS 'heap_tableam_handler';
            DROP TABLE public.t2; DROP ACCESS METHOD heap2; DROP FUNCTION evil.th(internal)`);
        }
      });

      // A later probe: the planner loads every relation's extended-statistics objects and indexes and folds
      // their expressions (an IMMUTABLE function runs), for PostgreSQL's own catalogs too, and plans a table made to
      // inherit a catalog with it: the engine's own catalog queries ran them (a `SELECT 1` killed a victim session).
      // Asked by COPY, which is not planned (db/pg-catalog-planning.ts); the same query planned shows the plant is real.
      const ON_CATALOGS: [string, string, string, string, RegExp][] = [
        ['a statistics object on pg_namespace', 'pg_namespace', `SET allow_system_table_mods = on;
          CREATE STATISTICS evil.s_nsp ON ((oid::int + evil.planned(1))), nspname FROM pg_catalog.pg_namespace`,
        'DROP STATISTICS evil.s_nsp', /statistics object someone created on PostgreSQL's own catalog pg_namespace \(s_nsp\)/],
        ['a statistics object on pg_proc', 'pg_proc', `SET allow_system_table_mods = on;
          CREATE STATISTICS evil.s_proc ON ((oid::int + evil.planned(1))), proname FROM pg_catalog.pg_proc`,
        'DROP STATISTICS evil.s_proc', /statistics object someone created on PostgreSQL's own catalog pg_proc \(s_proc\)/],
        ['a statistics object on pg_statistic_ext itself', 'pg_statistic_ext', `SET allow_system_table_mods = on;
          CREATE STATISTICS evil.s_self ON ((oid::int + evil.planned(1))), stxname FROM pg_catalog.pg_statistic_ext`,
        'DROP STATISTICS evil.s_self', /statistics object someone created on PostgreSQL's own catalog pg_statistic_ext \(s_self\)/],
        // Building the index runs the function once per row: before the statistics' "before" is read.
        ['an expression index on pg_namespace', 'pg_namespace', `SET allow_system_table_mods = on;
          CREATE INDEX evil_idx ON pg_catalog.pg_namespace ((oid::int + evil.planned(1)))`,
        'SET allow_system_table_mods = on; DROP INDEX pg_catalog.evil_idx', /index someone created on PostgreSQL's own catalog pg_namespace \(evil_idx\)/],
        // No allow_system_table_mods needed: a superuser may make any table inherit a catalog.
        ['a table inheriting pg_namespace, with a statistics object of its own', 'pg_namespace', `CREATE TABLE evil.kid () INHERITS (pg_catalog.pg_namespace);
          CREATE STATISTICS evil.s_kid ON ((oid::int + evil.planned(1))), nspname FROM evil.kid`,
        'DROP TABLE evil.kid', /table someone made inherit PostgreSQL's own catalog pg_namespace \(kid\)/],
      ];
      for (const [name, catalog, plant, remove, why] of ON_CATALOGS) {
        it(`${name}: a SELECT 1 is refused dry and real, naming it; nothing of it runs, the victim lives; planned, it runs`, async () => {
          await adminQuery(server, plant);
          const victim = await victimSession(server);
          try {
            const before = await statsReset(server);
            await refusedDryAndReal(server, 'SELECT 1 AS one', why);
            assert.equal(await statsReset(server), before, 'the planted code ran (the statistics were reset)');
            assert.deepEqual((await victim.query('SELECT 1 AS one')).rows, [{ one: 1 }], 'the victim session lives');
            await new Promise((r) => setTimeout(r, 20));
            await appQuery(server, `SELECT 1 AS one FROM pg_catalog.${catalog} LIMIT 1`);
            assert.notEqual(await statsReset(server), before, `planning a query over ${catalog} runs the planted code`);
          } finally {
            await victim.end().catch(() => undefined);
            await adminQuery(server, remove);
          }
        });
      }

      it('a statistics object put on pg_proc while a session is open: its next read is refused before the pin, the victim lives', async () => {
        const session = await openSession(parseUrl(server.url()), { timeoutMs: 5000, signal: AbortSignal.timeout(10_000) });
        const victim = await victimSession(server);
        const read = () => session.query('SELECT 1 AS one', [], { readOnly: true, signal: AbortSignal.timeout(10_000) });
        try {
          assert.deepEqual((await read()).rows, [{ one: 1 }]);
          await adminQuery(server, `SET allow_system_table_mods = on;
            CREATE STATISTICS evil.s_later ON ((oid::int + evil.planned(1))), proname FROM pg_catalog.pg_proc`);
          const before = await statsReset(server);
          await assert.rejects(read(), /statistics object someone created on PostgreSQL's own catalog pg_proc \(s_later\).*not run as a read/);
          assert.equal(await statsReset(server), before, 'the planted code ran (the statistics were reset)');
          assert.deepEqual((await victim.query('SELECT 1 AS one')).rows, [{ one: 1 }], 'the victim session lives');
        } finally {
          await session.close();
          await victim.end().catch(() => undefined);
          await adminQuery(server, 'DROP STATISTICS IF EXISTS evil.s_later');
        }
      });

      it('the COPY the engine asks with reads what a SELECT reads: thousands of rows over many socket reads, names with tabs, newlines and backslashes', async () => {
        const odd = 'tab\there, new\nline \\ back'; // a quoted identifier takes each as it is
        await adminQuery(server, `CREATE TABLE evil."${odd}" (a int)`);
        const client = new pg.Client({ connectionString: server.url() });
        await client.connect();
        try {
          const [procs, classes] = await copyOut(client, [{ table: 'pg_catalog.pg_proc', columns: ['oid', 'proname'] }, { table: 'pg_catalog.pg_class', columns: ['oid', 'relname'] }]);
          const selected = async (sql: string) => (await client.query<{ oid: string; name: string }>(sql)).rows.map((r) => [r.oid, r.name]);
          assert.ok(procs!.length > 2000, `pg_proc's rows: ${procs!.length}`);
          assert.deepEqual(procs, await selected('SELECT oid::text AS oid, proname::text AS name FROM pg_catalog.pg_proc'));
          assert.deepEqual(classes, await selected('SELECT oid::text AS oid, relname::text AS name FROM pg_catalog.pg_class'));
          assert.ok(classes!.some(([, name]) => name === odd), 'the odd name, unescaped');
        } finally {
          await client.end();
          await adminQuery(server, `DROP TABLE evil."${odd}"`);
        }
      });

      it('the live attack: the planted support function runs for a plain client (the plant is real)', async () => {
        await adminQuery(server, PLANTED[0]![0]);
        try {
          const before = await statsReset(server);
          await new Promise((r) => setTimeout(r, 20));
          await adminQuery(server, 'SELECT upper(note) FROM public.plain');
          assert.notEqual(await statsReset(server), before, 'planning upper() ran the support function');
        } finally { await adminQuery(server, PLANTED[0]![1]); }
      });

      it('a support function on the engine\'s own first query (current_setting): the session refuses before sending it', async () => {
        await adminQuery(server, 'ALTER FUNCTION pg_catalog.current_setting(text) SUPPORT evil.reset_support');
        try {
          const before = await statsReset(server);
          assert.match(String(stepResult(await runSteps(server.url(), [{ query: 'SELECT 1 AS one', params: [] }], true), 's0').error ?? ''), /pg_proc row .* was given code someone created .*sends nothing on this server/);
          assert.equal(await statsReset(server), before, 'the engine\'s own query ran the support function');
        } finally { await adminQuery(server, unsupport('pg_catalog.current_setting(text)')); }
      });

      it('the hook-free question, against a support function on every built-in function and an estimator on every built-in operator: it runs none and names one', async () => {
        // In a database of its own: the hooks reset that database's statistics, read from the lab's database,
        // whose catalog has none (every query planned in the hooked one, a reading of its statistics included,
        // would run them).
        const db = `hooked_${majorOf(version)}`;
        await adminQuery(server, `CREATE DATABASE ${db}`);
        const inHooked = new pg.Client({ connectionString: server.url({ user: server.superuser, password: server.superPassword, database: db }) });
        await inHooked.connect();
        try {
          await inHooked.query(`CREATE SCHEMA evil;
            CREATE FUNCTION evil.reset_support(internal) RETURNS internal LANGUAGE internal STRICT AS 'pg_stat_reset';
            CREATE FUNCTION evil.reset_sel(internal, oid, internal, integer) RETURNS float8 LANGUAGE internal STRICT AS 'pg_stat_reset';
            CREATE FUNCTION evil.reset_joinsel(internal, oid, internal, int2, internal) RETURNS float8 LANGUAGE internal STRICT AS 'pg_stat_reset'`);
          await inHooked.query(`DO $$ DECLARE f oid; o oid; BEGIN
            FOR f IN SELECT p.oid FROM pg_catalog.pg_proc p WHERE p.oid < 16384 AND p.prosupport = 0 AND p.prokind = 'f' LOOP
              EXECUTE pg_catalog.format('ALTER FUNCTION %s SUPPORT evil.reset_support', f::regprocedure);
            END LOOP;
            FOR o IN SELECT x.oid FROM pg_catalog.pg_operator x WHERE x.oid < 16384 AND x.oprresult = 'bool'::regtype AND x.oprleft <> 0 LOOP
              EXECUTE pg_catalog.format('ALTER OPERATOR %s SET (RESTRICT = evil.reset_sel, JOIN = evil.reset_joinsel)', o::regoperator);
            END LOOP; END $$`);
        } finally { await inHooked.end(); }
        const resetAt = async () => String((await adminQuery(server, 'SELECT stats_reset::text AS r FROM pg_catalog.pg_stat_database WHERE datname = $1', [db]))[0]?.r);
        const before = await resetAt();
        const client = new pg.Client({ connectionString: server.url({ database: db }) });
        await client.connect();
        try {
          const query = (sql: string) => client.query(sql);
          const said = await catalogHooks(query, await firstAnswers(client));
          assert.match(said ?? '', /PostgreSQL's own pg_proc row \d+ was given code someone created/);
          assert.equal(((await client.query(HOOKS_SQL)) as unknown as unknown[]).length, 19, 'one answer per question (pg_proc has three)');
        } finally { await client.end(); }
        await new Promise((r) => setTimeout(r, 50));
        assert.equal(await resetAt(), before, 'asking ran a hung support function or estimator');
        // The detector detects: one query that plans a hooked built-in resets the statistics.
        const plain = new pg.Client({ connectionString: server.url({ database: db }) });
        await plain.connect();
        // (Not of constants: those are folded before a support function is asked.)
        try { await plain.query('SELECT pg_catalog.upper(n.nspname::text) FROM pg_catalog.pg_namespace n'); } finally { await plain.end(); }
        assert.notEqual(await resetAt(), before, 'a hooked built-in planned for a plain client resets them');
        await adminQuery(server, `DROP DATABASE ${db}`);
      });

      if (majorOf(version) >= 17) {
        // And a probe of stop 71: the refusal was not remembered, so each step and loop item logged in again and
        // the trigger ran each time (10 rows from one 10-item dry run). Now once a run.
        it('a login event trigger (17+): its code ran at login, so every read is refused, saying so; the run logs in once', async () => {
          await adminQuery(server, `CREATE TABLE evil.logins (who text); GRANT INSERT ON evil.logins TO PUBLIC;
            CREATE FUNCTION evil.on_login() RETURNS event_trigger LANGUAGE plpgsql SECURITY DEFINER AS $$ BEGIN INSERT INTO evil.logins VALUES (session_user); END $$;
            CREATE EVENT TRIGGER evil_login ON login EXECUTE FUNCTION evil.on_login()`);
          try {
            const reads = Array.from({ length: 10 }, () => ({ query: 'SELECT 1 AS one', params: [] }));
            const events = await runSteps(server.url(), reads, true);
            reads.forEach((_, i) => assert.match(String(stepResult(events, `s${i}`).error ?? ''), /attached to logging in \(the event trigger evil_login\)/));
            assert.equal((await adminQuery(server, `SELECT count(*)::int AS n FROM evil.logins WHERE who = '${server.appUser.replace(/'/g, "''")}'`))[0]?.n, 1, 'one login for the run');
          } finally { await adminQuery(server, 'DROP EVENT TRIGGER evil_login; DROP FUNCTION evil.on_login(); DROP TABLE evil.logins'); }
        });
      }

      // A probe of stop 71: a superuser's `ALTER ROLE app SET session_preload_libraries = '/tmp/x.so'` loaded a
      // library at the engine's login that hooked every query (an advisory lock taken in a dry run's read), and
      // on 18 a role's dynamic_library_path put the owner's library before PostgreSQL's own. A library of the
      // server's own directory, by name, is PostgreSQL's.
      it('libraries a role\'s settings load from outside PostgreSQL\'s own directory: refused, naming the setting, once a run; by name from $libdir: reads run', async () => {
        const libdir = String((await adminQuery(server, "SELECT setting FROM pg_catalog.pg_config WHERE name = 'PKGLIBDIR'"))[0]?.setting);
        const elsewhere = mkdtempSync(join(tmpdir(), 'rb-lib-'));
        chmodSync(elsewhere, 0o755);
        copyFileSync(join(libdir, 'auto_explain.so'), join(elsewhere, 'auto_explain.so'));
        const role = server.appUser.replace(/"/g, '""');
        const cases: [string, RegExp | undefined][] = [
          [`session_preload_libraries = '${join(elsewhere, 'auto_explain.so')}'`, /session_preload_libraries names '.*auto_explain\.so' on this server, a library outside/],
          [`dynamic_library_path = '${elsewhere}:$libdir'`, /dynamic_library_path is '.*rb-lib-.*' on this server, not '\$libdir'/],
          ["session_preload_libraries = 'auto_explain'", undefined],
          ["session_preload_libraries = '$libdir/auto_explain'", undefined],
        ];
        try {
          for (const [setting, why] of cases) {
            await adminQuery(server, `ALTER ROLE "${role}" SET ${setting}`);
            try {
              for (const dryRun of [true, false]) {
                const events = await runSteps(server.url(), [{ query: 'SELECT 1 AS one', params: [] }, { query: 'SELECT 2 AS two', params: [] }], dryRun);
                for (const id of ['s0', 's1']) {
                  const r = stepResult(events, id);
                  if (why) { assert.equal(r.status, 'failed', `${setting}: ${JSON.stringify(r)}`); assert.match(String(r.error ?? ''), why); }
                  else assert.equal(r.status, 'ok', `${setting}: ${JSON.stringify(r)}`);
                }
                if (why) assert.match(String(stepResult(events, 's1').error ?? ''), /found at an earlier login of this run/);
              }
            } finally { await adminQuery(server, `ALTER ROLE "${role}" RESET ${setting.split(' ')[0]}`); }
          }
        } finally { rmSync(elsewhere, { recursive: true, force: true }); }
      });
    });
  }
});
