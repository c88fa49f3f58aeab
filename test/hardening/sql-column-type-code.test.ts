// Code a read runs for the TYPES of the columns it reads, which neither its text nor the relation's stored
// trees show: a range type's subtype_diff (called by the planner's selectivity estimate for `&&`, `<`, `@>` …
// once the column has statistics, even for EXPLAIN), a domain's CHECK (run when a literal is coerced to the
// column's domain, as array_position(ARRAY[d], 'x') does), and a cast from a user type that its owner created
// (`col::text`, to_json(col)). Each calls a user function that terminates the victim; each must be refused as
// not read-only, dry and real, and the victim survives; plain, the same read terminates it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import pg from 'pg';
import { startPostgres, type LabServer } from '../../src/lab/index.js';
import { adminQuery, victimSession } from '../db/helpers.js';
import { runSteps } from './read-steps.js';
import { majorOf, PG_EDGE_MAJORS } from '../helpers/pg-majors.js';

const KILLED = "(SELECT bool_or(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = 'victim')";

/** A column type built around a core by wrappers, outermost last: the code the core carries must be found through any nesting. */
type Core = 'check' | 'subdiff' | 'multirange' | 'base' | 'cast' | 'builtin-check' | 'builtin-range' | 'enum';
type Wrapper = 'domain' | 'array' | 'composite';
const HOSTILE: Core[] = ['check', 'subdiff', 'multirange', 'base', 'cast'];

/** The DDL of schema s (the type, then table s.t (c <type>)) and the read of it. */
function chain(s: string, core: Core, wrappers: Wrapper[]): string {
  const ddl: string[] = [`CREATE SCHEMA ${s}`];
  let type: string;
  switch (core) {
    case 'check': ddl.push(`CREATE DOMAIN ${s}.k AS int CHECK (public.user_check(VALUE))`); type = `${s}.k`; break;
    case 'builtin-check': ddl.push(`CREATE DOMAIN ${s}.k AS int CHECK (VALUE > 0 AND VALUE IS NOT NULL)`); type = `${s}.k`; break;
    case 'subdiff': ddl.push(`CREATE TYPE ${s}.k AS RANGE (subtype = int, subtype_diff = public.user_diff)`); type = `${s}.k`; break;
    case 'multirange': ddl.push(`CREATE TYPE ${s}.k AS RANGE (subtype = int, subtype_diff = public.user_diff, multirange_type_name = ${s}.km)`); type = `${s}.km`; break;
    case 'builtin-range': ddl.push(`CREATE TYPE ${s}.k AS RANGE (subtype = int, subtype_diff = pg_catalog.int4range_subdiff)`); type = `${s}.k`; break;
    case 'cast': ddl.push(`CREATE TYPE ${s}.k AS ENUM ('a', 'b')`, `CREATE FUNCTION ${s}.user_cast(${s}.k) RETURNS int LANGUAGE sql AS 'SELECT 1'`,
      `CREATE CAST (${s}.k AS int) WITH FUNCTION ${s}.user_cast(${s}.k)`); type = `${s}.k`; break;
    case 'enum': ddl.push(`CREATE TYPE ${s}.k AS ENUM ('a', 'b')`); type = `${s}.k`; break;
    case 'base': type = 'ext.ltree'; break; // an extension's base type: its input and output are C
  }
  wrappers.forEach((w, i) => {
    if (w === 'array') type = `${type}[]`;
    else if (w === 'domain') { ddl.push(`CREATE DOMAIN ${s}.w${i} AS ${type}`); type = `${s}.w${i}`; }
    else { ddl.push(`CREATE TYPE ${s}.w${i} AS (x ${type}, n int)`); type = `${s}.w${i}`; }
  });
  ddl.push(`CREATE TABLE ${s}.t (c ${type})`, `GRANT USAGE ON SCHEMA ${s} TO PUBLIC`, `GRANT SELECT ON ${s}.t TO PUBLIC`);
  return ddl.join(';\n');
}

