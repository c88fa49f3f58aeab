// The client configuration files that decide where a client connects, by content, so a resume can tell that one
// was edited between the crash and the resume. The place check compares HOME and the environment, not the files
// they point at: `psql "service=app"` read `[app]` from ~/.pg_service.conf, the section was pointed at another
// server, and the resumed run wrote there. A documented list (docs/transcript.md), resolved through the variables
// that move each file; a missing file is recorded as missing (one created since is a change too). A few stats
// and small reads at the run's start and at a resume.
import { closeSync, constants, fstatSync, openSync, readdirSync, readSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { homedir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import type { ClientFile } from '../transcript/run-place.js';

/** Larger than any client config file: a path that is something else is not read to its end. */
const MAX_BYTES = 16 * 1024 * 1024;

/** The files, in the run's environment: PostgreSQL (libpq), MySQL/MariaDB, ssh, kubectl, name resolution, and a
 *  `.env` beside the runbook or in the working directory (docker compose and many scripts read it). */
export function clientFilePaths(env: NodeJS.ProcessEnv, cwd: string, runbookFile?: string): string[] {
  const home = env.HOME || homedir();
  const at = (p: string) => resolve(cwd, p); // a relative PGSERVICEFILE is libpq's working directory's
  const inHome = (p: string) => join(home, p);
  const paths = [
    // libpq: the service file (per user, then the system's), the password file
    at(env.PGSERVICEFILE || inHome('.pg_service.conf')),
    ...(env.PGSYSCONFDIR ? [join(at(env.PGSYSCONFDIR), 'pg_service.conf')] : ['/etc/postgresql-common/pg_service.conf', '/etc/sysconfig/pgsql/pg_service.conf']),
    at(env.PGPASSFILE || inHome('.pgpass')),
    // psql's startup files, read even with -c (a `\\c` there connects elsewhere): the user's (and its
    // version-named ones, as a listing: one created since is a change), and Debian's system-wide one
    at(env.PSQLRC || inHome('.psqlrc')), `${inHome('.psqlrc')}${LISTING}`, '/etc/postgresql-common/psqlrc',
    // the MySQL and MariaDB clients' option files, in their reading order, and the login path file
    '/etc/my.cnf', '/etc/mysql/my.cnf', ...(env.MYSQL_HOME ? [join(at(env.MYSQL_HOME), 'my.cnf')] : []),
    inHome('.my.cnf'), at(env.MYSQL_TEST_LOGIN_FILE || inHome('.mylogin.cnf')),
    // ssh: the user's and the system's config (Include lines are not followed)
    inHome('.ssh/config'), '/etc/ssh/ssh_config',
    // kubectl: every file KUBECONFIG lists, else the default
    ...(env.KUBECONFIG ? env.KUBECONFIG.split(':').filter(Boolean).map(at) : [inHome('.kube/config')]),
    '/etc/hosts',
    ...(runbookFile ? [join(dirname(resolve(runbookFile)), '.env')] : []), join(cwd, '.env'),
  ];
  return [...new Set(paths)];
}

/** What a file holds now: its sha256, `missing`, or why it was not read. Opened without blocking (a FIFO at the
 *  path must not hang the resume) and read only when it is a regular file. */
export function fileContent(path: string): string {
  if (path.endsWith(LISTING)) return listingOf(path.slice(0, -LISTING.length));
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    return code === 'ENOENT' || code === 'ENOTDIR' ? 'missing' : `unreadable (${code})`;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return 'not a file';
    if (st.size > MAX_BYTES) return `larger than ${MAX_BYTES} bytes`;
    return hashOf(fd);
  } catch (e) {
    return `unreadable (${(e as NodeJS.ErrnoException).code ?? 'error'})`;
  } finally {
    closeSync(fd);
  }
}

/** A path ending so stands for every file whose name starts with the rest (`~/.psqlrc*`: psql reads
 *  `.psqlrc-15.8` before `.psqlrc-15` before `.psqlrc`): their names and contents, hashed together. */
const LISTING = '*';

function listingOf(prefix: string): string {
  const dir = dirname(prefix);
  const start = basename(prefix);
  let names: string[];
  try { names = readdirSync(dir).filter((n) => n.startsWith(start)).sort(); } catch { return 'missing'; }
  const hash = createHash('sha256');
  for (const n of names) hash.update(`${n}\0${fileContent(join(dir, n))}\0`);
  return names.length ? hash.digest('hex') : 'missing';
}

function hashOf(fd: number): string {
  const hash = createHash('sha256');
  const buf = Buffer.alloc(64 * 1024);
  let total = 0;
  for (let n; (n = readSync(fd, buf, 0, buf.length, null)) > 0 && total <= MAX_BYTES; total += n) hash.update(buf.subarray(0, n));
  return hash.digest('hex');
}

/** The files as they are now, for the run's header (or a --retarget resume's line). */
export function clientFilesOf(env: NodeJS.ProcessEnv, cwd: string, runbookFile?: string, steps: readonly { env: NodeJS.ProcessEnv; cwd: string }[] = []): ClientFile[] {
  // A step's env: or cwd: may move them (PGSERVICEFILE, HOME, a .env in its directory): each step's files too.
  const paths = new Set([...clientFilePaths(env, cwd, runbookFile), ...steps.flatMap((s) => clientFilePaths(s.env, s.cwd))]);
  return [...paths].map((path) => ({ path, content: fileContent(path) }));
}

/** The recorded files that hold something else now, named (never their content). */
export function clientFileChanges(recorded: readonly ClientFile[]): string[] {
  const changed: string[] = [];
  for (const f of recorded) {
    const now = fileContent(f.path);
    if (now === f.content) continue;
    changed.push(f.content === 'missing' ? `${f.path} (created since)` : now === 'missing' ? `${f.path} (removed since)` : f.path);
  }
  return changed.length ? [`client configuration ${changed.length === 1 ? 'file' : 'files'} changed since the run recorded ${changed.length === 1 ? 'it' : 'them'}: ${changed.join(', ')} (a client may connect elsewhere now)`] : [];
}
