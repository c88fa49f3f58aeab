// The option files the MySQL and MariaDB clients read, as the installed clients list them themselves (`--help
// --verbose`: "Default options are read from the following files in the given order"). client-files.ts's own list
// named /etc/my.cnf, /etc/mysql/my.cnf, $MYSQL_HOME/my.cnf and ~/.my.cnf; MariaDB's client also reads
// $MARIADB_HOME/my.cnf (and a build may add its own directory): a probe of stop 78 pointed that file's [client]
// at server B between kill -9 and resume, and the resumed `mariadb -e …` went to B unrefused. The client's word
// is taken, with the part of the step's environment that chooses them (its PATH's client, its HOME and homes).
import { spawnSync } from 'node:child_process';
import { accessSync, constants, realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

const CLIENTS = ['mariadb', 'mysql'];
/** The variables that choose which files the clients list (the client's own sources: its homes, the login path). */
const LOOKUP = ['PATH', 'HOME', 'MYSQL_HOME', 'MARIADB_HOME', 'MYSQL_TEST_LOGIN_FILE', 'USER', 'LOGNAME'];
const LIST = /Default options are read from the following files in the given order:\s*\n([^\n]*)/;

/** One answer per environment: a run's steps mostly share the run's. */
const answers = new Map<string, string[]>();

/** The files the clients on `env`'s PATH read their options from, in order, `~/` as `env`'s HOME; none when no
 *  client is installed (the fixed list in client-files.ts still holds). */
export function mysqlOptionFiles(env: NodeJS.ProcessEnv): string[] {
  // Only what decides where the client looks: a step's env: may hold a secret, which no other process is given
  // (test/secrets/proc-sampling.test.ts found one in this ask's environment).
  const given = Object.fromEntries(LOOKUP.flatMap((name) => (env[name] !== undefined ? [[name, env[name]]] : [])));
  const key = JSON.stringify(Object.entries(given).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  let files = answers.get(key);
  if (!files) answers.set(key, files = installed(given).flatMap((program) => listed(program, given)));
  return files;
}

/** The clients on PATH, each program once (Debian's mysql is a link to mariadb: ~28 ms an ask). */
function installed(env: NodeJS.ProcessEnv): string[] {
  const found = new Set<string>();
  for (const client of CLIENTS) {
    for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
      try {
        accessSync(join(dir, client), constants.X_OK);
        found.add(realpathSync(join(dir, client)));
        break;
      } catch { /* not here */ }
    }
  }
  return [...found];
}

function listed(client: string, env: NodeJS.ProcessEnv): string[] {
  const r = spawnSync(client, ['--help', '--verbose'], { env, encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 4 * 1024 * 1024 });
  const line = r.error ? undefined : LIST.exec(r.stdout ?? '')?.[1];
  const home = env.HOME || homedir();
  return (line ?? '').trim().split(/\s+/).filter(Boolean).map((p) => (p.startsWith('~/') ? join(home, p.slice(2)) : p));
}
