// A hostile owner racing the secret check with a materialized view (stop 78): LOCK TABLE takes tables and views,
// not materialized views, so another session can drop one and create it again under its name, over pg_authid,
// between the read's check (which saw a harmless one) and its statement. Now the watch that the read asks last
// before its statement must find each name where the checks found it, and again after the statement: every read
// either returns the checked relation's rows or is refused, and no read shows the verifier unwithheld, real or
// dry. The race is live: the loop swapped the view many times while reads passed.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { startPostgres, type LabServer } from '../../src/lab/index.js';
import { adminQuery } from '../db/helpers.js';
import { raceReads } from '../hardening/ddl-race.js';

const READS = 150;
const VERIFIER = 'c4e19a2b8f3d7e6a5b4c3d2e1f0a9b8c';
const swap = (query: string) => `BEGIN; DROP MATERIALIZED VIEW IF EXISTS app.m; CREATE MATERIALIZED VIEW app.m AS ${query}; COMMIT`;

describe('a materialized view dropped and created again over pg_authid while it is read', { concurrency: 1 }, () => {
  let server: LabServer;
  before(async () => {
    server = await startPostgres({ postgresVersion: '18' });
    await adminQuery(server, `CREATE ROLE victim LOGIN PASSWORD 'md5${VERIFIER}'; CREATE SCHEMA app`);
    await adminQuery(server, swap("SELECT 'harmless'::text AS v"));
  });
  after(() => server?.stop());

  for (const dryRun of [false, true]) {
    it(`${READS} reads${dryRun ? ', dry run' : ''}: none shows the verifier unwithheld`, async () => {
      const admin = new pg.Client({ connectionString: server.adminUrl() });
      await admin.connect();
      let race;
      try {
        race = await raceReads({ exec: (sql) => admin.query(sql), change: swap("SELECT rolpassword AS v FROM pg_authid WHERE rolname = 'victim'"),
          back: swap("SELECT 'harmless'::text AS v"), url: server.adminUrl(), read: 'SELECT v FROM app.m', reads: READS, dryRun, pauseMs: 120 });
      } finally {
        await admin.end();
      }
      const { finished, rounds } = race;
      assert.equal(finished.length, READS);
      assert.ok(rounds > 10, `the loop swapped it ${rounds} times: no race`);
      const shown = finished.filter((r) => JSON.stringify(r.rows ?? []).includes(VERIFIER) && (r as { withheld?: unknown }).withheld === undefined);
      assert.equal(shown.length, 0, `${shown.length} reads showed the verifier`);
      assert.ok(finished.some((r) => r.status === 'ok' && JSON.stringify(r.rows ?? []).includes('harmless')), 'reads of the harmless view passed');
    });
  }
});
