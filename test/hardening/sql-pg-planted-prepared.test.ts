// The question whether anything is planted among PostgreSQL's own objects is prepared once per session and EXECUTEd
// by each read (db/pg-planted-statement.ts: planning it was most of a read's cost). Shown here, on a real server:
// the prepared question still finds what is planted after it was prepared; a statement the engine did not write
// (a destructive step) that replaced the prepared question under its own name with one that finds nothing does
// not blind the next read (the session prepares a new name after any such statement); and behind PgBouncer in
// transaction mode, where the next transaction may meet another server connection without it, reads go on asking
// the question in full.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openSession } from '../../src/db/open.js';
import { parseUrl } from '../../src/db/url.js';
import type { Session } from '../../src/db/session.js';
import { startPgbouncer, startPostgres, type LabPooler, type LabServer } from '../../src/lab/index.js';
import { adminQuery } from '../db/helpers.js';

const read = (s: Session, sql = 'SELECT 1 AS one') => s.query(sql, [], { readOnly: true, signal: AbortSignal.timeout(20_000) });
const act = (s: Session, sql: string) => s.query(sql, [], { readOnly: false, signal: AbortSignal.timeout(20_000) });
const open = (url: string) => openSession(parseUrl(url), { timeoutMs: 10_000, signal: AbortSignal.timeout(20_000) });
const PLANT = 'CREATE FUNCTION pg_catalog.runbook_test_planted(int) RETURNS int LANGUAGE sql AS $$ SELECT 1 $$';
const UNPLANT = 'DROP FUNCTION IF EXISTS pg_catalog.runbook_test_planted(int)';

describe('the prepared question about planted objects', () => {
  let server: LabServer;
  before(async () => { server = await startPostgres(); });
  after(async () => { await server?.stop(); });

  it('is prepared once, and a read after a plant is still refused', async () => {
    const s = await open(server.adminUrl());
    try {
      for (let i = 0; i < 3; i++) assert.deepEqual((await read(s)).rows, [{ one: 1 }]);
      await adminQuery(server, PLANT);
      await assert.rejects(read(s), /planted|someone created/);
    } finally { await adminQuery(server, UNPLANT); await s.close(); }
  });

  it('a destructive statement that puts a blind question under the prepared name: the next read asks its own', async () => {
    const s = await open(server.adminUrl());
    try {
      await read(s);
      // The author's statement, on the same session: the engine's prepared question replaced by one that finds
      // nothing, and a function planted in pg_catalog.
      await act(s, `DO $$ DECLARE n text; BEGIN
          FOR n IN SELECT name FROM pg_catalog.pg_prepared_statements WHERE name LIKE 'runbook_planted_%' LOOP
            EXECUTE pg_catalog.format('DEALLOCATE %I', n);
            EXECUTE pg_catalog.format('PREPARE %I AS SELECT NULL::text AS kind, NULL::text AS shown WHERE false', n);
          END LOOP; END $$; ${PLANT}`);
      await assert.rejects(read(s), /planted|someone created/, 'the read ran on the blind question');
    } finally { await adminQuery(server, UNPLANT); await s.close(); }
  });

  it('behind PgBouncer in transaction mode: every read is checked, none refused for a missing statement', async () => {
    let pooler: LabPooler | undefined;
    const s2: Session[] = [];
    try {
      pooler = await startPgbouncer(server, { poolMode: 'transaction', defaultPoolSize: 3 });
      // Several clients share few server connections: a read's transaction may land where the statement is not.
      for (let i = 0; i < 3; i++) s2.push(await open(pooler.url()));
      for (let round = 0; round < 6; round++) for (const s of s2) assert.deepEqual((await read(s)).rows, [{ one: 1 }]);
      await adminQuery(server, PLANT);
      for (const s of s2) await assert.rejects(read(s), /planted|someone created/);
    } finally {
      await adminQuery(server, UNPLANT);
      for (const s of s2) await s.close();
      await pooler?.stop();
    }
  });
});
