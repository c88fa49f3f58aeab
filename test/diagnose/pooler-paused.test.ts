// A database PgBouncer holds PAUSEd is not a full pool (issue #48): both let a client log in and make its first
// query wait, and diagnose advised a bigger pool for both. PgBouncer's console tells them apart; diagnose reads it
// with the URL's own credentials (stats_users), and says what it could not see when the console refuses them.
// Real PgBouncer, a real PAUSE, a pool really held full.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { assertAdviceAgrees } from './advice-agrees.js';
import { diagnose } from '../../src/diagnose/diagnose.js';
import { pgbouncerBinary, startPgbouncer, startPostgres, type LabPooler, type LabServer, type PoolerOptions } from '../../src/lab/index.js';

const run = (url: string) => diagnose({ url, from: 'test' }, { timeoutMs: 3_000 });
const NO_POOLER = !pgbouncerBinary() && 'pgbouncer is not installed';
const connectCheck = (d: Awaited<ReturnType<typeof run>>) => d.checks.find((c) => c.layer === 'connect');

// The cases wait (3 s limits, PgBouncer's login timeout, dry runs) and are independent: each has a PgBouncer of its
// own (its own PAUSE, its own pool held full) in front of the one PostgreSQL, so they run side by side.
describe('PgBouncer: a PAUSEd database against a full pool', { skip: NO_POOLER, concurrency: true }, () => {
  const started: { stop(): Promise<void> }[] = [];
  after(async () => { for (const s of started.reverse()) await s.stop(); });
  let backend: LabServer | undefined;
  let starting: Promise<LabServer> | undefined;
  async function pooler(opts: PoolerOptions): Promise<LabPooler> {
    starting ??= startPostgres().then((s) => { backend = s; started.push(s); return s; });
    const p = await startPgbouncer(await starting, { queryWaitTimeout: 30, ...opts });
    started.push(p);
    return p;
  }
  async function onConsole(p: LabPooler, command: string): Promise<void> {
    const c = new pg.Client({ connectionString: p.adminUrl() });
    await c.connect();
    try { await c.query(command); } finally { await c.end(); }
  }
  async function holdTheOnlyServerConnection(p: LabPooler): Promise<pg.Client> {
    const c = new pg.Client({ connectionString: p.url() });
    await c.connect();
    await c.query('SELECT 1'); // session mode: this client keeps its server connection until it leaves
    return c;
  }

  it('PAUSE app_db, the application a stats user: database-closed, RESUME named, never a bigger pool', async () => {
    const p = await pooler({ statsUsers: [backend?.appUser ?? 'app_user'] });
    await onConsole(p, `PAUSE ${p.backend.database}`);
    try {
      const d = await run(p.url());
      assert.deepEqual([d.classification, d.runbook], ['database-closed', 'read-only'], JSON.stringify(d.checks));
      const connect = connectCheck(d);
      assert.equal((connect?.details?.poolerConsole as { paused?: number })?.paused, 1);
      assert.match(connect?.summary ?? '', /PgBouncer holds database app_db PAUSEd .*RESUME app_db on the console/);
      const { advice } = await assertAdviceAgrees(p.url(), d, { timeoutMs: 3_000, answers: [p.adminUrl()] });
      assert.match(advice, /RESUME/);
    } finally {
      await onConsole(p, `RESUME ${p.backend.database}`);
    }
  });

  // PgBouncer ends a login it holds for a PAUSE after its client_login_timeout (3 s in the lab), saying "server down":
  // given longer than that, diagnose hears PgBouncer's own words, and still reads the console before believing them.
  it('PAUSE app_db, diagnose patient past client_login_timeout: still database-closed, not a server down', async () => {
    const p = await pooler({ statsUsers: [backend?.appUser ?? 'app_user'] });
    await onConsole(p, `PAUSE ${p.backend.database}`);
    try {
      const d = await diagnose({ url: p.url(), from: 'test' }, { timeoutMs: 10_000 });
      assert.deepEqual([d.classification, d.runbook], ['database-closed', 'read-only'], JSON.stringify(d.checks));
      assert.equal(connectCheck(d)?.details?.sqlState, '08P01', 'PgBouncer\'s own error came first'); // not diagnose's timeout
      assert.match(connectCheck(d)?.summary ?? '', /PgBouncer holds database app_db PAUSEd/);
    } finally {
      await onConsole(p, `RESUME ${p.backend.database}`);
    }
  });

  it('the pool held full, the application a stats user: pooler-wait-timeout, the console says not paused and who waits', async () => {
    const p = await pooler({ defaultPoolSize: 1, statsUsers: [backend?.appUser ?? 'app_user'] });
    const held = await holdTheOnlyServerConnection(p);
    try {
      const d = await run(p.url());
      assert.equal(d.classification, 'pooler-wait-timeout', JSON.stringify(d.checks));
      assert.match(connectCheck(d)?.summary ?? '', /PgBouncer's console: database app_db is not paused; \d+ clients wait, 1 server connections active of a pool of 1/);
      await assertAdviceAgrees(p.url(), d, { timeoutMs: 3_000, inputs: { pooler_admin_url: p.adminUrl(), target_percent: '1000' } });
    } finally {
      await held.end();
    }
  });

  it('PAUSE app_db, the console refusing the application\'s user: a timeout whose finding says the port answered, no firewall', async () => {
    const p = await pooler({});
    await onConsole(p, `PAUSE ${p.backend.database}`);
    try {
      const d = await run(p.url());
      assert.equal(d.classification, 'timeout', JSON.stringify(d.checks));
      assert.match(d.finding, /^The port answered its first request at once \(\d+ ms\), so nothing on the path drops packets: the login itself waited\. .*PAUSEd database/);
      assert.match(connectCheck(d)?.summary ?? '', /PgBouncer's console did not answer this user/);
    } finally {
      await onConsole(p, `RESUME ${p.backend.database}`);
    }
  });

  it('the pool held full, the console refusing the application\'s user: the finding says a PAUSE would look the same', async () => {
    const p = await pooler({ defaultPoolSize: 1 });
    const held = await holdTheOnlyServerConnection(p);
    try {
      const d = await run(p.url());
      assert.equal(d.classification, 'pooler-wait-timeout', JSON.stringify(d.checks));
      assert.match(connectCheck(d)?.summary ?? '', /PgBouncer's console did not answer this user .*a database it holds PAUSEd looks the same/);
    } finally {
      await held.end();
    }
  });
});
