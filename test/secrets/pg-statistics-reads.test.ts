// The statistics of a password store (a probe of stop 80): after an ANALYZE of pg_authid (autovacuum's once enough
// roles change, or a superuser's), a superuser's `SELECT histogram_bounds FROM pg_stats WHERE tablename =
// 'pg_authid'` (validate clean, a proven read) printed every role's SCRAM verifier on the screen and in the
// transcript, dry run too; pg_subscription's conninfo password the same. pg_stats shows a column's sampled values
// to whoever may read the column. Now pg_statistic and pg_statistic_ext_data read at all, and the statistics views
// but where every column named is one that holds no sampled value, are reads given a secret; a view someone
// created over them too (its reach). Generated reads (seed 80), dry and real, PostgreSQL 15 and 18; reads of the
// describing columns (null_frac, n_distinct) stay shown.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startPostgres, type LabServer } from '../../src/lab/index.js';
import { adminQuery } from '../db/helpers.js';
import { scratch, writeRunbook } from '../hardening/helpers.js';
import { assertNothingOf, finished, runRealAndDry } from './secret-reads.js';
import { E2E_TEST_LIMIT_MS } from '../helpers/limits.js';
import { rng } from '../helpers/rng.js';

const pick = <T>(next: () => number, options: readonly T[]): T => options[Math.floor(next() * options.length)]!;

const SUB_PW = 'Sb9subConnPw';
const ROLES = ['victim1', 'victim2', 'victim3'];

/** A read of the stores' sampled values: which view, which column, how wrapped, where from. */
function generated(next: () => number, i: number): { ddl?: string; query: string } {
  const [table, column] = pick(next, [['pg_authid', 'rolpassword'], ['pg_subscription', 'subconninfo']] as const);
  const container = pick(next, ['direct', 'subquery', 'cte', 'view', 'statistic'] as const);
  const value = pick(next, ['histogram_bounds', 'most_common_vals', 's', ...(container === 'view' ? [] : ['s.*', '*'])]);
  const wrap = (e: string) => (e.endsWith('*') ? e : pick(next, [`${e}::text`, `upper(${e}::text)`, `reverse(${e}::text)`, `array_to_string(${e}::text::text[], ' ')`, `to_json(${e})::text`]));
  const where = pick(next, [`s.tablename = '${table}'`, `s.attname = '${column}'`, 'true']);
  const inner = `SELECT ${wrap(value)} ${value.endsWith('*') ? '' : 'AS v'} FROM ${pick(next, ['pg_stats', 'pg_catalog.pg_stats'])} s WHERE ${where}`;
  if (container === 'subquery') return { query: `SELECT * FROM (${inner}) x` };
  if (container === 'cte') return { query: `WITH x AS (${inner}) SELECT * FROM x` };
  if (container === 'view') return { ddl: `CREATE VIEW public.sv${i} AS ${inner}`, query: `SELECT * FROM public.sv${i}` };
  if (container === 'statistic') return { query: `SELECT ${pick(next, ['stavalues1', 'stavalues2', 'stavalues3'])}::text AS v FROM pg_statistic WHERE starelid = '${table}'::regclass` };
  return { query: inner };
}

/** Reads of the describing columns: shown. */
const SHOWN = [
  "SELECT attname, null_frac, n_distinct FROM pg_stats WHERE tablename = 'pg_authid' ORDER BY attname",
  "SELECT count(*) AS n FROM pg_stats WHERE tablename = 'pg_subscription' AND most_common_freqs IS NULL",
];

function runbook(server: LabServer, queries: string[]): string {
  const lines = ['name: stats', 'title: The stores\' statistics', 'connections:', `  su: { url: ${JSON.stringify(server.adminUrl())} }`, 'steps:'];
  queries.forEach((q, i) => {
    const next = i + 1 < queries.length ? `r${i + 1}` : 'done';
    lines.push(`  - id: r${i}`, `    sql: { connection: su, query: ${JSON.stringify(q)} }`, `    next: ${next}`, `    on: { error: ${next} }`);
  });
  lines.push('  - id: done', '    end: resolved', '');
  return lines.join('\n');
}

for (const version of ['system', '18'] as const) { // the system's is 15
  describe(`the statistics of a password store (PostgreSQL ${version})`, () => {
    let server: LabServer;
    const secrets: string[] = [SUB_PW];
    const queries: string[] = [];
    before(async () => {
      server = await startPostgres({ postgresVersion: version });
      for (const r of ROLES) await adminQuery(server, `CREATE ROLE ${r} LOGIN PASSWORD '${r}-Pw7secret'`);
      for (const s of ['sub1', 'sub2']) {
        await adminQuery(server, `CREATE SUBSCRIPTION ${s} CONNECTION 'host=10.9.9.9 user=repl password=${SUB_PW} application_name=${s}' PUBLICATION p WITH (connect = false, slot_name = NONE, enabled = false)`);
      }
      await adminQuery(server, 'ANALYZE pg_authid; ANALYZE pg_subscription');
      const stored = await adminQuery(server, `SELECT rolpassword AS v FROM pg_authid WHERE rolname = ANY ($1)`, [ROLES]);
      secrets.push(...stored.map((r) => String(r.v).split(':').at(-1)!)); // a verifier's server key: base64, its own
      const sampled = await adminQuery(server, "SELECT count(*)::int AS n FROM pg_stats WHERE attname IN ('rolpassword', 'subconninfo') AND (histogram_bounds IS NOT NULL OR most_common_vals IS NOT NULL)");
      assert.equal(sampled[0]?.n, 2, 'the stores were sampled');
      const next = rng(80);
      for (let i = 0; i < 14; i++) {
        const r = generated(next, i);
        if (r.ddl) await adminQuery(server, r.ddl);
        queries.push(r.query);
      }
      queries.push(...SHOWN);
    });
    after(async () => {
      for (const s of ['sub1', 'sub2']) await adminQuery(server, `DROP SUBSCRIPTION IF EXISTS ${s}`).catch(() => undefined);
      await server?.stop();
    });

    it('14 generated reads (seed 80): no verifier nor conninfo password shown or recorded, dry and real; the describing columns shown', { timeout: E2E_TEST_LIMIT_MS * 2 }, async (t) => {
      const dir = scratch(t);
      const file = writeRunbook(dir, 'stats', runbook(server, queries));
      await runRealAndDry(dir, file, (dry, r, recorded) => {
        assertNothingOf(secrets, r, recorded, dry);
        queries.forEach((q, i) => {
          const f = finished(recorded, `r${i}`);
          if (i >= queries.length - SHOWN.length) return assert.equal(f?.withheld, undefined, `${q} is shown (${dry ? 'dry' : 'real'}): ${JSON.stringify(f)}`);
          assert.ok(f?.withheld?.because?.length, `${q} is withheld (${dry ? 'dry' : 'real'}): ${JSON.stringify(f)}`);
        });
      });
    });
  });
}
