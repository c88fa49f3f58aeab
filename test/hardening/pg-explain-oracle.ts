// The server as the oracle (issue #45): for every text of a generated corpus that the classifier proves a read
// and the engine's pin lets run (the built-ins' reads, every reviewed name as a call, a quoted call, a cast and an
// operator, the lexing attacks), PostgreSQL's own EXPLAIN (VERBOSE) says which functions and operators the
// statement resolved to. The hostile twins are planted (pg-twins.ts), so a resolution the proof missed shows up
// here as a schema-qualified call. The statement is prepared under the read's pinned path, exactly as the
// engine sends it, and explained with an empty search_path: PostgreSQL then shows every object outside
// pg_catalog qualified with its schema. Each call it shows must be pg_catalog's and on the reviewed list, and
// track_functions counts no call of a twin through all of it. The corpus holds attribute notation too (`s.f`,
// `(s).f`, a call of f(s) where s has no column f) over every reviewed name, with row-taking twins planted.
// The text explained is the one the engine sends: written again from its own parse (regeneratePg), and the
// server's plan of it must be the server's plan of the author's text, word for word. PostgreSQL 15 to 18 (14 gets no proven read).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { startPostgres, type LabServer } from '../../src/lab/index.js';
import { checkRead } from '../../src/db/pg-checked-read.js';
import type { Rows } from '../../src/db/pg-pin.js';
import { PlantedStatement } from '../../src/db/pg-planted-statement.js';
import { classifySql } from '../../src/language/sql/index.js';
import { regeneratePg } from '../../src/language/sql/pg-parser.js';
import { PG_READ_ONLY } from '../../src/language/sql/read-only-functions.js';
import { builtinReads } from './builtin-reads.js';
import { LEXING_ATTACKS } from './pg-hostile.js';
import { plantTwins, quote, texts, twinCalls } from './pg-twins.js';
import { adminQuery } from '../db/helpers.js';
import { majorOf, PG_MAJORS_AT_ONCE } from '../helpers/pg-majors.js';
import type { PostgresVersion } from '../../src/lab/types.js';
import { MASKED_RELATIONS } from '../../src/language/sql/pg-masked-relations.js';

interface Text { query: string; params: string[] }

/** Calls as EXPLAIN's deparser writes them: a lowercase name (or a quoted one), maybe schema-qualified, then `(`. */
const IDENT = String.raw`(?:"(?:[^"]|"")+"|[a-z_][a-z0-9_$]*)`;
const CALL = new RegExp(String.raw`(?<![\w."$:])(?:(${IDENT})\.)?(${IDENT})\(`, 'g');
/** String literals hold any text (a lexing attack's whole statement): out before names are read. A type's
 *  modifier after :: (`::character(1)`) is not a call either (the lookbehind above). */
const withoutLiterals = (plan: string) => plan.replace(/'(?:[^']|'')*'/g, "''");
/** User-defined operators are shown as OPERATOR(schema.op). */
const OPERATOR = /OPERATOR\(([^.)]+)\.([^)]+)\)/g;
const unquote = (name: string) => (name.startsWith('"') ? name.slice(1, -1).replace(/""/g, '"') : name);
/** Words the deparser writes before a parenthesis that are syntax, not a call of a function so named. */
const SYNTAX = new Set(['varying', 'any', 'all', 'row', 'array', 'exists', 'in', 'values', 'subplan', 'initplan', 'hashed', 'returns']);

/** The unqualified names a plan calls (with an empty search_path, pg_catalog's only). */
const bareCalls = (plan: string): string[] => [...withoutLiterals(plan).matchAll(CALL)].filter(([, schema]) => schema === undefined).map(([, , name]) => unquote(name!));

/**
 * What the plan calls that is not a reviewed pg_catalog function: qualified calls, unreviewed names, user
 * operators. `own`: what PostgreSQL's own views call inside (pg_settings is pg_show_all_settings()), which a
 * read of such a view runs as PostgreSQL's own code; a direct call of one is the read list's and the twins'
 * tests' to refuse.
 */
function unreviewed(plan: string, own: ReadonlySet<string> = new Set()): string[] {
  const found: string[] = [];
  for (const [, schema, name] of withoutLiterals(plan).matchAll(CALL)) {
    const bare = unquote(name!);
    if (schema !== undefined && unquote(schema) !== 'pg_catalog') found.push(`${unquote(schema)}.${bare}()`);
    else if (schema === undefined && !PG_READ_ONLY.has(bare) && !SYNTAX.has(bare) && !own.has(bare)) found.push(`${bare}()`);
  }
  for (const [, schema, op] of withoutLiterals(plan).matchAll(OPERATOR)) if (schema !== 'pg_catalog') found.push(`OPERATOR(${schema}.${op})`);
  return found;
}

