// mariadb-install-db takes ~2 s, so it runs once per process (once per test suite:
// shared-dir.ts) into a template that already holds the lab accounts; servers are
// copies of it.
import { hostname } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { findMariadbBinaries } from './binaries.js';
import { labCredentials, sqlString } from './credentials.js';
import { runCommand } from './exec.js';
import { makeNamedDir } from './lab-root.js';
import { serverUser } from './run-as.js';
import { sharedTemplate } from './shared-dir.js';
import { spawnServer } from './server-process.js';

/**
 * Flags for the template and every server: no config files, tiny InnoDB, no fsync,
 * no async-IO (unsupported in some sandboxes), no DNS lookups of clients.
 */
export const MARIADB_FAST_FLAGS = [
  '--skip-name-resolve',
  '--innodb-buffer-pool-size=16M',
  '--innodb-log-file-size=4M',
  '--innodb-temp-data-file-path=ibtmp1:1M:autoextend',
  '--innodb-flush-log-at-trx-commit=0',
  '--innodb-doublewrite=0',
  '--innodb-use-native-aio=0',
  '--performance-schema=OFF',
];

let pending: Promise<string> | undefined;

/** Path of the template datadir (created on first call). */
export function mariadbTemplate(): Promise<string> {
  pending ??= sharedTemplate('mariadb-template', buildTemplate, (dir) => join(dir, 'data'));
  return pending;
}

/** Builds the template in this process's lab root; returns its directory. */
async function buildTemplate(): Promise<string> {
  const bins = findMariadbBinaries();
  const user = serverUser('mariadb');
  const dir = makeNamedDir('mariadb-template', user);
  const data = join(dir, 'data');
  await runCommand(bins.installDb, ['--no-defaults', `--datadir=${data}`, '--auth-root-authentication-method=normal',
    '--skip-test-db', `--tmpdir=${dir}`, ...MARIADB_FAST_FLAGS], user);
  await seedTemplate(bins.server, data, dir);
  return dir;
}

/** Starts the template socket-only, creates the lab accounts, and shuts down cleanly. */
async function seedTemplate(server: string, data: string, dir: string): Promise<void> {
  const socketPath = join(dir, 'seed.sock');
  const proc = await spawnServer({
    label: 'MariaDB template',
    cmd: server,
    args: ['--no-defaults', `--datadir=${data}`, `--socket=${socketPath}`, '--skip-networking', `--pid-file=${join(dir, 'seed.pid')}`,
      `--tmpdir=${dir}`, ...MARIADB_FAST_FLAGS], // a private tmpdir: concurrent installs clash over /tmp/#sql-temptable*
    user: serverUser('mariadb'),
    readyPattern: /ready for connections/,
    stopSignal: 'SIGTERM', // clean shutdown, so copies start without crash recovery
  });
  try {
    await runSeedSql(socketPath);
  } finally {
    await proc.stop();
  }
}

async function runSeedSql(socketPath: string): Promise<void> {
  const c = labCredentials();
  const conn = await mysql.createConnection({ socketPath, user: 'root' });
  try {
    // install-db leaves password-less root accounts reachable over TCP; keep root socket-only.
    for (const host of ['127.0.0.1', '::1', hostname(), '%']) {
      await conn.query(`DROP USER IF EXISTS 'root'@${sqlString(host)}`);
    }
    await conn.query(`DELETE FROM mysql.global_priv WHERE User = ''`); // anonymous accounts, if any
    await conn.query(`CREATE USER '${c.superuser}'@'%' IDENTIFIED BY ${sqlString(c.superPassword)}`);
    await conn.query(`GRANT ALL PRIVILEGES ON *.* TO '${c.superuser}'@'%' WITH GRANT OPTION`);
    await conn.query(`CREATE DATABASE ${c.database}`);
    await conn.query(`CREATE USER '${c.appUser}'@'%' IDENTIFIED BY ${sqlString(c.appPassword)}`);
    await conn.query(`GRANT ALL PRIVILEGES ON ${c.database}.* TO '${c.appUser}'@'%'`);
    await conn.query('FLUSH PRIVILEGES');
  } finally {
    await conn.end();
  }
}
