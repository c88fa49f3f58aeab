// `runbook store migrate`: brings the store's schema up to the version this CLI knows, in one transaction,
// one migrator at a time. Running it again changes nothing. A store migrated by a newer runbook is refused:
// this CLI would not know what its tables mean.
import { UserError } from '../common/errors.js';
import type { StoreClient } from './client.js';
import { LATEST, MIGRATIONS } from './migrations.js';

const LOCK_KEY = 'runbook.store.migrate';

export interface MigrateResult { from: number; to: number; applied: number[] }

export async function migrateStore(client: StoreClient): Promise<MigrateResult> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [LOCK_KEY]);
    await client.query('CREATE SCHEMA IF NOT EXISTS runbook');
    await client.query(`CREATE TABLE IF NOT EXISTS runbook.schema_version (
      version int PRIMARY KEY, what text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now(), applied_by name NOT NULL DEFAULT session_user)`);
    const from = await currentVersion(client);
    refuseNewer(from);
    const applied: number[] = [];
    for (const m of MIGRATIONS.filter((x) => x.version > from)) {
      await client.query(m.sql);
      await client.query('INSERT INTO runbook.schema_version (version, what) VALUES ($1, $2)', [m.version, m.what]);
      applied.push(m.version);
    }
    await client.query('COMMIT');
    return { from, to: Math.max(from, LATEST), applied };
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  }
}

async function currentVersion(client: StoreClient): Promise<number> {
  const rows = await client.query<{ v: number | null }>('SELECT max(version) AS v FROM runbook.schema_version');
  return rows[0]?.v ?? 0;
}

function refuseNewer(version: number): void {
  if (version > LATEST) {
    throw new UserError(`the store's schema is version ${version}, newer than this runbook knows (${LATEST}): upgrade runbook before using this store`);
  }
}

/** Every command that uses the store first checks it is migrated, and not past what this CLI knows. */
export async function checkStoreVersion(client: StoreClient): Promise<void> {
  const exists = await client.query<{ t: string | null }>(`SELECT to_regclass('runbook.schema_version')::text AS t`);
  const version = exists[0]?.t ? await currentVersion(client) : 0;
  if (version === 0) throw new UserError('the store has no runbook schema yet: run `runbook store migrate` once (as the role that should own it)');
  refuseNewer(version);
  if (version < LATEST) throw new UserError(`the store's schema is version ${version}; this runbook needs ${LATEST}: run \`runbook store migrate\``);
}
