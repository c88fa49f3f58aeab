// Attribute notation (issue #45): PostgreSQL reads `t.f`, `(t).f` and `schema.table.f` as a call of a function
// f(t) wherever t has no column f. The classifier sees a column there. Generated from a fixed seed: names (random
// ones, and a sample of the read list's), each planted in the application's schema as a function taking a user
// table's row, pg_stat_activity's row, any record or anyelement, counted by track_functions. Each is written in
// every attribute position (select list, WHERE, GROUP BY, through a view, on pg_stat_activity rows, a wait's
// poll); every such text the classifier proves a read runs for real and dry, on PostgreSQL 15 to 18. The server
// is the oracle twice: the same texts through a plain connection do call the twins (the notation is real), and
// through the engine no twin runs; columns written the same way still read.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startPostgres, type LabServer } from '../../src/lab/index.js';
import { PG_READ_ONLY } from '../../src/language/sql/read-only-functions.js';
import { classifySql } from '../../src/language/sql/index.js';
import { parseRunbook } from '../../src/language/runbook.js';
import { createExecutors } from '../../src/executors/index.js';
import { Run } from '../../src/engine/run.js';
import { Redactor } from '../../src/secrets/redactor.js';
import { adminQuery } from '../db/helpers.js';
import { runSteps, type Step } from './read-steps.js';
import { majorOf, PG_MAJORS, PG_MAJORS_AT_ONCE } from '../helpers/pg-majors.js';

/** A fixed-seed stream (the suite's inputs are generated, never hand-picked, and the same every run). */
function seeded(seed: number): () => number {
  let x = seed >>> 0;
  return () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 2 ** 32;
}
const next = seeded(4545);
const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
const randomName = () => Array.from({ length: 3 + Math.floor(next() * 8) }, () => pick('abcdefghijklmnopqrstuvwxyz_'.split(''))).join('');

/** What each planted twin takes: the row it is called on by attribute notation. */
const TAKES = ['public.acct', 'pg_catalog.pg_stat_activity', 'record', 'anyelement'] as const;
/** Columns of the relations the texts read: a name that is one reads the column, not the twin. */
const COLUMNS = new Set(['id', 'balance', 'pid', 'state', 'query', 'datname', 'usename']);

const NAMES = [...new Set([...Array.from({ length: 28 }, randomName),
  ...Array.from({ length: 8 }, () => pick([...PG_READ_ONLY].filter((n) => /^[a-z_]+$/.test(n))))])].filter((n) => !COLUMNS.has(n));
const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Every attribute position, for one name. */
const positions = (f: string): string[] => {
  const q = quote(f);
  return [
    `SELECT a.${q} AS x FROM public.acct a`,
    `SELECT (a).${q} AS x FROM public.acct a`,
    `SELECT public.acct.${q} AS x FROM public.acct`,
    `SELECT 1 AS x FROM public.acct a WHERE a.${q} IS NOT NULL`,
    `SELECT count(*) AS n FROM public.acct a GROUP BY a.${q}`,
    `SELECT v.${q} AS x FROM public.acct_v v`,
    `SELECT s.${q} AS x FROM pg_catalog.pg_stat_activity s`,
    `SELECT (s).${q} AS x FROM pg_catalog.pg_stat_activity s`,
  ];
};
const CONTROLS = ['SELECT a.balance AS x FROM public.acct a', 'SELECT (a).id AS x FROM public.acct a', 'SELECT s.pid AS x FROM pg_catalog.pg_stat_activity s',
  'SELECT (s).state AS x FROM pg_catalog.pg_stat_activity s', 'SELECT public.acct.id AS x FROM public.acct'];

async function plant(server: LabServer): Promise<void> {
  await adminQuery(server, "ALTER SYSTEM SET track_functions = 'all'");
  await adminQuery(server, 'SELECT pg_reload_conf()');
  await adminQuery(server, 'CREATE TABLE public.acct (id int, balance int); INSERT INTO public.acct VALUES (1, 10), (2, 20)');
  await adminQuery(server, 'CREATE VIEW public.acct_v AS SELECT * FROM public.acct');
  // A twin of a pg_catalog name would take its schema off the read's path: those go into a schema of their own.
  await adminQuery(server, 'CREATE SCHEMA twins; GRANT USAGE ON SCHEMA twins TO PUBLIC');
  await adminQuery(server, `ALTER ROLE ${server.appUser} SET search_path = "$user", public, twins`);
  for (const [i, f] of NAMES.entries()) {
    const schema = PG_READ_ONLY.has(f) ? 'twins' : 'public';
    await adminQuery(server, `CREATE FUNCTION ${schema}.${quote(f)}(${TAKES[i % TAKES.length]!}) RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN 7; END $$`);
  }
  await adminQuery(server, 'GRANT SELECT ON ALL TABLES IN SCHEMA public TO PUBLIC; GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public, twins TO PUBLIC');
}

/** Calls of the twins the server counted (after the sessions that made them ended). */
async function twinCalls(server: LabServer): Promise<number> {
  await new Promise((r) => setTimeout(r, 1200)); // a session's counts reach the shared view within a second
  const rows = await adminQuery(server, "SELECT coalesce(sum(calls), 0)::int AS n FROM pg_stat_user_functions WHERE schemaname IN ('public', 'twins')");
  return Number(rows[0]?.n ?? 0);
}

