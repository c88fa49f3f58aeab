// PostgreSQL's shared lock table filled for real: one session takes advisory locks until the server answers
// 53200 "out of shared memory" (an application leaking session-level advisory locks does the same). Those
// locks outlive the failed statement, and each takes exactly one entry, so no room is left: new logins need an
// entry for the shared catalog they read and get the same 53200 (server-resources) until the holder ends.
import pg from 'pg';
import { LabError } from './lab-error.js';
import type { LabServer } from './types.js';

export interface LockTableHolder {
  /** How many advisory locks the holder took before the table was full. */
  readonly locked: number;
  /** Ends the holder's session, and with it its locks: logins work again. Idempotent. */
  release(): Promise<void>;
}

// Session-level advisory locks do not follow the transaction: the statement fails, the locks stay.
const FILL = 'DO $$ BEGIN FOR i IN 1..100000000 LOOP PERFORM pg_advisory_lock(i); END LOOP; END $$';
const COUNT = "SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()";

export async function fillLockTable(server: LabServer): Promise<LockTableHolder> {
  if (server.engine !== 'postgres') throw new LabError('fillLockTable is for PostgreSQL');
  const client = new pg.Client({ connectionString: server.adminUrl(), application_name: 'lab-lock-hog' });
  client.on('error', () => undefined); // the server or a runbook may end it
  await client.connect();
  let locked: number;
  try {
    const full = await client.query(FILL).then(() => undefined, (err: { code?: string }) => err);
    if (full?.code !== '53200') throw new LabError(`the lock table did not fill: ${String(full)}`);
    locked = (await client.query<{ n: number }>(COUNT)).rows[0]!.n;
  } catch (err) {
    await client.end().catch(() => undefined);
    throw err;
  }
  let released: Promise<void> | undefined;
  return { locked, release: () => (released ??= client.end().catch(() => undefined)) };
}
