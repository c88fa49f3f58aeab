// The connection an application would build from its environment: DATABASE_URL first, then the
// libpq PG* variables, then the MySQL client's MYSQL_* variables.
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

/** libpq variables that pick another server or session than PGHOST/PGPORT say, which runbook does not read: as a
 *  URL parameter of the same meaning is refused (url-params.ts), so is the variable, rather than connect elsewhere. */
const UNREAD_PG_VARIABLES = ['PGHOSTADDR', 'PGSERVICE', 'PGSERVICEFILE', 'PGTARGETSESSIONATTRS'];

function fromPg(env: Env): EnvConnection {
  const unread = UNREAD_PG_VARIABLES.find((name) => env[name]);
  if (unread) throw new UrlError(`${unread} is set: runbook does not read it, and libpq would connect elsewhere or otherwise than PGHOST says; unset it, or give the URL as DATABASE_URL or --input url=…`);
  const params: Record<string, string> = {};
  if (env.PGSSLMODE) params.sslmode = env.PGSSLMODE;
  if (env.PGSSLROOTCERT) params.sslrootcert = env.PGSSLROOTCERT;
  const info: ConnectionInfo = {
    engine: 'postgres',
    host: env.PGHOST || 'localhost',
    port: port(env.PGPORT, 'PGPORT') ?? DEFAULT_PORTS.postgres,
    user: env.PGUSER || env.USER || '',
    password: env.PGPASSWORD ?? '',
    database: env.PGDATABASE || env.PGUSER || env.USER || '', // libpq's defaults
    params,
    sslmode: env.PGSSLMODE || undefined,
  };
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
 * What libpq and the mysql client take from the environment when the URL leaves it out: PGPASSWORD, PGUSER
 * and PGDATABASE; MYSQL_PWD. `env` is the run's environment (the process's, with --env-file on top), so
 * credentials given in an env file are used to connect, not only masked. Host and port are not filled in:
 * a URL always names them (the parser defaults them), and a run must not quietly go elsewhere.
 */
export function withEnvCredentials(info: ConnectionInfo, env: Env): ConnectionInfo {
  if (info.engine === 'postgres') {
    return { ...info, user: info.user || env.PGUSER || '', password: info.password || env.PGPASSWORD || '', database: info.database || env.PGDATABASE || '' };
  }
  return { ...info, password: info.password || env.MYSQL_PWD || '' };
}
