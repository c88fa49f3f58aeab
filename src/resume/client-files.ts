// The client configuration files that decide where a client connects, by content, so a resume can tell that one
// was edited between the crash and the resume. The place check compares HOME and the environment, not the files
// they point at: `psql "service=app"` read `[app]` from ~/.pg_service.conf, the section was pointed at another
// server, and the resumed run wrote there. A documented list (docs/transcript.md), resolved through the variables
// that move each file; a missing file is recorded as missing (one created since is a change too). The files they
// include are followed (client-includes.ts). A few stats and small reads at the run's start and at a resume.
import { lstatSync, readdirSync } from 'node:fs';
import { NotRegularFile, readRegularFile } from '../common/regular-file.js';
import { recordKey } from './record-key.js';
import { createHash } from 'node:crypto';
import { homedir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import type { ClientFile } from '../transcript/run-place.js';
import { mysqlOptionFiles } from './mysql-option-files.js';
import { escapeGlob, followIncludes, isPattern, patternMatches, segmentSource, UNCOMPARED, unescapeGlob, type Format, type Reader, type Source } from './client-includes.js';

/** Larger than any client config file: a path that is something else is not read to its end. */
const MAX_BYTES = 16 * 1024 * 1024;

/** The files, in the run's environment: PostgreSQL (libpq), MySQL/MariaDB, ssh, kubectl, name resolution, and a
 *  `.env` beside the runbook or in the working directory (docker compose and many scripts read it); with the format
 *  of those whose includes are followed. Paths in glob syntax: a literal one escaped. */
function clientSources(env: NodeJS.ProcessEnv, cwd: string, runbookFile?: string): Source[] {
  const home = env.HOME || homedir();
  const at = (p: string) => resolve(cwd, p); // a relative PGSERVICEFILE is libpq's working directory's
  const inHome = (p: string) => join(home, p);
  const src = (path: string, format?: Format, sshDir?: string): Source => ({ path: escapeGlob(path), cwd, home, ...(format ? { format } : {}), ...(sshDir ? { sshDir } : {}) });
  return [
    // libpq: the service file (per user, then the system's), the password file
    src(at(env.PGSERVICEFILE || inHome('.pg_service.conf'))),
    ...(env.PGSYSCONFDIR ? [src(join(at(env.PGSYSCONFDIR), 'pg_service.conf'))] : [src('/etc/postgresql-common/pg_service.conf'), src('/etc/sysconfig/pgsql/pg_service.conf')]),
    src(at(env.PGPASSFILE || inHome('.pgpass'))),
    // psql's startup files, read even with -c (a `\\c` there connects elsewhere): the user's (and its
    // version-named ones, as a glob: one created since is a change), and the system's
    src(at(env.PSQLRC || inHome('.psqlrc')), 'psqlrc'), { ...src('', 'psqlrc'), path: `${escapeGlob(inHome('.psqlrc'))}*` },
    src('/etc/postgresql-common/psqlrc', 'psqlrc'), ...(env.PGSYSCONFDIR ? [src(join(at(env.PGSYSCONFDIR), 'psqlrc'), 'psqlrc')] : []),
    // the MySQL and MariaDB clients' option files, in their reading order, and the login path file (encrypted)
    src('/etc/my.cnf', 'mycnf'), src('/etc/mysql/my.cnf', 'mycnf'), ...(env.MYSQL_HOME ? [src(join(at(env.MYSQL_HOME), 'my.cnf'), 'mycnf')] : []),
    src(inHome('.my.cnf'), 'mycnf'), src(at(env.MYSQL_TEST_LOGIN_FILE || inHome('.mylogin.cnf'))),
    // and every file the installed clients say they read (MariaDB's $MARIADB_HOME/my.cnf among them)
    ...mysqlOptionFiles(env).map((p) => src(at(p), 'mycnf')),
    // ssh: the user's and the system's config, a relative Include under ~/.ssh or /etc/ssh
    src(inHome('.ssh/config'), 'ssh', inHome('.ssh')), src('/etc/ssh/ssh_config', 'ssh', '/etc/ssh'),
    // kubectl: every file KUBECONFIG lists, else the default
    ...(env.KUBECONFIG ? env.KUBECONFIG.split(':').filter(Boolean).map((p) => src(at(p))) : [src(inHome('.kube/config'))]),
    src('/etc/hosts'),
    ...(runbookFile ? [src(join(dirname(resolve(runbookFile)), '.env'))] : []), src(join(cwd, '.env')),
  ];
}

/** The files themselves, without what they include. */
export function clientFilePaths(env: NodeJS.ProcessEnv, cwd: string, runbookFile?: string): string[] {
  return [...new Set(clientSources(env, cwd, runbookFile).map((s) => s.path))];
}

/** What a path holds now: its sha256, `missing`, or why it was not read; a glob (`~/.psqlrc*`, an included
 *  directory's `*.cnf`), the names and contents of the files it matches. */
export function fileContent(path: string, keyed = true): string {
  const io = readerFor(keyed);
  return isPattern(path) ? listingOf(path, io) : io.read(unescapeGlob(path), false).content;
}

/** A path's content for the record: a regular file's HMAC under the record key (record-key.ts: a ~/.pgpass whose
 *  other fields are known gave a short password back from its plain sha256), or its sha256 to compare with a
 *  header from before the key; its text for a file whose includes are followed (the same bytes: no edit in
 *  between). A FIFO at the path must not hang the resume. */
function read(path: string, withText: boolean, keyed: boolean): { content: string; text?: string } {
  let bytes: Buffer;
  try {
    bytes = readRegularFile(path, MAX_BYTES);
  } catch (e) {
    if (e instanceof NotRegularFile) return { content: e.message === 'not a regular file' ? 'not a file' : e.message };
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    return { content: code === 'ENOENT' || code === 'ENOTDIR' ? 'missing' : `unreadable (${code})` };
  }
  const content = keyed ? recordKey().mac(bytes) : createHash('sha256').update(bytes).digest('hex');
  return { content, ...(withText ? { text: bytes.toString('utf8') } : {}) };
}

/** The literal paths a glob matches now, segment by segment, sorted (`*` matches a leading dot too: the MySQL
 *  client reads a hidden `.x.cnf`, and a file more can only make a resume refuse). */
export function globMatches(pattern: string): string[] {
  let found = ['/'];
  for (const seg of pattern.split('/').filter(Boolean)) {
    if (!isPattern(seg)) { found = found.map((d) => join(d, unescapeGlob(seg))); continue; }
    const re = new RegExp(`^${segmentSource(seg)}$`, 's');
    found = found.flatMap((d) => namesIn(d).filter((n) => re.test(n)).map((n) => join(d, n)));
  }
  return found.filter((p) => lstatSync(p, { throwIfNoEntry: false }) !== undefined);
}

function namesIn(dir: string): string[] {
  try { return readdirSync(dir).sort(); } catch { return []; }
}

/** A glob's files, their names (from the glob's first wildcard on: `~/.psqlrc*` hashes `.psqlrc-15`) and contents
 *  hashed together; `missing` when none. */
function listingOf(pattern: string, io: Reader): string {
  return listing(pattern, globMatches(pattern).map((path) => ({ path, content: io.read(path, false).content })));
}

function listing(pattern: string, found: readonly { path: string; content: string }[]): string {
  const segs = pattern.split('/');
  const base = unescapeGlob(segs.slice(0, segs.findIndex(isPattern)).join('/')) || '/';
  const hash = createHash('sha256');
  for (const f of found) hash.update(`${relative(base, f.path)}\0${f.content}\0`);
  return found.length ? hash.digest('hex') : 'missing';
}

const readers = new Map<boolean, Reader>();
const readerFor = (keyed: boolean): Reader => {
  let r = readers.get(keyed);
  if (!r) readers.set(keyed, r = { listing, read: (path, withText) => read(path, withText, keyed), matches: globMatches });
  return r;
};

/** The files as they are now, and every file they include, for the run's header (or a --retarget resume's line). */
export function clientFilesOf(env: NodeJS.ProcessEnv, cwd: string, runbookFile?: string, steps: readonly { env: NodeJS.ProcessEnv; cwd: string }[] = []): ClientFile[] {
  // A step's env: or cwd: may move them (PGSERVICEFILE, HOME, a .env in its directory): each step's files too.
  return followIncludes([...clientSources(env, cwd, runbookFile), ...steps.flatMap((s) => clientSources(s.env, s.cwd))], readerFor(true));
}

/** The recorded files that hold something else now, named (never their content), and those that could not be
 *  compared (a psqlrc line that runs a command, an include beyond the bounds), each refused as such. */
export function clientFileChanges(recorded: readonly ClientFile[], keyed = true): string[] {
  const uncompared = recorded.filter((f) => f.content.startsWith(UNCOMPARED))
    .map((f) => `${f.path} ${f.content.slice(UNCOMPARED.length)}: check it, then resume with --retarget`);
  const moved = recorded.filter((f) => !f.content.startsWith(UNCOMPARED)).map((f) => ({ f, now: fileContent(f.path, keyed) })).filter(({ f, now }) => now !== f.content);
  const paths = new Set(recorded.map((f) => f.path));
  const changed = moved.flatMap(({ f, now }) => {
    // a glob: the files it matches that the run did not record are named; a recorded one that changed says the rest
    const added = isPattern(f.path) ? globMatches(f.path).filter((p) => !paths.has(escapeGlob(p))) : [];
    if (added.length) return [`${f.path} (matches ${added.join(', ')}, which the run did not record)`];
    if (isPattern(f.path) && moved.some((m) => !isPattern(m.f.path) && patternMatches(f.path, m.f.path))) return [];
    return [f.content === 'missing' ? `${f.path} (created since)` : now === 'missing' ? `${f.path} (removed since)` : f.path];
  });
  const phrase = changed.length ? [`client configuration ${changed.length === 1 ? 'file' : 'files'} changed since the run recorded ${changed.length === 1 ? 'it' : 'them'}: ${changed.join(', ')} (a client may connect elsewhere now)`] : [];
  return [...phrase, ...uncompared];
}
