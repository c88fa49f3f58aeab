// A probe of stop 73: a table someone made inherit pg_cast, with an expression index calling a function that writes,
// wrote a committed row at every login of the engine, dry runs too: the login's first message SELECTed pg_cast, and
// the planner expanded the child and folded its index before the COPY that finds the child was asked. Here every
// catalog the engine's login names (recorded from what it sends to a clean server) gets all four things the planner
// runs: a child table with an expression index of its own, an index's expression and predicate, and a statistics
// object's expression, each calling a function that writes a marker row (and resets the database's
// statistics, which a READ ONLY transaction does not stop). A dry run and a real run are refused, and nothing of it
// ran; a plain client's query over each catalog runs each plant (the plants are real).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { startPostgres, type LabServer } from '../../src/lab/index.js';
import type { PostgresVersion } from '../../src/lab/types.js';
import { openSession } from '../../src/db/open.js';
import { parseUrl } from '../../src/db/url.js';
import { adminQuery, appQuery } from '../db/helpers.js';
import { runSteps, stepResult } from './read-steps.js';
import { majorOf, PG_EDGE_MAJORS, PG_MAJORS_AT_ONCE } from '../helpers/pg-majors.js';
import { rng } from '../helpers/rng.js';
import { firstAnswers } from '../../src/db/pg-first-question.js';

const MARKER = `CREATE TABLE public.marker (at timestamptz DEFAULT now(), who text, what text);
  CREATE FUNCTION public.act(text) RETURNS int LANGUAGE plpgsql VOLATILE SECURITY DEFINER AS $$ BEGIN
    PERFORM pg_catalog.pg_stat_reset(); INSERT INTO public.marker (who, what) VALUES (session_user, $1); RETURN 1; END $$;
  CREATE FUNCTION public.hook(text) RETURNS int LANGUAGE plpgsql IMMUTABLE AS $$ BEGIN RETURN public.act($1); END $$;
  GRANT EXECUTE ON FUNCTION public.hook(text), public.act(text) TO PUBLIC`;

/** One recording at a time: the servers' suites run side by side, and the recorder is pg's own Client.query. */
let recorder: Promise<unknown> = Promise.resolve();

/** The catalogs (tables of pg_catalog) named in what the engine sends while it logs in to a clean server. */
function loginCatalogs(server: LabServer): Promise<string[]> {
  const recorded = recorder.then(() => recordLogin(server));
  recorder = recorded.catch(() => undefined);
  return recorded;
}

