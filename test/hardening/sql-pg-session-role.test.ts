// A stop-73 probe: the owner of the application's database (no superuser) ran `ALTER DATABASE app_db SET role =
// 'app_user'`, and every session there, the engine's superuser one too, logged in and then ran as app_user:
// pg_stat_activity hid the other roles' sessions, a full server read "0 of 17 used", and the run ended resolved.
// The read's pin now sets role to none (the URL's user) and reads it back; a destructive step's session pin too.
// The oracle is the server: the same question asked on a session with no role setting.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { startPostgres, type LabServer } from '../../src/lab/index.js';
import { adminQuery } from '../db/helpers.js';
import { cli, scratch, writeRunbook } from './helpers.js';

const QUESTION = "SELECT current_user::text AS cu, session_user::text AS su, (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' AND usename = 'role_probe_rw')::int AS held";

describe('a read runs as the URL\'s user, whatever role the database or the role sets', () => {
  let server: LabServer;
  const held: pg.Client[] = [];
  before(async () => {
    server = await startPostgres();
    await adminQuery(server, "CREATE ROLE role_probe_rw LOGIN PASSWORD 'pw'; GRANT CONNECT ON DATABASE app_db TO role_probe_rw");
    for (let i = 0; i < 3; i++) {
      const c = new pg.Client({ connectionString: server.url({ user: 'role_probe_rw', password: 'pw' }) });
      await c.connect();
      held.push(c);
    }
  });
  after(async () => { await Promise.all(held.map((c) => c.end().catch(() => undefined))); await server?.stop(); });

  {
    it("the owner's ALTER DATABASE app_db SET role = itself: the superuser's read still runs as itself and sees every session, real and dry", async (t) => {
      const owner = server.appUser.replace(/"/g, '""');
      // As the database's owner (no superuser): the role it may set is its own.
      const ownerClient = new pg.Client({ connectionString: server.url() });
      await ownerClient.connect();
      await ownerClient.query(`ALTER DATABASE app_db SET role = '${owner}'`);
      await ownerClient.end();
      try {
        const file = writeRunbook(scratch(t), 'who', `name: who
title: Who
connections:
  db: { url: ${JSON.stringify(server.adminUrl())} }
steps:
  - id: q
    sql: { connection: db, query: ${JSON.stringify(QUESTION)} }
    capture: w
  - { id: done, end: resolved, message: "cu \${{ w.rows[0].cu }} su \${{ w.rows[0].su }} held \${{ w.rows[0].held }}" }
`);
        for (const mode of [[], ['--dry-run']]) {
          const r = await cli(['run', file, '--plain', '--no-transcript', ...mode]);
          assert.equal(r.code, 0, r.stdout + r.stderr);
          const m = /cu (\S+) su (\S+) held (\d+)/.exec(r.stdout);
          assert.ok(m, r.stdout);
          assert.equal(m[1], m[2], `the read ran as ${m[1]}, not the URL's ${m[2]}`);
          assert.equal(Number(m[3]), held.length, 'the other role\'s sessions are seen');
        }
      } finally {
        await adminQuery(server, 'ALTER DATABASE app_db RESET role');
      }
    });
  }
});
