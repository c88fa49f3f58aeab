// initdb is the slow part of a PostgreSQL start (~1 s), so it runs once per process (once
// per test suite: shared-dir.ts) into a template that already holds the lab roles and database; clusters are copies of it.
import { join } from 'node:path';
import pg from 'pg';
import { postgresBinaries } from './usable-binaries.js';
import type { PostgresVersion } from './types.js';
import { labCredentials, sqlString } from './credentials.js';
import { runCommand } from './exec.js';
import { makeNamedDir } from './lab-root.js';
import { serverUser } from './run-as.js';
import { sharedTemplate } from './shared-dir.js';
import { spawnServer } from './server-process.js';

/** Settings used by the template and every cluster: speed over durability. */
export const PG_FAST_SETTINGS: Record<string, string> = {
  fsync: 'off',
  synchronous_commit: 'off',
  full_page_writes: 'off',
  shared_buffers: '16MB',
  wal_level: 'minimal',
  max_wal_senders: '0',
  autovacuum: 'off',
  password_encryption: 'scram-sha-256',
};

export function settingArgs(settings: Record<string, string>): string[] {
  return Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`]);
}

const pending = new Map<PostgresVersion, Promise<string>>();

/** Path of the template data dir for these binaries (created on first call). */
export function postgresTemplate(version: PostgresVersion = 'system'): Promise<string> {
  let template = pending.get(version);
  if (!template) {
    const name = version === 'system' ? 'pg-template' : `pg${version}-template`;
    template = sharedTemplate(name, () => buildTemplate(name, version), (dir) => join(dir, 'data'));
    pending.set(version, template);
  }
  return template;
}

/** Builds the template in this process's lab root; returns its directory. */
async function buildTemplate(name: string, version: PostgresVersion): Promise<string> {
  const bins = postgresBinaries(version);
  const user = serverUser('postgres');
  const dir = makeNamedDir(name, user);
  const data = join(dir, 'data');
  const { superuser } = labCredentials();
  await runCommand(bins.initdb, ['-D', data, '-U', superuser, '--auth-local=trust', '--auth-host=scram-sha-256',
    '-E', 'UTF8', '--no-locale', '--no-sync', '--wal-segsize=1'], user); // 1 MB WAL: less to copy per cluster
  await seedTemplate(bins.postgres, data, dir);
  return dir;
}

/** Starts the template socket-only, creates the lab roles, and shuts down cleanly. */
async function seedTemplate(postgres: string, data: string, socketDir: string): Promise<void> {
  const server = await spawnServer({
    label: 'PostgreSQL template',
    cmd: postgres,
    args: ['-D', data, ...settingArgs({ ...PG_FAST_SETTINGS, listen_addresses: '', unix_socket_directories: socketDir, port: '5432' })],
    user: serverUser('postgres'),
    readyPattern: /ready to accept connections/,
    stopSignal: 'SIGINT', // fast shutdown: checkpoints, so copies start without recovery
  });
  try {
    await runSeedSql(socketDir);
  } finally {
    await server.stop();
  }
}

async function runSeedSql(socketDir: string): Promise<void> {
  const c = labCredentials();
  const client = new pg.Client({ host: socketDir, port: 5432, user: c.superuser, database: 'postgres' });
  await client.connect();
  try {
    await client.query(`ALTER ROLE ${c.superuser} PASSWORD ${sqlString(c.superPassword)}`);
    await client.query(`CREATE ROLE ${c.appUser} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD ${sqlString(c.appPassword)}`);
    await client.query(`CREATE DATABASE ${c.database} OWNER ${c.appUser}`);
  } finally {
    await client.end();
  }
}
