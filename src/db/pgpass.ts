// A PostgreSQL password when the URL has none, found as libpq (psql, the application) finds it: PGPASSWORD, then
// the password file (PGPASSFILE, else ~/.pgpass) read by libpq's rules. Read here for every connection the engine
// makes, never by pg's own reader (the pgpass module), which read the file otherwise: a port `0x8045` matched
// 32837, and a password went on past an unescaped ':' where libpq stops, so a run ended "resolved" on a login the
// application could not make (a probe of stop 68). pg's reading also printed a deprecation warning.
import { statSync } from 'node:fs';
import { NotRegularFile, readRegularFile } from '../common/regular-file.js';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';

/** A password file is a few lines; a larger one is not read (libpq has no bound, but a FIFO or a huge file must not
 *  hang or swell the run). */
const MAX_BYTES = 1024 * 1024;

export interface PassQuery { host: string; port: number; database?: string | undefined; user?: string | undefined }

/** The user libpq logs in as: the URL's, else PGUSER, else the OS user. */
export const libpqUser = (user: string | undefined, env: NodeJS.ProcessEnv = process.env): string => user || env.PGUSER || userInfo().username;

/** The file libpq reads: PGPASSFILE, else ~/.pgpass. */
export const passFile = (env: NodeJS.ProcessEnv = process.env): string => env.PGPASSFILE || join(homedir(), '.pgpass');

/** The password for this connection, or undefined; `ignored` says why a password file that exists was not read. */
export function findPassword(q: PassQuery, env: NodeJS.ProcessEnv = process.env): { password?: string; ignored?: string } {
  if (env.PGPASSWORD !== undefined) return { password: env.PGPASSWORD };
  const read = passFileLines(env);
  if (!('lines' in read)) return read;
  const user = libpqUser(q.user, env);
  // libpq matches a socket connection (or none named) as host localhost.
  const host = !q.host || q.host.startsWith('/') ? 'localhost' : q.host;
  const want = [host, String(q.port), q.database || env.PGDATABASE || user, user];
  for (const line of read.lines) {
    const fields = splitLine(line);
    if (fields.length < 5) continue;
    if (want.every((w, i) => fields[i] === '*' || fields[i] === w)) return { password: fields[4]! };
  }
  return {};
}

/** The file's lines (not comments or blank) where libpq reads it, or why it does not (`ignored`), or nothing (no
 *  file). */
function passFileLines(env: NodeJS.ProcessEnv): { lines: string[] } | { ignored?: string } {
  const file = passFile(env);
  let mode: number;
  try {
    const st = statSync(file);
    if (!st.isFile()) return { ignored: `${file} is not a plain file` };
    mode = st.mode;
  } catch { return {}; }
  // libpq ignores a password file others may read or write, and so does this.
  if (mode & 0o077) return { ignored: `${file} may be read by others (chmod 0600 it)` };
  let text: string;
  try { text = readRegularFile(file, MAX_BYTES).toString('utf8'); } catch (e) {
    if (e instanceof NotRegularFile) return { ignored: `${file}: ${e.message}` };
    return {};
  }
  return { lines: text.split(/\r?\n/).filter((l) => l !== '' && !l.startsWith('#')) };
}

/** Every password the file holds where libpq would read it (a plain file only its owner may read), as libpq
 *  reads it and as written (escaped): the engine may log in with any of them, and a step may print the file (a
 *  probe of stop 71: a proven read's `sed` showed one on the screen and in the transcript, where the same password
 *  from the URL or PGPASSWORD was masked). Registered as secrets by the run (cli/prepare-run.ts). */
export function passFilePasswords(env: NodeJS.ProcessEnv = process.env): string[] {
  const read = passFileLines(env);
  return !('lines' in read) ? [] : read.lines.flatMap((line) => {
    const fields = splitLine(line);
    if (fields.length < 5 || !fields[4]) return [];
    const written = /^(?:(?:\\.|[^:\\])*:){4}((?:\\.|[^:\\])*)/.exec(line)?.[1];
    return written && written !== fields[4] ? [fields[4], written] : [fields[4]];
  });
}

/** A line's fields: `:` separates them, `\` escapes the next character (libpq's reading); the password ends at
 *  the first ':' not escaped, as libpq's does (what follows it is not part of it). */
function splitLine(line: string): string[] {
  const fields: string[] = [];
  let cur = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === '\\' && i + 1 < line.length) cur += line[++i];
    else if (c === ':') { fields.push(cur); cur = ''; if (fields.length === 5) return fields; }
    else cur += c;
  }
  fields.push(cur);
  return fields;
}
