// BETWEEN and IN over literals as the engine writes them (issue #45): the comparisons PostgreSQL's own parse
// analysis makes of them, each operator qualified with pg_catalog (src/language/sql/pg-parser.ts). Written bare,
// their operators are looked up along the search path when the statement runs: an operator created for the
// column's type in a schema on the path after the engine's checks (here planted, and the path set to reach it)
// took its place, and its function ran. Generated reads (the four forms of BETWEEN over columns of several types,
// expressions, subqueries and NULL bounds; IN and NOT IN over string literals with quotes, backslashes, commas,
// braces, blanks and NULLs, one item or many; IN lists the engine leaves bare, over numbers and columns), in
// WHERE, the select list, CASE and under NOT/AND/OR, each on a real server, 15 and 18:
// - the author's text, with the planted operators on the path, calls them (the attack is live);
// - the engine's text calls none of them, and gives the same rows as the author's text without them;
// - without them, the server plans the engine's text exactly as the author's (EXPLAIN VERBOSE, word for word).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { startPostgres, type LabServer } from '../../src/lab/index.js';
import { regeneratePg } from '../../src/language/sql/pg-parser.js';
import { adminQuery } from '../db/helpers.js';
import { majorOf, PG_EDGE_MAJORS } from '../helpers/pg-majors.js';
import { rng } from '../helpers/rng.js';

const SEED = Number(process.env.SQL_OPERATOR_FORMS_SEED ?? 5150);
const COUNT = Number(process.env.SQL_OPERATOR_FORMS ?? 300);

const FORMS = ['BETWEEN', 'NOT BETWEEN', 'BETWEEN SYMMETRIC', 'NOT BETWEEN SYMMETRIC'];
/** [operand, two bounds of its type]: varchar's have planted operators. */
const OPERANDS: [string, string[]][] = [
  ['v', ["'b'", "'d'", "'a'::varchar", 'w', 'NULL']],
  ['lower(v)', ["'b'", "'y'", 'w', 'NULL']],
  ['n', ['1', '3', '2.5', 'NULL', '(SELECT min(n) FROM t)']],
  ['(SELECT max(n) FROM t)', ['1', '10', 'n']],
  ['d', ["'2024-01-01'", "now()", "'2024-06-01'::timestamptz"]],
  ['x', ['0.5', '2', 'n']],
];

/** [operand, literals IN lists it]: string literals (which the engine writes as an array of the operand's type). */
const IN_OPERANDS: [string, string[]][] = [
  ['v', ["'a'", "'c'", "'it''s'", `'a"b'`, "'back\\slash'", "' e '", "''", "'{x}'", "'a,b'", 'NULL']],
  ['lower(w)', ["'c'", "'z'", "'B'", 'NULL']],
  ['d', ["'2024-01-01'", "'2024-03-01 00:00+00'", 'NULL']],
  ['x', ["'0.5'", "'2.5'", "'7'", 'NULL']],
];
/** IN lists the engine leaves bare (a number or a column among the items): over types with no planted operator. */
const BARE_IN = ['n IN (1, 2)', 'n NOT IN (3, n)', 'x IN (0.5, n)', 'd IN (d, now())'];

function generate(random: () => number): string[] {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const inList = () => {
    const [operand, literals] = pick(IN_OPERANDS);
    const items = Array.from({ length: 1 + Math.floor(random() * 4) }, () => pick(literals));
    return `${operand} ${random() < 0.3 ? 'NOT IN' : 'IN'} (${items.join(', ')})`;
  };
  const comparison = () => {
    const r = random();
    if (r < 0.3) return inList();
    if (r < 0.4) return pick(BARE_IN);
    const [operand, bounds] = pick(OPERANDS);
    return `${operand} ${pick(FORMS)} ${pick(bounds)} AND ${pick(bounds)}`;
  };
  const condition = (depth: number): string => {
    const r = random();
    if (depth > 1 || r < 0.4) return comparison();
    if (r < 0.55) return `NOT ${comparison()}`;
    if (r < 0.75) return `${condition(depth + 1)} AND ${condition(depth + 1)}`;
    if (r < 0.9) return `${condition(depth + 1)} OR ${condition(depth + 1)}`;
    return `(${comparison()}) IS TRUE`; // (NOT …) IS TRUE is refused whatever it holds: the deparser drops its parentheses
  };
  const out: string[] = [];
  for (let i = 0; i < COUNT; i++) {
    const shape = pick([
      () => `SELECT n FROM t WHERE ${condition(0)} ORDER BY n`,
      () => `SELECT n, ${condition(0)} AS b FROM t ORDER BY n`,
      () => `SELECT n, CASE WHEN ${condition(0)} THEN 1 ELSE 0 END AS c FROM t ORDER BY n`,
      () => `SELECT count(*) AS c FROM t WHERE ${condition(0)}`,
    ]);
    out.push(shape());
  }
  return out;
}

