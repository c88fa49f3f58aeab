// Other sessions' statements (issue #45, stop 81): pg_stat_activity shows every session's last statement as sent,
// to a superuser or pg_read_all_stats. A DBA's `ALTER ROLE victim PASSWORD '…'` left idle (or idle in its
// transaction) was on the screen and in the transcript of a proven read, dry run too; the built-in pool-exhausted
// runbook shows `left(query, 120)` of such sessions. Now the engine's statement reads pg_stat_activity through its
// own subquery, whose `query` is cut before the first character a literal, a comment or a setting's name could
// begin with (language/sql/pg-masked-relations.ts); pg_stat_get_activity() called directly, and a view someone made
// over the view, are reads given a secret. Generated reads (seed 81), real and dry, PostgreSQL 15 and 18; the
// server itself runs them.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { startPostgres, type LabServer } from '../../src/lab/index.js';
import { adminQuery } from '../db/helpers.js';
import { scratch, writeRunbook } from '../hardening/helpers.js';
import { assertEachRead, assertNothingOf, chainedReads, finished, pick, runRealAndDry, secretOf } from './secret-reads.js';
import { E2E_TEST_LIMIT_MS } from '../helpers/limits.js';
import { rng } from '../helpers/rng.js';


/** A read of the sessions' statements: which column, how wrapped, in what. */
function generated(next: () => number, i: number): { ddl?: string; query: string; withheld: boolean } {
  const rel = pick(next, ['pg_stat_activity', 'pg_catalog.pg_stat_activity']);
  const value = pick(next, ['query', 'a', 'a.*', '*']);
  const wrap = (e: string) => (e.endsWith('*') ? e : pick(next, [`${e}::text`, `upper(${e}::text)`, `reverse(${e}::text)`, `to_json(${e})::text`, `left(${e}::text, 120)`]));
  const where = pick(next, ['true', "a.state LIKE 'idle%'", 'a.pid <> pg_backend_pid()', "a.backend_type = 'client backend'"]);
  const inner = `SELECT ${wrap(value)}${value.endsWith('*') ? '' : ' AS v'} FROM ${rel} a WHERE ${where}`;
  const container = pick(next, ['direct', 'subquery', 'cte', 'function', 'view'] as const);
  if (container === 'subquery') return { query: `SELECT * FROM (${inner}) x`, withheld: false };
  if (container === 'cte') return { query: `WITH x AS (${inner}) SELECT * FROM x`, withheld: false };
  if (container === 'function') return { query: `SELECT ${wrap('a.query')} AS v FROM pg_stat_get_activity(NULL) a WHERE ${where}`, withheld: true };
  if (container === 'view') return { ddl: `CREATE VIEW public.av${i} AS ${inner}`, query: `SELECT * FROM public.av${i}`, withheld: true };
  return { query: inner, withheld: false };
}

const runbook = (server: LabServer, queries: string[]): string => chainedReads('activity', 'Sessions', server.adminUrl(), queries);

/** The built-in pool-exhausted runbook's read of idle-in-transaction sessions, as it writes it: shown, masked. */
const SHOWN = "SELECT state, left(query, 120) AS last_query FROM pg_stat_activity WHERE state LIKE 'idle%' AND query LIKE 'ALTER ROLE%' ORDER BY 2";

for (const version of ['system', '18'] as const) { // the system's is 15
  describe(`other sessions' statements (PostgreSQL ${version})`, () => {
    let server: LabServer;
    const next = rng(81);
    const secrets = [secretOf(next, 'Pw'), secretOf(next, 'Tk'), secretOf(next, 'Cf')];
    const held: pg.Client[] = [];
    const queries: { query: string; withheld: boolean }[] = [];
    before(async () => {
      server = await startPostgres({ postgresVersion: version });
      await adminQuery(server, 'CREATE ROLE victim LOGIN');
      // Each session's last statement holds a secret; the first is left idle in its transaction.
      const statements = [[`BEGIN`, `ALTER ROLE victim PASSWORD '${secrets[0]}'`], [`SET app.tok = '${secrets[1]}'`],
        [`SELECT set_config('app.cf', '${secrets[2]}', false)`]];
      for (const s of statements) {
        const c = new pg.Client({ connectionString: server.adminUrl() });
        await c.connect();
        for (const q of s) await c.query(q);
        held.push(c);
      }
      const rows = await adminQuery(server, 'SELECT query FROM pg_stat_activity');
      assert.ok(secrets.every((s) => rows.some((r) => String(r.query).includes(s))), 'the server shows every planted statement');
      for (let i = 0; i < 16; i++) {
        const r = generated(next, i);
        if (r.ddl) await adminQuery(server, r.ddl);
        queries.push(r);
      }
      queries.push({ query: SHOWN, withheld: false });
    });
    after(async () => {
      for (const c of held) await c.end().catch(() => undefined);
      await server?.stop();
    });

    it('16 generated reads (seed 81): no statement\'s secret shown or recorded, dry and real; the built-in\'s read shown, masked', { timeout: E2E_TEST_LIMIT_MS * 2 }, async (t) => {
      const dir = scratch(t);
      const file = writeRunbook(dir, 'activity', runbook(server, queries.map((q) => q.query)));
      await runRealAndDry(dir, file, (dry, r, recorded) => {
        assertNothingOf(secrets, r, recorded, dry);
        assertEachRead(queries, recorded, dry);
        if (dry) return;
        assert.match(JSON.stringify(finished(recorded, `r${queries.length - 1}`)?.rows), /ALTER ROLE victim PASSWORD \*\*\*\*/);
      });
    });
  });
}
