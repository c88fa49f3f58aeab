// The pooler's own faults, each a real PgBouncer in front of a healthy lab PostgreSQL.
import pg from 'pg';
import { freePort } from './ports.js';
import { startPgbouncer, type LabPooler } from './pgbouncer.js';
import type { LabServer } from './types.js';

export type PoolerFaultKind = 'pooler-client-limit' | 'pooler-wait-timeout' | 'pooler-queued' | 'pooler-auth' | 'pooler-backend-down';
export const POOLER_FAULT_KINDS: readonly PoolerFaultKind[] = ['pooler-client-limit', 'pooler-wait-timeout', 'pooler-queued', 'pooler-auth', 'pooler-backend-down'];

/** The classification a client gets from each pooler fault: a queue outlasting the client's own timeout is the same
 *  full pool as one PgBouncer gives up on. */
export const POOLER_FAULT_CLASS: Record<PoolerFaultKind, string> = {
  'pooler-client-limit': 'pooler-client-limit', 'pooler-wait-timeout': 'pooler-wait-timeout', 'pooler-queued': 'pooler-wait-timeout',
  'pooler-auth': 'pooler-auth', 'pooler-backend-down': 'pooler-backend-down',
};

export interface PoolerFault {
  kind: PoolerFaultKind;
  /** The URL an application would use that now fails with this fault. */
  url: string;
  pooler: LabPooler;
  describe: string;
  cleanup(): Promise<void>;
}

/** Clients that logged in through the pooler and ran a query: in session mode each holds a server connection. */
async function holdClients(url: string, count: number): Promise<pg.Client[]> {
  const held: pg.Client[] = [];
  for (let i = 0; i < count; i++) {
    const c = new pg.Client({ connectionString: url });
    c.on('error', () => undefined);
    await c.connect();
    await c.query('SELECT 1');
    held.push(c);
  }
  return held;
}

export async function injectPoolerFault(kind: PoolerFaultKind, backend: LabServer): Promise<PoolerFault> {
  const pooler = await startPgbouncer(backend, poolerOptions(kind, await freePort()));
  let held: pg.Client[] = [];
  try {
    if (kind === 'pooler-client-limit') held = await holdClients(pooler.url(), 2); // = max_client_conn
    if (kind === 'pooler-wait-timeout' || kind === 'pooler-queued') held = await holdClients(pooler.url(), 1);
  } catch (err) {
    await pooler.stop();
    throw err;
  }
  let done: Promise<void> | undefined;
  return {
    kind, pooler,
    url: kind === 'pooler-auth' ? pooler.url({ password: 'wrong-password' }) : pooler.url(),
    describe: DESCRIBE[kind],
    cleanup: () => (done ??= Promise.all(held.map((c) => c.end().catch(() => undefined))).then(() => pooler.stop())),
  };
}

function poolerOptions(kind: PoolerFaultKind, deadPort: number) {
  switch (kind) {
    case 'pooler-client-limit': return { maxClientConn: 2, defaultPoolSize: 5 };
    case 'pooler-wait-timeout': return { maxClientConn: 20, defaultPoolSize: 1, queryWaitTimeout: 1 };
    // PgBouncer's default query_wait_timeout: the client's own timeout ends the wait first.
    case 'pooler-queued': return { maxClientConn: 20, defaultPoolSize: 1, queryWaitTimeout: 120 };
    case 'pooler-auth': return {};
    case 'pooler-backend-down': return { backendPort: deadPort };
  }
}

const DESCRIBE: Record<PoolerFaultKind, string> = {
  'pooler-client-limit': 'PgBouncer with max_client_conn reached: new clients are refused',
  'pooler-wait-timeout': 'PgBouncer with its one-connection pool held by another client: queries wait, then query_wait_timeout',
  'pooler-queued': 'PgBouncer with its one-connection pool held by another client and query_wait_timeout 120 s (the default): the login completes, the first query waits longer than any client timeout',
  'pooler-auth': 'PgBouncer rejects the password (its auth_file)',
  'pooler-backend-down': 'PgBouncer up, but nothing listens where its [databases] line points',
};

