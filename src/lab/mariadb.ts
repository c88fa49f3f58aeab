// Throwaway MariaDB servers: a copy of the per-process template, its own port, socket
// and datadir, bound to 127.0.0.1 only.
import { join } from 'node:path';
import { findMariadbBinaries } from './binaries.js';
import { installServerCert, labCerts } from './certs.js';
import { labClientCerts } from './client-certs.js';
import { copyTree } from './exec.js';
import { makeLabServer } from './lab-server.js';
import { makeServerDir, removeDir } from './lab-root.js';
import { MARIADB_FAST_FLAGS, mariadbTemplate } from './mariadb-template.js';
import { freePort, LOOPBACK, PORT_IN_USE } from './ports.js';
import { labNameFiles } from './private-files.js';
import { serverUser } from './run-as.js';
import { resolveOptions, withPortRetry } from './server-options.js';
import { spawnServer } from './server-process.js';
import type { LabServer, LabServerOptions } from './types.js';

export async function startMariadb(opts?: LabServerOptions): Promise<LabServer> {
  const config = resolveOptions('mariadb', opts);
  return withPortRetry(() => startOnce(config), (e) => e instanceof Error && PORT_IN_USE.test(e.message));
}

async function startOnce(config: Required<LabServerOptions>): Promise<LabServer> {
  const bins = findMariadbBinaries();
  const user = serverUser('mariadb');
  const template = await mariadbTemplate();
  const dir = makeServerDir('mariadb', user);
  try {
    const data = join(dir, 'data');
    await copyTree(template, data);
    const { flags, caFile } = await tlsFlags(config, dir);
    const port = await freePort();
    const proc = await spawnServer({
      label: 'MariaDB',
      cmd: bins.server,
      args: ['--no-defaults', `--datadir=${data}`, `--socket=${join(dir, 'mysqld.sock')}`, `--port=${port}`,
        `--bind-address=${LOOPBACK}`, `--pid-file=${join(dir, 'mysqld.pid')}`, `--tmpdir=${dir}`,
        `--max-connections=${config.maxConnections}`, ...nameFlags(config), ...flags, ...passwordFlags(config)],
      user,
      ...(config.nameResolve ? { privateFiles: labNameFiles(dir) } : {}),
      readyPattern: /ready for connections/,
      stopSignal: 'SIGKILL', // the datadir is deleted right after, nothing to flush
    });
    return makeLabServer({ engine: 'mariadb', port, dir, process: proc, config, ...(caFile ? { caFile } : {}) });
  } catch (err) {
    removeDir(dir);
    throw err;
  }
}

/** The startup passwords a test asks for (a replica's report_password, Galera's wsrep_sst_auth). */
function passwordFlags(config: Required<LabServerOptions>): string[] {
  const { report, sst } = config.startupPasswords;
  return [...(report ? ['--report-user=replica', `--report-password=${report}`] : []), ...(sst ? [`--wsrep-sst-auth=${sst}`] : [])];
}

/** The lab's fast flags; with nameResolve, without --skip-name-resolve, so the host cache counts broken connections. */
function nameFlags(config: Required<LabServerOptions>): string[] {
  const fast = config.nameResolve ? MARIADB_FAST_FLAGS.filter((f) => f !== '--skip-name-resolve') : MARIADB_FAST_FLAGS;
  return [...fast, ...(config.maxConnectErrors > 0 ? [`--max-connect-errors=${config.maxConnectErrors}`] : [])];
}

async function tlsFlags(config: Required<LabServerOptions>, dir: string): Promise<{ flags: string[]; caFile: string | undefined }> {
  // 10.11 has no TLS unless given a cert, but say --skip-ssl so newer versions
  // (11.4+ auto-generate certs) still produce the ssl-unsupported fault.
  if (config.tls === 'off') return { flags: ['--skip-ssl'], caFile: undefined };
  const certs = await labCerts();
  const files = installServerCert(certs, config.cert, dir, serverUser('mariadb'));
  // The CA checks client certificates (REQUIRE X509 accounts), with its revocation list as a real server would.
  const flags = [`--ssl-cert=${files.cert}`, `--ssl-key=${files.key}`, `--ssl-ca=${certs.caFile}`, `--ssl-crl=${(await labClientCerts()).crlFile}`];
  if (config.tls === 'required') flags.push('--require-secure-transport=ON');
  if (config.tlsVersion !== 'any') flags.push(`--tls-version=TLSv${config.tlsVersion}`);
  return { flags, caFile: certs.caFile };
}
