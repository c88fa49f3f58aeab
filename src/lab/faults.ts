// injectFault: produces a real, reproducible connection failure and the URL that hits it.
import { adminSql } from './admin-sql.js';
import { labCredentials } from './credentials.js';
import mysql from 'mysql2/promise';
import { blockAppHost } from './host-block.js';
import { socketOutsider } from './run-as.js';
import { DATABASE_LIMIT, ENGINE_NAME, FAULT_NAMES, MAX_CONNECT_ERRORS, MAX_PASSWORD_ERRORS, ordinarySlots, SERVER_FAULTS, type ServerFaultKind } from './fault-specs.js';
import { holdConnections } from './held-connections.js';
import { LabError } from './lab-error.js';
import { serverConfig } from './lab-server.js';
import { startMariadb } from './mariadb.js';
import { LOOPBACK } from './ports.js';
import { holdClosedPort } from './closed-port.js';
import { startPostgres } from './postgres.js';
import { startSilentServer } from './silent-server.js';
import { startDroppingListener } from './dropping-listener.js';
import { FAULT_KINDS } from './types.js';
import type { FaultKind, HeldConnections, InjectedFault, InjectFaultOptions, LabEngine, LabServer, LabServerOptions } from './types.js';
import { buildUrl } from './urls.js';

/** The fault kinds an engine has (a standby is PostgreSQL's, an expired password MariaDB's). */
export function faultKindsFor(engine: LabEngine): FaultKind[] {
  return FAULT_KINDS.filter((k) => {
    const spec = (SERVER_FAULTS as Partial<Record<FaultKind, { engines?: LabEngine[] }>>)[k];
    return !spec?.engines || spec.engines.includes(engine);
  });
}

/** startPostgres or startMariadb, by engine. */
export function startServer(engine: LabEngine, opts?: LabServerOptions): Promise<LabServer> {
  return engine === 'postgres' ? startPostgres(opts) : startMariadb(opts);
}

export async function injectFault(kind: FaultKind, engine: LabEngine, opts: InjectFaultOptions = {}): Promise<InjectedFault> {
  if (!FAULT_KINDS.includes(kind)) throw new LabError(`unknown fault kind: ${String(kind)}`);
  if (engine !== 'postgres' && engine !== 'mariadb') throw new LabError(`unknown engine: ${String(engine)}`);
  if (kind === 'refused') return refusedFault(engine, opts);
  if (kind === 'timeout') return timeoutFault(engine, opts);
  if (kind === 'dropped') return droppedFault(engine, opts);
  return serverFault(kind, engine, opts);
}

/** URL for a port with no real database behind it, with the lab's usual credentials. */
function bareUrl(engine: LabEngine, port: number, as: InjectFaultOptions['as']): string {
  const c = labCredentials();
  const [user, password] = as === 'super' ? [c.superuser, c.superPassword] : [c.appUser, c.appPassword];
  return buildUrl({ engine, host: LOOPBACK, port, user, password, database: c.database });
}

async function refusedFault(engine: LabEngine, opts: InjectFaultOptions): Promise<InjectedFault> {
  const closed = await holdClosedPort(); // bound, never listening: refused, and no other server takes it
  return {
    kind: 'refused',
    engine,
    url: bareUrl(engine, closed.port, opts.as),
    describe: `nothing listens on ${LOOPBACK}:${closed.port}: the ${ENGINE_NAME[engine]} server is down (connection refused)`,
    cleanup: once(() => closed.close()),
  };
}

/** A fault that is a local listener (no database behind it): the URL points at its port. */
function listenerFault(kind: 'dropped' | 'timeout', engine: LabEngine, opts: InjectFaultOptions,
  listener: { port: number; close(): Promise<void> }, describe: string): InjectedFault {
  return { kind, engine, url: bareUrl(engine, listener.port, opts.as), describe, cleanup: once(() => listener.close()) };
}

async function droppedFault(engine: LabEngine, opts: InjectFaultOptions): Promise<InjectedFault> {
  const listener = await startDroppingListener();
  return listenerFault('dropped', engine, opts, listener,
    `${LOOPBACK}:${listener.port} never completes the TCP handshake, like a firewall that drops packets (connect timeout)`);
}

