// Throwaway PostgreSQL clusters: a copy of the per-process template, its own port,
// socket dir and pg_hba.conf, listening on 127.0.0.1 only.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { postgresBinaries } from './usable-binaries.js';
import { installServerCert, labCerts } from './certs.js';
import { copyTree } from './exec.js';
import { makeLabServer } from './lab-server.js';
import { makeServerDir, removeDir } from './lab-root.js';
import { freePort, LOOPBACK, PORT_IN_USE } from './ports.js';
import { PG_FAST_SETTINGS, postgresTemplate, settingArgs } from './postgres-template.js';
import { chownTree, serverUser } from './run-as.js';
import { resolveOptions, withPortRetry } from './server-options.js';
import { spawnServer } from './server-process.js';
import type { LabServer, LabServerOptions } from './types.js';

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
  return ['local all all trust', `${kind} all all 127.0.0.1/32 scram-sha-256`, ''].join('\n');
}

async function startOnce(config: Required<LabServerOptions>): Promise<LabServer> {
  const bins = postgresBinaries(config.postgresVersion);
  const user = serverUser('postgres');
  const template = await postgresTemplate(config.postgresVersion);
  const dir = makeServerDir('pg', user);
  try {
    const data = join(dir, 'data');
    await copyTree(template, data);
    writeFileSync(join(dir, 'pg_hba.conf'), hbaFile(config));
    chownTree(join(dir, 'pg_hba.conf'), user);
    const { settings, caFile } = await tlsSettings(config, dir);
    if (config.standby) await makeStandby(bins.postgres, data, user);
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
        hba_file: join(dir, 'pg_hba.conf'),
        max_connections: String(config.maxConnections),
        superuser_reserved_connections: String(config.reservedConnections),
        ...(config.standby ? { hot_standby: 'off', wal_level: 'replica' } : {}),
      })],
      user,
      // A standby never says "ready"; it listens before it enters standby mode.
      readyPattern: config.standby ? /entering standby mode/ : /ready to accept connections/,
      stopSignal: 'SIGQUIT', // immediate shutdown: the data is thrown away anyway
    });
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
  return { settings: { ssl: 'on', ssl_cert_file: files.cert, ssl_key_file: files.key }, caFile: certs.caFile };
}

/**
 * A standby with no primary: standby.signal and nothing to stream from. The template's WAL was written with
 * wal_level=minimal, which recovery refuses; one clean start and stop with wal_level=replica rewrites it.
 */
async function makeStandby(postgres: string, data: string, user: ReturnType<typeof serverUser>): Promise<void> {
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
}
