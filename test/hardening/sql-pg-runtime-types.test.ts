// A probe of stop 70 (the application's own role, PostgreSQL 15 and 18): a value whose type the server decides at
// run time met the owner's casts. pg_stats' most_common_vals and histogram_bounds are anyarray: to_json() and the
// like of them call a cast to json of the element type, the owner's enum among them, and the owner's mood → json
// cast terminated a session and took an advisory lock that outlived the step, dry and real. And `('happy'::text).mood`
// is attribute notation for a conversion to the owner's enum, whose casts then applied. Both are refused now, and
// the same reads were run on a database where no type someone created had a cast — until a probe of stop 74 created
// the cast while such a read ran (the cast is looked up as the statement runs, after every check): a conversion to
// JSON of a value whose type the server decides per row is refused now, cast or no cast (sql-pg-plan-race.test.ts).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type pg from 'pg';
import { startPostgres, type LabServer } from '../../src/lab/index.js';
import { adminQuery, appQuery, victimSession } from '../db/helpers.js';
import { majorOf, PG_EDGE_MAJORS, PG_MAJORS_AT_ONCE } from '../helpers/pg-majors.js';
import { runSteps, stepResult } from './read-steps.js';

const SETUP = [
  "CREATE TYPE public.mood AS ENUM ('sad', 'ok', 'happy')",
  'CREATE TABLE public.feelings (m public.mood)',
  "INSERT INTO public.feelings SELECT (ARRAY['sad', 'ok', 'happy']::public.mood[])[1 + i % 3] FROM generate_series(1, 300) i",
  'ANALYZE public.feelings',
];
const CASTS = [
  `CREATE FUNCTION public.mood_json(m public.mood) RETURNS json LANGUAGE plpgsql AS $$ BEGIN
     PERFORM pg_catalog.pg_advisory_lock(4242);
     PERFORM pg_catalog.pg_terminate_backend(pid) FROM pg_catalog.pg_stat_activity WHERE application_name = 'victim';
     RETURN pg_catalog.to_json(m::text); END $$`,
  'CREATE CAST (public.mood AS json) WITH FUNCTION public.mood_json(public.mood)',
];
const STATS = ['json_build_object(\'v\', most_common_vals)', 'to_jsonb(most_common_vals)', 'to_json(most_common_vals)', 'array_to_json(most_common_vals)']
  .map((e) => `SELECT ${e} AS j FROM pg_stats WHERE tablename = 'feelings'`);
const ATTRIBUTE = "SELECT to_json(('happy'::text).mood) AS j";

/** Refused, saying why; a read of pg_stats' sampled values is a step given a secret since stop 80 (they may hold
 *  a store's values), whose error is withheld: its record says the engine refused it (not-read-only) and why it
 *  was withheld. */
function refused(r: ReturnType<typeof stepResult>, why: RegExp, q: string): void {
  assert.equal(r.status, 'failed', `${q}: ${JSON.stringify(r)}`);
  const withheld = (r as { withheld?: { because: string[] } }).withheld;
  if (!withheld) return assert.match(String(r.error ?? ''), why, q);
  assert.equal(r.classification, 'not-read-only', `${q}: ${JSON.stringify(r)}`);
  assert.match(withheld.because.join(), /sampled values/, `${q}: ${JSON.stringify(r)}`);
}

describe('values whose type the server decides at run time, and the owner\'s casts', { concurrency: PG_MAJORS_AT_ONCE }, () => {
  for (const version of PG_EDGE_MAJORS) {
    describe(`PostgreSQL ${majorOf(version)}`, { concurrency: 1 }, () => {
      let server: LabServer;
      before(async () => { server = await startPostgres({ postgresVersion: version }); for (const sql of SETUP) await appQuery(server, sql); });
      after(async () => { await server?.stop(); });

      it('without a cast of the owner\'s type, the reads are refused still: one could be created as they run', async () => {
        const events = await runSteps(server.url(), STATS.map((query) => ({ query, params: [] })), true);
        STATS.forEach((q, i) => refused(stepResult(events, `s${i}`), /converts to JSON .* the type anyarray/, q));
      });

      it('with the owner\'s cast to json: refused dry and real, the victim lives, no lock is left', async () => {
        for (const sql of CASTS) await appQuery(server, sql);
        const victim: pg.Client = await victimSession(server);
        try {
          for (const dryRun of [true, false]) {
            const events = await runSteps(server.url(), [...STATS, ATTRIBUTE].map((query) => ({ query, params: [] })), dryRun);
            [...STATS, ATTRIBUTE].forEach((q, i) => {
              refused(stepResult(events, `s${i}`), q === ATTRIBUTE ? /could convert to the type .*mood/ : /mood_json/, q);
            });
          }
          assert.deepEqual((await victim.query('SELECT 1 AS one')).rows, [{ one: 1 }], 'the victim session survives');
          const locks = await adminQuery(server, "SELECT count(*)::int AS n FROM pg_catalog.pg_locks WHERE locktype = 'advisory'");
          assert.deepEqual(locks, [{ n: 0 }], 'no advisory lock is held');
        } finally { await victim.end(); }
      });
    });
  }
});
