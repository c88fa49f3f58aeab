// Throwaway PostgreSQL clusters: a copy of the per-process template, its own port,
// socket dir and pg_hba.conf, listening on 127.0.0.1 only.
import { chmodSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { postgresBinaries } from './usable-binaries.js';
import { installServerCert, labCerts } from './certs.js';
import { labClientCerts } from './client-certs.js';
import { copyTree } from './exec.js';
import { makeLabServer } from './lab-server.js';
import { makeServerDir, removeDir } from './lab-root.js';
import { freePort, LOOPBACK, PORT_IN_USE } from './ports.js';
import { PG_FAST_SETTINGS, postgresTemplate, settingArgs } from './postgres-template.js';
import { chownTree, serverUser } from './run-as.js';
import { resolveOptions, withPortRetry } from './server-options.js';
import { spawnServer } from './server-process.js';
import pg from 'pg';
import { labCredentials, sqlString } from './credentials.js';
import { RESERVED_ROLE, type LabServer, type LabServerOptions } from './types.js';

export async function startPostgres(opts?: LabServerOptions): Promise<LabServer> {
  const config = resolveOptions('postgres', opts);
  return withPortRetry(() => startOnce(config), (e) => e instanceof Error && PORT_IN_USE.test(e.message));
}

/**
 * 'required' keeps only hostssl lines, so a plain TCP connection matches no entry and gets
 * "no pg_hba.conf entry … no encryption". The socket stays trust for lab housekeeping.
 */
function hbaFile(config: Required<LabServerOptions>): string {
  const kind = config.tls === 'required' || config.hostsslOnly ? 'hostssl' : 'host';
  const tcp = config.hbaLines.length > 0 ? config.hbaLines : [`${kind} all all 127.0.0.1/32 scram-sha-256`];
  return [...config.localLines, 'local all all trust', ...tcp, ''].join('\n');
}

/** A pg_hba.conf line with the `cert` method (or clientcert=) is ignored unless the server has a CA for client certs. */
const needsClientCa = (config: Required<LabServerOptions>): boolean => config.hbaLines.some((l) => /\scert(\s|$)|clientcert=/.test(l));

async function startOnce(config: Required<LabServerOptions>): Promise<LabServer> {
  const bins = postgresBinaries(config.postgresVersion);
  const user = serverUser('postgres');
  const template = await postgresTemplate(config.postgresVersion);
  const dir = makeServerDir('pg', user);
  // With socketPermissions the socket file's mode decides who may connect: anyone may traverse the directory.
  if (config.socketPermissions > 0) chmodSync(dir, 0o711);
  try {
    const data = join(dir, 'data');
    await copyTree(template, data);
    writeFileSync(join(dir, 'pg_hba.conf'), hbaFile(config));
    chownTree(join(dir, 'pg_hba.conf'), user);
    const { settings, caFile } = await tlsSettings(config, dir);
    const standby = config.standby || config.startingUp;
    if (standby) await makeStandby(bins.postgres, data, user, config.startingUp);
    const port = await freePort();
    const proc = await spawnServer({
      label: 'PostgreSQL',
      cmd: bins.postgres,
      args: ['-D', data, ...settingArgs({
        ...PG_FAST_SETTINGS,
        ...settings,
        listen_addresses: LOOPBACK,
        port: String(port),
        unix_socket_directories: dir,
        ...(config.socketPermissions > 0 ? { unix_socket_permissions: `0${config.socketPermissions.toString(8)}` } : {}),
        hba_file: join(dir, 'pg_hba.conf'),
        max_connections: String(config.maxConnections),
        superuser_reserved_connections: String(config.reservedConnections),
        ...(config.reservedForRoles > 0 ? { reserved_connections: String(config.reservedForRoles) } : {}),
        ...(standby ? { hot_standby: 'off', wal_level: 'replica' } : {}),
      })],
      user,
      // A standby never says "ready"; it listens before it enters standby mode.
      // Held in startup, PostgreSQL 18 logs nothing more than its listeners: logins are answered from then on.
      readyPattern: config.startingUp ? /listening on Unix socket/ : standby ? /entering standby mode/ : /ready to accept connections/,
      stopSignal: 'SIGQUIT', // immediate shutdown: the data is thrown away anyway
    });
    if (config.reservedForRoles > 0) await createReservedRole(dir, port).catch(async (err: unknown) => { await proc.stop(); throw err; });
    return makeLabServer({ engine: 'postgres', port, dir, process: proc, config, ...(caFile ? { caFile } : {}) });
  } catch (err) {
    removeDir(dir);
    throw err;
  }
}

async function tlsSettings(
  config: Required<LabServerOptions>,
  dir: string,
): Promise<{ settings: Record<string, string>; caFile: string | undefined }> {
  if (config.tls === 'off') return { settings: { ssl: 'off' }, caFile: undefined };
  const certs = await labCerts();
  const files = installServerCert(certs, config.cert, dir, serverUser('postgres'));
  // With the lab CA's revocation list, as a server that checks client certificates would have.
  const clientCa: Record<string, string> = needsClientCa(config)
    ? { ssl_ca_file: certs.caFile, ssl_crl_file: (await labClientCerts()).crlFile } : {};
  const only = config.tlsVersion === 'any' ? undefined : `TLSv${config.tlsVersion === '1.0' ? '1' : config.tlsVersion}`;
  const versions: Record<string, string> = only ? { ssl_min_protocol_version: only, ssl_max_protocol_version: only } : {};
  return { settings: { ssl: 'on', ssl_cert_file: files.cert, ssl_key_file: files.key, ...clientCa, ...versions }, caFile: certs.caFile };
}

/**
 * A standby with no primary: standby.signal and nothing to stream from. The template's WAL was written with
 * wal_level=minimal, which recovery refuses; one clean start and stop with wal_level=replica rewrites it.
 */
async function makeStandby(postgres: string, data: string, user: ReturnType<typeof serverUser>, withoutWal = false): Promise<void> {
  const dir = join(data, '..');
  const once = await spawnServer({
    label: 'PostgreSQL (standby preparation)',
    cmd: postgres,
    args: ['-D', data, ...settingArgs({ ...PG_FAST_SETTINGS, wal_level: 'replica', listen_addresses: '', unix_socket_directories: dir })],
    user,
    readyPattern: /ready to accept connections/,
    stopSignal: 'SIGINT', // fast shutdown writes the checkpoint recovery starts from
  });
  await once.stop();
  writeFileSync(join(data, 'standby.signal'), '');
  chownTree(join(data, 'standby.signal'), user);
  // Held in startup: without the segment of its last checkpoint a standby waits for it (no restore_command, no
  // primary) before it even begins recovery, so the postmaster never leaves its startup state.
  if (withoutWal) for (const f of readdirSync(join(data, 'pg_wal'))) if (/^[0-9A-F]{24}$/.test(f)) rmSync(join(data, 'pg_wal', f));
}

/** The operations role for reserved_connections, over the socket (trust): whatever the TCP lines allow. */
async function createReservedRole(socketDir: string, port: number): Promise<void> {
  const c = labCredentials();
  const client = new pg.Client({ host: socketDir, port, user: c.superuser, database: 'postgres' });
  await client.connect();
  try {
    await client.query(`CREATE ROLE ${RESERVED_ROLE} LOGIN PASSWORD ${sqlString(c.appPassword)}`);
    await client.query(`GRANT pg_use_reserved_connections, pg_signal_backend, pg_monitor TO ${RESERVED_ROLE}`);
  } finally {
    await client.end();
  }
}
