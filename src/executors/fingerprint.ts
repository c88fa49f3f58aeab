// Who answered: a fingerprint of each target a run touches, taken at first contact and recorded in the
// transcript, so that a resume can tell "the same server" from "whatever DATABASE_URL names today".
//
// The identity is the server's own, not the address used to reach it (a DNS name, an IP and a pooler can all
// lead to one server; one address can lead to another server after a change):
// - PostgreSQL: system_identifier from pg_control_system() (EXECUTE is granted to PUBLIC by default), with the
//   address and port the server itself answers on (inet_server_addr/port). The identifier alone is not enough:
//   it is made by initdb and shared by every copy of that data directory (a restored backup, a cloned image, a
//   physical replica), so two servers can have it. Where pg_control_system() was revoked, the address, port and
//   the database's oid stand in (marked weak: compared together with the URL's host and port).
// - MySQL: @@server_uuid. MariaDB has none: @@hostname, @@port and @@datadir (stable across restarts).
// - Shell steps run here: the host name and /etc/machine-id.
// The database name is part of the target: another database on the same server is another target.
//
// The server's identity alone does not tell two servers apart: copies of one data directory share the
// system_identifier, and `mariadb-0` in two clusters has the same hostname, port and datadir. So the address
// the URL names (host, port, database, user) is compared too; a legitimate move (a DNS change, a failover to a
// replica under another name) is what --retarget is for.
import { readFileSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import type { Session } from '../db/session.js';
import { socketPath, type ConnectionInfo } from '../db/url.js';
import { withEnvCredentials } from '../db/url-env.js';

/** Where a connection's URL leads (with the run's environment filling in what it leaves out), before any
 *  server is asked: recorded for every connection as a run starts. */
export interface TargetAddress {
  engine: 'postgres' | 'mysql' | 'mariadb';
  host: string;
  port?: number;
  database?: string;
  user?: string;
}

export interface TargetFingerprint {
  engine: 'postgres' | 'mysql' | 'mariadb' | 'host';
  host: string;
  port?: number;
  database?: string;
  user?: string;
  /** The server's (or machine's) own identity, e.g. "system_identifier 7710917964256237067". */
  server: string;
  /** The server's identity could not be read; addresses stand in for it. */
  weak?: boolean;
  /** When the server (process) started, epoch seconds: what a run read from it (a pid, a MariaDB connection id)
   *  names something else after a restart, though the server is the same. */
  started?: string;
  /** A Unix socket's file (device:inode) where the address is a socket: a path moved to a copy of the server, or
   *  to another server started the same second, leads to another file (a probe of stop 68, MariaDB, whose start
   *  time has whole seconds only). */
  socket?: string;
}

/** The connection key under which the host running shell steps is recorded. */
export const HOST_TARGET = '$host';

export function hostFingerprint(): TargetFingerprint {
  const name = hostname();
  const id = firstReadable(['/etc/machine-id', '/var/lib/dbus/machine-id']);
  // The kernel's boot: after a reboot the pids a step listed name other processes (started: a restart of it).
  const boot = firstReadable(['/proc/sys/kernel/random/boot_id']);
  return { engine: 'host', host: name, server: id ? `machine-id ${id}` : `hostname ${name}`, ...(id ? {} : { weak: true }), ...(boot ? { started: `boot ${boot}` } : {}) };
}

/** Where a URL leads, as the connection will be made: the run's environment fills in what the URL leaves out
 *  (PGUSER, PGDATABASE: db/url-env.ts). A Unix socket is named by its path (the port is in a PostgreSQL
 *  socket's name, meaningless for MySQL's). */
export function addressOf(given: ConnectionInfo, env: Record<string, string | undefined> = process.env): TargetAddress {
  const info = withEnvCredentials(given, env);
  const socket = socketPath(info);
  return { engine: info.engine, host: socket ?? info.host, ...(socket ? {} : { port: info.port }), database: info.database, user: info.user };
}

/** Asks the server who it is (one read-only statement). Never throws for a missing privilege: falls back. */
export async function fingerprintSession(session: Session, address: TargetAddress, signal: AbortSignal): Promise<TargetFingerprint> {
  // Picked field by field: never more than the address (a ConnectionInfo passed here holds the password).
  const socket = address.host.startsWith('/') ? socketFile(address.host) : undefined;
  const base = { host: address.host, ...(address.port !== undefined ? { port: address.port } : {}), database: address.database, user: address.user, ...(socket ? { socket } : {}) };
  const one = async (sql: string): Promise<Record<string, unknown> | undefined> => {
    // A stop while it asks is no answer: thrown, so that no 'unknown' identity is recorded for a resume to
    // compare with (found by the chaos test: SIGHUP at the first contact, then "another target answers").
    try { return (await session.query(sql, [], { readOnly: true, signal })).rows[0]; } catch (e) { if (signal.aborted) throw e; return undefined; }
  };
  // PgBouncer's admin console answers no SQL (a read-only step may send it only SHOW <word>): the pooler is
  // named by its version and, weakly, by the address it answers on.
  if (/^PgBouncer\b/i.test(session.serverVersion)) return { engine: 'postgres', ...base, weak: true, server: session.serverVersion };
  if (session.flavour === 'postgres') {
    // No casts to text: a text form from a cast is one a superuser can plant (CREATE CAST (numeric AS text) WITH
    // FUNCTION …, issue #45); format() calls the type's own output function. Every name qualified.
    // To the microsecond: two copies of one data directory share a system_identifier, and a resume through a socket
    // whose path was moved from one to the other, started the same second, was taken for the same server (stop 68).
    const start = await one("SELECT pg_catalog.format('%s', extract(epoch FROM pg_catalog.pg_postmaster_start_time())) AS started");
    const started = start?.started != null ? { started: String(start.started) } : {};
    const sys = await one("SELECT pg_catalog.format('%s', system_identifier) AS id, pg_catalog.host(pg_catalog.inet_server_addr()) AS addr, pg_catalog.inet_server_port() AS port FROM pg_catalog.pg_control_system()");
    if (sys?.id) return { engine: 'postgres', ...base, server: `system_identifier ${String(sys.id)} at ${String(sys.addr ?? 'local socket')}:${String(sys.port ?? '-')}`, ...started };
    const weak = await one("SELECT pg_catalog.host(pg_catalog.inet_server_addr()) AS addr, pg_catalog.inet_server_port() AS port, pg_catalog.format('%s', (SELECT oid FROM pg_catalog.pg_database WHERE datname OPERATOR(pg_catalog.=) pg_catalog.current_database())) AS oid");
    return { engine: 'postgres', ...base, weak: true, server: `address ${String(weak?.addr ?? 'local socket')}:${String(weak?.port ?? '?')} database oid ${String(weak?.oid ?? '?')}`, ...started };
  }
  // The session already asks when the server started (its connection ids restart with it), once: asked of it.
  const started = await serverStarted(session, signal);
  if (session.flavour === 'mysql') {
    const row = await one('SELECT @@server_uuid AS id');
    if (row?.id) return { engine: 'mysql', ...base, server: `server_uuid ${String(row.id)}`, ...started };
  }
  const row = await one('SELECT @@hostname AS h, @@port AS p, @@datadir AS d');
  if (!row) return { engine: session.flavour, ...base, weak: true, server: 'unknown', ...started };
  return { engine: session.flavour, ...base, server: `hostname ${String(row.h)} port ${String(row.p)} datadir ${String(row.d)}`, ...started };
}

/** MySQL/MariaDB: when the server started, from the session's own record of it; {} when it cannot tell. */
async function serverStarted(session: Session, signal: AbortSignal): Promise<{ started?: string }> {
  try {
    const { started } = await session.serverSession(signal);
    return started ? { started } : {};
  } catch (e) {
    if (signal.aborted) throw e; // as one(): a stop is no answer
    return {};
  }
}

/** The same run of the server: no restart between the two, and through a socket the same socket file. MySQL/MariaDB
 *  give their start as now less the uptime, whole seconds that two asks may read a second apart; a restart takes
 *  longer than that. `unknown`: what a start time that could not be read counts as. Across an interruption, not a
 *  match (a copy behind the same address, pg_postmaster_start_time() revoked from PUBLIC, answered the same: a
 *  probe of stop 68); within one run, the same lifetime, as the run cannot tell otherwise and has its sessions. */
export function sameLifetime(a: TargetFingerprint, b: TargetFingerprint, unknown = false): boolean {
  if (a.socket !== undefined && b.socket !== undefined && a.socket !== b.socket) return false;
  if (a.started === undefined || b.started === undefined) return unknown || (a.engine === 'host' && b.engine === 'host');
  const [x, y] = [Number(a.started), Number(b.started)];
  if (!Number.isFinite(x) || !Number.isFinite(y)) return a.started === b.started; // a boot id: equal
  // PostgreSQL's to the microsecond (both with a fraction): exactly. MariaDB's, from its uptime in whole seconds,
  // and a record of an earlier build (whole seconds): within one.
  return a.started.includes('.') && b.started.includes('.') ? x === y : Math.abs(x - y) <= 1;
}

/** The same server, restarted since the run last reached it: a pid or connection id the run read from it may
 *  name another session now (MariaDB numbers connections from 1 again), so what it recorded is not acted on. */
export function restartedText(before: TargetFingerprint, now: TargetFingerprint): string {
  if (before.started === undefined || now.started === undefined) {
    return `${describeTarget(now)}: the engine cannot tell whether it is the server process the run reached (its start time cannot be read: `
      + 'a copy of it, or the same server restarted, would answer the same); check it, then resume with --retarget';
  }
  if (before.socket !== undefined && now.socket !== undefined && before.socket !== now.socket) {
    return `${describeTarget(now)}: another socket file answers at ${now.host} than the run reached (another server process, or the same one restarted): `
      + 'sessions, pids and connection ids the run read from it may name others now';
  }
  return `${describeTarget(now)} restarted since the run last reached it (started ${startedText(before)} then, ${startedText(now)} now): `
    + 'sessions, pids and connection ids the run read from it may name others now';
}

/** When the server started, for a person: an ISO time. */
export function startedText(t: TargetFingerprint): string {
  const n = Number(t.started);
  return Number.isFinite(n) ? new Date(n * 1000).toISOString() : t.started ?? 'unknown';
}

/** Same target: the same server identity at the same address (host, port, database, user). */
export function sameTarget(a: TargetFingerprint, b: TargetFingerprint): boolean {
  return a.server === b.server && sameAddress(a, b);
}

/** The same address: engine family, host, port, database and user. */
export function sameAddress(a: TargetAddress | TargetFingerprint, b: TargetAddress | TargetFingerprint): boolean {
  const family = (e: string) => (e === 'mariadb' ? 'mysql' : e);
  return family(a.engine) === family(b.engine) && a.host === b.host && (a.port ?? 0) === (b.port ?? 0)
    && (a.database ?? '') === (b.database ?? '') && (a.user ?? '') === (b.user ?? '');
}

/** An address in one line, no secret: "PostgreSQL app@db:5432/app". */
export function describeAddress(t: TargetAddress): string {
  const name = { postgres: 'PostgreSQL', mysql: 'MySQL', mariadb: 'MariaDB' }[t.engine];
  return `${name} ${t.user ? `${t.user}@` : ''}${t.host}${t.port ? `:${t.port}` : ''}/${t.database ?? ''}`;
}

/** One line, no secret (fingerprints never hold a password): "PostgreSQL app@db:5432/app, system_identifier 77…". */
export function describeTarget(t: TargetFingerprint): string {
  if (t.engine === 'host') return `host ${t.host}, ${t.server}`;
  return `${describeAddress({ ...t, engine: t.engine })}, ${t.server}${t.weak ? ' (weak identity)' : ''}`;
}

/** A socket's file, following links: device and inode. */
function socketFile(path: string): string | undefined {
  try { const st = statSync(path); return `${st.dev}:${st.ino}`; } catch { return undefined; }
}

function firstReadable(files: string[]): string | undefined {
  for (const f of files) {
    try { const v = readFileSync(f, 'utf8').trim(); if (v) return v; } catch { /* try the next */ }
  }
  return undefined;
}