const literal = (value: string) => `'${value.replace(/'/g, "''")}'`;

/** Names planted in the application's schema as functions of pg_stat_activity's row: `s.upper` is then a call of
 *  public.upper(s) to PostgreSQL, which the pin must refuse (attribute notation). */
const ROW_TWINS = ['twin_row', 'upper', 'lower', 'length'];
/** Attribute notation over pg_stat_activity with every reviewed name and each row twin: what the server makes of
 *  `s.f` where s has no column f. */
const attributeTexts = (): string[] => [...new Set([...PG_READ_ONLY, ...ROW_TWINS])].filter((f) => /^[a-z_][a-z0-9_]*$/.test(f))
  .flatMap((f) => [`SELECT s.${quote(f)} AS x FROM pg_catalog.pg_stat_activity s`, `SELECT (s).${quote(f)} AS x FROM pg_catalog.pg_stat_activity s`]);

/** Whether a text names a relation the engine reads through its own masked subquery. */
const namesMasked = (query: string): boolean => MASKED_RELATIONS.some((r) => new RegExp(`\\b${r}\\b`, 'i').test(query));

/** The plan of a text as the engine would run it, or undefined when the engine's pin refuses it. */
/** What the views initdb made in pg_catalog and information_schema call, by the server's own plans of them. */
async function viewInternals(client: pg.Client): Promise<Set<string>> {
  const views = (await client.query(`SELECT format('%I.%I', n.nspname, c.relname) AS v FROM pg_catalog.pg_class c
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind = 'v' AND c.oid < 16384 AND n.nspname IN ('pg_catalog', 'information_schema')`)).rows.map((r) => String(r.v));
  const own = new Set<string>();
  for (const view of views) {
    const plan = await client.query(`BEGIN READ ONLY; SET LOCAL search_path = ''; EXPLAIN (VERBOSE, COSTS OFF) SELECT * FROM ${view}`)
      .then((r) => (r as unknown as pg.QueryResult[])[2]!.rows.map((x) => String(x['QUERY PLAN'])).join('\n'), () => '')
      .finally(() => client.query('ROLLBACK'));
    for (const name of bareCalls(plan)) own.add(name);
  }
  return own;
}

/** The plan of a text the run's own checks let through (checkRead, as the session sends them: the planted-objects
 *  question prepared once per connection and executed in each pin message), prepared as the engine sends it (its
 *  relations with the schemas they resolved to) or, `asWritten`, as the author wrote it. The statement's PREPARE,
 *  the empty path and its EXPLAIN go in one message, and the ROLLBACK and DEALLOCATE after it in another: the corpus
 *  is thousands of texts, each explained twice, and a round trip is milliseconds on a loaded machine. The `;` after
 *  the text is on a line of its own: a text may end in a -- comment. */
async function explained(client: pg.Client, planted: PlantedStatement, text: Text, major: number, asWritten: boolean): Promise<string | undefined> {
  const send = async (message: string) => (await client.query(message)) as unknown as Rows[];
  try {
    let sent: string;
    try { sent = (await checkRead(send, text.query, { timeout: [], vouched: false, asWritten, major, planted })).text; } catch { return undefined; }
    const args = text.params.length ? `(${text.params.map(literal).join(', ')})` : '';
    const results = await send(`PREPARE oracle AS ${sent}\n;\nSET LOCAL search_path = '';\nEXPLAIN (VERBOSE, COSTS OFF) EXECUTE oracle${args}`)
      .catch(() => undefined); // the server refused the text itself (a name it cannot resolve under the pinned path)
    return results?.[2]!.rows.map((r) => String(r['QUERY PLAN'])).join('\n');
  } finally {
    // Not DEALLOCATE ALL: the planted question's statement stays prepared, as on the engine's session. Where the
    // PREPARE failed there is no `oracle` to deallocate: that error comes after the ROLLBACK ran.
    await client.query('ROLLBACK;\nDEALLOCATE oracle').catch(() => undefined);
  }
}

/** The suite over `versions`: two files of two majors each (sql-pg-explain-oracle-*.test.ts), so that each stays
 *  well inside the runner's limit per file (one file of four majors took 600 s at load 8). */