/** [what, setup SQL (as the administrator), the read] */
const CASES: [string, string, string][] = [
  ['a range column whose subtype_diff acts (planner selectivity)', `
    CREATE FUNCTION public.diff_kill(a int, b int) RETURNS float8 LANGUAGE plpgsql IMMUTABLE AS $$
      BEGIN PERFORM ${KILLED}; RETURN (a - b)::float8; END $$;
    CREATE TYPE public.span AS RANGE (subtype = int, subtype_diff = public.diff_kill);
    CREATE TABLE public.spans (r public.span);
    INSERT INTO public.spans SELECT public.span(i, i + (i % 7) + 1) FROM generate_series(1, 2000) i;
    ANALYZE public.spans`, "SELECT count(*) AS n FROM spans WHERE r && '[100,120)'"],
  ['the same, only planned (EXPLAIN without ANALYZE)', '', "EXPLAIN SELECT count(*) FROM spans WHERE r @> 110"],
  ['a range column reached through a view of it', `
    CREATE VIEW public.spans_v AS SELECT r FROM public.spans`, "SELECT count(*) AS n FROM spans_v WHERE r < '[100,120)'"],
  ['a domain column whose CHECK acts (a literal coerced to it)', `
    CREATE FUNCTION public.check_kill(t text) RETURNS bool LANGUAGE plpgsql AS $$ BEGIN PERFORM ${KILLED}; RETURN true; END $$;
    CREATE DOMAIN public.tag AS text CHECK (public.check_kill(VALUE));
    CREATE TABLE public.tagged (d public.tag); INSERT INTO public.tagged VALUES ('a')`, "SELECT array_position(ARRAY[d], 'x') AS d FROM tagged"],
  ['an array of that domain', `
    CREATE TABLE public.tags (ds public.tag[]); INSERT INTO public.tags VALUES (ARRAY['a']::public.tag[])`, "SELECT array_position(ds, 'x') AS d FROM tags"],
  // A probe of stop 68: types listed in a view's stored tree beyond its columns and casts (XMLTABLE's columns, a
  // function's column definition list) are where the executor coerces values, so the domain's CHECK runs there.
  ['a view reading XMLTABLE whose column is that domain', `
    CREATE VIEW public.xv AS SELECT t.x::text AS x FROM XMLTABLE('/r' PASSING ('<r>1</r>'::xml) COLUMNS x public.tag PATH '.') t`, 'SELECT x FROM xv'],
  ['a view reading a function through a column definition list of that domain', `
    CREATE VIEW public.jv AS SELECT r.a::text AS a FROM json_to_record('{"a":"1"}'::json) AS r(a public.tag)`, 'SELECT a FROM jv'],
  // Then the same domain inside an array, a composite or a range named there (a probe of stop 68): the executor
  // reads the value into dx[] (array_in), (dx) (record_in) or a range of it, and runs the CHECK.
  ['a view casting text to an array of that domain', `
    CREATE VIEW public.av AS SELECT 1 AS one FROM pg_catalog.generate_series(1, 1) g WHERE ('{' || g || '}')::public.tag[] IS NOT NULL`, 'SELECT one FROM av'],
  ['a view reading a column definition list of a composite holding that domain', `
    CREATE TYPE public.tagbox AS (a public.tag);
    CREATE VIEW public.bv AS SELECT 1 AS one FROM json_to_record('{"a": {"a": "x"}}') AS r(a public.tagbox)`, 'SELECT one FROM bv'],
  ['a row-level security policy casting to an array of that domain', `
    CREATE TABLE public.tagpol (id int); INSERT INTO public.tagpol VALUES (1);
    ALTER TABLE public.tagpol ENABLE ROW LEVEL SECURITY; ALTER TABLE public.tagpol FORCE ROW LEVEL SECURITY;
    CREATE POLICY p ON public.tagpol FOR SELECT USING (('{' || id || '}')::public.tag[] IS NOT NULL)`, 'SELECT id FROM tagpol'],
  ['a composite column holding that domain', `
    CREATE TYPE public.pair AS (d public.tag, n int); CREATE TABLE public.pairs (p public.pair); INSERT INTO public.pairs VALUES (ROW('a', 1))`,
  "SELECT array_position(ARRAY[(p).d], 'x') AS d FROM pairs"],
  ['an enum column with a user cast to text', `
    CREATE TYPE public.mood AS ENUM ('ok', 'sad');
    CREATE FUNCTION public.mood_text(m public.mood) RETURNS text LANGUAGE plpgsql AS $$ BEGIN PERFORM ${KILLED}; RETURN m::name::text; END $$;
    CREATE CAST (public.mood AS text) WITH FUNCTION public.mood_text(public.mood);
    CREATE TABLE public.moods (m public.mood); INSERT INTO public.moods VALUES ('ok')`, 'SELECT m::text AS m FROM moods'],
  ['a composite column holding it, read as JSON (a user cast to json)', `
    CREATE FUNCTION public.mood_json(m public.mood) RETURNS json LANGUAGE plpgsql AS $$ BEGIN PERFORM ${KILLED}; RETURN '1'::json; END $$;
    CREATE CAST (public.mood AS json) WITH FUNCTION public.mood_json(public.mood);
    CREATE TYPE public.feeling AS (m public.mood); CREATE TABLE public.feelings (f public.feeling); INSERT INTO public.feelings VALUES (ROW('ok'))`,
  'SELECT to_json(f) AS j FROM feelings'],
  // A probe of stop 69: no column of any relation has the type; a constant of it in a view or a policy does, and
  // to_json() calls its cast to json. The type of every value in a stored tree is read now.
  ['a view of to_json() of a constant of that enum (its cast to json the role\'s own)', `
    CREATE VIEW public.status_v AS SELECT 1 AS id, pg_catalog.to_json('sad'::public.mood) AS j`, 'SELECT id, j FROM status_v'],
  ['a row-level security policy calling to_json() of a constant of it', `
    CREATE TABLE public.orders (id int); INSERT INTO public.orders VALUES (1);
    ALTER TABLE public.orders ENABLE ROW LEVEL SECURITY; ALTER TABLE public.orders FORCE ROW LEVEL SECURITY;
    CREATE POLICY p ON public.orders FOR SELECT USING (pg_catalog.to_json('sad'::public.mood) IS NOT NULL)`, 'SELECT count(*) AS n FROM orders'],
  ['a row-level security policy reading a table with that range column', `
    CREATE TABLE public.guarded (id int); INSERT INTO public.guarded VALUES (1);
    ALTER TABLE public.guarded ENABLE ROW LEVEL SECURITY; ALTER TABLE public.guarded FORCE ROW LEVEL SECURITY;
    CREATE POLICY p ON public.guarded USING (EXISTS (SELECT FROM public.spans s WHERE s.r && '[100,120)'))`, 'SELECT id FROM guarded'],
];

