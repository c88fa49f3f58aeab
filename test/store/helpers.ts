// A lab PostgreSQL with a second database `ops` as the team store, owned by `rb_owner`, and one login role per
// person: alice drives, bob approves, carol is a third teammate. Each connects as herself or himself.
import { adminSql } from '../../src/lab/admin-sql.js';
import { startPostgres, type LabServer } from '../../src/lab/index.js';
import { connectStore, type StoreClient } from '../../src/store/client.js';
import { migrateStore } from '../../src/store/migrate.js';

export const PEOPLE = ['rb_owner', 'alice', 'bob', 'carol'] as const;
export type Person = (typeof PEOPLE)[number];
const PASSWORD = 'store-pw-1';

export interface StoreLab { server: LabServer; url(who: Person, port?: number): string; as(who: Person): Promise<StoreClient>; stop(): Promise<void> }

export async function startStoreLab(opts: { migrate?: boolean } = {}): Promise<StoreLab> {
  const server = await startPostgres();
  await adminSql(server, [
    ...PEOPLE.map((p) => `CREATE ROLE ${p} LOGIN PASSWORD '${PASSWORD}'`),
    'CREATE DATABASE ops OWNER rb_owner',
  ]);
  const url = (who: Person, port = server.port) => `postgres://${who}:${PASSWORD}@127.0.0.1:${port}/ops`;
  // The tests' own connections wait as long as they must (a hang guard), unlike the product's 500 ms.
  const as = (who: Person) => connectStore(url(who), { statementMs: 30_000 });
  const lab: StoreLab = { server, url, as, stop: () => server.stop() };
  if (opts.migrate !== false) {
    const owner = await lab.as('rb_owner');
    try { await migrateStore(owner); } finally { await owner.end(); }
  }
  return lab;
}

/** The error a promise rejects with (pg errors carry a code). */
export async function rejection(p: Promise<unknown>): Promise<{ message: string; code?: string }> {
  try { await p; } catch (e) { return e as { message: string; code?: string }; }
  throw new Error('expected a rejection');
}