async function timeoutFault(engine: LabEngine, opts: InjectFaultOptions): Promise<InjectedFault> {
  const silent = await startSilentServer();
  return listenerFault('timeout', engine, opts, silent,
    `${LOOPBACK}:${silent.port} accepts TCP but never answers the ${ENGINE_NAME[engine]} handshake (connect timeout)`);
}

async function serverFault(kind: ServerFaultKind, engine: LabEngine, opts: InjectFaultOptions): Promise<InjectedFault> {
  const spec = SERVER_FAULTS[kind];
  if (spec.engines && !spec.engines.includes(engine)) throw new LabError(`fault ${kind} exists only on ${spec.engines.map((e) => ENGINE_NAME[e]).join(', ')}`);
  const version = opts.postgresVersion && engine === 'postgres' ? { postgresVersion: opts.postgresVersion } : {};
  const server = opts.server ?? (await startServer(engine, { ...spec.options(engine), ...version }));
  const ownsServer = !opts.server;
  try {
    checkReusable(kind, engine, server, opts.server !== undefined);
    if (spec.setup) await adminSql(server, spec.setup(server));
    if (kind === 'login-failures-blocked') await failLogins(server, FAULT_NAMES.blocked, MAX_PASSWORD_ERRORS);
    const held = kind === 'too-many-connections' ? await fillSlots(server)
      : kind === 'database-limit' ? await holdConnections(server.engine, server.url(), DATABASE_LIMIT) : undefined;
    // host-blocked: the app's URL goes through the blocked application host's relay.
    const blocked = kind === 'host-blocked' ? await blockAppHost(server, MAX_CONNECT_ERRORS) : undefined;
    const clientUser = kind === 'socket-access' ? socketOutsider(server.engine) : undefined;
    const asSuper = opts.as === 'super' && kind !== 'too-many-connections' && kind !== 'database-limit';
    const role = asSuper ? { user: server.superuser, password: server.superPassword } : {};
    const url = server.url({ ...role, ...spec.url(server), ...(blocked ? { port: blocked.relay.port } : {}) });
    return {
      kind,
      engine,
      url,
      server,
      ...(server.caFile ? { caFile: server.caFile } : {}),
      describe: spec.describe(server),
      ...(held ? { held } : {}),
      ...(clientUser ? { clientUser } : {}),
      cleanup: once(async () => {
        await held?.release();
        await blocked?.relay.close();
        if (ownsServer) await server.stop();
      }),
    };
  } catch (err) {
    if (ownsServer) await server.stop();
    throw err;
  }
}

function checkReusable(kind: ServerFaultKind, engine: LabEngine, server: LabServer, reused: boolean): void {
  if (!reused) return;
  if (server.engine !== engine) throw new LabError(`fault ${kind}: server is ${server.engine}, not ${engine}`);
  const config = serverConfig(server);
  if (!config) throw new LabError(`fault ${kind}: server was not started by the lab`);
  const why = SERVER_FAULTS[kind].unsuitable(config, engine);
  if (why) throw new LabError(`fault ${kind}: the given server cannot produce it (${why})`);
}

function fillSlots(server: LabServer): Promise<HeldConnections> {
  const config = serverConfig(server);
  if (!config) throw new LabError('too-many-connections: server was not started by the lab');
  return holdConnections(server.engine, server.url(), ordinarySlots(server.engine, config));
}

/** Wrong passwords for `user`, `times` in a row, as a client with a stale secret sends them. */
async function failLogins(server: LabServer, user: string, times: number): Promise<void> {
  for (let i = 0; i < times; i++) {
    const refused = await mysql.createConnection(server.url({ user, password: 'wrong-password' })).then(
      async (c) => { await c.end(); return false; }, () => true);
    if (!refused) throw new LabError(`login-failures-blocked: a wrong password for ${user} was accepted`);
  }
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let p: Promise<void> | undefined;
  return () => (p ??= fn());
}
