// Where a run acts, besides its connections (issue #46): the working directory its relative paths and `cwd:`
// steps resolve against, and the database servers its environment names (DATABASE_URL, PG*/MYSQL_* variables,
// --env-file entries), which shell steps use without declaring them (`psql "$DATABASE_URL"`). Recorded in the
// header, password-free; a resume compares them before anything runs (resume/place.ts).
import { parseUrl } from '../db/url.js';

export interface RunPlace {
  cwd: string;
  /** Variable → the server it names, without a password. */
  serverEnv: Record<string, string>;
}

/** libpq's and the MySQL client's own variables that choose a server without a URL. */
const SERVER_VARIABLES = new Set(['PGHOST', 'PGHOSTADDR', 'PGPORT', 'PGDATABASE', 'PGUSER', 'PGSERVICE', 'PGSERVICEFILE',
  'MYSQL_HOST', 'MYSQL_TCP_PORT', 'MYSQL_UNIX_PORT']);

/** The engine's own servers, which no step is given: the team store holds the run itself (a resume from another
 *  store finds another run, or none), and a replica of the store is still the same run. */
export const ENGINE_OWN: ReadonlySet<string> = new Set(['RUNBOOK_STORE']);

const URL_START = /^(?:postgres(?:ql)?|mysql|mariadb):\/\//i;

/** A database URL without its password; undefined for anything else. */
function serverOf(value: string): string | undefined {
  if (!URL_START.test(value.trim())) return undefined;
  try {
    const u = parseUrl(value);
    return `${u.engine}://${u.user}@${u.host}:${u.port}/${u.database}`;
  } catch {
    return value.replace(/(:\/\/[^:@/]*):[^@/]*@/, '$1:****@'); // unparsable: still compared, never with its password
  }
}

export function placeOf(env: NodeJS.ProcessEnv, cwd = process.cwd()): RunPlace {
  const serverEnv: Record<string, string> = {};
  for (const [name, value] of Object.entries(env).sort(([a], [b]) => a.localeCompare(b))) {
    if (value === undefined || ENGINE_OWN.has(name)) continue;
    const server = SERVER_VARIABLES.has(name) ? value : serverOf(value);
    if (server !== undefined) serverEnv[name] = server;
  }
  return { cwd, serverEnv };
}
