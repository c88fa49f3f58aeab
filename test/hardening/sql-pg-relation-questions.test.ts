// The relations' message's questions (what a read's relations resolve to, the code the server runs for them, what
// they reach of the server's secrets, what is watched) are prepared once per session with the relations as
// parameters (db/pg-relation-questions.ts; stop 81: planning them afresh was most of what a read of a relation
// cost the server). On a real server, with generated relations (seed 81: names with quotes, spaces and non-ASCII
// letters; tables, views over them, views calling a function that is not PostgreSQL's own): every read answers as
// the code says (refused exactly where a view calls that function), the same at every repetition on one session,
// and the session asked the questions through its prepared statements, each planned once (generic plans, no
// custom ones). A destructive step that replaces the prepared code question with one that finds nothing does not
// blind the next read: the session prepares new names after any statement it did not write.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openSession } from '../../src/db/open.js';
import { parseUrl } from '../../src/db/url.js';
import type { Session } from '../../src/db/session.js';
import { startPostgres, type LabServer } from '../../src/lab/index.js';
import { appQuery } from '../db/helpers.js';
import { rng } from '../helpers/rng.js';

const signal = () => AbortSignal.timeout(60_000);
const read = (s: Session, sql: string, vouched = false) => s.query(sql, [], { readOnly: true, vouched, signal: signal() });
const act = (s: Session, sql: string) => s.query(sql, [], { readOnly: false, signal: signal() });
const open = (url: string) => openSession(parseUrl(url), { timeoutMs: 20_000, signal: signal() });
const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

const LETTERS = ['a', 'Z', '_', '1', '"', ' ', 'é', 'ж', '中', "'", '$', '-'];
function names(draw: () => number, count: number): string[] {
  const out = new Set<string>();
  while (out.size < count) out.add(`r${Array.from({ length: 1 + Math.floor(draw() * 8) }, () => LETTERS[Math.floor(draw() * LETTERS.length)]).join('')}`);
  return [...out];
}

interface Relation { name: string; calls: boolean }

describe('the relations\' questions, prepared once per session', () => {
  let server: LabServer;
  const rels: Relation[] = [];
  before(async () => {
    server = await startPostgres();
    const draw = rng(81);
    const [table, ...views] = names(draw, 9);
    await appQuery(server, `CREATE FUNCTION public.not_builtin81(int) RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN $1; END $$;
      CREATE TABLE public.${ident(table!)} (id int PRIMARY KEY, x text)`);
    rels.push({ name: table!, calls: false });
    for (const view of views) {
      const calls = draw() < 0.4;
      await appQuery(server, `CREATE VIEW public.${ident(view)} AS SELECT ${calls ? 'public.not_builtin81(id)' : 'id'} AS id, x FROM public.${ident(table!)}`);
      rels.push({ name: view, calls });
    }
    assert.ok(rels.some((r) => r.calls) && rels.some((r) => !r.calls), 'the draw holds views of both kinds');
  });
  after(async () => { await server?.stop(); });

  it('every read answers as its relation says, the same each time, the questions planned once', async () => {
    const s = await open(server.url());
    try {
      const reads = 3;
      for (let round = 0; round < reads; round++) {
        for (const r of rels) {
          const sql = `SELECT count(*) AS n FROM public.${ident(r.name)}`;
          if (r.calls) await assert.rejects(read(s, sql), /not_builtin81.*not known to be read-only/, `round ${round}: ${r.name}`);
          else assert.deepEqual((await read(s, sql)).rows, [{ n: 0 }], `round ${round}: ${r.name}`);
        }
      }
      // The session's own statements, read in its own session (a vouched read runs as written).
      const prepared = (await read(s, `SELECT pg_catalog.regexp_replace(name, '_[0-9a-f]+$', '') AS question, generic_plans::int AS generic, custom_plans::int AS custom
        FROM pg_catalog.pg_prepared_statements WHERE name LIKE 'runbook%' ORDER BY 1`, true)).rows as { question: string; generic: number; custom: number }[];
      const asked = Object.fromEntries(prepared.map((p) => [p.question, p]));
      for (const q of ['runbook_resolved', 'runbook_dependencies', 'runbook_watch']) {
        assert.ok(asked[q], `${q} is a prepared statement of the session: ${JSON.stringify(prepared)}`);
        assert.equal(asked[q].custom, 0, `${q}: no custom plan`);
        assert.ok(asked[q].generic >= reads * rels.length - 1, `${q}: executed by every read (${asked[q].generic})`);
      }
      assert.ok(asked.runbook_secrets, 'the secrets question too: the relations are someone\'s');
    } finally { await s.close(); }
  });

  it('a destructive step that puts a blind code question under the prepared name: the next read asks its own', async () => {
    const s = await open(server.url());
    const calling = rels.find((r) => r.calls)!;
    const plain = rels.find((r) => !r.calls)!;
    try {
      await read(s, `SELECT count(*) FROM public.${ident(plain.name)}`); // prepares the questions
      await act(s, `DO $$ DECLARE n text; t text; BEGIN
          FOR n, t IN SELECT name, pg_catalog.array_to_string(parameter_types::text[], ',') FROM pg_catalog.pg_prepared_statements
            WHERE name LIKE 'runbook_dependencies_%' OR name LIKE 'runbook_secrets_%' LOOP
            EXECUTE pg_catalog.format('DEALLOCATE %I', n);
            EXECUTE pg_catalog.format('PREPARE %I(%s) AS SELECT NULL::text AS kind, NULL::text AS shown, NULL::text AS bare, NULL::bool AS builtin, NULL::bool AS known, NULL::text AS rel, NULL::bool AS planned, NULL::text AS via WHERE false', n, t);
          END LOOP; END $$`);
      await assert.rejects(read(s, `SELECT count(*) AS n FROM public.${ident(calling.name)}`), /not_builtin81.*not known to be read-only/, 'the read ran on the blind question');
    } finally { await s.close(); }
  });
});
