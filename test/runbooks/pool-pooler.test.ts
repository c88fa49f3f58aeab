// pool-exhausted against a real PgBouncer in front of a real PostgreSQL (issue #16): a full pool with a client
// queued (cl_waiting > 0) and max_client_conn reached. The runbook reads the admin console (SHOW only), takes
// the pooler's route, reports the pooler's own numbers, and ends resolved only when the application's URL gets
// a server connection through the pooler.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startServer, startBusyPooler, type LabServer } from '../../src/lab/index.js';
import { pgbouncerBinary } from '../../src/lab/pgbouncer.js';
import { readEvents, type TranscriptEvent } from './helpers.js';
import { runCliWithAnswers } from './answers.js';

const dir = mkdtempSync(join(tmpdir(), 'runbook-pool-pooler-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const started = (events: TranscriptEvent[]) => events.filter((e) => e.type === 'step-started').map((e) => e.stepId);
const finished = (events: TranscriptEvent[], id: string) =>
  events.find((e) => e.type === 'step-finished' && e.stepId === id) as { result?: { status?: string; rows?: Record<string, unknown>[]; rowCount?: number } } | undefined;
/** The instructions of a manual step as the operator saw them. */
const question = (events: TranscriptEvent[], id: string): string => {
  const asked = events.find((e) => e.type === 'question-asked' && (e as { question?: { stepId?: string } }).question?.stepId === id) as
    { question?: { action?: { instructions?: string } } } | undefined;
  return asked?.question?.action?.instructions ?? '';
};
const end = (events: TranscriptEvent[]) => events.find((e) => e.type === 'run-finished');

/** Turns on the one backend. The two cases that only read it and wait out the final check's 10 s login timeout in
 *  the full pool run side by side; a case that ends sessions on the backend, or whose route depends on its free
 *  slots, runs alone (each waits for every case declared before it). */
function turns(): { beside: (fn: () => Promise<void>) => Promise<void>; alone: (fn: () => Promise<void>) => Promise<void> } {
  let last: Promise<unknown> = Promise.resolve();
  let since: Promise<unknown>[] = [];
  const settle = (p: Promise<unknown>) => p.catch(() => undefined);
  return {
    beside: (fn) => { const mine = last.then(fn); since.push(settle(mine)); return mine; },
    alone: (fn) => {
      const mine = Promise.all([last, ...since]).then(fn);
      last = settle(mine);
      since = [];
      return mine;
    },
  };
}

describe('pool-exhausted with PgBouncer in front', { concurrency: true, skip: pgbouncerBinary() ? false : 'pgbouncer is not installed' }, () => {
  const { beside, alone } = turns();
  let backend: LabServer;
  before(async () => { backend = await startServer('postgres'); });
  after(async () => { await backend?.stop(); });

  it('a full pool with a client waiting: the numbers from SHOW POOLS/CONFIG, the pool-full advice, then escalate while the pool stays full', () => beside(async () => {
    const busy = await startBusyPooler(backend, { poolSize: 2, waiting: 1, queryWaitTimeout: 90 });
    try {
      const transcript = join(dir, 'pool-full.jsonl');
      const r = await runCliWithAnswers(['run', 'pool-exhausted', '--plain', '--transcript', transcript,
        '--input', `url=${backend.adminUrl()}`, '--input', `pooler_admin_url=${busy.pooler.adminUrl()}`,
        '--input', `app_url=${busy.url}`, '--input', 'app_processes=0'], ['continue']);
      const events = readEvents(transcript);
      assert.equal(r.code, 1, r.stdout + r.stderr);
      const path = started(events);
      for (const id of ['usage', 'pooler-pools', 'pooler-databases', 'pooler-clients', 'pooler-servers', 'pooler-config', 'pooler-pool-full', 'sessions', 'final-check']) {
        assert.ok(path.includes(id), `${id} in ${path.join(' ')}`);
      }
      assert.ok(!path.includes('pooler-client-limit'), 'max_client_conn (20) is far away');
      const app = finished(events, 'pooler-pools')?.result?.rows?.find((p) => p.database === 'app_db');
      assert.deepEqual([Number(app?.cl_waiting), Number(app?.sv_active), Number(app?.cl_active)], [1, 2, 2], JSON.stringify(app));
      const conf = finished(events, 'pooler-config')?.result?.rows ?? [];
      assert.equal(conf.find((c) => c.key === 'default_pool_size')?.value, '2');
      assert.equal(finished(events, 'pooler-servers')?.result?.rowCount, 2, 'the two server connections the holders keep');
      const advice = question(events, 'pooler-pool-full');
      assert.match(advice, /Pool \*\*app_db\/app_user\*\* \(pool_mode session\)/);
      assert.match(advice, /\*\*1\*\* clients waiting, the oldest for \d+ s\s+\(query_wait_timeout 90 s\); 2 server connections\s+active and 0 idle, against pool size 2\s+\(default_pool_size 2, reserve_pool_size 0/);
      assert.match(advice, /PgBouncer may open up to 2 server connections\s+\(1 pool x \(default_pool_size \+ reserve_pool_size\)\), and the database has 17 usable slots \(max_connections 20 minus 3 reserved\)/);
      assert.match(advice, /In session mode a client keeps its server connection/);
      const e = end(events);
      assert.equal(e?.outcome, 'escalate');
      // Logged in at the pooler, the query queued: the pooler's wait, not a network timeout.
      assert.match(String(e?.message), /With the application's URL a new connection fails with pooler-wait-timeout/);
      assert.match(String(e?.message), /PgBouncer: 3 clients active, 1 waiting \(the oldest \d+ s\), 2 server connections active of pool size 2, \d+ clients of max_client_conn 20/);
      assert.equal(busy.held.length, 2);
    } finally {
      await busy.cleanup();
    }
  }));

  it('a dry run against the full pool: the SHOW commands run, nothing is terminated, the pool and its config are as they were', () => beside(async () => {
    const busy = await startBusyPooler(backend, { poolSize: 2, waiting: 1, queryWaitTimeout: 90 });
    try {
      const transcript = join(dir, 'pool-full-dry.jsonl');
      await runCliWithAnswers(['run', 'pool-exhausted', '--plain', '--dry-run', '--transcript', transcript,
        '--input', `url=${backend.adminUrl()}`, '--input', `pooler_admin_url=${busy.pooler.adminUrl()}`,
        '--input', `app_url=${busy.url}`, '--input', 'app_processes=0', '--input', 'idle_tx_minutes=0'], ['continue']);
      const events = readEvents(transcript);
      assert.equal(end(events)?.outcome, 'escalate');
      assert.equal(finished(events, 'pooler-pools')?.result?.status, 'ok', 'SHOW runs in a dry run');
      assert.ok(!JSON.stringify(events).includes('"item-finished"'), 'no session was ended');
      // The holders still hold their server connections and the queued client still waits.
      for (const c of busy.held) assert.equal((await c.query('SELECT 1 AS one')).rows[0]?.one, 1);
      const pg = await import('pg');
      const admin = new pg.default.Client({ connectionString: busy.pooler.adminUrl() });
      await admin.connect();
      try {
        // PgBouncer 1.18 keeps a queued client whose socket has closed until a server connection frees up: the
        // final check's own login (application_name runbook), given up at its timeout, is still counted as waiting.
        const clients = (await admin.query('SHOW CLIENTS')).rows as Record<string, unknown>[];
        const state = (name: string) => clients.filter((c) => c.database === 'app_db' && c.application_name === name).map((c) => c.state);
        assert.deepEqual([...state('lab-holder-0'), ...state('lab-holder-1'), ...state('')], ['active', 'active', 'waiting'], JSON.stringify(clients));
        const app = (await admin.query('SHOW POOLS')).rows.find((p: { database: string }) => p.database === 'app_db') as Record<string, unknown>;
        assert.equal(Number(app.sv_active), 2);
        const conf = (await admin.query('SHOW CONFIG')).rows as { key: string; value: string }[];
        assert.equal(conf.find((c) => c.key === 'default_pool_size')?.value, '2');
      } finally { await admin.end(); }
    } finally {
      await busy.cleanup();
    }
  }));

  it('url is the database directly as the application user, pooler_admin_url given, no app_url: the direct login works, a client still waits in PgBouncer: escalate, never resolved', () => alone(async () => {
    const busy = await startBusyPooler(backend, { poolSize: 2, waiting: 1 }); // query_wait_timeout 120 s, PgBouncer's default
    try {
      const transcript = join(dir, 'direct-app-url.jsonl');
      const r = await runCliWithAnswers(['run', 'pool-exhausted', '--plain', '--transcript', transcript,
        '--input', `url=${backend.url()}`, '--input', `pooler_admin_url=${busy.pooler.adminUrl()}`, '--input', 'app_processes=0'], ['continue']);
      const events = readEvents(transcript);
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.equal(finished(events, 'final-check')?.result?.status, 'ok', 'straight to the database the application user gets in');
      const path = started(events);
      assert.deepEqual(path.slice(-3), ['final-check', 'app-headroom', 'pooler-queue']);
      const e = end(events);
      assert.equal(e?.outcome, 'escalate');
      assert.equal(e?.stepId, 'pooler-still-waiting');
      assert.match(String(e?.message), /clients still wait in PgBouncer for a server connection \(1 waiting, the oldest\s+for \d+ s, in pool app_db\/app_user\s+with 2 server connections active\)/);
      assert.match(String(e?.message), /The database itself has room \(\d+ ordinary slots free\)/);
      // Nothing was changed in the pooler: the holders hold, the queued client still waits.
      const pg = await import('pg');
      const admin = new pg.default.Client({ connectionString: busy.pooler.adminUrl() });
      await admin.connect();
      try {
        const app = (await admin.query('SHOW POOLS')).rows.find((p: { database: string }) => p.database === 'app_db') as Record<string, unknown>;
        assert.deepEqual([Number(app.cl_waiting), Number(app.sv_active)], [1, 2]);
      } finally { await admin.end(); }
    } finally {
      await busy.cleanup();
    }
  }));

  it('the same full pool, fixed for real: the held transactions are terminated behind the gate, the queued client proceeds, resolved', () => alone(async () => {
    const busy = await startBusyPooler(backend, { poolSize: 2, waiting: 1, queryWaitTimeout: 90 });
    try {
      const transcript = join(dir, 'pool-full-fixed.jsonl');
      const r = await runCliWithAnswers(['run', 'pool-exhausted', '--plain', '--approve', 'terminate-idle-tx-pg', '--transcript', transcript,
        '--input', `url=${backend.adminUrl()}`, '--input', `pooler_admin_url=${busy.pooler.adminUrl()}`,
        '--input', `app_url=${busy.url}`, '--input', 'app_processes=0', '--input', 'idle_tx_minutes=0'], ['continue']);
      const events = readEvents(transcript);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const ended = finished(events, 'terminate-idle-tx-pg')?.result;
      assert.equal(ended?.status, 'ok');
      assert.equal(ended?.rows?.length, 2, 'both holders of the pool');
      assert.equal(end(events)?.outcome, 'resolved');
      // The queued client got its server connection once the holders were gone.
      assert.equal((await busy.waiting[0]!.query('SELECT 1 AS one')).rows[0]?.one, 1);
    } finally {
      await busy.cleanup();
    }
  }));

  it('max_client_conn reached, the runbook given only the admin console: the client-limit advice, then escalate', () => alone(async () => {
    // max_client_conn 3: two application clients, and the console itself takes the third.
    const busy = await startBusyPooler(backend, { poolSize: 5, maxClientConn: 3, hold: 2, waiting: 0 });
    try {
      const transcript = join(dir, 'client-limit.jsonl');
      const r = await runCliWithAnswers(['run', 'pool-exhausted', '--plain', '--transcript', transcript,
        '--input', `url=${busy.pooler.adminUrl()}`, '--input', `app_url=${busy.url}`], ['continue']);
      const events = readEvents(transcript);
      assert.equal(r.code, 1, r.stdout + r.stderr);
      const path = started(events);
      assert.deepEqual(path, ['connect', 'pooler-pools', 'pooler-databases', 'pooler-clients', 'pooler-servers', 'pooler-config',
        'pooler-client-limit', 'pooler-queue', 'pooler-final-check'], 'no SQL step on the console: usage is skipped');
      assert.equal(finished(events, 'pooler-clients')?.result?.rowCount, 3);
      assert.match(question(events, 'pooler-client-limit'), /PgBouncer holds \*\*3\*\* client connections \(this console's included\) and max_client_conn is\s+\*\*3\*\*/);
      const e = end(events);
      assert.equal(e?.outcome, 'escalate');
      assert.match(String(e?.message), /still fails with pooler-client-limit: (08P01: )?no more connections allowed \(max_client_conn\)/);
      assert.match(String(e?.message), /3 clients of max_client_conn 3\. The pooler is at max_client_conn/);
    } finally {
      await busy.cleanup();
    }
  }));
});