async function recordLogin(server: LabServer): Promise<string[]> {
  const sent: string[] = [];
  const query = pg.Client.prototype.query;
  const port = parseUrl(server.url()).port;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    const q = args[0] as string | { text?: unknown };
    // The engine's own client to this server only (the other suites' checks go through pg too).
    const engines = (this as unknown as { connectionParameters?: { application_name?: string } }).connectionParameters?.application_name === 'runbook';
    if (engines && this.port === port) sent.push(typeof q === 'string' ? q : String(q.text)); // the COPY question's object keeps its text too
    return (query as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof query;
  try {
    const session = await openSession(parseUrl(server.url()), { timeoutMs: 10_000, signal: AbortSignal.timeout(20_000) });
    await session.close();
  } finally { pg.Client.prototype.query = query; }
  const named = [...new Set(sent.join('\n').match(/pg_catalog\.pg_[a-z_]+/g))].map((n) => n.slice('pg_catalog.'.length));
  const rows = await adminQuery(server, `SELECT relname FROM pg_catalog.pg_class
    WHERE relnamespace = 'pg_catalog'::regnamespace AND relkind = 'r' AND relname = ANY($1) ORDER BY relname`, [named]);
  return rows.map((r) => String(r.relname));
}

interface Catalog { name: string; column: string; shared: boolean }

/**
 * Each plant, in an order where none runs into an earlier one: an index planted on pg_index breaks the next CREATE
 * INDEX (the server's own writes to a catalog take its indexes to have no expression), so pg_index's comes last, and one index
 * holds both the expression and the predicate. A catalog shared between databases takes no index (PostgreSQL
 * refuses it to a superuser too). `column`: the catalog's first, which the expressions read.
 */
function plants(catalogs: readonly Catalog[]): string[] {
  const call = (what: string, c: Catalog) => `(public.hook('${what} ${c.name}') OPERATOR(pg_catalog.+) (${c.column} IS NULL)::int)`;
  const indexed = catalogs.filter((c) => !c.shared).sort((a, b) => Number(a.name === 'pg_index') - Number(b.name === 'pg_index'));
  return [
    ...catalogs.map((c) => `CREATE TABLE public.kid_${c.name} () INHERITS (pg_catalog.${c.name});
      CREATE INDEX ON public.kid_${c.name} (${call('child', c)})`),
    ...catalogs.map((c) => `CREATE STATISTICS public.s_${c.name} ON ${call('statistics', c)} FROM pg_catalog.${c.name}`),
    ...indexed.map((c) => `CREATE INDEX e_${c.name} ON pg_catalog.${c.name} (${call('index', c)}) WHERE public.hook('predicate ${c.name}') > 0`),
  ].map((sql) => `SET allow_system_table_mods = on; ${sql}`);
}

/** What runs when a query over `c` is planned. */
const kinds = (c: Catalog): string[] => ['child', 'statistics', ...(c.shared ? [] : ['index', 'predicate'])].map((k) => `${k} ${c.name}`);

/** Values a setting may hold that text[]'s and COPY's escaping both touch: quotes, backslashes, braces, commas,
 *  blanks, tabs, newlines, `=`, NULL's spelling, letters beyond ASCII. */
const PIECES = ['"', '\\', '{', '}', ',', ' ', '\t', '\n', '=', "'", 'NULL', '\\N', 'é', '😀', 'a', 'b'];
function settingValues(seed: number, n: number): string[] {
  const next = rng(seed);
  return Array.from({ length: n }, () => Array.from({ length: 1 + Math.floor(next() * 12) }, () => PIECES[Math.floor(next() * PIECES.length)]).join(''));
}

const VERSIONS: readonly PostgresVersion[] = [...PG_EDGE_MAJORS, '14'];

describe('nothing the engine sends before its COPY question is planned: code planted on the catalogs its login reads runs in no login', { concurrency: PG_MAJORS_AT_ONCE }, () => {
  for (const version of VERSIONS) {
    describe(`PostgreSQL ${majorOf(version)}`, { concurrency: 1 }, () => {
      let server: LabServer;
      let catalogs: Catalog[];
      before(async () => {
        server = await startPostgres({ postgresVersion: version });
        await adminQuery(server, MARKER);
        // An ANALYZE of a catalog evaluates its indexes' and statistics' expressions too (as the server's own user).
        await adminQuery(server, 'ALTER SYSTEM SET autovacuum = off');
        await adminQuery(server, 'SELECT pg_catalog.pg_reload_conf()');
        const names = await loginCatalogs(server);
        assert.ok(names.includes('pg_cast') && names.includes('pg_proc') && names.includes('pg_inherits'), `the login's catalogs: ${names.join(', ')}`);
        const columns = await adminQuery(server, `SELECT c.relname, a.attname, c.relisshared FROM pg_catalog.pg_class c
          JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum = 1
          WHERE c.relnamespace = 'pg_catalog'::regnamespace AND c.relname = ANY($1) ORDER BY c.relname`, [names]);
        catalogs = columns.map((r) => ({ name: String(r.relname), column: String(r.attname), shared: r.relisshared === true }));
        for (const sql of plants(catalogs)) await adminQuery(server, sql);
      });
      after(() => server?.stop());

      const marked = async () => (await adminQuery(server, 'SELECT what FROM public.marker WHERE who = $1 ORDER BY what', [server.appUser])).map((r) => String(r.what));
      const statsReset = async () => String((await adminQuery(server, 'SELECT stats_reset::text AS r FROM pg_catalog.pg_stat_database WHERE datname = current_database()'))[0]?.r);

      it('a SELECT 1, dry and real: refused at the login\'s first message, naming a plant; no marker row, the statistics not reset', async () => {
        await adminQuery(server, 'DELETE FROM public.marker');
        await adminQuery(server, 'SELECT pg_catalog.pg_stat_reset()');
        const before = await statsReset();
        for (const dryRun of [true, false]) {
          const r = stepResult(await runSteps(server.url(), [{ query: 'SELECT 1 AS x', params: [] }], dryRun), 's0');
          assert.equal(r.status, 'failed', JSON.stringify(r));
          assert.match(String(r.error ?? ''), /(statistics object|index|table) someone (created|made inherit) .*PostgreSQL's own catalog .*nothing is sent on this server/);
        }
        assert.deepEqual(await marked(), [], 'a planted function ran in the engine\'s login');
        assert.equal(await statsReset(), before, 'a planted function ran in the engine\'s login (the statistics were reset)');
      });

      it('the plants are real: a plain client\'s query over each catalog runs each of them', async () => {
        await adminQuery(server, 'DELETE FROM public.marker');
        for (const { name } of catalogs) await appQuery(server, `SELECT 1 AS one FROM pg_catalog.${name} LIMIT 1`);
        const ran = new Set(await marked());
        const missing = catalogs.flatMap(kinds).filter((w) => !ran.has(w));
        assert.deepEqual(missing, [], 'planted, but not run by planning a query over the catalog');
      });

      it('the roles\' and databases\' settings, read by COPY, are what a SELECT reads: generated values (seed 73)', async () => {
        const values = settingValues(73, 40);
        const role = server.appUser.replace(/"/g, '""');
        const db = parseUrl(server.url()).database.replace(/"/g, '""');
        const literal = (v: string) => `'${v.replace(/'/g, "''")}'`;
        const set = values.map((v, i) => `ALTER ${i % 2 ? `ROLE "${role}"` : `DATABASE "${db}"`} SET rb.v${i} = ${literal(v)}`);
        for (const sql of set) await adminQuery(server, sql);
        try {
          const client = new pg.Client({ connectionString: server.url() });
          await client.connect();
          const read = await firstAnswers(client).finally(() => client.end());
          const selected = await adminQuery(server, 'SELECT pg_catalog.unnest(setconfig) AS s FROM pg_catalog.pg_db_role_setting');
          assert.deepEqual([...read.libraries].sort(), selected.map((r) => String(r.s)).sort());
          assert.deepEqual(values.map((v, i) => read.libraries.includes(`rb.v${i}=${v}`)), values.map(() => true), 'each value as set');
        } finally {
          for (const [i] of values.entries()) await adminQuery(server, `ALTER ${i % 2 ? `ROLE "${role}"` : `DATABASE "${db}"`} RESET rb.v${i}`);
        }
      });
    });
  }
});