describe('code run for the types of the columns a read reads, on both majors', { concurrency: true }, () => {
  for (const version of PG_EDGE_MAJORS) {
    describe(`PostgreSQL ${majorOf(version)}: code run for column types`, { concurrency: 1 }, () => {
      let server: LabServer;
      let victim: pg.Client;
      const connectVictim = async () => { victim = await victimSession(server); };
      const alive = () => victim.query('SELECT 1').then(() => true, () => false);
      before(async () => {
        server = await startPostgres({ postgresVersion: version });
        await connectVictim();
      });
      after(async () => {
        await victim?.end().catch(() => undefined);
        await server?.stop();
      });

      for (const [what, setup, query] of CASES) {
        it(`${what}: refused, dry and real; plain, the read terminates the victim`, async () => {
          if (setup) await adminQuery(server, setup);
          await adminQuery(server, 'GRANT SELECT ON ALL TABLES IN SCHEMA public TO PUBLIC');
          // The setup ran the code too (ANALYZE calls subtype_diff, an INSERT the CHECK): a fresh victim.
          if (!(await alive())) await connectVictim();
          for (const dryRun of [true, false]) {
            const events = await runSteps(server.url(), [{ query, params: [] }], dryRun);
            const f = events.find((e) => e.type === 'step-finished' && e.stepId === 's0');
            assert.ok(f?.type === 'step-finished');
            assert.deepEqual([f.result.status, f.result.classification], ['failed', 'not-read-only'], `${what}${dryRun ? ' (dry run)' : ''}: ${f.result.error}`);
            assert.match(f.result.error ?? '', /not known to be read-only.*as the server resolves it/);
            assert.ok(await alive(), `${what}: the victim survives`);
          }
          const plain = new pg.Client({ connectionString: server.url() });
          await plain.connect();
          await plain.query(query).catch(() => undefined);
          await plain.end();
          assert.equal(await alive(), false, `${what}: unchecked, the read terminates the victim`);
          await connectVictim();
        });
      }

      it('any nesting of domains, arrays and composites around a column type: refused iff the core carries code not known to be read-only (generated)', async () => {
        await adminQuery(server, `CREATE SCHEMA ext; CREATE EXTENSION ltree SCHEMA ext; GRANT USAGE ON SCHEMA ext TO PUBLIC;
          CREATE FUNCTION public.user_check(int) RETURNS bool LANGUAGE sql IMMUTABLE AS 'SELECT true';
          CREATE FUNCTION public.user_diff(int, int) RETURNS float8 LANGUAGE sql IMMUTABLE AS 'SELECT ($1 - $2)::float8'`);
        let n = 0;
        await fc.assert(fc.asyncProperty(
          fc.constantFrom<Core>('check', 'subdiff', 'multirange', 'base', 'cast', 'builtin-check', 'builtin-range', 'enum'),
          fc.array(fc.constantFrom<Wrapper>('domain', 'array', 'composite'), { maxLength: 3 }),
          async (core, wrappers) => {
            const s = `gen${n++}`;
            await adminQuery(server, chain(s, core, wrappers));
            const events = await runSteps(server.url(), [{ query: `SELECT c FROM ${s}.t`, params: [] }], true);
            const f = events.find((e) => e.type === 'step-finished' && e.stepId === 's0');
            assert.ok(f?.type === 'step-finished');
            const what = `${core} in ${wrappers.join(' in ') || 'nothing'}`;
            if (HOSTILE.includes(core)) {
              assert.equal(f.result.classification, 'not-read-only', `${what}: ${f.result.error}`);
              assert.match(f.result.error ?? '', /(user_check|user_diff|user_cast|type ext\.ltree).*not known to be read-only/, what);
            } else {
              assert.equal(f.result.status, 'ok', `${what}: ${f.result.error}`);
            }
          }), { numRuns: 24, seed: 2926 });
      });

      // Not to_json(m) of the enum any more: its cast to json is looked up as the statement runs, and one created
      // after the check ran (a probe of stop 74, sql-pg-plan-race.test.ts): a conversion to JSON of it is refused.
      it('columns of built-in types, enums, and ranges and domains of built-in code still read', async () => {
        await adminQuery(server, `CREATE TYPE public.calm AS ENUM ('ok', 'sad'); CREATE TYPE public.fspan AS RANGE (subtype = float8);
          CREATE DOMAIN public.pos AS int CHECK (VALUE > 0);
          CREATE TABLE public.plain_cols (i int, m public.calm, f public.fspan, p public.pos, ps public.pos[]);
          INSERT INTO public.plain_cols SELECT i, 'ok', public.fspan(i, i + 1), i, ARRAY[i]::public.pos[] FROM generate_series(1, 500) i;
          ANALYZE public.plain_cols; GRANT SELECT ON public.plain_cols TO PUBLIC`);
        for (const dryRun of [true, false]) {
          const events = await runSteps(server.url(), [{ query: "SELECT count(*) AS n FROM plain_cols WHERE f && '[10,20)' AND m::text = 'ok' AND COALESCE(p, '1') > 0", params: [] }], dryRun);
          const f = events.find((e) => e.type === 'step-finished' && e.stepId === 's0');
          assert.ok(f?.type === 'step-finished');
          assert.deepEqual([f.result.status, f.result.rows], ['ok', [{ n: 10 }]], f.result.error);
        }
        assert.ok(await alive());
      });
    });
  }
});