/** The operators BETWEEN and IN apply, planted for varchar in schema `a`: each calls a function that counts itself. */
const PLANT = ['>=', '<=', '<', '>', '=', '<>'].map((o, i) => `CREATE FUNCTION a.twin${i}(varchar, varchar) RETURNS bool LANGUAGE plpgsql AS $$ BEGIN RETURN true; END $$;
  CREATE OPERATOR a.${o} (LEFTARG = varchar, RIGHTARG = varchar, FUNCTION = a.twin${i});`).join('\n');

for (const version of PG_EDGE_MAJORS) {
  describe(`PostgreSQL ${majorOf(version)}: BETWEEN and IN over literals are written as their qualified comparisons`, () => {
    let server: LabServer;
    let client: pg.Client;
    before(async () => {
      server = await startPostgres({ postgresVersion: version });
      await adminQuery(server, "ALTER SYSTEM SET track_functions = 'all'");
      await adminQuery(server, 'SELECT pg_reload_conf()');
      await adminQuery(server, `CREATE SCHEMA a; ${PLANT}
        CREATE TABLE public.t (n int, v varchar, w varchar, d timestamptz, x numeric);
        INSERT INTO public.t VALUES (1, 'a', 'c', '2024-01-01', 0.5), (2, 'c', 'b', '2024-03-01', 1.5), (3, 'e', 'z', '2024-09-01', 2.5), (4, NULL, 'a', NULL, NULL)`);
      client = new pg.Client({ connectionString: server.adminUrl() });
      await client.connect();
    });
    after(async () => { await client?.end(); await server?.stop(); });

    /** The planted functions' calls, as another session sees them once this one has reported its counts. */
    const twinCalls = async () => {
      await client.query('SELECT pg_stat_force_next_flush()');
      await client.query('SELECT 1'); // ends a transaction: the counts are sent
      await new Promise((r) => setTimeout(r, 1200));
      return Number((await adminQuery(server, "SELECT coalesce(sum(calls), 0)::int AS n FROM pg_stat_user_functions WHERE schemaname = 'a'"))[0]!.n);
    };
    const rowsOf = async (path: string, sql: string) => {
      await client.query(`SET search_path = ${path}`);
      return JSON.stringify((await client.query(sql)).rows);
    };

    it(`${COUNT} generated reads: the engine's text calls no planted operator, gives the author's rows and plan (seed ${SEED})`, async () => {
      const reads = generate(rng(SEED));
      const written = reads.map((text) => {
        const r = regeneratePg(text, majorOf(version), { t: 'public' });
        assert.ok('text' in r, `${text}: ${'error' in r ? r.error : ''}`);
        assert.doesNotMatch(r.text, /BETWEEN/, 'written as its comparisons');
        assert.doesNotMatch(r.text.replace(/'(?:[^']|'')*'/g, "''"), /\b(?:v|lower\(w\)) (?:NOT )?IN\b/, 'IN over literals written as its comparison');
        return r.text;
      });
      // The author's text, with the planted operators first on the path: they run (the attack is live).
      const before = await twinCalls();
      for (const text of reads) await rowsOf('a, pg_catalog, public', text);
      assert.ok(await twinCalls() > before, 'the planted operators ran for the author\'s text');
      // The engine's text, on the same path: none runs; its rows are the author's without them.
      const start = await twinCalls();
      for (const [i, text] of written.entries()) {
        assert.equal(await rowsOf('a, pg_catalog, public', text), await rowsOf('pg_catalog, public', reads[i]!), `${reads[i]}\n  written ${text}`);
      }
      assert.equal(await twinCalls(), start, 'a planted operator ran for the engine\'s text');
      // Without them, the same plan, word for word.
      await client.query('SET search_path = pg_catalog, public');
      for (const [i, text] of written.entries()) {
        const plan = async (sql: string) => (await client.query(`EXPLAIN (VERBOSE, COSTS OFF) ${sql}`)).rows.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n');
        assert.equal(await plan(text), await plan(reads[i]!), `${reads[i]}\n  written ${text}`);
      }
    });
  });
}
