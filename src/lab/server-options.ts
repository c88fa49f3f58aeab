// Defaults and validation shared by both engines' start functions.
import { LabError } from './lab-error.js';
import type { LabServerOptions } from './types.js';

export function resolveOptions(engine: 'postgres' | 'mariadb', opts: LabServerOptions = {}): Required<LabServerOptions> {
  const resolved: Required<LabServerOptions> = {
    maxConnections: opts.maxConnections ?? (engine === 'postgres' ? 20 : 30),
    // MariaDB always allows exactly one connection beyond max_connections for SUPER users.
    reservedConnections: opts.reservedConnections ?? (engine === 'postgres' ? 3 : 1),
    tls: opts.tls ?? 'off',
    cert: opts.cert ?? 'good',
    postgresVersion: opts.postgresVersion ?? 'system',
    standby: opts.standby ?? false,
    startingUp: opts.startingUp ?? false,
    hostsslOnly: opts.hostsslOnly ?? false,
    hbaLines: opts.hbaLines ?? [],
    reservedForRoles: opts.reservedForRoles ?? 0,
    nameResolve: opts.nameResolve ?? false,
    maxConnectErrors: opts.maxConnectErrors ?? 0,
    socketPermissions: opts.socketPermissions ?? 0,
    localLines: opts.localLines ?? [],
    tlsVersion: opts.tlsVersion ?? 'any',
    startupPasswords: opts.startupPasswords ?? { report: '', sst: '' },
  };
  if (resolved.reservedForRoles > 0 && (engine !== 'postgres' || !['16', '17', '18'].includes(resolved.postgresVersion))) {
    throw new LabError("reservedForRoles is PostgreSQL 16+ (reserved_connections): use postgresVersion '16', '17' or '18'");
  }
  if (engine === 'mariadb' && resolved.postgresVersion !== 'system') throw new LabError('postgresVersion is for PostgreSQL servers');
  if (engine === 'mariadb' && (resolved.standby || resolved.startingUp || resolved.hostsslOnly || resolved.hbaLines.length > 0)) {
    throw new LabError('standby, startingUp, hostsslOnly and hbaLines are PostgreSQL options');
  }
  if (engine === 'postgres' && (resolved.nameResolve || resolved.maxConnectErrors > 0)) {
    throw new LabError('nameResolve and maxConnectErrors are MariaDB options');
  }
  if (engine === 'mariadb' && resolved.socketPermissions > 0) throw new LabError('socketPermissions is a PostgreSQL option');
  if (engine === 'mariadb' && resolved.localLines.length > 0) throw new LabError('localLines is a PostgreSQL option');
  if (resolved.tlsVersion !== 'any' && resolved.tls === 'off') throw new LabError('tlsVersion needs tls on');
  if (engine === 'postgres' && (resolved.startupPasswords.report || resolved.startupPasswords.sst)) throw new LabError('startupPasswords is a MariaDB option');
  if (engine === 'postgres' && resolved.reservedConnections + resolved.reservedForRoles >= resolved.maxConnections) {
    throw new LabError('reservedConnections must be less than maxConnections');
  }
  if (engine === 'mariadb' && resolved.reservedConnections !== 1) {
    throw new LabError('MariaDB reserves exactly one extra connection for SUPER users; it is not configurable');
  }
  if (engine === 'mariadb' && resolved.maxConnections < 10) {
    // mariadbd silently raises anything lower to 10; say so instead of surprising tests.
    throw new LabError('MariaDB enforces max_connections >= 10');
  }
  return resolved;
}

/** Retries `start` with a fresh port when another process grabbed ours first. */
export async function withPortRetry<T>(start: () => Promise<T>, isPortClash: (err: unknown) => boolean): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start();
    } catch (err) {
      if (attempt >= 3 || !isPortClash(err)) throw err;
    }
  }
}
