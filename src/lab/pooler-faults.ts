// The pooler's own faults, each a real PgBouncer in front of a healthy lab PostgreSQL.
import pg from 'pg';
import { freePort } from './ports.js';
import { startPgbouncer, type LabPooler } from './pgbouncer.js';
import type { LabServer } from './types.js';

export type PoolerFaultKind = 'pooler-client-limit' | 'pooler-wait-timeout' | 'pooler-auth' | 'pooler-backend-down';
export const POOLER_FAULT_KINDS: readonly PoolerFaultKind[] = ['pooler-client-limit', 'pooler-wait-timeout', 'pooler-auth', 'pooler-backend-down'];

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
    if (kind === 'pooler-wait-timeout') held = await holdClients(pooler.url(), 1);
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
    case 'pooler-auth': return {};
    case 'pooler-backend-down': return { backendPort: deadPort };
  }
}

const DESCRIBE: Record<PoolerFaultKind, string> = {
  'pooler-client-limit': 'PgBouncer with max_client_conn reached: new clients are refused',
  'pooler-wait-timeout': 'PgBouncer with its one-connection pool held by another client: queries wait, then query_wait_timeout',
  'pooler-auth': 'PgBouncer rejects the password (its auth_file)',
  'pooler-backend-down': 'PgBouncer up, but nothing listens where its [databases] line points',
};