export function explainOracle(versions: readonly PostgresVersion[]): void {
describe('PostgreSQL EXPLAIN (VERBOSE) as the oracle: what a proven read resolves to is reviewed and pg_catalog\'s', { concurrency: PG_MAJORS_AT_ONCE }, () => {
  it('the oracle sees a twin: a call that reaches the application\'s schema is shown qualified and reported', () => {
    assert.deepEqual(unreviewed('Output: public.total(a.*), lower(a.name), pg_catalog.upper(x)'), ['public.total()']);
    assert.deepEqual(unreviewed('Filter: (a.id OPERATOR(public.===) 1)'), ['OPERATOR(public.===)']);
    assert.deepEqual(unreviewed('Output: "my schema"."f"(1), pg_terminate_backend(s.pid)'), ['my schema.f()', 'pg_terminate_backend()']);
    assert.deepEqual(unreviewed("Output: '5'::character(1), ('x'' f(1)'::text)::character varying(3)"), [], 'types and literals are not calls');
  });

  for (const version of versions) {
    describe(`PostgreSQL ${majorOf(version)}`, { concurrency: 1 }, () => {
      let server: LabServer;
      let client: pg.Client;
      let own: Set<string>;
      const planted = new PlantedStatement();
      before(async () => {
        server = await startPostgres({ postgresVersion: version });
        await plantTwins(server);
        for (const f of ROW_TWINS) await adminQuery(server, `CREATE FUNCTION public.${quote(f)}(pg_catalog.pg_stat_activity) RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN 1; END $$`);
        client = new pg.Client({ connectionString: server.url() });
        await client.connect();
        own = await viewInternals(client);
      });
      after(async () => {
        await client?.end().catch(() => undefined);
        await server?.stop();
      });

      it('every proven text of the corpus: each call and operator in its plan is a reviewed pg_catalog one; no twin runs', async () => {
        const corpus: Text[] = [
          ...builtinReads().filter((r) => r.engine === 'postgres' && !r.console)
            .map((r) => ({ query: r.query, params: r.params.map((p) => (/\.user\b/.test(p) ? server.appUser : '1')) })),
          ...texts().map((query) => ({ query, params: [] })),
          ...LEXING_ATTACKS.map((query) => ({ query, params: [] })),
          ...attributeTexts().map((query) => ({ query, params: [] })),
        ].filter((t) => classifySql(t.query, 'postgres').readOnly);
        const baseline = await twinCalls(server);
        let planned = 0;
        const wrong: string[] = [];
        const attributes: string[] = [];
        const attributeSet = new Set(attributeTexts());
        let regenerated = 0;
        for (const text of corpus) {
          const sent = regeneratePg(text.query, majorOf(version)); // read by the server's own major's grammar too
          if ('error' in sent) continue; // refused as a read: nothing is sent
          regenerated++;
          const plan = await explained(client, planted, { ...text, query: sent.text }, majorOf(version), false);
          const authors = await explained(client, planted, text, majorOf(version), true);
          // A read of pg_stat_activity or the authentication files runs the engine's masked subquery of the view
          // (pg-masked-relations.ts, stop 81): its plan differs from the author's by design, and is still held to
          // reviewed calls below; the mask itself is tested by pg-hba-options and pg-activity-statements.
          if (plan !== authors && !namesMasked(text.query)) wrong.push(`${text.query}: the server reads the engine's text (${sent.text}) otherwise\n${plan}\n---\n${authors}`);
          if (plan === undefined) continue;
          planned++;
          if (attributeSet.has(text.query)) attributes.push(`${text.query}\n${plan}`);
          const found = unreviewed(plan, own);
          if (found.length) wrong.push(`${text.query}: ${found.join(', ')}\n${plan}`);
        }
        await client.end();
        await new Promise((r) => setTimeout(r, 1500)); // the session's counts reach the shared view within a second
        assert.deepEqual(wrong, []);
        assert.ok(own.has('pg_show_all_settings') && own.size > 20, `what PostgreSQL's own views call: ${[...own].join(' ')}`);
        assert.ok(planned > 200, `${planned} of ${corpus.length} proven texts planned: too few to say anything`);
        assert.ok(regenerated >= corpus.length * 0.95, `the engine wrote ${regenerated} of ${corpus.length} proven texts again`);
        assert.ok(corpus.some((t) => /pg_stat_activity/.test(t.query)), 'the built-ins\' reads are in the corpus');
        assert.equal(await twinCalls(server), baseline, 'a twin ran');
        // Attribute notation the pin let run did resolve to a function somewhere (`s.count` is count(ROW(s.…))):
        // pg_catalog's and reviewed, by the check above; every row twin's was refused, or its call would be in `wrong`.
        assert.ok(attributes.some((plan) => /\w\((ROW\(s\.|s\.\*\))/.test(plan)), `no attribute text resolved to a call: ${attributes.length} planned`);
      });
    });
  }
});
}