/** A wait whose poll reads a twin by attribute notation. */
async function runWait(url: string, query: string, dryRun: boolean): Promise<{ status: string; error?: string }> {
  const yaml = ['name: poll', 'title: Poll', 'connections:', `  db: { url: ${JSON.stringify(url)} }`, 'steps:', '  - id: w',
    `    wait: { sql: { query: ${JSON.stringify(query)} }, until: "result.rows[0].x == 0", every: 100ms, for: 1s }`,
    '    on: { error: done, timeout: done }', '  - id: done', '    end: resolved', ''].join('\n');
  const { runbook, diagnostics } = parseRunbook(yaml, 'poll.yaml');
  assert.ok(runbook, diagnostics.map((d) => d.message).join('\n'));
  const executors = createExecutors();
  const run = new Run({ runbook, inputs: {}, redactor: new Redactor(), executors, dryRun });
  let result: { status: string; error?: string } = { status: 'none' };
  run.on((e) => { if (e.type === 'step-finished' && e.stepId === 'w') result = e.result as typeof result; });
  try { await run.start(); } finally { await executors.close(); }
  return result;
}

describe('PostgreSQL: a name in attribute position never calls a function', { concurrency: PG_MAJORS_AT_ONCE }, () => {
  for (const version of PG_MAJORS.filter((v) => majorOf(v) >= 15)) {
    describe(`PostgreSQL ${majorOf(version)}`, { concurrency: 1 }, () => {
      let server: LabServer;
      const texts = NAMES.flatMap((name) => positions(name).map((query) => ({ name, query })));
      before(async () => {
        server = await startPostgres({ postgresVersion: version });
        await plant(server);
      });
      after(() => server?.stop());

      it('the notation is real: through a plain connection, the texts call the twins', async () => {
        const before = await twinCalls(server);
        const sample = NAMES.filter((f) => !PG_READ_ONLY.has(f)).slice(0, 6).flatMap(positions);
        let ran = 0;
        for (const q of sample) {
          ran += await adminQuery(server, `SET search_path = public, twins; ${q}`).then(() => 1, () => 0);
        }
        assert.ok(ran >= sample.length / 3, `${ran} of ${sample.length} ran`);
        assert.ok(await twinCalls(server) > before, 'the server called the twins');
      });

      for (const dryRun of [false, true]) {
        it(`${dryRun ? 'dry run' : 'real run'}: every text the classifier proves a read is refused, naming the function; no twin runs; columns still read`, async () => {
          const provenTexts = texts.filter((t) => classifySql(t.query, 'postgres').readOnly);
          const proven: Step[] = provenTexts.map(({ query }) => ({ query, params: [] }));
          assert.ok(proven.length >= texts.length * 0.9, `${proven.length} of ${texts.length} proven by the classifier: the premise is that it reads columns`);
          const baseline = await twinCalls(server);
          const events = await runSteps(server.url(), proven, dryRun);
          const finished = events.flatMap((e) => (e.type === 'step-finished' && e.stepId !== 'done' ? [e] : []));
          assert.equal(finished.length, proven.length, 'every step ran to its end');
          let refused = 0;
          for (const f of finished) {
            const { status, error } = f.result as { status: string; error?: string };
            const text = provenTexts[Number(f.stepId.slice(1))]!;
            // A read-list name's twin is in a schema the read's path leaves off: pg_catalog's own function may answer.
            if (status === 'ok' && !PG_READ_ONLY.has(text.name)) assert.fail(`${text.query} ran`);
            if (/attribute notation/.test(error ?? '')) {
              refused++;
              assert.match(error!, /\(schema (public|twins)\)/, 'the refusal names the function\'s schema');
            }
          }
          // The others are the server's own "column does not exist" (a twin of a read-list name in a schema left off).
          assert.ok(refused >= finished.length / 2, `${refused} of ${finished.length} refused for attribute notation`);
          assert.equal(await twinCalls(server), baseline, 'a twin ran');
          const controls = await runSteps(server.url(), CONTROLS.map((query) => ({ query, params: [] })), dryRun);
          for (const c of controls) if (c.type === 'step-finished' && c.stepId !== 'done') assert.equal(c.result.status, 'ok', `${c.stepId}: ${c.result.error}`);
        });

        it(`${dryRun ? 'dry run' : 'real run'}: a wait whose poll reads a twin by attribute notation is refused; the twin never runs`, async () => {
          const baseline = await twinCalls(server);
          const f = NAMES.find((n) => !PG_READ_ONLY.has(n))!;
          const query = `SELECT count(*) FILTER (WHERE s.${quote(f)} IS NOT NULL) AS x FROM pg_catalog.pg_stat_activity s`;
          assert.ok(classifySql(query, 'postgres').readOnly, 'the classifier proves the poll a read');
          const result = await runWait(server.url(), query, dryRun);
          assert.notEqual(result.status, 'ok', JSON.stringify(result));
          assert.match(result.error ?? '', /attribute notation/);
          assert.equal(await twinCalls(server), baseline, 'a twin ran');
        });
      }
    });
  }
});
