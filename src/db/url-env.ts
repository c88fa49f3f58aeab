// The connection an application would build from its environment: DATABASE_URL first, then the
// libpq PG* variables, then the MySQL client's MYSQL_* variables.
import { libpqReading } from './libpq-env.js';
import { buildUrl, DEFAULT_PORTS, parseUrl, UrlError, type ConnectionInfo } from './url.js';

export interface EnvConnection { info: ConnectionInfo; url: string; source: string }

type Env = Record<string, string | undefined>;

export function connectionFromEnv(env: Env = process.env): EnvConnection | undefined {
  if (env.DATABASE_URL) {
    const info = parseUrl(env.DATABASE_URL);
    return { info, url: env.DATABASE_URL, source: 'DATABASE_URL' };
  }
  if (['PGHOST', 'PGPORT', 'PGUSER', 'PGPASSWORD', 'PGDATABASE'].some((k) => env[k])) return fromPg(env);
  if (['MYSQL_HOST', 'MYSQL_TCP_PORT', 'MYSQL_USER', 'MYSQL_PWD', 'MYSQL_DATABASE'].some((k) => env[k])) return fromMysql(env);
  return undefined;
}

/** The connection libpq builds from PG* alone: host, port and login here, everything else as with a URL
 *  (libpq-env.ts: the TLS variables read, any variable runbook does not read refused naming it). */
function fromPg(env: Env): EnvConnection {
  const base: ConnectionInfo = {
    engine: 'postgres',
    host: env.PGHOST || 'localhost',
    port: port(env.PGPORT, 'PGPORT') ?? DEFAULT_PORTS.postgres,
    user: '', // libpqReading fills in libpq's defaults: PGUSER, else the effective uid's name (never $USER)
    password: env.PGPASSWORD ?? '',
    database: '',
    params: {},
    sslmode: undefined,
  };
  const info = libpqReading(base, env);
  return { info, url: buildUrl(info), source: 'PG* variables' };
}

function fromMysql(env: Env): EnvConnection {
  const info: ConnectionInfo = {
    engine: 'mysql',
    host: env.MYSQL_HOST || 'localhost',
    port: port(env.MYSQL_TCP_PORT, 'MYSQL_TCP_PORT') ?? DEFAULT_PORTS.mysql,
    user: env.MYSQL_USER || env.USER || '',
    password: env.MYSQL_PWD ?? '',
    database: env.MYSQL_DATABASE ?? '',
    params: {},
    sslmode: undefined,
  };
  return { info, url: buildUrl(info), source: 'MYSQL_* variables' };
}

function port(value: string | undefined, name: string): number | undefined {
  if (!value) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 65535) throw new UrlError(`${name} '${value.slice(0, 10)}' is not a port number`);
  return n;
}

/**
 * What the application's client takes from the environment when the URL leaves it out. PostgreSQL: libpq's
 * variables and default TLS files, read as libpq reads them or refused naming the variable (libpq-env.ts). MySQL:
 * MYSQL_PWD. `env` is the run's environment (the process's, with --env-file on top), so what an env file gives is
 * used to connect, not only masked.
 */
export function withEnvCredentials(info: ConnectionInfo, env: Env): ConnectionInfo {
  if (info.engine === 'postgres') return libpqReading(info, env);
  return { ...info, password: info.password || env.MYSQL_PWD || '' };
}