export interface BusyPoolerOptions {
  /** default_pool_size: server connections per pool (default 2). */
  poolSize?: number;
  /** max_client_conn (default 20). Leave one for the admin console: PgBouncer counts it as a client too. */
  maxClientConn?: number;
  /** Clients that each take a server connection and keep a transaction open on it (default poolSize). */
  hold?: number;
  /** Clients that then send a query and queue for a server connection (cl_waiting; default 1). */
  waiting?: number;
  /** query_wait_timeout in seconds (default 120: the queue stays while a runbook reads it). */
  queryWaitTimeout?: number;
}

export interface BusyPooler {
  pooler: LabPooler;
  /** The application's URL through the pooler. */
  url: string;
  /** Clients holding a server connection inside an open transaction (idle in transaction on the backend). */
  held: pg.Client[];
  /** Clients whose query waits for a server connection. */
  waiting: pg.Client[];
  cleanup(): Promise<void>;
}

/**
 * A PgBouncer whose pool is full (session mode): `hold` clients each hold a server connection with an open
 * transaction, then `waiting` more send a query and queue (SHOW POOLS cl_waiting > 0, maxwait growing). With
 * maxClientConn = hold + 1 and waiting 0, the admin console takes the last client slot and the application's
 * next login is refused with max_client_conn. Returns once SHOW POOLS shows the queue.
 */
export async function startBusyPooler(backend: LabServer, opts: BusyPoolerOptions = {}): Promise<BusyPooler> {
  const poolSize = opts.poolSize ?? 2;
  const pooler = await startPgbouncer(backend, {
    defaultPoolSize: poolSize, maxClientConn: opts.maxClientConn ?? 20, queryWaitTimeout: opts.queryWaitTimeout ?? 120,
  });
  const held: pg.Client[] = [];
  const waiting: pg.Client[] = [];
  const all = () => [...held, ...waiting];
  try {
    for (let i = 0; i < (opts.hold ?? poolSize); i++) {
      const c = new pg.Client({ connectionString: pooler.url(), application_name: `lab-holder-${i}` });
      c.on('error', () => undefined);
      held.push(c);
      await c.connect();
      await c.query('BEGIN');
      await c.query('SELECT 1');
    }
    for (let i = 0; i < (opts.waiting ?? 1); i++) {
      const c = new pg.Client({ connectionString: pooler.url() });
      c.on('error', () => undefined);
      waiting.push(c);
      await c.connect();
      c.query('SELECT 1').catch(() => undefined); // queues; fails with query_wait_timeout or at cleanup
    }
    if (waiting.length) await untilWaiting(pooler, waiting.length);
  } catch (err) {
    await Promise.all(all().map((c) => c.end().catch(() => undefined)));
    await pooler.stop();
    throw err;
  }
  let done: Promise<void> | undefined;
  return {
    pooler, url: pooler.url(), held, waiting,
    cleanup: () => (done ??= Promise.all(all().map((c) => c.end().catch(() => undefined))).then(() => pooler.stop())),
  };
}

/** Polls SHOW POOLS on the admin console until `n` clients wait. 60 s at most: a hang guard (~0.1 s idle;
 *  5 s could pass on a loaded machine, issue #20). */
async function untilWaiting(pooler: LabPooler, n: number): Promise<void> {
  const admin = new pg.Client({ connectionString: pooler.adminUrl() });
  admin.on('error', () => undefined);
  await admin.connect();
  try {
    for (const until = Date.now() + 60_000; Date.now() < until; await new Promise((r) => setTimeout(r, 50))) {
      const r = await admin.query<{ cl_waiting: number }>('SHOW POOLS');
      if (r.rows.reduce((t, p) => t + Number(p.cl_waiting), 0) >= n) return;
    }
    throw new Error(`PgBouncer: ${n} waiting clients did not show in SHOW POOLS within 60 s`);
  } finally {
    await admin.end().catch(() => undefined);
  }
}
