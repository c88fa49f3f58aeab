// PgBouncer in front of a lab PostgreSQL (Debian's pgbouncer), run as the lab's server user on a free
// loopback port, with its admin console (database "pgbouncer") open to the lab superuser. Its limits are
// set small so the pooler's own faults (client limit, pool wait, auth, backend down) are quick to build.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { labCredentials } from './credentials.js';
import { LabError } from './lab-error.js';
import { makeServerDir, removeDir } from './lab-root.js';
import { freePort, LOOPBACK } from './ports.js';
import { chownTree, serverUser } from './run-as.js';
import { spawnServer } from './server-process.js';
import type { LabServer, UrlOptions } from './types.js';
import { buildUrl } from './urls.js';

export interface PoolerOptions {
  maxClientConn?: number;     // default 20
  defaultPoolSize?: number;   // default 5
  queryWaitTimeout?: number;  // seconds, default 10
  /** Port the pooler sends the database to; default the backend's (another port: backend down). */
  backendPort?: number;
  /** default session; transaction and statement pooling hand a client's queries to any server connection. */
  poolMode?: 'session' | 'transaction' | 'statement';
  /** ignore_startup_parameters; default extra_float_digits,application_name. '' refuses JDBC's extra_float_digits. */
  ignoreStartupParameters?: string;
  /** More connection parameters on the [databases] line, as the pooler's own login to the server uses them
   *  (`password=stale`, `user=…`, `dbname=…`): the pooler's side of a failure. */
  serverParams?: string;
  /** stats_users: users (besides the admin) the console answers SHOW commands for, e.g. the application's. */
  statsUsers?: string[];
  /** auth_user: the login PgBouncer looks up users not in its auth_file with (auth_query, default: pg_shadow). */
  authUser?: string;
}

export interface LabPooler {
  port: number;
  backend: LabServer;
  /** The app's URL through the pooler (same credentials as the backend's). */
  url(opts?: UrlOptions): string;
  /** The admin console: database "pgbouncer", as the lab superuser. */
  adminUrl(): string;
  stop(): Promise<void>;
}

const BINARIES = ['/usr/sbin/pgbouncer', '/usr/bin/pgbouncer'];

export function pgbouncerBinary(): string | undefined {
  return BINARIES.find((b) => existsSync(b));
}

export async function startPgbouncer(backend: LabServer, opts: PoolerOptions = {}): Promise<LabPooler> {
  const bin = pgbouncerBinary();
  if (!bin) throw new LabError('pgbouncer is not installed (Debian package pgbouncer)');
  if (backend.engine !== 'postgres') throw new LabError('PgBouncer pools PostgreSQL only');
  const user = serverUser('postgres');
  const c = labCredentials();
  const dir = makeServerDir('pgbouncer', user);
  try {
    const port = await freePort();
    // Plain-text passwords in auth_file let PgBouncer do SCRAM with clients and with the server.
    writeFileSync(join(dir, 'userlist.txt'), [[c.appUser, c.appPassword], [c.superuser, c.superPassword]]
      .map(([u, p]) => `"${u}" "${p!.replace(/"/g, '""')}"`).join('\n') + '\n');
    writeFileSync(join(dir, 'pgbouncer.ini'), iniFile(backend, port, dir, opts));
    chownTree(dir, user);
    const proc = await spawnServer({
      label: 'PgBouncer', cmd: bin, args: [join(dir, 'pgbouncer.ini')], user,
      readyPattern: /process up/, stopSignal: 'SIGINT',
    });
    let stopping: Promise<void> | undefined;
    const url = (o: UrlOptions = {}): string => buildUrl({
      engine: 'postgres', host: LOOPBACK, port, user: o.user ?? c.appUser,
      password: o.password ?? (o.user === c.superuser ? c.superPassword : c.appPassword),
      database: o.database ?? c.database, ...(o.params ? { params: o.params } : {}),
    });
    return {
      port, backend, url,
      adminUrl: () => url({ user: c.superuser, password: c.superPassword, database: 'pgbouncer' }),
      stop: () => (stopping ??= proc.stop().then(() => removeDir(dir))),
    };
  } catch (err) {
    removeDir(dir);
    throw err;
  }
}

function iniFile(backend: LabServer, port: number, dir: string, opts: PoolerOptions): string {
  const c = labCredentials();
  return [
    '[databases]',
    `${c.database} = host=${LOOPBACK} port=${opts.backendPort ?? backend.port} dbname=${c.database}${opts.serverParams ? ` ${opts.serverParams}` : ''}`,
    '[pgbouncer]',
    `listen_addr = ${LOOPBACK}`,
    `listen_port = ${port}`,
    `unix_socket_dir = ${dir}`,
    `pidfile = ${join(dir, 'pgbouncer.pid')}`,
    'auth_type = scram-sha-256',
    `auth_file = ${join(dir, 'userlist.txt')}`,
    `admin_users = ${c.superuser}`,
    ...(opts.authUser ? [`auth_user = ${opts.authUser}`] : []),
    ...(opts.statsUsers?.length ? [`stats_users = ${opts.statsUsers.join(', ')}`] : []),
    `pool_mode = ${opts.poolMode ?? 'session'}`,
    `max_client_conn = ${opts.maxClientConn ?? 20}`,
    `default_pool_size = ${opts.defaultPoolSize ?? 5}`,
    `query_wait_timeout = ${opts.queryWaitTimeout ?? 10}`,
    // Fail fast behind a dead backend, so clients hear about it within a test's time (client_login_timeout: the
    // backend-down fault's answer comes after it). server_connect_timeout is a hang guard, not short: a healthy
    // backend's login is ~20 ms idle but far slower on a loaded machine (issue #20), and no fault needs it short.
    'server_login_retry = 1',
    'server_connect_timeout = 10',
    'client_login_timeout = 3',
    ...(opts.ignoreStartupParameters === '' ? [] : [`ignore_startup_parameters = ${opts.ignoreStartupParameters ?? 'extra_float_digits,application_name'}`]),
    '',
  ].join('\n');
}
